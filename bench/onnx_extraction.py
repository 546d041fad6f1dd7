"""Benchmark: layer extraction through the ONNX backend (onnxruntime) against the torch backend, on
the same network and weights, timed in the same run (issue 8, item 5: at most 2x slower).

    .venv/bin/python bench/onnx_extraction.py                       # paper CNN (MNIST) and ResNet-18
    .venv/bin/python bench/onnx_extraction.py --models cnn --n 1024 --repeats 1   # quick

Per model: the paper's builder (seed 0, untrained: speed does not depend on the weights) exported
with torch.onnx.export (TorchScript exporter, dynamic batch); `extract(network, x, layers,
batch_size=256)` of the paper's probed layers (torch module names, their ONNX equivalents via
`OnnxNetwork.module_layer`), torch backend vs ONNX backend, best of --repeats after one warm-up
(the warm-up creates onnxruntime's session for that set of layers, which is then cached), both
with torch's thread count. Also: logits only (no captured layer), and whether the captured
outputs agree (allclose, atol 1e-4). Inputs: CNN on the first --n MNIST training images
(1x28x28), ResNet-18 on standard-normal 3x32x32 inputs (CIFAR-10's shape).
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
import warnings
from pathlib import Path

import latentgen  # noqa: F401  (before torch: passive OpenMP waiters)

import numpy as np
import onnxruntime
import torch

from latentgen.extract import extract
from latentgen.models import build_model
from latentgen.networks import load_network

SHAPES = {"cnn": (1, 28, 28), "resnet18": (3, 32, 32)}


def inputs(name: str, n: int, mnist: str) -> torch.Tensor:
    if name == "cnn":
        x = np.load(mnist)["x_train"][:n]
        return torch.from_numpy(x).float().div_(255).sub_(0.5).div_(0.5).unsqueeze(1)
    return torch.randn(n, *SHAPES[name], generator=torch.Generator().manual_seed(0))


def best_of(fn, repeats: int) -> tuple[float, object]:
    fn()  # warm-up: onnxruntime session for this set of outputs, allocator, caches
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(name: str, args, tmp: Path) -> dict:
    torch.manual_seed(0)
    model = build_model(name, SHAPES[name], 10).eval()
    path = tmp / f"{name}.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.zeros(2, *SHAPES[name]),), str(path), dynamo=False, input_names=["x"],
                          output_names=["logits"], dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
    network = load_network(path, None)
    modules = list(model.probe_layers)
    layers = [network.module_layer(m) for m in modules]
    x = inputs(name, args.n, args.mnist)
    timings = {}
    timings["torch"], got_torch = best_of(lambda: extract(model, x, modules, args.batch, "cpu"), args.repeats)
    timings["onnx"], got_onnx = best_of(lambda: extract(network, x, layers, args.batch, "cpu"), args.repeats)
    timings["torch_logits"], _ = best_of(lambda: extract(model, x, [], args.batch, "cpu"), args.repeats)
    timings["onnx_logits"], _ = best_of(lambda: extract(network, x, [], args.batch, "cpu"), args.repeats)
    same = all(torch.allclose(got_torch[m], got_onnx[l], atol=1e-4) for m, l in zip(modules, layers))
    return {"model": name, "n": args.n, "layers": dict(zip(modules, layers)), "same_outputs": same, **timings}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    p.add_argument("--n", type=int, default=2048, help="examples extracted per timing")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--repeats", type=int, default=3, help="best of this many timings (after one warm-up)")
    p.add_argument("--mnist", default="/work/shared/data/mnist.npz")
    args = p.parse_args(argv)
    print(f"python {platform.python_version()}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"onnxruntime {onnxruntime.__version__} (same thread count), batch {args.batch}, best of {args.repeats}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models:
            r = run(name, args, Path(tmp))
            print(f"{name}: {r['n']:,} examples, layers {r['layers']}")
            print(f"  extract, torch  {r['torch']:8.2f} s   onnx {r['onnx']:8.2f} s   onnx/torch {r['onnx'] / r['torch']:.2f}x"
                  f"   outputs allclose: {r['same_outputs']}")
            print(f"  logits only, torch {r['torch_logits']:5.2f} s   onnx {r['onnx_logits']:8.2f} s   "
                  f"onnx/torch {r['onnx_logits'] / r['torch_logits']:.2f}x")


if __name__ == "__main__":
    main()
