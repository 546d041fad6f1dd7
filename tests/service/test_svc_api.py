"""The HTTP API against real Postgres, Redis, a real Celery worker process and S3 (moto)."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from service.models import ApiKey, Dataset, Job, Model
from svc_helpers import MLP_ARCH, P, SEED, sha256_bytes, upload_dataset, upload_model, wait_job

ROOT = Path(__file__).resolve().parents[2]
OPERATION_IDS = {
    ("/healthz", "get"): "healthz",
    ("/readyz", "get"): "readyz",
    ("/metrics", "get"): "metrics",
    ("/v1/models", "post"): "createModel",
    ("/v1/models", "get"): "listModels",
    ("/v1/models/{model_id}", "get"): "getModel",
    ("/v1/models/{model_id}/layers", "get"): "listModelLayers",
    ("/v1/models/{model_id}/weights", "get"): "downloadModelWeights",
    ("/v1/datasets", "post"): "createDataset",
    ("/v1/datasets", "get"): "listDatasets",
    ("/v1/datasets/{dataset_id}", "get"): "getDataset",
    ("/v1/jobs", "post"): "createJob",
    ("/v1/jobs", "get"): "listJobs",
    ("/v1/jobs/{job_id}", "get"): "getJob",
    ("/v1/jobs/{job_id}/cancel", "post"): "cancelJob",
    ("/v1/jobs/{job_id}/result", "get"): "getJobResult",
    ("/v1/jobs/{job_id}/result.csv", "get"): "getJobResultCsv",
    ("/v1/jobs/{job_id}/report", "get"): "getJobReport",
    ("/v1/artifacts/{artifact_id}", "get"): "downloadArtifact",
    ("/v1/artifacts/{artifact_id}/meta", "get"): "getArtifact",
}


def _count(stack, cls) -> int:
    with stack.sessionmaker() as db:
        return db.scalar(select(func.count()).select_from(cls))



# ------------------------------------------------------------------ contract, health, auth

def test_openapi_operation_ids_are_stable(client):
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    ops = {(path, method): op["operationId"] for path, item in spec["paths"].items() for method, op in item.items()}
    assert ops == OPERATION_IDS


def test_the_committed_openapi_document_is_the_apps(client):
    """docs/openapi.json is the reviewed contract: `make openapi` after any API change."""
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert client.get("/openapi.json").json() == committed, "the API changed: run `make openapi` and review the diff"


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok", "checks": {}}
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    checks = r.json()["checks"]
    assert {k: checks[k] for k in ("database", "broker", "storage")} == {"database": "ok", "broker": "ok", "storage": "ok"}
    assert checks["workers"] == "ok (1 alive)"  # the stack's one worker process


def test_readyz_reports_an_unreachable_broker(stack):
    from fastapi.testclient import TestClient

    from service.main import create_app

    from svc_helpers import free_port

    bad = stack.settings.model_copy(update={"broker_url": f"redis://127.0.0.1:{free_port()}/0"})
    app = create_app(bad)
    with TestClient(app) as c:
        r = c.get("/readyz")
    app.state.engine.dispose()
    assert r.status_code == 503
    assert r.json()["checks"]["database"] == "ok"
    assert r.json()["checks"]["broker"].startswith("error")


def test_job_creation_with_the_broker_down_is_503_and_leaves_no_row(stack, model, dataset):
    from fastapi.testclient import TestClient

    from service.main import create_app
    from svc_helpers import free_port

    bad = stack.settings.model_copy(update={"broker_url": f"redis://127.0.0.1:{free_port()}/0"})
    app = create_app(bad)
    n = _count(stack, Job)
    with TestClient(app) as c:
        headers = {"Authorization": f"Bearer {stack.key('erin')}"}
        # erin owns nothing: 404 before any broker work
        r = c.post("/v1/jobs", headers=headers, json={"kind": "probe", "model_id": model["id"], "dataset_id": dataset["id"]})
        assert r.status_code == 404
        ds = upload_dataset(c, headers, None, {"source": "digits", "labels": {"p": 0.2}})
        assert ds.status_code == 201
        r = c.post("/v1/jobs", headers=headers, json={"kind": "train", "dataset_id": ds.json()["id"],
                                                      "params": {"arch": {"name": "mlp"}}})
    app.state.engine.dispose()
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "broker_unavailable"
    assert _count(stack, Job) == n


def test_requests_need_a_valid_key(client):
    r = client.get("/v1/jobs")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"]["field"] == "Authorization"
    assert client.get("/v1/jobs", headers={"Authorization": "Bearer lg_nope_nope"}).status_code == 401
    assert client.get("/v1/jobs", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401


def test_keys_are_stored_hashed(stack, client):
    key = stack.key("carol")
    assert client.get("/v1/jobs", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    with stack.sessionmaker() as db:
        rows = db.scalars(select(ApiKey)).all()
    assert any(r.key_hash == hashlib.sha256(key.encode()).hexdigest() for r in rows)
    for r in rows:
        assert key not in (r.key_hash, r.prefix, r.id)


# ------------------------------------------------------------------ models

def test_model_upload_describes_layers(client, alice, model):
    assert model["arch"] == MLP_ARCH
    assert model["format"] == "safetensors"
    assert model["final_layer"] == "classifier"
    assert model["num_parameters"] == 784 * 128 + 128 + 128 * 512 + 512 + 512 * 2048 + 2048 + 2048 * 2048 + 2048 + 2048 * 10 + 10
    layers = client.get(f"/v1/models/{model['id']}/layers", headers=alice).json()
    shapes = {l["name"]: l["output_shape"] for l in layers}
    assert shapes["fc1"] == [128] and shapes["fc2"] == [512] and shapes["fc4"] == [2048]
    assert shapes["classifier"] == [10]


def test_same_bytes_return_the_existing_model(client, alice, model, mlp_files):
    r = upload_model(client, alice, mlp_files["safetensors"])
    assert r.status_code == 200
    assert r.json()["id"] == model["id"]
    other_arch = dict(MLP_ARCH, input_shape=[784])
    r = upload_model(client, alice, mlp_files["safetensors"], arch=other_arch)
    assert r.status_code == 409
    assert r.json()["error"]["model_id"] == model["id"]


def test_weights_download_streams_the_uploaded_bytes(client, alice, model, mlp_files):
    data = mlp_files["safetensors"].read_bytes()
    r = client.get(f"/v1/models/{model['id']}/weights", headers=alice)
    assert r.status_code == 200
    assert r.content == data
    assert r.headers["x-content-sha256"] == sha256_bytes(data) == model["sha256"]


def test_torch_state_dict_upload(client, bob, mlp_files):
    r = upload_model(client, bob, mlp_files["pt"])
    assert r.status_code == 201, r.text
    assert r.json()["format"] == "torch"


def test_a_training_scripts_checkpoint_is_unwrapped_and_says_how(client, bob, mlp_files, tmp_path):
    import torch

    from latentgen.models import build_model

    state = torch.load(mlp_files["pt"], weights_only=True)
    lightning = {"state_dict": {"model." + k: v for k, v in state.items()}, "epoch": 3, "global_step": 90}
    torch.save(lightning, tmp_path / "last.ckpt")
    r = upload_model(client, bob, tmp_path / "last.ckpt")
    assert r.status_code == 201, r.text
    assert r.json()["unwrapped"] == ["took the weights from the checkpoint's 'state_dict' entry (beside epoch, "
                                     "global_step)", "removed the prefix 'model.' from every key"]
    assert client.get(f"/v1/models/{r.json()['id']}", headers=bob).json()["unwrapped"] == r.json()["unwrapped"]
    # the plain state dict says nothing was unwrapped
    assert upload_model(client, bob, mlp_files["pt"]).json()["unwrapped"] == []

    # a whole pickled model: told what to upload instead, with no terminal escapes in the JSON
    torch.save(build_model("mlp", (1, 28, 28), 10), tmp_path / "whole.pt")
    r = upload_model(client, bob, tmp_path / "whole.pt")
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_weights", "weights")
    assert "model.state_dict()" in error["message"] and "\x1b" not in r.text and "weights_only=False" not in r.text


def test_an_architecture_that_asserts_against_its_input_is_a_422(client, alice, dataset, tmp_path):
    import torch

    torch.save({"weight": torch.zeros(3)}, tmp_path / "vit.pt")  # never reached: the plan fails first
    vit = {"name": "torchvision:vit_b_16", "input_shape": [3, 64, 64], "num_classes": 10}
    r = upload_model(client, alice, tmp_path / "vit.pt", arch=vit)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_arch", r.text
    assert "Expected 224 but got 64" in r.json()["error"]["message"]
    # a train job on 28×28 images: torchvision's ViT asserts 224×224
    r = client.post("/v1/jobs", headers=alice, json={"kind": "train", "dataset_id": dataset["id"],
                                                     "params": {"arch": {"name": "torchvision:vit_b_16"}}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "params.arch", r.text


def test_lists_are_per_owner_and_paginated(client, alice, bob, model, dataset, stack):
    carol = {"Authorization": f"Bearer {stack.key('lister')}"}
    assert client.get("/v1/models", headers=carol).json() == {"items": [], "total": 0, "limit": 20, "offset": 0}
    mine = client.get("/v1/models?limit=100", headers=alice).json()
    assert model["id"] in [m["id"] for m in mine["items"]] and mine["total"] == len(mine["items"])
    assert model["id"] not in [m["id"] for m in client.get("/v1/models?limit=100", headers=bob).json()["items"]]
    one = client.get("/v1/datasets?limit=1", headers=alice).json()
    assert len(one["items"]) == 1 and one["total"] >= 1
    assert dataset["id"] in [d["id"] for d in client.get("/v1/datasets?limit=100", headers=alice).json()["items"]]
    assert client.get("/v1/datasets?limit=101", headers=alice).status_code == 422


class _Boom:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_arbitrary_pickles_are_never_unpickled(client, alice, stack, tmp_path):
    import torch

    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        torch.save({"weight": torch.zeros(2), "payload": _Boom(str(marker))}, f)
    path2 = tmp_path / "evil.pkl"
    path2.write_bytes(pickle.dumps(_Boom(str(marker))))
    n = _count(stack, Model)
    for p in (path, path2):
        r = upload_model(client, alice, p)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"] == "weights"
    assert not marker.exists()
    assert _count(stack, Model) == n


def test_strict_load_names_missing_unexpected_and_misshaped_keys(client, alice, stack, mlp_files, tmp_path):
    from safetensors.torch import load_file, save_file

    state = load_file(str(mlp_files["safetensors"]))
    del state["fc2.0.bias"]
    state["extra.weight"] = state["fc1.0.bias"].clone()
    state["classifier.weight"] = state["classifier.weight"][:5].clone()
    bad = tmp_path / "bad.safetensors"
    save_file(state, str(bad))
    sha = sha256_bytes(bad.read_bytes())
    n = _count(stack, Model)
    r = upload_model(client, alice, bad)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["field"] == "weights"
    assert err["missing"] == ["fc2.0.bias"]
    assert err["unexpected"] == ["extra.weight"]
    assert err["mismatched"] == [{"key": "classifier.weight", "expected": [10, 2048], "got": [5, 2048]}]
    assert "fc2.0.bias" in err["message"] and "extra.weight" in err["message"]
    # nothing left behind: no record, no blob, no staged file
    assert _count(stack, Model) == n
    from service.storage import make_storage

    assert not make_storage(stack.settings).exists(sha)
    assert list(stack.settings.staging_dir.rglob("upload-*")) == []


@pytest.mark.parametrize("arch, field", [
    ('{"name": "vgg", "input_shape": [1, 28, 28], "num_classes": 10}', "arch.name"),
    ('{"name": "mlp", "input_shape": [1, 28, 28], "num_classes": 1}', "arch.num_classes"),
    ('{"name": "mlp", "num_classes": 10}', "arch.input_shape"),
    ("not json", "arch"),
])
def test_bad_arch_is_a_422_naming_the_field(client, alice, mlp_files, arch, field):
    with open(mlp_files["safetensors"], "rb") as f:
        r = client.post("/v1/models", headers=alice, data={"arch": arch}, files={"weights": ("w", f)})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field


def test_uploads_over_the_limit_get_413_and_leave_nothing(stack, tmp_path):
    from fastapi.testclient import TestClient

    from service.main import create_app

    small = stack.settings.model_copy(update={"max_upload_bytes": 10_000, "staging_dir": tmp_path / "staging"})
    app = create_app(small)
    n = _count(stack, Model)
    with TestClient(app) as c:
        headers = {"Authorization": f"Bearer {stack.key('dave')}"}
        # file over the limit, body within the framing slack: refused while staging
        r = c.post("/v1/models", headers=headers, data={"arch": json.dumps(MLP_ARCH)},
                   files={"weights": ("w.safetensors", io.BytesIO(b"\0" * 20_000))})
        assert r.status_code == 413, r.text
        assert r.json()["error"]["code"] == "payload_too_large"
        # whole body far over the limit: refused by the streaming body limit
        r = c.post("/v1/datasets", headers=headers, data={"spec": "{}"},
                   files={"file": ("d.npz", io.BytesIO(b"\0" * (3 << 20)))})
        assert r.status_code == 413, r.text

        # chunked, no Content-Length: refused while the body streams in, before it is all read
        def body():
            yield (b'--bnd\r\nContent-Disposition: form-data; name="arch"\r\n\r\n' + json.dumps(MLP_ARCH).encode()
                   + b'\r\n--bnd\r\nContent-Disposition: form-data; name="weights"; filename="w"\r\n\r\n')
            for _ in range(100):
                yield b"\0" * 65536
            yield b"\r\n--bnd--\r\n"

        r = c.post("/v1/models", content=body(),
                   headers={**headers, "Content-Type": "multipart/form-data; boundary=bnd"})
        assert "content-length" not in r.request.headers
        assert r.status_code == 413, r.text
    app.state.engine.dispose()
    assert _count(stack, Model) == n
    assert list((tmp_path / "staging").rglob("upload-*")) == []


def test_other_owners_get_404(client, alice, bob, model, dataset):
    for url in (f"/v1/models/{model['id']}", f"/v1/models/{model['id']}/layers",
                f"/v1/models/{model['id']}/weights", f"/v1/datasets/{dataset['id']}"):
        assert client.get(url, headers=alice).status_code == 200
        r = client.get(url, headers=bob)
        assert r.status_code == 404, url
        assert r.json()["error"]["code"] == "not_found"
    r = client.post("/v1/jobs", headers=bob, json={"kind": "probe", "model_id": model["id"], "dataset_id": dataset["id"]})
    assert r.status_code == 404
    assert r.json()["error"]["field"] == "model_id"


# ------------------------------------------------------------------ datasets

def test_dataset_upload_records_its_shape(dataset, mnist_small):
    assert dataset["source"] == "npz"
    from latentgen.corruption import corrupt_labels, realised_noise

    with np.load(mnist_small) as z:
        drawn = realised_noise(corrupt_labels(z["y_train"], P, 10, SEED), 10)
    assert dataset["labels"] == {"kind": "corruption", "noise": "uniform", "p": P, "class_map": None, "matrix": None,
                                 "seed": SEED, "description": f"uniform: each label redrawn from all classes with "
                                 f"probability {P:g}", "expected_rate": pytest.approx(P * 0.9), "realised": drawn}
    assert dataset["info"] == {"n_train": 1000, "n_test": 500, "n_val": 0, "sample_shape": [28, 28],
                               "num_features": 784, "num_classes": 10, "options": None, "input_dtype": "uint8",
                               "preprocessing": {"mean": [0.5], "std": [0.5], "stated": False,
                                                 "description": "x / 255, then (x − 0.5) / 0.5 per channel"}}
    assert dataset["sha256"] == sha256_bytes(mnist_small.read_bytes())


def test_dataset_errors_name_the_problem(client, alice, stack, tmp_path, mnist_small):
    n = _count(stack, Dataset)
    bad = tmp_path / "bad.npz"
    np.savez(bad, x_train=np.zeros((4, 2, 2)), y_train=np.zeros(4, dtype=np.int64))
    r = upload_dataset(client, alice, bad)
    assert r.status_code == 422
    assert r.json()["error"]["missing"] == ["x_test", "y_test"]

    r = upload_dataset(client, alice, mnist_small, spec={})
    assert r.status_code == 422 and r.json()["error"]["field"] == "spec.labels"

    r = upload_dataset(client, alice, mnist_small, spec={"labels": {"p": 1.5, "seed": 0}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "spec.labels.p"

    labels = tmp_path / "labels.npy"
    np.save(labels, np.zeros(999, dtype=np.int64))
    r = upload_dataset(client, alice, mnist_small, spec={}, train_labels=labels)
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "train_labels" and "999" in r.json()["error"]["message"]

    for preprocessing, field, message in (
            ({"mean": [0.5, 0.5], "std": [0.2, 0.2]}, "spec.preprocessing", "but the inputs have 1 channel: give 1"),
            ({"mean": [0.5, 0.5], "std": [0.2]}, "spec.preprocessing", "as many means as stds"),
            ({"mean": [0.5], "std": [-1.0]}, "spec.preprocessing.std.0", "greater than 0"),
            ({"mean": [0.5], "std": [1.0], "scale": 255}, "spec.preprocessing.scale", "")):
        r = upload_dataset(client, alice, mnist_small, spec={"labels": {"p": 0.4}, "preprocessing": preprocessing})
        assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text
        assert message in r.json()["error"]["message"], r.text

    r = upload_dataset(client, alice, None, spec={"source": "mnist", "root": "../../etc", "labels": {"p": 0.4}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "spec.root"
    r = upload_dataset(client, alice, None, spec={"source": "mnist", "root": "/etc", "labels": {"p": 0.4}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "spec.root"
    r = upload_dataset(client, alice, None, spec={"source": "mnist", "labels": {"p": 0.4}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "spec.root"
    assert _count(stack, Dataset) == n
    assert list(stack.settings.staging_dir.rglob("upload-*")) == []


def test_a_stated_preprocessing_is_recorded_and_said_in_words(client, alice, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (12, 4, 4, 3), dtype=np.uint8)  # channels last: the 3 is C
    np.savez(tmp_path / "rgb.npz", x_train=x, y_train=np.arange(12) % 2, x_test=x[:4], y_test=np.arange(4) % 2)
    imagenet = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
    r = upload_dataset(client, alice, tmp_path / "rgb.npz", spec={"labels": {"p": 0.0}, "preprocessing": imagenet})
    assert r.status_code == 201, r.text
    assert r.json()["info"]["preprocessing"] == {
        **imagenet, "stated": True,
        "description": "x / 255, then (x − [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225] per channel"}
    np.savez(tmp_path / "features.npz", x_train=x.reshape(12, -1).astype(np.float32), y_train=np.arange(12) % 2,
             x_test=x[:4].reshape(4, -1).astype(np.float32), y_test=np.arange(4) % 2)
    r = upload_dataset(client, alice, tmp_path / "features.npz", spec={"labels": {"p": 0.0}})
    assert r.status_code == 201, r.text
    assert r.json()["info"]["input_dtype"] == "float32"
    assert r.json()["info"]["preprocessing"] == {"mean": [0.0], "std": [1.0], "stated": False,
                                                 "description": "the stored values as they are"}


def test_every_noise_model_is_recorded_with_what_it_drew(client, alice, stack, mnist_small):
    from latentgen.corruption import NoiseModel, realised_noise

    with np.load(mnist_small) as z:
        y = z["y_train"]
    matrix = (0.7 * np.eye(10) + 0.3 * np.roll(np.eye(10), 3, axis=1)).tolist()
    for labels, rate in (({"noise": "pairflip", "p": 0.4, "class_map": "mnist", "seed": 3}, 0.2),
                         ({"noise": "pairflip", "p": 0.3, "class_map": [[1, 7], [7, 1]]}, 0.06),
                         ({"noise": "transition", "matrix": matrix, "seed": 1}, 0.3)):
        r = upload_dataset(client, alice, mnist_small, spec={"labels": labels})
        assert r.status_code == 201, r.text
        record = r.json()["labels"]
        model = NoiseModel.from_dict(labels)
        assert record["noise"] == labels["noise"] and record["description"] == model.describe()
        assert record["expected_rate"] == pytest.approx(rate)
        assert record["realised"] == realised_noise(model.corrupt(y, 10, labels.get("seed", 0)), 10)
        changed = {(c["true"], c["given"]) for c in record["realised"]["changes"]}
        assert changed <= {(2, 7), (3, 8), (5, 6), (6, 5), (7, 1), (1, 7)} | {(i, (i + 3) % 10) for i in range(10)}
    # a named source's labels are read by the workers: the record has the model and its expected rate
    r = upload_dataset(client, alice, None, spec={"source": "digits", "labels": {"noise": "pairflip", "p": 0.5}})
    assert r.status_code == 201, r.text
    assert r.json()["labels"]["class_map"] == "next" and r.json()["labels"]["expected_rate"] == pytest.approx(0.5)
    assert r.json()["labels"]["realised"] is None

    n = _count(stack, Dataset)
    for labels, field, message in (
            ({"noise": "transition", "matrix": [[0.5, 0.4], [0.0, 1.0]]}, "spec.labels.matrix.0", "sums to 0.9"),
            ({"noise": "transition", "matrix": np.eye(3).tolist()}, "spec.labels.matrix", "but the data set has 10"),
            ({"noise": "transition", "matrix": [[1.5, -0.5], [0, 1]]}, "spec.labels.matrix.0.0", "less than or equal"),
            ({"noise": "transition", "p": 0.2, "matrix": np.eye(10).tolist()}, "spec.labels.p", "gives the rates"),
            ({"noise": "pairflip", "p": 0.2, "class_map": [[1, 12]]}, "spec.labels.class_map.0", "beyond"),
            ({"noise": "pairflip", "p": 0.2, "class_map": "imagenet"}, "spec.labels.class_map", ""),
            ({"noise": "transition", "matrix": np.eye(101).tolist()}, "spec.labels.matrix", "at most 100 items"),
            ({"noise": "uniform"}, "spec.labels.p", "needs p"),
            ({"noise": "gaussian", "p": 0.2}, "spec.labels.noise", "")):
        r = upload_dataset(client, alice, mnist_small, spec={"labels": labels})
        assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text
        assert message in r.json()["error"]["message"], r.text
    assert _count(stack, Dataset) == n


def test_named_source_under_the_data_dir(client, alice):
    r = upload_dataset(client, alice, None, spec={"source": "mnist", "root": "mnist", "labels": {"p": 0.2, "seed": 1}})
    assert r.status_code == 201, r.text
    assert r.json()["root"] == "mnist" and r.json()["sha256"] is None


# ------------------------------------------------------------------ jobs

def test_job_validation(client, alice, model, dataset, tmp_path):
    r = client.post("/v1/jobs", headers=alice, json={"kind": "probe", "model_id": model["id"],
                                                     "dataset_id": dataset["id"], "params": {"layers": ["fc9"]}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "params.layers"
    r = client.post("/v1/jobs", headers=alice, json={"kind": "probe", "model_id": model["id"],
                                                     "dataset_id": dataset["id"], "params": {"probes": ["magic"]}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "params.probes.0"
    r = client.post("/v1/jobs", headers=alice, json={"kind": "repair", "model_id": model["id"],
                                                     "dataset_id": dataset["id"], "params": {"bias": "some"}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "params.bias"
    r = client.post("/v1/jobs", headers=alice, json={"kind": "repair", "dataset_id": dataset["id"]})
    assert r.status_code == 422 and r.json()["error"]["field"] == "model_id"
    r = client.post("/v1/jobs", headers=alice, json={"kind": "fly"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "kind"
    r = client.post("/v1/jobs", content=b"{not json", headers={**alice, "Content-Type": "application/json"})
    assert r.status_code == 422
    # an incompatible data set (8x8 images for a 28x28 model)
    small = tmp_path / "tiny.npz"
    np.savez(small, x_train=np.zeros((10, 8, 8), np.uint8), y_train=np.arange(10) % 10,
             x_test=np.zeros((5, 8, 8), np.uint8), y_test=np.arange(5))
    tiny = upload_dataset(client, alice, small).json()
    r = client.post("/v1/jobs", headers=alice, json={"kind": "repair", "model_id": model["id"], "dataset_id": tiny["id"]})
    assert r.status_code == 422 and r.json()["error"]["field"] == "dataset_id"


@pytest.fixture(scope="module")
def probe_job(client, alice, model, dataset, stack) -> dict:
    r = client.post("/v1/jobs", headers=alice, json={
        "kind": "probe", "model_id": model["id"], "dataset_id": dataset["id"],
        "params": {"layers": ["fc1", "fc2"], "probes": ["masc", "linear"]}})
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["location"] == f"/v1/jobs/{job['id']}"
    assert job["status"] == "queued" and job["queue"] == stack.settings.queue_for("probe")
    return wait_job(client, alice, job["id"])


def test_probe_job_runs_on_the_worker(client, alice, probe_job):
    job = probe_job
    assert job["status"] == "succeeded", job
    assert job["attempts"] == 1
    assert job["progress"]["stage"] == "done"
    assert job["started_at"] and job["finished_at"]

    res = client.get(f"/v1/jobs/{job['id']}/result", headers=alice).json()
    assert res["columns"][:4] == ["layer", "probe", "metric", "value"]
    got = {(row["layer"], row["probe"], row["metric"]) for row in res["rows"]}
    for layer in ("fc1", "fc2"):
        for probe in ("masc", "linear"):
            assert (layer, probe, "test_acc") in got and (layer, probe, "train_acc_noisy") in got
    assert ("model", "model", "test_acc") in got
    accs = [row["value"] for row in res["rows"] if row["metric"] == "test_acc"]
    assert all(0.0 <= a <= 1.0 for a in accs) and max(accs) > 0.5  # real MNIST, well above chance
    assert res["summary"]["model_test_acc"] is not None
    # the worker drew the labels the data set's record says were drawn
    dataset = client.get(f"/v1/datasets/{job['dataset_id']}", headers=alice).json()
    assert res["summary"]["data"]["noise"] == {"model": dataset["labels"]["description"], **dataset["labels"]["realised"]}

    # the same table as CSV, its own operation; the JSON operation answers JSON whatever Accept says
    csv1 = client.get(f"/v1/jobs/{job['id']}/result.csv", headers=alice)
    assert csv1.headers["content-type"].startswith("text/csv")
    lines = csv1.text.strip().splitlines()
    assert lines[0].startswith("layer,probe,metric,value") and len(lines) == len(res["rows"]) + 1
    assert client.get(f"/v1/jobs/{job['id']}/result", headers={**alice, "Accept": "text/csv"}).json() == res

    # artifacts stream with their sha256
    kinds = {a["kind"] for a in res["artifacts"]}
    assert "result" in kinds
    for a in res["artifacts"]:
        d = client.get(f"/v1/artifacts/{a['id']}", headers=alice)
        assert d.status_code == 200
        assert sha256_bytes(d.content) == a["sha256"] == d.headers["x-content-sha256"]
        assert len(d.content) == a["size_bytes"]
        assert client.get(f"/v1/artifacts/{a['id']}", headers={"Authorization": "Bearer x"}).status_code == 401


def test_cancel_a_running_job(client, alice, bob, dataset, stack):
    r = client.post("/v1/jobs", headers=alice, json={"kind": "train", "dataset_id": dataset["id"],
                                                     "params": {"arch": {"name": "mlp"}, "max_epochs": 500,
                                                                "target_train_acc": 1.0}})
    assert r.status_code == 202
    job = r.json()
    assert job["queue"].endswith("-gpu")  # heavy kinds go to the gpu queue
    res = client.get(f"/v1/jobs/{job['id']}/result", headers=alice)
    assert res.status_code == 409 and res.json()["error"]["job_status"] in ("queued", "running")
    assert client.get(f"/v1/jobs/{job['id']}", headers=bob).status_code == 404
    assert client.post(f"/v1/jobs/{job['id']}/cancel", headers=bob).status_code == 404
    # running, with progress written to the row
    running = wait_job(client, alice, job["id"], timeout=120, until=("running",))
    deadline = time.monotonic() + 120
    while running["progress"]["stage"] != "train" or running["progress"]["current"] < 1:
        assert time.monotonic() < deadline, running
        time.sleep(0.2)
        running = client.get(f"/v1/jobs/{job['id']}", headers=alice).json()
    assert running["progress"]["total"] == 500
    r = client.post(f"/v1/jobs/{job['id']}/cancel", headers=alice)
    assert r.status_code == 200 and r.json()["status"] == "canceled"
    assert client.post(f"/v1/jobs/{job['id']}/cancel", headers=alice).json()["status"] == "canceled"
    # the worker stops at its next progress report and writes nothing
    job_id = job["id"]
    stack.worker.wait_log(f"job {job_id}: canceled", timeout=120)
    job = client.get(f"/v1/jobs/{job_id}", headers=alice).json()
    assert job["status"] == "canceled" and job["output_model_id"] is None
    assert client.get(f"/v1/jobs/{job_id}/result", headers=alice).status_code == 409
    with stack.sessionmaker() as db:
        assert db.get(Job, job_id).result is None


def test_cancel_of_a_finished_job_is_409(client, alice, probe_job):
    r = client.post(f"/v1/jobs/{probe_job['id']}/cancel", headers=alice)
    assert r.status_code == 409 and r.json()["error"]["job_status"] == "succeeded"


def test_list_jobs_paginates_and_filters(client, alice, bob, model, dataset):
    for _ in range(3):
        r = client.post("/v1/jobs", headers=alice, json={"kind": "probe", "model_id": model["id"],
                                                         "dataset_id": dataset["id"], "params": {"layers": ["fc1"]}})
        assert r.status_code == 202
        client.post(f"/v1/jobs/{r.json()['id']}/cancel", headers=alice)
    page = client.get("/v1/jobs?limit=2", headers=alice).json()
    total = page["total"]
    assert total >= 3 and len(page["items"]) == 2 and page["limit"] == 2 and page["offset"] == 0
    ids = [j["id"] for j in page["items"]]
    offset = 2
    while offset < total:
        nxt = client.get(f"/v1/jobs?limit=2&offset={offset}", headers=alice).json()
        ids += [j["id"] for j in nxt["items"]]
        offset += 2
    assert len(ids) == len(set(ids)) == total
    created = [j["created_at"] for j in client.get("/v1/jobs?limit=100", headers=alice).json()["items"]]
    assert created == sorted(created, reverse=True)
    canceled = client.get("/v1/jobs?status=canceled&kind=probe", headers=alice).json()
    assert canceled["total"] >= 3 and all(j["status"] == "canceled" and j["kind"] == "probe" for j in canceled["items"])
    assert client.get("/v1/jobs", headers=bob).json()["total"] == 0
    assert client.get("/v1/jobs?limit=0", headers=alice).status_code == 422
    assert client.get("/v1/jobs?status=weird", headers=alice).status_code == 422
    for url in ("/v1/jobs", "/v1/models", "/v1/datasets"):  # found by schemathesis: no 500 on huge offsets
        r = client.get(f"{url}?offset=9872031904233633792", headers=alice)
        assert r.status_code == 422 and r.json()["error"]["field"] == "offset"


def test_duplicate_delivery_is_idempotent(client, alice, stack, app, probe_job):
    from service.queue import enqueue_job

    job = probe_job
    with stack.sessionmaker() as db:
        before = db.get(Job, job["id"])
        result_before = before.result
    enqueue_job(app.state.celery, job["id"], job["queue"])  # the same message again
    stack.worker.wait_log(f"job {job['id']}: not queued (or already held by a live worker), skipped", timeout=120)
    after = client.get(f"/v1/jobs/{job['id']}", headers=alice).json()
    assert after["attempts"] == job["attempts"] and after["finished_at"] == job["finished_at"]
    with stack.sessionmaker() as db:
        assert db.get(Job, job["id"]).result == result_before


def test_requeue_recovers_a_lost_message(client, alice, stack, app, model, dataset):
    """A queued row whose message never reached the broker runs once it is requeued."""
    from service.requeue import requeue_jobs

    with stack.sessionmaker() as db:
        owner_id = db.get(Model, model["id"]).owner_id
        job = Job(owner_id=owner_id, kind="probe", status="queued", queue=stack.settings.queue_default,
                  params={"layers": ["fc1"], "probes": ["linear"], "probe_options": {}, "batch_size": 256},
                  model_id=model["id"], dataset_id=dataset["id"])
        db.add(job)
        db.commit()
        job_id = job.id
    time.sleep(1.0)
    assert client.get(f"/v1/jobs/{job_id}", headers=alice).json()["status"] == "queued"
    with stack.sessionmaker() as db:
        assert requeue_jobs(db, app.state.celery, older_than_s=3600) == []  # too recent
        assert job_id in requeue_jobs(db, app.state.celery, older_than_s=0)
    done = wait_job(client, alice, job_id)
    assert done["status"] == "succeeded" and done["attempts"] == 1


def test_worker_lost_mid_job_is_redelivered_and_rerun(client, alice, stack, dataset):
    """acks_late + reject_on_worker_lost: killing the worker's child mid-job requeues the message;
    the job is claimed again from its row (attempt 2) and finishes once, with one set of artifacts."""
    import os
    import signal

    r = client.post("/v1/jobs", headers=alice, json={"kind": "train", "dataset_id": dataset["id"],
                                                     "params": {"arch": {"name": "mlp"}, "max_epochs": 8, "seed": 1,
                                                                "target_train_acc": 1.0, "recipe": "adam_fast"}})
    job_id = r.json()["id"]
    deadline = time.monotonic() + 120
    while True:
        job = client.get(f"/v1/jobs/{job_id}", headers=alice).json()
        if job["status"] == "running" and job["progress"]["stage"] == "train":
            break
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    assert job["progress"]["current"] < 8 and job["attempts"] == 1  # killed mid-job
    children = stack.worker.children()
    assert len(children) == 1
    os.kill(children[0], signal.SIGKILL)
    job = wait_job(client, alice, job_id, timeout=300)
    assert job["status"] == "succeeded", job
    assert job["attempts"] == 2
    res = client.get(f"/v1/jobs/{job_id}/result", headers=alice).json()
    names = sorted(a["name"] for a in res["artifacts"])
    assert names == ["checkpoints.safetensors", "history.csv", "model.safetensors", "report.html"]
    assert res["summary"]["epochs_run"] == 8 and [row["epoch"] for row in res["rows"]] == list(range(9))
    trained = client.get(f"/v1/models/{job['output_model_id']}", headers=alice).json()
    assert trained["source_job_id"] == job_id and trained["arch"] == MLP_ARCH
    assert "WorkerLostError" in stack.worker.log() or "SIGKILL" in stack.worker.log()
