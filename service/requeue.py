"""Re-publish jobs whose message may be lost (broker restarted without persistence, embedded
service stopped mid-job). Safe because tasks are idempotent by job id: a duplicate message for a
job that has finished is acknowledged and skipped."""

from __future__ import annotations

from datetime import timedelta

from celery import Celery
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Job, utcnow
from .queue import enqueue_job


def requeue_jobs(db: Session, celery: Celery, older_than_s: float = 0.0, include_running: bool = False) -> list[str]:
    """Publish again every `queued` job not touched for `older_than_s` seconds; with
    `include_running`, also reset `running` ones (only when no worker can be running them)."""
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    statuses = ("queued", "running") if include_running else ("queued",)
    jobs = db.scalars(select(Job).where(Job.status.in_(statuses), Job.updated_at <= cutoff)
                      .order_by(Job.created_at)).all()
    ids = []
    for job in jobs:
        if job.status == "running":
            db.execute(update(Job).where(Job.id == job.id, Job.status == "running")
                       .values(status="queued", progress_stage="requeued", updated_at=utcnow()))
            db.commit()
        enqueue_job(celery, job.id, job.queue)
        ids.append(job.id)
    return ids
