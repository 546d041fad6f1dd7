"""probe: every probe on every layer of a model, on a data set's noisy training labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.models import Job
from worker.runner import Outcome, Progress, Runner, clean, table_artifact


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.report import probe_model
    from latentgen.validation import validation_rows

    m, ds = runner.job_inputs(job)
    p = job.params
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    options = {"layers": p.get("layers"), "probes": tuple(p.get("probes") or ("masc", "linear")),
               "probe_options": p.get("probe_options") or None, "batch_size": int(p.get("batch_size", 256)),
               "device": runner.device(), "progress": progress}
    rows = probe_model(net, splits, labels, **options)
    # the best layer is chosen on the validation split: probes fitted without it, scored on its noisy labels
    validation = runner.validation_split(job, len(splits.x_train), m)
    rows = clean(rows + validation_rows(net, splits, labels, validation, **options))
    summary = {"data": data, **probe_summary(rows, validation)}
    arts = [table_artifact(rows, tmp / "probe.csv")]
    if (pl := runner.plot("layer_plot", rows, tmp / "layers.png")) is not None:
        arts.append(pl)
    return Outcome(rows=rows, summary=summary, artifacts=arts)


def probe_summary(rows: list[dict], validation) -> dict[str, Any]:
    """The model's accuracy; the (layer, probe) chosen on the validation split's noisy labels with
    its test accuracy, and what a test-set oracle would have chosen."""
    from latentgen.validation import memorization_warning, select_best

    def value(layer: str, probe: str, metric: str):
        return next((r["value"] for r in rows if (r["layer"], r["probe"], r["metric"]) == (layer, probe, metric)), None)

    picked = select_best([r for r in rows if r["probe"] != "model"])
    model_val, model_fit = value("model", "model", "val_acc"), value("model", "model", "train_acc_noisy")
    warning = memorization_warning(model_val, model_fit) if model_val is not None and model_fit is not None else None
    return {
        "model_test_acc": value("model", "model", "test_acc"),
        "model_val_acc": model_val,
        "best": picked["chosen"],
        "oracle": picked["oracle"],
        "validation": {**validation.describe(), "warning": warning},
        "note": "best is chosen on the validation split (noisy training labels); oracle on the test set, for "
                "comparison only",
    }
