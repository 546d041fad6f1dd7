"""The server's commands of `latentgen` (serve, worker, migrate, create-key, keys, requeue): the
command itself and its client commands come from the client package (clients/python, `latentgen_cli`),
which finds these through the entry point `latentgen.commands`."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .core.config import Settings


def _settings(home: str | None) -> Settings:
    if home:
        os.environ["LATENTGEN_HOME"] = str(Path(home).absolute())
    from .core.config import get_settings

    get_settings.cache_clear()
    return get_settings()


def _session(settings: Settings):
    from .db import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(settings.database_url))()


def worker_command(settings: Settings, concurrency: int = 1, name: str = "worker") -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker",
            "-Q", f"{settings.queue_default},{settings.queue_gpu}", "-c", str(concurrency),
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO", "-n", f"{name}@%h"]


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment a worker process needs to see the same database, broker and storage."""
    env = dict(os.environ)
    for field, value in settings.model_dump().items():
        if value is None:
            continue
        key = f"LATENTGEN_{field.upper()}"
        if isinstance(value, Path):
            value = str(value.absolute())
        elif isinstance(value, (list, dict)):
            import json

            value = json.dumps(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[key] = str(value)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def _local_key(settings: Settings) -> str:
    """The embedded service's key for the `local` owner, kept in <home>/local-key (mode 0600)."""
    from .core.security import create_key, owner_for_key

    path = Path(settings.home) / "local-key"
    with _session(settings) as db:
        if path.is_file():
            key = path.read_text().strip()
            if owner_for_key(db, key) is not None:
                return key
        key, _owner = create_key(db, "local")
    path.write_text(key + "\n")
    os.chmod(path, 0o600)
    return key


def cmd_migrate(args) -> int:
    from .migrate import upgrade

    settings = _settings(args.home)
    upgrade(settings.database_url)
    print(f"database at head: {settings.database_url}")
    return 0


def cmd_create_key(args) -> int:
    from .core.security import create_key

    settings = _settings(args.home)
    if args.migrate:
        from .migrate import upgrade

        upgrade(settings.database_url)
    with _session(settings) as db:
        key, owner = create_key(db, args.owner)
    print(key)
    print(f"(owner {owner.name}, id {owner.id}; the key is shown once and stored only as a hash)", file=sys.stderr)
    return 0


def cmd_keys_list(args) -> int:
    from sqlalchemy import select

    from .models import ApiKey, Owner

    settings = _settings(args.home)
    with _session(settings) as db:
        q = select(ApiKey, Owner.name).join(Owner, Owner.id == ApiKey.owner_id).order_by(ApiKey.created_at)
        rows = db.execute(q.where(Owner.name == args.owner) if args.owner else q).all()
    print(f"{'prefix':10} {'owner':20} {'created':25} revoked")
    for key, owner in rows:
        revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "-"
        print(f"{key.prefix:10} {owner[:20]:20} {key.created_at.isoformat(timespec='seconds'):25} {revoked}")
    return 0


def cmd_keys_revoke(args) -> int:
    """Revoke the key with this prefix (`lg_<prefix>_…`, or the whole key): it gets 401 from the next
    request on, as the key is looked up on every request."""
    from sqlalchemy import select

    from .models import ApiKey, utcnow

    prefix = args.key.split("_")[1] if args.key.startswith("lg_") and args.key.count("_") >= 2 else args.key
    settings = _settings(args.home)
    with _session(settings) as db:
        keys = db.scalars(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))).all()
        if len(keys) != 1:
            print(f"latentgen keys revoke: {len(keys)} unrevoked keys have the prefix {prefix!r}; "
                  "give the whole key", file=sys.stderr)
            return 2
        keys[0].revoked_at = utcnow()
        db.commit()
    print(f"revoked the key {prefix}", file=sys.stderr)
    return 0


def cmd_requeue(args) -> int:
    from .queue import make_celery
    from .requeue import requeue_jobs

    settings = _settings(args.home)
    with _session(settings) as db:
        ids = requeue_jobs(db, make_celery(settings), args.older_than, args.running)
    for job_id in ids:
        print(job_id)
    print(f"{len(ids)} job(s) published again", file=sys.stderr)
    return 0


def cmd_worker(args) -> int:
    settings = _settings(args.home)
    command = worker_command(settings, args.concurrency)
    # become the Celery worker: signals (SIGTERM from a supervisor) reach it directly
    os.execve(command[0], command, worker_env(settings))


def _die_with_parent() -> None:
    """In the child, before exec: the kernel kills it when the serve process that started it dies,
    however that happens (SIGKILL included)."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def process_start(pid: int) -> int | None:
    """When process `pid` started (clock ticks since boot; /proc/PID/stat's 22nd field): with the pid,
    it names one process, never a later one given the same pid. None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return None


def hold_home(home: Path):
    """An exclusive lock on <home>/serve.lock, held (by the open file returned) while this serve
    runs; the kernel releases it when the process dies. None when another serve holds it."""
    import fcntl

    lock = open(home / "serve.lock", "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "unknown"
        lock.close()
        print(f"latentgen serve: another serve (pid {holder}) runs on the home {home.absolute()}; stop it, "
              "or give this one another --home", file=sys.stderr)
        return None
    lock.truncate(0)
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


class EmbeddedWorker:
    """The worker process group that `latentgen serve` owns: started in its own session (so the
    group holds the Celery main process and its pool), recorded in <home>/worker.pid, killed with
    serve, restarted if it dies, and, if a serve that died left one behind, stopped before anything
    is queued again."""

    def __init__(self, settings: Settings, concurrency: int):
        self.settings, self.concurrency = settings, concurrency
        self.pid_file = Path(settings.home) / "worker.pid"
        self.log_path = Path(settings.home) / "worker.log"
        self.proc: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    def stop_leftover(self) -> bool:
        """Kill the worker group a previous serve of this home left running; True if there was one.
        The pid file is trusted only when its process is the one it recorded (same start time): a
        pid reused by another process is left alone."""
        try:
            pid, started = (int(f) for f in self.pid_file.read_text().split())
        except (FileNotFoundError, ValueError):
            self.pid_file.unlink(missing_ok=True)
            return False
        self.pid_file.unlink()
        if process_start(pid) != started:
            return False
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        return True

    def start(self) -> subprocess.Popen:
        with self._lock:
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(worker_command(self.settings, self.concurrency, "embedded"),
                                         env=worker_env(self.settings), stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True, preexec_fn=_die_with_parent)
            self.pid_file.write_text(f"{self.proc.pid} {process_start(self.proc.pid)}\n")
            return self.proc

    def supervise(self) -> None:
        """Restart the worker whenever it dies; its jobs are queued again once their leases run out."""
        while not self._stopping.wait(1.0):
            proc = self.proc
            if proc is not None and proc.poll() is not None and not self._stopping.is_set():
                print(f"  worker:   pid {proc.pid} exited ({proc.returncode}); starting a new one", flush=True)
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # its pool children, if any survived it
                except ProcessLookupError:
                    pass
                new = self.start()
                print(f"  worker:   pid {new.pid}, log {self.log_path.absolute()}", flush=True)

    def stop(self) -> None:
        self._stopping.set()
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.pid_file.unlink(missing_ok=True)


def cmd_serve(args) -> int:
    import uvicorn

    from .main import create_app
    from .migrate import upgrade

    settings = _settings(args.home)
    Path(settings.home).mkdir(parents=True, exist_ok=True)
    # before anything else: a second serve of a home touches nothing of the first's
    if (home_lock := hold_home(Path(settings.home))) is None:
        return 1
    upgrade(settings.database_url)
    key = _local_key(settings)
    worker = None if args.no_worker else EmbeddedWorker(settings, args.concurrency)
    leftover = worker.stop_leftover() if worker else False
    # whatever was queued or running when the embedded service last stopped runs again: no worker
    # of this home is alive now (a leftover one was just stopped), and a job runs only under a claim
    from .queue import make_celery
    from .requeue import requeue_jobs

    with _session(settings) as db:
        resumed = requeue_jobs(db, make_celery(settings), include_running=not args.no_worker)
    if worker:
        worker.start()
        threading.Thread(target=worker.supervise, name="worker-supervisor", daemon=True).start()
    base = f"http://{args.host}:{args.port}"
    print(f"latentgen serving on {base}  (API docs: {base}/docs)", flush=True)
    print(f"  home:     {Path(settings.home).absolute()}", flush=True)
    print(f"  database: {settings.database_url}", flush=True)
    print(f"  broker:   {settings.broker_url}", flush=True)
    if leftover:
        print("  stopped:  a worker left running by a previous serve of this home", flush=True)
    if worker:
        print(f"  worker:   pid {worker.proc.pid}, log {worker.log_path.absolute()}", flush=True)
    if resumed:
        print(f"  resumed:  {len(resumed)} unfinished job(s) from the last run", flush=True)
    print(f"  API key:  {key}", flush=True)
    print(f"  try:      curl -H 'Authorization: Bearer {key}' {base}/v1/jobs", flush=True)
    # uvicorn re-raises the SIGTERM it caught once it has shut down: make that an exit that runs
    # the `finally` below, so the worker is stopped too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
    finally:
        if worker is not None:
            worker.stop()
        home_lock.close()
    return 0


def add_server_commands(add: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """The server's commands, added to `latentgen` (the client package's command line) through the
    entry point `latentgen.commands` (pyproject.toml): `add(name, **kwargs)` makes a sub-command
    that takes the global options."""
    p = add("serve", help="start the API and a worker on SQLite and a local data directory")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--concurrency", type=int, default=1, help="worker processes")
    p.add_argument("--no-worker", action="store_true", help="start the API only")
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=cmd_serve)

    p = add("create-key", help="create an API key (printed once) for an owner")
    p.add_argument("--owner", default="local", help="owner name (created when new)")
    p.add_argument("--no-migrate", dest="migrate", action="store_false", help="do not upgrade the database first")
    p.set_defaults(func=cmd_create_key)

    p = add("keys", help="list or revoke API keys")
    actions = p.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    k = actions.add_parser("list", parents=[common], help="every key: its prefix, owner, creation and revocation")
    k.add_argument("--owner", help="only this owner's keys")
    k.set_defaults(func=cmd_keys_list)
    k = actions.add_parser("revoke", parents=[common], help="revoke a key: it is refused (401) from its next request")
    k.add_argument("key", metavar="PREFIX", help="the key's prefix (lg_<prefix>_…, as `keys list` shows it), or the key")
    k.set_defaults(func=cmd_keys_revoke)

    p = add("migrate", help="upgrade the database to the latest schema")
    p.set_defaults(func=cmd_migrate)

    p = add("requeue", help="publish again queued jobs whose message may be lost")
    p.add_argument("--older-than", type=float, default=300.0, metavar="SECONDS",
                   help="only jobs not updated for this long (default 300)")
    p.add_argument("--running", action="store_true",
                   help="also reset running jobs: only when no worker can still be running them")
    p.set_defaults(func=cmd_requeue)

    p = add("worker", help="run a worker process for the configured broker")
    p.add_argument("--concurrency", type=int, default=1)
    p.set_defaults(func=cmd_worker)
