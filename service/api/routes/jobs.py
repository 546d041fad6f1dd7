from __future__ import annotations

import csv
import math
import io

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import func, select, update

from ... import crud
from ...errors import ApiError
from ...inspect_uploads import check_graftable, plan_architecture
from ...models import Artifact, Dataset, Job, Model, utcnow
from ...openapi import errors
from ...queue import enqueue_job
from ...schemas import (AuditJobCreate, DynamicsJobCreate, GraftJobCreate, JobCreate, JobKind, JobOut, JobPage,
                        JobResult, JobStatus, MidwayJobCreate, ProbeJobCreate, RepairJobCreate, TrainJobCreate,
                        job_out, job_result)
from ..deps import CeleryDep, DbDep, OwnerDep, SettingsDep, StorageDep
from .artifacts import DOWNLOAD_HEADERS, blob_response

router = APIRouter(prefix="/jobs", tags=["jobs"])

JOB_LINKS = {op: {"operationId": op, "parameters": {"job_id": "$response.body#/id"}}
             for op in ("getJob", "cancelJob", "getJobResult", "getJobResultCsv", "getJobReport")}


def _check_compatible(model: Model, dataset: Dataset, field: str = "dataset_id") -> None:
    _check_fits(model.arch, dataset, field, f"model input_shape {model.arch['input_shape']}")


def _check_fits(arch: dict, dataset: Dataset, field: str, what: str) -> None:
    """The architecture takes the data set's samples and outputs at least its classes."""
    info = dataset.info or {}
    if "num_features" in info:
        n = 1
        for s in arch["input_shape"]:
            n *= int(s)
        if n != info["num_features"]:
            raise ApiError(422, "incompatible", f"{what} ({n} values) does not match the data set's samples "
                           f"{info['sample_shape']} ({info['num_features']} values)", field)
    if "sample_shape" in info and arch["name"] != "mlp":  # an MLP flattens whatever it is given
        from latentgen.inputs import nchw_shape

        shape = list(nchw_shape((1, *info["sample_shape"]))[1:])
        if shape != list(arch["input_shape"]):
            raise ApiError(422, "incompatible", f"{what} does not take the data set's samples, of shape {shape} "
                           "(as N×C×H×W): the same number of values in another shape", field)
    if "num_classes" in info and info["num_classes"] > arch["num_classes"]:
        raise ApiError(422, "incompatible",
                       f"the data set has {info['num_classes']} classes but the model outputs {arch['num_classes']}",
                       field)


def _check_train_arch(body: TrainJobCreate | MidwayJobCreate, dataset: Dataset) -> None:
    """What a train or midway job will build, checked now: it fits the data and can be built."""
    info, a = dataset.info or {}, body.params.arch
    if a.input_shape is None and "sample_shape" not in info:
        return  # an imagefolder without image_size: known once a worker has read it
    if a.input_shape is not None:
        shape = list(a.input_shape)
    else:
        from latentgen.inputs import nchw_shape

        shape = list(nchw_shape((1, *info["sample_shape"]))[1:])
    arch = {"name": a.name, "input_shape": shape, "num_classes": a.num_classes or info.get("num_classes", 2)}
    _check_fits(arch, dataset, "params.arch.input_shape", f"arch input_shape {shape}")
    plan_architecture(arch, "params.arch")


def _check_quota(db, owner_id: str, most: int) -> None:
    """An owner may have `most` jobs queued or running: one owner's backlog cannot fill the queue.
    (Concurrent creations may pass it by a few: each counts before the others commit.)"""
    active = db.scalar(select(func.count()).select_from(Job).where(
        Job.owner_id == owner_id, Job.status.in_(("queued", "running"))))
    if active >= most:
        raise ApiError(429, "quota_exceeded", f"you have {active} jobs queued or running, the most allowed "
                       f"(LATENTGEN_MAX_ACTIVE_JOBS_PER_OWNER {most}); retry once some have finished", None, limit=most)


def _check_layers(model: Model, layers: list[str] | None, field: str = "params.layers") -> None:
    """Named layers must be the model's; none named means its default layers, which it must have (a
    record from before defaults were stored, without the flags, is let through)."""
    if layers is None:
        if model.layers and all(x.get("default") is False for x in model.layers):
            raise ApiError(422, "no_default_layers", f"model {model.id} has no layer probed by default, so the job "
                           f"would probe nothing; name its layers (see GET /v1/models/{model.id}/layers)", field)
        return
    unknown = [l for l in layers if l not in {x["name"] for x in model.layers}]
    if unknown:
        raise ApiError(422, "unknown_layers", f"unknown layers {unknown}; see GET /v1/models/{model.id}/layers",
                       field, unknown=unknown)


def _check_fit_memory(model: Model, dataset: Dataset, layers: list[str] | None, probes: list[str], limit: int) -> None:
    """Admission: a probe job whose largest layer alone needs more memory to fit than a job may use
    (`latentgen.memory`, the model the worker plans its passes with) is refused before it runs."""
    from latentgen.memory import largest_layer, streams_statistics

    info = dataset.info or {}
    n, num_classes = info.get("n_train"), info.get("num_classes")
    if not n or not num_classes or not model.layers:
        return
    dims = {x["name"]: math.prod(int(s) for s in x["output_shape"]) for x in model.layers}
    names = layers if layers is not None else [x["name"] for x in model.layers if x.get("default")]
    streamed = {l: streams_statistics(dims[l], num_classes, n, probes) for l in names}
    worst = largest_layer(names, dims, n, num_classes, streamed, groups=2)  # 2: the validation split's fit too
    if worst is not None and worst[1] > limit:
        layer, need = worst
        raise ApiError(422, "too_large", f"fitting probes on layer {layer!r} ({dims[layer]} features) over {n} "
                       f"training examples needs about {need / 2**20:,.0f} MiB, more than a job may use "
                       f"({limit / 2**20:,.0f} MiB, LATENTGEN_JOB_MEMORY_MB): probe other layers, or fewer examples",
                       "params.layers", layer=layer, needed_bytes=need, limit_bytes=limit)


def _check_read_out(model: Model, body: AuditJobCreate | GraftJobCreate) -> None:
    """Audit and graft fit probes on named layers; a graft also rebuilds the model's first blocks,
    which needs one of our builders' torch networks (not an ONNX graph, nor a graft)."""
    p = body.params
    layer = p.layer if isinstance(p.layer, list) else ([] if p.layer == "auto" else [p.layer])
    _check_layers(model, layer, "params.layer")
    # the candidates matter only when the layer is chosen ("auto")
    _check_layers(model, p.layers if not layer else p.layers or [])
    if not isinstance(body, GraftJobCreate):
        return
    if model.format == "onnx" or model.arch.get("cut") is not None:
        what = "an ONNX graph" if model.format == "onnx" else "already a grafted network"
        raise ApiError(422, "not_graftable", f"model {model.id} is {what}: a graft cuts one of latentgen's "
                       "torch architectures (upload the weights with their arch); it can still be probed", "model_id")
    for i, cut in enumerate(layer or p.layers or ()):
        check_graftable(model.arch, cut, "params.layer" if layer else f"params.layers.{i}")


def _check_validation(db, owner_id: str, params, dataset: Dataset | None, arch: dict | None) -> None:
    """Held-out examples given for the choices: a data set of the owner's, not the job's own, whose
    samples the model takes; or training indices within the data set."""
    options = getattr(params, "validation", None)
    if options is None or dataset is None:
        return
    if options.dataset_id is not None:
        field = "params.validation.dataset_id"
        held = crud.get_owned(db, Dataset, options.dataset_id, owner_id, "dataset", field)
        if held.id == dataset.id:
            raise ApiError(422, "invalid_params", "the validation data set must hold examples the model never saw, "
                           "not the job's own training set (give indices of held-out training examples instead)", field)
        if arch is not None:
            _check_fits(arch, held, field, f"model input_shape {arch['input_shape']}")
        mine, theirs = (dataset.info or {}).get("sample_shape"), (held.info or {}).get("sample_shape")
        if mine is not None and theirs is not None and mine != theirs:
            raise ApiError(422, "incompatible", f"the validation data set's samples {theirs} are not shaped like the "
                           f"data set's {mine}", field)
    n_train = (dataset.info or {}).get("n_train")
    if options.indices is not None and n_train is not None:
        if max(options.indices) >= n_train:
            raise ApiError(422, "invalid_params", f"validation index {max(options.indices)} is out of range: the data "
                           f"set has {n_train} training examples", "params.validation.indices")
        if len(options.indices) >= n_train:
            raise ApiError(422, "invalid_params", "the validation indices must leave training examples to fit on",
                           "params.validation.indices")


@router.post(
    "",
    operation_id="createJob",
    status_code=202,
    response_model=JobOut,
    responses={202: {"description": "the job is queued; poll getJob", "links": JOB_LINKS, "headers": {
                   "Location": {"description": "the job's URL", "schema": {"type": "string"}}}},
               **errors(400, 401, 404, 408, 413, 422, 429, 503)},
    summary="Queue a probe, repair, train, dynamics, midway, audit or graft job",
)
def create_job(
    response: Response,
    body: Annotated[JobCreate, Body(discriminator="kind")],
    owner: OwnerDep,
    db: DbDep,
    settings: SettingsDep,
    celery: CeleryDep,
) -> JobOut:
    model_id = dataset_id = source_job_id = None
    if isinstance(body, (ProbeJobCreate, RepairJobCreate, AuditJobCreate, GraftJobCreate)):
        model = crud.get_owned(db, Model, body.model_id, owner.id, "model", "model_id")
        dataset = crud.get_owned(db, Dataset, body.dataset_id, owner.id, "dataset", "dataset_id")
        _check_compatible(model, dataset)
        model_id, dataset_id = model.id, dataset.id
        if isinstance(body, ProbeJobCreate):
            _check_layers(model, body.params.layers)
            _check_fit_memory(model, dataset, body.params.layers, [p.value for p in body.params.probes],
                              settings.job_memory_bytes())
        elif isinstance(body, (AuditJobCreate, GraftJobCreate)):
            _check_read_out(model, body)
        elif model.final_layer is None:
            why = f" ({model.final_layer_problem})" if model.final_layer_problem else ""
            raise ApiError(422, "no_final_linear", f"model {model.id} has no final linear layer feeding its output{why}, "
                           "so there is nothing to repair; it can still be probed", "model_id")
    elif isinstance(body, (TrainJobCreate, MidwayJobCreate)):
        dataset = crud.get_owned(db, Dataset, body.dataset_id, owner.id, "dataset", "dataset_id")
        if isinstance(body, MidwayJobCreate) and body.params.edit_epoch >= body.params.total_epochs:
            raise ApiError(422, "invalid_params", "edit_epoch must be below total_epochs", "params.edit_epoch")
        _check_train_arch(body, dataset)
        dataset_id = dataset.id
    elif isinstance(body, DynamicsJobCreate) and body.params.checkpoints is not None:
        if body.train_job_id is not None:
            raise ApiError(422, "ambiguous_source", "give train_job_id or params.checkpoints, not both", "train_job_id")
        if body.dataset_id is None:
            raise ApiError(422, "missing_dataset", "params.checkpoints needs the dataset_id they were trained on",
                           "dataset_id")
        dataset = crud.get_owned(db, Dataset, body.dataset_id, owner.id, "dataset", "dataset_id")
        epochs = [c.epoch for c in body.params.checkpoints]
        if len(set(epochs)) != len(epochs):
            raise ApiError(422, "invalid_params", "each checkpoint needs its own epoch", "params.checkpoints")
        models = [crud.get_owned(db, Model, c.model_id, owner.id, "model", f"params.checkpoints.{i}.model_id")
                  for i, c in enumerate(body.params.checkpoints)]
        for i, m in enumerate(models[1:], 1):
            if m.arch != models[0].arch or m.layers != models[0].layers:
                raise ApiError(422, "incompatible", f"checkpoint {i} ({m.id}) is not of the architecture of checkpoint 0 "
                               f"({models[0].id}): one run's checkpoints share their layers", f"params.checkpoints.{i}.model_id")
        _check_compatible(models[0], dataset)
        _check_layers(models[0], body.params.layers)
        dataset_id = dataset.id
    elif isinstance(body, DynamicsJobCreate):
        if body.train_job_id is None:
            raise ApiError(422, "missing_source", "give train_job_id (a succeeded train job) or params.checkpoints",
                           "train_job_id")
        if body.dataset_id is not None:
            raise ApiError(422, "unexpected_dataset", "a train job brings its own data set; dataset_id is for "
                           "params.checkpoints", "dataset_id")
        src = crud.get_owned(db, Job, body.train_job_id, owner.id, "job", "train_job_id")
        if src.kind != "train" or src.status != "succeeded":
            raise ApiError(422, "invalid_source",
                           f"train_job_id must name a succeeded train job (it is a {src.status} {src.kind} job)",
                           "train_job_id")
        source_job_id, dataset_id, model_id = src.id, src.dataset_id, src.output_model_id
        trained = db.get(Model, model_id) if model_id else None
        if trained is not None:
            _check_layers(trained, body.params.layers)
    if not isinstance(body, (TrainJobCreate, MidwayJobCreate, RepairJobCreate)):
        checked = db.get(Model, model_id) if model_id else None
        _check_validation(db, owner.id, body.params, db.get(Dataset, dataset_id) if dataset_id else None,
                          checked.arch if checked is not None else None)
    if body.time_limit_s is not None and body.time_limit_s > (limit := settings.time_limit_s(body.kind)):
        raise ApiError(422, "invalid_params", f"time_limit_s may be at most the {body.kind} limit of {limit:g} s",
                       "time_limit_s", limit=limit)
    _check_quota(db, owner.id, settings.max_active_jobs_per_owner)
    job = Job(owner_id=owner.id, kind=body.kind, status="queued", queue=settings.queue_for(body.kind),
              params=body.params.model_dump(mode="json", exclude_none=True), model_id=model_id, dataset_id=dataset_id,
              source_job_id=source_job_id, time_limit_s=body.time_limit_s)
    db.add(job)
    db.commit()
    try:
        enqueue_job(celery, job.id, job.queue)
    except Exception as e:  # noqa: BLE001 - any broker failure
        db.delete(job)
        db.commit()
        raise ApiError(503, "broker_unavailable", f"could not queue the job: {type(e).__name__}: {e}") from e
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job_out(job)


@router.get("", operation_id="listJobs", response_model=JobPage, responses=errors(401, 422))
def list_jobs(
    owner: OwnerDep,
    db: DbDep,
    status: JobStatus | None = None,
    kind: JobKind | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> JobPage:
    q = select(Job).where(Job.owner_id == owner.id)
    if status:
        q = q.where(Job.status == status)
    if kind:
        q = q.where(Job.kind == kind)
    total = db.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = db.scalars(q.order_by(Job.created_at.desc(), Job.id).limit(limit).offset(offset)).all()
    return JobPage(items=[job_out(j) for j in rows], total=total, limit=limit, offset=offset)


@router.get("/{job_id}", operation_id="getJob", response_model=JobOut, responses=errors(401, 404))
def get_job(job_id: str, owner: OwnerDep, db: DbDep):
    return job_out(crud.get_owned(db, Job, job_id, owner.id, "job"))


@router.post("/{job_id}/cancel", operation_id="cancelJob", response_model=JobOut,
             responses=errors(401, 404, 409))
def cancel_job(job_id: str, owner: OwnerDep, db: DbDep):
    """Cancel a queued or running job. The row is marked at once; a running job's process is killed
    within seconds (LATENTGEN_CANCEL_POLL_S), whatever it is doing, and writes nothing more."""
    job = crud.get_owned(db, Job, job_id, owner.id, "job")
    now = utcnow()
    res = db.execute(
        update(Job).where(Job.id == job.id, Job.status.in_(("queued", "running")))
        .values(status="canceled", finished_at=now, updated_at=now)
    )
    db.commit()
    db.refresh(job)
    if res.rowcount == 0 and job.status != "canceled":
        raise ApiError(409, "conflict", f"job already {job.status}", "status", job_status=job.status)
    return job_out(job)


def _rows_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def _succeeded(db, job_id: str, owner_id: str) -> Job:
    job = crud.get_owned(db, Job, job_id, owner_id, "job")
    if job.status != "succeeded" or job.result is None:
        raise ApiError(409, "not_ready", f"job is {job.status}; its result exists once it has succeeded", "status",
                       job_status=job.status)
    return job


ARTIFACT_LINKS = {op: {"operationId": op, "parameters": {"artifact_id": "$response.body#/artifacts/0/id"}}
                  for op in ("getArtifact", "downloadArtifact")}


@router.get("/{job_id}/result", operation_id="getJobResult", response_model=JobResult,
            responses={200: {"description": "the result", "links": ARTIFACT_LINKS}, **errors(401, 404, 409)})
def get_job_result(job_id: str, owner: OwnerDep, db: DbDep):
    """The job's table (`rows`, typed per kind), its `summary` and its artifacts."""
    job = _succeeded(db, job_id, owner.id)
    rows = job.result.get("rows", [])
    return job_result(job, job.result.get("columns") or crud.result_columns(rows), crud.job_artifacts(db, job.id))


@router.get(
    "/{job_id}/result.csv",
    operation_id="getJobResultCsv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                     "description": "the job's table as CSV, one row per line, header first"},
               **errors(401, 404, 409)},
)
def get_job_result_csv(job_id: str, owner: OwnerDep, db: DbDep) -> Response:
    job = _succeeded(db, job_id, owner.id)
    rows = job.result.get("rows", [])
    columns = job.result.get("columns") or crud.result_columns(rows)
    return Response(_rows_csv(columns, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="job-{job.id}.csv"'})


# the report is shown in a browser from the API's origin: it may load nothing and run nothing
# (latentgen.html_report.CSP, which the page declares too; not imported: the API stays light)
REPORT_HEADERS = {"Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
                  "X-Content-Type-Options": "nosniff"}
REPORT_HEADER_DOCS = {
    **DOWNLOAD_HEADERS,
    "Content-Disposition": {"description": "inline; filename=report.html", "schema": {"type": "string"}},
    "Content-Security-Policy": {"description": "the page may load and run nothing", "schema": {"type": "string"}},
    "X-Content-Type-Options": {"description": "nosniff", "schema": {"type": "string"}},
}


@router.get(
    "/{job_id}/report",
    operation_id="getJobReport",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}},
                     "headers": REPORT_HEADER_DOCS,
                     "description": "one self-contained HTML page: figures inline, no script, nothing to fetch"},
               **errors(401, 404, 409, 410)},
)
def get_job_report(job_id: str, owner: OwnerDep, db: DbDep, storage: StorageDep) -> StreamingResponse:
    """The job's report, drawn by its worker when it succeeded: figures and tables of its result
    (kept as its `report` artifact too). 409 while the job has not succeeded."""
    job = _succeeded(db, job_id, owner.id)
    report = db.scalars(select(Artifact).where(Artifact.job_id == job.id, Artifact.kind == "report")).first()
    if report is None:
        raise ApiError(404, "no_report", f"job {job.id} has no report: it ran before reports existed, or its "
                       "report could not be drawn (its worker's log says why); GET its result instead", "job_id")
    return blob_response(storage, report.sha256, report.size_bytes, "text/html; charset=utf-8", report.name,
                         disposition="inline", headers=REPORT_HEADERS)
