"""The embedded default: `latentgen serve` runs the API and a real worker process on SQLite, a
local object store and a SQLite-backed broker, with no other server; `latentgen create-key`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from service.client import ApiError as ClientError
from service.client import Client
from svc_helpers import MLP_ARCH, ROOT, free_port

LATENTGEN = [sys.executable, "-c", "import sys; from service.cli import main; sys.exit(main())"]


def _env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATENTGEN_")}
    env["LATENTGEN_HOME"] = str(home)
    return env


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is not alive
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_create_key(tmp_path):
    out = subprocess.run(LATENTGEN + ["create-key", "--owner", "eve"], cwd=ROOT, env=_env(tmp_path),
                         capture_output=True, text=True, check=True)
    key = out.stdout.strip()
    assert key.startswith("lg_") and len(key) > 40
    assert "eve" in out.stderr
    from service.core.config import Settings
    from service.core.security import owner_for_key
    from service.db import make_engine, make_sessionmaker

    engine = make_engine(Settings(home=tmp_path).database_url)
    with make_sessionmaker(engine)() as db:
        assert owner_for_key(db, key).name == "eve"
        assert owner_for_key(db, key + "x") is None
    engine.dispose()
    assert key.encode() not in (tmp_path / "latentgen.db").read_bytes()


@pytest.mark.timeout(600)
def test_serve_runs_api_and_worker_without_servers(tmp_path, mlp_files, mnist_small):
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen(LATENTGEN + ["serve", "--port", str(port)], cwd=ROOT, env=_env(tmp_path / "home"),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    worker_pid = None
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        text = (tmp_path / "serve.log").read_text()
        key = (tmp_path / "home" / "local-key").read_text().strip()
        assert f"API key:  {key}" in text
        assert "broker:   sqla+sqlite:" in text
        worker_pid = int(text.split("worker:   pid ")[1].split(",")[0])
        assert _alive(worker_pid)
        cmdline = open(f"/proc/{worker_pid}/cmdline").read()
        assert "celery" in cmdline and "worker" in cmdline  # a real worker process, not eager mode
        with Client(base, key) as c:
            model = c.create_model(mlp_files["safetensors"], MLP_ARCH)
            ds = c.create_dataset(mnist_small, labels={"p": 0.4, "seed": 42})
            job_id = c.create_job({"kind": "probe", "model_id": model["id"], "dataset_id": ds["id"],
                                   "params": {"layers": ["fc1"], "probes": ["linear"]}})["id"]
            seen = []
            j = c.wait(job_id, timeout=300, on_progress=lambda job: seen.append(job["status"]))
            assert j["status"] == "succeeded", (j, (tmp_path / "home" / "worker.log").read_text()[-3000:])
            assert seen and seen[-1] == "succeeded"
            csv = c.get_job_result(job_id, csv=True)
            assert csv.startswith("layer,probe,metric,value") and "fc1,linear,test_acc," in csv
            w = c.download_model_weights(model["id"], tmp_path / "w.safetensors")
            assert w.read_bytes() == mlp_files["safetensors"].read_bytes()
            with pytest.raises(ClientError) as e:
                c.get_model("0" * 32)
            assert e.value.status_code == 404
        # stored locally, content-addressed
        assert (tmp_path / "home" / "objects" / "sha256" / model["sha256"][:2] / model["sha256"]).is_file()
        assert f"Task latentgen.run_job[{job_id}] received" in (tmp_path / "home" / "worker.log").read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    # stopping serve stops its worker too
    deadline = time.monotonic() + 20
    while worker_pid and _alive(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert worker_pid and not _alive(worker_pid)


def _start_serve(home, port, log_path):
    log = open(log_path, "ab")
    proc = subprocess.Popen(LATENTGEN + ["serve", "--port", str(port)], cwd=ROOT, env=_env(home),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.3)
    text = log_path.read_text()
    worker_pid = int(text.rsplit("worker:   pid ", 1)[1].split(",")[0])
    return proc, worker_pid


@pytest.mark.timeout(600)
def test_serve_resumes_jobs_after_a_crash(tmp_path):
    """Kill the embedded service (API and worker) mid-job; the next `serve` runs the job again."""
    home, port, log_path = tmp_path / "home", free_port(), tmp_path / "serve.log"
    proc, worker_pid = _start_serve(home, port, log_path)
    try:
        key = (home / "local-key").read_text().strip()
        with Client(f"http://127.0.0.1:{port}", key) as c:
            ds = c.create_dataset(source="digits", labels={"p": 0.4, "seed": 0})
            job_id = c.create_job({"kind": "train", "dataset_id": ds["id"], "params": {
                "arch": {"name": "cnn"}, "recipe": "adam_fast", "max_epochs": 12, "target_train_acc": 1.0}})["id"]
            deadline = time.monotonic() + 180
            while (j := c.get_job(job_id))["progress"]["stage"] != "train":
                assert j["status"] in ("queued", "running") and time.monotonic() < deadline, j
                time.sleep(0.05)
    finally:
        # a crash: no graceful shutdown for either process
        for pid in (worker_pid, proc.pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(10)
    proc, worker_pid = _start_serve(home, port, log_path)
    try:
        assert "resumed:  1 unfinished job(s)" in log_path.read_text()
        with Client(f"http://127.0.0.1:{port}", key) as c:
            j = c.wait(job_id, timeout=300)
            assert j["status"] == "succeeded", (j, (home / "worker.log").read_text()[-3000:])
            assert j["attempts"] == 2
            assert c.get_job_result(job_id)["summary"]["epochs_run"] >= 1
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
