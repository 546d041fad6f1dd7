"""Choices made on a validation split carved from the noisy training labels (METHOD.md §11).

One helper carves the split everywhere (best layer, peak epoch, audit layer, graft layer): a seeded
random `fraction` of the training examples, labelled with their noisy labels only. The same
(n, fraction, seed) always give the same examples, so a split carved before training is found
again by every later job on that model. Choices maximise accuracy on it; test accuracy is only
reported beside them, with what a test-set oracle would have chosen.

The split must be held out from the network's training: a network that memorized the validation
examples reproduces their noisy labels at its deep layers, so accuracy on them favours exactly the
layers that memorized. `memorization_warning` says when that seems to be the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from latentgen.corruption import CorruptedLabels
from latentgen.data import Splits
from latentgen.extract import Progress
from latentgen.networks import Network, as_network
from latentgen.report import MODEL, fit_probes, predict_probes

DEFAULT_FRACTION = 0.1
DEFAULT_SEED = 0


@dataclass(frozen=True)
class Validation:
    """Training examples held out for choices (`indices`, sorted) out of `n`; `fraction` and
    `seed` when carved by `carve`, None when given explicitly."""

    indices: np.ndarray
    n: int
    fraction: float | None = None
    seed: int | None = None

    @classmethod
    def carve(cls, n: int, val_fraction: float = DEFAULT_FRACTION, seed: int = DEFAULT_SEED) -> "Validation":
        """A seeded random `val_fraction` of `n` training examples."""
        if not 0.0 < val_fraction < 1.0:
            raise ValueError(f"val_fraction must lie in (0, 1), got {val_fraction}")
        n_val = int(round(val_fraction * n))
        if not 0 < n_val < n:
            raise ValueError(f"val_fraction {val_fraction} of {n} training examples leaves an empty split")
        order = np.random.default_rng(seed).permutation(n)
        return cls(np.sort(order[:n_val]), n, val_fraction, seed)

    @classmethod
    def of(cls, indices, n: int) -> "Validation":
        """Explicit held-out examples, e.g. training examples the network was never trained on."""
        indices = np.unique(np.asarray(indices, dtype=np.int64))
        if not 0 < len(indices) < n or indices[0] < 0 or indices[-1] >= n:
            raise ValueError(f"validation indices must be a non-empty proper subset of range({n})")
        return cls(indices, n)

    @property
    def mask(self) -> np.ndarray:
        mask = np.zeros(self.n, dtype=bool)
        mask[self.indices] = True
        return mask

    @property
    def fit_indices(self) -> np.ndarray:
        """The training examples outside the split."""
        return np.flatnonzero(~self.mask)

    def describe(self) -> dict:
        return {"n_val": int(len(self.indices)), "fraction": self.fraction, "seed": self.seed,
                "labels": "noisy training labels"}


def resolve_validation(validation: "Validation | float | None", n: int) -> Validation:
    """None: the default split; a float: that fraction with the default seed; a Validation: checked."""
    if validation is None:
        return Validation.carve(n)
    if isinstance(validation, Validation):
        if validation.n != n:
            raise ValueError(f"the validation split was carved from {validation.n} training examples, not {n}")
        return validation
    return Validation.carve(n, float(validation))


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


def carve_validation(splits: Splits, labels: CorruptedLabels, val_fraction: float = DEFAULT_FRACTION,
                     seed: int = DEFAULT_SEED) -> ValidationSplit:
    """Hold out `Validation.carve(n, val_fraction, seed)`; carve before training, so the model never
    fits the held-out labels. Under uniform label noise the accuracy on noisy labels is an
    increasing function of the accuracy on true ones, so its argmax picks the same choice."""
    val = Validation.carve(len(splits.x_train), val_fraction, seed)
    keep = val.fit_indices
    train_labels = CorruptedLabels(labels.labels[keep], labels.true_labels[keep], labels.replaced[keep], labels.flipped[keep])
    x_train, y_train = splits.x_train[keep], splits.y_train[keep]
    return ValidationSplit(
        train=Splits(x_train, y_train, splits.x_test, splits.y_test),
        train_labels=train_labels,
        selection=Splits(x_train, y_train, splits.x_train[val.indices], torch.as_tensor(labels.labels[val.indices])),
        val_indices=val.indices,
    )


def select_best(rows: Sequence[dict], keys: Sequence[str] = ("layer", "probe"), chosen_by: str = "val_acc",
                reported: str = "test_acc") -> dict:
    """From tidy rows {*keys, metric, value}: the key with the highest `chosen_by` metric (the
    first such row on ties) and, for comparison, the one a `reported`-metric oracle would choose;
    each as {*keys, chosen_by: value, reported: value}. A missing value is None."""
    values: dict[str, dict[tuple, float]] = {chosen_by: {}, reported: {}}
    for row in rows:
        if row["metric"] in values:
            values[row["metric"]].setdefault(tuple(row[k] for k in keys), row["value"])

    def best(metric: str) -> dict | None:
        scored = [(v, i, key) for i, (key, v) in enumerate(values[metric].items()) if v is not None and not np.isnan(v)]
        if not scored:
            return None
        _, _, key = max(scored, key=lambda t: (t[0], -t[1]))
        return {**dict(zip(keys, key)), chosen_by: values[chosen_by].get(key), reported: values[reported].get(key)}

    return {"chosen": best(chosen_by), "oracle": best(reported), "chosen_by": chosen_by}


def memorization_warning(model_val_acc: float, model_fit_acc: float, margin: float = 0.05) -> str | None:
    """A warning when the network fits the noisy validation labels about as well as those it was
    fitted on: it was probably trained on the validation examples too."""
    if model_val_acc >= model_fit_acc - margin and model_fit_acc > 0.9:
        return (f"the network reproduces the noisy validation labels ({model_val_acc:.1%}) about as well as the "
                f"other training labels ({model_fit_acc:.1%}): it was probably trained on the validation examples, "
                "so choices on them favour the layers that memorized; hold the split out before training")
    return None


def validation_rows(model: Network | nn.Module, splits: Splits, labels: CorruptedLabels, validation: "Validation | float | None" = None,
                    layers: Sequence[str] | None = None, probes: Sequence[str] = ("masc", "linear"),
                    probe_options: Mapping[str, dict] | None = None, batch_size: int = 256, device=None,
                    progress: Progress | None = None) -> list[dict]:
    """Rows {layer, probe, metric "val_acc", value}: each probe fitted on the training examples
    outside the validation split (noisy labels) and scored on the split's noisy labels, and the
    model's own (layer and probe "model"). Beside `report.probe_model`'s rows, `select_best`
    chooses on them and reports test accuracy."""
    val = resolve_validation(validation, len(splits.x_train))
    fit = val.fit_indices
    num_classes = max(splits.num_classes, int(labels.labels.max()) + 1)
    layers = as_network(model).default_probe_layers() if layers is None else list(layers)
    fitted = fit_probes(model, splits.x_train[fit], labels.labels[fit], layers, list(probes), probe_options,
                        num_classes=num_classes, batch_size=batch_size, device=device, progress=progress)
    return validation_scores(model, splits, labels, val, fitted, batch_size, device, progress)


def validation_scores(model: nn.Module, splits: Splits, labels: CorruptedLabels, val: "Validation",
                      fitted: Mapping[tuple[str, str], object], batch_size: int = 256, device=None,
                      progress: Progress | None = None) -> list[dict]:
    """`validation_rows` for probes already fitted on the training examples outside `val`."""
    held = val.indices
    predicted = predict_probes(model, splits.x_train[held], fitted, batch_size, device, progress, "predict_validation")
    return [{"layer": layer, "probe": probe, "metric": "val_acc", "value": float(np.mean(pred == labels.labels[held]))}
            for (layer, probe), pred in [((MODEL, MODEL), predicted[(MODEL, MODEL)]), *((k, predicted[k]) for k in fitted)]]
