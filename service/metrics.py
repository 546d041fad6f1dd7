"""Prometheus metrics of the API process, served at GET /metrics (prometheus_client).

- Requests, by method, route template (`/v1/jobs/{job_id}`, never the raw URL: its ids would make
  a series per object) and status, and their latency: an ASGI middleware.
- Jobs, read from the database at each scrape, so they count what every worker did, wherever it
  runs: jobs by kind and status, running jobs by progress stage, how long finished jobs ran (a
  histogram by kind and end state), and the live workers. Every API process reports the same
  numbers for these: aggregate them across processes with max(), not sum().

Each app has its own registry, so apps built side by side (tests) do not share counters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .crud import live_workers
from .models import Job

log = logging.getLogger("latentgen.metrics")

UNMATCHED = "unmatched"  # the route label of a request no route matched (404s of unknown URLs)
# seconds: jobs run from under a second (a probe on a small data set) to days (training)
JOB_DURATION_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 12 * 3600, 24 * 3600, 72 * 3600)
END_STATES = ("succeeded", "failed", "canceled")


class RequestMetrics:
    """ASGI middleware: counts each HTTP request and times it, labelled by the route that matched."""

    def __init__(self, app: ASGIApp, requests: Counter, latency: Histogram):
        self.app, self.requests, self.latency = app, requests, latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the client gets if the app fails before it answers
        start = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = route_template(scope)
            self.requests.labels(scope["method"], route, str(status)).inc()
            self.latency.labels(scope["method"], route).observe(time.perf_counter() - start)


def route_template(scope: Scope) -> str:
    """The template of the route that answered (`/v1/jobs/{job_id}`), or UNMATCHED. The router
    records the route it matched in the scope; an included router's route knows only its own part
    of the path (`/jobs/{job_id}`), so the (static) prefix before it is taken from the URL."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if template is None:
        return UNMATCHED
    try:
        tail = template.format(**scope.get("path_params", {}))
    except (KeyError, IndexError, ValueError):
        return template
    path = scope.get("path", "")
    return path[: len(path) - len(tail)] + template if path.endswith(tail) else template


def _run_seconds(dialect: str):
    """finished_at - started_at in seconds, in the database's own arithmetic."""
    if dialect == "postgresql":
        return func.extract("epoch", Job.finished_at - Job.started_at)
    return (func.julianday(Job.finished_at) - func.julianday(Job.started_at)) * 86400.0


class JobsCollector(Collector):
    """Jobs and workers as the database has them, queried at each scrape."""

    def __init__(self, sessionmaker, heartbeat_s: float):
        self.sessionmaker, self.heartbeat_s = sessionmaker, heartbeat_s

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("latentgen_database_up", "whether the jobs below could be read from the database")
        try:
            families = self._families()
        except Exception:  # a scrape during a database outage still answers, and says so
            log.warning("metrics: the database could not be read", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> list[Metric]:
        jobs = GaugeMetricFamily("latentgen_jobs", "jobs in the database, by kind and status", labels=["kind", "status"])
        stages = GaugeMetricFamily("latentgen_jobs_running", "running jobs, by kind and progress stage",
                                   labels=["kind", "stage"])
        durations = HistogramMetricFamily("latentgen_job_duration_seconds", "how long finished jobs ran (start to "
                                          "end), by kind and end state", labels=["kind", "status"])
        workers = GaugeMetricFamily("latentgen_workers_alive", "worker processes whose heartbeat is recent")
        with self.sessionmaker() as db:
            for kind, status, n in db.execute(select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)):
                jobs.add_metric([kind, status], n)
            for kind, stage, n in db.execute(select(Job.kind, Job.progress_stage, func.count())
                                             .where(Job.status == "running").group_by(Job.kind, Job.progress_stage)):
                stages.add_metric([kind, stage or ""], n)
            seconds = _run_seconds(db.get_bind().dialect.name)
            rows = db.execute(
                select(Job.kind, Job.status, func.count(), func.coalesce(func.sum(seconds), 0.0),
                       *(func.sum(case((seconds <= bound, 1), else_=0)) for bound in JOB_DURATION_BUCKETS))
                .where(Job.status.in_(END_STATES), Job.started_at.is_not(None), Job.finished_at.is_not(None))
                .group_by(Job.kind, Job.status))
            for kind, status, n, total, *within in rows:
                buckets = [(str(float(b)), int(c or 0)) for b, c in zip(JOB_DURATION_BUCKETS, within)] + [("+Inf", n)]
                durations.add_metric([kind, status], buckets, float(total))
            workers.add_metric([], live_workers(db, self.heartbeat_s))
        return [jobs, stages, durations, workers]


def install(app, sessionmaker, heartbeat_s: float) -> CollectorRegistry:
    """The app's registry, with the request middleware added and the jobs collector registered."""
    registry = CollectorRegistry()
    registry.register(JobsCollector(sessionmaker, heartbeat_s))
    requests = Counter("latentgen_http_requests", "HTTP requests answered, by method, route template and status",
                       ["method", "route", "status"], registry=registry)
    latency = Histogram("latentgen_http_request_duration_seconds", "time to answer an HTTP request, by method and "
                        "route template", ["method", "route"], registry=registry)
    app.add_middleware(RequestMetrics, requests=requests, latency=latency)
    return registry
