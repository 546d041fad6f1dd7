"""audit: which training labels look wrong, scored out of sample by probes on the model's layers
(the layer and probe chosen on the validation split); optionally a cleaned data set."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from service.models import Job
from worker.runner import OutDataset, Outcome, Progress, Runner, table_artifact


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.audit import audit_labels

    m, ds = runner.job_inputs(job)
    p = job.params
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    result = audit_labels(net, splits, labels, layer=p.get("layer", "auto"), probe=p.get("probe", "auto"),
                          folds=int(p.get("folds", 5)), validation=runner.validation_split(job, len(splits.x_train), m),
                          layers=p.get("layers"), probe_options=p.get("probe_options") or None,
                          seed=int(p.get("seed", 0)), batch_size=int(p.get("batch_size", 256)),
                          device=runner.device(), progress=progress)
    rows = result.rows()
    summary = {"data": data, **result.summary, "candidates": result.candidates, "cleaned_dataset_id": None,
               "source_model_id": m.id}
    arts = [table_artifact(rows, tmp / "audit.csv")]
    # the API stores every parameter with its default: a missing `clean` was given as null
    cleaned = _cleaned_dataset(runner, ds, result, p["clean"], job.id, tmp / "labels.npy") if p.get("clean") else None
    return Outcome(rows=rows, summary=summary, artifacts=arts, dataset=cleaned,
                   extras={"suspicious": _most_suspicious(result, splits)})


def _most_suspicious(result, splits) -> dict:
    """The report's grid: the training images of the flagged examples with the highest scores."""
    from latentgen.html_report import SUSPICIOUS_SHOWN

    flagged = np.flatnonzero(result.flagged)
    top = flagged[np.argsort(-result.score[flagged], kind="stable")][:SUSPICIOUS_SHOWN]
    return {"index": top.tolist(), "images": splits.x_train[top].numpy()}


def _cleaned_dataset(runner: Runner, ds, result, mode: str, job_id: str, path: Path) -> OutDataset:
    """The data set with the audit's cleaned training labels, over its source's examples: -1 marks an
    example left out (by this filter, or by an earlier one)."""
    from latentgen.audit import cleaned_labels

    clean = cleaned_labels(result, mode)
    # positions of the audited examples among the source's (a filtered data set holds fewer)
    positions = np.arange(len(result.given))
    total = len(result.given)
    if ds.labels["kind"] != "corruption":
        stored = runner.stored_labels(ds)
        positions, total = np.flatnonzero(stored >= 0), len(stored)
    full = np.full(total, -1, dtype=np.int64)
    full[positions[clean.indices]] = clean.labels
    np.save(path, full, allow_pickle=False)
    n_changed = int(result.flagged.sum())
    spec = {"kind": "cleaned", "mode": mode, "audit_job_id": job_id, "source_dataset_id": ds.id, "n_changed": n_changed}
    verb = "relabelled" if mode == "relabel" else "left out"
    return OutDataset(source=ds, labels=path, labels_spec=spec, n_train=int((full >= 0).sum()),
                      name=f"{ds.name or ds.id} cleaned by audit {job_id} ({n_changed} {verb})")
