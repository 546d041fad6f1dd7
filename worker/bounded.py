"""Each run of a job (or of a part of one) happens in a process of its own, forked from the worker's
pool process, which watches it and can always stop it, whatever it is doing (native code included):

- past its wall-clock limit the process group is killed and the run fails `time_limit`;
- once the job is canceled (or this attempt lost its claim) it is killed within `cancel_poll_s`;
- its data memory is capped (RLIMIT_DATA, which counts what it allocates and not the address space
  CUDA reserves): an allocation past it fails, and so does the run, `resource_exhausted`;
- a process that dies of a signal nobody here sent (the out-of-memory killer's SIGKILL, a crash)
  fails the run `worker_lost`, which the runner counts against the job's attempts.

The pool process keeps the lease while it watches, and is the only one that stores blobs: a killed
run leaves no blob, and its scratch (the caller's temporary directory) goes with the caller. The
run's process gets the kernel's SIGKILL when the pool process dies, so it never outlives its watcher.
"""

from __future__ import annotations

import ctypes
import logging
import os
import pickle
import re
import resource
import select
import signal
import time
from pathlib import Path
from typing import Any, Callable

from service.storage import make_storage
from worker.errors import JobCanceled, JobFailed, failure

log = logging.getLogger("latentgen.worker")

_OK, _FAILED, _CANCELED, _UNSENT = 0, 3, 4, 5
PR_SET_PDEATHSIG = 1


def run_bounded(runner, what: str, body: Callable[[], Any], lease, limit_s: float, scratch: Path) -> Any:
    """`body()`'s value, computed in a child process under `runner`'s limits while `lease` (a Lease:
    renewed, and asked whether the run is still held) runs here. Raises JobCanceled once the run is
    no longer held, JobFailed when it fails."""
    result = scratch / ".result.pickle"
    # forked before the lease's thread starts: a child never inherits a lock another thread held
    pid = os.fork()
    if pid == 0:
        _child(runner, what, body, result)
    os.setpgid(pid, pid)  # as the child does: either way the group exists before it is killed
    stopped = None
    deadline = time.monotonic() + limit_s
    pidfd = os.pidfd_open(pid)
    try:
        with lease:
            while not select.select([pidfd], [], [], runner.settings.cancel_poll_s)[0]:
                if time.monotonic() > deadline:
                    stopped = "time_limit"
                elif not lease.holds():
                    stopped = "canceled"
                if stopped:
                    break
    finally:
        os.close(pidfd)
        # not reaped yet, so the group is still the run's: this kills the run (when stopped, or when
        # watching failed) and whatever it started and left behind
        _kill_group(pid)
        status = os.waitpid(pid, 0)[1]
    code = os.waitstatus_to_exitcode(status)
    if stopped == "canceled" or code == _CANCELED:
        raise JobCanceled(what)
    if stopped == "time_limit":
        log.warning("%s: past its time limit of %g s, stopped", what, limit_s)
        raise JobFailed("time_limit", f"{what} ran past its time limit of {limit_s:g} s and was stopped")
    if code < 0:
        name = signal.Signals(-code).name
        log.warning("%s: its process died of %s", what, name)
        hint = " (as the kernel's out-of-memory killer does)" if -code == signal.SIGKILL else ""
        raise JobFailed("worker_lost", f"{what}'s process was killed by {name}{hint}")
    if code not in (_OK, _FAILED):
        raise JobFailed("internal_error", f"{what}'s process could not hand its result over (status {code})")
    with open(result, "rb") as f:
        value = pickle.load(f)
    result.unlink()
    if code == _FAILED:
        raise JobFailed(*value)
    return value


def _child(runner, what: str, body: Callable[[], Any], result: Path) -> None:
    """The run's process: never returns (os._exit, so nothing of the pool process's runs here)."""
    status, value, limit = _FAILED, ("internal_error", f"{what} could not start"), None
    try:
        os.setpgid(0, 0)
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        limit = runner.settings.job_memory_bytes()
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        # the pool process's database connections and object-store client stay its own
        runner.engine.dispose(close=False)
        runner.storage = make_storage(runner.settings)
        status, value = _OK, body()
    except JobCanceled:
        status, value = _CANCELED, None
    except BaseException as e:  # noqa: BLE001 - whatever ends the run is reported to the watcher
        status, value = _FAILED, out_of_memory(e, what, limit) or failure(e, what)
    try:
        with open(result, "wb") as f:
            pickle.dump(value, f)
    except BaseException:  # noqa: BLE001 - unpicklable or out of memory: the watcher reads the status
        log.exception("%s: could not hand its result over", what)
        status = _UNSENT
    finally:
        os._exit(status)


# how torch (CPU and CUDA), onnxruntime and the C++ runtime say an allocation failed
_NO_MEMORY = re.compile(r"can't allocate memory|failed to allocate|bad_alloc|out of memory", re.IGNORECASE)


def out_of_memory(e: BaseException, what: str, limit: int | None) -> tuple[str, str] | None:
    if not (isinstance(e, MemoryError) or _NO_MEMORY.search(str(e))):
        return None
    log.warning("%s ran out of memory: %s: %s", what, type(e).__name__, str(e)[:300])
    cap = f"{limit >> 20} MiB" if limit else "its memory limit"
    return "resource_exhausted", (f"{what} needed more memory than a job may use ({cap}, LATENTGEN_JOB_MEMORY_MB): "
                                  f"{type(e).__name__}")


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
