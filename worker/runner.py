"""Run one job: load its row, call latentgen, write results, artifacts and the job's state.

Idempotent by job id: a redelivered message (worker lost, visibility timeout) re-runs the job
from its row; outputs are content-addressed and the final write replaces the job's artifacts in
one transaction, guarded by the row still being `running` (a canceled job writes nothing).
"""

from __future__ import annotations

import logging
import math
import os
import socket
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np
from sqlalchemy import and_, delete, func, or_, select, update

from service.core.config import Settings, get_settings
from service.crud import blob_referenced, unfinished_parts
from service.db import make_engine, make_sessionmaker
from service.models import Artifact, Dataset, Job, Model, utcnow
from service.queue import enqueue_job
from service.storage import StagingArea, make_storage, stage_file
from worker.bounded import run_bounded
from worker.errors import JobCanceled, failure
from worker.kinds import run_kind, split_kind

log = logging.getLogger("latentgen.worker")


@dataclass
class OutArtifact:
    kind: str
    name: str
    media_type: str
    path: Path


@dataclass
class OutModel:
    path: Path
    arch: dict[str, Any]
    layers: list[dict[str, Any]]
    final_layer: str | None
    num_parameters: int
    format: str  # as `Network.save` wrote it
    name: str | None = None
    final_layer_problem: str | None = None  # why final_layer is None


@dataclass
class OutDataset:
    """A data set derived from the job's: the same examples with new training labels (`labels`:
    an .npy, -1 where an example is left out), recorded as `labels_spec`."""
    source: Dataset
    labels: Path
    labels_spec: dict[str, Any]
    n_train: int
    name: str | None = None


@dataclass
class Outcome:
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    artifacts: list[OutArtifact] = field(default_factory=list)
    model: OutModel | None = None
    dataset: OutDataset | None = None
    # what the kind's HTML report section draws beyond rows and summary (see latentgen.html_report)
    extras: dict[str, Any] = field(default_factory=dict)


def clean(value: Any) -> Any:
    """JSON-safe copy: numpy scalars to Python, NaN/inf to None, tuples to lists."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return clean(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 1) == 0:
        return clean(value.item())
    return value


class Progress:
    """Writes progress to the job row (throttled) and raises JobCanceled once the row is canceled,
    or once this attempt no longer holds the job (its lease was reclaimed after a stall)."""

    def __init__(self, runner: "Runner", job_id: str, attempt: int, min_interval: float = 0.5):
        self.runner, self.job_id, self.attempt, self.min_interval = runner, job_id, attempt, min_interval
        self._last = 0.0
        self._stage: str | None = None

    def __call__(self, stage: str, current: int, total: int) -> None:
        now = time.monotonic()
        if stage == self._stage and now - self._last < self.min_interval and current < total:
            return
        self._stage, self._last = stage, now
        with self.runner.sessions() as s:
            res = s.execute(
                update(Job).where(*self.runner.held(self.job_id, self.attempt)).values(
                    progress_stage=stage[:100], progress_current=int(current), progress_total=int(total),
                    updated_at=utcnow())
            )
            s.commit()
        if res.rowcount == 0:
            raise JobCanceled(self.job_id)


class Lease:
    """Renews the job's lease while entered (from a thread of its own): a worker that dies stops
    renewing, and the API queues the job again once the lease has run out."""

    def __init__(self, runner: "Runner", job_id: str, attempt: int):
        self.runner, self.job_id, self.attempt = runner, job_id, attempt
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def renew(self, s) -> None:
        s.execute(update(Job).where(*self.runner.held(self.job_id, self.attempt))
                  .values(lease_expires_at=self.runner.lease_end()))

    def held_in(self, s) -> bool:
        return s.scalar(select(Job.id).where(*self.runner.held(self.job_id, self.attempt))) is not None

    def holds(self) -> bool:
        """Whether this attempt still holds the job (not canceled, not reclaimed); when the database
        cannot say, yes: a hiccup never stops a job (a lost claim still fences its writes)."""
        try:
            with self.runner.sessions() as s:
                return self.held_in(s)
        except Exception:  # noqa: BLE001 - asked again at the next poll
            log.warning("job %s: could not read its row", self.job_id, exc_info=True)
            return True

    def _run(self) -> None:
        while not self._halt.wait(self.runner.settings.job_lease_s / 3):
            try:
                with self.runner.sessions() as s:
                    self.renew(s)
                    s.commit()
            except Exception:  # noqa: BLE001 - the database is back at the next renewal
                log.warning("job %s: lease renewal failed", self.job_id, exc_info=True)

    def __enter__(self) -> "Lease":
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{self.job_id}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._halt.set()
        self._thread.join(5)


class Runner:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        self.sessions = make_sessionmaker(self.engine)
        self.storage = make_storage(settings)
        self.cache = Path(settings.worker_cache_dir)
        self.cache.mkdir(parents=True, exist_ok=True)
        # job scratch lives in this process's own locked directory: what a killed process left is
        # removed by the next one to start (the kernel released its lock), never by age
        self.scratch = StagingArea(self.cache / "scratch")
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    # ------------------------------------------------------------ lifecycle

    def time_limit(self, job: Job) -> float:
        """Each run's wall-clock limit: the kind's, or less when the job asked for less."""
        return min(self.settings.time_limit_s(job.kind), job.time_limit_s or math.inf)

    def lease_end(self):
        return utcnow() + timedelta(seconds=self.settings.job_lease_s)

    @staticmethod
    def held(job_id: str, attempt: int) -> tuple:
        """The row conditions under which this attempt may still write: running, and not reclaimed."""
        return Job.id == job_id, Job.status == "running", Job.attempts == attempt

    def run(self, job_id: str, fan_out: Callable[["Runner", Job, int, list], str]) -> str:
        """Claim and run the job; a job its kind splits goes to `fan_out(runner, job, attempt, specs)`
        (`worker.fanout.fan_out`, which builds on this module), which publishes its parts."""
        job = self._claim(job_id)
        if job is None:
            log.info("job %s: not queued (or already held by a live worker), skipped", job_id)
            return "skipped"
        attempt = job.attempts
        log.info("job %s: %s, attempt %d", job.id, job.kind, attempt)
        return self.guarded(job.id, attempt, lambda: self._start(job, attempt, fan_out))

    def _start(self, job: Job, attempt: int, fan_out) -> str:
        lease = Lease(self, job.id, attempt)
        with tempfile.TemporaryDirectory(prefix=f"job-{job.id}-", dir=self.scratch.path) as tmp:
            done = run_bounded(self, f"job {job.id}", lambda: self._compute(job, attempt, Path(tmp)), lease,
                               self.time_limit(job), Path(tmp))
            if isinstance(done, list):  # spread over the workers: the parts run, and the last one done merges
                return fan_out(self, job, attempt, done)
            with lease:
                return self._store_outcome(job, attempt, done)

    def _compute(self, job: Job, attempt: int, tmp: Path) -> list[dict[str, Any]] | Outcome:
        """In the job's own process: its parts, when its kind spreads it; else its outcome, report drawn."""
        if (specs := split_kind(job.kind)(self, job)) is not None:
            return specs
        outcome = run_kind(job.kind)(self, job, Progress(self, job.id, attempt), tmp)
        return self.with_report(job, outcome, tmp)

    def guarded(self, job_id: str, attempt: int, body: Callable[[], str]) -> str:
        """`body()`, with a cancel (or a reclaim) and a failure recorded as the job's end; a job whose
        process was lost runs again while it has attempts left."""
        try:
            return body()
        except JobCanceled:
            log.info("job %s: canceled (or reclaimed)", job_id)
            return "canceled"
        except Exception as e:  # noqa: BLE001 - recorded on the row, never lost
            code, message = failure(e, f"job {job_id}")
            if code == "worker_lost" and attempt < self.settings.max_attempts:
                return self._again(job_id, attempt, message)
            if code == "worker_lost":
                message += f", on each of its {attempt} attempts (LATENTGEN_MAX_ATTEMPTS); it is not run again"
            self._fail(job_id, attempt, code, message)
            return "failed"

    def _again(self, job_id: str, attempt: int, message: str) -> str:
        """Queue the job again for its next attempt (its worker lives on: no lease to wait for)."""
        from worker.celery_app import app

        with self.sessions() as s:
            res = s.execute(update(Job).where(*self.held(job_id, attempt)).values(
                status="queued", progress_stage="requeued", lease_expires_at=None, worker=None, updated_at=utcnow()))
            s.commit()
            queue = s.scalar(select(Job.queue).where(Job.id == job_id))
        if res.rowcount == 0:
            return "canceled"
        log.warning("%s; queued again (attempt %d of %d)", message, attempt + 1, self.settings.max_attempts)
        enqueue_job(app, job_id, queue)
        return "requeued"

    def _claim(self, job_id: str) -> Job | None:
        """queued -> running with a fresh lease (attempts + 1): of concurrent deliveries, one wins.
        A running job whose lease has run out is taken over too (its worker died), unless its parts
        still run (it is spread over workers). A job that has had all its attempts fails instead:
        each of them ended with its worker lost (nothing else ends an attempt without ending the job)."""
        now, most = utcnow(), self.settings.max_attempts
        claimable = (Job.id == job_id, or_(
            Job.status == "queued",
            and_(Job.status == "running", Job.lease_expires_at < now, ~unfinished_parts())))
        with self.sessions() as s:
            res = s.execute(
                update(Job).where(*claimable, Job.attempts < most).values(
                    status="running", attempts=Job.attempts + 1, started_at=func.coalesce(Job.started_at, now),
                    updated_at=now, error=None, progress_stage="starting", progress_current=0, progress_total=0,
                    lease_expires_at=self.lease_end(), worker=self.name[:200])
            )
            if res.rowcount == 0:
                lost = s.execute(update(Job).where(*claimable, Job.attempts >= most).values(
                    status="failed", finished_at=now, updated_at=now, lease_expires_at=None, error={
                        "code": "worker_lost", "message": (
                            f"the job's worker was lost on each of its {most} attempts (LATENTGEN_MAX_ATTEMPTS: "
                            "its process killed, as the kernel's out-of-memory killer does, or crashed); "
                            "it is not run again")}))
                if lost.rowcount:
                    log.warning("job %s: its worker was lost on each of its %d attempts; failed", job_id, most)
            s.commit()
            if res.rowcount == 0:
                return None
            return s.get(Job, job_id)

    def _fail(self, job_id: str, attempt: int, code: str, message: str) -> None:
        now = utcnow()
        with self.sessions() as s:
            s.execute(update(Job).where(*self.held(job_id, attempt)).values(
                status="failed", error={"code": code, "message": message[:4000]}, finished_at=now, updated_at=now,
                lease_expires_at=None))
            s.commit()

    def _store(self, path: Path) -> tuple[str, int, bool]:
        """Put a file into the object store: (sha256, size, whether this put created the blob)."""
        st = stage_file(path, self.scratch.path)
        try:
            return st.sha256, st.size, self.storage.put(st)
        finally:
            st.discard()

    def _store_outcome(self, job: Job, attempt: int, out: Outcome) -> str:
        # blobs first (content-addressed: a retry or a duplicate writes the same keys); a failed
        # commit removes those this call created and nothing references
        created: list[str] = []
        try:
            arts = []
            for a in out.artifacts:
                sha, size, new = self._store(a.path)
                created += [sha] if new else []
                arts.append((a, sha, size))
            model_blob = labels_blob = None
            if out.model is not None:
                sha, size, new = self._store(out.model.path)
                created += [sha] if new else []
                model_blob = (sha, size)
            if out.dataset is not None:
                labels_blob, _size, new = self._store(out.dataset.labels)
                created += [labels_blob] if new else []
            self._commit(job, attempt, out, arts, model_blob, labels_blob)
        except BaseException:
            with self.sessions() as s:
                for sha in created:
                    if not blob_referenced(s, sha):
                        self.storage.delete(sha)
            raise
        log.info("job %s: succeeded", job.id)
        return "succeeded"

    def _commit(self, job: Job, attempt: int, out: Outcome, arts: list, model_blob: tuple | None,
                labels_blob: str | None) -> None:
        """Results, artifacts, the output model or data set and the job's new status in one transaction."""
        now = utcnow()
        with self.sessions() as s:
            output_model_id = None
            if out.model is not None and model_blob is not None:
                existing = s.scalars(select(Model).where(Model.owner_id == job.owner_id,
                                                         Model.sha256 == model_blob[0])).first()
                if existing is None:
                    m = Model(owner_id=job.owner_id, name=(out.model.name or "")[:200] or None, arch=out.model.arch,
                              sha256=model_blob[0], size_bytes=model_blob[1], format=out.model.format,
                              num_parameters=out.model.num_parameters, layers=out.model.layers,
                              final_layer=out.model.final_layer, final_layer_problem=out.model.final_layer_problem,
                              source_job_id=job.id)
                    s.add(m)
                    s.flush()
                    output_model_id = m.id
                else:
                    output_model_id = existing.id
                out.summary["output_model_id"] = output_model_id
            if out.dataset is not None and labels_blob is not None:
                d = out.dataset
                derived = Dataset(owner_id=job.owner_id, name=(d.name or "")[:200] or None, source=d.source.source,
                                  root=d.source.root, sha256=d.source.sha256, size_bytes=d.source.size_bytes,
                                  labels={**d.labels_spec, "sha256": labels_blob}, labels_sha256=labels_blob,
                                  info={**(d.source.info or {}), "n_train": d.n_train})
                s.add(derived)
                s.flush()
                out.summary["cleaned_dataset_id"] = derived.id
            s.execute(delete(Artifact).where(Artifact.job_id == job.id))
            for a, sha, size in arts:
                s.add(Artifact(owner_id=job.owner_id, job_id=job.id, kind=a.kind, name=a.name,
                               media_type=a.media_type, sha256=sha, size_bytes=size))
            res = s.execute(update(Job).where(*self.held(job.id, attempt)).values(
                status="succeeded", finished_at=now, updated_at=now, output_model_id=output_model_id,
                progress_stage="done", error=None, lease_expires_at=None,
                result=clean({"rows": out.rows, "summary": out.summary})))
            if res.rowcount == 0:
                s.rollback()
                raise JobCanceled(job.id)
            s.commit()

    # ------------------------------------------------------------ inputs

    def device(self):
        from latentgen.device import resolve_device

        return resolve_device(self.settings.device)

    def fit_memory_budget(self) -> int:
        """Bytes a probe fit may hold for its layers' data at once (`latentgen.memory`): half of what
        a job may use, the other half left to the data set, the network and the scoring."""
        return self.settings.job_memory_bytes() // 2

    def blob_file(self, sha256: str, suffix: str) -> Path:
        path = self.cache / "blobs" / f"{sha256}{suffix}"
        if not path.is_file():
            self.storage.download_to(sha256, path)
        return path

    def load_splits(self, ds: Dataset):
        """The data set's splits, prepared by its recorded preprocessing (a data set registered before
        preprocessing was recorded gets what every input got then: the paper's, floats included)."""
        from latentgen.data import load_npz, load_source
        from latentgen.inputs import PAPER_PREPROCESSING, Preprocessing

        preprocessing = Preprocessing.from_dict((ds.info or {}).get("preprocessing"), PAPER_PREPROCESSING)
        if ds.source == "npz":
            return load_npz(self.blob_file(ds.sha256, ".npz"), preprocessing)
        root = None
        if ds.root is not None:
            base = Path(os.path.realpath(self.settings.data_dir))
            root = Path(os.path.realpath(base / ds.root))
            if root != base and base not in root.parents:
                raise ValueError(f"dataset root {ds.root!r} lies outside the data directory")
        return load_source(ds.source, root, preprocessing, **((ds.info or {}).get("options") or {}))

    def load_labels(self, ds: Dataset, splits):
        """(splits, labels): the training labels of the data set, and its splits without the
        examples a cleaned data set leaves out (label -1)."""
        from latentgen.corruption import CorruptedLabels, NoiseModel
        from latentgen.data import Splits

        y_true = splits.y_train.numpy()
        spec = ds.labels
        if spec["kind"] == "corruption":
            return splits, NoiseModel.from_dict(spec).corrupt(y_true, splits.num_classes, int(spec["seed"]))
        noisy = self.stored_labels(ds)
        if len(noisy) != len(y_true):
            raise ValueError(f"train_labels has {len(noisy)} entries but the training set has {len(y_true)}")
        if (noisy < 0).any():
            kept = np.flatnonzero(noisy >= 0)
            splits = Splits(splits.x_train[kept], splits.y_train[kept], splits.x_test, splits.y_test,
                            splits.x_val, splits.y_val)
            noisy, y_true = noisy[kept], y_true[kept]
        return splits, CorruptedLabels.from_labels(noisy, y_true)

    def stored_labels(self, ds: Dataset) -> np.ndarray:
        """An uploaded or cleaned data set's training labels, one per example of its source (-1: left
        out by a cleaning)."""
        return np.load(self.blob_file(ds.labels["sha256"], ".npy"), allow_pickle=False)

    def load_model(self, m: Model):
        """The model's network (torch or ONNX), through the core loader the API validated it with."""
        from latentgen.networks import FILE_SUFFIXES, load_network

        return load_network(self.blob_file(m.sha256, FILE_SUFFIXES[m.format]), m.arch)

    def validation_split(self, job: Job, n: int, model: Model | None = None):
        """The examples choices are made on, from `params.validation`: `dataset_id`, a data set of
        examples the model never saw (its training inputs and labels); `indices`, training examples
        held out of the model's training; {fraction, seed}, a split carved from the n training
        examples. By default the split the model's (or the dynamics job's) train job held out of
        training on this data set, else the data set's own validation examples (an npz's x_val,
        y_val), else 10% with seed 0."""
        from latentgen.validation import DEFAULT_FRACTION, DEFAULT_SEED, Validation

        options = job.params.get("validation")
        train_job_id = job.source_job_id if job.kind == "dynamics" else (model.source_job_id if model else None)
        if options is None and train_job_id is not None:
            with self.sessions() as s:
                src = s.get(Job, train_job_id)
            if src is not None and src.kind == "train" and src.dataset_id == job.dataset_id and src.params.get("hold_out"):
                options = src.params.get("validation")
        if options is None and job.dataset_id is not None:
            with self.sessions() as s:
                ds = s.get(Dataset, job.dataset_id)
            if ds is not None and (ds.info or {}).get("n_val"):  # the data set's own held-out examples
                splits = self.load_splits(ds)
                return Validation.external(splits.x_val, splits.y_val.numpy(), n, f"{ds.id}:validation")
        options = options or {}
        if options.get("dataset_id"):
            with self.sessions() as s:
                held = s.get(Dataset, options["dataset_id"])
            if held is None:
                raise ValueError("the job's validation data set no longer exists")
            splits, labels = self.load_labels(held, self.load_splits(held))
            return Validation.external(splits.x_train, labels.labels, n, held.id)
        if options.get("indices"):
            return Validation.of(options["indices"], n)
        return Validation.carve(n, float(options.get("fraction", DEFAULT_FRACTION)),
                                int(options.get("seed", DEFAULT_SEED)))

    def job_inputs(self, job: Job, need_model: bool = True):
        with self.sessions() as s:
            ds = s.get(Dataset, job.dataset_id) if job.dataset_id else None
            m = s.get(Model, job.model_id) if job.model_id else None
        if ds is None:
            raise ValueError("the job's data set no longer exists")
        if need_model and m is None:
            raise ValueError("the job's model no longer exists")
        return m, ds

    def load_data(self, ds: Dataset, progress: Progress):
        """The data set's splits, its training labels, and their summary for the result."""
        progress("loading", 0, 1)
        splits, labels = self.load_labels(ds, self.load_splits(ds))
        progress("loading", 1, 1)
        return splits, labels, data_summary(splits, labels, ds)

    # ------------------------------------------------------------ outputs

    def plot(self, fn_name: str, rows: list[dict], path: Path) -> OutArtifact | None:
        try:
            from latentgen import plots

            getattr(plots, fn_name)(rows, path)
            return OutArtifact("plot", path.name, "image/png", path) if path.is_file() else None
        except Exception:  # noqa: BLE001 - a plot is a convenience, never a reason to fail the job
            log.warning("plot %s failed:\n%s", fn_name, traceback.format_exc())
            return None

    def with_report(self, job: Job, out: Outcome, tmp: Path) -> Outcome:
        """The outcome, its HTML report among its artifacts: drawn from the job as the API will show it
        once it has succeeded. Nothing in it depends on when it is drawn (no finish time): a job run
        again after its worker died between storing its blobs and committing draws the same bytes, so
        the content-addressed blob of the lost attempt is the new one, not an orphan."""
        try:
            from latentgen.html_report import render_report

            view = {"id": job.id, "kind": job.kind, "status": "succeeded", "params": job.params,
                    "model_id": job.model_id, "dataset_id": job.dataset_id, "source_job_id": job.source_job_id,
                    "created_at": job.created_at, "started_at": job.started_at,
                    "result": {"rows": out.rows, "summary": out.summary}}
            path = tmp / "report.html"
            path.write_text(render_report(clean(view), out.extras), encoding="utf-8")
            out.artifacts.append(OutArtifact("report", path.name, "text/html", path))
        except Exception:  # noqa: BLE001 - like a plot, a report never fails the job
            log.warning("job %s: report failed:\n%s", job.id, traceback.format_exc())
        return out


def data_summary(splits, labels, ds: Dataset) -> dict[str, Any]:
    """What the job ran on: sizes, input shape, classes, the flip rate of its training labels, their
    noise (its model when the service drew it; what changed into what) and how its inputs were
    prepared (when the data set records it)."""
    from latentgen.corruption import NoiseModel, realised_noise

    recorded = (ds.info or {}).get("preprocessing")
    noise = realised_noise(labels, splits.num_classes)
    if ds.labels["kind"] == "corruption":
        noise = {"model": NoiseModel.from_dict(ds.labels).describe(), **noise}
    return {"n_train": int(len(splits.x_train)), "n_test": int(len(splits.x_test)),
            "input_shape": [int(s) for s in splits.input_shape], "num_classes": int(splits.num_classes),
            "flip_rate": float(labels.flip_rate), "noise": noise,
            **({"preprocessing": recorded["description"]} if recorded else {})}


def table_artifact(rows: list[dict], path: Path) -> OutArtifact:
    """The job's table as a CSV artifact."""
    import csv

    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(clean(rows))
    return OutArtifact("result", path.name, "text/csv", path)


@lru_cache
def get_runner() -> Runner:
    return Runner(get_settings())
