"""bench/scoring.py's short mode on real CIFAR-10 activations (random-init ResNet-18): the default
scoring's predictions are float64's at every layer and probe, whatever float32 alone would give."""

from tests.core.conftest import bench_module


def test_quick_scoring_bench_predicts_as_float64():
    results = bench_module("scoring").main(["--quick"])
    assert [(r["layer"], r["probe"]) for r in results] == [
        ("layer3", "MASCProbe"), ("layer3", "LinearProbe"), ("layer4", "MASCProbe"), ("layer4", "LinearProbe")]
    assert all(r["same_as_float64"] for r in results)
    # only some of the (row, class) pairs are re-scored in float64, never more than the rows hold
    assert all(0 <= r["pairs"] <= r["rows"] < 1 for r in results)
