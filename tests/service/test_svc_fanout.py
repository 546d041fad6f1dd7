"""One job over many workers, with real worker processes: a dynamics job runs one part per
checkpoint on whichever workers listen on its queue, and its result is the same with one worker
process or two, on the embedded broker (`latentgen serve`) and on Redis; a part whose worker dies is
run again while the job itself is not; a part that keeps failing fails the job; cancel stops every
part."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

import pytest
from svc_helpers import Serve, WorkerProcess, orphan_blobs
from test_svc_chaos import LEASE, Api

EPOCHS = [1, 2, 3, 4, 5, 6]
# 40% wrong labels: the CNN does not fit them all in so few epochs, so every checkpoint is kept
TRAIN = {"arch": {"name": "cnn"}, "recipe": "adam_fast", "max_epochs": max(EPOCHS), "checkpoint_epochs": EPOCHS}
DYNAMICS = {"probes": ["masc", "linear"]}


def _parts(home, job_id: str) -> list[dict]:
    con = sqlite3.connect(home / "latentgen.db")
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT number, status, attempts, worker FROM job_parts "
                                             "WHERE job_id = ? ORDER BY number", (job_id,))]
    finally:
        con.close()


def _statuses(parts: list[dict]) -> set[str]:
    return {p["status"] for p in parts}


def _trained(api: Api) -> tuple[str, str]:
    digits = api.digits()
    train = api.finished(api.job({"kind": "train", "dataset_id": digits, "params": TRAIN}))
    assert train["status"] == "succeeded", train
    assert api.http.get(f"/v1/jobs/{train['id']}/result").json()["summary"]["checkpoint_epochs"] == EPOCHS
    return digits, train["id"]


def _dynamics(api: Api, train_id: str) -> dict:
    return api.finished(api.job({"kind": "dynamics", "train_job_id": train_id, "params": DYNAMICS}))


def _rows(api: Api, job_id: str) -> list[dict]:
    return api.http.get(f"/v1/jobs/{job_id}/result").json()["rows"]


# the digits' training examples in 3 shards
SHARDED = {"LATENTGEN_SHARD_MIN_EXAMPLES": "500"}


@pytest.fixture
def serve(tmp_path):
    s = Serve(tmp_path / "home", tmp_path / "serve.log",
              env={**LEASE, **SHARDED, "LATENTGEN_PART_ATTEMPTS": "2"}).start()
    yield s
    s.stop()


def _restart(serve: Serve, concurrency: int) -> Api:
    serve.stop()
    serve.args = ("--concurrency", str(concurrency))
    serve.start()
    return Api(serve.url, serve.key)


@pytest.mark.timeout(900)
def test_embedded_dynamics_same_rows_with_one_and_two_workers_and_a_killed_part(serve):
    api = Api(serve.url, serve.key)
    _digits, train_id = _trained(api)
    one = _dynamics(api, train_id)
    assert one["status"] == "succeeded", one
    assert one["progress"] == {"stage": "done", "current": len(EPOCHS), "total": len(EPOCHS)}
    parts = _parts(serve.home, one["id"])
    assert [p["status"] for p in parts] == ["done"] * len(EPOCHS)
    assert [p["attempts"] for p in parts] == [1] * len(EPOCHS)
    reference = _rows(api, one["id"])
    assert sorted({r["epoch"] for r in reference}) == EPOCHS
    probe_one = _sharded_probe(api, serve.home, train_id)
    repair_one = _sharded_repair(api, serve.home, train_id)

    api = _restart(serve, 2)
    two = _dynamics(api, train_id)
    assert two["status"] == "succeeded", two
    assert _rows(api, two["id"]) == reference
    probe_two = _sharded_probe(api, serve.home, train_id)
    assert probe_two == probe_one
    # the repair too: the same weights, byte for byte, with one worker or two
    assert _sharded_repair(api, serve.home, train_id) == repair_one

    # the pool child running a part dies: its part is run again once its lease runs out; the job is not
    api = _restart(serve, 1)
    job_id = api.job({"kind": "dynamics", "train_job_id": train_id, "params": DYNAMICS})
    deadline = time.monotonic() + 300
    while not any(p["status"] == "running" for p in _parts(serve.home, job_id)):
        assert time.monotonic() < deadline, api.get(job_id)
        time.sleep(0.05)
    (child,) = [int(p) for p in os.popen(f"ps -o pid= --ppid {serve.worker_pid}").read().split()]
    os.kill(child, signal.SIGKILL)
    job = api.finished(job_id)
    assert job["status"] == "succeeded", job
    assert job["attempts"] == 1
    assert max(p["attempts"] for p in _parts(serve.home, job_id)) == 2
    assert _rows(api, job_id) == reference
    log = (serve.home / "worker.log").read_text()
    assert log.count(f"job {job_id}: succeeded") == 1


def _sharded_probe(api: Api, home, train_id: str) -> list[dict]:
    """A probe job on the train job's model, its statistics in 3 shards: its rows. The shards'
    scratch is gone once it has succeeded."""
    train = api.get(train_id)
    job = api.finished(api.job({"kind": "probe", "model_id": train["output_model_id"],
                                "dataset_id": train["dataset_id"]}))
    assert job["status"] == "succeeded", job
    parts = _parts(home, job["id"])
    assert [p["status"] for p in parts] == ["done"] * 3
    assert _scratch(home, job["id"]) == [] and orphan_blobs(home) == []
    return _rows(api, job["id"])


def _sharded_repair(api: Api, home, train_id: str) -> tuple[str, list[dict]]:
    """A repair job on the train job's model, the final layer's statistics in 3 shards: the
    repaired weights' sha256 and the job's rows. No scratch is left."""
    train = api.get(train_id)
    job = api.finished(api.job({"kind": "repair", "model_id": train["output_model_id"],
                                "dataset_id": train["dataset_id"]}))
    assert job["status"] == "succeeded", job
    assert [p["status"] for p in _parts(home, job["id"])] == ["done"] * 3
    assert _scratch(home, job["id"]) == [] and orphan_blobs(home) == []
    repaired = api.http.get(f"/v1/models/{job['output_model_id']}").json()
    rows = _rows(api, job["id"])
    assert {r["probe"] for r in rows} == {"model", "repaired"}
    return repaired["sha256"], rows


def _scratch(home, job_id: str) -> list[str]:
    con = sqlite3.connect(home / "latentgen.db")
    try:
        return [r[0] for r in con.execute("SELECT blob FROM job_parts WHERE job_id = ? AND blob IS NOT NULL",
                                          (job_id,))]
    finally:
        con.close()


@pytest.mark.timeout(900)
def test_embedded_canceled_sharded_probe_leaves_no_scratch(serve):
    api = Api(serve.url, serve.key)
    _digits, train_id = _trained(api)
    train = api.get(train_id)
    job_id = api.job({"kind": "probe", "model_id": train["output_model_id"], "dataset_id": train["dataset_id"]})
    api.wait(job_id, lambda j: j["progress"]["stage"] == "statistics" and j["progress"]["current"] >= 1)
    assert api.http.post(f"/v1/jobs/{job_id}/cancel").json()["status"] == "canceled"
    deadline = time.monotonic() + 300
    while _statuses(parts := _parts(serve.home, job_id)) & {"queued", "running"}:
        assert time.monotonic() < deadline, parts
        time.sleep(0.2)
    # the parts that stopped removed the job's scratch, that of the parts done before the cancel too
    assert _scratch(serve.home, job_id) == [] and orphan_blobs(serve.home) == []


def _random_mlp(api: Api, tmp_path, seed: int) -> dict:
    import torch
    from safetensors.torch import save_file

    from latentgen.models import build_model

    torch.manual_seed(seed)
    path = tmp_path / f"mlp{seed}.safetensors"
    save_file({k: v.contiguous() for k, v in build_model("mlp", (1, 8, 8), 10).state_dict().items()}, str(path))
    r = api.http.post("/v1/models", files={"weights": (path.name, path.read_bytes()),
                                           "arch": (None, '{"name": "mlp", "input_shape": [1, 8, 8], "num_classes": 10}')})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.timeout(600)
def test_embedded_a_part_that_keeps_failing_fails_the_job(serve, tmp_path):
    api = Api(serve.url, serve.key)
    digits = api.digits()
    models = [_random_mlp(api, tmp_path, seed) for seed in range(3)]
    # the weights of epoch 2 are gone from the store: its part fails on every run
    sha = models[1]["sha256"]
    (serve.home / "objects" / "sha256" / sha[:2] / sha).unlink()
    job = api.finished(api.job({"kind": "dynamics", "dataset_id": digits, "params": {
        "layers": ["fc1"], "checkpoints": [{"model_id": m["id"], "epoch": e} for e, m in enumerate(models, 1)]}}))
    assert job["status"] == "failed", job
    assert job["error"]["code"] == "internal_error"
    assert job["error"]["message"].startswith("part 1 of the job ({'epoch': 2,")
    assert "failed after 2 run(s)" in job["error"]["message"]
    failed = [p for p in _parts(serve.home, job["id"]) if p["status"] == "failed"]
    assert [(p["number"], p["attempts"]) for p in failed] == [(1, 2)]
    assert job["attempts"] == 1


@pytest.mark.timeout(900)
def test_embedded_cancel_reaches_every_part(serve):
    api = _restart(serve, 2)
    _digits, train_id = _trained(api)
    job_id = api.job({"kind": "dynamics", "train_job_id": train_id, "params": DYNAMICS})
    api.wait(job_id, lambda j: j["progress"]["stage"] == "checkpoints" and j["progress"]["current"] >= 1)
    assert api.http.post(f"/v1/jobs/{job_id}/cancel").json()["status"] == "canceled"
    unfinished = {p["number"] for p in _parts(serve.home, job_id) if p["status"] != "done"}
    deadline = time.monotonic() + 300
    while _statuses(parts := _parts(serve.home, job_id)) & {"queued", "running"}:
        assert time.monotonic() < deadline, parts
        time.sleep(0.2)
    # whatever was not done when the job was canceled stopped (running) or never started (queued)
    assert {p["number"] for p in parts if p["status"] == "canceled"} == unfinished
    assert _statuses(parts) <= {"done", "canceled"}
    assert api.get(job_id)["status"] == "canceled"
    assert api.http.get(f"/v1/jobs/{job_id}/result").status_code == 409


# ---------------------------------------------------------------- Redis (the session's stack)


@pytest.mark.timeout(900)
class InProcess(Api):
    """The same calls, through the in-process app's TestClient (carrying the key in its headers)."""

    def __init__(self, http):
        self.http = http


def test_redis_dynamics_same_rows_with_one_and_two_worker_processes(client, alice, stack, tmp_path):
    client.headers.update(alice)
    api = InProcess(client)
    try:
        _check_same_rows_on_redis(api, stack, tmp_path)
    finally:
        for name in alice:
            client.headers.pop(name)


def _check_same_rows_on_redis(api: Api, stack, tmp_path) -> None:
    _digits, train_id = _trained(api)
    one = _dynamics(api, train_id)
    assert one["status"] == "succeeded", one
    second = WorkerProcess(stack.settings, tmp_path / "worker-2.log", f"fanout-{os.getpid()}")
    second.start()
    try:
        two = _dynamics(api, train_id)
    finally:
        second.stop()
    assert two["status"] == "succeeded", two
    assert _rows(api, two["id"]) == _rows(api, one["id"])
    assert two["progress"]["current"] == len(EPOCHS)


@pytest.mark.timeout(900)
def test_redis_sharded_probe_and_repair_same_with_one_and_two_worker_processes(stack, redis_url, tmp_path):
    """On Redis, Postgres and S3, with shards of 500 training examples (its own queues and
    workers, so that the session's worker with the default shard size takes none of its jobs)."""
    from fastapi.testclient import TestClient

    from service.main import create_app
    from svc_helpers import drop_queues

    queue = f"{stack.settings.queue_default}-shards"
    settings = stack.settings.model_copy(update={"shard_min_examples": 500, "queue_default": queue,
                                                 "queue_gpu": f"{queue}-gpu", "worker_metrics_port": None})
    app = create_app(settings)
    workers = [WorkerProcess(settings, tmp_path / f"worker-{i}.log", f"shards-{i}-{os.getpid()}") for i in (1, 2)]
    try:
        with TestClient(app, headers={"Authorization": f"Bearer {stack.key('sharder')}"}) as client:
            api = InProcess(client)
            workers[0].start()
            _digits, train_id = _trained(api)
            one = [_sharded_job(api, stack, kind, train_id) for kind in ("probe", "repair")]
            workers[1].start()
            two = [_sharded_job(api, stack, kind, train_id) for kind in ("probe", "repair")]
        assert two == one
    finally:
        for w in workers:
            if w.proc is not None:
                w.stop()
        app.state.engine.dispose()
        drop_queues(redis_url, [settings.queue_default, settings.queue_gpu])


def _sharded_job(api: Api, stack, kind: str, train_id: str) -> tuple:
    """A probe or repair job on the train job's model, in 3 parts: its rows (and the repaired
    weights' sha256); the parts' scratch blobs are gone."""
    from sqlalchemy import select

    from service.models import JobPart

    train = api.get(train_id)
    job = api.finished(api.job({"kind": kind, "model_id": train["output_model_id"], "dataset_id": train["dataset_id"]}))
    assert job["status"] == "succeeded", job
    with stack.sessionmaker() as db:
        parts = db.scalars(select(JobPart).where(JobPart.job_id == job["id"]).order_by(JobPart.number)).all()
        assert [p.status for p in parts] == ["done"] * 3 and all(p.blob is None for p in parts)
    weights = api.http.get(f"/v1/models/{job['output_model_id']}").json()["sha256"] if kind == "repair" else None
    return _rows(api, job["id"]), weights

