"""One job over many workers: a job whose kind splits it (`split` in worker/kinds/<kind>.py) is
claimed by one worker, which records its parts (the `job_parts` rows of this attempt), publishes
them together on the job's queue (a Celery group) and returns, freeing its slot. Every worker on
the queue takes parts. The part that finds every part done merges them and finishes the job
through the runner, as if one worker had run it; no result backend is needed.

Reliability, as for whole jobs:
- a part runs under a claim on its row (queued -> running, attempts + 1) and a lease it renews,
  with the job's; a duplicate or redelivered message finds its part claimed or done and is skipped;
- a part whose worker dies stops renewing and the API queues it again (service/requeue.py); a part
  that fails is queued again the same way, up to `part_attempts` runs; then the job fails;
- a job with parts still queued or running is never queued again as a whole; once they are done, a
  merge whose worker died lets the job's lease run out, and the job runs again from the start;
- every write of a part is fenced by the job's row still `running` in this attempt: a canceled job's
  parts stop at their next progress report and write nothing;
- the parts' scratch blobs are removed when the job ends, whichever way.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, func, select, update

from service.crud import blob_referenced
from service.models import Job, JobPart, utcnow
from service.queue import enqueue_parts
from worker.kinds import kind_module
from worker.bounded import run_bounded
from worker.errors import FINAL, JobCanceled, failure
from worker.runner import Lease, Outcome, Progress, Runner, clean

log = logging.getLogger("latentgen.worker")


def training_shards(runner: Runner, job: Job) -> list[dict[str, Any]] | None:
    """The training examples of the job's data set in shards [start, stop) of near-equal size, at
    most `shard_min_examples` each; None (run whole) when they fit in one. The shards depend on the
    data only, never on the workers: the sums, and so the results, are the same however many run."""
    import itertools
    import math

    _m, ds = runner.job_inputs(job)
    splits, _labels = runner.load_labels(ds, runner.load_splits(ds))
    n, size = len(splits.x_train), runner.settings.shard_min_examples
    if n <= size:
        return None
    count = math.ceil(n / size)
    bounds = [round(i * n / count) for i in range(count + 1)]
    return [{"start": a, "stop": b} for a, b in itertools.pairwise(bounds)]


@dataclass
class PartOutput:
    """What a part returns: JSON kept on its row, and/or a file (large: class statistics) put in
    the object store as scratch until the job ends."""
    result: dict[str, Any] | None = None
    file: Path | None = None


@dataclass
class DonePart:
    """A finished part as `merge` sees it, in part order; `file`: its stored file, fetched."""
    number: int
    spec: dict[str, Any]
    result: dict[str, Any] | None
    file: Path | None


def fan_out(runner: Runner, job: Job, attempt: int, specs: list[dict[str, Any]]) -> str:
    """Record the parts of this attempt (an earlier attempt's go, scratch and all) and publish them."""
    module = kind_module(job.kind)
    remove_scratch(runner, job.id)
    now = utcnow()
    with runner.sessions() as s:
        s.execute(delete(JobPart).where(JobPart.job_id == job.id))
        s.add_all(JobPart(job_id=job.id, number=n, job_attempt=attempt, spec=clean(spec), status="queued",
                          attempts=0, updated_at=now) for n, spec in enumerate(specs))
        # progress counts finished parts, in the stage the kind reports them under
        res = s.execute(update(Job).where(*runner.held(job.id, attempt)).values(
            progress_stage=module.PART_STAGE, progress_current=0, progress_total=len(specs),
            lease_expires_at=runner.lease_end(), updated_at=now))
        if res.rowcount == 0:
            s.rollback()
            raise JobCanceled(job.id)
        s.commit()
    from worker.celery_app import app

    enqueue_parts(app, job.id, attempt, range(len(specs)), job.queue)
    log.info("job %s: spread over %d parts", job.id, len(specs))
    return "spread"


class PartHold:
    """The conditions under which a part's run may still write, and their renewal: the job running
    in this attempt, and the part still running in this run of it (not reclaimed)."""

    def __init__(self, runner: Runner, job_id: str, attempt: int, number: int, part_attempt: int,
                 min_interval: float = 0.5):
        self.runner, self.job_id, self.attempt, self.number, self.part_attempt = (
            runner, job_id, attempt, number, part_attempt)
        self.min_interval, self._last = min_interval, 0.0

    def part(self) -> tuple:
        return (JobPart.job_id == self.job_id, JobPart.number == self.number, JobPart.job_attempt == self.attempt,
                JobPart.status == "running", JobPart.attempts == self.part_attempt)

    def held_in(self, s) -> bool:
        job = s.scalar(select(Job.id).where(*self.runner.held(self.job_id, self.attempt)))
        part = s.scalar(select(JobPart.number).where(*self.part()))
        return job is not None and part is not None

    def renew(self, s) -> bool:
        """Extend the part's lease and the job's; False once either is no longer held."""
        lease = self.runner.lease_end()
        job = s.execute(update(Job).where(*self.runner.held(self.job_id, self.attempt))
                        .values(lease_expires_at=lease))
        part = s.execute(update(JobPart).where(*self.part()).values(lease_expires_at=lease, updated_at=utcnow()))
        return job.rowcount == 1 and part.rowcount == 1

    def __call__(self, stage: str, current: int, total: int) -> None:
        """The part's progress callback: it stops (JobCanceled) once the job is canceled or the part
        reclaimed. The job's row shows finished parts, not a part's own stages."""
        now = time.monotonic()
        if now - self._last < self.min_interval:
            return
        self._last = now
        with self.runner.sessions() as s:
            held = self.renew(s)
            s.commit()
        if not held:
            raise JobCanceled(self.job_id)


class PartLease(Lease):
    def __init__(self, hold: PartHold):
        super().__init__(hold.runner, hold.job_id, hold.attempt)
        self.hold = hold

    def renew(self, s) -> None:
        self.hold.renew(s)

    def held_in(self, s) -> bool:
        return self.hold.held_in(s)


def run_part(runner: Runner, job_id: str, attempt: int, number: int) -> str:
    hold = _claim_part(runner, job_id, attempt, number)
    if hold is None:
        log.info("job %s part %d (attempt %d): not queued or its job no longer runs, skipped", job_id, number, attempt)
        return "skipped"
    with runner.sessions() as s:
        job = s.get(Job, job_id)
        spec = s.get(JobPart, (job_id, number)).spec
    module = kind_module(job.kind)
    log.info("job %s part %d: %s, run %d", job_id, number, spec, hold.part_attempt)
    created: str | None = None
    lease = PartLease(hold)
    try:
        with tempfile.TemporaryDirectory(prefix=f"part-{job_id}-{number}-", dir=runner.scratch.path) as tmp:
            out = run_bounded(runner, f"job {job_id} part {number}",
                              lambda: module.run_part(runner, job, spec, hold, Path(tmp)), lease,
                              runner.time_limit(job), Path(tmp))
            with lease:
                blob = None
                if out.file is not None:
                    blob, _size, new = runner._store(out.file)
                    created = blob if new else None
                last = _complete(runner, hold, out, blob)
                created = None  # on the part's row now
    except JobCanceled:
        _end_part(runner, hold, "canceled")
        log.info("job %s part %d: canceled (or reclaimed)", job_id, number)
        return "canceled"
    except Exception as e:  # noqa: BLE001 - recorded on the row, never lost
        return _part_failed(runner, hold, spec, e)
    finally:
        if created is not None:
            with runner.sessions() as s:
                if not blob_referenced(s, created):
                    runner.storage.delete(created)
    log.info("job %s part %d: done%s", job_id, number, "; every part is done, merging" if last else "")
    return _merge(runner, job, attempt, module) if last else "part done"


def _claim_part(runner: Runner, job_id: str, attempt: int, number: int) -> PartHold | None:
    """queued -> running with a fresh lease (attempts + 1), while the job runs in this attempt; a
    running part whose lease has run out is taken over too. Of concurrent deliveries, one wins."""
    now = utcnow()
    job_runs = exists().where(Job.id == job_id, Job.status == "running", Job.attempts == attempt)
    with runner.sessions() as s:
        res = s.execute(update(JobPart).where(
            JobPart.job_id == job_id, JobPart.number == number, JobPart.job_attempt == attempt, job_runs,
            (JobPart.status == "queued") | ((JobPart.status == "running") & (JobPart.lease_expires_at < now))).values(
            status="running", attempts=JobPart.attempts + 1, lease_expires_at=runner.lease_end(),
            worker=runner.name[:200], updated_at=now))
        s.commit()
        if res.rowcount == 0:
            if s.scalar(select(Job.status).where(Job.id == job_id)) != "running":
                # a queued part of a job that has ended ends here, after the job's scratch
                remove_scratch(runner, job_id, attempt)
                s.execute(update(JobPart).where(JobPart.job_id == job_id, JobPart.number == number,
                                                JobPart.job_attempt == attempt, JobPart.status == "queued")
                          .values(status="canceled", updated_at=now))
                s.commit()
            return None
        s.commit()
        part_attempt = s.scalar(select(JobPart.attempts).where(JobPart.job_id == job_id, JobPart.number == number))
    return PartHold(runner, job_id, attempt, number, part_attempt)


def _complete(runner: Runner, hold: PartHold, out: PartOutput, blob: str | None) -> bool:
    """Mark the part done and count it on the job's row, in one transaction; True when it is the
    last (it merges). The job's row is updated first: its lock orders the parts' completions, so
    exactly one sees every part done."""
    now = utcnow()
    with runner.sessions() as s:
        res = s.execute(update(Job).where(*runner.held(hold.job_id, hold.attempt)).values(
            progress_current=Job.progress_current + 1, lease_expires_at=runner.lease_end(), updated_at=now))
        if res.rowcount == 0:
            s.rollback()
            raise JobCanceled(hold.job_id)
        res = s.execute(update(JobPart).where(*hold.part()).values(
            status="done", result=clean(out.result), blob=blob, lease_expires_at=None, error=None, updated_at=now))
        if res.rowcount == 0:
            s.rollback()
            raise JobCanceled(hold.job_id)
        left = s.scalar(select(func.count()).select_from(JobPart).where(
            JobPart.job_id == hold.job_id, JobPart.job_attempt == hold.attempt, JobPart.status != "done"))
        s.commit()
    return left == 0


def _end_part(runner: Runner, hold: PartHold, status: str, error: dict | None = None) -> None:
    """The part ends `status`; when its job has ended, after the job's scratch is removed (a part
    seen ended never leaves scratch behind it)."""
    with runner.sessions() as s:
        if s.scalar(select(Job.status).where(Job.id == hold.job_id)) != "running":
            remove_scratch(runner, hold.job_id, hold.attempt)
        s.execute(update(JobPart).where(*hold.part()).values(status=status, error=error, lease_expires_at=None,
                                                             updated_at=utcnow()))
        s.commit()


def _part_failed(runner: Runner, hold: PartHold, spec: dict, e: Exception) -> str:
    """Run the part again (its lease expired: the API queues it again) while it has runs left and
    the failure is not its input's; else fail the job."""
    code, message = failure(e, f"job {hold.job_id} part {hold.number}")
    if code not in FINAL and hold.part_attempt < runner.settings.part_attempts:
        with runner.sessions() as s:
            s.execute(update(JobPart).where(*hold.part()).values(
                lease_expires_at=utcnow(), error={"code": code, "message": message[:4000]}, updated_at=utcnow()))
            s.commit()
        return "part failed; it runs again"
    runner._fail(hold.job_id, hold.attempt, code,
                 f"part {hold.number} of the job ({spec}) failed after {hold.part_attempt} run(s): {message}")
    _end_part(runner, hold, "failed", {"code": code, "message": message[:4000]})
    return "failed"


def _merge(runner: Runner, job: Job, attempt: int, module) -> str:
    """The last part done: the kind's merge of every part's output, finished as a whole job would be;
    the scratch goes whichever way it ends."""
    def merged(tmp: Path) -> Outcome:
        """In the merge's own process: the kind's merge of the parts, report drawn."""
        with runner.sessions() as s:
            rows = s.scalars(select(JobPart).where(JobPart.job_id == job.id, JobPart.job_attempt == attempt)
                             .order_by(JobPart.number)).all()
        parts = [DonePart(p.number, p.spec, p.result,
                          runner.blob_file(p.blob, ".part") if p.blob else None) for p in rows]
        outcome = module.merge(runner, job, parts, Progress(runner, job.id, attempt), tmp)
        for p in parts:
            if p.file is not None:
                p.file.unlink(missing_ok=True)  # scratch: not worth keeping in the worker's cache
        return runner.with_report(job, outcome, tmp)

    def body() -> str:
        lease = Lease(runner, job.id, attempt)
        with tempfile.TemporaryDirectory(prefix=f"merge-{job.id}-", dir=runner.scratch.path) as tmp:
            outcome = run_bounded(runner, f"job {job.id}", lambda: merged(Path(tmp)), lease,
                                  runner.time_limit(job), Path(tmp))
            # merged: the scratch goes before the job is seen succeeded
            remove_scratch(runner, job.id, attempt)
            with lease:
                return runner._store_outcome(job, attempt, outcome)

    try:
        return runner.guarded(job.id, attempt, body)
    finally:
        remove_scratch(runner, job.id, attempt)


def remove_scratch(runner: Runner, job_id: str, attempt: int | None = None) -> None:
    """Delete the stored files of the job's parts, of its attempt `attempt` (None: of every attempt),
    unless something else holds the same bytes."""
    of_job = (JobPart.job_id == job_id, JobPart.blob.is_not(None),
              *((JobPart.job_attempt == attempt,) if attempt is not None else ()))
    with runner.sessions() as s:
        blobs = s.scalars(select(JobPart.blob).where(*of_job)).all()
        if not blobs:
            return
        s.execute(update(JobPart).where(*of_job).values(blob=None))
        s.commit()
        for sha in set(blobs):
            if not blob_referenced(s, sha):
                runner.storage.delete(sha)
