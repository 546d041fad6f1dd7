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
from latentgen.extract import ClassStatistics, Progress, forward_batches, list_layers
from latentgen.memory import SPECTRAL_PROBES, plan_passes, streams_statistics
from latentgen.metrics import label_metrics
from latentgen.networks import Network, as_network
from latentgen.probes import make_probe, probe_names

MODEL = "model"


def fit_probes(model: Network | nn.Module, x_train: torch.Tensor, train_labels: np.ndarray, layers: Sequence[str],
               probes: Sequence[str], probe_options: Mapping[str, dict] | None = None, num_classes: int | None = None,
               batch_size: int = 256, device=None, progress: Progress | None = None,
               memory_budget: int | None = None) -> dict[tuple[str, str], object]:
    """Fitted probes keyed by (layer, probe name), fitted on the layers' outputs over `x_train`
    grouped by `train_labels`. The layers share forward passes as `memory.plan_passes` groups them
    within `memory_budget` bytes (None: one pass for all)."""
    return _fit(model, x_train, train_labels, None, layers, probes, probe_options, num_classes, batch_size, device,
                progress, memory_budget)[0]


def fit_probes_leaving_out(model: Network | nn.Module, x_train: torch.Tensor, train_labels: np.ndarray,
                           held: np.ndarray, layers: Sequence[str], probes: Sequence[str],
                           probe_options: Mapping[str, dict] | None = None, num_classes: int | None = None,
                           batch_size: int = 256, device=None, progress: Progress | None = None,
                           memory_budget: int | None = None
                           ) -> tuple[dict[tuple[str, str], object], dict[tuple[str, str], np.ndarray]]:
    """`fit_probes` on every example, and the predictions on the `held` examples (a boolean mask,
    e.g. a validation split) of the same probes fitted without them, keyed by (layer, probe) and
    ("model", "model") for the network's own: all from the same passes over `x_train`. The
    statistics are accumulated per class and group and the held examples' features kept aside, so
    the fit without them costs no forward pass, and its probes are dropped once they have predicted."""
    return _fit(model, x_train, train_labels, held, layers, probes, probe_options, num_classes, batch_size, device,
                progress, memory_budget)


def _fit(model, x_train, train_labels, held, layers, probes, probe_options, num_classes, batch_size, device, progress,
         memory_budget):
    probe_options = dict(probe_options or {})
    train_labels = np.asarray(train_labels)
    num_classes = int(train_labels.max()) + 1 if num_classes is None else num_classes
    dims = {info.name: info.dim for info in list_layers(model, tuple(x_train.shape[1:]))}
    missing = [layer for layer in layers if layer not in dims]
    if missing:
        raise ValueError(f"unknown layers {missing}; available: {', '.join(dims)}")
    streamed = {l: streams_statistics(dims[l], num_classes, len(x_train), probes) for l in layers}
    groups = 1 if held is None else 2
    # held examples counted as classes K..2K−1: each group's statistics from the same pass
    grouped = train_labels if held is None else train_labels + num_classes * np.asarray(held, dtype=np.int64)
    held = None if held is None else np.asarray(held, dtype=bool)
    kept = None if held is None else np.flatnonzero(~held)
    fitted: dict[tuple[str, str], object] = {}
    on_held: dict[tuple[str, str], np.ndarray] | None = None if held is None else {}
    total, done = len(layers) * len(probes) * groups, 0

    def fit_one(data, layer: str, name: str, rows: np.ndarray | None):
        """A probe on the layer's examples outside the held ones (`rows`), or on all (None)."""
        probe = make_probe(name, **probe_options.get(name, {}))
        if streamed[layer]:
            return probe.fit_statistics(data.classes(0, num_classes))
        if rows is None:
            return probe.fit(data, train_labels, num_classes=num_classes)
        return probe.fit(data[rows], train_labels[rows], num_classes=num_classes)

    for group in plan_passes(layers, dims, len(x_train), num_classes, streamed, memory_budget, groups):
        collected, held_features, model_on_held = _collect(model, x_train, grouped, group, streamed,
                                                           groups * num_classes, batch_size, device, progress, held)
        if on_held is not None:
            on_held[(MODEL, MODEL)] = model_on_held
        for layer in group:
            data = collected.pop(layer)  # freed once its probes are fitted
            if on_held is not None:
                features = held_features.pop(layer) if streamed[layer] else data[torch.from_numpy(np.flatnonzero(held))]
                for name in probes:
                    on_held[(layer, name)] = np.asarray(fit_one(data, layer, name, kept).predict(features))
                    done += 1
                    if progress:
                        progress("fit", done, total)
                if streamed[layer]:  # the held examples' statistics added to the others', in place
                    others = data.classes(0, num_classes)
                    others += data.classes(num_classes, 2 * num_classes)
            for name in probes:
                fitted[(layer, name)] = fit_one(data, layer, name, None)
                done += 1
                if progress:
                    progress("fit", done, total)
            del data
    return fitted, on_held


def _collect(model, x_train, labels: np.ndarray, layers: Sequence[str], streamed: Mapping[str, bool],
             num_classes: int, batch_size: int, device, progress, held: np.ndarray | None):
    """One forward pass over `x_train`: per layer, class statistics (streamed layers) or the
    activations (float32, on the CPU); with `held` (a mask), also the streamed layers' features of
    the held examples and the network's predictions on them."""
    stats: dict[str, ClassStatistics] = {}
    chunks: dict[str, list[torch.Tensor]] = {layer: [] for layer in layers if not streamed[layer]}
    held_chunks: dict[str, list[torch.Tensor]] = {layer: [] for layer in layers if streamed[layer]}
    predicted: list[np.ndarray] = []
    stage = "statistics" if any(streamed[layer] for layer in layers) else "extract"
    start = 0
    for outputs, logits, y in forward_batches(model, x_train, layers, batch_size, device,
                                              labels=torch.as_tensor(labels), progress=progress, stage=stage):
        rows = None if held is None else torch.as_tensor(np.flatnonzero(held[start:start + len(y)]))
        start += len(y)
        if rows is not None:
            predicted.append(logits.argmax(1).cpu().numpy()[rows.numpy()])
        for layer, h in outputs.items():
            if layer in chunks:
                chunks[layer].append(h.cpu())
                continue
            if layer not in stats:
                stats[layer] = ClassStatistics(num_classes, h.shape[1], device=h.device)
            stats[layer].update(h, y)
            if rows is not None:
                held_chunks[layer].append(h.index_select(0, rows.to(h.device)).cpu())
    data = {**stats, **{layer: torch.cat(parts) for layer, parts in chunks.items()}}
    held_features = {layer: torch.cat(parts) for layer, parts in held_chunks.items()} if held is not None else {}
    return data, held_features, (np.concatenate(predicted) if predicted else None)


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
