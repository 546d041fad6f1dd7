"""Figures of a layer report, of training dynamics, of a training run and of a repair.

Each `*_figure` function builds a matplotlib Figure (the HTML report embeds them); each `*_plot`
writes one to a PNG file. Figures are drawn on matplotlib's Agg canvas directly, without pyplot,
so no global backend is chosen for the caller (a notebook keeps its own); matplotlib is imported
only when plotting. Colours are the Okabe-Ito palette (distinguishable with colour-blindness);
black is the model itself; accuracies are shown in percent on a fixed 0-100 % axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

MODEL = "model"
# Okabe & Ito (2008), "Color Universal Design"; black is kept for the model itself
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
MODEL_LINE = {"color": "black", "linestyle": "--", "linewidth": 1.6}

METRIC_LABELS = {
    "val_acc": "validation accuracy on the corrupted labels",
    "test_acc": "test accuracy",
    "train_acc_noisy": "train accuracy on the corrupted labels",
    "train_acc_true": "train accuracy on the true labels",
    "flipped_acc_true": "flipped examples: true label predicted",
    "flipped_acc_noisy": "flipped examples: corrupted label predicted",
    "unflipped_acc": "unflipped examples: label predicted",
}


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric.replace("_", " "))


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _canvas(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _figure(width: float = 7.0, height: float = 4.2, panels: int = 1):
    figure = _canvas(width, height)
    axes = figure.subplots(1, panels, squeeze=False, sharey=True)[0]
    for ax in axes:
        ax.set_prop_cycle(color=PALETTE)
    return figure, list(axes)


def _percent_axis(axes, label: str) -> None:
    from matplotlib.ticker import PercentFormatter

    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_ylim(-0.02, 1.02)
    axes.set_ylabel(f"{label} (%)")


def _finish(figure, axes: Sequence) -> None:
    for ax in axes:
        ax.grid(alpha=0.3)
    # one legend below the panels: never over a curve or a bar
    handles, labels = axes[-1].get_legend_handles_labels()
    # as many entries a row as fit the figure's width (about 12 characters an inch in small type)
    per_row = int(figure.get_figwidth() * 12 / (max(map(len, labels), default=1) + 5))
    figure.legend(handles, labels, fontsize="small", loc="outside lower center", frameon=False,
                  ncols=max(1, min(4, per_row, len(labels))))


def save(figure, path: str | Path) -> Path:
    figure.savefig(path)
    return Path(path)


def layer_figure(rows: Sequence[dict], metric: str = "test_acc", title: str | None = None):
    """Rows of `report.probe_model`: one line per probe across the layers (in their order), and a
    dashed black line for the model's own value."""
    values = {(r["layer"], r["probe"]): r["value"] for r in rows if r["metric"] == metric}
    layers = list(dict.fromkeys(layer for layer, probe in values if probe != MODEL))
    probes = list(dict.fromkeys(probe for _, probe in values if probe != MODEL))
    figure, (axes,) = _figure()
    for probe in probes:
        points = [(i, values[(layer, probe)]) for i, layer in enumerate(layers)
                  if values.get((layer, probe)) is not None]
        axes.plot([i for i, _ in points], [v for _, v in points], marker="o", label=probe)
    if values.get((MODEL, MODEL)) is not None:
        axes.axhline(values[(MODEL, MODEL)], **MODEL_LINE, label="model itself")
    axes.set_xticks(range(len(layers)), layers, rotation=30 if len(layers) > 6 else 0)
    axes.set_xlabel("layer (input → output)")
    axes.set_title(title or f"{metric_label(metric)} of probes fitted on the corrupted labels, per layer")
    _percent_axis(axes, metric_label(metric))
    _finish(figure, [axes])
    return figure


def layer_plot(rows: Sequence[dict], path: str | Path, metric: str = "test_acc", title: str | None = None) -> Path:
    return save(layer_figure(rows, metric, title), path)


def dynamics_figure(table: Sequence[dict], metric: str = "test_acc", probes: Sequence[str] | None = None,
                    peaks: Sequence[dict] | None = None, title: str | None = None):
    """Rows of `DynamicsResult.table`: `metric` against the epoch, one panel per probe (all when
    `probes` is None) with a line per layer, and the model itself in black in every panel. `peaks`
    ({layer, probe, peak_epoch, peak_value}: `DynamicsResult.choices` or `.peaks`) are starred."""
    series: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for row in table:
        if row["metric"] == metric and row["value"] is not None:
            series.setdefault((row["layer"], row["probe"]), []).append((row["epoch"], row["value"]))
    layers = list(dict.fromkeys(layer for layer, probe in series if probe != MODEL))
    shown = [p for p in dict.fromkeys(probe for _, probe in series if probe != MODEL) if probes is None or p in probes]
    peak_at = {(p["layer"], p["probe"]): (p["peak_epoch"], p["peak_value"]) for p in peaks or ()
               if p.get("peak_value") is not None}
    figure, panels = _figure(width=4.6 * max(1, len(shown)) + 1.6, height=4.4, panels=max(1, len(shown)))
    for ax, probe in zip(panels, shown or [None]):
        for key, style in [((MODEL, MODEL), {"color": "black", "linewidth": 2.5, "label": "model itself"})] + [
                ((layer, probe), {"color": colour(i), "linestyle": ("-", "--", ":")[i // len(PALETTE) % 3],
                                  "marker": ".", "label": f"layer {layer}"}) for i, layer in enumerate(layers)]:
            points = sorted(series.get(key, ()))
            if not points:
                continue
            ax.plot([e for e, _ in points], [v for _, v in points], **style)
            if key in peak_at:
                ax.plot(*peak_at[key], marker="*", markersize=13, color=style["color"],
                        markeredgecolor="white", linestyle="none")
        ax.set_title(f"probe: {probe}" if probe else "model")
        ax.set_xlabel("epoch")
    _percent_axis(panels[0], metric_label(metric))
    if peak_at:
        panels[-1].plot([], [], marker="*", markersize=11, color="grey", linestyle="none", label="peak")
    figure.suptitle(title or f"{metric_label(metric)} across training, per layer and probe")
    _finish(figure, panels)
    return figure


def dynamics_plot(table: Sequence[dict], path: str | Path, metric: str = "test_acc",
                  probes: Sequence[str] | None = None, title: str | None = None) -> Path:
    return save(dynamics_figure(table, metric, probes, title=title), path)


TRAINING_CURVES = ("test_acc", "train_acc_noisy", "train_acc_true", "flipped_acc_noisy", "flipped_acc_true")


def training_figure(history: Sequence[dict], title: str | None = None):
    """A run's per-epoch metrics (`TrainResult.history`): test accuracy (black: the model's own),
    train accuracy on the corrupted and on the true labels, and on the flipped examples how often
    the corrupted and the true label is predicted."""
    figure, (axes,) = _figure()
    epochs = [row["epoch"] for row in history]
    for key in TRAINING_CURVES:
        style = {"color": "black", "linewidth": 2.5} if key == "test_acc" else {}
        axes.plot(epochs, [row.get(key) for row in history], label=metric_label(key), marker=".", **style)
    axes.set_xlabel("epoch")
    axes.set_title(title or "training on corrupted labels")
    _percent_axis(axes, "accuracy")
    _finish(figure, [axes])
    return figure


def training_plot(history: Sequence[dict], path: str | Path, title: str | None = None) -> Path:
    return save(training_figure(history, title), path)


MIDWAY_ARMS = {"pre_edit": "before the edit", "repaired": "repaired at the edit", "control": "unedited control"}


def midway_figure(rows: Sequence[dict], metrics: Sequence[str] = ("test_acc", "flipped_acc_noisy"),
                  title: str | None = None):
    """Rows of `MidwayResult.rows`: one panel per metric, against the epoch, for the run before the
    edit, the repaired continuation and the unedited control; a grey line marks the edit."""
    figure, panels = _figure(width=4.6 * len(metrics) + 1.8, height=4.4, panels=len(metrics))
    edit = min((r["epoch"] for r in rows if r["arm"] == "repaired"), default=None)
    for ax, metric in zip(panels, metrics):
        for i, (arm, label) in enumerate(MIDWAY_ARMS.items()):
            points = sorted((r["epoch"], r[metric]) for r in rows if r["arm"] == arm and r.get(metric) is not None)
            if points:
                ax.plot([e for e, _ in points], [v for _, v in points], color=colour(i), marker=".",
                        linestyle="--" if arm == "control" else "-", linewidth=2.2 if arm == "repaired" else 1.5,
                        label=label)
        if edit is not None:
            ax.axvline(edit, color="grey", linewidth=1, label="edit")
        ax.set_title(metric_label(metric))
        ax.set_xlabel("epoch")
    _percent_axis(panels[0], "accuracy")
    figure.suptitle(title or f"last-layer repair at epoch {edit} and the unedited control")
    _finish(figure, panels)
    return figure


def midway_plot(rows: Sequence[dict], path: str | Path, metrics: Sequence[str] = ("test_acc", "flipped_acc_noisy"),
                title: str | None = None) -> Path:
    return save(midway_figure(rows, metrics, title), path)


def before_after_figure(metrics: Mapping[str, Mapping[str, float | None]], title: str | None = None):
    """{"model": {metric: value}, "repaired": {...}}: the metrics side by side, as horizontal bars."""
    names = [m for m in METRIC_LABELS if any(metrics[arm].get(m) is not None for arm in metrics)]
    figure, (axes,) = _figure(height=0.55 * len(names) + 1.6)
    height = 0.8 / len(metrics)
    for i, (arm, values) in enumerate(metrics.items()):
        ys = [len(names) - 1 - j + (len(metrics) / 2 - i - 0.5) * height for j in range(len(names))]
        axes.barh(ys, [values.get(m) or 0 for m in names], height=height, color=colour(i), label=arm)
        for y, m in zip(ys, names):
            if values.get(m) is not None:
                axes.text(values[m] + 0.01, y, f"{100 * values[m]:.1f} %", va="center", fontsize="small")
    from matplotlib.ticker import PercentFormatter

    axes.set_yticks(range(len(names)), [metric_label(m) for m in reversed(names)])
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_xlim(0, 1.12)
    axes.set_xlabel("accuracy (%)")
    axes.set_title(title or "before and after the repair")
    _finish(figure, [axes])
    return figure


def per_class_figure(per_class: Mapping[str, Sequence[float | None]], reference: float | None = None,
                     title: str | None = None):
    """{"model": [accuracy of class 0, 1, ...], "repaired": [...]}: grouped bars per true class,
    and the model's overall accuracy (`reference`) as a dashed black line."""
    figure, (axes,) = _figure(width=max(7.0, 0.45 * len(next(iter(per_class.values()))) + 2))
    width = 0.8 / len(per_class)
    for i, (arm, values) in enumerate(per_class.items()):
        xs = [c + (i - (len(per_class) - 1) / 2) * width for c in range(len(values))]
        axes.bar(xs, [v or 0 for v in values], width=width, color=colour(i), label=arm)
    if reference is not None:
        axes.axhline(reference, **MODEL_LINE, label="model, all classes")
    classes = len(next(iter(per_class.values())))
    axes.set_xticks(range(classes), [str(c) for c in range(classes)])
    axes.set_xlabel("true class")
    axes.set_title(title or "test accuracy per class")
    _percent_axis(axes, "test accuracy")
    _finish(figure, [axes])
    return figure


def confusion_figure(matrices: Mapping[str, Sequence[Sequence[int]]], title: str | None = None,
                     xlabel: str = "predicted class", ylabel: str = "true class"):
    """{"model": counts[true][predicted], "repaired": ...}: one heat map per model, each row
    normalised to the share of its true class (cividis: readable with colour-blindness, and in grey)."""
    import numpy as np

    k = len(next(iter(matrices.values())))
    figure, panels = _figure(width=4.4 * len(matrices) + 1.2, height=4.6, panels=len(matrices))
    image = None
    for ax, (arm, counts) in zip(panels, matrices.items()):
        counts = np.asarray(counts, dtype=float)
        share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        image = ax.imshow(share, cmap="cividis", vmin=0, vmax=1)
        if k <= 12:
            for t in range(k):
                for p in range(k):
                    if counts[t, p]:
                        ax.text(p, t, f"{int(counts[t, p])}", ha="center", va="center", fontsize="x-small",
                                color="black" if share[t, p] > 0.6 else "white")
        ticks = range(0, k, max(1, k // 10))
        ax.set_xticks(ticks, [str(c) for c in ticks])
        ax.set_yticks(ticks, [str(c) for c in ticks])
        ax.set_xlabel(xlabel)
        ax.set_title(arm)
    panels[0].set_ylabel(ylabel)
    figure.colorbar(image, ax=panels, label="share of the true class (%)", format="{x:.0%}", shrink=0.85)
    figure.suptitle(title or "test confusion matrices (counts; colour: share of the row)")
    return figure


def precision_recall_figure(scores: Sequence[float], wrong: Sequence[bool], points: Mapping[str, tuple[float, float]],
                            title: str | None = None):
    """How well suspicion `scores` find the `wrong` labels: precision against recall as the
    threshold falls, the share of wrong labels as the floor a random ranking gets, and `points`
    {name: (recall, precision)} marked (the audit's flagged set, the model's own disagreement)."""
    import numpy as np
    from matplotlib.ticker import PercentFormatter

    wrong = np.asarray(wrong, dtype=bool)
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    hits = np.cumsum(wrong[order])
    precision, recall = hits / np.arange(1, len(order) + 1), hits / max(1, int(wrong.sum()))
    figure, (axes,) = _figure(width=6.0, height=4.6)
    axes.plot(recall, precision, color=colour(0), linewidth=2, label="audit score, every threshold")
    axes.axhline(wrong.mean(), **MODEL_LINE, label="share of wrong labels (a random ranking)")
    for i, (name, (r, p)) in enumerate(points.items()):
        axes.plot([r], [p], marker="o", markersize=9, linestyle="none", color=colour(i + 1), label=name)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_xlim(-0.02, 1.02)
    axes.set_xlabel("recall: wrong labels found (%)")
    axes.set_title(title or "finding the wrong training labels")
    _percent_axis(axes, "precision: found labels that are wrong")
    _finish(figure, [axes])
    return figure


def image_grid_figure(images: Sequence, captions: Sequence[str], columns: int = 8, title: str | None = None):
    """Images (C×H×W or H×W arrays, any scale: each is stretched to its own range) in a grid, each
    with its caption; one channel in grey."""
    import numpy as np

    rows = max(1, -(-len(images) // columns))
    figure = _canvas(1.25 * columns, 1.45 * rows + 0.5)
    for i, ax in enumerate(figure.subplots(rows, columns, squeeze=False).flat):
        ax.axis("off")
        if i >= len(images):
            continue
        image = np.asarray(images[i], dtype=float)
        image = image[0] if image.ndim == 3 and image.shape[0] == 1 else image
        image = image.transpose(1, 2, 0) if image.ndim == 3 else image
        low, high = image.min(), image.max()
        ax.imshow((image - low) / (high - low) if high > low else np.zeros_like(image), cmap="gray",
                  interpolation="nearest")
        ax.set_title(captions[i], fontsize="small")
    if title:
        figure.suptitle(title)
    return figure
