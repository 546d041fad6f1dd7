"""probe: every probe on every layer of a model, on a data set's noisy training labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.models import Job
from worker.runner import Outcome, Progress, Runner, clean, table_artifact


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.report import probe_model

    m, ds = runner.job_inputs(job)
    p = job.params
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    rows = probe_model(net, splits, labels, layers=p.get("layers"), probes=tuple(p.get("probes") or ("masc", "linear")),
                       probe_options=p.get("probe_options") or None, batch_size=int(p.get("batch_size", 256)),
                       device=runner.device(), progress=progress)
    rows = clean(rows)
    summary = {"data": data, **probe_summary(rows)}
    arts = [table_artifact(rows, tmp / "probe.csv")]
    if (pl := runner.plot("layer_plot", rows, tmp / "layers.png")) is not None:
        arts.append(pl)
    return Outcome(rows=rows, summary=summary, artifacts=arts)


def probe_summary(rows: list[dict]) -> dict[str, Any]:
    """Model test accuracy and the best (layer, probe) by test accuracy, and by noisy-train accuracy."""
    test = [r for r in rows if r.get("metric") == "test_acc" and r.get("value") is not None]
    model = next((r["value"] for r in test if r.get("probe") == "model"), None)
    probes = [r for r in test if r.get("probe") != "model"]
    best = max(probes, key=lambda r: r["value"], default=None)
    return {
        "model_test_acc": model,
        "best_test": {"layer": best["layer"], "probe": best["probe"], "test_acc": best["value"]} if best else None,
        "note": "best_test is picked on the test set, for reporting only",
    }
