"""Crash semantics with real processes: whichever process dies, a job ends `succeeded` exactly once
(one success written, one set of artifacts, no orphaned blob), automatically. Embedded mode
(`latentgen serve`: SQLite, the SQLite broker, a local store) and Postgres + Redis + S3.

Leases are short here (LATENTGEN_JOB_LEASE_S) so that a dead worker's job is reclaimed quickly."""

from __future__ import annotations

import os
import signal
import socket
import time
import uuid
from pathlib import Path

import httpx
import pytest

from svc_helpers import Serve, WorkerProcess, alive, child_pids, fresh_database, orphan_blobs, wait_job

LEASE = {"LATENTGEN_JOB_LEASE_S": "6", "LATENTGEN_WORKER_HEARTBEAT_S": "1"}
TRAIN = {"arch": {"name": "cnn"}, "recipe": "adam_fast", "max_epochs": 8, "target_train_acc": 1.0}


class Api:
    def __init__(self, url: str, key: str):
        self.http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60)

    def digits(self) -> str:
        r = self.http.post("/v1/datasets", files={"spec": (None, '{"source": "digits", "labels": {"p": 0.4, "seed": 0}}')})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def job(self, body: dict) -> str:
        r = self.http.post("/v1/jobs", json=body)
        assert r.status_code == 202, r.text
        return r.json()["id"]

    def get(self, job_id: str) -> dict:
        return self.http.get(f"/v1/jobs/{job_id}").json()

    def wait(self, job_id: str, predicate, timeout: float = 300) -> dict:
        deadline = time.monotonic() + timeout
        while not predicate(job := self.get(job_id)):
            assert time.monotonic() < deadline, job
            time.sleep(0.1)
        return job

    def finished(self, job_id: str, timeout: float = 600) -> dict:
        return self.wait(job_id, lambda j: j["status"] in ("succeeded", "failed", "canceled"), timeout)


def training(job: dict) -> bool:
    return job["progress"]["stage"] == "train" and job["progress"]["current"] >= 1


def _successes(logs: list[Path], job_id: str) -> int:
    return sum(p.read_text(errors="replace").count(f"job {job_id}: succeeded") for p in logs if p.exists())


def _check_once(api: Api, job_id: str, logs: list[Path], home: Path | None = None) -> dict:
    job = api.finished(job_id)
    assert job["status"] == "succeeded", job
    assert job["attempts"] >= 2, job  # it did run again
    assert _successes(logs, job_id) == 1
    result = api.http.get(f"/v1/jobs/{job_id}/result").json()
    names = sorted(a["name"] for a in result["artifacts"])
    assert names == sorted(set(names)) and "history.csv" in names  # one set of artifacts
    if home is not None:
        assert orphan_blobs(home) == []
    return job


@pytest.fixture
def serve(tmp_path):
    s = Serve(tmp_path / "home", tmp_path / "serve.log", env=LEASE).start()
    yield s
    s.stop()


def _api(serve: Serve) -> Api:
    return Api(serve.url, serve.key)


@pytest.mark.timeout(900)
def test_embedded_worker_main_process_killed(serve):
    api = _api(serve)
    job_id = api.job({"kind": "train", "dataset_id": api.digits(), "params": TRAIN})
    api.wait(job_id, training)
    os.kill(serve.worker_pid, signal.SIGKILL)  # the Celery main process; its pool child is stranded
    # serve starts a new worker; the job's lease runs out and it is queued again, once
    _check_once(api, job_id, [serve.home / "worker.log"], serve.home)
    assert "exited (-9); starting a new one" in serve.log_path.read_text()
    assert httpx.get(serve.url + "/readyz").json()["checks"]["workers"].startswith("ok")


@pytest.mark.timeout(900)
def test_embedded_pool_child_killed(serve):
    api = _api(serve)
    job_id = api.job({"kind": "train", "dataset_id": api.digits(), "params": TRAIN})
    api.wait(job_id, training)
    (child,) = child_pids(serve.worker_pid)
    os.kill(child, signal.SIGKILL)
    _check_once(api, job_id, [serve.home / "worker.log"], serve.home)


@pytest.mark.timeout(900)
def test_embedded_serve_killed_and_started_again(serve):
    api = _api(serve)
    # long enough that a stranded pool child could not finish it before serve is back
    job_id = api.job({"kind": "train", "dataset_id": api.digits(), "params": {**TRAIN, "max_epochs": 40}})
    api.wait(job_id, training)
    old_worker = serve.worker_pid
    os.kill(serve.proc.pid, signal.SIGKILL)  # serve alone: its worker must not outlive it
    serve.proc.wait(10)
    deadline = time.monotonic() + 10
    while alive(old_worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(old_worker)
    serve.start()
    assert "resumed:  1 unfinished job(s)" in serve.log_path.read_text()
    _check_once(api, job_id, [serve.home / "worker.log"], serve.home)


@pytest.mark.timeout(600)
def test_embedded_api_killed_mid_upload_leaves_no_staged_file(serve):
    staging = serve.home / "staging"
    size = 300 << 20
    head = (b'--b\r\nContent-Disposition: form-data; name="arch"\r\n\r\n{"name": "mlp", "input_shape": [1, 8, 8], '
            b'"num_classes": 10}\r\n--b\r\nContent-Disposition: form-data; name="weights"; filename="w"\r\n\r\n')
    tail = b"\r\n--b--\r\n"
    with socket.create_connection(("127.0.0.1", serve.port)) as s:
        s.sendall(b"POST /v1/models HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                  + f"Authorization: Bearer {serve.key}\r\nContent-Length: {len(head) + size + len(tail)}\r\n\r\n".encode()
                  + head)
        chunk = b"\0" * (1 << 20)
        for _ in range(size >> 20):
            s.sendall(chunk)
        s.sendall(tail)
        deadline = time.monotonic() + 120
        while not list(staging.rglob("upload-*")):  # the API is copying the upload into its staging area
            assert time.monotonic() < deadline and serve.proc.poll() is None
            time.sleep(0.005)
        os.killpg(serve.proc.pid, signal.SIGKILL)
    serve.proc.wait(10)
    assert list(staging.rglob("upload-*"))  # left behind by the dead process
    serve.start()
    assert list(staging.rglob("upload-*")) == []


# ---------------------------------------------------------------- Postgres + Redis + S3


@pytest.fixture
def stack_leased(tmp_path, pg_url, redis_url, s3_endpoint):
    """A fresh database, its own Redis queues and one worker, with short leases; the API (and so its
    reaper) runs in this process."""
    import uuid

    from fastapi.testclient import TestClient

    from service.core.config import Settings
    from service.core.security import create_key
    from service.main import create_app
    from service.migrate import upgrade

    uid = uuid.uuid4().hex[:8]
    with fresh_database(pg_url) as db_url:
        upgrade(db_url)
        settings = Settings(home=tmp_path, database_url=db_url, broker_url=redis_url, storage="s3",
                            s3_endpoint_url=s3_endpoint, s3_bucket=f"lgchaos-{uid}", s3_access_key_id="test",
                            s3_secret_access_key="test", s3_create_bucket=True, queue_default=f"lgchaos-{uid}",
                            queue_gpu=f"lgchaos-{uid}-gpu", job_lease_s=6, worker_heartbeat_s=1,
                            visibility_timeout_s=3600)
        app = create_app(settings)
        with app.state.sessionmaker() as db:
            key = create_key(db, "chaos")[0]
        workers = [WorkerProcess(settings, tmp_path / "worker-0.log", f"chaos0-{uid}")]
        workers[0].start()
        with TestClient(app) as client:
            client.headers["Authorization"] = f"Bearer {key}"
            try:
                yield settings, client, workers, app
            finally:
                for w in workers:
                    if w.proc and w.proc.poll() is None:
                        os.killpg(w.proc.pid, signal.SIGKILL)
                app.state.engine.dispose()


class _ClientApi(Api):
    def __init__(self, client):
        self.http = client


def _objects(app, settings) -> set[str]:
    listing = app.state.storage.client.list_objects_v2(Bucket=settings.s3_bucket)
    return {o["Key"] for o in listing.get("Contents", [])}


def _new_worker(settings, workers, logs, tmp_path) -> None:
    n = len(workers)
    workers.append(WorkerProcess(settings, tmp_path / f"worker-{n}.log", f"chaos{n}-{uuid.uuid4().hex[:6]}"))
    workers[-1].start()
    logs.append(tmp_path / f"worker-{n}.log")


@pytest.mark.timeout(1200)
def test_redis_postgres_worker_deaths(stack_leased, tmp_path):
    from sqlalchemy import create_engine, text

    from service.crud import blob_referenced

    settings, client, workers, app = stack_leased
    api = _ClientApi(client)
    digits = api.digits()
    logs = [tmp_path / "worker-0.log"]

    # the pool child: Celery sees the worker lost and requeues the message; the lease decides who runs
    first = api.job({"kind": "train", "dataset_id": digits, "params": TRAIN})
    api.wait(first, training)
    (child,) = workers[0].children()
    os.kill(child, signal.SIGKILL)
    _check_once(api, first, logs)

    # the main process with its pool: the message stays unacknowledged in Redis; the lease runs out,
    # the API queues the job again, and a new worker runs it
    second = api.job({"kind": "train", "dataset_id": digits, "params": TRAIN})
    api.wait(second, training)
    os.killpg(workers[0].proc.pid, signal.SIGKILL)
    _new_worker(settings, workers, logs, tmp_path)
    _check_once(api, second, logs)

    # between storing the blobs and the commit: the artifacts table is held, so the worker stores its
    # blobs and then waits on its commit; it dies there
    engine = create_engine(settings.database_url)
    before = _objects(app, settings)
    with engine.connect() as con:
        con.execute(text("LOCK TABLE artifacts IN ACCESS EXCLUSIVE MODE"))
        third = api.job({"kind": "train", "dataset_id": digits, "params": {**TRAIN, "max_epochs": 2}})
        deadline = time.monotonic() + 300
        while len(_objects(app, settings) - before) < 3:  # checkpoints, weights, history.csv
            assert time.monotonic() < deadline, api.get(third)
            time.sleep(0.1)
        os.killpg(workers[-1].proc.pid, signal.SIGKILL)
        con.rollback()
    engine.dispose()
    _new_worker(settings, workers, logs, tmp_path)
    job = _check_once(api, third, logs)
    assert job["output_model_id"] is not None

    # no blob in S3 that no row references
    with app.state.sessionmaker() as db:
        assert [k for k in _objects(app, settings) if not blob_referenced(db, k.split("/")[-1])] == []


@pytest.mark.timeout(1200)
def test_fifty_queued_jobs_on_one_worker_each_run_once(client, alice, stack, tmp_path):
    """Load: 50 jobs queued at once on the stack's one worker all finish, and none runs twice."""
    from safetensors.numpy import save

    from latentgen.models import build_model

    weights = tmp_path / "mlp.safetensors"
    weights.write_bytes(save({k: v.numpy() for k, v in build_model("mlp", (1, 8, 8), 10).state_dict().items()}))
    files = {"weights": ("w.safetensors", weights.read_bytes()),
             "arch": (None, '{"name": "mlp", "input_shape": [1, 8, 8], "num_classes": 10}')}
    model = client.post("/v1/models", headers=alice, files=files).json()
    data = client.post("/v1/datasets", headers=alice,
                       files={"spec": (None, '{"source": "digits", "labels": {"p": 0.4, "seed": 1}}')}).json()
    body = {"kind": "probe", "model_id": model["id"], "dataset_id": data["id"],
            "params": {"layers": ["fc1"], "probes": ["nearest_mean"]}}
    ids = [client.post("/v1/jobs", headers=alice, json=body).json()["id"] for _ in range(50)]
    jobs = [wait_job(client, alice, job_id, timeout=1100) for job_id in ids]
    assert [j["status"] for j in jobs] == ["succeeded"] * 50
    assert [j["attempts"] for j in jobs] == [1] * 50
    log = stack.worker.log()
    assert all(log.count(f"job {job_id}: probe, attempt") == 1 and log.count(f"job {job_id}: succeeded") == 1
               for job_id in ids)
