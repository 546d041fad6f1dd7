"""Request-body limits on a real HTTP server: JSON bodies are small, and a body that stops
arriving is answered 408 and its connection closed, instead of holding a worker thread."""

from __future__ import annotations

import json
import socket
import threading
import time

import httpx
import pytest

from svc_helpers import free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from service.core.config import Settings
    from service.core.security import create_key
    from service.main import create_app
    from service.migrate import upgrade

    home = tmp_path_factory.mktemp("limits")
    settings = Settings(home=home, max_json_bytes=4096, body_chunk_timeout_s=1.0)
    upgrade(settings.database_url)
    app = create_app(settings)
    with app.state.sessionmaker() as db:
        key, _ = create_key(db, "limits")
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", key, port
    srv.should_exit = True
    thread.join(10)
    app.state.engine.dispose()


def test_a_json_body_over_its_limit_is_413(server):
    url, key, _ = server
    body = {"kind": "probe", "model_id": "m", "dataset_id": "d", "params": {"layers": ["x" * 100] * 60}}
    r = httpx.post(url + "/v1/jobs", json=body, headers={"Authorization": f"Bearer {key}"})
    assert len(json.dumps(body)) > 4096
    assert r.status_code == 413 and r.json()["error"] == {
        "code": "payload_too_large", "message": "request body exceeds 4096 bytes", "field": None, "limit": 4096}


def test_a_trickled_body_is_408_and_the_connection_is_closed(server):
    url, key, port = server
    body = json.dumps({"kind": "probe", "model_id": "m", "dataset_id": "d"}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body[:5])
        answer = b""
        while chunk := s.recv(65536):  # the server answers, then closes: recv returns b""
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer
    assert json.loads(payload)["error"]["code"] == "request_timeout"


def test_readyz_is_503_without_a_live_worker(server):
    url, _key, _port = server  # this API runs no worker
    r = httpx.get(url + "/readyz")
    assert r.status_code == 503 and r.json()["checks"]["workers"] == "error: no worker alive"
    assert {k: v for k, v in r.json()["checks"].items() if k != "workers"} == {
        "database": "ok", "broker": "ok", "storage": "ok"}


def test_npz_labels_are_streamed_not_held(tmp_path):
    """96 MB of labels (12 M int64, deflated to a few hundred KB) with their 12 M one-pixel images: the
    check never holds the labels whole (it used to keep every chunk, then concatenate them), only a
    few of its 16 MiB chunks at a time."""
    import io
    import tracemalloc
    import zipfile

    import numpy as np

    from service.inspect_uploads import inspect_npz

    n = 12_000_000
    path = tmp_path / "many.npz"
    with zipfile.ZipFile(path, "w") as z:
        for key, arr, how in (("x_train", np.zeros((n, 1), np.uint8), zipfile.ZIP_STORED),
                              ("y_train", np.arange(n, dtype=np.int64) % 10, zipfile.ZIP_DEFLATED),
                              ("x_test", np.zeros((2, 1), np.uint8), zipfile.ZIP_STORED),
                              ("y_test", np.zeros(2, np.int64), zipfile.ZIP_STORED)):
            buf = io.BytesIO()
            np.save(buf, arr)
            z.writestr(f"{key}.npy", buf.getvalue(), compress_type=how)
    tracemalloc.start()
    try:
        info = inspect_npz(path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info["n_train"] == n and info["num_classes"] == 10
    assert peak < 64 << 20 < 8 * n


def _app_client(settings):
    from fastapi.testclient import TestClient

    from service.core.security import create_key
    from service.main import create_app
    from service.migrate import upgrade

    upgrade(settings.database_url)
    app = create_app(settings)
    with app.state.sessionmaker() as db:
        key = create_key(db, "limits")[0]
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["Authorization"] = f"Bearer {key}"
    return app, client


def test_database_busy_is_503_with_retry_after_in_the_error_body(tmp_path):
    """A write that waits past the busy timeout for another's lock on the SQLite file."""
    import sqlite3

    from service.core.config import Settings

    settings = Settings(home=tmp_path, sqlite_busy_timeout_s=0.5)
    app, client = _app_client(settings)
    holder = sqlite3.connect(tmp_path / "latentgen.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held
        r = client.post("/v1/datasets", files={"spec": (None, '{"source": "digits", "labels": {"p": 0.4, "seed": 0}}')})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"] == "5"
    assert r.json()["error"]["code"] == "database_unavailable"
    # and once the lock is gone, the same request goes through
    r = client.post("/v1/datasets", files={"spec": (None, '{"source": "digits", "labels": {"p": 0.4, "seed": 0}}')})
    assert r.status_code == 201, r.text
    app.state.engine.dispose()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MiB tmpfs (mounting needs root: skipped, saying so, without it)."""
    import subprocess

    path = tmp_path / "tiny"
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_disk_full_is_507_in_the_error_body_and_keeps_nothing(tmp_path, tiny_disk):
    from sqlalchemy import func, select

    from service.core.config import Settings
    from service.models import Model

    settings = Settings(home=tmp_path, staging_dir=tiny_disk)
    app, client = _app_client(settings)
    weights = {"weights": ("w.safetensors", b"\0" * (2 << 20)),
               "arch": (None, '{"name": "mlp", "input_shape": [1, 8, 8], "num_classes": 10}')}
    r = client.post("/v1/models", files=weights)
    assert r.status_code == 507, r.text
    assert r.json()["error"]["code"] == "insufficient_storage"
    assert list(tiny_disk.rglob("upload-*")) == []
    with app.state.sessionmaker() as db:
        assert db.scalar(select(func.count()).select_from(Model)) == 0
    app.state.engine.dispose()
    app.state.staging.close()  # its lock file is on the tmpfs


def test_an_owner_over_its_quota_of_active_jobs_gets_429_and_others_do_not(tmp_path):
    """No worker: jobs stay queued. Alice's third is refused; Bob's first is not; a cancel frees a place."""
    from service.core.config import Settings
    from service.core.security import create_key

    app, alice = _app_client(Settings(home=tmp_path, max_active_jobs_per_owner=2))
    digits = alice.post("/v1/datasets", files={"spec": (None, '{"source": "digits", "labels": {"p": 0.4, "seed": 0}}')})
    body = {"kind": "train", "dataset_id": digits.json()["id"], "params": {"arch": {"name": "mlp"}, "max_epochs": 1}}
    first, second = (alice.post("/v1/jobs", json=body) for _ in range(2))
    assert first.status_code == second.status_code == 202
    r = alice.post("/v1/jobs", json=body)
    assert r.status_code == 429 and r.headers["Retry-After"] == "5", r.text
    assert r.json()["error"]["code"] == "quota_exceeded" and r.json()["error"]["limit"] == 2
    with app.state.sessionmaker() as db:
        bob_key = create_key(db, "bob")[0]
    bob_digits = alice.post("/v1/datasets", headers={"Authorization": f"Bearer {bob_key}"},
                            files={"spec": (None, '{"source": "digits", "labels": {"p": 0.4, "seed": 0}}')})
    r = alice.post("/v1/jobs", headers={"Authorization": f"Bearer {bob_key}"},
                   json={**body, "dataset_id": bob_digits.json()["id"]})
    assert r.status_code == 202, r.text
    assert alice.post(f"/v1/jobs/{first.json()['id']}/cancel").status_code == 200
    assert alice.post("/v1/jobs", json=body).status_code == 202
    app.state.engine.dispose()


def test_a_probe_job_whose_largest_layer_cannot_fit_a_jobs_memory_is_refused_at_creation(tmp_path):
    """The worker's memory model (latentgen.memory) at admission: 4 MiB cannot hold the MLP's
    2,048-feature layers over digits' training images; the layers that fit are accepted."""
    import io

    import torch
    from safetensors.torch import save
    from sqlalchemy import text

    from latentgen.models import build_model
    from service.core.config import Settings

    app, client = _app_client(Settings(home=tmp_path, job_memory_mb=4))
    digits = client.post("/v1/datasets", files={"spec": (None, '{"source": "digits", "labels": {"p": 0.4, "seed": 0}}')})
    assert digits.status_code == 201, digits.text
    torch.manual_seed(0)
    weights = save(build_model("mlp", (1, 8, 8), 10).state_dict())
    model = client.post("/v1/models", files={"weights": ("m.safetensors", io.BytesIO(weights)),
                                             "arch": (None, '{"name": "mlp", "input_shape": [1, 8, 8], "num_classes": 10}')})
    assert model.status_code == 201, model.text
    body = {"kind": "probe", "model_id": model.json()["id"], "dataset_id": digits.json()["id"]}
    r = client.post("/v1/jobs", json=body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "too_large" and error["field"] == "params.layers" and error["layer"] in ("fc3", "fc4")
    assert error["needed_bytes"] > error["limit_bytes"] == 4 * 2**20 and "LATENTGEN_JOB_MEMORY_MB" in error["message"]
    r = client.post("/v1/jobs", json={**body, "params": {"layers": ["fc1"]}})  # 128 features: fits
    assert r.status_code == 202, r.text
    with app.state.sessionmaker() as db:
        assert db.execute(text("select count(*) from jobs")).scalar() == 1  # the refused job left no row
    app.state.engine.dispose()
