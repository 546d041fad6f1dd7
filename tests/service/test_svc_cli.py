"""The embedded default: `latentgen serve` runs the API and a real worker process on SQLite, a
local object store and a SQLite-backed broker, with no other server; `latentgen create-key`."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from latentgen_client.api.datasets import create_dataset
from latentgen_client.api.jobs import create_job, get_job, get_job_result
from latentgen_client.models import (CorruptionSpec, DatasetSpec, DatasetUpload, DataSource, RecipeName, TrainArch,
                                     TrainJobCreate, TrainParams)
from latentgen_cli.client import connect, ok, wait
from svc_helpers import LATENTGEN, ROOT, Serve


def _env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATENTGEN_")}
    env["LATENTGEN_HOME"] = str(home)
    return env


def test_create_key(tmp_path):
    out = subprocess.run([sys.executable, *LATENTGEN[1:], "create-key", "--owner", "eve"], cwd=ROOT, env=_env(tmp_path),
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
def test_serve_resumes_jobs_after_a_crash(tmp_path):
    """Kill the embedded service (API and worker) mid-job; the next `serve` runs the job again."""
    serve = Serve(tmp_path / "home", tmp_path / "serve.log").start()
    try:
        with connect(serve.url, serve.key) as c:
            ds = ok(create_dataset.sync_detailed(client=c, body=DatasetUpload(
                spec=DatasetSpec(source=DataSource.DIGITS, labels=CorruptionSpec(p=0.4, seed=0)))))
            job_id = ok(create_job.sync_detailed(client=c, body=TrainJobCreate(kind="train", dataset_id=ds.id, params=TrainParams(
                arch=TrainArch(name="cnn"), recipe=RecipeName.ADAM_FAST, max_epochs=12, target_train_acc=1.0)))).id
            deadline = time.monotonic() + 180
            while (j := ok(get_job.sync_detailed(job_id, client=c))).progress.stage != "train":
                assert j.status in ("queued", "running") and time.monotonic() < deadline, j
                time.sleep(0.05)
    finally:
        serve.kill()
    serve.start()
    try:
        assert "resumed:  1 unfinished job(s)" in serve.log_path.read_text()
        with connect(serve.url, serve.key) as c:
            j = wait(c, job_id, timeout=300)
            assert j.status == "succeeded", (j, (serve.home / "worker.log").read_text()[-3000:])
            assert j.attempts == 2
            assert ok(get_job_result.sync_detailed(job_id, client=c)).summary.epochs_run >= 1
    finally:
        serve.stop()


def test_global_options_before_or_after_the_sub_command(tmp_path):
    for i, args in enumerate((["--home", str(tmp_path / "a"), "migrate"], ["migrate", "--home", str(tmp_path / "b")])):
        out = subprocess.run([sys.executable, *LATENTGEN[1:], *args], cwd=ROOT, env=_env(tmp_path / "unused"),
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert (tmp_path / "ab"[i] / "latentgen.db").is_file()
    assert not (tmp_path / "unused").exists()


def test_keys_list_and_revoke_and_a_revoked_key_is_refused_at_once(tmp_path):
    from fastapi.testclient import TestClient

    from service.core.config import Settings
    from service.main import create_app

    def latentgen(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *LATENTGEN[1:], *args], cwd=ROOT, env=_env(tmp_path),
                              capture_output=True, text=True)

    eve, mallory = (latentgen("create-key", "--owner", owner).stdout.strip() for owner in ("eve", "mallory"))
    app = create_app(Settings(home=tmp_path))
    with TestClient(app) as client:
        assert client.get("/v1/jobs", headers={"Authorization": f"Bearer {mallory}"}).status_code == 200
        listed = latentgen("keys", "list").stdout
        prefix = mallory.split("_")[1]
        assert prefix in listed and eve.split("_")[1] in listed and mallory not in listed
        assert latentgen("keys", "revoke", prefix).returncode == 0
        r = client.get("/v1/jobs", headers={"Authorization": f"Bearer {mallory}"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert client.get("/v1/jobs", headers={"Authorization": f"Bearer {eve}"}).status_code == 200
        assert latentgen("keys", "revoke", prefix).returncode == 2  # no unrevoked key has it any more
    app.state.engine.dispose()
    mine = latentgen("keys", "list", "--owner", "mallory").stdout.splitlines()
    assert len(mine) == 2 and mine[1].split()[0] == prefix and mine[1].split()[-1] != "-"
