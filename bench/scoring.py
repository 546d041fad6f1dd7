"""Benchmark: the spectral probes' exact default scoring (float32 products with a rounding bound,
float64 for the pairs it leaves in contention) against plain float32 and plain float64 scoring of
the same fit, timed in the same run on real activations (issue 19, "Exact and fast scoring").

    .venv/bin/python bench/scoring.py --quick                  # random-init ResNet-18, 1,000 + 1,000 images
    .venv/bin/python bench/scoring.py --train-epochs 4         # 6,000 + 4,000 CIFAR-10 images, the paper's layers

The paper's ResNet-18 (CIFAR stem) on CIFAR-10 (`../shared/data/cifar10.npz`), optionally trained
for a few epochs of Adam on 40%-shuffled labels so that its layers separate the classes as a
trained network's do; then per layer (maxpool 16,384 features, layer2 8,192, layer3 4,096,
layer4 2,048): MASC (τ = 0.99) and the linear probe fitted on the training rows, and the test rows
scored three ways. Each time is the best of `--repeats`, one thread. It prints, per layer and probe:
the three times, their ratios to float32, the share of rows and of (row, class) pairs re-scored in
float64, and whether the default's predictions equal float64's (they must: the bound is rigorous).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import latentgen  # noqa: F401  (before torch: passive OpenMP waiters)

import numpy as np
import torch

from latentgen.data import load_npz
from latentgen.extract import extract
from latentgen.models import build_model
from latentgen.probes import LinearProbe, MASCProbe, _close_classes, _subspace_scores

CIFAR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cifar10.npz"
LAYERS = ("maxpool", "layer2", "layer3", "layer4")


def noisy_labels(y: np.ndarray, p: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = y.copy()
    replaced = rng.random(len(y)) < p
    noisy[replaced] = rng.integers(0, 10, replaced.sum())
    return noisy


def trained_resnet(x: torch.Tensor, y: np.ndarray, epochs: int, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    model = build_model("resnet18", tuple(x.shape[1:]), 10)
    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    targets = torch.from_numpy(y)
    for epoch in range(epochs):
        model.train()
        started = time.perf_counter()
        for batch in torch.randperm(len(x)).split(64):
            loss = torch.nn.functional.cross_entropy(model(x[batch]), targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"  epoch {epoch + 1}: loss {loss.item():.3f} ({time.perf_counter() - started:.0f} s)", flush=True)
    return model.eval()


def best_time(run, repeats: int):
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def plain(probe, H: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """The fitted probe's scores with every product in `dtype`."""
    if isinstance(probe, MASCProbe):
        return _subspace_scores(H.to(dtype), probe._basis.to(dtype), probe._membership.to(dtype),
                                probe._offset.to(dtype), probe._sign.to(dtype))
    return H.to(dtype) @ probe._W.to(dtype).T


def measure(layer: str, train: torch.Tensor, test: torch.Tensor, y: np.ndarray, repeats: int) -> list[dict]:
    rows = []
    for probe in (MASCProbe(variance=0.99), LinearProbe()):
        probe.fit(train, y, num_classes=10)
        t32, s32 = best_time(lambda: plain(probe, test, torch.float32), repeats)
        t64, s64 = best_time(lambda: plain(probe, test, torch.float64), repeats)
        tdef, pred = best_time(lambda: probe.predict(test), repeats)
        close = _close_classes(*probe._float32_scores(test))
        rows.append({"layer": layer, "d": train.shape[1], "probe": type(probe).__name__, "t32": t32, "t64": t64,
                     "default": tdef, "rows": float(close.any(1).float().mean()), "pairs": float(close.float().mean()),
                     "same_as_float64": bool(np.array_equal(pred, s64.argmax(1).numpy())),
                     "float32_differs": int((s32.argmax(1) != s64.argmax(1)).sum())})
    return rows


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 + 1,000 images, layer3 and layer4, untrained")
    parser.add_argument("--train", type=int, default=6000, help="training images (fit)")
    parser.add_argument("--test", type=int, default=4000, help="test images (scored)")
    parser.add_argument("--train-epochs", type=int, default=0, help="epochs of Adam on the noisy labels first")
    parser.add_argument("--layers", nargs="+", default=list(LAYERS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", default=str(CIFAR))
    args = parser.parse_args(argv)
    if args.quick:
        args.train, args.test, args.layers, args.repeats = 1000, 1000, ["layer3", "layer4"], 1
    torch.set_num_threads(1)
    splits = load_npz(args.data).subset(args.train, args.test)
    y = noisy_labels(splits.y_train.numpy(), 0.4, seed=0)
    print(f"ResNet-18, CIFAR-10: {args.train} train / {args.test} test, {args.train_epochs} epochs, 1 thread", flush=True)
    model = trained_resnet(splits.x_train, y, args.train_epochs, seed=0)
    activations = extract(model, torch.cat([splits.x_train, splits.x_test]), args.layers, batch_size=500)
    print(f"{'layer':8} {'d':>6} {'probe':12} {'float32':>8} {'float64':>8} {'default':>8} "
          f"{'f64/f32':>7} {'def/f32':>7} {'rows':>7} {'pairs':>7}  same as float64")
    results = []
    for layer in args.layers:
        H = activations.pop(layer)
        for r in measure(layer, H[:args.train], H[args.train:], y, args.repeats):
            results.append(r)
            print(f"{r['layer']:8} {r['d']:>6} {r['probe']:12} {r['t32']:7.2f}s {r['t64']:7.2f}s {r['default']:7.2f}s "
                  f"{r['t64'] / r['t32']:7.2f} {r['default'] / r['t32']:7.2f} {r['rows']:7.2%} {r['pairs']:7.2%}  "
                  f"{r['same_as_float64']} (float32 alone: {r['float32_differs']} differ)", flush=True)
    return results


if __name__ == "__main__":
    main()
