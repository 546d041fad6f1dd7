"""Publish jobs again whose message or worker is gone. Safe because a job runs only under a claim
on its row (queued -> running, attempts + 1): a duplicate message finds the job claimed or finished
and is acknowledged and skipped, and a worker whose lease was reclaimed can no longer write."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Celery
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Job, utcnow
from .queue import enqueue_job

log = logging.getLogger("latentgen.requeue")


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
                       .values(status="queued", progress_stage="requeued", lease_expires_at=None, worker=None,
                               updated_at=utcnow()))
            db.commit()
        enqueue_job(celery, job.id, job.queue)
        ids.append(job.id)
    return ids


def reclaim_expired(db: Session, celery: Celery) -> list[str]:
    """Queue again, once, every running job whose lease has run out (its worker died). The
    status change is atomic, so of several API processes doing this only one publishes."""
    now = utcnow()
    expired = db.scalars(select(Job.id).where(Job.status == "running", Job.lease_expires_at < now)).all()
    reclaimed = []
    for job_id in expired:
        res = db.execute(update(Job).where(Job.id == job_id, Job.status == "running", Job.lease_expires_at < now)
                         .values(status="queued", progress_stage="requeued", lease_expires_at=None, worker=None,
                                 updated_at=now))
        db.commit()
        if res.rowcount == 0:
            continue
        job = db.get(Job, job_id)
        try:
            enqueue_job(celery, job.id, job.queue)
        except Exception as e:  # noqa: BLE001 - broker down: expire it again, the next round retries
            log.warning("job %s: could not publish it again (%s); retrying later", job_id, e)
            db.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                       .values(status="running", lease_expires_at=now))
            db.commit()
            continue
        log.warning("job %s: its worker stopped renewing the lease; queued again", job_id)
        reclaimed.append(job_id)
    return reclaimed
