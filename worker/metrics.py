"""A worker's own Prometheus metrics: the jobs it ran, by kind and end state, and how long each
took, served on LATENTGEN_WORKER_METRICS_PORT (nothing is served when it is unset).

Jobs run in Celery's pool processes, not in the worker's main process that serves the metrics, so
they are counted in prometheus_client's multiprocess mode: each pool process writes its counts to
files in a directory made for this worker (PROMETHEUS_MULTIPROC_DIR, set here before
prometheus_client is imported and inherited by the pool), and the main process serves their sum.
Counted from Celery's task signals, around the runner: whatever the kind of the job.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time

from celery.signals import task_postrun, task_prerun, worker_init, worker_shutdown

from service.core.config import get_settings
from service.queue import RUN_JOB

log = logging.getLogger("latentgen.worker")
settings = get_settings()
_made_dir: str | None = None
if settings.worker_metrics_port is not None and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    _made_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="latentgen-worker-metrics-")

# imported once PROMETHEUS_MULTIPROC_DIR is set: prometheus_client reads it on import
from prometheus_client import Counter, Histogram

from service.metrics import JOB_DURATION_BUCKETS

JOBS = Counter("latentgen_worker_jobs", "jobs this worker ran, by kind and end state (skipped: a delivery of a job "
               "that another attempt holds or that ended)", ["kind", "state"])
DURATION = Histogram("latentgen_worker_job_duration_seconds", "how long this worker ran each job, by kind and end "
                     "state", ["kind", "state"], buckets=JOB_DURATION_BUCKETS)
_started: dict[str, float] = {}


@task_prerun.connect
def _job_started(task_id: str | None = None, task=None, **_kwargs) -> None:
    if task is not None and task.name == RUN_JOB:
        _started[task_id] = time.monotonic()


@task_postrun.connect
def _job_ended(task_id: str | None = None, task=None, args=(), retval=None, **_kwargs) -> None:
    if task is None or task.name != RUN_JOB or task_id not in _started:
        return
    seconds = time.monotonic() - _started.pop(task_id)
    state = retval if isinstance(retval, str) else "error"  # the runner's answer, or an exception it let through
    kind = _kind(args[0] if args else task_id)
    JOBS.labels(kind, state).inc()
    DURATION.labels(kind, state).observe(seconds)


def _kind(job_id: str) -> str:
    from service.models import Job
    from worker.runner import get_runner

    try:
        with get_runner().sessions() as s:
            job = s.get(Job, job_id)
        return job.kind if job is not None else "unknown"
    except Exception:  # a metric is never worth a failed task
        log.warning("metrics: the kind of job %s could not be read", job_id, exc_info=True)
        return "unknown"


@worker_init.connect
def _serve(**_kwargs) -> None:
    """In the worker's main process, before its pool starts: serve the pool's metrics."""
    if settings.worker_metrics_port is None:
        return
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    start_http_server(settings.worker_metrics_port, settings.worker_metrics_addr, registry=registry)
    log.info("metrics on http://%s:%d/metrics", settings.worker_metrics_addr, settings.worker_metrics_port)


@worker_shutdown.connect
def _remove_counts(**_kwargs) -> None:
    if _made_dir is not None:
        shutil.rmtree(_made_dir, ignore_errors=True)
