"""Dynamics across checkpoints, peaks, validation-based selection, and the plots."""

import csv

import numpy as np
import pytest
import torch
from torch import nn

from latentgen.corruption import corrupt_labels
from latentgen.data import load_digits
from latentgen.dynamics import DynamicsResult, carve_validation, probe_checkpoints, select_on_validation
from latentgen.plots import dynamics_plot, layer_plot, midway_plot, training_plot
from latentgen.report import probe_model
from latentgen.train import Recipe, midway, train

LAYERS = ["2", "4"]  # the two hidden ReLU outputs of small_mlp
FAST = Recipe("adam", 3e-3, batch_size=32)


def small_mlp(seed: int = 0) -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, 48), nn.ReLU(), nn.Linear(48, 10))


@pytest.fixture(scope="module")
def run():
    splits = load_digits().subset(400, 200)
    labels = corrupt_labels(splits.y_train, 0.4, splits.num_classes, seed=0)
    result = train(small_mlp(), splits, labels, FAST, max_epochs=4, target_train_acc=None, checkpoint_epochs=[4, 0, 2])
    dynamics = probe_checkpoints(small_mlp, result.checkpoints, splits, labels, layers=LAYERS)
    return splits, labels, result, dynamics


def toy_table() -> DynamicsResult:
    values = {("model", "model"): [0.2, 0.9, 0.5], ("2", "masc"): [0.6, 0.8, 0.8], ("2", "linear"): [0.7, 0.3, 0.4]}
    return DynamicsResult([
        {"epoch": epoch, "layer": layer, "probe": probe, "metric": metric, "value": v if metric == "test_acc" else 1 - v}
        for (layer, probe), series in values.items() for epoch, v in zip((0, 5, 10), series)
        for metric in ("test_acc", "train_acc_noisy")
    ])


def test_table_holds_probe_model_rows_for_each_checkpoint_in_epoch_order(run):
    splits, labels, result, dynamics = run
    epochs = [row["epoch"] for row in dynamics.table]
    assert epochs == sorted(epochs) and sorted(set(epochs)) == [0, 2, 4]
    keys = [(r["epoch"], r["layer"], r["probe"], r["metric"]) for r in dynamics.table]
    assert len(keys) == len(set(keys))
    model = small_mlp(seed=7)
    model.load_state_dict(result.checkpoints[2])
    expected = probe_model(model, splits, labels, layers=LAYERS)
    assert [{k: v for k, v in r.items() if k != "epoch"} for r in dynamics.table if r["epoch"] == 2] == expected
    model_acc = {r["epoch"]: r["value"] for r in dynamics.table if r["probe"] == "model" and r["metric"] == "test_acc"}
    assert model_acc == {row["epoch"]: row["test_acc"] for row in result.history if row["epoch"] in (0, 2, 4)}
    assert {(r["layer"], r["probe"]) for r in dynamics.table} == {("model", "model")} | {
        (layer, probe) for layer in LAYERS for probe in ("masc", "linear")}


def test_peaks_are_the_argmax_with_the_earliest_epoch_on_ties():
    peaks = {(p["layer"], p["probe"]): p for p in toy_table().peaks()}
    assert peaks[("model", "model")] == {"layer": "model", "probe": "model", "peak_epoch": 5, "peak_value": 0.9, "final_value": 0.5}
    assert peaks[("2", "masc")]["peak_epoch"] == 5 and peaks[("2", "masc")]["final_value"] == 0.8
    assert peaks[("2", "linear")]["peak_epoch"] == 0
    assert {p["peak_epoch"] for p in toy_table().peaks("train_acc_noisy")} == {0, 5}


def test_peaks_on_a_real_run_match_the_table(run):
    *_, dynamics = run
    for peak in dynamics.peaks():
        series = [r["value"] for r in dynamics.table
                  if (r["layer"], r["probe"], r["metric"]) == (peak["layer"], peak["probe"], "test_acc")]
        assert peak["peak_value"] == max(series) and peak["final_value"] == series[-1]


def test_csv_round_trip(tmp_path):
    table = toy_table()
    table.to_csv(tmp_path / "dynamics.csv")
    with open(tmp_path / "dynamics.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["epoch", "layer", "probe", "metric", "value"]
    assert [(int(r["epoch"]), r["layer"], float(r["value"])) for r in rows] == [
        (r["epoch"], r["layer"], r["value"]) for r in table.table]


def test_carve_validation_holds_out_noisy_labels_only(run):
    splits, labels, *_ = run
    split = carve_validation(splits, labels, val_fraction=0.25, seed=1)
    val = split.val_indices
    assert len(val) == 100 and len(split.train.x_train) == 300 == len(split.train_labels.labels)
    kept = np.setdiff1d(np.arange(400), val)
    assert torch.equal(split.train.x_train, splits.x_train[kept])
    assert np.array_equal(split.train_labels.true_labels, labels.true_labels[kept])
    assert torch.equal(split.selection.x_test, splits.x_train[val])
    assert np.array_equal(split.selection.y_test.numpy(), labels.labels[val])  # corrupted, not true labels
    assert torch.equal(split.train.x_test, splits.x_test)
    assert not np.array_equal(split.selection.y_test.numpy(), labels.true_labels[val])
    with pytest.raises(ValueError, match="val_fraction"):
        carve_validation(splits, labels, val_fraction=1.0)


def test_selection_picks_on_validation_and_reports_test():
    test = toy_table()
    val = DynamicsResult([dict(r, value=0.95) if (r["epoch"], r["layer"], r["probe"]) == (10, "2", "linear") else r
                          for r in test.table])
    by_val, by_test = select_on_validation(val, test)
    assert by_val == {"chosen_by": "validation (noisy labels)", "epoch": 10, "layer": "2", "probe": "linear",
                      "val_acc_noisy": 0.95, "test_acc": 0.4}
    assert (by_test["chosen_by"], by_test["epoch"], by_test["layer"], by_test["test_acc"]) == ("test", 5, "model", 0.9)


def is_png(path) -> bool:
    return path.stat().st_size > 5000 and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plots_write_png_files(run, tmp_path):
    splits, labels, result, dynamics = run
    rows = [{k: v for k, v in r.items() if k != "epoch"} for r in dynamics.table if r["epoch"] == 4]
    assert is_png(layer_plot(rows, tmp_path / "layers.png"))
    assert is_png(dynamics_plot(dynamics.table, tmp_path / "dynamics.png", probes=["masc"]))
    assert is_png(training_plot(result.history, tmp_path / "training.png"))


def test_midway_plot_writes_a_png(run, tmp_path):
    splits, labels, *_ = run
    result = midway(small_mlp, splits, labels, FAST, edit_epoch=2, total_epochs=4)
    assert is_png(midway_plot(result.rows, tmp_path / "midway.png"))
