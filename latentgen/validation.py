"""Choices made on held-out examples (METHOD.md §11): best layer, peak epoch, audit layer, graft layer.

A `Validation` is one of three things, and every choice reads it the same way:
- examples the user kept out of the network's training, outside the training set (`Validation.held_out`:
  their inputs and labels, noisy or clean), the sound choice for a model trained on every example;
- training examples the user kept out of training (`Validation.of(indices)`);
- a seeded random `fraction` of the training examples (`Validation.carve`), labelled with their noisy
  labels only. The same (n, fraction, seed) always give the same examples, so a split carved before
  training (a `train` job holds it out) is found again by every later job on that model.
Choices maximise accuracy on it; test accuracy is only reported beside them, with what a test-set
oracle would have chosen.

The examples must be held out from the network's training: a network that memorized them reproduces
their noisy labels at its deep layers, so accuracy on them favours exactly the layers that memorized.
`memorization_warning` says when that seems to be the case.
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
from latentgen.probes import probe_names
from latentgen.report import MODEL, fit_probes, fit_probes_leaving_out, predict_probes, score_probes

DEFAULT_FRACTION = 0.1
DEFAULT_SEED = 0


@dataclass(frozen=True, eq=False)
class HeldOut:
    """Examples outside the training set that the network never saw: inputs and their labels."""

    x: torch.Tensor
    labels: np.ndarray
    name: str | None = None  # where they come from, e.g. a data set id

    def __post_init__(self):
        if len(self.x) != len(self.labels) or not len(self.x):
            raise ValueError(f"held-out validation data: {len(self.x)} inputs and {len(self.labels)} labels; "
                             "they must be as many, and at least one")


@dataclass(frozen=True, eq=False)
class Validation:
    """Training examples held out for choices (`indices`, sorted) out of `n`, or none of them and
    `held_out` examples from outside the training set; `fraction` and `seed` when carved by `carve`."""

    indices: np.ndarray
    n: int
    fraction: float | None = None
    seed: int | None = None
    held_out: HeldOut | None = None

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

    @classmethod
    def external(cls, x, labels, n: int, name: str | None = None) -> "Validation":
        """Choices on examples outside the `n` training examples (every training example is fitted)."""
        held = HeldOut(torch.as_tensor(x), np.asarray(labels, dtype=np.int64), name)
        return cls(np.zeros(0, dtype=np.int64), n, held_out=held)

    def inputs(self, x_train: torch.Tensor) -> torch.Tensor:
        """The validation examples' inputs."""
        return self.held_out.x if self.held_out is not None else x_train[self.indices]

    def targets(self, train_labels: np.ndarray) -> np.ndarray:
        """The validation examples' labels (the noisy training labels for a split of the training set)."""
        return self.held_out.labels if self.held_out is not None else np.asarray(train_labels)[self.indices]

    @property
    def source(self) -> str:
        if self.held_out is not None:
            return "held-out data"
        return "carved" if self.fraction is not None else "indices"

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
        if self.held_out is not None:
            return {"n_val": len(self.held_out.labels), "fraction": None, "seed": None, "source": self.source,
                    "dataset_id": self.held_out.name, "labels": "the held-out examples' own labels"}
        return {"n_val": int(len(self.indices)), "fraction": self.fraction, "seed": self.seed, "source": self.source,
                "dataset_id": None, "labels": "noisy training labels"}


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


def memorized(model_val_acc: float | None, model_fit_acc: float | None, margin: float = 0.05) -> bool:
    """Whether the network fits the noisy validation labels about as well as those it was fitted on:
    it was probably trained on the validation examples too."""
    if model_val_acc is None or model_fit_acc is None:
        return False
    return model_val_acc >= model_fit_acc - margin and model_fit_acc > 0.9


def memorization_warning(model_val_acc: float | None, model_fit_acc: float | None, margin: float = 0.05) -> str | None:
    """What `memorized` found, in words, or None."""
    if memorized(model_val_acc, model_fit_acc, margin):
        return (f"the network reproduces the noisy validation labels ({model_val_acc:.1%}) about as well as the "
                f"other training labels ({model_fit_acc:.1%}): it was probably trained on the validation examples, "
                "so the choice is made by the noise-ceiling rule; give held-out data (validation.dataset_id or "
                "validation.indices) for a choice on examples the network never saw")
    return None


NOISE_CEILING = "noise_ceiling"  # metric of the model's validation row: see `noise_ceiling`


def noise_ceiling(predictions: Mapping[object, np.ndarray], labels: np.ndarray, num_classes: int) -> float | None:
    """An estimate of 1 − the noise rate of `labels`: the agreement with them that a reader of the
    true classes reaches without memorizing, from several readers' `predictions` of the same examples.

    Take label noise independent of the input given the class, and each reader right with
    probability a_x, else wrong evenly over the other classes. Then two readers x, y that err
    independently agree with probability 1/K + κ·u_x·u_y, u = a − 1/K, κ = K/(K − 1). Two readers c, d
    and the labels L are three such views, so u_L² = G_cL·G_dL / (κ·G_cd), G = agreement − 1/K. A
    reader that memorized the labels inflates G_cL, and readers with shared errors inflate G_cd;
    memorization is what a choice must not reward, so the smallest estimate over the pairs is taken.
    None with fewer than two readers or no informative pair."""
    labels = np.asarray(labels)
    keys = list(predictions)
    k = num_classes
    agree = {key: float(np.mean(predictions[key] == labels)) - 1 / k for key in keys}
    estimates = []
    for i, c in enumerate(keys):
        for d in keys[i + 1:]:
            shared = float(np.mean(predictions[c] == predictions[d])) - 1 / k
            if shared > 0 and agree[c] > 0 and agree[d] > 0:
                estimates.append(1 / k + np.sqrt(agree[c] * agree[d] / (shared * k / (k - 1))))
    return min(1.0, float(min(estimates))) if estimates else None


RULES = {
    "validation accuracy": "the highest accuracy on the validation examples' labels",
    "noise ceiling": "the network memorized the validation examples, so the reader whose agreement with their noisy "
                     "labels is closest to the noise ceiling (the agreement a reader of the true classes reaches "
                     "without memorizing, estimated from the readers' agreements): agreeing more means memorizing",
}


def choose(rows: Sequence[dict], ceiling: float | None, keys: Sequence[str] = ("layer", "probe")) -> dict:
    """`select_best` on val_acc; under the noise-ceiling rule (`ceiling` given) on −|val_acc − ceiling|,
    a reader that agrees with the noisy labels beyond the ceiling being one that memorized them.
    Adds "rule", its "reason" and the "ceiling"."""
    if ceiling is None:
        return {**select_best(rows, keys), "rule": "validation accuracy", "reason": RULES["validation accuracy"],
                "ceiling": None}
    closeness = [{**r, "metric": "closeness", "value": -abs(r["value"] - ceiling)} for r in rows
                 if r["metric"] == "val_acc" and r["value"] is not None]
    picked = select_best(closeness + [r for r in rows if r["metric"] in ("val_acc", "test_acc")], keys, "closeness")
    plain = select_best(rows, keys)

    def with_val(choice: dict | None) -> dict | None:
        if choice is None:
            return None
        key = tuple(choice[k] for k in keys)
        val = next((r["value"] for r in rows if r["metric"] == "val_acc" and tuple(r[k] for k in keys) == key), None)
        return {**{k: choice[k] for k in keys}, "val_acc": val, "test_acc": choice["test_acc"]}

    return {"chosen": with_val(picked["chosen"]), "oracle": plain["oracle"], "chosen_by": "val_acc",
            "rule": "noise ceiling", "reason": RULES["noise ceiling"], "ceiling": ceiling}


def validation_info(val: Validation, picked: dict, model_val_acc: float | None, model_fit_acc: float | None) -> dict:
    """A summary's `validation`: where the examples come from, the memorization warning, and the rule
    that chose (`choose`) with its reason."""
    return {**val.describe(), "warning": memorization_warning(model_val_acc, model_fit_acc), "rule": picked["rule"],
            "rule_reason": picked["reason"], "noise_ceiling": picked["ceiling"]}


def choose_on_validation(rows: Sequence[dict], predictions: Mapping[object, np.ndarray], targets: np.ndarray,
                         num_classes: int, val: Validation, model_val_acc: float, model_fit_acc: float
                         ) -> tuple[dict, dict]:
    """`choose` over `rows`, by the noise-ceiling rule (estimated from the candidates' `predictions`
    of the validation examples) when the network memorized them; and `validation_info`."""
    ceiling = noise_ceiling(predictions, targets, num_classes) if memorized(model_val_acc, model_fit_acc) else None
    picked = choose(rows, ceiling)
    return picked, validation_info(val, picked, model_val_acc, model_fit_acc)


def model_value(rows: Sequence[dict], metric: str) -> float | None:
    """The model's own row's value of `metric` (layer and probe "model"), or None."""
    return next((r["value"] for r in rows if (r["layer"], r["probe"], r["metric"]) == (MODEL, MODEL, metric)), None)


def choose_from_rows(rows: Sequence[dict], val: Validation) -> tuple[dict, dict]:
    """`choose` among the probes of `probe_rows`' rows (the model's own rows give
    the memorization test and the noise ceiling); and `validation_info`."""
    model_val, model_fit = model_value(rows, "val_acc"), model_value(rows, "train_acc_noisy")
    ceiling = model_value(rows, NOISE_CEILING) if memorized(model_val, model_fit) else None
    picked = choose([r for r in rows if r["probe"] != MODEL], ceiling)
    return picked, validation_info(val, picked, model_val, model_fit)


def probe_rows(model: Network | nn.Module, splits: Splits, labels: CorruptedLabels,
               validation: "Validation | float | None" = None, layers: Sequence[str] | None = None,
               probes: Sequence[str] = ("masc", "linear"), probe_options: Mapping[str, dict] | None = None,
               batch_size: int = 256, device=None, progress: Progress | None = None,
               memory_budget: int | None = None) -> list[dict]:
    """`report.probe_model`'s rows (each probe fitted on every training example), then rows {layer,
    probe, metric "val_acc", value}: each probe fitted on the training examples outside the
    validation split (noisy labels) and scored on the validation examples' labels, the model's own
    (layer and probe "model") and the noise ceiling; `choose_from_rows` chooses on them. Both fits
    come from the same passes over the training set (`report.fit_probes_leaving_out`), the layers
    grouped into passes within `memory_budget` bytes (None: one pass)."""
    val = resolve_validation(validation, len(splits.x_train))
    probes = probe_names(probes)
    if len(labels.labels) != len(splits.x_train):
        raise ValueError(f"{len(labels.labels)} training labels for {len(splits.x_train)} training examples")
    num_classes = max(splits.num_classes, int(labels.labels.max()) + 1)
    layers = as_network(model).default_probe_layers() if layers is None else list(layers)
    options = dict(probe_options=probe_options, num_classes=num_classes, batch_size=batch_size, device=device,
                   progress=progress, memory_budget=memory_budget)
    if val.held_out is not None:  # held-out data: every training example is fitted, once
        fitted = fit_probes(model, splits.x_train, labels.labels, layers, probes, **options)
        return (score_probes(model, splits, labels, fitted, batch_size, device, progress)
                + validation_scores(model, splits, labels, val, fitted, batch_size, device, progress))
    fitted, on_held = fit_probes_leaving_out(model, splits.x_train, labels.labels, val.mask, layers, probes, **options)
    return (score_probes(model, splits, labels, fitted, batch_size, device, progress)
            + _validation_rows(on_held, val.targets(labels.labels), num_classes))


def validation_scores(model: nn.Module, splits: Splits, labels: CorruptedLabels, val: "Validation",
                      fitted: Mapping[tuple[str, str], object], batch_size: int = 256, device=None,
                      progress: Progress | None = None) -> list[dict]:
    """`probe_rows`' validation rows for probes already fitted on the training examples outside `val`."""
    predicted = predict_probes(model, val.inputs(splits.x_train), fitted, batch_size, device, progress,
                               "predict_validation")
    return _validation_rows(predicted, val.targets(labels.labels), max(splits.num_classes, int(labels.labels.max()) + 1))


def _validation_rows(predicted: Mapping[tuple[str, str], np.ndarray], targets: np.ndarray, num_classes: int) -> list[dict]:
    """val_acc rows of the network's own predictions on the validation examples (key ("model",
    "model"), first) and of each probe's, then the noise ceiling the probes' predictions give."""
    probes = {k: pred for k, pred in predicted.items() if k != (MODEL, MODEL)}
    ceiling = noise_ceiling(probes, targets, num_classes)
    return [{"layer": layer, "probe": probe, "metric": "val_acc", "value": float(np.mean(pred == targets))}
            for (layer, probe), pred in [((MODEL, MODEL), predicted[(MODEL, MODEL)]), *probes.items()]
            ] + [{"layer": MODEL, "probe": MODEL, "metric": NOISE_CEILING, "value": ceiling}]
