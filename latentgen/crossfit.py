"""Out-of-sample class scores of training examples by cross-fitting.

A probe judges the examples it was fitted on far too kindly: at a memorizing network's middle
layers MASC's 99%-variance subspaces contain the memorized examples themselves, so in sample it
agrees with their noisy labels. Each example is therefore scored by probes fitted without it: the
training set is cut into folds, and fold f is scored by probes fitted on the other folds.
Per-class statistics are additive, so that fit is the total minus fold f's statistics; layers whose
statistics would outweigh their activations (`report` streams by the same rule) keep the
activations and fit on the other folds' rows.

Scores are scale-free so that layers and probes can be compared and averaged: MASC's cos² of the
angle between h and each class subspace, the linear probe's cosine between h and each (unit) row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from latentgen.extract import ClassStatistics, Progress, forward_batches, list_layers
from latentgen.probes import LinearProbe, make_probe
from latentgen.memory import streams_statistics

SCORING_PROBES = ("masc", "linear")
NOT_SCORED = -1  # fold id of examples that only ever serve for fitting

Key = tuple[str, str]  # (layer, probe)


def assign_folds(n: int, folds: int, seed: int = 0) -> np.ndarray:
    """Fold id (0..folds-1) of each of n examples: a seeded permutation dealt round-robin, so
    fold sizes differ by at most one."""
    if not 2 <= folds <= n:
        raise ValueError(f"folds must lie between 2 and the number of examples ({n}), got {folds}")
    ids = np.empty(n, dtype=np.int64)
    ids[np.random.default_rng(seed).permutation(n)] = np.arange(n) % folds
    return ids


def normalised_scores(probe, H) -> np.ndarray:
    """(n, K) class scores of a fitted MASC or linear probe on a scale shared by both: cos² for MASC
    (in [0, 1]), cosines for the linear probe (in [−1, 1]); a class without training examples
    scores −1."""
    scores = np.asarray(probe.decision_function(H), dtype=np.float64)
    if isinstance(probe, LinearProbe):
        H = torch.as_tensor(H)
        norms = H.double().norm(dim=1).clamp_min(torch.finfo(torch.float64).tiny).cpu().numpy()
        scores = scores / norms[:, None]
        scores[:, probe.signs_ == 0] = -1.0
    return np.where(np.isneginf(scores), -1.0, scores)


@dataclass
class CrossFit:
    """`scores[(layer, probe)]`: (n, K) out-of-sample normalised scores (NaN rows for examples of
    fold `NOT_SCORED`); `full[(layer, probe)]`: the probe fitted on every example;
    `model_probabilities`: (n, K) softmax of the network's own logits (in sample)."""

    scores: dict[Key, np.ndarray]
    full: dict[Key, object]
    model_probabilities: np.ndarray


def _check_probes(probes: Sequence[str]) -> list[str]:
    unknown = [p for p in probes if p not in SCORING_PROBES]
    if unknown or not probes:
        raise ValueError(f"probes must be among {', '.join(SCORING_PROBES)}, got {list(probes)}")
    return list(probes)


def cross_fit(network: nn.Module, x: torch.Tensor, labels, layers: Sequence[str], probes: Sequence[str],
              fold_ids: np.ndarray, num_classes: int, probe_options: Mapping[str, dict] | None = None,
              batch_size: int = 256, device=None, progress: Progress | None = None) -> CrossFit:
    """Fit each probe on each layer over `x` grouped by `labels` (the noisy labels), once on every
    example and once per fold without it, and score each fold's examples with its own fit.
    `fold_ids`: one id per example, `NOT_SCORED` for examples only used in fits. Two passes over
    `x` when some layer streams statistics, else one. Memory: per streamed layer, K·d² per fold."""
    probes, layers = _check_probes(probes), list(layers)
    labels = np.asarray(labels, dtype=np.int64)
    fold_ids = np.asarray(fold_ids, dtype=np.int64)
    n = len(x)
    if len(labels) != n or len(fold_ids) != n:
        raise ValueError(f"{len(labels)} labels and {len(fold_ids)} fold ids for {n} examples")
    options = dict(probe_options or {})
    dims = {info.name: info.dim for info in list_layers(network, tuple(x.shape[1:]))}
    missing = [layer for layer in layers if layer not in dims]
    if missing:
        raise ValueError(f"unknown layers {missing}; available: {', '.join(dims)}")
    streamed = [layer for layer in layers if streams_statistics(dims[layer], num_classes, n, probes)]
    groups = np.unique(fold_ids).tolist()
    folds = [g for g in groups if g != NOT_SCORED]

    # pass 1: statistics per fold (streamed layers), activations (the others), the model's softmax
    stats: dict[str, dict[int, ClassStatistics]] = {layer: {} for layer in streamed}
    chunks: dict[str, list[torch.Tensor]] = {layer: [] for layer in layers if layer not in stats}
    probabilities, start = [], 0
    for outputs, logits, y in forward_batches(network, x, layers, batch_size, device, labels=labels,
                                              progress=progress, stage="statistics"):
        ids = torch.as_tensor(fold_ids[start:start + len(y)])
        start += len(y)
        probabilities.append(logits.float().softmax(1).cpu())
        for layer, per_group in stats.items():
            h = outputs[layer]
            for g in torch.unique(ids).tolist():
                rows = torch.nonzero(ids == g).flatten()
                if g not in per_group:
                    per_group[g] = ClassStatistics(num_classes, h.shape[1], device=h.device)
                per_group[g].update(h.index_select(0, rows.to(h.device)), y[rows])
        for layer, parts in chunks.items():
            parts.append(outputs[layer].cpu())

    scores = {(layer, p): np.full((n, num_classes), np.nan) for layer in layers for p in probes}
    full: dict[Key, object] = {}
    by_fold: dict[Key, dict[int, object]] = {}
    total_fits, done = len(layers) * len(probes) * (len(folds) + 1), 0

    def fitted(fit) -> object:
        nonlocal done
        done += 1
        if progress:
            progress("fit", done, total_fits)
        return fit

    for layer in layers:
        H = torch.cat(chunks.pop(layer)) if layer not in stats else None
        total = reduce(lambda a, b: a + b, stats[layer].values()) if H is None else None
        for p in probes:
            key = (layer, p)
            make = lambda: make_probe(p, **options.get(p, {}))  # noqa: E731
            if H is None:
                full[key] = fitted(make().fit_statistics(total))
                by_fold[key] = {f: fitted(make().fit_statistics(total - stats[layer][f])) for f in folds}
                continue
            full[key] = fitted(make().fit(H, labels, num_classes=num_classes))
            for f in folds:
                inside = fold_ids == f
                probe = fitted(make().fit(H[~inside], labels[~inside], num_classes=num_classes))
                scores[key][inside] = normalised_scores(probe, H[inside])
        stats.pop(layer, None)

    if by_fold:  # pass 2: score each streamed layer's examples with their fold's probe
        score_groups(network, x, by_fold, fold_ids, scores, batch_size, device, progress, "score")
    return CrossFit(scores, full, torch.cat(probabilities).numpy())


def score_groups(network: nn.Module, x: torch.Tensor, probes: Mapping[Key, Mapping[int, object]], group_ids: np.ndarray,
                 out: dict[Key, np.ndarray], batch_size: int = 256, device=None, progress: Progress | None = None,
                 stage: str = "score") -> np.ndarray:
    """Write into `out[key]` (n, K) the normalised scores of each example by `probes[key][its group]`
    (examples of groups without a probe are left alone); return the network's own softmax."""
    layers = sorted({layer for layer, _ in probes})
    probabilities, start = [], 0
    for outputs, logits, _ in forward_batches(network, x, layers, batch_size, device, progress=progress, stage=stage):
        ids = group_ids[start:start + len(logits)]
        for (layer, p), per_group in probes.items():
            for g, probe in per_group.items():
                rows = np.flatnonzero(ids == g)
                if len(rows):
                    h = outputs[layer].index_select(0, torch.as_tensor(rows, device=outputs[layer].device))
                    out[(layer, p)][start + rows] = normalised_scores(probe, h)
        probabilities.append(logits.float().softmax(1).cpu())
        start += len(logits)
    return torch.cat(probabilities).numpy()


def probe_scores(network: nn.Module, x: torch.Tensor, fitted: Mapping[Key, object], num_classes: int,
                 batch_size: int = 256, device=None, progress: Progress | None = None,
                 stage: str = "score_test") -> tuple[dict[Key, np.ndarray], np.ndarray]:
    """Normalised scores of every fitted probe on `x` (e.g. the test set), and the network's softmax."""
    out = {key: np.full((len(x), num_classes), np.nan) for key in fitted}
    probabilities = score_groups(network, x, {key: {0: probe} for key, probe in fitted.items()},
                                 np.zeros(len(x), dtype=np.int64), out, batch_size, device, progress, stage)
    return out, probabilities


def validation_class_scores(network: nn.Module, crossed: CrossFit, validation, num_classes: int, batch_size: int = 256,
                            device=None, progress: Progress | None = None) -> tuple[dict[Key, np.ndarray], np.ndarray]:
    """Per (layer, probe), the (n_val, K) normalised scores of `validation`'s examples, and the
    network's softmax on them: out of fold for training examples held out (they were cross-fitted
    as one fold), by the probes fitted on every training example for held-out data."""
    if validation.held_out is None:
        held = validation.indices
        return {key: s[held] for key, s in crossed.scores.items()}, crossed.model_probabilities[held]
    return probe_scores(network, validation.held_out.x, crossed.full, num_classes, batch_size, device, progress,
                        "score_validation")
