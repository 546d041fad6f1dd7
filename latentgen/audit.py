"""Label audit: which training labels are wrong, read from one memorized network (issue 9).

Probes fitted on the noisy labels predict the *true* label of many corrupted training examples.
Each training example is scored out of sample (`crossfit`): the probe's normalised score of the
best other class minus that of the given label. Positive means the probe, fitted without the
example, prefers another class: the example is flagged and that class suggested. The layer and
probe (or an average over chosen layers) are those with the best accuracy on the noisy labels of
a validation split held out from the network's training (`validation`); test accuracy is only
reported. When the true labels are known, precision, recall, F1 and AUROC against the truly
flipped examples are reported, with the same for the network's own in-sample predictions. The
noise itself is estimated as counts of (suggested, given) labels: which classes were given which.
When those counts, as the linear probe sees them, put most of each class's changes on one label, the
noise is class-dependent and the linear probe alone competes (`STRUCTURED_RULE` says why).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from torch import nn

from latentgen.corruption import CorruptedLabels, noise_counts, realised_noise
from latentgen.crossfit import SCORING_PROBES, assign_folds, cross_fit, probe_scores, validation_class_scores
from latentgen.data import Splits
from latentgen.extract import Progress
from latentgen.networks import Network, as_network
from latentgen.validation import Validation, choose_on_validation, resolve_validation

COLUMNS = ("index", "given", "suggested", "score", "flagged")
MODES = ("relabel", "filter")
# above this share of each class's changes going to a single other label, the noise is class-dependent
STRUCTURED = 0.5
STRUCTURED_RULE = ("the noise is class-dependent (most of a class's changes go to one label), so the linear probe "
                   "chose: it estimates how likely each label is given the features, whose largest is the true class "
                   "while a class keeps most of its labels, whereas MASC's class subspaces take in the images of the "
                   "class they are confused with")


def suspicion(scores: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Per row, the best score of a class other than the given one minus the given one's."""
    rows = np.arange(len(given))
    others = scores.astype(np.float64, copy=True)
    own = others[rows, given].copy()
    others[rows, given] = -np.inf
    return others.max(1) - own


def noise_concentration(counts: np.ndarray) -> float | None:
    """Of the changes in `counts[true][given]` (off the diagonal), the share in each row's largest cell:
    about 1/(K − 1) plus sampling noise under uniform noise, near 1 when each class is confused with one
    other (pair flips). None without changes."""
    off = np.asarray(counts, dtype=np.float64).copy()
    np.fill_diagonal(off, 0)
    total = off.sum()
    return None if total == 0 else float(off.max(axis=1).sum() / total)


def flags(scores: np.ndarray, given: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(suspicion, flagged, suggested) of out-of-sample class scores."""
    score = suspicion(scores, given)
    flagged = score > 0
    return score, flagged, np.where(flagged, scores.argmax(1), given)


def detection_metrics(flagged: np.ndarray, score: np.ndarray, flipped: np.ndarray) -> dict[str, float]:
    """Precision, recall and F1 of `flagged` against the truly `flipped` examples, and the AUROC of
    `score` (higher: more suspect)."""
    from sklearn.metrics import roc_auc_score

    flagged, flipped = np.asarray(flagged, bool), np.asarray(flipped, bool)
    hits = int((flagged & flipped).sum())
    precision = hits / int(flagged.sum()) if flagged.any() else 0.0
    recall = hits / int(flipped.sum()) if flipped.any() else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    auroc = float(roc_auc_score(flipped, score)) if 0 < flipped.sum() < len(flipped) else float("nan")
    return {"precision": precision, "recall": recall, "f1": f1, "auroc": auroc, "n_flagged": int(flagged.sum())}


@dataclass
class AuditResult:
    """Per training example: `given` (noisy) label, `suggested` label, suspicion `score` (> 0
    exactly when `flagged`), and the `true_labels` when known. `summary`: the choice and its
    accuracies, counts, detection metrics. `candidates`: rows {layer, probe, metric, value} for
    every (layer, probe) considered: val_acc, test_acc, and the detection metrics when known."""

    given: np.ndarray
    suggested: np.ndarray
    score: np.ndarray
    flagged: np.ndarray
    summary: dict
    candidates: list[dict] = field(default_factory=list)
    true_labels: np.ndarray | None = None

    def rows(self) -> list[dict]:
        """One row per training example: index, given, suggested, score, flagged (and true_label)."""
        rows = []
        for i in range(len(self.given)):
            row = {"index": i, "given": int(self.given[i]), "suggested": int(self.suggested[i]),
                   "score": float(self.score[i]), "flagged": bool(self.flagged[i])}
            if self.true_labels is not None:
                row["true_label"] = int(self.true_labels[i])
            rows.append(row)
        return rows

    def to_csv(self, path: str | Path) -> None:
        rows = self.rows()
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else COLUMNS)
            writer.writeheader()
            writer.writerows(rows)


@dataclass(frozen=True)
class CleanedLabels:
    """A cleaned training set: the training examples kept (`indices`, all of them when relabelled)
    and their labels."""

    indices: np.ndarray
    labels: np.ndarray
    mode: str


def cleaned_labels(result: AuditResult, mode: str = "relabel") -> CleanedLabels:
    """"relabel": every example, flagged ones with the suggested label; "filter": the examples not
    flagged, with their given labels."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "relabel":
        return CleanedLabels(np.arange(len(result.given)), np.where(result.flagged, result.suggested, result.given), mode)
    kept = np.flatnonzero(~result.flagged)
    return CleanedLabels(kept, result.given[kept], mode)


def _candidates(network: Network | nn.Module, layer, probe: str, layers: Sequence[str] | None):
    """(layers to fit, probes to fit, candidates {name: layers averaged})."""
    probes = list(SCORING_PROBES) if probe == "auto" else [probe]
    if probe != "auto" and probe not in SCORING_PROBES:
        raise ValueError(f"probe must be 'auto' or one of {', '.join(SCORING_PROBES)}, got {probe!r}")
    if layer == "auto":
        fit = as_network(network).default_probe_layers() if layers is None else list(layers)
        return fit, probes, {name: [name] for name in fit}
    if isinstance(layer, str):
        return [layer], probes, {layer: [layer]}
    combined = list(layer)
    if not combined:
        raise ValueError("layer must be 'auto', a layer name or a non-empty list of layer names")
    return combined, probes, {"+".join(combined): combined}


def _combine(scores: Mapping[tuple[str, str], np.ndarray], members: Sequence[str], probe: str) -> np.ndarray:
    return np.mean([scores[(m, probe)] for m in members], axis=0)


def audit_labels(network: Network | nn.Module, splits: Splits, labels: CorruptedLabels | np.ndarray, layer="auto",
                 probe: str = "auto", folds: int = 5, validation: Validation | float | None = None,
                 layers: Sequence[str] | None = None, probe_options: Mapping[str, dict] | None = None,
                 seed: int = 0, batch_size: int = 256, device=None, progress: Progress | None = None) -> AuditResult:
    """Audit the training labels of `splits` (`labels`: the noisy labels, as `CorruptedLabels` when
    the truth is known, or an array) with probes on `network`'s layers.

    `layer`: "auto" (every layer of `layers`, default the network's probe layers, competes), a
    layer name, or a list of names whose scores are averaged. `probe`: "masc", "linear" or "auto".
    Each example is scored by probes fitted without its fold (`folds`-fold cross-fitting, seeded).
    The choice maximises accuracy on the noisy labels of `validation` (default: 10% carved with
    seed 0; it should be held out from the network's training). `progress(stage, done, total)`
    with stages "statistics", "fit", "score" (streamed layers only) and "score_test"."""
    given = np.asarray(labels.labels if isinstance(labels, CorruptedLabels) else labels, dtype=np.int64)
    n = len(splits.x_train)
    if given.shape != (n,):
        raise ValueError(f"{len(given)} training labels for {n} training examples")
    val = resolve_validation(validation, n)
    num_classes = max(splits.num_classes, int(given.max()) + 1)
    fit_layers, probes, candidates = _candidates(network, layer, probe, layers)
    crossed = cross_fit(network, splits.x_train, given, fit_layers, probes, assign_folds(n, folds, seed), num_classes,
                        probe_options, batch_size, device, progress)
    test_scores, test_probabilities = probe_scores(network, splits.x_test, crossed.full, num_classes, batch_size, device,
                                                   progress)
    val_scores, val_probabilities = validation_class_scores(network, crossed, val, num_classes, batch_size, device,
                                                            progress)
    val_given = val.targets(given)
    y_test = splits.y_test.numpy()
    flipped = labels.flipped if isinstance(labels, CorruptedLabels) and 0 < labels.flipped.sum() < n else None

    rows, oos, val_predictions = [], {}, {}
    for name, members in candidates.items():
        for p in probes:
            scores = oos[(name, p)] = _combine(crossed.scores, members, p)
            val_predictions[(name, p)] = _combine(val_scores, members, p).argmax(1)
            values = {"val_acc": float(np.mean(val_predictions[(name, p)] == val_given)),
                      "test_acc": float(np.mean(_combine(test_scores, members, p).argmax(1) == y_test))}
            if flipped is not None:
                score, flagged, _ = flags(scores, given)
                values.update(detection_metrics(flagged, score, flipped))
            rows += [{"layer": name, "probe": p, "metric": m, "value": v} for m, v in values.items()]
    model_pred = crossed.model_probabilities.argmax(1)
    fit_part = val.fit_indices
    model = {"val_acc": float(np.mean(val_probabilities.argmax(1) == val_given)),
             "fit_acc": float(np.mean(model_pred[fit_part] == given[fit_part])),
             "test_acc": float(np.mean(test_probabilities.argmax(1) == y_test))}
    def choose_among(probes_: Sequence[str]) -> tuple[dict, dict]:
        return choose_on_validation([r for r in rows if r["probe"] in probes_],
                                    {key: v for key, v in val_predictions.items() if key[1] in probes_}, val_given,
                                    num_classes, val, model["val_acc"], model["fit_acc"])

    picked, validation_summary = choose_among(probes)
    oracle = picked["oracle"]
    structure = None
    if "linear" in probes and len(probes) > 1:
        # how structured the noise is, as the linear probe (consistent under any such noise) estimates it
        linear, linear_validation = choose_among(["linear"])
        *_, linear_suggested = flags(oos[(linear["chosen"]["layer"], "linear")], given)
        concentration = noise_concentration(noise_counts(linear_suggested, given, num_classes))
        structured = concentration is not None and concentration > STRUCTURED
        structure = {"concentration": concentration, "structured": structured, "threshold": STRUCTURED,
                     "measured_on": {"layer": linear["chosen"]["layer"], "probe": "linear"},
                     "rule": STRUCTURED_RULE if structured else None}
        if structured:
            picked, validation_summary = linear, linear_validation
    chosen = picked["chosen"]
    scores = oos[(chosen["layer"], chosen["probe"])]
    score, flagged, suggested = flags(scores, given)
    summary = {
        "n": n, "n_flagged": int(flagged.sum()), "estimated_noise_rate": float(flagged.mean()),
        # the confident joint's analogue: suggested labels taken as the true ones
        "estimated_noise": realised_noise(CorruptedLabels(given, suggested, flagged, flagged), num_classes),
        "layer": chosen["layer"], "probe": chosen["probe"], "folds": folds,
        "val_acc": chosen["val_acc"], "test_acc": chosen["test_acc"],
        "chosen_by": picked["rule"], "oracle": oracle, "model": model, "validation": validation_summary,
        "noise_structure": structure, "detection": None,
    }
    if flipped is not None:
        model_score = suspicion(crossed.model_probabilities, given)
        summary["detection"] = {"true_noise_rate": float(flipped.mean()),
                                "audit": detection_metrics(flagged, score, flipped),
                                "model": detection_metrics(model_pred != given, model_score, flipped)}
    true_labels = labels.true_labels if flipped is not None else None
    return AuditResult(given, suggested, score, flagged, summary, rows, true_labels)
