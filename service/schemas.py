"""Pydantic request/response schemas: the OpenAPI contract (see service/openapi.py and
docs/openapi.json). Every field a client sees is typed; enums are named components; per-kind job
params, results and summaries are tagged unions on `kind`."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any, Literal, Union

from fastapi import UploadFile
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, Json, StringConstraints, TypeAdapter,
                      field_validator, model_serializer, model_validator)

from latentgen.corruption import MAX_MATRIX_CLASSES as MAX_NOISE_CLASSES

ARCH_RE = re.compile(r"^(mlp|cnn|alexnet|resnet18|torchvision:[A-Za-z_][A-Za-z0-9_]*)$")
SEED_MAX = 2**32 - 1  # numpy's and torch's seeds
MAX_LAYERS = 64


def _utc(v: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC
    return v.replace(tzinfo=timezone.utc) if v is not None and v.tzinfo is None else v


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
# a display name: printable, no NUL (Postgres refuses it), bounded like the column
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Seed = Annotated[int, Field(ge=0, le=SEED_MAX)]


# ---------------------------------------------------------------- enums

class JobStatus(str, Enum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    canceled = "canceled"


class JobKind(str, Enum):
    probe = "probe"
    repair = "repair"
    train = "train"
    dynamics = "dynamics"
    midway = "midway"
    audit = "audit"
    graft = "graft"


class ProbeName(str, Enum):
    masc = "masc"
    linear = "linear"
    logistic = "logistic"
    nearest_mean = "nearest_mean"
    lda = "lda"
    knn = "knn"


class HeadName(str, Enum):
    """A grafted network's head: MASC as a quadratic head, or the linear probe."""
    masc = "masc"
    linear = "linear"


class HeadChoice(str, Enum):
    """`auto`: chosen on the validation split."""
    auto = "auto"
    masc = "masc"
    linear = "linear"


class CleanMode(str, Enum):
    """How an audit cleans the training labels: flagged examples take the suggested label
    (`relabel`) or are left out (`filter`)."""
    relabel = "relabel"
    filter = "filter"


class BiasMode(str, Enum):
    """What the repaired final layer keeps as its bias."""
    zero = "zero"
    keep = "keep"


class DataSource(str, Enum):
    npz = "npz"
    mnist = "mnist"
    fashion_mnist = "fashion_mnist"
    cifar10 = "cifar10"
    cifar100 = "cifar100"
    digits = "digits"
    imagefolder = "imagefolder"


class RecipeName(str, Enum):
    """latentgen's training recipes; `paper` picks the paper's recipe for the architecture."""
    paper = "paper"
    mlp = "mlp"
    cnn = "cnn"
    cnn_cifar10 = "cnn_cifar10"
    alexnet = "alexnet"
    resnet18 = "resnet18"
    adam_fast = "adam_fast"


class FloatDtype(str, Enum):
    float32 = "float32"
    float64 = "float64"


# ---------------------------------------------------------------- errors

class FieldError(BaseModel):
    field: str | None
    message: str


class WeightKeyMismatch(BaseModel):
    key: str
    expected: list[int]
    got: list[int]


class ErrorBody(BaseModel):
    """`code` is stable and machine-readable; `field` names the offending input (dotted path)."""
    code: str
    message: str
    field: str | None = None
    errors: list[FieldError] | None = Field(default=None, description="every validation failure (validation_error)")
    unknown: list[str] | None = Field(default=None, description="names that do not exist (unknown_layers)")
    limit: int | None = Field(default=None, description="the size limit in bytes (payload_too_large)")
    model_id: str | None = Field(default=None, description="the existing model (conflict on createModel)")
    job_status: JobStatus | None = Field(default=None, description="the job's status (not_ready, conflict)")
    missing: list[str] | None = Field(default=None, description="state-dict keys missing (weights_mismatch)")
    unexpected: list[str] | None = Field(default=None, description="state-dict keys not expected (weights_mismatch)")
    mismatched: list[WeightKeyMismatch] | None = Field(default=None, description="mis-shaped keys (weights_mismatch)")


class ErrorResponse(BaseModel):
    error: ErrorBody


# ---------------------------------------------------------------- models

class ArchSpec(BaseModel):
    """The architecture uploaded weights belong to."""
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description='"mlp", "cnn", "alexnet", "resnet18" or "torchvision:<builder>"',
                      json_schema_extra={"pattern": ARCH_RE.pattern})
    input_shape: list[Annotated[int, Field(gt=0, le=4096)]] = Field(min_length=1, max_length=4)
    num_classes: int = Field(ge=2, le=100000)
    cut: str | None = Field(default=None, min_length=1, max_length=200,
                            description="a grafted network (graft jobs): the layer its trunk ends with")
    head: HeadName | None = Field(default=None, description="a grafted network's head")
    components: list[Annotated[int, Field(ge=0, le=1_000_000)]] | None = Field(
        default=None, max_length=100000, description="a masc head: the subspace dimension of each class")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not ARCH_RE.match(v):
            raise ValueError('must be "mlp", "cnn", "alexnet", "resnet18" or "torchvision:<builder>"')
        return v


class ModelUpload(BaseModel):
    """`POST /v1/models`, multipart/form-data: torch weights and their architecture (a JSON part),
    or an ONNX file alone (the graph is the architecture)."""
    weights: UploadFile = Field(description="safetensors, a torch state_dict (loaded with weights_only=True), or .onnx")
    arch: Json[ArchSpec] | None = Field(
        default=None, description='for torch weights, JSON, e.g. {"name": "mlp", "input_shape": [1, 28, 28], '
                                  '"num_classes": 10}; omit for an ONNX file')
    name: Name | None = None


class LayerOut(BaseModel):
    name: str
    type: str
    output_shape: list[int]
    default: bool | None = Field(default=None, description="probed when a job names no layers; null for a model "
                                 "recorded before the defaults were")


class ModelArch(BaseModel):
    """A model's architecture: a builder's name, or "onnx" when the graph is the architecture; a
    grafted network adds its `cut`, `head` and (masc) `components`."""
    name: str
    input_shape: list[int]
    num_classes: int
    cut: str | None = None
    head: HeadName | None = None
    components: list[int] | None = None

    @model_serializer(mode="wrap")
    def _without_unset_graft_fields(self, handler):
        # a network that is not grafted reads as before: {name, input_shape, num_classes}
        return {k: v for k, v in handler(self).items() if v is not None or k not in ("cut", "head", "components")}


class ModelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str | None
    arch: ModelArch
    sha256: str
    size_bytes: int
    format: Literal["safetensors", "torch", "onnx"]
    num_parameters: int
    final_layer: str | None = Field(description="the final linear layer that repair rewrites; null: the model "
                                                "can be probed but not repaired (no final linear layer found)")
    final_layer_problem: str | None = Field(default=None, description="why no final linear layer was found "
                                            "(null when there is one)")
    unwrapped: list[str] = Field(default=[], description="how the weights were taken out of what was uploaded: "
                                 "a checkpoint's entry (`state_dict`, `model`…), a wrapper's key prefix "
                                 "(`module.`, `model.`); empty when the file was a plain state dict")
    source_job_id: str | None
    created_at: UtcDatetime

    @field_validator("unwrapped", mode="before")
    @classmethod
    def _none_is_nothing(cls, value):
        return value or []


# ---------------------------------------------------------------- datasets

class NoiseKind(str, Enum):
    uniform = "uniform"
    pairflip = "pairflip"
    transition = "transition"


class ClassMapPreset(str, Enum):
    """Pair-flip maps: `cifar10` truck → automobile, bird → airplane, deer → horse, cat ↔ dog and `mnist`
    2 → 7, 3 → 8, 5 ↔ 6, 7 → 1 (Patrini et al. 2017); `next` c → c + 1 mod K (Han et al. 2018)."""
    cifar10 = "cifar10"
    mnist = "mnist"
    next = "next"


Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
ClassIndex = Annotated[int, Field(ge=0, le=1_000_000)]
ClassPair = Annotated[list[ClassIndex], Field(min_length=2, max_length=2, description="[from, to]")]


class CorruptionSpec(BaseModel):
    """How the training labels are corrupted, seeded. `uniform` (the paper's, the default): each label is
    redrawn with probability `p` from all classes. `pairflip`: with probability `p` a label moves to its
    class's partner in `class_map` (a preset or [from, to] pairs; default `next`). `transition`: a label
    of class i becomes j with probability `matrix[i][j]` (K rows that sum to 1)."""
    model_config = ConfigDict(extra="forbid")
    noise: NoiseKind = NoiseKind.uniform
    p: float | None = Field(default=None, ge=0.0, le=1.0, description="uniform and pairflip: how likely a label "
                            "is corrupted")
    class_map: ClassMapPreset | list[ClassPair] | None = Field(
        default=None, max_length=MAX_NOISE_CLASSES, description="pairflip: the partners", examples=["cifar10", [[9, 1], [3, 5]]])
    matrix: list[Annotated[list[Probability], Field(max_length=MAX_NOISE_CLASSES)]] | None = Field(
        default=None, max_length=MAX_NOISE_CLASSES, description="transition: P(given label j | true class i), "
        f"at most {MAX_NOISE_CLASSES} classes (more: upload train_labels)", examples=[[[0.8, 0.2], [0.1, 0.9]]])
    seed: Seed = 0


FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
PositiveFloat = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]


class PreprocessingSpec(BaseModel):
    """How the stored inputs become the model's: uint8 values are divided by 255, then each channel is
    standardised, (x − mean) / std. Give one value for every channel or one per channel (the C of
    N×C×H×W images, the F of N×F features). `{"mean": [0], "std": [1]}` takes the values as they are."""
    model_config = ConfigDict(extra="forbid")
    mean: list[FiniteFloat] = Field(min_length=1, max_length=65536, examples=[[0.485, 0.456, 0.406]])
    std: list[PositiveFloat] = Field(min_length=1, max_length=65536, examples=[[0.229, 0.224, 0.225]])


class Preprocessing(BaseModel):
    """The preprocessing every job on the data set applies, as stated at upload or by default."""
    mean: list[float]
    std: list[float]
    stated: bool = Field(description="given at upload (false: the default for the data's type)")
    description: str = Field(description="in words, as the summaries and reports say it")


class LoaderOptions(BaseModel):
    """Options of the named sources' loaders."""
    model_config = ConfigDict(extra="forbid")
    image_size: int | None = Field(default=None, ge=4, le=1024, description="imagefolder: resize images to a square")
    test_size: int | None = Field(default=None, ge=1, le=1000, description="digits: held-out test examples")
    seed: Seed | None = Field(default=None, description="digits: seed of the train/test split")


class DatasetSpec(BaseModel):
    """The `spec` part of `POST /v1/datasets` (JSON)."""
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    source: DataSource = DataSource.npz
    root: str | None = Field(default=None, min_length=1, max_length=1024, pattern=r"^[^\x00]+$",
                             description="path under the workers' data directory (named sources but digits)")
    labels: CorruptionSpec | None = Field(
        default=None, description="corruption applied to y_train; omit when uploading train_labels")
    options: LoaderOptions | None = None
    preprocessing: PreprocessingSpec | None = Field(
        default=None, description="how inputs are scaled for the model; default: uint8 images x / 255 then "
        "(x − 0.5) / 0.5 (the paper's), floating-point inputs as they are")


class DatasetUpload(BaseModel):
    """`POST /v1/datasets`, multipart/form-data."""
    spec: Json[DatasetSpec] = Field(description='JSON, e.g. {"source": "npz", "labels": {"p": 0.4, "seed": 42}}')
    file: UploadFile | None = Field(default=None, description="npz with x_train, y_train, x_test, y_test (source npz)")
    train_labels: UploadFile | None = Field(default=None, description=".npy integer array: the labels the model was trained on")


class LabelChange(BaseModel):
    true: int = Field(description="true class")
    given: int = Field(description="the label given instead")
    count: int
    share_of_class: float = Field(description="of the true class's training examples")


class RealisedNoise(BaseModel):
    """What the corruption drew on these labels."""
    rate: float = Field(description="share of training labels that differ from the true ones")
    changes: list[LabelChange] = Field(description="the most frequent changes, most frequent first")
    counts: list[list[int]] | None = Field(default=None, description="K × K: counts[true][given] "
                                           f"(up to {MAX_NOISE_CLASSES} classes)")


class LabelNoise(RealisedNoise):
    """A job's training labels against the true ones."""
    model: str | None = Field(default=None, description="the noise model in words, when the service drew the labels")


class CorruptionLabels(BaseModel):
    kind: Literal["corruption"]
    noise: NoiseKind = NoiseKind.uniform
    p: float | None = None
    class_map: ClassMapPreset | list[list[int]] | None = None
    matrix: list[list[float]] | None = None
    seed: int
    description: str | None = Field(default=None, description="the noise model in words")
    expected_rate: float | None = Field(default=None, description="labels changed when classes are equally "
                                        "frequent (when the number of classes is known at upload)")
    realised: RealisedNoise | None = Field(default=None, description="what the corruption drew (npz uploads, whose "
                                           "labels the service reads at upload; every job's summary has it too)")


class UploadedLabels(BaseModel):
    kind: Literal["uploaded"]
    sha256: str


class CleanedLabels(BaseModel):
    """Training labels cleaned by an audit job: its suggestions (relabel), or without the flagged
    examples (filter)."""
    kind: Literal["cleaned"]
    sha256: str
    mode: CleanMode
    audit_job_id: str
    source_dataset_id: str
    n_changed: int = Field(description="labels replaced (relabel) or examples left out (filter)")


DatasetLabels = Annotated[Union[CorruptionLabels, UploadedLabels, CleanedLabels], Field(discriminator="kind")]


class DatasetInfo(BaseModel):
    """What is known of the data before a worker loads it (from an uploaded npz's headers)."""
    n_train: int | None = None
    n_test: int | None = None
    n_val: int | None = Field(default=None, description="examples of the npz's x_val, y_val: held out of the "
                              "model's training, they make every choice of a job that gives no params.validation")
    sample_shape: list[int] | None = None
    num_features: int | None = None
    num_classes: int | None = None
    options: LoaderOptions | None = None
    input_dtype: str | None = Field(default=None, description="the stored inputs' type (uint8, float32…)")
    preprocessing: Preprocessing | None = Field(default=None, description="null for data sets registered "
                                                "before preprocessing was recorded (they get the default)")


class DatasetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str | None
    source: DataSource
    root: str | None
    sha256: str | None
    size_bytes: int | None
    labels: DatasetLabels
    info: DatasetInfo
    created_at: UtcDatetime


# ---------------------------------------------------------------- job params

class MascOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variance: float | None = Field(default=None, gt=0.0, le=1.0, description="explained variance kept per class (default 0.99)")
    components: int | None = Field(default=None, ge=1, le=100000, description="a fixed number of components instead")
    dtype: FloatDtype | None = None


class LinearOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dtype: FloatDtype | None = None


class LogisticOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    C: float | None = Field(default=None, gt=0.0, le=1e6)
    max_iter: int | None = Field(default=None, ge=1, le=10000)


class KnnOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n_neighbors: int | None = Field(default=None, ge=1, le=1000)


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProbeOptions(BaseModel):
    """Per-probe options; an omitted option takes latentgen's default."""
    model_config = ConfigDict(extra="forbid")
    masc: MascOptions | None = None
    linear: LinearOptions | None = None
    logistic: LogisticOptions | None = None
    knn: KnnOptions | None = None
    lda: NoOptions | None = None
    nearest_mean: NoOptions | None = None


LayerList = Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=200)]],
                      Field(min_length=1, max_length=MAX_LAYERS, json_schema_extra={"uniqueItems": True})]
ProbeList = Annotated[list[ProbeName], Field(min_length=1, max_length=len(ProbeName),
                                             json_schema_extra={"uniqueItems": True})]

EpochList = Annotated[list[Annotated[int, Field(ge=0, le=10000)]],
                      Field(min_length=1, max_length=1000, json_schema_extra={"uniqueItems": True})]


def _unique(v: Any) -> Any:
    if isinstance(v, list) and len(set(v)) != len(v):
        raise ValueError("must not repeat an item")
    return v


class SplitOptions(BaseModel):
    """A seeded random `fraction` of the training examples, with their noisy labels (never the test set)."""
    model_config = ConfigDict(extra="forbid")
    fraction: float = Field(default=0.1, gt=0.0, lt=1.0)
    seed: Seed = 0


MAX_VALIDATION_INDICES = 100_000


class ValidationOptions(SplitOptions):
    """The examples choices are made on; they must be examples the model was not trained on. Give
    `dataset_id` (a data set of held-out examples: its training inputs and labels, noisy or clean),
    or `indices` (training examples kept out of the model's training), or a split carved from the
    training examples ({fraction, seed}: sound only when the model's training held it out)."""
    dataset_id: str | None = Field(default=None, max_length=64,
                                   description="a data set of examples the model never saw, with their labels")
    indices: list[Annotated[int, Field(ge=0)]] | None = Field(
        default=None, min_length=1, max_length=MAX_VALIDATION_INDICES,
        description="training examples held out of the model's training")

    @model_validator(mode="after")
    def _one_source(self) -> "ValidationOptions":
        if self.dataset_id is not None and self.indices is not None:
            raise ValueError("give dataset_id or indices, not both")
        return self

    _unique = field_validator("indices")(_unique)


VALIDATION_DEFAULT = ("default: the split the model's train job held out on this data set, else fraction 0.1 "
                      "with seed 0")


class ProbeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    layers: LayerList | None = Field(default=None, description="dotted layer names; default: the model's hidden layers")
    probes: ProbeList = [ProbeName.masc, ProbeName.linear]
    probe_options: ProbeOptions = ProbeOptions()
    batch_size: int = Field(default=256, ge=1, le=8192)
    validation: ValidationOptions | None = Field(default=None, description="where the best layer is chosen; "
                                                 + VALIDATION_DEFAULT)

    _unique = field_validator("layers", "probes")(_unique)


class RepairParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bias: BiasMode = BiasMode.zero
    batch_size: int = Field(default=256, ge=1, le=8192)


class TrainArch(BaseModel):
    """Architecture for a training job; shape and class count default to the data set's."""
    model_config = ConfigDict(extra="forbid")
    name: str = Field(json_schema_extra={"pattern": ARCH_RE.pattern})
    input_shape: list[Annotated[int, Field(gt=0, le=4096)]] | None = Field(default=None, min_length=1, max_length=4)
    num_classes: int | None = Field(default=None, ge=2, le=100000)

    _check_name = field_validator("name")(ArchSpec._name.__func__)


class TrainParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    arch: TrainArch
    recipe: RecipeName = RecipeName.paper
    seed: Seed = 0
    max_epochs: int = Field(default=50, ge=1, le=10000)
    target_train_acc: float = Field(default=1.0, gt=0.0, le=1.0)
    checkpoint_epochs: EpochList | None = None
    validation: SplitOptions = Field(default=SplitOptions(),
                                     description="the split held out of training, for later jobs' choices "
                                                      "(they find it again)")
    hold_out: bool = Field(default=True, description="false: train on every example, validation split included")

    _unique = field_validator("checkpoint_epochs")(_unique)


class Checkpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model_id: str = Field(max_length=64)
    epoch: int = Field(ge=0, le=100000)


class DynamicsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    checkpoints: list[Checkpoint] | None = Field(
        default=None, min_length=1, max_length=1000,
        description="the user's own checkpoints (uploaded models of one architecture, each with its epoch), "
                    "instead of a train_job_id; needs dataset_id")
    layers: LayerList | None = None
    probes: ProbeList = [ProbeName.masc, ProbeName.linear]
    probe_options: ProbeOptions = ProbeOptions()
    epochs: EpochList | None = Field(default=None, description="default: every checkpoint")
    validation: ValidationOptions | None = Field(default=None, description="where peak epochs are chosen; default: "
                                                 "the split the train job held out, else fraction 0.1 with seed 0")

    _unique = field_validator("layers", "probes", "epochs")(_unique)


LayerName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class AuditParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    layer: LayerName | LayerList = Field(
        default="auto", description='"auto" (chosen on the validation split), a layer, or layers whose scores are averaged')
    probe: HeadChoice = HeadChoice.auto
    layers: LayerList | None = Field(default=None, description='candidates for layer "auto"; default: the hidden layers')
    folds: int = Field(default=5, ge=2, le=20, description="cross-fitting folds: each example is scored by probes "
                                                           "fitted without it")
    seed: Seed = Field(default=0, description="seed of the fold assignment")
    validation: ValidationOptions | None = Field(default=None, description=VALIDATION_DEFAULT)
    clean: CleanMode | None = Field(default=CleanMode.relabel,
                                    description="the cleaned data set recorded as an output; null: none")
    probe_options: ProbeOptions = ProbeOptions()
    batch_size: int = Field(default=256, ge=1, le=8192)

    _unique = field_validator("layer", "layers")(_unique)


class GraftParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    layer: LayerName = Field(default="auto", description='where to cut: "auto" (chosen on the validation split) '
                                                         "or a layer")
    head: HeadChoice = HeadChoice.auto
    layers: LayerList | None = Field(default=None, description='candidates for layer "auto"; default: the hidden layers')
    validation: ValidationOptions | None = Field(default=None, description=VALIDATION_DEFAULT)
    probe_options: ProbeOptions = ProbeOptions()
    batch_size: int = Field(default=256, ge=1, le=8192)

    _unique = field_validator("layers")(_unique)


class MidwayParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    arch: TrainArch
    recipe: RecipeName = RecipeName.paper
    seed: Seed = 0
    edit_epoch: int = Field(default=40, ge=0, le=10000)
    total_epochs: int = Field(default=100, ge=1, le=10000)
    bias: BiasMode = BiasMode.zero


# ---------------------------------------------------------------- job creation

class _Bounded(BaseModel):
    time_limit_s: float | None = Field(
        default=None, gt=0, description="a wall-clock limit in seconds for each run of the job (and of each of its "
        "parts), at most its kind's (LATENTGEN_JOB_TIME_LIMITS_S, which applies when unset); past it the job fails "
        "`time_limit`")


class ProbeJobCreate(_Bounded):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["probe"]
    model_id: str = Field(max_length=64)
    dataset_id: str = Field(max_length=64)
    params: ProbeParams = ProbeParams()


class RepairJobCreate(_Bounded):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["repair"]
    model_id: str = Field(max_length=64)
    dataset_id: str = Field(max_length=64)
    params: RepairParams = RepairParams()


class TrainJobCreate(_Bounded):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["train"]
    dataset_id: str = Field(max_length=64)
    params: TrainParams


class DynamicsJobCreate(_Bounded):
    """Probe a run's checkpoints: those of a succeeded train job, or the user's own
    (`params.checkpoints` with the `dataset_id` they were trained on)."""
    model_config = ConfigDict(extra="forbid")
    kind: Literal["dynamics"]
    train_job_id: str | None = Field(default=None, max_length=64, description="a succeeded train job")
    dataset_id: str | None = Field(default=None, max_length=64, description="with params.checkpoints")
    params: DynamicsParams = DynamicsParams()


class MidwayJobCreate(_Bounded):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["midway"]
    dataset_id: str = Field(max_length=64)
    params: MidwayParams


class AuditJobCreate(_Bounded):
    """Which training labels look wrong, read from the model's layers; optionally a cleaned data set."""
    model_config = ConfigDict(extra="forbid")
    kind: Literal["audit"]
    model_id: str = Field(max_length=64)
    dataset_id: str = Field(max_length=64)
    params: AuditParams = AuditParams()


class GraftJobCreate(_Bounded):
    """Repair at any layer: the model up to a layer, then a head fitted on the noisy labels; a new model."""
    model_config = ConfigDict(extra="forbid")
    kind: Literal["graft"]
    model_id: str = Field(max_length=64)
    dataset_id: str = Field(max_length=64)
    params: GraftParams = GraftParams()


JobCreate = Annotated[
    Union[ProbeJobCreate, RepairJobCreate, TrainJobCreate, DynamicsJobCreate, MidwayJobCreate, AuditJobCreate,
          GraftJobCreate],
    Field(discriminator="kind"),
]


# ---------------------------------------------------------------- jobs

class Progress(BaseModel):
    stage: str | None
    current: int
    total: int


class JobError(BaseModel):
    code: str = Field(description="invalid_input, time_limit, resource_exhausted, worker_lost, internal_error")
    message: str


class _JobBase(BaseModel):
    id: str
    status: JobStatus
    queue: str
    model_id: str | None
    dataset_id: str | None
    source_job_id: str | None
    progress: Progress
    error: JobError | None
    output_model_id: str | None
    attempts: int
    time_limit_s: float | None = Field(description="the limit the job asked for; null: its kind's")
    created_at: UtcDatetime
    updated_at: UtcDatetime
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None


class ProbeJob(_JobBase):
    kind: Literal["probe"]
    params: ProbeParams


class RepairJob(_JobBase):
    kind: Literal["repair"]
    params: RepairParams


class TrainJob(_JobBase):
    kind: Literal["train"]
    params: TrainParams


class DynamicsJob(_JobBase):
    kind: Literal["dynamics"]
    params: DynamicsParams


class MidwayJob(_JobBase):
    kind: Literal["midway"]
    params: MidwayParams


class AuditJob(_JobBase):
    kind: Literal["audit"]
    params: AuditParams


class GraftJob(_JobBase):
    kind: Literal["graft"]
    params: GraftParams


JobOut = Annotated[Union[ProbeJob, RepairJob, TrainJob, DynamicsJob, MidwayJob, AuditJob, GraftJob],
                   Field(discriminator="kind")]
_job_adapter: TypeAdapter = TypeAdapter(JobOut)


def job_out(job: Any) -> ProbeJob | RepairJob | TrainJob | DynamicsJob | MidwayJob | AuditJob | GraftJob:
    """The API's view of a job row."""
    return _job_adapter.validate_python(dict(
        id=job.id, kind=job.kind, status=job.status, queue=job.queue, params=job.params,
        model_id=job.model_id, dataset_id=job.dataset_id, source_job_id=job.source_job_id,
        progress=Progress(stage=job.progress_stage, current=job.progress_current, total=job.progress_total),
        error=job.error, output_model_id=job.output_model_id, attempts=job.attempts,
        time_limit_s=job.time_limit_s, created_at=job.created_at, updated_at=job.updated_at, started_at=job.started_at,
        finished_at=job.finished_at,
    ))


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
    kind: str = Field(description="result (CSV table), plot (PNG), weights, checkpoints")
    name: str
    media_type: str
    sha256: str
    size_bytes: int
    created_at: UtcDatetime


# ---------------------------------------------------------------- results

class DataSummary(BaseModel):
    """What a job ran on."""
    n_train: int
    n_test: int
    input_shape: list[int]
    num_classes: int
    flip_rate: float = Field(description="fraction of training labels that differ from y_train")
    preprocessing: str | None = Field(default=None, description="how the inputs were prepared, in words "
                                      "(absent for data sets registered before it was recorded)")
    noise: LabelNoise | None = Field(default=None, description="the training labels' noise: what changed into "
                                     "what (absent in results from before it was reported)")


class TidyRow(BaseModel):
    """One measurement: a probe (or the model itself, probe "model") on a layer."""
    layer: str
    probe: str
    metric: str = Field(description="test_acc, train_acc_noisy, train_acc_true, flipped_acc_true, "
                                    "flipped_acc_noisy, unflipped_acc, components (MASC)")
    value: float | None


class EpochRow(TidyRow):
    epoch: int


class EpochMetrics(BaseModel):
    """A model's metrics at the end of an epoch."""
    epoch: int
    loss: float | None
    test_acc: float | None
    train_acc_noisy: float | None
    train_acc_true: float | None
    flipped_acc_true: float | None
    flipped_acc_noisy: float | None
    unflipped_acc: float | None


class MidwayArm(str, Enum):
    pre_edit = "pre_edit"
    repaired = "repaired"
    control = "control"


class MidwayRow(EpochMetrics):
    arm: MidwayArm


class Choice(BaseModel):
    """A (layer, probe or head) choice with its accuracy on the validation split's noisy labels and
    on the test set (reported, never used to choose)."""
    layer: str
    probe: str
    val_acc: float | None
    test_acc: float | None


class ChoiceRule(str, Enum):
    validation_accuracy = "validation accuracy"
    noise_ceiling = "noise ceiling"


class ValidationSource(str, Enum):
    held_out_data = "held-out data"
    indices = "indices"
    carved = "carved"


class ValidationInfo(BaseModel):
    n_val: int
    fraction: float | None
    seed: int | None
    source: ValidationSource = Field(description="held-out data (a data set), training examples given by index, or "
                                                 "a split carved from the training examples")
    dataset_id: str | None = Field(default=None, description="the held-out data set")
    labels: str
    warning: str | None = Field(default=None, description="set when the model seems to have been trained on the "
                                                          "validation examples (the noise-ceiling rule then chooses)")
    rule: ChoiceRule | None = Field(default=None, description="what chose: the highest validation accuracy, or the "
                             "noise-ceiling rule (the network memorized the validation examples)")
    rule_reason: str | None = Field(default=None, description="the rule, in words")
    noise_ceiling: float | None = Field(default=None, description="under the noise-ceiling rule: the estimated "
                                        "agreement with the noisy labels of a reader that did not memorize")


class RepairReport(BaseModel):
    layer: str = Field(description="the edited final linear layer")
    in_features: int
    out_features: int
    delta_norm: float = Field(description="Frobenius norm of the weight change")
    bias: BiasMode
    signs: list[int] = Field(description="sign applied to each class's top eigenvector (0: class without examples)")


class TrainedArch(BaseModel):
    name: str
    input_shape: list[int]
    num_classes: int


class Peak(BaseModel):
    """Per (layer, probe): the epoch chosen on the validation split and its test accuracy."""
    layer: str
    probe: str
    peak_epoch: int = Field(description="chosen on the validation split's noisy labels")
    peak_value: float | None = Field(description="test accuracy at peak_epoch")
    val_acc: float | None = Field(description="validation accuracy (noisy labels) at peak_epoch")
    final_value: float | None = Field(description="test accuracy at the last epoch")
    oracle_epoch: int | None = Field(description="the epoch the test set would have chosen")
    oracle_value: float | None


class MidwayFinal(BaseModel):
    """Each arm's last epoch."""
    pre_edit: EpochMetrics | None
    repaired: EpochMetrics | None
    control: EpochMetrics | None


class ProbeSummary(BaseModel):
    data: DataSummary
    model_test_acc: float | None
    model_val_acc: float | None = Field(description="the model's own accuracy on the validation split's noisy labels")
    best: Choice | None = Field(description="chosen on the validation split; its test accuracy reported")
    oracle: Choice | None = Field(description="what the test set would have chosen, for comparison")
    validation: ValidationInfo
    note: str


class ClassMetrics(BaseModel):
    """One model on the test set, per true class."""
    accuracy: list[float | None] = Field(description="per true class: share of its examples predicted as it "
                                                     "(null: no test example of the class)")
    confusion: list[list[int]] | None = Field(description="counts [true class][predicted class]; "
                                                          "null above 100 classes")


class RepairSummary(BaseModel):
    data: DataSummary
    model_test_acc: float | None
    repaired_test_acc: float | None
    gain: float | None = Field(description="repaired_test_acc - model_test_acc")
    repair: RepairReport
    source_model_id: str
    output_model_id: str
    test_per_class: dict[str, ClassMetrics] | None = Field(
        default=None, description="the model's and the repaired model's (absent for jobs run before it existed)")


class TrainSummary(BaseModel):
    data: DataSummary
    arch: TrainedArch
    recipe: str
    epochs_run: int
    stopped_reason: Literal["target", "max_epochs"]
    final: EpochMetrics | None
    checkpoint_epochs: list[int]
    validation: ValidationInfo | None = Field(description="held out of training (null: trained on every example)")
    output_model_id: str


class DynamicsSummary(BaseModel):
    data: DataSummary
    peaks: list[Peak]
    epochs: list[int]
    train_job_id: str | None
    validation: ValidationInfo
    note: str


class MidwaySummary(BaseModel):
    data: DataSummary
    arch: TrainedArch
    recipe: str
    edit_epoch: int
    total_epochs: int
    repair: RepairReport | None
    final: MidwayFinal


class ModelAccuracy(BaseModel):
    """The model's own predictions against the noisy labels of the validation split and of the
    other training examples, and against the test labels."""
    val_acc: float | None
    fit_acc: float | None
    test_acc: float | None


class Detection(BaseModel):
    """Flags against the truly flipped examples (when the true labels are known)."""
    precision: float | None
    recall: float | None
    f1: float | None
    auroc: float | None
    n_flagged: int


class DetectionSummary(BaseModel):
    true_noise_rate: float
    audit: Detection
    model: Detection = Field(description="baseline: the model's own in-sample predictions")


class AuditRow(BaseModel):
    """One training example."""
    index: int
    given: int = Field(description="the training label")
    suggested: int = Field(description="the probe's class where flagged, else the given label")
    score: float = Field(description="suspicion: best other class's normalised score minus the given label's; "
                                     "> 0 exactly when flagged")
    flagged: bool
    true_label: int | None = Field(default=None, description="when known (y_train)")


class NoiseStructure(BaseModel):
    """Whether the audit's noise looks class-dependent, and what that changed."""
    concentration: float | None = Field(description="of the changes the linear probe suggests, the share that "
                                        "goes to each class's most frequent other label (≈ 1/(K − 1) for uniform noise)")
    structured: bool = Field(description="concentration above the threshold: the linear probe alone competed")
    threshold: float
    measured_on: dict[str, str] = Field(description="the candidate whose suggestions were counted")
    rule: str | None = Field(description="why the choice was restricted, when it was")


class AuditSummary(BaseModel):
    data: DataSummary
    n: int
    n_flagged: int
    estimated_noise_rate: float
    estimated_noise: RealisedNoise | None = Field(default=None, description="the labels' noise as the audit sees "
                                                  "it: counts[suggested][given], its most frequent changes")
    layer: str
    probe: str
    folds: int
    val_acc: float | None
    test_acc: float | None
    chosen_by: str
    oracle: Choice | None
    model: ModelAccuracy
    validation: ValidationInfo
    noise_structure: NoiseStructure | None = Field(default=None, description="absent with one probe")
    detection: DetectionSummary | None
    candidates: list[TidyRow] = Field(description="val_acc and test_acc (and detection metrics) per candidate")
    cleaned_dataset_id: str | None
    source_model_id: str


class LastLayerRepair(BaseModel):
    layer: str
    head: str
    val_acc: float | None
    test_acc: float | None


class GraftSummary(BaseModel):
    data: DataSummary
    layer: str = Field(description="the cut: the trunk ends with this layer")
    head: HeadName
    spec: dict[str, Any] = Field(description="cut, head, components: with the model's arch, builds the graft")
    val_acc: float | None
    test_acc: float | None = Field(description="of the saved grafted model")
    chosen_by: str
    oracle: Choice | None
    last_layer_repair: LastLayerRepair | None
    model: ModelAccuracy
    model_test_acc: float | None
    gain: float | None = Field(description="test_acc - model_test_acc")
    validation: ValidationInfo
    source_model_id: str
    output_model_id: str
    test_per_class: dict[str, ClassMetrics] | None = Field(
        default=None, description="the model's and the grafted model's (absent for jobs run before it existed)")


class _ResultBase(BaseModel):
    job_id: str
    columns: list[str]
    artifacts: list[ArtifactOut]


class ProbeResult(_ResultBase):
    kind: Literal["probe"]
    rows: list[TidyRow]
    summary: ProbeSummary


class RepairResult(_ResultBase):
    kind: Literal["repair"]
    rows: list[TidyRow]
    summary: RepairSummary


class TrainResult(_ResultBase):
    kind: Literal["train"]
    rows: list[EpochMetrics]
    summary: TrainSummary


class DynamicsResult(_ResultBase):
    kind: Literal["dynamics"]
    rows: list[EpochRow]
    summary: DynamicsSummary


class MidwayResult(_ResultBase):
    kind: Literal["midway"]
    rows: list[MidwayRow]
    summary: MidwaySummary


class AuditResult(_ResultBase):
    kind: Literal["audit"]
    rows: list[AuditRow]
    summary: AuditSummary


class GraftResult(_ResultBase):
    kind: Literal["graft"]
    rows: list[TidyRow]
    summary: GraftSummary


JobResult = Annotated[Union[ProbeResult, RepairResult, TrainResult, DynamicsResult, MidwayResult, AuditResult,
                            GraftResult],
                      Field(discriminator="kind")]
_result_adapter: TypeAdapter = TypeAdapter(JobResult)


def job_result(job: Any, columns: list[str], artifacts: list[Any]):
    return _result_adapter.validate_python(dict(
        job_id=job.id, kind=job.kind, columns=columns, rows=job.result.get("rows", []),
        summary=job.result.get("summary", {}),
        artifacts=[ArtifactOut.model_validate(a) for a in artifacts]))


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str] = Field(default_factory=dict, description="per dependency: ok or the error's type")
