"""bench/probe_job.py's short mode: the same rows whether the layers share one forward pass or
each gets its own (a budget of 0 bytes), each measured in a subprocess of its own."""

from tests.core.conftest import bench_module


def test_quick_probe_job_bench_gives_the_same_rows_at_every_budget():
    results = bench_module("probe_job").main(["--quick"])
    assert [r["budget_gib"] for r in results] == ["none", "0"]
    assert all(r["same_rows"] and r["peak_gib"] > 0 for r in results)
    assert any(key.endswith("/val_acc") for key in results[0]["rows"])  # the validation fit's rows are there
