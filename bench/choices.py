"""Benchmark: the choices (probe's best layer, graft's cut and head, audit's layer and probe) on
both kinds of models, against the test-set oracle (issue 16).

    .venv/bin/python bench/choices.py --quick                 # digits, p = 0.4: ~3 min on 2 cores
    .venv/bin/python bench/choices.py                         # digits and MNIST at p = 0.2/0.4/0.6, CIFAR-10 at 0.4
    .venv/bin/python bench/choices.py --data cifar10 --p 0.4 --json out.json
    .venv/bin/python bench/choices.py --data digits --noise pairflip --p 0.2 0.4   # class-dependent noise

Figures and the machine they were measured on: docs/benchmarks.md.

For each data set and noise rate (uniform noise by default, or `--noise pairflip`: Patrini et al.'s
map of the data set, MNIST's for digits; seed 0), the paper's MLP (the paper's CNN on
CIFAR-10) is trained with Adam (lr 1e-3, batch 128) until it fits 99% of its noisy labels, twice:
"held out" trains on the 90% outside the default validation split (as a `train` job does), "every
example" trains on all of them (as most users' models are). Each choice is then made exactly as the
service makes it with no held-out data given (the default split, carved from the training set):
by validation accuracy, or by the noise-ceiling rule when the network memorized the split. Printed
per row: the rule, the chosen candidate's test accuracy (audit: F1 against the truly flipped
labels), the oracle's (the best candidate on the test set; audit: the best candidate's F1), and
the gap.
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

from latentgen.audit import audit_labels
from latentgen.corruption import CorruptedLabels, NoiseModel
from latentgen.data import Splits, load_digits, load_npz
from latentgen.graft import graft
from latentgen.train import Recipe, seeded_model, train
from latentgen.validation import Validation, choose_from_rows, probe_rows, select_best

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
RECIPE = Recipe("adam", 1e-3, batch_size=128)
SIZES = {"digits": None, "mnist": 5000, "cifar10": 5000}
ARCH = {"digits": "mlp", "mnist": "mlp", "cifar10": "cnn"}


def load(name: str) -> Splits:
    if name == "digits":
        return load_digits()
    return load_npz(SHARED / f"{name}.npz").subset(SIZES[name], 2000)


def memorize(name: str, splits: Splits, labels: CorruptedLabels, rows: np.ndarray, max_epochs: int):
    """The network trained on training examples `rows` until 99% of their noisy labels are fitted."""
    part = Splits(splits.x_train[rows], splits.y_train[rows], splits.x_test[:100], splits.y_test[:100])
    part_labels = CorruptedLabels(*(getattr(labels, k)[rows] for k in ("labels", "true_labels", "replaced", "flipped")))
    model = seeded_model(ARCH[name], splits.input_shape, splits.num_classes, seed=0)
    result = train(model, part, part_labels, RECIPE, seed=0, max_epochs=max_epochs, target_train_acc=0.99, device="cpu")
    return model.eval(), result


def choices(model, splits: Splits, labels: CorruptedLabels, val: Validation) -> dict:
    out = {}
    rows = probe_rows(model, splits, labels, val, device="cpu")
    picked, info = choose_from_rows(rows, val)
    by_accuracy = select_best([r for r in rows if r["probe"] != "model"])["chosen"]  # the rule before issue 16
    out["probe"] = {"rule": info["rule"], "chosen": picked["chosen"], "oracle": picked["oracle"],
                    "ceiling": info["noise_ceiling"], "value": picked["chosen"]["test_acc"],
                    "best": picked["oracle"]["test_acc"], "by_accuracy": by_accuracy["test_acc"]}
    _, report = graft(model, splits, labels, validation=val, device="cpu")
    out["graft"] = {"rule": report.validation["rule"], "chosen": [report.layer, report.head], "oracle": report.oracle,
                    "value": report.test_acc, "best": report.oracle["test_acc"]}
    audit = audit_labels(model, splits, labels, validation=val, device="cpu")
    f1 = {(r["layer"], r["probe"]): r["value"] for r in audit.candidates if r["metric"] == "f1"}
    best = max(f1, key=f1.get)
    out["audit"] = {"rule": audit.summary["validation"]["rule"], "chosen": [audit.summary["layer"], audit.summary["probe"]],
                    "oracle": list(best), "value": audit.summary["detection"]["audit"]["f1"], "best": f1[best]}
    return out


def run(name: str, p: float, max_epochs: int, noise: str = "uniform") -> list[dict]:
    splits = load(name)
    class_map = ("cifar10" if name == "cifar10" else "mnist") if noise == "pairflip" else None
    labels = NoiseModel(noise, p, class_map).corrupt(splits.y_train, splits.num_classes, seed=0)
    val = Validation.carve(len(splits.x_train))
    results = []
    for kind, rows in (("held out", val.fit_indices), ("every example", np.arange(len(splits.x_train)))):
        start = time.perf_counter()
        model, trained = memorize(name, splits, labels, rows, max_epochs)
        found = choices(model, splits, labels, val)
        for job, c in found.items():
            row = {"data": name, "n_train": len(splits.x_train), "noise": noise, "p": p, "model": kind,
                   "epochs": trained.epochs_run,
                   "job": job, **c, "gap": c["best"] - c["value"], "seconds": round(time.perf_counter() - start, 1)}
            results.append(row)
            before = f" (by validation accuracy: {c['by_accuracy']:.3f})" if "by_accuracy" in c else ""
            print(f"{name:>7} {noise} p={p:.1f} {kind:<13} {job:<5} rule {c['rule']:<19} chosen {c['value']:.3f} "
                  f"oracle {c['best']:.3f} gap {row['gap']:+.3f}  {c['chosen']}{before}", flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", nargs="+", choices=list(SIZES), default=list(SIZES))
    ap.add_argument("--p", nargs="+", type=float, default=None, help="noise rates (default 0.2 0.4 0.6; CIFAR-10 0.4)")
    ap.add_argument("--noise", choices=("uniform", "pairflip"), default="uniform")
    ap.add_argument("--quick", action="store_true", help="digits at p = 0.4 only")
    ap.add_argument("--max-epochs", type=int, default=150)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    torch.manual_seed(0)
    plan = [("digits", 0.4)] if args.quick else [
        (name, p) for name in args.data for p in (args.p or ((0.4,) if name == "cifar10" else (0.2, 0.4, 0.6)))]
    print(f"machine: {platform.processor() or platform.machine()}, torch threads {torch.get_num_threads()}")
    results = [row for name, p in plan for row in run(name, p, args.max_epochs, args.noise)]
    worst = {kind: max(r["gap"] for r in results if r["model"] == kind) for kind in ("held out", "every example")}
    print("largest gap to the oracle: " + ", ".join(f"{k} {v:+.3f}" for k, v in worst.items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
