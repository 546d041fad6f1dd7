"""Benchmark: MASC (τ = 0.99) and the linear probe, ours against a plain reference implementation
of the published procedure, timed in the same run (issue 2, "Performance"; METHOD.md §4-5, §11).

    .venv/bin/python bench/probes.py --quick                   # N=5,000, d=512: well under a minute
    .venv/bin/python bench/probes.py --sizes 2048 --repeats 3  # N=50,000, K=10, all on 10 classes
    .venv/bin/python bench/probes.py --sizes 8192 --predict-rows 10000 --ref-predict-rows 4000 --extraction
    .venv/bin/python bench/probes.py --sizes 2048 --stream-memory 10000 50000 200000  # memory vs N
    .venv/bin/python bench/probes.py --sizes 2048 8192 --device cuda                   # ours on a GPU

Figures and the machine they were measured on: docs/benchmarks.md.

Every measurement runs in its own subprocess (one per d, one for extraction), so peak memory is
per measurement. Per d it times:

* unavoidable: one pass of per-class products H_cᵀH_c (torch float32 GEMMs) over the same
  activations, on class blocks gathered beforehand (the gather is not timed: a strict bound);
* ours, in memory: `MASCProbe(variance=0.99).fit(H, y)` and `LinearProbe().fit(H, y)` (auto route);
* ours, streamed: `ClassStatistics(K, d).update(...)` over batches of 4,096, then `fit_statistics`;
* predictions of each probe on the same H;
* reference, as published (bench/published.py): per class, the class data stacked with its
  negatives, `np.cov` (float64), full `np.linalg.eigh`, the k_c rule, P_c; prediction by the
  minimum-angle rule (float64, `arccos`). Where d is large the reference (and the slowest of our fits) run on a subset of
  classes and the per-class time is extrapolated to K classes: the output says so.

Activations are synthetic post-ReLU features: ReLU of a class-dependent low-rank signal (shared
and class-specific factors) plus isotropic noise, with some dead units; float32.

Peak memory: RSS sampled every 5 ms by a thread; each phase reports its peak above the RSS at the
phase's start. torch's allocations are invisible to tracemalloc, hence RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time

import latentgen  # noqa: F401  (before torch: passive OpenMP waiters)

import numpy as np
import torch

import published
from latentgen.extract import ClassStatistics, extract
from latentgen.probes import LinearProbe, MASCProbe

MiB = 2**20
# OpenBLAS threads for the reference. 1 by default: on this shared 2-core machine OpenBLAS's
# 2-thread eigh was up to 10x slower than its 1-thread eigh (spinning threads), so 1 is the
# reference at its best. Set with --ref-blas-threads.
REF_BLAS_THREADS = 1
_PAGE = os.sysconf("SC_PAGE_SIZE")


# ----------------------------------------------------------------------------------------- memory
class RSSMonitor:
    """Samples this process's resident set size in a thread; `phase()` reports a phase's peak
    above its starting RSS."""

    def __init__(self, interval: float = 0.005):
        self.interval, self.peak, self._stop = interval, 0, False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE

    def _run(self):
        while not self._stop:
            self.peak = max(self.peak, self.rss())
            time.sleep(self.interval)

    def start(self) -> int:
        base = self.rss()
        self.peak = base
        return base

    def delta(self, base: int) -> int:
        self.peak = max(self.peak, self.rss())
        return self.peak - base


MON: RSSMonitor | None = None


def timed(fn, repeats: int = 1):
    """(best seconds over `repeats`, peak RSS above the start in bytes, last result)."""
    best, peak, result = float("inf"), 0, None
    for _ in range(repeats):
        result = None
        base = MON.start()
        t = time.perf_counter()
        result = fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t)
        peak = max(peak, MON.delta(base))
    return best, peak, result


# ------------------------------------------------------------------------------------------- data
def make_activations(n: int, d: int, k: int, seed: int = 0, dead: float = 0.15):
    """Synthetic post-ReLU features (n × d float32) and balanced labels (shuffled)."""
    g = torch.Generator().manual_seed(seed)
    r_shared, r_class = max(8, d // 64), max(8, d // 32)
    shared = torch.randn(r_shared, d, generator=g) / r_shared**0.5
    specific = torch.randn(k, r_class, d, generator=g) / r_class**0.5
    offset = torch.randn(k, d, generator=g) * 0.5
    bias = torch.randn(d, generator=g) * 0.3
    y = torch.arange(n) % k
    y = y[torch.randperm(n, generator=g)]
    H = torch.empty(n, d)
    for c in range(k):
        idx = torch.nonzero(y == c).flatten()
        m = len(idx)
        z = torch.randn(m, r_shared, generator=g) @ shared
        z += torch.randn(m, r_class, generator=g) @ specific[c]
        z += offset[c] + bias
        z += 0.3 * torch.randn(m, d, generator=g)
        H[idx] = torch.relu_(z)
    H[:, torch.randperm(d, generator=g)[: int(dead * d)]] = 0.0  # dead units
    return H.contiguous(), y.numpy()


# --------------------------------------------------------------------------------------- one size
def restrict(stats: ClassStatistics, classes) -> ClassStatistics:
    """Statistics of a subset of classes (for timing fit_statistics on fewer classes). The sums
    are all put on the first class so the linear probe's sign rule still sees the mean of ALL
    examples (up to a positive factor)."""
    sub = ClassStatistics(len(classes), stats.dim, dtype=stats.second_moments.dtype, device=stats.sums.device)
    sub.second_moments = stats.second_moments[list(classes)].clone()
    sub.sums.zero_()
    sub.sums[0] = stats.sums.sum(0)
    sub.counts = stats.counts[list(classes)].clone()
    return sub


def run_size(args) -> dict:
    n, d, K, reps = args.n, args.d, args.k, args.repeats
    out = {"n": n, "d": d, "K": K, "threads": torch.get_num_threads(), "notes": []}
    t = time.perf_counter()
    H, y = make_activations(n, d, K, seed=args.seed)
    out["generate_s"] = time.perf_counter() - t
    out["activation_bytes"] = H.nelement() * 4
    out["dead_units"] = int((H.amax(0) == 0).sum())
    counts = np.bincount(y, minlength=K)

    def emit(key, value):
        out[key] = value
        print(json.dumps({key: value}), file=sys.stderr, flush=True)

    dev = torch.device(args.device)
    out["device"] = str(dev)
    Hcpu, H = H, H.to(dev)  # ours and the unavoidable pass run on `dev`, the reference on the CPU
    m = K if args.subset_classes is None else min(K, args.subset_classes)
    subset = list(range(m))
    full = m == K

    # 1. unavoidable work: one pass of H_cᵀH_c per class (gather untimed)
    order = np.argsort(y, kind="stable")
    Hs = H[torch.from_numpy(order).to(dev)]
    blocks = torch.split(Hs, counts.tolist())

    def gram_pass():
        return [b.T @ b for b in blocks]

    s, mem, grams = timed(gram_pass, reps)
    emit("unavoidable_s", s)
    emit("unavoidable_peak_bytes", mem)
    del grams, blocks, Hs

    # 2. ours, in memory (auto route): MASC on all classes
    s, mem, masc = timed(lambda: MASCProbe(variance=0.99, device=dev).fit(H, y, num_classes=K), reps)
    emit("ours_masc_fit_s", s)
    emit("ours_masc_fit_peak_bytes", mem)
    emit("k_c", masc.k_.tolist())
    # linear probe, in memory (all classes when full, else the subset's examples, extrapolated)
    if full:
        s, mem, lin = timed(lambda: LinearProbe(device=dev).fit(H, y, num_classes=K), reps)
    else:
        rows = torch.from_numpy(np.nonzero(y < m)[0])
        Hm, ym = H[rows.to(dev)], y[rows.numpy()]
        s, mem, _ = timed(lambda: LinearProbe(device=dev).fit(Hm, ym, num_classes=m), reps)
        s *= K / m
        del Hm
        lin = None
    emit("ours_linear_fit_s", s)
    emit("ours_linear_fit_peak_bytes", mem)

    # 3. ours, streamed statistics (batches of 4,096), then fit_statistics
    def accumulate():
        stats = ClassStatistics(K, d, device=dev)
        yt = torch.from_numpy(y).to(dev)
        for i in range(0, n, args.batch):
            stats.update(H[i:i + args.batch], yt[i:i + args.batch])
        return stats

    s, mem, stats = timed(accumulate, reps)
    emit("ours_accumulate_s", s)
    emit("ours_accumulate_peak_bytes", mem)
    emit("statistics_bytes", stats.nbytes)
    fit_stats = stats if full else restrict(stats, subset)
    s, mem, masc_s = timed(lambda: MASCProbe(variance=0.99, device=dev).fit_statistics(fit_stats), reps)
    emit("ours_masc_fit_statistics_s", s * K / m)
    emit("ours_masc_fit_statistics_peak_bytes", mem)
    s, mem, lin_s = timed(lambda: LinearProbe(device=dev).fit_statistics(fit_stats), reps)
    emit("ours_linear_fit_statistics_s", s * K / m)
    del fit_stats, stats

    # 4. predictions of our probes on the same H (on the first --predict-rows rows, scaled to N,
    # when asked: the cost is linear in the rows)
    R = args.predict_rows if args.predict_rows and args.predict_rows < n else n
    Hp = H[:R]
    s, _, pred_masc = timed(lambda: masc.predict(Hp), reps)
    emit("ours_masc_predict_s", s * n / R)
    if lin is not None:
        s, _, pred_lin = timed(lambda: lin.predict(Hp), reps)
        emit("ours_linear_predict_s", s * n / R)
    emit("ours_predict_rows", R)
    if full and R == n:
        emit("agree_masc_memory_vs_streamed", float((masc_s.predict(H) == pred_masc).mean()))
        emit("agree_linear_memory_vs_streamed", float((lin_s.predict(H) == pred_lin).mean()))
        emit("k_c_streamed", masc_s.k_.tolist())
    else:
        emit("k_c_streamed_subset", masc_s.k_.tolist())

    # 5. reference, on `subset` classes
    Hn = Hcpu.numpy()
    t = time.perf_counter()
    P, k_ref, W, per_class = published.fit(Hn, y, subset, threads=REF_BLAS_THREADS)
    ref_fit = time.perf_counter() - t
    emit("ref_fit_per_class_s", per_class)
    emit("ref_fit_s", ref_fit * K / m)
    emit("ref_fit_extrapolated", not full)
    emit("k_c_ref", [k_ref[c] for c in subset])

    # agreement: where both ran. Full: all N, all classes. Subset: examples of those classes,
    # argmax over those classes' scores only.
    rows = np.arange(n) if full else np.nonzero(y < m)[0]
    if args.ref_predict_rows and args.ref_predict_rows < len(rows):
        rows = rows[: args.ref_predict_rows]
    Hr = Hn[rows]
    t = time.perf_counter()
    ref_masc = published.predict_masc(P, Hr, REF_BLAS_THREADS)
    ref_masc_s = time.perf_counter() - t
    t = time.perf_counter()
    ref_lin = published.predict_linear(W, Hr, REF_BLAS_THREADS)
    ref_lin_s = time.perf_counter() - t
    # extrapolate the reference's prediction time to N rows and all K subspaces (cost ∝ rows·Σk_c;
    # the unfitted classes are taken to have the fitted ones' mean k_c)
    scale_rows = n / len(rows)
    scale_k = K / m
    emit("ref_masc_predict_measured_s", ref_masc_s)
    emit("ref_masc_predict_s", ref_masc_s * scale_rows * scale_k)
    emit("ref_linear_predict_s", ref_lin_s * scale_rows)  # dominated by the float64 copy of H
    emit("ref_predict_extrapolated", bool(scale_rows != 1 or not full))
    emit("agreement_rows", int(len(rows)))
    scores = masc.decision_function(Hr)[:, subset]
    emit("agree_masc", float((np.array(subset)[scores.argmax(1)] == ref_masc).mean()))
    if lin is not None:
        lscores = lin.decision_function(Hr)[:, subset]
    else:
        lscores = lin_s.decision_function(Hr)  # fitted on the subset statistics
    emit("agree_linear", float((np.array(subset)[lscores.argmax(1)] == ref_lin).mean()))
    # the streamed (fit_statistics) probes against the reference, on the same rows and classes
    sscores = masc_s.decision_function(Hr)[:, subset]
    emit("agree_masc_streamed", float((np.array(subset)[sscores.argmax(1)] == ref_masc).mean()))
    sl = lin_s.decision_function(Hr)[:, subset]
    emit("agree_linear_streamed", float((np.array(subset)[sl.argmax(1)] == ref_lin).mean()))
    # subspace agreement: ‖P_ref P_oursᵀ‖²_F / max(k_ref, k_ours), 1 only for the same subspace
    for name, probe in (("subspace_overlap", masc), ("subspace_overlap_streamed", masc_s)):
        overlap = []
        for c in subset:
            A, B = P[c], probe.components_[c].astype(np.float64)
            overlap.append(float(np.square(A @ B.T).sum() / max(len(A), len(B))))
        emit(name, overlap)
    emit("k_c_max_abs_diff_streamed", int(max(abs(k_ref[c] - int(masc_s.k_[c])) for c in subset)))
    emit("k_c_equal", bool(all(k_ref[c] == int(masc.k_[c]) for c in subset)))
    emit("k_c_max_abs_diff", int(max(abs(k_ref[c] - int(masc.k_[c])) for c in subset)))
    out["reference_classes"] = m
    if dev.type == "cuda":
        out["cuda_max_allocated_bytes"] = torch.cuda.max_memory_allocated(dev)
    out["peak_rss_bytes"] = _maxrss()
    return out


def _maxrss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# ------------------------------------------------------------------------------- memory vs N
def run_stream_memory(args) -> dict:
    """Peak RSS of streaming N activations (generated batch by batch, never held) into
    ClassStatistics(K, d): should not grow with N."""
    d, K = args.d, args.k
    g = torch.Generator().manual_seed(args.seed)
    mix = torch.randn(64, d, generator=g) / 8
    offset = torch.randn(K, d, generator=g) * 0.5
    base = MON.start()
    stats = ClassStatistics(K, d, device="cpu")
    t = time.perf_counter()
    for i in range(0, args.n, args.batch):
        b = min(args.batch, args.n - i)
        yb = torch.randint(0, K, (b,), generator=g)
        hb = torch.relu_(torch.randn(b, 64, generator=g) @ mix + offset[yb])
        stats.update(hb, yb)
    return {"n": args.n, "d": d, "K": K, "seconds": time.perf_counter() - t, "peak_above_start_bytes": MON.delta(base),
            "statistics_bytes": stats.nbytes, "batch_bytes": args.batch * d * 4, "activation_bytes_if_held": args.n * d * 4}


# ------------------------------------------------------------------------------------- extraction
def run_extraction(args) -> dict:
    """Batched `extract` of the MLP's hidden layers vs one forward pass per image (the published
    extraction), on the first `extract_n` MNIST training images, float32 on the CPU."""
    from latentgen.models import build_model

    data = np.load(args.mnist)
    x = torch.from_numpy(data["x_train"][: args.extract_n]).float().div_(255).unsqueeze(1)
    torch.manual_seed(0)
    model = build_model("mlp", (1, 28, 28), 10)
    layers = list(model.probe_layers)
    model.eval()

    def batched():
        return extract(model, x, layers, batch_size=256, device="cpu")

    def one_at_a_time():
        return published.extract_per_image(model, x, layers)

    s_b, _, a = timed(batched, args.repeats)
    s_o, _, b = timed(one_at_a_time, args.repeats)
    same = all(np.allclose(a[name].numpy(), b[name], atol=1e-5) for name in layers)
    return {"extract_n": args.extract_n, "layers": layers, "batched_s": s_b, "one_at_a_time_s": s_o,
            "speedup": s_o / s_b, "same_outputs": bool(same)}


# ------------------------------------------------------------------------------------------ table
def _fmt_mib(b):
    return f"{b / MiB:,.0f}"


def report(results: list[dict], extraction: dict | None):
    lines = []
    for r in results:
        ours_mem = r["ours_masc_fit_s"] + r["ours_linear_fit_s"]
        ours_str = r["ours_accumulate_s"] + r["ours_masc_fit_statistics_s"] + r["ours_linear_fit_statistics_s"]
        ex = " (extrapolated from %d of %d classes)" % (r["reference_classes"], r["K"]) if r["ref_fit_extrapolated"] else ""
        k = np.array(r["k_c"])
        lines += [
            f"N={r['n']:,}  d={r['d']:,}  K={r['K']}  threads={r['threads']}  dead units={r['dead_units']}",
            f"  k_c (tau=0.99): min {k.min()}  median {int(np.median(k))}  max {k.max()}  ({k.mean() / r['d']:.0%} of d)",
            f"  unavoidable  sum_c H_c^T H_c (torch f32 GEMM)     {r['unavoidable_s']:9.2f} s",
            f"  ours MASC fit, in memory (auto route)             {r['ours_masc_fit_s']:9.2f} s   "
            f"{r['ours_masc_fit_s'] / r['unavoidable_s']:5.2f}x unavoidable",
            f"  ours linear fit, in memory                        {r['ours_linear_fit_s']:9.2f} s"
            + (" (extrapolated)" if r["ref_fit_extrapolated"] else ""),
            f"  ours streamed: accumulate (batches of 4,096)      {r['ours_accumulate_s']:9.2f} s   "
            f"{r['ours_accumulate_s'] / r['unavoidable_s']:5.2f}x unavoidable",
            f"  ours streamed: MASC fit_statistics                {r['ours_masc_fit_statistics_s']:9.2f} s"
            + (" (extrapolated)" if r["ref_fit_extrapolated"] else ""),
            f"  ours streamed: linear fit_statistics              {r['ours_linear_fit_statistics_s']:9.2f} s"
            + (" (extrapolated)" if r["ref_fit_extrapolated"] else ""),
            f"  ours streamed MASC total (accumulate + fit)       "
            f"{r['ours_accumulate_s'] + r['ours_masc_fit_statistics_s']:9.2f} s   "
            f"{(r['ours_accumulate_s'] + r['ours_masc_fit_statistics_s']) / r['unavoidable_s']:5.2f}x unavoidable",
            f"  reference fit (cov f64 + full eigh), MASC+linear  {r['ref_fit_s']:9.2f} s{ex}",
            f"  speed-up vs reference, MASC fit in memory         {r['ref_fit_s'] / r['ours_masc_fit_s']:9.1f}x",
            f"  speed-up vs reference, MASC streamed total        "
            f"{r['ref_fit_s'] / (r['ours_accumulate_s'] + r['ours_masc_fit_statistics_s']):9.1f}x",
            f"  speed-up vs reference, MASC+linear in memory      {r['ref_fit_s'] / ours_mem:9.1f}x",
            f"  speed-up vs reference, MASC+linear streamed       {r['ref_fit_s'] / ours_str:9.1f}x",
            f"  predict on N rows: ours MASC {r['ours_masc_predict_s']:.2f} s"
            + (f" (timed on {r['ours_predict_rows']:,} rows, scaled)" if r.get("ours_predict_rows", r["n"]) < r["n"] else "")
            + (f", ours linear {r['ours_linear_predict_s']:.3f} s" if "ours_linear_predict_s" in r else "")
            + f"; reference MASC {r['ref_masc_predict_s']:.2f} s, linear {r['ref_linear_predict_s']:.3f} s"
            + (" (reference extrapolated)" if r["ref_predict_extrapolated"] else ""),
            f"  agreement with reference on {r['agreement_rows']:,} rows"
            + ("" if r["reference_classes"] == r["K"] else f" of classes 0..{r['reference_classes'] - 1}, "
               "argmax over those classes")
            + f": MASC {r['agree_masc']:.4%}, linear {r['agree_linear']:.4%}; "
            f"k_c identical: {r['k_c_equal']} (max |diff| {r['k_c_max_abs_diff']}); subspace overlap min {min(r['subspace_overlap']):.6f}",
            f"  streamed (fit_statistics) vs reference, same rows: MASC {r['agree_masc_streamed']:.4%}, linear "
            f"{r['agree_linear_streamed']:.4%}; k_c max |diff| {r['k_c_max_abs_diff_streamed']}; subspace overlap min "
            f"{min(r['subspace_overlap_streamed']):.6f}",
        ]
        if "agree_masc_memory_vs_streamed" in r:
            lines.append(f"  in-memory vs streamed predictions: MASC {r['agree_masc_memory_vs_streamed']:.4%}, "
                         f"linear {r['agree_linear_memory_vs_streamed']:.4%}")
        lines += [
            f"  memory: activations N*d*4 = {_fmt_mib(r['activation_bytes'])} MiB; statistics K*d^2*4 = "
            f"{_fmt_mib(r['statistics_bytes'])} MiB; peak RSS above phase start (MiB): unavoidable "
            f"{_fmt_mib(r['unavoidable_peak_bytes'])}, MASC fit in memory {_fmt_mib(r['ours_masc_fit_peak_bytes'])}, "
            f"accumulate {_fmt_mib(r['ours_accumulate_peak_bytes'])}, fit_statistics "
            f"{_fmt_mib(r['ours_masc_fit_statistics_peak_bytes'])}; process max RSS {_fmt_mib(r['peak_rss_bytes'])}",
            "",
        ]
    if extraction:
        e = extraction
        lines.append(f"extraction, MLP on {e['extract_n']:,} MNIST images, layers {', '.join(e['layers'])}: batched "
                     f"{e['batched_s']:.3f} s, one at a time {e['one_at_a_time_s']:.3f} s -> {e['speedup']:.1f}x "
                     f"(identical outputs: {e['same_outputs']})")
    return "\n".join(lines)


def machine() -> str:
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0) / 2**20
    try:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        commit = subprocess.run(["git", "-C", root, "log", "-1", "--format=%h", "--", "latentgen"],
                                capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        commit = "?"
    return (f"{platform.node()} | {os.cpu_count()} CPU ({model}) | {mem:.0f} GiB | python {platform.python_version()}"
            f" | latentgen/ at {commit}"
            f" | torch {torch.__version__} ({torch.get_num_threads()} threads) | numpy {np.__version__}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="N=5,000, d=512, extraction on 500 images")
    p.add_argument("--sizes", type=int, nargs="+", default=[2048, 8192], help="feature dimensions d")
    p.add_argument("--n", type=int, default=50_000, help="number of activations N")
    p.add_argument("--k", type=int, default=10, help="number of classes K")
    p.add_argument("--batch", type=int, default=4096, help="streaming batch size")
    p.add_argument("--repeats", type=int, default=1, help="best of this many timings per phase")
    p.add_argument("--subset-classes", type=int, default=None,
                   help="run the reference (and the slowest of our fits) on this many classes and extrapolate "
                        "per class to K; default: all classes for d <= 4096, 2 above")
    p.add_argument("--ref-predict-rows", type=int, default=0, help="cap on rows the reference predicts (0: all)")
    p.add_argument("--predict-rows", type=int, default=0,
                   help="time our predictions on this many rows and scale to N (0: all N)")
    p.add_argument("--device", default="cpu", help="device for our probes and the unavoidable pass (e.g. cuda)")
    p.add_argument("--ref-blas-threads", type=int, default=1, help="OpenBLAS threads for the reference")
    p.add_argument("--extraction", action="store_true", help="also time batched vs one-at-a-time extraction")
    p.add_argument("--extract-n", type=int, default=2000)
    p.add_argument("--mnist", default="/work/shared/data/mnist.npz")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", help="also write all results to this file")
    p.add_argument("--stream-memory", type=int, nargs="*", metavar="N",
                   help="peak RSS of streaming N activations of dimension --sizes[0] into ClassStatistics, per N")
    p.add_argument("--worker", choices=["size", "extraction", "stream"], help=argparse.SUPPRESS)
    p.add_argument("--d", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    global REF_BLAS_THREADS
    REF_BLAS_THREADS = args.ref_blas_threads
    if args.worker:
        global MON
        MON = RSSMonitor()
        result = {"size": run_size, "extraction": run_extraction, "stream": run_stream_memory}[args.worker](args)
        print(json.dumps(result))
        return

    if args.quick:
        args.sizes, args.n, args.extract_n = [512], 5000, 500
        args.repeats = max(args.repeats, 3)
    print(machine(), flush=True)
    if args.stream_memory:
        d = args.sizes[0]
        for n in args.stream_memory:
            cmd = [sys.executable, __file__, "--worker", "stream", "--d", str(d), "--n", str(n), "--k", str(args.k),
                   "--batch", str(args.batch), "--seed", str(args.seed)]
            r = json.loads(subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines()[-1])
            print(f"streamed statistics, N={n:,} d={d:,} K={args.k}: {r['seconds']:.1f} s, peak RSS above start "
                  f"{_fmt_mib(r['peak_above_start_bytes'])} MiB (statistics {_fmt_mib(r['statistics_bytes'])} MiB, one batch "
                  f"{_fmt_mib(r['batch_bytes'])} MiB; holding the activations would take "
                  f"{_fmt_mib(r['activation_bytes_if_held'])} MiB)", flush=True)
        return
    results, extraction = [], None
    common = ["--n", str(args.n), "--k", str(args.k), "--batch", str(args.batch), "--repeats", str(args.repeats),
                            "--seed", str(args.seed), "--ref-predict-rows", str(args.ref_predict_rows),
              "--ref-blas-threads", str(args.ref_blas_threads), "--device", args.device, "--predict-rows", str(args.predict_rows)]
    for d in args.sizes:
        subset = args.subset_classes if args.subset_classes is not None else (args.k if d <= 4096 else 2)
        cmd = [sys.executable, __file__, "--worker", "size", "--d", str(d), "--subset-classes", str(subset)] + common
        print(f"# d={d}: {' '.join(cmd[1:])}", flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        if proc.returncode:
            sys.exit(f"worker for d={d} failed ({proc.returncode})")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(report(results[-1:], None), flush=True)
    if args.extraction or args.quick:
        cmd = [sys.executable, __file__, "--worker", "extraction", "--extract-n", str(args.extract_n),
               "--mnist", args.mnist, "--repeats", str(args.repeats)]
        if os.path.exists(args.mnist):
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
            if proc.returncode:
                sys.exit(f"extraction worker failed ({proc.returncode})")
            extraction = json.loads(proc.stdout.strip().splitlines()[-1])
            print(report([], extraction), flush=True)
        else:
            print(f"# extraction skipped: {args.mnist} not found", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(), "argv": sys.argv[1:], "sizes": results, "extraction": extraction}, f,
                      indent=1)


if __name__ == "__main__":
    main()
