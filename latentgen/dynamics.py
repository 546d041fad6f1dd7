"""Training dynamics of latent generalization (METHOD.md §7): probe chosen layers with chosen
probes at each checkpoint of a run (a training run's state dicts, or networks the user brings,
each with its epoch label), and find where each peaks.

Selection without the test set (§11): `validation.carve_validation` holds out part of the training
data, labelled with its corrupted labels only, and `select_on_validation` picks the best epoch,
layer and probe on it, then reports how that choice does on the test set.
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
from latentgen.report import MODEL, probe_model
from latentgen.validation import (NOISE_CEILING, Validation, ValidationSplit, carve_validation,  # noqa: F401
                                  choose, memorized, probe_rows, select_best)

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

    def ceiling(self) -> float | None:
        """The noise ceiling (`validation.noise_ceiling`, the median of the checkpoints' estimates)
        when the network memorized the validation examples at some checkpoint, else None: then every
        epoch is chosen by the noise-ceiling rule."""
        model = {(r["epoch"], r["metric"]): r["value"] for r in self.table if r["layer"] == MODEL and r["probe"] == MODEL}
        epochs = sorted({epoch for epoch, _ in model})
        if not any(memorized(model.get((e, "val_acc")), model.get((e, "train_acc_noisy"))) for e in epochs):
            return None
        estimates = [model[(e, NOISE_CEILING)] for e in epochs if model.get((e, NOISE_CEILING)) is not None]
        return float(np.median(estimates)) if estimates else None

    def choices(self) -> list[dict]:
        """Per (layer, probe), the model's own row included: the epoch chosen on the validation
        examples (`validation.choose` with `ceiling()`; the earliest on ties), its validation and test
        accuracy, the test accuracy at the last epoch, and the epoch a test-set oracle would have
        chosen. Needs val_acc rows (`validation=` when probing)."""
        keyed: dict[tuple[str, str], list[dict]] = {}
        for row in sorted(self.table, key=lambda r: r["epoch"]):
            if row["metric"] in ("val_acc", "test_acc"):
                keyed.setdefault((row["layer"], row["probe"]), []).append(row)
        choices, ceiling = [], self.ceiling()
        for (layer, probe), rows in keyed.items():
            picked = choose(rows, ceiling, keys=("epoch",))
            if picked["chosen"] is None:
                continue
            tests = [r for r in rows if r["metric"] == "test_acc"]
            choices.append({"layer": layer, "probe": probe, "peak_epoch": picked["chosen"]["epoch"],
                            "peak_value": picked["chosen"]["test_acc"], "val_acc": picked["chosen"]["val_acc"],
                            "final_value": tests[-1]["value"] if tests else None,
                            "oracle_epoch": picked["oracle"]["epoch"] if picked["oracle"] else None,
                            "oracle_value": picked["oracle"]["test_acc"] if picked["oracle"] else None})
        return choices

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
    validation: Validation | None = None,
) -> DynamicsResult:
    """`report.probe_model` at every checkpoint, in epoch order, each loaded into a fresh model
    from `model_factory()`, with `validation.probe_rows`' validation rows (val_acc) when `validation` is given.
    `progress("checkpoints", done, total)` after each checkpoint."""
    def load(epoch: int) -> nn.Module:
        model = model_factory()
        model.load_state_dict(checkpoints[epoch])
        return model

    return _probe_epochs(sorted(checkpoints), load, splits, labels, layers, probes, probe_options, progress, device,
                         validation)


def probe_networks(
    networks: Mapping[int, Network | nn.Module],
    splits: Splits,
    labels: CorruptedLabels,
    layers: Sequence[str] | None = None,
    probes: Sequence[str] = ("masc", "linear"),
    probe_options: Mapping[str, dict] | None = None,
    progress: Progress | None = None,
    device=None,
    validation: Validation | None = None,
) -> DynamicsResult:
    """`report.probe_model` (and val_acc rows, as `probe_checkpoints`) on each network, keyed by its epoch label, in epoch order: the dynamics
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
    return _probe_epochs(epochs, networks.__getitem__, splits, labels, layers, probes, probe_options, progress, device,
                         validation)


def _probe_epochs(epochs: Sequence[int], load: Callable[[int], Network | nn.Module], splits: Splits,
                  labels: CorruptedLabels, layers, probes, probe_options, progress: Progress | None,
                  device, validation: Validation | None) -> DynamicsResult:
    result = DynamicsResult()
    for done, epoch in enumerate(epochs, start=1):
        network = load(epoch)
        if validation is None:
            rows = probe_model(network, splits, labels, layers=layers, probes=probes, probe_options=probe_options,
                               device=device)
        else:
            rows = probe_rows(network, splits, labels, validation, layers, probes, probe_options, device=device)
        result.table.extend({"epoch": epoch, **row} for row in rows)
        if progress:
            progress("checkpoints", done, len(epochs))
    return result


# ---- Selection on a validation split (METHOD.md §11) ----


def select_on_validation(selection: DynamicsResult, evaluation: DynamicsResult) -> list[dict]:
    """The (epoch, layer, probe) with the highest noisy-label validation accuracy, and for
    comparison the one with the highest test accuracy, each with its test accuracy. `selection`
    and `evaluation` come from `probe_checkpoints` on a ValidationSplit's `selection` and `train`
    splits. The model's own rows compete too (layer and probe "model")."""
    rows = [dict(r, metric="val_acc") for r in selection.table if r["metric"] == "test_acc"]
    rows += [r for r in evaluation.table if r["metric"] == "test_acc"]
    rows.sort(key=lambda r: r["epoch"])  # stable: the earliest epoch wins ties
    picked = select_best(rows, keys=("epoch", "layer", "probe"))
    return [{"chosen_by": split, **{k: picked[which][k] for k in ("epoch", "layer", "probe")},
             "val_acc_noisy": picked[which]["val_acc"], "test_acc": picked[which]["test_acc"]}
            for split, which in (("validation (noisy labels)", "chosen"), ("test", "oracle"))]
