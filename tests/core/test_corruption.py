import numpy as np
import pytest
import torch

from latentgen.corruption import CorruptedLabels, NoiseModel, NoiseSpecError, corrupt_labels, realised_noise


def test_rates_match_p_and_p_times_one_minus_one_over_k():
    rng = np.random.default_rng(1)
    true = rng.integers(0, 10, size=100_000)
    out = corrupt_labels(true, p=0.4, num_classes=10, seed=7)
    # binomial std at n = 1e5 is about 0.0016: 5 sigma tolerances
    assert abs(out.replaced.mean() - 0.4) < 0.008
    assert abs(out.flipped.mean() - 0.4 * (1 - 1 / 10)) < 0.008
    assert np.array_equal(out.flipped, out.labels != true)
    assert np.array_equal(out.labels[~out.replaced], true[~out.replaced])
    assert np.array_equal(out.true_labels, true)


def test_redrawn_labels_are_uniform_over_all_classes():
    true = np.zeros(50_000, dtype=np.int64)
    out = corrupt_labels(true, p=1.0, num_classes=5, seed=0)
    counts = np.bincount(out.labels, minlength=5) / len(true)
    assert np.allclose(counts, 0.2, atol=0.01)


def test_same_seed_same_labels_and_input_untouched():
    true = torch.arange(1000) % 10
    before = true.clone()
    a = corrupt_labels(true, 0.6, 10, seed=3)
    b = corrupt_labels(true, 0.6, 10, seed=3)
    c = corrupt_labels(true, 0.6, 10, seed=4)
    assert np.array_equal(a.labels, b.labels)
    assert not np.array_equal(a.labels, c.labels)
    assert torch.equal(true, before)


def test_extremes():
    true = np.arange(1000) % 10
    assert not corrupt_labels(true, 0.0, 10, seed=0).flipped.any()
    assert corrupt_labels(true, 1.0, 10, seed=0).replaced.all()


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_p_outside_unit_interval_is_a_clear_error(p):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        corrupt_labels(np.zeros(10, dtype=int), p, 10, seed=0)


def test_labels_out_of_range_rejected():
    with pytest.raises(ValueError, match="labels must lie"):
        corrupt_labels(np.array([0, 10]), 0.1, 10, seed=0)


def test_from_labels_marks_flipped():
    out = CorruptedLabels.from_labels([1, 2, 3], [1, 0, 3])
    assert out.flipped.tolist() == [False, True, False]
    with pytest.raises(ValueError, match="entries"):
        CorruptedLabels.from_labels([1, 2], [1, 2, 3])


# ---------------------------------------------------------------- noise models

def _mnist_labels():
    from tests.core.conftest import MNIST

    with np.load(MNIST) as z:
        return z["y_train"].astype(np.int64)


def test_pairflip_on_mnist_moves_exactly_the_drawn_labels_of_mapped_classes_to_their_partners():
    y = _mnist_labels()
    out = NoiseModel("pairflip", 0.4, "mnist").corrupt(y, 10, seed=0)
    # the same draws, independently: one uniform number per example, a flip where it falls below p
    u = np.random.default_rng(0).random(len(y))
    partner = {2: 7, 3: 8, 5: 6, 6: 5, 7: 1}
    expected = np.zeros((10, 10), dtype=np.int64)
    for c in range(10):
        at = y == c
        moved = int((u[at] < 0.4).sum()) if c in partner else 0
        expected[c, c] = int(at.sum()) - moved
        if moved:
            expected[c, partner[c]] = moved
    realised = realised_noise(out, 10)
    assert realised["counts"] == expected.tolist()
    assert realised["rate"] == (expected.sum() - np.trace(expected)) / len(y)
    assert np.array_equal(out.flipped, out.labels != y) and np.array_equal(out.replaced, out.flipped)
    top = realised["changes"][0]
    assert top["count"] == max(expected[c, partner[c]] for c in partner)
    assert top["share_of_class"] == top["count"] / (y == top["true"]).sum()


def test_cifar10_map_and_next_class_map():
    t = NoiseModel("pairflip", 0.3, "cifar10").transition(10)
    moved = {(9, 1), (2, 0), (4, 7), (3, 5), (5, 3)}
    for i in range(10):
        for j in range(10):
            want = 0.7 if i == j and any(a == i for a, _ in moved) else 1.0 if i == j else 0.3 if (i, j) in moved else 0.0
            assert t[i, j] == pytest.approx(want)
    nxt = NoiseModel("pairflip", 0.2).corrupt(np.arange(3000) % 3, 3, seed=1)
    assert set(zip(nxt.true_labels[nxt.flipped], nxt.labels[nxt.flipped])) == {(0, 1), (1, 2), (2, 0)}


def test_a_transition_matrix_draws_each_row_from_its_own_distribution():
    y = _mnist_labels()
    rng = np.random.default_rng(5)
    matrix = rng.dirichlet(np.full(10, 0.3), size=10)
    matrix[:, -1] = 0  # a class nobody is given must never be drawn
    matrix /= matrix.sum(axis=1, keepdims=True)
    out = NoiseModel("transition", matrix=matrix.tolist()).corrupt(y, 10, seed=2)
    counts = np.asarray(realised_noise(out, 10)["counts"])
    assert counts[:, -1].sum() == 0
    share = counts / counts.sum(axis=1, keepdims=True)
    # about 6,000 examples a class: binomial std ≤ 0.0065, 6 sigma
    assert np.abs(share - matrix).max() < 0.04
    again = NoiseModel.from_dict(NoiseModel("transition", matrix=matrix.tolist()).to_dict()).corrupt(y, 10, seed=2)
    assert np.array_equal(out.labels, again.labels)


def test_uniform_noise_model_is_the_papers_corruption():
    y = _mnist_labels()[:5000]
    model = NoiseModel.from_dict({"p": 0.4})  # records from before noise models
    assert np.array_equal(model.corrupt(y, 10, 3).labels, corrupt_labels(y, 0.4, 10, 3).labels)
    assert model.expected_rate(10) == pytest.approx(0.36)
    assert np.allclose(model.transition(10).sum(axis=1), 1)


@pytest.mark.parametrize("spec, field, message", [
    ({"noise": "gaussian", "p": 0.1}, "noise", "one of"),
    ({"noise": "uniform"}, "p", "needs p"),
    ({"noise": "pairflip", "p": 1.2}, "p", r"\[0, 1\]"),
    ({"noise": "pairflip", "p": 0.2, "class_map": "imagenet"}, "class_map", "preset"),
    ({"noise": "pairflip", "p": 0.2, "class_map": [[1, 2], [3, 3]]}, "class_map.1", "to itself"),
    ({"noise": "pairflip", "p": 0.2, "class_map": [[1, 2], [1, 3]]}, "class_map.1", "second partner"),
    ({"noise": "pairflip", "p": 0.2, "class_map": [[1, 2, 3]]}, "class_map.0", r"\[from, to\]"),
    ({"noise": "uniform", "p": 0.2, "class_map": "next"}, "class_map", "for pairflip"),
    ({"noise": "transition", "matrix": [[0.5, 0.4], [0, 1]]}, "matrix.0", "sums to 0.9"),
    ({"noise": "transition", "matrix": [[1, 0], [0, 1, 0]]}, "matrix.1", "square"),
    ({"noise": "transition", "matrix": [[1.5, -0.5], [0, 1]]}, "matrix.0", "probabilities"),
    ({"noise": "transition", "matrix": [[1]]}, "matrix", "2 to"),
    ({"noise": "transition", "p": 0.1, "matrix": [[1, 0], [0, 1]]}, "p", "gives the rates"),
    ({"noise": "transition"}, "matrix", "needs its matrix"),
])
def test_bad_noise_specs_name_their_field(spec, field, message):
    with pytest.raises(NoiseSpecError, match=message) as caught:
        NoiseModel.from_dict(spec)
    assert caught.value.field == field


@pytest.mark.parametrize("spec, field", [
    ({"noise": "transition", "matrix": np.eye(3).tolist()}, "matrix"),
    ({"noise": "pairflip", "p": 0.2, "class_map": [[0, 1], [4, 12]]}, "class_map.1"),
    ({"noise": "pairflip", "p": 0.2, "class_map": "cifar10"}, "class_map"),
])
def test_noise_that_does_not_fit_the_classes_is_refused(spec, field):
    with pytest.raises(NoiseSpecError, match="classes|class") as caught:
        NoiseModel.from_dict(spec).check_classes(5 if spec.get("class_map") == "cifar10" else 10)
    assert caught.value.field == field
