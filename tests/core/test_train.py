"""Training: recipes, determinism, the stop rule, checkpoints, callbacks, resuming and midway editing.

A small MLP on a subset of scikit-learn's digits keeps every test to a second or two on 2 CPU cores.
"""

import pytest
import torch
from torch import nn

from latentgen.corruption import corrupt_labels
from latentgen.data import load_digits
from latentgen.edit import repair_last_layer
from latentgen.train import (
    RECIPES, Recipe, evaluate, get_recipe, midway, paper_checkpoint_schedule, seeded_model, train,
)


@pytest.fixture(scope="module")
def digits():
    splits = load_digits().subset(400, 200)
    return splits, corrupt_labels(splits.y_train, 0.4, splits.num_classes, seed=0)


def small_mlp(seed: int = 0) -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, 48), nn.ReLU(), nn.Linear(48, 10))


FAST = Recipe("adam", 3e-3, batch_size=32)


def state_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k].cpu(), b[k].cpu()) for k in a)


def test_paper_recipes_and_clear_error():
    assert RECIPES["mlp"] == Recipe("sgd", 1e-3, momentum=0.9, batch_size=32)
    assert RECIPES["cnn"] == Recipe("adam", 2e-4, batch_size=128)
    assert RECIPES["cnn_cifar10"].batch_size == 32
    assert RECIPES["alexnet"] == Recipe("adam", 1e-4, batch_size=500)
    assert RECIPES["resnet18"] == RECIPES["mlp"]
    assert get_recipe(FAST) is FAST
    with pytest.raises(ValueError, match="adam_fast"):
        get_recipe("rmsprop")
    with pytest.raises(ValueError, match="optimizer"):
        Recipe("rmsprop", 1e-3)


def test_paper_checkpoint_schedule():
    assert paper_checkpoint_schedule(30) == [0, 1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 25, 30]
    assert paper_checkpoint_schedule(23)[-3:] == [18, 20, 23]
    assert paper_checkpoint_schedule(5) == [0, 1, 2, 4, 5]


def test_seeded_model_is_reproducible_and_leaves_global_rng_alone():
    before = torch.get_rng_state()
    a, b, c = (seeded_model("mlp", (1, 8, 8), 10, seed) for seed in (3, 3, 4))
    assert torch.equal(torch.get_rng_state(), before)
    assert state_equal(a.state_dict(), b.state_dict())
    assert not torch.equal(a.fc1[0].weight, c.fc1[0].weight)


def test_same_seed_gives_identical_history_and_another_seed_does_not(digits):
    splits, labels = digits
    runs = [train(small_mlp(), splits, labels, FAST, seed=s, max_epochs=3, target_train_acc=None) for s in (1, 1, 2)]
    assert runs[0].history == runs[1].history
    assert runs[0].history[1:] != runs[2].history[1:]  # same init, different data order
    assert runs[0].history[0] == runs[2].history[0]


def test_epoch_zero_is_the_untrained_model_and_rows_hold_every_metric(digits):
    splits, labels = digits
    model = small_mlp()
    at_init = evaluate(model, splits, labels)
    result = train(model, splits, labels, FAST, max_epochs=2, target_train_acc=None)
    assert result.history[0] == {"epoch": 0, **at_init}
    assert [row["epoch"] for row in result.history] == [0, 1, 2]
    assert set(result.history[0]) == {"epoch", "loss", "test_acc", "train_acc_noisy", "train_acc_true",
                                      "flipped_acc_true", "flipped_acc_noisy", "unflipped_acc"}
    assert result.stopped_reason == "max_epochs" and result.epochs_run == 2
    assert result.checkpoints == {}
    assert result.history[2]["loss"] < result.history[0]["loss"]


def test_stop_rule_fires_at_the_first_epoch_reaching_the_target(digits):
    splits, labels = digits
    result = train(small_mlp(), splits, labels, FAST, max_epochs=50, target_train_acc=0.6, checkpoint_epochs=[0])
    accs = [row["train_acc_noisy"] for row in result.history]
    assert result.stopped_reason == "target"
    assert accs[-1] >= 0.6 and all(a < 0.6 for a in accs[:-1])
    assert result.epochs_run == len(accs) - 1 < 50
    assert sorted(result.checkpoints) == [0, result.epochs_run]  # the last epoch is always kept


def test_on_epoch_returning_false_stops_and_sees_each_epoch(digits):
    splits, labels = digits
    seen = []

    def on_epoch(epoch, metrics, model):
        seen.append((epoch, metrics["test_acc"], isinstance(model, nn.Module)))
        return epoch < 2  # None or True carries on; False stops

    result = train(small_mlp(), splits, labels, FAST, max_epochs=10, target_train_acc=None, on_epoch=on_epoch)
    assert result.stopped_reason == "stopped" and result.epochs_run == 2
    assert seen == [(row["epoch"], row["test_acc"], True) for row in result.history]


def test_checkpoints_are_detached_copies_that_reload_to_identical_predictions(digits):
    splits, labels = digits
    model = small_mlp()
    result = train(model, splits, labels, FAST, max_epochs=4, target_train_acc=None, checkpoint_epochs=[0, 2])
    assert sorted(result.checkpoints) == [0, 2, 4]
    assert state_equal(result.checkpoints[4], model.state_dict())
    assert state_equal(result.checkpoints[0], small_mlp().state_dict())  # training did not alter the copy
    reloaded = small_mlp(seed=9)
    reloaded.load_state_dict(result.checkpoints[2])
    assert evaluate(reloaded, splits, labels) == {k: v for k, v in result.history[2].items() if k != "epoch"}
    every = train(small_mlp(), splits, labels, FAST, max_epochs=2, target_train_acc=None, checkpoint_epochs="all")
    assert sorted(every.checkpoints) == [0, 1, 2]
    assert state_equal(every.checkpoints[2], result.checkpoints[2])


def test_resuming_from_a_checkpoint_replays_the_same_batches(digits):
    # Plain SGD has no optimizer state, so resuming at epoch 2 must match the uninterrupted run exactly.
    splits, labels = digits
    sgd = Recipe("sgd", 0.05, batch_size=32)
    full = train(small_mlp(), splits, labels, sgd, seed=5, max_epochs=4, target_train_acc=None, checkpoint_epochs=[2])
    resumed_model = small_mlp()
    resumed_model.load_state_dict(full.checkpoints[2])
    resumed = train(resumed_model, splits, labels, sgd, seed=5, max_epochs=4, target_train_acc=None, start_epoch=2)
    assert resumed.history == full.history[2:]


def test_label_count_must_match_training_set(digits):
    splits, labels = digits
    short = corrupt_labels(splits.y_train[:-1], 0.4, 10, seed=0)
    with pytest.raises(ValueError, match="labels for"):
        train(small_mlp(), splits, short, FAST, max_epochs=1)


def test_midway_control_is_the_plain_continuation_and_repair_changes_the_model(digits):
    splits, labels = digits
    edit, total = 3, 5
    result = midway(small_mlp, splits, labels, FAST, edit_epoch=edit, total_epochs=total, seed=4)
    assert [r["epoch"] for r in result.pre_edit] == list(range(edit + 1))
    assert [r["epoch"] for r in result.control] == [r["epoch"] for r in result.repaired] == list(range(edit, total + 1))

    plain = train(small_mlp(), splits, labels, FAST, seed=4, max_epochs=edit, target_train_acc=None, checkpoint_epochs=[edit])
    assert plain.history == result.pre_edit
    checkpoint = small_mlp()
    checkpoint.load_state_dict(plain.checkpoints[edit])
    repaired, report = repair_last_layer(checkpoint, splits.x_train, labels.labels)
    assert report.layer == "5" and report.delta_norm == pytest.approx(result.report.delta_norm)
    assert result.repaired[0] == {"epoch": edit, **evaluate(repaired, splits, labels)}
    assert result.repaired[0] != result.control[0]
    continued = train(checkpoint, splits, labels, FAST, seed=4, max_epochs=total, target_train_acc=None, start_epoch=edit)
    assert continued.history == result.control

    arms = {row["arm"] for row in result.rows}
    assert arms == {"pre_edit", "repaired", "control"} and len(result.rows) == edit + 1 + 2 * (total - edit + 1)


def test_midway_stops_when_asked(digits):
    splits, labels = digits
    calls = []

    def on_epoch(arm, epoch, metrics, model):
        calls.append((arm, epoch))
        return not (arm == "repaired" and epoch == 3)

    result = midway(small_mlp, splits, labels, FAST, edit_epoch=2, total_epochs=4, on_epoch=on_epoch)
    assert result.stopped and result.control == []
    assert calls == [("pre_edit", 0), ("pre_edit", 1), ("pre_edit", 2), ("repaired", 2), ("repaired", 3)]
    with pytest.raises(ValueError, match="edit_epoch"):
        midway(small_mlp, splits, labels, FAST, edit_epoch=5, total_epochs=4)
