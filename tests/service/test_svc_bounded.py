"""Bounded jobs, with real processes (`latentgen serve`: its Celery worker, one pool process, and the
process of its own each job runs in): a job that hangs in native code ends at its kind's time limit
or at once when canceled, a memory bomb fails its job and not the worker, a job that keeps losing
its process fails after LATENTGEN_MAX_ATTEMPTS; each time another owner's job runs right after. And
one `latentgen serve` per home: a second refuses, a stale pid file kills nothing.

The hang and the bomb are ONNX graphs that pass the upload's checks (its dry run feeds zeros) and
misbehave on real data: a Loop whose trip count is the input's sum × 1e12, and a ConstantOfShape of
1.5·10^9 floats (6 GB) against a 3 GiB limit. Figures are printed (`-s`), never asserted as timings."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import httpx
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from svc_helpers import LATENTGEN, ROOT, Serve, alive, child_pids, orphan_blobs
from test_svc_chaos import LEASE, TRAIN, Api, training

PROBE_LIMIT_S = 30
MEMORY_MB = 3072
UPLOAD_CHECK_MB = 1536
BOUNDS = {**LEASE, "LATENTGEN_JOB_TIME_LIMITS_S": f'{{"probe": {PROBE_LIMIT_S}}}',
          "LATENTGEN_JOB_MEMORY_MB": str(MEMORY_MB), "LATENTGEN_MAX_ATTEMPTS": "2",
          "LATENTGEN_UPLOAD_CHECK_MEMORY_MB": str(UPLOAD_CHECK_MB)}
QUICK_TRAIN = {**TRAIN, "max_epochs": 1}


def _const(name: str, value, dtype=np.float32):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.array(value, dtype)))


def _guarded(guard: list, name: str) -> bytes:
    """x (batch, 1, 8, 8) -> `guard` (nodes from x to a scalar `g`) -> x + 0·g -> an MLP -> logits
    (batch, 10): every layer waits for the guard."""
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(rng.standard_normal((64, 32)).astype(np.float32), "W1"),
             numpy_helper.from_array(rng.standard_normal((32, 10)).astype(np.float32), "W2"),
             numpy_helper.from_array(np.zeros(10, np.float32), "b")]
    nodes = [*guard, _const("zero", 0.0), helper.make_node("Mul", ["g", "zero"], ["g0"]),
             helper.make_node("Add", ["x", "g0"], ["xg"]),
             helper.make_node("Flatten", ["xg"], ["flat"], axis=1),
             helper.make_node("MatMul", ["flat", "W1"], ["h"], name="hidden"),
             helper.make_node("Relu", ["h"], ["r"], name="relu"),
             helper.make_node("MatMul", ["r", "W2"], ["z"], name="head"),
             helper.make_node("Add", ["z", "b"], ["logits"], name="bias")]
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1, 8, 8])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def _count(cap: float) -> list:
    """`n`: the input's absolute sum × 1e12, at most `cap`, as an int64; 0 on zeros."""
    return [helper.make_node("Abs", ["x"], ["ax"]), helper.make_node("ReduceSum", ["ax"], ["s"], keepdims=0),
            _const("scale", 1e12), helper.make_node("Mul", ["s", "scale"], ["ss"]),
            _const("cap", cap), helper.make_node("Min", ["ss", "cap"], ["sc"]),
            helper.make_node("Cast", ["sc"], ["n"], to=TensorProto.INT64)]


def hanging_model() -> bytes:
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]), _const("one", 1.0),
         helper.make_node("Add", ["acc_in", "one"], ["acc_out"])], "spin",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, [])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, [])])
    return _guarded([*_count(1e18), _const("true", True, bool), _const("acc0", 0.0),
                     helper.make_node("Loop", ["n", "true", "acc0"], ["g"], body=body)], "hang")


def memory_bomb(n_floats: int) -> bytes:
    return _guarded([*_count(float(n_floats)), _const("one_d", [1], np.int64),
                     helper.make_node("Reshape", ["n", "one_d"], ["shape"]),
                     helper.make_node("ConstantOfShape", ["shape"], ["big"],
                                      value=numpy_helper.from_array(np.array([1], np.float32))),
                     helper.make_node("ReduceSum", ["big"], ["g"], keepdims=0)], "bomb")


def constant_bomb() -> bytes:
    """1.6 GB of ones at once, zeros or not: the upload's own dry run meets it."""
    return _guarded([_const("shape", [2, 200_000_000], np.int64),
                     helper.make_node("ConstantOfShape", ["shape"], ["big"],
                                      value=numpy_helper.from_array(np.array([1], np.float32))),
                     helper.make_node("ReduceSum", ["big"], ["g"], keepdims=0)], "constant_bomb")


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    home = tmp_path_factory.mktemp("bounded")
    s = Serve(home / "home", home / "serve.log", env=BOUNDS).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def alice(serve) -> Api:
    return Api(serve.url, serve.key)


@pytest.fixture(scope="module")
def bob(serve) -> Api:
    from service.core.security import create_key
    from service.db import make_engine, make_sessionmaker

    engine = make_engine(f"sqlite:///{serve.home / 'latentgen.db'}")
    with make_sessionmaker(engine)() as db:
        key = create_key(db, "bob")[0]
    engine.dispose()
    return Api(serve.url, key)


@pytest.fixture(scope="module")
def digits(alice) -> str:
    return alice.digits()


def _model(api: Api, data: bytes) -> str:
    r = api.http.post("/v1/models", files={"weights": ("model.onnx", io.BytesIO(data))})
    assert r.status_code in (200, 201), r.text  # 200: the same bytes were uploaded before
    return r.json()["id"]


def _pool(serve: Serve) -> int:
    (pool,) = child_pids(serve.worker_pid)
    return pool


def _job_process(serve: Serve, timeout: float = 120) -> int:
    """The process the worker's running job runs in (its pool process's child)."""
    deadline = time.monotonic() + timeout
    while not (found := child_pids(_pool(serve))):
        assert time.monotonic() < deadline, "no job process appeared"
        time.sleep(0.05)
    (pid,) = found
    return pid


def _peak_kib(pid: int) -> int:
    """The process's peak resident memory (VmHWM): what a bomb that went off in it would raise."""
    with open(f"/proc/{pid}/status") as f:
        return int(next(line for line in f if line.startswith("VmHWM:")).split()[1])


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        utime, stime = f.read().rsplit(")", 1)[1].split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def _seconds(job: dict) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["started_at"])).total_seconds()


def _next_owner_runs(bob: Api, digits_of_bob: str, serve: Serve) -> None:
    """Another owner's job, queued behind, runs on the same worker, and nothing is left behind."""
    job = bob.finished(bob.job({"kind": "train", "dataset_id": digits_of_bob, "params": QUICK_TRAIN}))
    assert job["status"] == "succeeded", job
    assert list((serve.home / "cache").rglob("job-*")) == []
    assert orphan_blobs(serve.home) == []


@pytest.fixture(scope="module")
def bob_digits(bob) -> str:
    return bob.digits()


@pytest.mark.timeout(900)
def test_embedded_hanging_job_ends_at_its_time_limit(serve, alice, bob, digits, bob_digits):
    model = _model(alice, hanging_model())
    hung = alice.job({"kind": "probe", "model_id": model, "dataset_id": digits,
                      "params": {"layers": ["relu"], "probes": ["nearest_mean"]}})
    _job_process(serve)
    job = alice.finished(hung)
    assert job["status"] == "failed" and job["error"]["code"] == "time_limit", job
    assert f"time limit of {PROBE_LIMIT_S} s" in job["error"]["message"]
    assert _seconds(job) >= PROBE_LIMIT_S and job["attempts"] == 1
    print(f"\nhung probe ended {_seconds(job):.1f} s after it started (limit {PROBE_LIMIT_S} s)")
    _next_owner_runs(bob, bob_digits, serve)


@pytest.mark.timeout(900)
def test_embedded_hanging_job_ends_at_the_time_limit_it_asked_for(serve, alice, bob, digits, bob_digits):
    model = _model(alice, hanging_model())
    # audit: a kind whose own limit is hours
    job = alice.finished(alice.job({"kind": "audit", "model_id": model, "dataset_id": digits,
                                    "params": {"layer": "relu"}, "time_limit_s": 10}))
    assert job["status"] == "failed" and job["error"]["code"] == "time_limit", job
    assert "time limit of 10 s" in job["error"]["message"] and job["time_limit_s"] == 10
    assert _seconds(job) >= 10
    _next_owner_runs(bob, bob_digits, serve)


@pytest.mark.timeout(900)
def test_embedded_cancel_stops_a_hanging_job_at_once(serve, alice, bob, digits, bob_digits):
    model = _model(alice, hanging_model())
    # audit: a kind whose time limit (hours) cannot end it first
    hung = alice.job({"kind": "audit", "model_id": model, "dataset_id": digits, "params": {"layer": "relu"}})
    process = _job_process(serve)
    deadline = time.monotonic() + 300
    while _cpu_s(process) < 10:  # busy: importing, loading, spinning in onnxruntime's Loop
        assert time.monotonic() < deadline and alive(process), alice.get(hung)
        time.sleep(0.2)
    started = time.monotonic()
    r = alice.http.post(f"/v1/jobs/{hung}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "canceled", r.text
    deadline = time.monotonic() + 120
    while alive(process):
        assert time.monotonic() < deadline, "the canceled job's process still runs"
        time.sleep(0.05)
    print(f"\ncanceled job's process gone {time.monotonic() - started:.2f} s after the cancel")
    _next_owner_runs(bob, bob_digits, serve)
    assert alice.get(hung)["status"] == "canceled"


@pytest.mark.timeout(900)
def test_embedded_memory_bomb_fails_its_job_and_the_worker_lives_on(serve, alice, bob, digits, bob_digits):
    model = _model(alice, memory_bomb(1_500_000_000))
    pool = _pool(serve)
    before = _peak_kib(pool)
    job = alice.finished(alice.job({"kind": "repair", "model_id": model, "dataset_id": digits}))
    assert job["status"] == "failed" and job["error"]["code"] == "resource_exhausted", job
    assert f"{MEMORY_MB} MiB" in job["error"]["message"]
    assert _pool(serve) == pool  # the worker's process lived on: the bomb went off in the job's own
    growth = _peak_kib(pool) - before
    assert growth < 256 << 10
    print(f"\nmemory bomb (6 GB asked, {MEMORY_MB} MiB allowed): the worker's pool process's peak grew {growth >> 10} MiB")
    _next_owner_runs(bob, bob_digits, serve)


@pytest.mark.timeout(600)
def test_embedded_upload_whose_dry_run_is_a_memory_bomb_is_refused_and_the_api_does_not_grow(serve, alice):
    before = _peak_kib(serve.proc.pid)  # the API: serve runs it in its own process
    r = alice.http.post("/v1/models", files={"weights": ("bomb.onnx", io.BytesIO(constant_bomb()))})
    assert r.status_code == 422 and r.json()["error"]["field"] == "weights", r.text
    growth = _peak_kib(serve.proc.pid) - before
    assert growth < 256 << 10
    print(f"\nupload memory bomb (1.6 GB at its dry run, {UPLOAD_CHECK_MB} MiB allowed): the API's peak grew "
          f"{growth >> 10} MiB; {r.json()['error']['code']}")
    assert _model(alice, hanging_model())  # and the API goes on checking uploads


@pytest.mark.timeout(900)
def test_embedded_job_that_keeps_losing_its_process_fails_after_max_attempts(serve, alice, bob, digits, bob_digits):
    job_id = alice.job({"kind": "train", "dataset_id": digits, "params": {**TRAIN, "max_epochs": 40}})
    alice.wait(job_id, training)
    os.kill(_job_process(serve), signal.SIGKILL)  # as the out-of-memory killer would: the worker requeues it
    alice.wait(job_id, lambda j: j["attempts"] == 2 and training(j))
    os.kill(_pool(serve), signal.SIGKILL)  # now the worker's pool process: the lease runs out
    job = alice.finished(job_id)
    assert job["status"] == "failed" and job["error"]["code"] == "worker_lost", job
    assert job["attempts"] == 2 and "each of its 2 attempts" in job["error"]["message"]
    print(f"\npoison pill: failed after {job['attempts']} attempts: {job['error']['message']}")
    _next_owner_runs(bob, bob_digits, serve)


# ---------------------------------------------------------------- one serve per home


@pytest.mark.timeout(600)
def test_embedded_second_serve_on_a_home_refuses_and_touches_nothing(tmp_path):
    first = Serve(tmp_path / "home", tmp_path / "first.log").start()
    try:
        pid_file = (first.home / "worker.pid").read_text()
        second = Serve(first.home, tmp_path / "second.log")
        out = subprocess.run([sys.executable, *LATENTGEN[1:], "serve", "--port", str(second.port)], cwd=ROOT,
                             env=second.env, capture_output=True, text=True, timeout=120)
        assert out.returncode != 0
        assert f"another serve (pid {first.proc.pid}) runs on the home" in out.stderr
        # the first serve's worker, its pid file and its answers are as they were
        assert alive(first.worker_pid) and (first.home / "worker.pid").read_text() == pid_file
        assert httpx.get(first.url + "/readyz").status_code == 200
    finally:
        first.stop()


@pytest.mark.timeout(600)
def test_embedded_stale_worker_pid_of_another_process_is_left_alone(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    # a process in a group of its own, as a worker would be, whose pid the file names but whose start
    # time it does not: the pid was reused
    other = subprocess.Popen(["sleep", "600"], start_new_session=True)
    try:
        (home / "worker.pid").write_text(f"{other.pid} 1\n")
        serve = Serve(home, tmp_path / "serve.log").start()
        serve.stop()
        assert alive(other.pid)
        assert "stopped:" not in serve.log_path.read_text()
    finally:
        other.kill()
        other.wait(10)


# ---------------------------------------------------------------- job errors


def test_an_internal_error_tells_its_cause_without_paths_credentials_or_sql():
    from sqlalchemy.exc import OperationalError

    from worker.errors import failure

    code, message = failure(RuntimeError("[ONNXRuntimeError] : 2 : Invalid rank for input: x Got: 2 Expected: 4, "
                                         "see /srv/lg/cache/blobs/9f.onnx via s3://AKIA:hunter2@bucket/k"), "job j")
    assert code == "internal_error"
    assert message == ("the job failed on the server: RuntimeError: [ONNXRuntimeError] : 2 : Invalid rank for input: "
                       "x Got: 2 Expected: 4, see <path> via s3://…@bucket/k")
    code, message = failure(OperationalError("SELECT secret FROM owners WHERE id = ?", {"id": "x"}, None), "job j")
    assert (code, message) == ("internal_error", "the job failed on the server: OperationalError: a database error")
