"""Every bad input is refused up front with a 4xx that names the field and the problem, and leaves
nothing behind: no row, no blob, no staged file. One table, across all routes."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from service.models import Dataset, Job, Model
from svc_helpers import MLP_ARCH, upload_dataset, upload_model, wait_job

DIGITS_ARCH = {"name": "mlp", "input_shape": [1, 8, 8], "num_classes": 10}
SENTINEL = Path("/tmp/latentgen-pickle-ran")


def npz(**overrides) -> bytes:
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.random((20, 8, 8), dtype=np.float32), "y_train": np.arange(20) % 10,
              "x_test": rng.random((10, 8, 8), dtype=np.float32), "y_test": np.arange(10) % 10}
    arrays.update(overrides)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """A few KB that would inflate to 800 MB of y_train."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for key, arr in (("x_train", np.zeros((20, 8, 8), np.float32)), ("x_test", np.zeros((10, 8, 8), np.float32)),
                         ("y_test", np.zeros(10, np.int64))):
            z.writestr(f"{key}.npy", _npy(arr))
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<i8", "fortran_order": False, "shape": (100_000_000,)})
        with z.open("y_train.npy", "w", force_zip64=True) as f:
            f.write(header.getvalue())
            zeros = b"\0" * (8 << 20)
            for _ in range(100):
                f.write(zeros)
    return buf.getvalue()


def huge_shape() -> bytes:
    """An npz whose x_train header declares (4, 2**62) values (4·2**62 wraps to 0 in int64) and holds none."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (4, 2**62)})
        z.writestr("x_train.npy", header.getvalue())
        for key in ("y_train", "x_test", "y_test"):
            z.writestr(f"{key}.npy", _npy(np.zeros(4, np.int64)))
    return buf.getvalue()


def inflating() -> bytes:
    """Images of zeros, deflated: each member inflates about a thousand times."""
    buf = io.BytesIO()
    np.savez_compressed(buf, x_train=np.zeros((20, 64, 64), np.float32), y_train=np.zeros(20, np.int64),
                        x_test=np.zeros((10, 64, 64), np.float32), y_test=np.zeros(10, np.int64))
    return buf.getvalue()


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


class Evil:
    def __reduce__(self):
        return (open, (str(SENTINEL), "w"))


def pickled() -> bytes:
    import pickle

    return pickle.dumps({"fc1.0.weight": Evil()})


def safetensors(state: dict[str, np.ndarray]) -> bytes:
    from safetensors.numpy import save

    return save(state)


def good_weights(name: str = "mlp") -> dict[str, np.ndarray]:
    from latentgen.models import build_model

    return {k: v.numpy() for k, v in build_model(name, (1, 8, 8), 10).state_dict().items()}


def nan_weights() -> bytes:
    state = good_weights()
    state["fc1.0.weight"][0, 0] = np.nan
    return safetensors(state)


def truncated_safetensors() -> bytes:
    data = safetensors(good_weights())
    (n,) = struct.unpack("<Q", data[:8])
    return data[: 8 + n // 2]


@dataclass
class Case:
    name: str
    method: str
    url: str
    status: int
    field: str | None
    message: str
    json_body: Any = None
    parts: dict[str, Any] | None = None  # multipart: name -> str (a text part) or (filename, bytes)
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def model_case(title, status, fld, message, arch: Any = DIGITS_ARCH, weights: Any = "good", **extra) -> Case:
    parts: dict[str, Any] = {}
    if weights is not None:
        parts["weights"] = weights if isinstance(weights, (str, tuple)) else ("w.bin", weights)
    if arch is not None:
        parts["arch"] = arch if isinstance(arch, str) else json.dumps(arch)
    parts.update(extra)
    return Case(title, "POST", "/v1/models", status, fld, message, parts=parts)


def dataset_case(name, status, fld, message, spec: Any = None, **files) -> Case:
    parts: dict[str, Any] = {}
    if spec is not None:
        parts["spec"] = spec if isinstance(spec, str) else json.dumps(spec)
    parts.update({k: (f"{k}.bin", v) for k, v in files.items()})
    return Case(name, "POST", "/v1/datasets", status, fld, message, parts=parts)


def job_case(name, status, fld, message, body) -> Case:
    return Case(name, "POST", "/v1/jobs", status, fld, message, json_body=body)


LABELS = {"labels": {"p": 0.4, "seed": 0}}
DIGITS = {"source": "digits", **LABELS}

CASES: list[Case] = [
    # ---- models
    Case("model: a JSON body", "POST", "/v1/models", 415, "Content-Type", "multipart/form-data",
         json_body={"arch": DIGITS_ARCH}),
    model_case("model: no weights part", 422, "weights", "Field required", weights=None),
    model_case("model: weights sent as text", 422, "weights", "UploadFile", weights="abc"),
    model_case("model: arch not JSON", 422, "arch", "Invalid JSON", arch="{mlp"),
    model_case("model: unknown builder", 422, "arch.name", "must be", arch={**DIGITS_ARCH, "name": "vgg"}),
    model_case("model: arch with an extra key", 422, "arch.depth", "Extra inputs", arch={**DIGITS_ARCH, "depth": 3}),
    model_case("model: one class", 422, "arch.num_classes", "greater than or equal to 2",
               arch={**DIGITS_ARCH, "num_classes": 1}),
    model_case("model: classes not a number", 422, "arch.num_classes", "integer", arch={**DIGITS_ARCH, "num_classes": "ten"}),
    model_case("model: empty input shape", 422, "arch.input_shape", "at least 1", arch={**DIGITS_ARCH, "input_shape": []}),
    model_case("model: zero-sized input", 422, "arch.input_shape.0", "greater than 0",
               arch={**DIGITS_ARCH, "input_shape": [0, 8, 8]}),
    model_case("model: five input dimensions", 422, "arch.input_shape", "at most 4",
               arch={**DIGITS_ARCH, "input_shape": [1, 1, 1, 8, 8]}),
    model_case("model: NUL in the name", 422, "name", "match pattern", name="a\x00b"),
    model_case("model: name too long", 422, "name", "at most 200", name="n" * 201),
    model_case("model: empty weights", 422, "weights", "empty", weights=b""),
    model_case("model: a pickle that would run code", 422, "weights", "weights_only", weights=pickled()),
    model_case("model: random bytes", 422, "weights", "safetensors", weights=b"\x80\x02garbage" * 10),
    model_case("model: truncated safetensors", 422, "weights", "truncated safetensors", weights=truncated_safetensors()),
    model_case("model: keys of another network", 422, "weights", "do not load strictly",
               weights=safetensors({"w": np.zeros(3, np.float32)})),
    model_case("model: NaN weights", 422, "weights", "NaN or infinite", weights=nan_weights()),
    model_case("model: a CNN cannot take 1x1 images", 422, "arch", "cannot take inputs of shape [1, 1, 1]",
               arch={"name": "cnn", "input_shape": [1, 1, 1], "num_classes": 10}),
    model_case("model: an MLP with 8.8e12 parameters", 422, "arch", "over the limit",
               arch={"name": "mlp", "input_shape": [4096, 4096, 4096], "num_classes": 10}),
    model_case("model: unknown torchvision builder", 422, "arch", "unknown torchvision",
               arch={"name": "torchvision:nope", "input_shape": [3, 32, 32], "num_classes": 10}),
    model_case("model: torch weights without arch", 422, "arch", "need their architecture", arch=None),
    # ---- datasets
    Case("dataset: a JSON body", "POST", "/v1/datasets", 415, "Content-Type", "multipart/form-data", json_body=DIGITS),
    dataset_case("dataset: no spec", 422, "spec", "Field required", file=npz()),
    dataset_case("dataset: spec not JSON", 422, "spec", "Invalid JSON", spec="{source"),
    dataset_case("dataset: unknown source", 422, "spec.source", "Input should be", spec={**LABELS, "source": "imagenet"}),
    dataset_case("dataset: extra key", 422, "spec.colour", "Extra inputs", spec={**DIGITS, "colour": "red"}),
    dataset_case("dataset: p above 1", 422, "spec.labels.p", "less than or equal to 1",
                 spec={"source": "digits", "labels": {"p": 1.5}}),
    dataset_case("dataset: negative seed", 422, "spec.labels.seed", "greater than or equal to 0",
                 spec={"source": "digits", "labels": {"p": 0.4, "seed": -1}}),
    dataset_case("dataset: seed of 2^80", 422, "spec.labels.seed", "less than or equal to",
                 spec={"source": "digits", "labels": {"p": 0.4, "seed": 2**80}}),
    dataset_case("dataset: NUL in the root", 422, "spec.root", "match pattern", spec={**LABELS, "source": "mnist", "root": "a\x00b"}),
    dataset_case("dataset: root outside the data directory", 422, "spec.root", "must lie under",
                 spec={**LABELS, "source": "mnist", "root": "../../etc"}),
    dataset_case("dataset: mnist without root", 422, "spec.root", "needs a root", spec={**LABELS, "source": "mnist"}),
    dataset_case("dataset: npz without file", 422, "file", "needs an uploaded file", spec={**LABELS, "source": "npz"}),
    dataset_case("dataset: digits with a file", 422, "file", "read by the workers", spec=DIGITS, file=npz()),
    dataset_case("dataset: npz with a root", 422, "spec.root", "for named sources", spec={**LABELS, "root": "x"}, file=npz()),
    dataset_case("dataset: an option npz does not take", 422, "spec.options", "takes the options none",
                 spec={**LABELS, "options": {"image_size": 32}}, file=npz()),
    dataset_case("dataset: an unknown option", 422, "spec.options.width", "Extra inputs",
                 spec={**DIGITS, "options": {"width": 3}}),
    dataset_case("dataset: an option digits does not take", 422, "spec.options", "takes the options",
                 spec={**DIGITS, "options": {"image_size": 32}}),
    dataset_case("dataset: no labels", 422, "spec.labels", "give the training labels", spec={"source": "digits"}),
    dataset_case("dataset: labels twice", 422, "train_labels", "not both", spec=DIGITS, train_labels=_npy(np.zeros(1400, np.int64))),
    dataset_case("dataset: not a zip", 422, "file", ".npz archive", spec=LABELS, file=b"not a zip at all"),
    dataset_case("dataset: arrays missing", 422, "file", "lacks arrays", spec=LABELS, file=npz(y_test=None)),
    dataset_case("dataset: complex images", 422, "file", "uint8 or floating point",
                 spec=LABELS, file=npz(x_train=np.ones((20, 8, 8), np.complex64))),
    dataset_case("dataset: int32 images", 422, "file", "uint8 or floating point",
                 spec=LABELS, file=npz(x_train=np.ones((20, 8, 8), np.int32))),
    dataset_case("dataset: NaN images", 422, "file", "NaN or infinite",
                 spec=LABELS, file=npz(x_test=np.full((10, 8, 8), np.nan, np.float32))),
    dataset_case("dataset: float labels", 422, "file", "must hold integers", spec=LABELS,
                 file=npz(y_train=np.zeros(20, np.float32))),
    dataset_case("dataset: negative labels", 422, "file", "negative labels", spec=LABELS, file=npz(y_train=-np.ones(20, np.int64))),
    dataset_case("dataset: fewer labels than images", 422, "file", "but its labels have 19", spec=LABELS,
                 file=npz(y_train=np.zeros(19, np.int64))),
    dataset_case("dataset: 1-D images", 422, "file", "must be (N, D)", spec=LABELS,
                 file=npz(x_train=np.zeros(20, np.float32), x_test=np.zeros(10, np.float32))),
    dataset_case("dataset: train and test shapes differ", 422, "file", "sample shapes differ", spec=LABELS,
                 file=npz(x_test=np.zeros((10, 7, 7), np.float32))),
    dataset_case("dataset: a zip bomb", 422, "file", "over the limit of 20", spec=LABELS, file=zip_bomb()),
    dataset_case("dataset: a shape of 2**64 values", 422, "file", "x_train holds 18,446,744,073,709,551,616 values",
                 spec=LABELS, file=huge_shape()),
    dataset_case("dataset: images that inflate a thousandfold", 422, "file", "over the limit of 100",
                 spec=LABELS, file=inflating()),
    dataset_case("dataset: train_labels of the wrong length", 422, "train_labels", "training set has 20",
                 spec={}, file=npz(), train_labels=_npy(np.zeros(7, np.int64))),
    dataset_case("dataset: digits train_labels of the wrong length", 422, "train_labels", "training set has 1400",
                 spec={"source": "digits"}, train_labels=_npy(np.zeros(7, np.int64))),
    dataset_case("dataset: digits train_labels beyond its classes", 422, "train_labels", "has 10 classes",
                 spec={"source": "digits"}, train_labels=_npy(np.full(1400, 12, np.int64))),
    dataset_case("dataset: train_labels not .npy", 422, "train_labels", ".npy integer array",
                 spec={"source": "digits"}, train_labels=b"1,2,3"),
    dataset_case("dataset: 2-D train_labels", 422, "train_labels", "must be 1-D",
                 spec={"source": "digits"}, train_labels=_npy(np.zeros((1400, 1), np.int64))),
    dataset_case("dataset: control character in the name", 422, "spec.name", "match pattern",
                 spec={**DIGITS, "name": "a\nb"}),
    # ---- jobs
    Case("job: not JSON", "POST", "/v1/jobs", 422, None, "JSON", raw=b'{"kind": "probe", "model_id": "x"',
         headers={"Content-Type": "application/json"}),
    job_case("job: no kind", 422, "kind", "kind", {"model_id": "m", "dataset_id": "d"}),
    job_case("job: unknown kind", 422, "kind", "does not match any of the expected tags", {"kind": "finetune"}),
    job_case("job: extra field", 422, "priority", "Extra inputs",
             {"kind": "probe", "model_id": "m", "dataset_id": "d", "priority": 1}),
    job_case("job: a time limit of zero", 422, "time_limit_s", "greater than 0",
             {"kind": "train", "dataset_id": "{dataset}", "params": {"arch": {"name": "mlp"}}, "time_limit_s": 0}),
    job_case("job: a time limit over its kind's", 422, "time_limit_s", "at most the train limit of 86400 s",
             {"kind": "train", "dataset_id": "{dataset}", "params": {"arch": {"name": "mlp"}}, "time_limit_s": 1e6}),
    job_case("job: a CNN on flat samples of the right size", 422, "dataset_id", "samples, of shape [64]",
             {"kind": "probe", "model_id": "{cnn_model}", "dataset_id": "{flat_dataset}"}),
    job_case("job: unknown model", 404, "model_id", "model not found", {"kind": "probe", "model_id": "0" * 32, "dataset_id": "d"}),
    job_case("job: another owner's model", 404, "model_id", "model not found",
             {"kind": "probe", "model_id": "{bob_model}", "dataset_id": "{dataset}"}),
    job_case("job: unknown layer", 422, "params.layers", "unknown layers ['fc9']",
             {"kind": "probe", "model_id": "{model}", "dataset_id": "{dataset}", "params": {"layers": ["fc9"]}}),
    job_case("job: a layer twice", 422, "params.layers", "must not repeat",
             {"kind": "probe", "model_id": "{model}", "dataset_id": "{dataset}", "params": {"layers": ["fc1", "fc1"]}}),
    job_case("job: a million layers", 422, "params.layers", "at most 64",
             {"kind": "probe", "model_id": "{model}", "dataset_id": "{dataset}", "params": {"layers": ["fc1"] * 65}}),
    job_case("job: no probes", 422, "params.probes", "at least 1",
             {"kind": "probe", "model_id": "{model}", "dataset_id": "{dataset}", "params": {"probes": []}}),
    job_case("job: unknown probe", 422, "params.probes.0", "Input should be",
             {"kind": "probe", "model_id": "{model}", "dataset_id": "{dataset}", "params": {"probes": ["svm"]}}),
    job_case("job: options of an unknown probe", 422, "params.probe_options.svm", "Extra inputs",
             {"kind": "probe", "model_id": "{model}", "dataset_id": "{dataset}", "params": {"probe_options": {"svm": {}}}}),
    job_case("job: variance 5", 422, "params.probe_options.masc.variance", "less than or equal to 1",
             {"kind": "probe", "model_id": "{model}", "dataset_id": "{dataset}",
              "params": {"probe_options": {"masc": {"variance": 5}}}}),
    job_case("job: an unknown MASC option", 422, "params.probe_options.masc.tau", "Extra inputs",
             {"kind": "probe", "model_id": "{model}", "dataset_id": "{dataset}",
              "params": {"probe_options": {"masc": {"tau": 0.9}}}}),
    job_case("job: batch size 0", 422, "params.batch_size", "greater than or equal to 1",
             {"kind": "probe", "model_id": "{model}", "dataset_id": "{dataset}", "params": {"batch_size": 0}}),
    job_case("job: unknown bias mode", 422, "params.bias", "Input should be",
             {"kind": "repair", "model_id": "{model}", "dataset_id": "{dataset}", "params": {"bias": "drop"}}),
    job_case("job: a 28x28 model on 8x8 digits", 422, "dataset_id", "does not match the data set's samples",
             {"kind": "probe", "model_id": "{mnist_model}", "dataset_id": "{dataset}"}),
    job_case("job: unknown recipe", 422, "params.recipe", "Input should be",
             {"kind": "train", "dataset_id": "{dataset}", "params": {"arch": {"name": "mlp"}, "recipe": "fast"}}),
    job_case("job: negative seed", 422, "params.seed", "greater than or equal to 0",
             {"kind": "train", "dataset_id": "{dataset}", "params": {"arch": {"name": "mlp"}, "seed": -1}}),
    job_case("job: seed of 2^80", 422, "params.seed", "less than or equal to",
             {"kind": "train", "dataset_id": "{dataset}", "params": {"arch": {"name": "mlp"}, "seed": 2**80}}),
    job_case("job: unknown architecture", 422, "params.arch.name", "must be",
             {"kind": "train", "dataset_id": "{dataset}", "params": {"arch": {"name": "transformer"}}}),
    job_case("job: a 28x28 architecture for 8x8 digits", 422, "params.arch.input_shape", "does not match",
             {"kind": "train", "dataset_id": "{dataset}", "params": {"arch": {"name": "mlp", "input_shape": [1, 28, 28]}}}),
    job_case("job: a CNN too deep for 8x8 images", 422, "params.arch", "cannot take inputs",
             {"kind": "train", "dataset_id": "{dataset}", "params": {"arch": {"name": "alexnet"}}}),
    job_case("job: edit after the end", 422, "params.edit_epoch", "below total_epochs",
             {"kind": "midway", "dataset_id": "{dataset}",
              "params": {"arch": {"name": "mlp"}, "edit_epoch": 10, "total_epochs": 10}}),
    job_case("job: dynamics of nothing", 422, "train_job_id", "give train_job_id", {"kind": "dynamics"}),
    job_case("job: dynamics of a probe job", 422, "train_job_id", "must name a succeeded train job",
             {"kind": "dynamics", "train_job_id": "{probe_job}"}),
    job_case("job: checkpoints without their data", 422, "dataset_id", "needs the dataset_id",
             {"kind": "dynamics", "params": {"checkpoints": [{"model_id": "{model}", "epoch": 1}]}}),
    job_case("job: an epoch twice", 422, "params.epochs", "must not repeat",
             {"kind": "dynamics", "train_job_id": "{probe_job}", "params": {"epochs": [1, 1]}}),
    job_case("job: a negative checkpoint epoch", 422, "params.checkpoint_epochs.0", "greater than or equal to 0",
             {"kind": "train", "dataset_id": "{dataset}", "params": {"arch": {"name": "mlp"}, "checkpoint_epochs": [-1]}}),
    # ---- other routes
    Case("list: limit 0", "GET", "/v1/jobs?limit=0", 422, "limit", "greater than or equal to 1"),
    Case("list: unknown status", "GET", "/v1/jobs?status=done", 422, "status", "Input should be"),
    Case("list: negative offset", "GET", "/v1/models?offset=-1", 422, "offset", "greater than or equal to 0"),
    Case("cancel: unknown job", "POST", "/v1/jobs/nope/cancel", 404, None, "job not found"),
    Case("result: unknown job", "GET", "/v1/jobs/nope/result.csv", 404, None, "job not found"),
    Case("artifact: unknown", "GET", "/v1/artifacts/nope", 404, None, "artifact not found"),
    Case("no API key", "GET", "/v1/models", 401, "Authorization", "missing API key", headers={"Authorization": ""}),
    Case("a wrong API key", "GET", "/v1/models", 401, "Authorization", "invalid API key",
         headers={"Authorization": "Bearer lg_nope"}),
    Case("method not allowed", "DELETE", "/v1/jobs", 405, None, "Method Not Allowed"),
]


@pytest.fixture(scope="module")
def world(client, alice, bob, mlp_files, tmp_path_factory):
    """Objects the cases refer to: {model} (8x8 MLP), {mnist_model} (28x28 MLP), {dataset} (digits),
    {bob_model} (another owner's), {probe_job} (a finished probe job), {cnn_model} (8x8 CNN),
    {flat_dataset} (20 samples of 64 values, flat)."""
    d = tmp_path_factory.mktemp("bad")
    (d / "digits_mlp.safetensors").write_bytes(safetensors(good_weights()))
    model = upload_model(client, alice, d / "digits_mlp.safetensors", DIGITS_ARCH).json()
    mnist_model = upload_model(client, alice, mlp_files["safetensors"], MLP_ARCH).json()
    bob_model = upload_model(client, bob, d / "digits_mlp.safetensors", DIGITS_ARCH).json()
    dataset = upload_dataset(client, alice, None, DIGITS).json()
    (d / "digits_cnn.safetensors").write_bytes(safetensors(good_weights("cnn")))
    cnn_model = upload_model(client, alice, d / "digits_cnn.safetensors", {**DIGITS_ARCH, "name": "cnn"}).json()
    (d / "flat.npz").write_bytes(npz(x_train=np.zeros((20, 64), np.float32), x_test=np.zeros((10, 64), np.float32)))
    flat_dataset = upload_dataset(client, alice, d / "flat.npz", LABELS).json()
    job = client.post("/v1/jobs", headers=alice, json={"kind": "probe", "model_id": model["id"], "dataset_id": dataset["id"],
                                                       "params": {"layers": ["fc1"], "probes": ["linear"]}}).json()
    assert wait_job(client, alice, job["id"])["status"] == "succeeded"
    return {"model": model["id"], "mnist_model": mnist_model["id"], "dataset": dataset["id"],
            "bob_model": bob_model["id"], "probe_job": job["id"], "cnn_model": cnn_model["id"],
            "flat_dataset": flat_dataset["id"]}


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids) if value.startswith("{") and value.endswith("}") else value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _state(stack, app) -> tuple:
    with stack.sessionmaker() as db:
        rows = tuple(db.scalar(select(func.count()).select_from(t)) for t in (Model, Dataset, Job))
    listing = app.state.storage.client.list_objects_v2(Bucket=stack.settings.s3_bucket)
    blobs = frozenset(o["Key"] for o in listing.get("Contents", []))
    return rows, blobs, tuple(stack.settings.staging_dir.rglob("upload-*"))


def test_the_table_is_long_enough():
    assert len(CASES) >= 60 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_and_leaves_nothing(case: Case, client, alice, stack, app, world):
    before = _state(stack, app)
    headers = {**alice, **case.headers}
    kwargs: dict[str, Any] = {"headers": headers}
    if case.json_body is not None:
        kwargs["json"] = _fill(case.json_body, world)
    elif case.raw is not None:
        kwargs["content"] = case.raw
    elif case.parts is not None:
        files = {}
        for name, value in case.parts.items():
            if value == "good":
                files[name] = ("w.safetensors", safetensors(good_weights()))
            elif isinstance(value, str):
                files[name] = (None, value)
            else:
                files[name] = value
        kwargs["files"] = files
    r = client.request(case.method, _fill(case.url, world), **kwargs)
    assert r.status_code == case.status, r.text
    error = r.json()["error"]
    assert error["field"] == case.field, error
    assert case.message in error["message"], error
    assert _state(stack, app) == before
    assert not SENTINEL.exists()  # the pickle never ran
