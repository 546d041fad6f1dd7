"""Choices on a model trained on every example (issue 16): the MLP of `conftest.memorized` (real
MNIST, 5,000 images, p = 0.4) saw all its training examples, so a validation split carved from them
is memorized too. The noise-ceiling rule must not choose the layers that memorized: the probe's and
the graft's choice within 2 points of the test-set oracle, the audit's F1 within 0.03 of its best
candidate's and above a cross-validated logistic-regression cleanlab baseline measured here. With
held-out data (500 further MNIST images the network never saw), the choice is made on them."""

import numpy as np
import pytest

from latentgen.audit import audit_labels, detection_metrics
from latentgen.corruption import corrupt_labels
from latentgen.graft import graft
from latentgen.validation import Validation, choose_from_rows, probe_rows
from tests.core.conftest import N_TRAIN

N_HELD = 500

pytestmark = pytest.mark.slow  # the `memorized` fixture trains on real MNIST


@pytest.fixture(scope="module")
def held_out(mnist):
    """500 MNIST training images the network never saw, with their own 40%-shuffled labels."""
    rows = slice(N_TRAIN, N_TRAIN + N_HELD)
    labels = corrupt_labels(mnist.y_train[rows], p=0.4, num_classes=10, seed=1)
    return mnist.x_train[rows], labels.labels


@pytest.fixture(scope="module")
def audit(memorized):
    splits, labels, network, *_ = memorized
    return audit_labels(network, splits, labels, device="cpu")


def test_the_audit_sees_the_memorized_split_and_its_f1_holds(memorized, audit):
    splits, labels, *_ = memorized
    summary = audit.summary
    assert summary["validation"]["warning"] is not None  # the carved split was trained on
    assert summary["validation"]["rule"] == "noise ceiling" == summary["chosen_by"]
    assert summary["validation"]["noise_ceiling"] == pytest.approx(1 - labels.flip_rate, abs=0.06)
    f1 = {(r["layer"], r["probe"]): r["value"] for r in audit.candidates if r["metric"] == "f1"}
    chosen = summary["detection"]["audit"]["f1"]
    assert chosen >= max(f1.values()) - 0.03, (summary["layer"], summary["probe"], f1)
    assert (summary["layer"], summary["probe"]) not in {("fc4", "masc"), ("fc4", "linear")}

    # cleanlab on 5-fold cross-validated logistic-regression probabilities of the raw pixels
    from cleanlab.filter import find_label_issues
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    pixels = splits.x_train.flatten(1).numpy()
    probabilities = cross_val_predict(LogisticRegression(max_iter=200), pixels, labels.labels, cv=5,
                                      method="predict_proba")
    issues = find_label_issues(labels.labels, probabilities)
    baseline = detection_metrics(issues, -probabilities[np.arange(len(issues)), labels.labels], labels.flipped)
    assert chosen > baseline["f1"], (chosen, baseline)


def test_the_probe_choice_is_within_two_points_of_the_oracle(memorized):
    splits, labels, network, *_ = memorized
    rows = probe_rows(network, splits, labels, device="cpu")
    picked, info = choose_from_rows(rows, Validation.carve(len(splits.x_train)))
    assert info["rule"] == "noise ceiling" and info["source"] == "carved"
    assert picked["chosen"]["test_acc"] >= picked["oracle"]["test_acc"] - 0.02, picked


def test_the_graft_choice_is_within_two_points_of_the_oracle(memorized):
    splits, labels, network, *_ = memorized
    _, report = graft(network, splits, labels, device="cpu")
    assert report.validation["rule"] == "noise ceiling"
    assert report.test_acc >= report.oracle["test_acc"] - 0.02, (report.layer, report.head, report.oracle)


def test_held_out_data_makes_every_choice(memorized, held_out):
    splits, labels, network, *_ = memorized
    x, y = held_out
    val = Validation.external(x, y, len(splits.x_train), "held")
    rows = probe_rows(network, splits, labels, val, device="cpu")
    picked, info = choose_from_rows(rows, val)
    assert info["source"] == "held-out data" and info["n_val"] == N_HELD and info["rule"] == "validation accuracy"
    assert info["warning"] is None  # the network never saw them
    assert picked["chosen"]["test_acc"] >= picked["oracle"]["test_acc"] - 0.02, picked
    _, report = graft(network, splits, labels, validation=val, device="cpu")
    assert report.validation["source"] == "held-out data" and report.validation["rule"] == "validation accuracy"
    audited = audit_labels(network, splits, labels, validation=val, device="cpu")
    assert audited.summary["validation"]["n_val"] == N_HELD
    # the held-out examples score the candidates; the audit still scores every training example
    assert len(audited.given) == len(splits.x_train)
