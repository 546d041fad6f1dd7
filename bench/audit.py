"""Benchmark: the label audit from one memorized network against Confident Learning (issue 9).

    .venv/bin/python bench/audit.py --data digits                 # ~10 min on 2 idle CPU cores
    .venv/bin/python bench/audit.py --data mnist --n-train 10000  # ~1 h on 2 idle CPU cores
    .venv/bin/python bench/audit.py --data digits mnist --json results.json
    .venv/bin/python bench/audit.py --data mnist --n-train 5000 --noise uniform pairflip --p 0.2 0.4 --no-retrained

Figures and the machine they were measured on: docs/benchmarks.md.

On the same data and noisy labels (by default uniform noise, p = 0.4, seed 0: 36% of the labels
wrong; `--noise pairflip` moves a label to its partner under MNIST's map of Patrini et al., 2 → 7,
3 → 8, 5 ↔ 6, 7 → 1, with probability p), all methods flag the training examples whose label they
believe wrong, scored against the truly flipped ones (precision, recall, F1; AUROC of each method's
suspicion score):

* memorized network: the paper's MLP trained (Adam lr 1e-3, batch 128, seed 0) on the noisy labels
  until 99% of them are fitted, with the validation split (10%, seed 0) held out from training;
* audit: `latentgen.audit.audit_labels` on that network (5-fold cross-fitting, layer and probe
  chosen on the validation split); its time excludes the network's training, which it reuses;
* cleanlab (a): `cleanlab.filter.find_label_issues` fed out-of-sample probabilities from 5-fold
  cross-validation of a logistic regression on the inputs (standardised pixels);
* cleanlab (b): the same, with the same network retrained from scratch on each fold with the same
  recipe and stop rule (cleanlab's recommended, expensive setup); its time is the 5 trainings and
  the predictions;
* cleanlab (c): the memorized network's own in-sample softmax fed to `find_label_issues`;
* model: the memorized network's predictions, flagged where they differ from the given label;
* kNN voting: the training-free idea of SimiFeat (Zhu et al. 2022): each example's 10 nearest
  neighbours (cosine) in the memorized network's penultimate features vote with their given labels,
  flagged where another label wins.

The folds are the same for the audit and for (a) and (b). The suspicion score for AUROC is the
audit's margin, and 1 - cleanlab's self-confidence (`get_label_quality_scores`) for cleanlab.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import latentgen  # noqa: F401  (before torch: passive OpenMP waiters)

import numpy as np
import torch

from latentgen.audit import audit_labels, detection_metrics, suspicion
from latentgen.corruption import CorruptedLabels, NoiseModel
from latentgen.crossfit import assign_folds
from latentgen.data import Splits, load_digits, load_npz
from latentgen.extract import extract
from latentgen.networks import as_network
from latentgen.train import Recipe, seeded_model, train
from latentgen.validation import Validation

MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz"
RECIPE = Recipe("adam", 1e-3, batch_size=128)


class Clock:
    """Wall time and this process's CPU time (all threads) since creation: on a shared machine the
    CPU time is the steadier measure of work, the wall time what a user waits."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> dict[str, float]:
        return {"seconds": round(time.perf_counter() - self.wall, 2), "cpu_seconds": round(time.process_time() - self.cpu, 2)}


def load(name: str, n_train: int | None) -> Splits:
    splits = load_digits() if name == "digits" else load_npz(MNIST)
    return splits.subset(n_train, None)


def memorize(splits: Splits, labels: CorruptedLabels, rows: np.ndarray, seed: int, max_epochs: int):
    """The paper's MLP trained on training examples `rows` until 99% of their noisy labels are
    fitted; evaluated each epoch on 100 test images only (the stop rule needs the training part)."""
    part = Splits(splits.x_train[rows], splits.y_train[rows], splits.x_test[:100], splits.y_test[:100])
    part_labels = CorruptedLabels(*(getattr(labels, k)[rows] for k in ("labels", "true_labels", "replaced", "flipped")))
    model = seeded_model("mlp", splits.input_shape, splits.num_classes, seed)
    result = train(model, part, part_labels, RECIPE, seed=seed, max_epochs=max_epochs, target_train_acc=0.99, device="cpu")
    return model.eval(), result


@torch.inference_mode()
def softmax(model, x: torch.Tensor) -> np.ndarray:
    return torch.cat([model(x[i:i + 1024]).softmax(1) for i in range(0, len(x), 1024)]).numpy()


def cleanlab_flags(given: np.ndarray, probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    flagged = find_label_issues(given, probabilities)
    return flagged, 1.0 - get_label_quality_scores(given, probabilities)


def knn_vote(features: np.ndarray, given: np.ndarray, num_classes: int, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(flagged, suspicion): each example's `k` nearest neighbours by cosine similarity (itself left
    out) vote with their given labels; suspicion is the best other label's share minus the given one's."""
    from sklearn.neighbors import NearestNeighbors

    unit = features / np.maximum(np.linalg.norm(features, axis=1, keepdims=True), 1e-12)
    near = NearestNeighbors(n_neighbors=k + 1).fit(unit).kneighbors(unit, return_distance=False)[:, 1:]
    votes = np.zeros((len(given), num_classes))
    np.add.at(votes, (np.repeat(np.arange(len(given)), k), given[near].ravel()), 1.0 / k)
    score = suspicion(votes, given)
    return score > 0, score


def noisy_labels(splits: Splits, noise: str, p: float) -> CorruptedLabels:
    model = NoiseModel(noise, p, "mnist" if noise == "pairflip" else None)  # digits and MNIST: the same ten digits
    return model.corrupt(splits.y_train, splits.num_classes, seed=0)


def run(name: str, n_train: int | None, noise: str, p: float, folds: int, max_epochs: int, retrained: bool) -> dict:
    splits = load(name, n_train)
    n, k = len(splits.x_train), splits.num_classes
    labels = noisy_labels(splits, noise, p)
    given, flipped = labels.labels, labels.flipped
    val = Validation.carve(n)
    fold_ids = assign_folds(n, folds, seed=0)
    out = {"data": name, "n_train": n, "noise": noise, "p": p, "flip_rate": float(flipped.mean()), "folds": folds,
           "methods": {}}
    tag = f"{name} {noise} {p:g}"

    def record(method: str, flagged, score, clock: Clock, **extra):
        out["methods"][method] = {**detection_metrics(flagged, score, flipped), **clock.read(), **extra}
        m = out["methods"][method]
        print(f"{tag:>18} {method:<42} P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
              f"AUROC {m['auroc']:.3f}  wall {m['seconds']:7.1f} s  cpu {m['cpu_seconds']:7.1f} s  {extra or ''}", flush=True)

    clock = Clock()
    model, trained = memorize(splits, labels, val.fit_indices, seed=0, max_epochs=max_epochs)
    out["memorized"] = {**clock.read(), "epochs": trained.epochs_run,
                        "train_acc_noisy": trained.history[-1]["train_acc_noisy"],
                        "test_acc": float(np.mean(softmax(model, splits.x_test).argmax(1) == splits.y_test.numpy()))}
    print(f"{tag:>18} memorized network: {out['memorized']}", flush=True)

    clock = Clock()
    audit = audit_labels(model, splits, labels, folds=folds, validation=val, device="cpu")
    record("audit (one memorized network)", audit.flagged, audit.score, clock,
           layer=audit.summary["layer"], probe=audit.summary["probe"], test_acc=audit.summary["test_acc"],
           oracle=audit.summary["oracle"], noise_structure=audit.summary["noise_structure"])
    out["methods"]["audit (one memorized network)"]["estimated_noise"] = audit.summary["estimated_noise"]

    probabilities = softmax(model, splits.x_train)
    record("model's own predictions", probabilities.argmax(1) != given, suspicion(probabilities, given), Clock())
    clock = Clock()
    penultimate = as_network(model).default_probe_layers()[-1]
    features = extract(model, splits.x_train, [penultimate], device="cpu")[penultimate].numpy()
    record("kNN voting (penultimate features)", *knn_vote(features, given, k), clock, layer=penultimate)
    clock = Clock()
    flagged, score = cleanlab_flags(given, probabilities)
    record("cleanlab (c): in-sample softmax", flagged, score, clock)

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clock = Clock()
    x_flat = splits.x_train.flatten(1).numpy()
    oos = np.zeros((n, k))
    for f in range(folds):
        inside = fold_ids == f
        lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)).fit(x_flat[~inside], given[~inside])
        oos[inside] = lr.predict_proba(x_flat[inside])
    flagged, score = cleanlab_flags(given, oos)
    record("cleanlab (a): 5-fold logistic regression", flagged, score, clock)

    if not retrained:
        return out
    clock = Clock()
    oos = np.zeros((n, k))
    epochs = []
    for f in range(folds):
        inside = fold_ids == f
        fold_model, fold_run = memorize(splits, labels, np.flatnonzero(~inside), seed=0, max_epochs=max_epochs)
        oos[inside] = softmax(fold_model, splits.x_train[inside])
        epochs.append(fold_run.epochs_run)
        print(f"{tag:>18}   fold {f}: {fold_run.epochs_run} epochs, {clock.read()}", flush=True)
    flagged, score = cleanlab_flags(given, oos)
    record("cleanlab (b): 5-fold retrained network", flagged, score, clock, epochs=epochs)
    return out


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", choices=("digits", "mnist"), default=["digits"])
    parser.add_argument("--n-train", type=int, default=10000, help="MNIST training images (digits: all 1,400)")
    parser.add_argument("--noise", nargs="+", choices=("uniform", "pairflip"), default=["uniform"])
    parser.add_argument("--p", type=float, nargs="+", default=[0.4])
    parser.add_argument("--no-retrained", dest="retrained", action="store_false",
                        help="skip cleanlab (b), the network retrained per fold (most of the run's time)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-epochs", type=int, default=300)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--quick", action="store_true",
                        help="one row in about a minute (the test's): digits, pair flips with p = 0.4, no retraining")
    args = parser.parse_args(argv)
    if args.quick:
        args.data, args.noise, args.p, args.retrained = ["digits"], ["pairflip"], [0.4], False
    torch.manual_seed(0)
    print(f"machine: {platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads, "
          f"torch {torch.__version__}", flush=True)
    results = []
    for name in args.data:
        for noise in args.noise:
            for p in args.p:
                results.append(run(name, None if name == "digits" else args.n_train, noise, p, args.folds,
                                   args.max_epochs, args.retrained))
                if args.json:  # after each row, so that a long run leaves what it finished
                    args.json.write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
