"""Publish jobs again whose message or worker is gone. Safe because a job runs only under a claim
on its row (queued -> running, attempts + 1): a duplicate message finds the job claimed or finished
and is acknowledged and skipped, and a worker whose lease was reclaimed can no longer write."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Celery
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .crud import unfinished_parts
from .models import Job, JobPart, utcnow
from .queue import enqueue_job, part_signature

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
    """Queue again, once, every running job whose lease has run out (its worker died), and every
    running part of a job spread over workers whose lease has (`reclaim_parts`). A job whose parts
    are still queued or running is alive: its parts are reclaimed, not the job. The status change
    is atomic, so of several API processes doing this only one publishes."""
    reclaim_parts(db, celery)
    now = utcnow()
    expired = db.scalars(select(Job.id).where(Job.status == "running", Job.lease_expires_at < now,
                                              ~unfinished_parts())).all()
    reclaimed = []
    for job_id in expired:
        res = db.execute(update(Job).where(Job.id == job_id, Job.status == "running", Job.lease_expires_at < now,
                                           ~unfinished_parts()).values(status="queued", progress_stage="requeued", lease_expires_at=None, worker=None,
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


def reclaim_parts(db: Session, celery: Celery) -> list[tuple[str, int]]:
    """Queue again every running part of a running job whose lease has run out (its worker died, or
    it failed and has attempts left). (job id, part number) of those published."""
    now = utcnow()
    expired = db.execute(select(JobPart.job_id, JobPart.number, JobPart.job_attempt, Job.queue).join(
        Job, Job.id == JobPart.job_id).where(JobPart.status == "running", JobPart.lease_expires_at < now,
                                             Job.status == "running", Job.attempts == JobPart.job_attempt)).all()
    reclaimed = []
    for job_id, number, attempt, queue in expired:
        part = (JobPart.job_id == job_id, JobPart.number == number, JobPart.job_attempt == attempt)
        res = db.execute(update(JobPart).where(*part, JobPart.status == "running", JobPart.lease_expires_at < now)
                         .values(status="queued", lease_expires_at=None, worker=None, updated_at=now))
        db.commit()
        if res.rowcount == 0:
            continue
        try:
            part_signature(celery, job_id, attempt, number, queue).apply_async(
                retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2})
        except Exception as e:  # noqa: BLE001 - broker down: expire it again, the next round retries
            log.warning("job %s part %d: could not publish it again (%s); retrying later", job_id, number, e)
            db.execute(update(JobPart).where(*part, JobPart.status == "queued").values(status="running",
                                                                                       lease_expires_at=now))
            db.commit()
            continue
        log.warning("job %s part %d: its worker stopped renewing the lease (or it failed); queued again",
                    job_id, number)
        reclaimed.append((job_id, number))
    return reclaimed
