"""PNG figures of a layer report, of training dynamics and of a training run.

Figures are drawn on matplotlib's Agg canvas directly, without pyplot, so no global backend is
chosen for the caller (a notebook keeps its own); matplotlib is imported only when plotting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

MODEL = "model"


def _figure(width: float = 7.0, height: float = 4.2):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _save(figure, axes, path: str | Path, ylabel: str) -> Path:
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)
    if len(axes.get_legend_handles_labels()[1]) > 5:  # many series: keep the legend off the curves
        axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        axes.legend(fontsize="small", loc="best")
    figure.tight_layout()
    figure.savefig(path)
    return Path(path)


def _label(metric: str) -> str:
    return metric.replace("_", " ")


def layer_plot(rows: Sequence[dict], path: str | Path, metric: str = "test_acc", title: str | None = None) -> Path:
    """Rows of `report.probe_model`: one line per probe across the layers (in their order), and a
    dashed horizontal line for the model's own value."""
    values = {(r["layer"], r["probe"]): r["value"] for r in rows if r["metric"] == metric}
    layers = list(dict.fromkeys(layer for layer, probe in values if probe != MODEL))
    probes = list(dict.fromkeys(probe for _, probe in values if probe != MODEL))
    figure, axes = _figure()
    for probe in probes:
        points = [(i, values[(layer, probe)]) for i, layer in enumerate(layers) if (layer, probe) in values]
        axes.plot([i for i, _ in points], [v for _, v in points], marker="o", label=probe)
    if (MODEL, MODEL) in values:
        axes.axhline(values[(MODEL, MODEL)], color="black", linestyle="--", label="model itself")
    axes.set_xticks(range(len(layers)), layers, rotation=30 if len(layers) > 6 else 0)
    axes.set_xlabel("layer")
    axes.set_title(title or f"{_label(metric)} of probes fitted on the corrupted labels, per layer")
    return _save(figure, axes, path, _label(metric))


def dynamics_plot(table: Sequence[dict], path: str | Path, metric: str = "test_acc",
                  probes: Sequence[str] | None = None, title: str | None = None) -> Path:
    """Rows of `DynamicsResult.table`: `metric` against the epoch, one line per (layer, probe) for
    the chosen `probes` (all when None) and a thick black line for the model itself. Colour marks
    the layer (light to dark with depth), line style the probe."""
    from matplotlib import colormaps

    series: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for row in table:
        if row["metric"] == metric and (row["probe"] == MODEL or probes is None or row["probe"] in probes):
            series.setdefault((row["layer"], row["probe"]), []).append((row["epoch"], row["value"]))
    layers = list(dict.fromkeys(layer for layer, probe in series if probe != MODEL))
    styles = dict(zip(dict.fromkeys(probe for _, probe in series if probe != MODEL), ("-", "--", ":", "-.") * 4))
    colours = colormaps["viridis_r"]
    figure, axes = _figure(width=9.0)
    for (layer, probe), points in series.items():
        points.sort()
        epochs, values = [e for e, _ in points], [v for _, v in points]
        if probe == MODEL:
            axes.plot(epochs, values, color="black", linewidth=3, label="model itself", zorder=3)
        else:
            colour = colours(0.15 + 0.85 * layers.index(layer) / max(1, len(layers) - 1))
            axes.plot(epochs, values, color=colour, linestyle=styles[probe], marker=".", linewidth=1.4,
                      label=f"{layer} · {probe}")
    axes.set_xlabel("epoch")
    axes.set_title(title or f"{_label(metric)} across training")
    return _save(figure, axes, path, _label(metric))


TRAINING_CURVES = {
    "test_acc": "test (true labels)",
    "train_acc_noisy": "train (corrupted labels)",
    "flipped_acc_noisy": "flipped examples: memorized corrupted label",
    "flipped_acc_true": "flipped examples: true label",
}


def training_plot(history: Sequence[dict], path: str | Path, title: str | None = None) -> Path:
    """A run's per-epoch metrics (`TrainResult.history`): test accuracy, corrupted-label train
    accuracy, and on the flipped examples how often the corrupted and the true label is predicted."""
    figure, axes = _figure()
    epochs = [row["epoch"] for row in history]
    for key, label in TRAINING_CURVES.items():
        axes.plot(epochs, [row[key] for row in history], label=label)
    axes.set_xlabel("epoch")
    axes.set_ylim(-0.02, 1.02)
    axes.set_title(title or "training on corrupted labels")
    return _save(figure, axes, path, "accuracy")


MIDWAY_STYLES = {"pre_edit": ("-", 1.5), "repaired": ("-", 2.5), "control": ("--", 1.5)}


def midway_plot(rows: Sequence[dict], path: str | Path, metrics: Sequence[str] = ("test_acc", "flipped_acc_noisy"),
                title: str | None = None) -> Path:
    """Rows of `MidwayResult.rows`: each metric (one colour) against the epoch for the run before
    the edit, the repaired continuation (thick) and the unedited control (dashed)."""
    figure, axes = _figure(width=9.0)
    for colour, metric in enumerate(metrics):
        for arm, (style, width) in MIDWAY_STYLES.items():
            points = sorted((r["epoch"], r[metric]) for r in rows if r["arm"] == arm)
            if points:
                axes.plot([e for e, _ in points], [v for _, v in points], color=f"C{colour}", linestyle=style,
                          linewidth=width, label=f"{_label(metric)} · {arm.replace('_', ' ')}")
    edit = min((r["epoch"] for r in rows if r["arm"] == "repaired"), default=None)
    if edit is not None:
        axes.axvline(edit, color="grey", linewidth=1, label="edit")
    axes.set_xlabel("epoch")
    axes.set_ylim(-0.02, 1.02)
    axes.set_title(title or f"last-layer repair at epoch {edit} and the unedited control")
    return _save(figure, axes, path, "accuracy")
