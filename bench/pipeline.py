"""Benchmark: the whole published pipeline against ours, in one run, on the same model and data
(issue 12, part 2; METHOD.md §4-6, §11).

    .venv/bin/python bench/pipeline.py --threads 1      # 3-4 min on 2 shared cores, once trained
    .venv/bin/python bench/pipeline.py --threads 0      # all cores (9 min here: OpenBLAS threads spin)

The first run trains the model (37 min on the loaded 2-core machine) and caches it.
    .venv/bin/python bench/pipeline.py --device cuda    # ours on a GPU (the reference stays on the CPU)

Setup: the first 10,000 MNIST training images with 40 %-shuffled labels (p = 0.4, seed 0), the
full test set; the paper's MLP memorized (Adam lr 1e-3, batch 128, seed 0, until 95 % of the
corrupted labels are fit: the recipe of tests/core/conftest.py), trained once and cached at
--checkpoint. All five layers: the input (`flatten`) and fc1-fc4. Per layer: MASC at τ = 0.99,
MASC with one component and the linear probe, predicting the training set (corrupted and true
label metrics) and the test set; then the last-layer repair and the repaired model's test
predictions.

* published (bench/published.py): extraction one image at a time, one pickle file per image and
  layer, read back and stacked; per layer and class the data stacked with its negatives, `np.cov`,
  full `np.linalg.eigh` (one decomposition shared by the three probes: generous to it), angles by
  `arccos`; the repair writes its fc4 linear probe into the final layer (zero bias).
* ours: what the probe job runs (`latentgen.report.fit_probes` and `predict_probes`, as
  `probe_model` calls them; the one-component MASC from the same spectra by `with_components(1)`),
  and the repair job's `repair_last_layer` and `metrics.predict`.

Printed: seconds per phase, the ratio, k_c and prediction agreement per (layer, probe), test
accuracies. Timings on a shared machine are noisy: compare the ratio within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import latentgen  # noqa: F401  (before torch: passive OpenMP waiters)

import numpy as np
import torch
from torch import nn

import published
from latentgen.corruption import corrupt_labels
from latentgen.data import load_npz
from latentgen.edit import repair_last_layer
from latentgen.metrics import label_metrics, predict
from latentgen.models import build_model, final_linear
from latentgen.report import MODEL, fit_probes, predict_probes
from latentgen.train import Recipe, seeded_model, train

LAYERS = ["flatten", "fc1", "fc2", "fc3", "fc4"]
MASC_OPTIONS = {"variance": 0.99}
N_TRAIN, P, SEED, K = 10_000, 0.4, 0, 10


def memorized_model(splits, labels, checkpoint: Path) -> nn.Module:
    if checkpoint.is_file():
        model = build_model("mlp", splits.input_shape, K)
        model.load_state_dict(torch.load(checkpoint, weights_only=True))
        return model
    model = seeded_model("mlp", splits.input_shape, K, seed=SEED)
    t = time.perf_counter()
    result = train(model, splits, labels, Recipe("adam", 1e-3, batch_size=128), seed=SEED, max_epochs=150,
                   target_train_acc=0.95, device="cpu")
    print(f"# trained in {time.perf_counter() - t:.0f} s: {result.stopped_reason}, {result.history[-1]}", flush=True)
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), checkpoint)
    return model


class Clock:
    """Seconds per named phase."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def __call__(self, phase: str, fn, *args, **kwargs):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - t
        print(f"#   {phase}: {self.seconds[phase]:.2f} s", flush=True)
        return out

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def run_published(model, splits, labels, threads: int) -> tuple[Clock, dict, dict]:
    """The published pipeline: predictions {(layer, probe): (train, test)}, k_c per layer."""
    clock = Clock()
    with tempfile.TemporaryDirectory(prefix="published-") as root:
        for part, x in (("train", splits.x_train), ("test", splits.x_test)):
            clock("extract one image at a time, a file per image and layer", published.extract_per_image,
                  model, x, LAYERS, os.path.join(root, part))
        train_h = clock("read the files back", published.load_per_image, os.path.join(root, "train"), LAYERS,
                        len(splits.x_train))
        test_h = clock("read the files back", published.load_per_image, os.path.join(root, "test"), LAYERS,
                       len(splits.x_test))
    y = labels.labels
    preds, ks, rows = {}, {}, {}
    for layer in LAYERS:
        Ptau, k, W, _ = clock("fit: np.cov + full eigh per class", published.fit, train_h[layer], y, range(K),
                              threads=threads)
        ks[layer] = [k[c] for c in range(K)]
        P1 = {c: W[c][None] for c in range(K)}  # the top eigenvector: MASC with one component
        for probe, basis in (("masc", Ptau), ("masc_k1", P1)):
            preds[(layer, probe)] = tuple(clock("predict: angles by arccos", published.predict_masc, basis, h, threads)
                                          for h in (train_h[layer], test_h[layer]))
        preds[(layer, "linear")] = tuple(clock("predict: linear", published.predict_linear, W, h, threads)
                                         for h in (train_h[layer], test_h[layer]))
        rows[layer] = W

    def repair():
        edited = build_model("mlp", splits.input_shape, K)
        edited.load_state_dict(model.state_dict())
        _, linear = final_linear(edited)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.stack([rows["fc4"][c] for c in range(K)])).float())
            linear.bias.zero_()
        return predict(edited, splits.x_test, device="cpu")

    preds[("repaired", "model")] = (None, clock("repair + predict the test set", repair))
    return clock, preds, ks


def run_ours(model, splits, labels, device) -> tuple[Clock, dict, dict]:
    clock = Clock()
    y = labels.labels
    fitted = clock("fit_probes (masc, linear)", fit_probes, model, splits.x_train, y, LAYERS, ["masc", "linear"],
                   {"masc": MASC_OPTIONS}, num_classes=K, device=device)
    fitted.update(clock("MASC with one component: with_components(1)", lambda: {
        (layer, "masc_k1"): fitted[(layer, "masc")].with_components(1) for layer in LAYERS}))
    train_p = clock("predict_probes train", predict_probes, model, splits.x_train, fitted, device=device)
    test_p = clock("predict_probes test", predict_probes, model, splits.x_test, fitted, device=device)
    preds = {key: (train_p[key], test_p[key]) for key in fitted}
    edited, _ = clock("repair_last_layer", repair_last_layer, model, splits.x_train, y, device=device)
    preds[("repaired", "model")] = (None, clock("predict the repaired model", predict, edited, splits.x_test,
                                                device=device))
    preds[(MODEL, MODEL)] = (train_p[(MODEL, MODEL)], test_p[(MODEL, MODEL)])
    ks = {layer: fitted[(layer, "masc")].k_.tolist() for layer in LAYERS}
    return clock, preds, ks


def machine() -> str:
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    root = Path(__file__).resolve().parents[1]
    commit = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h", "--", "latentgen"],
                            capture_output=True, text=True).stdout.strip() or "?"
    return (f"{platform.node()} | {os.cpu_count()} CPU ({model}) | python {platform.python_version()} | "
            f"latentgen/ at {commit} | torch {torch.__version__} ({torch.get_num_threads()} threads) | "
            f"numpy {np.__version__} | load average {os.getloadavg()[0]:.1f}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1, help="threads for both sides (torch and OpenBLAS); 0: all cores")
    p.add_argument("--ref-blas-threads", type=int, default=None, help="OpenBLAS threads for the reference "
                   "(default: --threads)")
    p.add_argument("--device", default="cpu", help="device for ours (the reference runs on the CPU)")
    p.add_argument("--mnist", default=os.environ.get("LATENTGEN_TEST_MNIST", "/work/shared/data/mnist.npz"))
    p.add_argument("--checkpoint", default=None, help="the memorized MLP: trained and saved here if absent "
                   "(default var/bench/pipeline_mlp_mnist<n-train>_p0.4.pt)")
    p.add_argument("--n-train", type=int, default=N_TRAIN, help="first N training images (smoke runs: fewer)")
    p.add_argument("--n-test", type=int, default=None, help="first N test images (default: all)")
    p.add_argument("--json", help="also write the results to this file")
    args = p.parse_args(argv)

    threads = args.threads or os.cpu_count()
    torch.set_num_threads(threads)
    ref_threads = args.ref_blas_threads or threads
    splits = load_npz(args.mnist).subset(args.n_train, args.n_test)
    labels = corrupt_labels(splits.y_train, p=P, num_classes=K, seed=SEED)
    checkpoint = Path(args.checkpoint or f"var/bench/pipeline_mlp_mnist{args.n_train}_p{P}.pt")
    model = memorized_model(splits, labels, checkpoint)
    print(machine() + f" | reference OpenBLAS threads {ref_threads}", flush=True)

    print("# published pipeline", flush=True)
    ref_clock, ref_preds, ref_k = run_published(model, splits, labels, ref_threads)
    print("# ours", flush=True)
    our_clock, our_preds, our_k = run_ours(model, splits, labels, args.device)

    lines = [f"{'phase':<58} {'seconds':>9}"]
    lines += [f"published: {phase:<47} {s:9.2f}" for phase, s in ref_clock.seconds.items()]
    lines += [f"ours:      {phase:<47} {s:9.2f}" for phase, s in our_clock.seconds.items()]
    lines += [f"{'published total':<58} {ref_clock.total:9.2f}", f"{'ours total':<58} {our_clock.total:9.2f}",
              f"{'speed-up (published / ours)':<58} {ref_clock.total / our_clock.total:9.1f}x", ""]
    lines.append(f"{'layer':<9}{'probe':<9}{'k_c same':>9}{'train agree':>13}{'test agree':>12}"
                 f"{'test acc published':>20}{'ours':>8}")
    agreement = {}
    for key, (ref_train, ref_test) in ref_preds.items():
        our_train, our_test = our_preds[key]
        same_train = float((ref_train == our_train).mean()) if ref_train is not None else float("nan")
        same_test = float((ref_test == our_test).mean())
        agreement["/".join(key)] = {"train": same_train, "test": same_test}
        k_same = str(ref_k[key[0]] == our_k[key[0]]) if key[1] == "masc" else ""
        acc = [float((pred == splits.y_test.numpy()).mean()) for pred in (ref_test, our_test)]
        lines.append(f"{key[0]:<9}{key[1]:<9}{k_same:>9}{same_train:13.4%}{same_test:12.4%}{acc[0]:20.2%}{acc[1]:8.2%}")
    model_acc = label_metrics(*our_preds[(MODEL, MODEL)], labels, splits.y_test)["test_acc"]
    lines.append(f"the memorized model itself: test accuracy {model_acc:.2%}")
    print("\n".join(lines), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(), "argv": sys.argv[1:], "published_s": ref_clock.seconds,
                       "ours_s": our_clock.seconds, "speedup": ref_clock.total / our_clock.total,
                       "agreement": agreement, "k_c": {"published": ref_k, "ours": our_k}}, f, indent=1)


if __name__ == "__main__":
    main()
