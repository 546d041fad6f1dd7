"""Helpers shared by the service tests (kept out of conftest.py so test modules can import them)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("LATENTGEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LATENTGEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
MNIST = Path(os.environ.get("LATENTGEN_TEST_MNIST", ROOT.parent / "shared" / "data" / "mnist.npz"))

MLP_ARCH = {"name": "mlp", "input_shape": [1, 28, 28], "num_classes": 10}
P, SEED = 0.4, 42


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """An empty PostgreSQL database, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"lgtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class WorkerProcess:
    """A real `celery worker` process (prefork, one child) for the given settings."""

    def __init__(self, settings, log_path: Path, name: str):
        self.settings, self.log_path, self.name = settings, log_path, name
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> None:
        from service.cli import worker_command, worker_env

        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(worker_command(self.settings, 1, self.name), env=worker_env(self.settings),
                                     cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while " ready." not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"celery worker did not become ready:\n{self.log()[-3000:]}")
            time.sleep(0.3)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def children(self) -> list[int]:
        assert self.proc is not None
        return child_pids(self.proc.pid)

    def wait_log(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.log():
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not in the worker log:\n{self.log()[-3000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


@dataclass
class Stack:
    settings: object
    worker: WorkerProcess
    sessionmaker: object

    def key(self, owner: str) -> str:
        from service.core.security import create_key

        with self.sessionmaker() as db:
            return create_key(db, owner)[0]


def upload_model(client, headers, path: Path, arch=None, name=None):
    data = {"arch": json.dumps(arch or MLP_ARCH)}
    if name:
        data["name"] = name
    with open(path, "rb") as f:
        return client.post("/v1/models", headers=headers, data=data, files={"weights": (path.name, f)})


def upload_dataset(client, headers, path: Path | None, spec=None, train_labels: Path | None = None):
    import json

    files = {}
    if path is not None:
        files["file"] = (path.name, open(path, "rb"))
    if train_labels is not None:
        files["train_labels"] = (train_labels.name, open(train_labels, "rb"))
    # as curl -F sends it: multipart, the spec a plain text part
    files["spec"] = (None, json.dumps(spec if spec is not None else {"labels": {"p": P, "seed": SEED}}))
    try:
        return client.post("/v1/datasets", headers=headers, files=files)
    finally:
        for _n, f in files.values():
            if hasattr(f, "close"):
                f.close()


TERMINAL = ("succeeded", "failed", "canceled")


def wait_job(client, headers, job_id: str, timeout: float = 300, until=TERMINAL) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/v1/jobs/{job_id}", headers=headers)
        assert r.status_code == 200, r.text
        job = r.json()
        if job["status"] in until:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job['status']} after {timeout}s: {job}")
        time.sleep(0.3)


LATENTGEN = ["python", "-c", "import sys; from latentgen_cli.main import main; sys.exit(main())"]


class Serve:
    """`latentgen serve` (API + its worker on SQLite and a local store) as a real process."""

    def __init__(self, home: Path, log_path: Path, port: int | None = None, env: dict[str, str] | None = None,
                 args: tuple[str, ...] = ()):
        self.home, self.log_path, self.port, self.args = home, log_path, port or free_port(), args
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LATENTGEN_")}
        self.env.update({"LATENTGEN_HOME": str(home), **(env or {})})
        self.proc: subprocess.Popen | None = None
        self.worker_pid: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def key(self) -> str:
        return (self.home / "local-key").read_text().strip()

    def start(self, timeout: float = 90) -> "Serve":
        import sys

        import httpx

        command = [sys.executable, *LATENTGEN[1:], "serve", "--port", str(self.port), *self.args]
        self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=open(self.log_path, "ab"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        # /readyz also wants a live worker, which --no-worker does not start
        ready = "/healthz" if "--no-worker" in self.args else "/readyz"
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(self.url + ready, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert self.proc.poll() is None, self.log_path.read_text()
            assert time.monotonic() < deadline, self.log_path.read_text()
            time.sleep(0.3)
        log = self.log_path.read_text()
        self.worker_pid = int(log.rsplit("worker:   pid ", 1)[1].split(",")[0]) if "worker:   pid " in log else None
        return self

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise

    def kill(self) -> None:
        """A crash: no graceful shutdown for the API or the worker."""
        for pid in (self.worker_pid, self.proc.pid if self.proc else None):
            if pid:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.proc:
            self.proc.wait(10)


def alive(pid: int) -> bool:
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


def child_pids(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def orphan_blobs(home: Path) -> list[str]:
    """Blobs in an embedded home's local store that no row references."""
    import sqlite3

    con = sqlite3.connect(home / "latentgen.db")
    try:
        referenced = {r[0] for q in ("SELECT sha256 FROM models", "SELECT sha256 FROM artifacts",
                                     "SELECT sha256 FROM datasets", "SELECT labels_sha256 FROM datasets")
                      for r in con.execute(q) if r[0]}
    finally:
        con.close()
    return [p.name for p in (home / "objects" / "sha256").rglob("*") if p.is_file() and p.name not in referenced]


def drop_queues(url: str, queues: list[str]) -> None:
    """Leave no keys of this run's queues in Redis."""
    import redis

    r = redis.Redis.from_url(url)
    try:
        r.delete(*queues, *(f"_kombu.binding.{q}" for q in queues), *(f"_kombu.binding_permanent.{q}" for q in queues))
    finally:
        r.close()
