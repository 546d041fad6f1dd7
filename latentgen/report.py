"""Layer-by-layer report of a model's latent generalization: fit probes on each layer with the
corrupted training labels and measure them (METHOD.md §8) beside the model itself.

Two passes over the data: the first accumulates per-class statistics (MASC, linear probe) or keeps
activations (baseline probes, and layers whose d×d statistics would outweigh their activations);
the second streams predictions of every fitted probe batch by batch.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from latentgen.corruption import CorruptedLabels
from latentgen.data import Splits
from latentgen.extract import (ClassStatistics, Progress, class_statistics, extract, forward_batches, list_layers,
                               statistics_are_smaller)
from latentgen.metrics import label_metrics
from latentgen.networks import Network, as_network
from latentgen.probes import SPECTRAL_PROBES, make_probe, probe_names

MODEL = "model"


def _uses_statistics(dim: int, num_classes: int, n_train: int, probes: Sequence[str]) -> bool:
    """Stream statistics when only spectral probes are asked for and the statistics take no more
    memory than the layer's activations would."""
    return all(p in SPECTRAL_PROBES for p in probes) and statistics_are_smaller(dim, num_classes, n_train)


def fit_probes(model: Network | nn.Module, x_train: torch.Tensor, train_labels: np.ndarray, layers: Sequence[str],
               probes: Sequence[str], probe_options: Mapping[str, dict] | None = None, num_classes: int | None = None,
               batch_size: int = 256, device=None, progress: Progress | None = None) -> dict[tuple[str, str], object]:
    """Fitted probes keyed by (layer, probe name), fitted on the layers' outputs over `x_train`
    grouped by `train_labels`."""
    probe_options = dict(probe_options or {})
    num_classes = int(train_labels.max()) + 1 if num_classes is None else num_classes
    dims = {info.name: info.dim for info in list_layers(model, tuple(x_train.shape[1:]))}
    missing = [layer for layer in layers if layer not in dims]
    if missing:
        raise ValueError(f"unknown layers {missing}; available: {', '.join(dims)}")
    streamed = [l for l in layers if _uses_statistics(dims[l], num_classes, len(x_train), probes)]
    in_memory = [l for l in layers if l not in streamed]
    fitted: dict[tuple[str, str], object] = {}
    stats = class_statistics(model, x_train, train_labels, streamed, num_classes, batch_size, device,
                             progress=progress) if streamed else {}
    activations = extract(model, x_train, in_memory, batch_size, device, progress=progress) if in_memory else {}
    total, done = len(layers) * len(probes), 0
    for layer in layers:
        for name in probes:
            probe = make_probe(name, **probe_options.get(name, {}))
            if layer in stats:
                probe.fit_statistics(stats[layer])
            else:
                probe.fit(activations[layer], train_labels, num_classes=num_classes)
            fitted[(layer, name)] = probe
            done += 1
            if progress:
                progress("fit", done, total)
        activations.pop(layer, None)  # free memory as we go
    return fitted


def fit_from_statistics(stats: Mapping[str, ClassStatistics], probes: Sequence[str],
                        probe_options: Mapping[str, dict] | None = None,
                        progress: Progress | None = None) -> dict[tuple[str, str], object]:
    """Spectral probes (MASC, linear) fitted on each layer's class statistics, keyed by (layer,
    probe name): statistics summed over any split of the data fit the same probes as one pass."""
    probe_options = dict(probe_options or {})
    not_spectral = [p for p in probes if p not in SPECTRAL_PROBES]
    if not_spectral:
        raise ValueError(f"probes {not_spectral} need the activations, not class statistics")
    fitted: dict[tuple[str, str], object] = {}
    total = len(stats) * len(probes)
    for layer, st in stats.items():
        for name in probes:
            fitted[(layer, name)] = make_probe(name, **probe_options.get(name, {})).fit_statistics(st)
            if progress:
                progress("fit", len(fitted), total)
    return fitted


def predict_probes(model: Network | nn.Module, x: torch.Tensor, fitted: Mapping[tuple[str, str], object], batch_size: int = 256,
                   device=None, progress: Progress | None = None, stage: str = "predict") -> dict[tuple[str, str], np.ndarray]:
    """Predictions of the model (key ("model", "model")) and of every fitted probe on `x`, streamed."""
    layers = sorted({layer for layer, _ in fitted})
    preds: dict[tuple[str, str], list[np.ndarray]] = {key: [] for key in fitted}
    preds[(MODEL, MODEL)] = []
    for outputs, logits, _ in forward_batches(model, x, layers, batch_size, device, progress=progress, stage=stage):
        preds[(MODEL, MODEL)].append(logits.argmax(1).cpu().numpy())
        for (layer, name), probe in fitted.items():
            preds[(layer, name)].append(np.asarray(probe.predict(outputs[layer])))
    return {key: np.concatenate(parts) for key, parts in preds.items()}


def probe_model(model: Network | nn.Module, splits: Splits, labels: CorruptedLabels, layers: Sequence[str] | None = None,
                probes: Sequence[str] | None = ("masc", "linear"), probe_options: Mapping[str, dict] | None = None,
                batch_size: int = 256, device=None, progress: Progress | None = None) -> list[dict]:
    """Rows {layer, probe, metric, value}: every metric of `metrics.label_metrics` for each
    (layer, probe) fitted on the corrupted labels, plus the model's own (layer "model", probe
    "model"), and the mean number of MASC components per layer (metric "components")."""
    layers = as_network(model).default_probe_layers() if layers is None else list(layers)
    probes = probe_names(probes)
    if len(labels.labels) != len(splits.x_train):
        raise ValueError(f"{len(labels.labels)} training labels for {len(splits.x_train)} training examples")
    fitted = fit_probes(model, splits.x_train, labels.labels, layers, probes, probe_options,
                        num_classes=max(splits.num_classes, int(labels.labels.max()) + 1),
                        batch_size=batch_size, device=device, progress=progress)
    return score_probes(model, splits, labels, fitted, batch_size, device, progress)


def score_probes(model: Network | nn.Module, splits: Splits, labels: CorruptedLabels,
                 fitted: Mapping[tuple[str, str], object], batch_size: int = 256, device=None,
                 progress: Progress | None = None) -> list[dict]:
    """`probe_model`'s rows for probes already fitted (by `fit_probes` or `fit_from_statistics`)."""
    pred_train = predict_probes(model, splits.x_train, fitted, batch_size, device, progress, "predict_train")
    pred_test = predict_probes(model, splits.x_test, fitted, batch_size, device, progress, "predict_test")
    rows = []
    for key in [(MODEL, MODEL), *fitted]:
        layer, probe = key
        for metric, value in label_metrics(pred_train[key], pred_test[key], labels, splits.y_test).items():
            rows.append({"layer": layer, "probe": probe, "metric": metric, "value": value})
        if probe == "masc":
            rows.append({"layer": layer, "probe": probe, "metric": "components",
                         "value": float(np.mean(fitted[key].k_))})
    return rows


def best_layers(rows: Sequence[dict], metric: str = "test_acc") -> dict[str, dict]:
    """Per probe, the row of the layer with the highest `metric`."""
    best: dict[str, dict] = {}
    for row in rows:
        if row["metric"] == metric and row["probe"] != MODEL:
            if row["probe"] not in best or row["value"] > best[row["probe"]]["value"]:
                best[row["probe"]] = row
    return best


def format_table(rows: Sequence[dict], metric: str = "test_acc") -> str:
    """A plain-text table: one line per layer, one column per probe, values in percent."""
    layers = list(dict.fromkeys(r["layer"] for r in rows))
    probes = list(dict.fromkeys(r["probe"] for r in rows if r["probe"] != MODEL))
    values = {(r["layer"], r["probe"]): r["value"] for r in rows if r["metric"] == metric}
    width = max([len(layer) for layer in layers] + [5])
    lines = [f"{'layer':<{width}}  " + "  ".join(f"{p:>12}" for p in probes)]
    for layer in layers:
        if layer == MODEL:
            continue
        cells = [f"{100 * values[(layer, p)]:11.1f}%" if (layer, p) in values else f"{'':>12}" for p in probes]
        lines.append(f"{layer:<{width}}  " + "  ".join(cells))
    if (MODEL, MODEL) in values:
        lines.append(f"{'model':<{width}}  {100 * values[(MODEL, MODEL)]:11.1f}%  ({metric} of the network itself)")
    return "\n".join(lines)
