"""Thin Celery tasks: the job id is the whole message; the runner does the work. Celery imports this
module when a worker starts (`include`), so the worker's metrics register here too."""

from __future__ import annotations

from service.queue import RUN_JOB, RUN_PART

from . import metrics  # noqa: F401  (counts the jobs run; serves them on LATENTGEN_WORKER_METRICS_PORT)
from .celery_app import app


@app.task(name=RUN_JOB, bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_job(self, job_id: str) -> str:
    from .fanout import fan_out
    from .runner import get_runner

    return get_runner().run(job_id, fan_out)


@app.task(name=RUN_PART, bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_part(self, job_id: str, attempt: int, number: int) -> str:
    from .fanout import run_part
    from .runner import get_runner

    return run_part(get_runner(), job_id, attempt, number)
