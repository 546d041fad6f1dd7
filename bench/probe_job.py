"""Benchmark: a probe job's work (`latentgen.validation.probe_rows`: every probe fitted with and
without a 10% validation split, scored on train, test and validation) in peak memory and time, at
several fit memory budgets (issue 19, "Memory bounded by a budget").

    .venv/bin/python bench/probe_job.py --quick                    # MLP on 2,000 MNIST images, seconds
    .venv/bin/python bench/probe_job.py --n 5000 --budgets none 1 0.25   # ResNet-18 on CIFAR-10

The network is untrained (seed 0): memory and time do not depend on its weights. Each budget runs
in a subprocess of its own, so each peak (VmHWM from /proc, above the resident size before the call)
is its own. The rows must be the same at every budget: the budget changes how the layers share
forward passes, not what is fitted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _status(field: str) -> int:
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def measure(model: str, data: str, n: int, budget: str) -> dict:
    import latentgen  # noqa: F401  (before torch: passive OpenMP waiters)
    import torch

    from latentgen.corruption import corrupt_labels
    from latentgen.data import load_npz
    from latentgen.models import build_model
    from latentgen.validation import probe_rows

    torch.manual_seed(0)
    splits = load_npz(SHARED / f"{data}.npz").subset(n, 1000)
    labels = corrupt_labels(splits.y_train, 0.4, 10, seed=0)
    network = build_model(model, splits.input_shape, 10).eval()
    start = _status("VmRSS")
    started = time.perf_counter()
    rows = probe_rows(network, splits, labels, device="cpu",
                      memory_budget=None if budget == "none" else int(float(budget) * 2**30))
    return {"budget_gib": budget, "wall_s": time.perf_counter() - started,
            "peak_gib": (_status("VmHWM") - start) / 2**30,
            "rows": {f"{r['layer']}/{r['probe']}/{r['metric']}": r["value"] for r in rows}}


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the paper's MLP on 2,000 MNIST images, budgets none and 0")
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--data", default="cifar10")
    parser.add_argument("--n", type=int, default=5000, help="training images")
    parser.add_argument("--budgets", nargs="+", default=["none", "1", "0.25"], help="GiB, or none")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one budget, print JSON
    args = parser.parse_args(argv)
    if args.quick:
        args.model, args.data, args.n, args.budgets = "mlp", "mnist", 2000, ["none", "0"]
    if args.one is not None:
        print(json.dumps(measure(args.model, args.data, args.n, args.one)))
        return []
    print(f"{args.model} on {args.n} {args.data} training images + 1,000 test, untrained, default layers")
    print(f"{'budget':>8} {'wall':>8} {'peak':>9}  rows as with no budget")
    results, reference = [], None
    for budget in args.budgets:
        out = subprocess.run([sys.executable, __file__, "--model", args.model, "--data", args.data, "--n", str(args.n),
                              "--one", budget], check=True, capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        reference = reference or result["rows"]
        result["same_rows"] = result["rows"] == reference
        results.append(result)
        print(f"{budget:>8} {result['wall_s']:7.1f}s {result['peak_gib']:7.2f}GiB  {result['same_rows']}", flush=True)
    return results


if __name__ == "__main__":
    main()
