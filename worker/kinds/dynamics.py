"""dynamics: every checkpoint of a run (a train job's, or uploaded models) probed layer by layer,
one part per checkpoint spread over the workers (worker/fanout.py); the tables are merged in epoch
order and the peaks chosen on the whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from service.models import Artifact, Dataset, Job, Model
from worker.runner import Outcome, Runner, clean, table_artifact

# the job's progress while its parts run: checkpoints probed, out of all
PART_STAGE = "checkpoints"


def split(runner: Runner, job: Job) -> list[dict[str, Any]]:
    """One part per checkpoint, in epoch order: {"epoch"} (a train job's) or {"epoch", "model_id"}."""
    p = job.params
    if p.get("checkpoints"):
        # the user's own checkpoints: uploaded models, each labelled with its epoch
        with runner.sessions() as s:
            models = {int(c["epoch"]): s.get(Model, c["model_id"]) for c in p["checkpoints"]}
        if any(m is None for m in models.values()):
            raise ValueError("one of the job's checkpoint models no longer exists")
        epochs = sorted(models)
        # the layer listing (names, operators, output shapes) recorded at upload holds the output
        # layer, so equal listings also mean equal numbers of classes
        for epoch in epochs[1:]:
            if models[epoch].layers != models[epochs[0]].layers:
                raise ValueError(f"the network of epoch {epoch} has another architecture than that of epoch "
                                 f"{epochs[0]} (its layers or their output shapes differ)")
        return [{"epoch": e, "model_id": models[e].id} for e in epochs]
    kept = sorted(_checkpoint_epochs(runner, job))
    if p.get("epochs"):
        wanted = {int(e) for e in p["epochs"]}
        missing = sorted(wanted - set(kept))
        if missing:
            raise ValueError(f"no checkpoints for epochs {missing}; kept: {kept}")
        kept = [e for e in kept if e in wanted]
    return [{"epoch": e} for e in kept]


def run_part(runner: Runner, job: Job, spec: dict[str, Any], progress, tmp: Path):
    """The rows of one checkpoint, as the whole job would compute them."""
    from latentgen.dynamics import probe_checkpoints, probe_networks
    from worker.fanout import PartOutput

    splits, labels, data, validation = _inputs(runner, job, progress)
    p = job.params
    options = {"layers": p.get("layers"), "probes": tuple(p.get("probes") or ("masc", "linear")),
               "probe_options": p.get("probe_options") or None, "progress": progress, "device": runner.device(),
               "validation": validation}
    epoch = int(spec["epoch"])
    if "model_id" in spec:
        with runner.sessions() as s:
            model = s.get(Model, spec["model_id"])
        if model is None:
            raise ValueError(f"the checkpoint model of epoch {epoch} no longer exists")
        res = probe_networks({epoch: runner.load_model(model)}, splits, labels, **options)
    else:
        from safetensors import safe_open

        from latentgen.models import build_model

        src, ck = _train_job(runner, job)
        arch = src.result["summary"]["arch"]
        prefix = f"epoch_{epoch:05d}/"
        with safe_open(str(runner.blob_file(ck.sha256, ".safetensors")), "pt") as f:
            state = {k.removeprefix(prefix): f.get_tensor(k) for k in f.keys() if k.startswith(prefix)}  # noqa: SIM118 - no dict

        def build():
            return build_model(arch["name"], tuple(arch["input_shape"]), int(arch["num_classes"]))

        res = probe_checkpoints(build, {epoch: state}, splits, labels, **options)
    return PartOutput(result={"rows": clean(res.table), "data": data})


def merge(runner: Runner, job: Job, parts, progress, tmp: Path) -> Outcome:
    from latentgen.dynamics import DynamicsResult
    from latentgen.validation import RULES

    rows = [row for part in parts for row in part.result["rows"]]
    res = DynamicsResult(table=rows)
    data = parts[0].result["data"]
    validation = runner.validation_split(job, data["n_train"])
    ceiling = res.ceiling()
    rule = "validation accuracy" if ceiling is None else "noise ceiling"
    summary = {"data": data, "peaks": clean(res.choices()), "epochs": [int(part.spec["epoch"]) for part in parts],
               "train_job_id": None if job.params.get("checkpoints") else job.source_job_id,
               "validation": {**validation.describe(), "rule": rule, "rule_reason": RULES[rule],
                              "noise_ceiling": ceiling},
               "note": "peak epochs are chosen on the validation examples; oracle epochs on the test set, for "
                       "comparison only"}
    arts = [table_artifact(rows, tmp / "dynamics.csv")]
    if (pl := runner.plot("dynamics_plot", rows, tmp / "dynamics.png")) is not None:
        arts.append(pl)
    return Outcome(rows=rows, summary=summary, artifacts=arts)


def _inputs(runner: Runner, job: Job, progress):
    """The data set's splits, training labels and summary, and the validation split."""
    with runner.sessions() as s:
        ds = s.get(Dataset, job.dataset_id) if job.dataset_id else None
    if ds is None:
        raise ValueError("the job's data set no longer exists")
    splits, labels, data = runner.load_data(ds, progress)
    return splits, labels, data, runner.validation_split(job, len(splits.x_train))


def _train_job(runner: Runner, job: Job) -> tuple[Job, Artifact]:
    with runner.sessions() as s:
        src = s.get(Job, job.source_job_id)
        ck = s.scalars(select(Artifact).where(Artifact.job_id == job.source_job_id,
                                              Artifact.kind == "checkpoints")).first()
        ds = s.get(Dataset, job.dataset_id) if job.dataset_id else None
    if src is None or ck is None or ds is None:
        raise ValueError("the training job, its checkpoints or its data set no longer exist")
    return src, ck


def _checkpoint_epochs(runner: Runner, job: Job) -> set[int]:
    from safetensors import safe_open

    _src, ck = _train_job(runner, job)
    with safe_open(str(runner.blob_file(ck.sha256, ".safetensors")), "pt") as f:
        return {int(key.split("/", 1)[0].removeprefix("epoch_")) for key in f.keys()}  # noqa: SIM118 - no dict
