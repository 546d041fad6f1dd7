"""dynamics: every checkpoint of a run (a train job's, or uploaded models) probed layer by layer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from service.models import Artifact, Dataset, Job, Model
from worker.runner import Outcome, Progress, Runner, clean, table_artifact


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.dynamics import probe_checkpoints, probe_networks

    p = job.params
    options = dict(layers=p.get("layers"), probes=tuple(p.get("probes") or ("masc", "linear")),
                   probe_options=p.get("probe_options") or None, progress=progress, device=runner.device())
    if p.get("checkpoints"):
        # the user's own checkpoints: uploaded models, each labelled with its epoch
        with runner.sessions() as s:
            ds = s.get(Dataset, job.dataset_id) if job.dataset_id else None
            models = {int(c["epoch"]): s.get(Model, c["model_id"]) for c in p["checkpoints"]}
        if ds is None or any(m is None for m in models.values()):
            raise ValueError("the job's data set or one of its checkpoint models no longer exists")
        splits, labels, data = runner.load_data(ds, progress)
        validation = runner.validation_split(job, len(splits.x_train))
        res = probe_networks({e: runner.load_model(m) for e, m in sorted(models.items())}, splits, labels,
                             validation=validation, **options)
        epochs, source_id = sorted(models), None
    else:
        from latentgen.models import build_model
        from safetensors.torch import load_file

        with runner.sessions() as s:
            src = s.get(Job, job.source_job_id)
            ck = s.scalars(select(Artifact).where(Artifact.job_id == job.source_job_id,
                                                  Artifact.kind == "checkpoints")).first()
            ds = s.get(Dataset, job.dataset_id) if job.dataset_id else None
        if src is None or ck is None or ds is None:
            raise ValueError("the training job, its checkpoints or its data set no longer exist")
        splits, labels, data = runner.load_data(ds, progress)
        arch = src.result["summary"]["arch"]
        flat = load_file(str(runner.blob_file(ck.sha256, ".safetensors")))
        checkpoints: dict[int, dict] = {}
        for key, v in flat.items():
            ep, name = key.split("/", 1)
            checkpoints.setdefault(int(ep.removeprefix("epoch_")), {})[name] = v
        if p.get("epochs"):
            wanted = set(int(e) for e in p["epochs"])
            missing = sorted(wanted - set(checkpoints))
            if missing:
                raise ValueError(f"no checkpoints for epochs {missing}; kept: {sorted(checkpoints)}")
            checkpoints = {e: sd for e, sd in checkpoints.items() if e in wanted}

        def build():
            return build_model(arch["name"], tuple(arch["input_shape"]), int(arch["num_classes"]))

        validation = runner.validation_split(job, len(splits.x_train))
        res = probe_checkpoints(build, dict(sorted(checkpoints.items())), splits, labels, validation=validation,
                                **options)
        epochs, source_id = sorted(checkpoints), src.id
    rows = clean(res.table)
    summary = {"data": data, "peaks": clean(res.choices()), "epochs": epochs, "train_job_id": source_id,
               "validation": validation.describe(), "note": "peak epochs are chosen on the validation split (noisy training labels); oracle epochs on "
                       "the test set, for comparison only"}
    arts = [table_artifact(rows, tmp / "dynamics.csv")]
    if (pl := runner.plot("dynamics_plot", rows, tmp / "dynamics.png")) is not None:
        arts.append(pl)
    return Outcome(rows=rows, summary=summary, artifacts=arts)
