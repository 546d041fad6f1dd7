"""The Celery application's configuration, shared by the API (producer) and the worker.

Kept here, in ``service``, so the API can enqueue by task name without importing the worker
(and so without torch). Celery carries only the job id: the job row is the source of truth, so
no result backend is configured.
"""

from __future__ import annotations

from celery import Celery

from .core.config import Settings

RUN_JOB = "latentgen.run_job"
RUN_PART = "latentgen.run_part"


def make_celery(settings: Settings) -> Celery:
    app = Celery("latentgen", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.queue_default,
        broker_transport_options=transport_options(settings),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        task_track_started=False,
    )
    return app


def transport_options(settings: Settings) -> dict:
    """Redis (and SQS) redeliver an unacked message after the visibility timeout, so it must exceed
    the longest job. RabbitMQ needs none; the SQLAlchemy transport of the embedded default would
    pass unknown options to create_engine."""
    scheme = settings.broker_url.split(":", 1)[0].lower()
    if scheme in ("redis", "rediss", "sentinel", "sqs"):
        return {"visibility_timeout": settings.visibility_timeout_s}
    return {}


def enqueue_job(app: Celery, job_id: str, queue: str) -> None:
    # the job id doubles as the task id: a duplicate delivery is recognisable and the task is idempotent
    app.send_task(RUN_JOB, args=[job_id], queue=queue, task_id=job_id,
                  retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2})


def part_signature(app: Celery, job_id: str, attempt: int, number: int, queue: str):
    """The message of one part of a job's attempt `attempt`; its task id names all three."""
    return app.signature(RUN_PART, args=[job_id, attempt, number], queue=queue,
                         task_id=f"{job_id}-{attempt}-{number}")


def enqueue_parts(app: Celery, job_id: str, attempt: int, numbers, queue: str) -> None:
    """Publish the parts together (a Celery group): every worker on the queue takes some. No chord:
    the part that finds all parts done merges, so no result backend is needed."""
    from celery import group

    group(part_signature(app, job_id, attempt, n, queue) for n in numbers).apply_async(
        retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2})
