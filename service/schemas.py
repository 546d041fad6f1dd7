"""Pydantic request/response schemas (the OpenAPI contract)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

ARCH_RE = re.compile(r"^(mlp|cnn|alexnet|resnet18|torchvision:[A-Za-z_][A-Za-z0-9_]*)$")
SOURCES = ("npz", "mnist", "fashion_mnist", "cifar10", "cifar100", "digits", "imagefolder")
PROBES = ("masc", "linear", "logistic", "nearest_mean", "lda", "knn")


def _utc(v: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC
    return v.replace(tzinfo=timezone.utc) if v is not None and v.tzinfo is None else v


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None
    model_config = ConfigDict(extra="allow")


class ErrorResponse(BaseModel):
    error: ErrorBody


class ArchSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description='"mlp", "cnn", "alexnet", "resnet18" or "torchvision:<builder>"')
    input_shape: list[Annotated[int, Field(gt=0, le=4096)]] = Field(min_length=1, max_length=4)
    num_classes: int = Field(ge=2, le=100000)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not ARCH_RE.match(v):
            raise ValueError('must be "mlp", "cnn", "alexnet", "resnet18" or "torchvision:<builder>"')
        return v


class TrainArch(BaseModel):
    """Architecture for a training job; shape and class count default to the dataset's."""
    model_config = ConfigDict(extra="forbid")
    name: str
    input_shape: list[Annotated[int, Field(gt=0, le=4096)]] | None = None
    num_classes: int | None = Field(default=None, ge=2)

    _check_name = field_validator("name")(ArchSpec._name.__func__)


class LayerOut(BaseModel):
    name: str
    type: str
    output_shape: list[int]


class ModelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str | None
    arch: dict[str, Any]
    sha256: str
    size_bytes: int
    format: str
    num_parameters: int
    final_layer: str
    source_job_id: str | None
    created_at: UtcDatetime


class CorruptionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    p: float = Field(ge=0.0, le=1.0)
    seed: int = 0


class DatasetSpec(BaseModel):
    """The ``spec`` form field of ``POST /v1/datasets`` (JSON)."""
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=200)
    source: Literal["npz", "mnist", "fashion_mnist", "cifar10", "cifar100", "digits", "imagefolder"] = "npz"
    root: str | None = Field(default=None, description="path under the workers' data directory")
    labels: CorruptionSpec | None = Field(
        default=None, description="corruption applied to y_train; omit when uploading train_labels")
    options: dict[str, int | float | str] = Field(
        default_factory=dict, description="loader options of a named source, e.g. imagefolder image_size, digits test_size")


class DatasetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str | None
    source: str
    root: str | None
    sha256: str | None
    size_bytes: int | None
    labels: dict[str, Any]
    info: dict[str, Any]
    created_at: UtcDatetime


# ---------------------------------------------------------------- jobs

class ProbeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    layers: list[str] | None = Field(default=None, description="dotted layer names; default: the model's hidden layers")
    probes: list[Literal[PROBES]] = Field(default_factory=lambda: ["masc", "linear"], min_length=1)  # type: ignore[valid-type]
    probe_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    batch_size: int = Field(default=256, ge=1, le=8192)


class RepairParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bias: Literal["zero", "keep"] = "zero"
    batch_size: int = Field(default=256, ge=1, le=8192)


class TrainParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    arch: TrainArch
    recipe: str | None = Field(default=None, description="latentgen recipe name; default: the paper's recipe for the architecture")
    seed: int = Field(default=0, ge=0)
    max_epochs: int = Field(default=50, ge=1, le=10000)
    target_train_acc: float = Field(default=1.0, gt=0.0, le=1.0)
    checkpoint_epochs: list[Annotated[int, Field(ge=0)]] | None = None


class DynamicsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    layers: list[str] | None = None
    probes: list[Literal[PROBES]] = Field(default_factory=lambda: ["masc", "linear"], min_length=1)  # type: ignore[valid-type]
    probe_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    epochs: list[Annotated[int, Field(ge=0)]] | None = Field(default=None, description="default: every checkpoint")


class MidwayParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    arch: TrainArch
    recipe: str | None = Field(default=None, description="latentgen recipe name; default: the paper's recipe for the architecture")
    seed: int = Field(default=0, ge=0)
    edit_epoch: int = Field(default=40, ge=0)
    total_epochs: int = Field(default=100, ge=1, le=10000)
    bias: Literal["zero", "keep"] = "zero"


class ProbeJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["probe"]
    model_id: str
    dataset_id: str
    params: ProbeParams = Field(default_factory=ProbeParams)


class RepairJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["repair"]
    model_id: str
    dataset_id: str
    params: RepairParams = Field(default_factory=RepairParams)


class TrainJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["train"]
    dataset_id: str
    params: TrainParams


class DynamicsJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["dynamics"]
    train_job_id: str = Field(description="a succeeded train job whose checkpoints are probed")
    params: DynamicsParams = Field(default_factory=DynamicsParams)


class MidwayJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["midway"]
    dataset_id: str
    params: MidwayParams


JobCreate = Annotated[
    Union[ProbeJobCreate, RepairJobCreate, TrainJobCreate, DynamicsJobCreate, MidwayJobCreate],
    Field(discriminator="kind"),
]

JobStatus = Literal["queued", "running", "succeeded", "failed", "canceled"]
JobKind = Literal["probe", "repair", "train", "dynamics", "midway"]


class Progress(BaseModel):
    stage: str | None
    current: int
    total: int


class JobOut(BaseModel):
    id: str
    kind: JobKind
    status: JobStatus
    queue: str
    params: dict[str, Any]
    model_id: str | None
    dataset_id: str | None
    source_job_id: str | None
    progress: Progress
    error: dict[str, Any] | None
    output_model_id: str | None
    attempts: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None

    @classmethod
    def from_row(cls, job: Any) -> "JobOut":
        return cls(
            id=job.id, kind=job.kind, status=job.status, queue=job.queue, params=job.params,
            model_id=job.model_id, dataset_id=job.dataset_id, source_job_id=job.source_job_id,
            progress=Progress(stage=job.progress_stage, current=job.progress_current,
                              total=job.progress_total),
            error=job.error, output_model_id=job.output_model_id, attempts=job.attempts,
            created_at=job.created_at, updated_at=job.updated_at, started_at=job.started_at,
            finished_at=job.finished_at,
        )


class ModelPage(BaseModel):
    items: list[ModelOut]
    total: int
    limit: int
    offset: int


class DatasetPage(BaseModel):
    items: list[DatasetOut]
    total: int
    limit: int
    offset: int


class JobPage(BaseModel):
    items: list[JobOut]
    total: int
    limit: int
    offset: int


class ArtifactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    job_id: str | None
    kind: str
    name: str
    media_type: str
    sha256: str
    size_bytes: int
    created_at: UtcDatetime


class JobResult(BaseModel):
    job_id: str
    kind: JobKind
    columns: list[str]
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    artifacts: list[ArtifactOut]


class Health(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)
