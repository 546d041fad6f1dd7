"""Small query helpers shared by the routes and the worker."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from .errors import not_found
from .models import Artifact, Dataset, Job, JobPart, Model, Worker, utcnow

T = TypeVar("T")


def get_owned(db: Session, cls: type[T], obj_id: str, owner_id: str, what: str, field: str | None = None) -> T:
    """Fetch by id; another owner's object is indistinguishable from a missing one (404)."""
    obj = db.get(cls, obj_id) if isinstance(obj_id, str) and len(obj_id) <= 64 else None
    if obj is None or getattr(obj, "owner_id") != owner_id:
        raise not_found(what, field)
    return obj


def page(db: Session, cls: type[T], owner_id: str, limit: int, offset: int) -> tuple[list[T], int]:
    """The owner's rows, newest first, and their total count."""
    q = select(cls).where(getattr(cls, "owner_id") == owner_id)
    total = db.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = db.scalars(q.order_by(getattr(cls, "created_at").desc(), getattr(cls, "id")).limit(limit).offset(offset)).all()
    return list(rows), int(total)


def model_by_sha(db: Session, owner_id: str, sha256: str) -> Model | None:
    return db.scalars(select(Model).where(Model.owner_id == owner_id, Model.sha256 == sha256)).first()


def blob_referenced(db: Session, sha256: str) -> bool:
    """Whether any record points at this blob (so it must not be deleted)."""
    if db.scalars(select(Model.id).where(Model.sha256 == sha256).limit(1)).first():
        return True
    if db.scalars(select(Artifact.id).where(Artifact.sha256 == sha256).limit(1)).first():
        return True
    if db.scalars(select(JobPart.job_id).where(JobPart.blob == sha256).limit(1)).first():
        return True  # a running job's scratch
    return db.scalars(
        select(Dataset.id).where(or_(Dataset.sha256 == sha256, Dataset.labels_sha256 == sha256)).limit(1)
    ).first() is not None


def unfinished_parts():
    """A condition on a job row: its current attempt has parts still queued or running (it is spread
    over workers). Such a job is alive while its parts are, whatever its own lease says."""
    return exists().where(JobPart.job_id == Job.id, JobPart.job_attempt == Job.attempts,
                          JobPart.status.in_(("queued", "running")))


def job_artifacts(db: Session, job_id: str) -> list[Artifact]:
    return list(db.scalars(select(Artifact).where(Artifact.job_id == job_id).order_by(Artifact.created_at, Artifact.name)))


def result_columns(rows: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def live_workers(db: Session, heartbeat_s: float) -> int:
    """Workers whose heartbeat is recent (within three periods)."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(seconds=3 * heartbeat_s)
    return int(db.scalar(select(func.count()).select_from(Worker).where(Worker.last_seen >= cutoff)) or 0)
