"""The memory model of a probe fit, and layers grouped into passes that fit a budget."""

import numpy as np
import pytest
import torch
from torch import nn

from latentgen.corruption import corrupt_labels
from latentgen.data import load_digits
from latentgen.extract import extract
from latentgen.memory import class_workspace_bytes, largest_layer, layer_data_bytes, pass_bytes, plan_passes
from latentgen.report import fit_probes

DIMS = {"a": 4096, "b": 2048, "c": 512}
STREAMED = {"a": False, "b": False, "c": True}
N, K = 10_000, 10


def test_layer_data_is_its_activations_or_its_statistics():
    assert layer_data_bytes(4096, N, K, streamed=False) == N * 4096 * 4
    assert layer_data_bytes(512, N, K, streamed=True) == K * 512 * 512 * 8
    assert layer_data_bytes(512, N, K, streamed=True, groups=2) == 2 * K * 512 * 512 * 8
    # the largest class is taken as 1.5 n/K: 1,500 rows of 4,096 features, a 1,500² Gram matrix
    assert class_workspace_bytes(4096, N, K) == 1500 * 4096 * 8 + 3 * 1500**2 * 8 + 1500 * 4096 * 8


def test_passes_fill_up_to_the_budget_in_forward_order():
    everything = pass_bytes(list(DIMS), DIMS, N, K, STREAMED)
    assert plan_passes(list(DIMS), DIMS, N, K, STREAMED, None) == [["a", "b", "c"]]
    assert plan_passes(list(DIMS), DIMS, N, K, STREAMED, everything) == [["a", "b", "c"]]
    assert plan_passes(list(DIMS), DIMS, N, K, STREAMED, everything - 1) == [["a", "b"], ["c"]]
    assert plan_passes(list(DIMS), DIMS, N, K, STREAMED, 1) == [["a"], ["b"], ["c"]]  # each alone, over budget
    assert largest_layer(list(DIMS), DIMS, N, K, STREAMED) == ("a", pass_bytes(["a"], DIMS, N, K, STREAMED))
    assert largest_layer([], DIMS, N, K, STREAMED) is None


def test_a_fit_in_one_pass_per_layer_equals_the_fit_in_one_pass():
    splits = load_digits().subset(600, 300)
    labels = corrupt_labels(splits.y_train, 0.4, 10, seed=0)
    torch.manual_seed(0)
    network = nn.Sequential(nn.Flatten(), nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, 10)).eval()
    layers, probes = ["0", "2", "3"], ["masc", "linear"]  # "3" (d = 10) streams its statistics
    together = fit_probes(network, splits.x_train, labels.labels, layers, probes, num_classes=10, device="cpu")
    apart = fit_probes(network, splits.x_train, labels.labels, layers, probes, num_classes=10, device="cpu",
                       memory_budget=1)
    H = extract(network, splits.x_test, layers, device="cpu")
    for (layer, probe), fitted in together.items():
        assert np.array_equal(apart[(layer, probe)].predict(H[layer]), fitted.predict(H[layer]))


@pytest.mark.parametrize("budget", [None, 1])
def test_progress_reports_one_forward_pass_per_planned_pass(budget):
    splits = load_digits().subset(200, 50)
    labels = corrupt_labels(splits.y_train, 0.4, 10, seed=0)
    network = nn.Sequential(nn.Flatten(), nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, 10)).eval()
    seen = []
    fit_probes(network, splits.x_train, labels.labels, ["0", "2"], ["masc"], num_classes=10, device="cpu",
               memory_budget=budget, progress=lambda stage, done, total: seen.append((stage, done, total)))
    passes = [s for s in seen if s[0] in ("extract", "statistics") and s[1] == s[2]]
    assert len(passes) == (1 if budget is None else 2)
