"""The noise-ceiling rule on readers whose accuracies and memorization are known by construction."""

import numpy as np
import pytest

from latentgen.validation import Validation, choose, noise_ceiling

K, N = 10, 200_000


def noisy(truth: np.ndarray, wrong: float, rng) -> np.ndarray:
    """`truth` with a `wrong` fraction replaced by another class, evenly."""
    flip = rng.random(len(truth)) < wrong
    return np.where(flip, (truth + rng.integers(1, K, len(truth))) % K, truth)


@pytest.fixture(scope="module")
def readers():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, K, N)
    labels = noisy(truth, 0.36, rng)  # 1 - noise rate: 0.64
    honest = {f"a{a}": noisy(truth, 1 - a, rng) for a in (0.9, 0.8, 0.6)}  # read the true class
    # a memorizing reader: the given label on 90% of the examples, else an honest 0.85 reader's
    copy = rng.random(N) < 0.9
    return truth, labels, honest, np.where(copy, labels, noisy(truth, 0.15, rng))


def test_the_ceiling_is_one_minus_the_noise_rate_and_memorizing_readers_do_not_raise_it(readers):
    _, labels, honest, memorizing = readers
    assert noise_ceiling(honest, labels, K) == pytest.approx(0.64, abs=0.01)
    assert noise_ceiling({**honest, "memorized": memorizing}, labels, K) == pytest.approx(0.64, abs=0.01)
    assert noise_ceiling({"a0.9": honest["a0.9"]}, labels, K) is None  # one reader: no pair


def test_the_rule_chooses_the_best_honest_reader_not_the_memorizing_one(readers):
    truth, labels, honest, memorizing = readers
    everyone = {**honest, "memorized": memorizing}
    rows = [{"layer": name, "probe": "p", "metric": metric, "value": float(np.mean(pred == target))}
            for name, pred in everyone.items() for metric, target in (("val_acc", labels), ("test_acc", truth))]
    by_accuracy = choose(rows, None)
    assert by_accuracy["chosen"]["layer"] == "memorized" and by_accuracy["rule"] == "validation accuracy"
    ruled = choose(rows, noise_ceiling(everyone, labels, K))
    assert ruled["chosen"]["layer"] == "a0.9" and ruled["rule"] == "noise ceiling"
    assert ruled["oracle"]["layer"] == "a0.9" and ruled["chosen"]["val_acc"] == pytest.approx(np.mean(honest["a0.9"] == labels))


def test_held_out_examples_are_inputs_and_labels_outside_the_training_set():
    x, y = np.zeros((5, 1, 2, 2), np.float32), np.arange(5)
    val = Validation.external(x, y, n=100, name="d1")
    assert val.fit_indices.tolist() == list(range(100)) and val.inputs(None).shape == (5, 1, 2, 2)
    assert val.targets(np.full(100, 9)).tolist() == list(range(5))
    assert val.describe()["source"] == "held-out data" and val.describe()["dataset_id"] == "d1"
    assert Validation.of([3, 1], 10).describe()["source"] == "indices"
    with pytest.raises(ValueError, match="as many"):
        Validation.external(x, y[:3], n=100)
