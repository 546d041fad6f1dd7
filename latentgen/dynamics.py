"""Training dynamics of latent generalization (METHOD.md §7): probe chosen layers with chosen
probes at each checkpoint of a run (a training run's state dicts, or networks the user brings,
each with its epoch label), and find where each peaks.

Selection without the test set (§11): `carve_validation` holds out part of the training data,
labelled with its corrupted labels only, and `select_on_validation` picks the best epoch, layer
and probe on it, then reports how that choice does on the test set.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from latentgen.corruption import CorruptedLabels
from latentgen.data import Splits
from latentgen.extract import Progress
from latentgen.networks import Network, as_network
from latentgen.report import probe_model

COLUMNS = ("epoch", "layer", "probe", "metric", "value")


@dataclass
class DynamicsResult:
    table: list[dict] = field(default_factory=list)  # rows {epoch, layer, probe, metric, value}

    def peaks(self, metric: str = "test_acc") -> list[dict]:
        """Per (layer, probe), the model's own row included: the epoch of the highest `metric`
        (the earliest on ties), that value, and the value at the last epoch."""
        series: dict[tuple[str, str], list[tuple[int, float]]] = {}
        for row in self.table:
            if row["metric"] == metric:
                series.setdefault((row["layer"], row["probe"]), []).append((row["epoch"], row["value"]))
        peaks = []
        for (layer, probe), points in series.items():
            points.sort()
            peak_epoch, peak_value = max(points, key=lambda p: (p[1], -p[0]))
            peaks.append({"layer": layer, "probe": probe, "peak_epoch": peak_epoch,
                          "peak_value": peak_value, "final_value": points[-1][1]})
        return peaks

    def to_csv(self, path: str | Path) -> None:
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(self.table)


def probe_checkpoints(
    model_factory: Callable[[], nn.Module],
    checkpoints: Mapping[int, dict[str, torch.Tensor]],
    splits: Splits,
    labels: CorruptedLabels,
    layers: Sequence[str] | None = None,
    probes: Sequence[str] = ("masc", "linear"),
    probe_options: Mapping[str, dict] | None = None,
    progress: Progress | None = None,
    device=None,
) -> DynamicsResult:
    """`report.probe_model` at every checkpoint, in epoch order, each loaded into a fresh model
    from `model_factory()`. `progress("checkpoints", done, total)` after each checkpoint."""
    def load(epoch: int) -> nn.Module:
        model = model_factory()
        model.load_state_dict(checkpoints[epoch])
        return model

    return _probe_epochs(sorted(checkpoints), load, splits, labels, layers, probes, probe_options, progress, device)


def probe_networks(
    networks: Mapping[int, Network | nn.Module],
    splits: Splits,
    labels: CorruptedLabels,
    layers: Sequence[str] | None = None,
    probes: Sequence[str] = ("masc", "linear"),
    probe_options: Mapping[str, dict] | None = None,
    progress: Progress | None = None,
    device=None,
) -> DynamicsResult:
    """`report.probe_model` on each network, keyed by its epoch label, in epoch order: the dynamics
    of a run whose checkpoints the user brings (torch or ONNX). They must share one architecture:
    the same layers (names, operators and output shapes)."""
    if not networks:
        raise ValueError("no networks to probe")
    epochs = sorted(networks)
    shape = tuple(splits.input_shape)
    # the layer listing holds the output layer, so equal listings also mean equal numbers of classes
    signatures = {epoch: as_network(networks[epoch], shape).layers() for epoch in epochs}
    first = signatures[epochs[0]]
    for epoch in epochs[1:]:
        if signatures[epoch] != first:
            raise ValueError(f"the network of epoch {epoch} has another architecture than that of epoch {epochs[0]} "
                             "(its layers or their output shapes differ)")
    return _probe_epochs(epochs, networks.__getitem__, splits, labels, layers, probes, probe_options, progress, device)


def _probe_epochs(epochs: Sequence[int], load: Callable[[int], Network | nn.Module], splits: Splits,
                  labels: CorruptedLabels, layers, probes, probe_options, progress: Progress | None,
                  device) -> DynamicsResult:
    result = DynamicsResult()
    for done, epoch in enumerate(epochs, start=1):
        rows = probe_model(load(epoch), splits, labels, layers=layers, probes=probes, probe_options=probe_options,
                           device=device)
        result.table.extend({"epoch": epoch, **row} for row in rows)
        if progress:
            progress("checkpoints", done, len(epochs))
    return result


# ---- Selection on a validation split (METHOD.md §11) ----


@dataclass
class ValidationSplit:
    """`train` and `train_labels`: what the model is trained and the probes fitted on, with the
    real test set (for reporting only). `selection`: the same training part, with the held-out
    examples as its "test" set labelled with their corrupted labels, so its test_acc is the
    accuracy on noisy validation labels."""

    train: Splits
    train_labels: CorruptedLabels
    selection: Splits
    val_indices: np.ndarray


def carve_validation(splits: Splits, labels: CorruptedLabels, val_fraction: float = 0.1, seed: int = 0) -> ValidationSplit:
    """Hold out a random `val_fraction` of the training examples; carve before training, so the
    model never fits the held-out labels. Under uniform label noise the accuracy on noisy labels is
    an increasing function of the accuracy on true ones, so its argmax picks the same choice."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie in (0, 1), got {val_fraction}")
    n = len(splits.x_train)
    n_val = int(round(val_fraction * n))
    if not 0 < n_val < n:
        raise ValueError(f"val_fraction {val_fraction} of {n} training examples leaves an empty split")
    order = np.random.default_rng(seed).permutation(n)
    val, keep = np.sort(order[:n_val]), np.sort(order[n_val:])
    train_labels = CorruptedLabels(labels.labels[keep], labels.true_labels[keep], labels.replaced[keep], labels.flipped[keep])
    x_train, y_train = splits.x_train[keep], splits.y_train[keep]
    return ValidationSplit(
        train=Splits(x_train, y_train, splits.x_test, splits.y_test),
        train_labels=train_labels,
        selection=Splits(x_train, y_train, splits.x_train[val], torch.as_tensor(labels.labels[val])),
        val_indices=val,
    )


def select_on_validation(selection: DynamicsResult, evaluation: DynamicsResult) -> list[dict]:
    """The (epoch, layer, probe) with the highest noisy-label validation accuracy, and for
    comparison the one with the highest test accuracy, each with its test accuracy. `selection`
    and `evaluation` come from `probe_checkpoints` on a ValidationSplit's `selection` and `train`
    splits. The model's own rows compete too (layer and probe "model")."""
    def scores(result: DynamicsResult) -> dict[tuple, float]:
        return {(r["epoch"], r["layer"], r["probe"]): r["value"] for r in result.table if r["metric"] == "test_acc"}

    val, test = scores(selection), scores(evaluation)
    chosen = []
    for split, values in (("validation (noisy labels)", val), ("test", test)):
        epoch, layer, probe = max(values, key=lambda k: (values[k], -k[0]))
        chosen.append({"chosen_by": split, "epoch": epoch, "layer": layer, "probe": probe,
                       "val_acc_noisy": val[(epoch, layer, probe)], "test_acc": test[(epoch, layer, probe)]})
    return chosen
