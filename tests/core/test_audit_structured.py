"""The label audit under class-dependent noise, in bench/audit.py's short mode: the paper's MLP
memorizes scikit-learn's digits with MNIST's pair flips (2 → 7, 3 → 8, 5 ↔ 6, 7 → 1, p = 0.4; a
validation split held out from its training), and the audit, the network's own predictions, kNN
voting on its penultimate features and cleanlab on cross-validated logistic regression flag the
wrong labels, in the same run."""

import numpy as np

from tests.core.conftest import bench_module

PAIRS = {(2, 7), (3, 8), (5, 6), (6, 5), (7, 1)}


def test_audit_beats_the_models_predictions_and_knn_voting_on_pair_flips():
    (row,) = bench_module("audit").main(["--quick"])
    assert (row["data"], row["noise"], row["p"]) == ("digits", "pairflip", 0.4)
    assert abs(row["flip_rate"] - 0.4 * 5 / 10) < 0.05  # five classes of ten have a partner
    methods = row["methods"]
    audit = methods["audit (one memorized network)"]
    # the changes concentrate on one label per class: the linear probe alone competes
    assert audit["noise_structure"]["structured"] and audit["probe"] == "linear", audit
    for baseline in ("model's own predictions", "kNN voting (penultimate features)",
                     "cleanlab (a): 5-fold logistic regression"):
        assert audit["f1"] >= methods[baseline]["f1"] + 0.05, (baseline, methods)
        assert audit["auroc"] > methods[baseline]["auroc"], (baseline, methods)
    # the audit's estimate of the noise: its most frequent changes are the map's pairs
    estimated = audit["estimated_noise"]
    assert {(c["true"], c["given"]) for c in estimated["changes"][:3]} <= PAIRS, estimated["changes"]
    counts = np.asarray(estimated["counts"])
    assert counts.sum() == row["n_train"]
