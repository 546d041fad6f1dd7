import numpy as np
import pytest
import torch

from latentgen.corruption import CorruptedLabels, corrupt_labels


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
