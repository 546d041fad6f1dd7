"""Clients generated from the committed OpenAPI document work with no hand edits.

1. `openapi-python-client` regenerates `clients/python/latentgen_client` from docs/openapi.json exactly as committed
   (so the committed client is the generated one, unedited and current).
2. A user's whole journey with that generated client only, against a live `latentgen serve`: upload a
   model and a data set, list layers, probe, poll, typed summary, CSV, repair, download and load the
   repaired weights, cancel a job, and typed errors for 401/404/409/413/422.
"""

from __future__ import annotations

import filecmp
import hashlib
import io
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from svc_helpers import MLP_ARCH, ROOT, Serve, alive

UPLOAD_LIMIT = 24 << 20


def _tree_diff(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b, ignore=["__pycache__"])
    out = [f"only in {cmp.left}: {n}" for n in cmp.left_only] + [f"only in {cmp.right}: {n}" for n in cmp.right_only]
    out += [f"differs: {Path(cmp.left) / n}" for n in filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)[1]]
    for sub in cmp.common_dirs:
        out += _tree_diff(a / sub, b / sub)
    return out


def test_committed_client_is_generated_from_the_committed_document(tmp_path):
    out = tmp_path / "latentgen_client"
    generator = Path(sys.executable).with_name("openapi-python-client")
    run = subprocess.run([str(generator), "generate", "--path", str(ROOT / "docs" / "openapi.json"),
                          "--config", str(ROOT / "clients" / "python" / "config.yaml"), "--meta", "none",
                          "--output-path", str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    assert _tree_diff(out, ROOT / "clients" / "python" / "latentgen_client") == [], "run `make openapi`: the committed client is stale"


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    home = tmp_path_factory.mktemp("serve")
    s = Serve(home / "home", home / "serve.log", env={"LATENTGEN_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT)}).start()
    yield s
    s.stop()
    # stopping serve stops its worker too
    deadline = time.monotonic() + 20
    while alive(s.worker_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(s.worker_pid)


@pytest.mark.timeout(900)
def test_user_journey_with_the_generated_client(serve, tmp_path, mlp_files, mnist_small):
    import torch
    from safetensors.torch import load_file

    from latentgen_client import AuthenticatedClient, Client
    from latentgen_client.api.datasets import create_dataset
    from latentgen_client.api.jobs import cancel_job, create_job, get_job, get_job_result, get_job_result_csv
    from latentgen_client.api.models import create_model, download_model_weights, get_model, list_model_layers
    from latentgen_client.models import (ArchSpec, BiasMode, CorruptionSpec, DatasetSpec, DatasetUpload, DataSource,
                                         ErrorResponse, JobStatus, ModelOut, ModelUpload, ProbeJob, ProbeJobCreate,
                                         ProbeName, ProbeParams, ProbeResult, ProbeSummary, RepairJobCreate,
                                         RepairParams, RepairResult, RecipeName, TrainArch, TrainJobCreate,
                                         TrainParams)
    from latentgen_client.types import File

    client = AuthenticatedClient(base_url=serve.url, token=serve.key, timeout=None)
    arch = ArchSpec.from_dict(MLP_ARCH)

    def upload(path: Path, arch=arch, name=None):
        with open(path, "rb") as f:
            return create_model.sync_detailed(client=client, body=ModelUpload(
                weights=File(payload=f, file_name=path.name), arch=arch, **({"name": name} if name else {})))

    def wait(job_id: str, until=("succeeded", "failed", "canceled")):
        deadline = time.monotonic() + 600
        while (job := get_job.sync(job_id, client=client)).status not in until:
            assert time.monotonic() < deadline, job
            time.sleep(0.3)
        return job

    # upload a model and a data set: typed parts, binary files
    r = upload(mlp_files["safetensors"], name="journey mlp")
    assert r.status_code == 201 and isinstance(r.parsed, ModelOut), r.content
    model = r.parsed
    assert model.arch.input_shape == [1, 28, 28] and model.format_ == "safetensors" and model.name == "journey mlp"
    assert upload(mlp_files["safetensors"], name="journey mlp").status_code == 200  # same bytes: same record
    with open(mnist_small, "rb") as f:
        r = create_dataset.sync_detailed(client=client, body=DatasetUpload(
            spec=DatasetSpec(source=DataSource.NPZ, labels=CorruptionSpec(p=0.4, seed=42), name="mnist small"),
            file=File(payload=f, file_name="mnist_small.npz")))
    assert r.status_code == 201, r.content
    dataset = r.parsed
    assert dataset.info.n_train == 1000 and dataset.labels.kind == "corruption" and dataset.labels.p == 0.4

    layers = list_model_layers.sync(model.id, client=client)
    names = {l.name: l.output_shape for l in layers}
    assert names["fc1"][-1] > 0 and "fc2" in names and "classifier" in names

    # probe, poll, typed result
    job = create_job.sync(client=client, body=ProbeJobCreate(kind="probe", model_id=model.id, dataset_id=dataset.id,
                                                             params=ProbeParams(layers=["fc1", "fc2"],
                                                                                probes=[ProbeName.MASC, ProbeName.LINEAR])))
    assert isinstance(job, ProbeJob) and job.params.probes == [ProbeName.MASC, ProbeName.LINEAR]
    assert job.params.batch_size == 256  # a declared default, filled in by the server
    job = wait(job.id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    result = get_job_result.sync(job.id, client=client)
    assert isinstance(result, ProbeResult) and isinstance(result.summary, ProbeSummary)
    assert 0.0 <= result.summary.model_test_acc <= 1.0
    assert result.summary.data.n_train == 1000 and result.summary.data.input_shape == [1, 28, 28]
    cells = {(row.layer, row.probe, row.metric): row.value for row in result.rows}
    assert cells[("model", "model", "test_acc")] == result.summary.model_test_acc
    # the best layer is chosen on the validation split; the test set's own pick is only reported
    best, oracle = result.summary.best, result.summary.oracle
    assert best.val_acc == cells[(best.layer, best.probe, "val_acc")] == max(
        v for (layer, probe, metric), v in cells.items() if metric == "val_acc" and probe != "model")
    assert best.test_acc == cells[(best.layer, best.probe, "test_acc")]
    assert oracle.test_acc == max(
        v for (layer, probe, metric), v in cells.items() if metric == "test_acc" and probe != "model")
    assert result.summary.validation.n_val == 100 and result.summary.validation.seed == 0
    assert {a.kind for a in result.artifacts} >= {"result", "plot"}
    r = get_job_result_csv.sync_detailed(job.id, client=client)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.parsed.strip().splitlines()
    assert lines[0] == "layer,probe,metric,value" and len(lines) == len(result.rows) + 1

    # repair, download the repaired weights: the sha256 matches and they load into the architecture
    job = create_job.sync(client=client, body=RepairJobCreate(kind="repair", model_id=model.id, dataset_id=dataset.id,
                                                              params=RepairParams(bias=BiasMode.ZERO)))
    job = wait(job.id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    repair = get_job_result.sync(job.id, client=client)
    assert isinstance(repair, RepairResult)
    assert repair.summary.gain == pytest.approx(repair.summary.repaired_test_acc - repair.summary.model_test_acc)
    assert repair.summary.output_model_id == job.output_model_id
    r = download_model_weights.sync_detailed(job.output_model_id, client=client)
    assert r.status_code == 200
    blob = r.parsed.payload.read()
    assert hashlib.sha256(blob).hexdigest() == r.headers["x-content-sha256"] == get_model.sync(
        job.output_model_id, client=client).sha256
    (tmp_path / "repaired.safetensors").write_bytes(blob)
    from latentgen.models import build_model

    net = build_model("mlp", (1, 28, 28), 10)
    net.load_state_dict(load_file(str(tmp_path / "repaired.safetensors")), strict=True)
    assert torch.all(net.state_dict()["classifier.bias"] == 0)

    # cancel a long job (again: still canceled); cancelling a finished one is a typed 409
    ds = create_dataset.sync(client=client, body=DatasetUpload(
        spec=DatasetSpec(source=DataSource.DIGITS, labels=CorruptionSpec(p=0.4, seed=0))))
    train = create_job.sync(client=client, body=TrainJobCreate(kind="train", dataset_id=ds.id, params=TrainParams(
        arch=TrainArch(name="mlp"), recipe=RecipeName.ADAM_FAST, max_epochs=5000, target_train_acc=1.0)))
    canceled = cancel_job.sync(train.id, client=client)
    assert canceled.status == JobStatus.CANCELED
    assert cancel_job.sync(train.id, client=client).status == JobStatus.CANCELED
    r = cancel_job.sync_detailed(job.id, client=client)
    assert r.status_code == 409 and isinstance(r.parsed, ErrorResponse)
    assert r.parsed.error.code == "conflict" and r.parsed.error.job_status == JobStatus.SUCCEEDED
    r = get_job_result.sync_detailed(train.id, client=client)
    assert r.status_code == 409 and r.parsed.error.code == "not_ready"

    # typed errors
    anonymous = Client(base_url=serve.url)
    r = get_model.sync_detailed(model.id, client=AuthenticatedClient(base_url=serve.url, token="lg_wrong"))
    assert r.status_code == 401 and r.parsed.error.code == "unauthorized"
    r = get_job.sync_detailed(job.id, client=anonymous)  # type: ignore[arg-type]
    assert r.status_code == 401 and r.parsed.error.field == "Authorization"
    r = get_model.sync_detailed("0" * 32, client=client)
    assert r.status_code == 404 and isinstance(r.parsed, ErrorResponse) and r.parsed.error.code == "not_found"
    r = upload(mlp_files["safetensors"], arch=ArchSpec(name="cnn", input_shape=[1, 28, 28], num_classes=10))
    assert r.status_code == 409 and r.parsed.error.model_id == model.id  # same bytes, another architecture
    r = upload(mlp_files["pt"], arch=ArchSpec(name="mlp", input_shape=[1, 28, 28], num_classes=7))
    assert r.status_code == 422 and r.parsed.error.code == "weights_mismatch" and r.parsed.error.field == "weights"
    assert any(m.key == "classifier.weight" for m in r.parsed.error.mismatched)
    big = tmp_path / "big.safetensors"
    big.write_bytes(b"\0" * (UPLOAD_LIMIT + 1))
    r = upload(big)
    assert r.status_code == 413 and r.parsed.error.code == "payload_too_large"
    r = create_job.sync_detailed(client=client, body=ProbeJobCreate(kind="probe", model_id=model.id, dataset_id=dataset.id,
                                                                    params=ProbeParams(layers=["nope"])))
    assert r.status_code == 422 and r.parsed.error.field == "params.layers" and r.parsed.error.unknown == ["nope"]
    labels = io.BytesIO()
    np.save(labels, np.zeros(3, dtype=np.int64))
    labels.seek(0)
    with open(mnist_small, "rb") as f:
        r = create_dataset.sync_detailed(client=client, body=DatasetUpload(
            spec=DatasetSpec(source=DataSource.NPZ), file=File(payload=f, file_name="d.npz"),
            train_labels=File(payload=labels, file_name="labels.npy")))
    assert r.status_code == 422 and r.parsed.error.field == "train_labels" and "1000" in r.parsed.error.message
