"""GET /metrics (the API: requests by route template, and the jobs of the database) and a worker's
own metrics port, read with Prometheus' own text parser."""

from __future__ import annotations

import time

import httpx
from prometheus_client.parser import text_string_to_metric_families
from svc_helpers import upload_dataset, wait_job


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of a Prometheus text exposition."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(metrics: dict[tuple, float], name: str, **labels) -> float:
    return metrics.get((name, tuple(sorted(labels.items()))), 0.0)


def api_metrics(client, headers) -> dict[tuple, float]:
    r = client.get("/metrics", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return samples(r.text)


def worker_metrics(stack) -> dict[tuple, float]:
    return samples(httpx.get(f"http://127.0.0.1:{stack.settings.worker_metrics_port}/metrics", timeout=10).text)


def test_metrics_count_the_jobs_that_ran_and_the_requests_by_route(client, alice, stack):
    api_before, worker_before = api_metrics(client, alice), worker_metrics(stack)
    r = upload_dataset(client, alice, None, spec={"source": "digits", "labels": {"p": 0.4, "seed": 0},
                                                  "options": {"test_size": 300}})
    assert r.status_code == 201, r.text
    r = client.post("/v1/jobs", headers=alice, json={"kind": "train", "dataset_id": r.json()["id"], "params": {
        "arch": {"name": "mlp"}, "recipe": "adam_fast", "max_epochs": 1, "checkpoint_epochs": [1]}})
    train = wait_job(client, alice, r.json()["id"])
    assert train["status"] == "succeeded", train
    # fails on the worker: the train job kept no checkpoint of epoch 0
    r = client.post("/v1/jobs", headers=alice, json={"kind": "dynamics", "train_job_id": train["id"],
                                                     "params": {"epochs": [0], "probes": ["linear"]}})
    dynamics = wait_job(client, alice, r.json()["id"])
    assert dynamics["status"] == "failed", dynamics

    api = api_metrics(client, alice)
    assert value(api, "latentgen_database_up") == 1 and value(api, "latentgen_workers_alive") >= 1
    for kind, status in (("train", "succeeded"), ("dynamics", "failed")):
        assert value(api, "latentgen_jobs", kind=kind, status=status) >= \
            value(api_before, "latentgen_jobs", kind=kind, status=status) + 1
        count = value(api, "latentgen_job_duration_seconds_count", kind=kind, status=status)
        assert count >= 1 and value(api, "latentgen_job_duration_seconds_bucket", kind=kind, status=status,
                                    le="+Inf") == count

    # the worker counts what it ran once the task has returned, just after the job's row says so
    deadline = time.monotonic() + 60
    while value(worker := worker_metrics(stack), "latentgen_worker_jobs_total", kind="dynamics", state="failed") <= \
            value(worker_before, "latentgen_worker_jobs_total", kind="dynamics", state="failed"):
        assert time.monotonic() < deadline, "the worker did not count the failed dynamics job"
        time.sleep(0.3)
    assert value(worker, "latentgen_worker_jobs_total", kind="train", state="succeeded") >= \
        value(worker_before, "latentgen_worker_jobs_total", kind="train", state="succeeded") + 1
    assert value(worker, "latentgen_worker_job_duration_seconds_count", kind="train", state="succeeded") >= 1

    # requests are counted by the route's template, never by the raw URL
    route = {"method": "GET", "route": "/v1/jobs/{job_id}", "status": "200"}
    before = value(api_metrics(client, alice), "latentgen_http_requests_total", **route)
    for _ in range(3):
        assert client.get(f"/v1/jobs/{train['id']}", headers=alice).status_code == 200
    assert client.get(f"/v1/jobs/{'0' * 32}", headers=alice).status_code == 404
    after = api_metrics(client, alice)
    assert value(after, "latentgen_http_requests_total", **route) == before + 3
    assert value(after, "latentgen_http_requests_total", **{**route, "status": "404"}) >= 1
    assert not [key for key in after if any(train["id"] in v for _, v in key[1])]
    assert value(after, "latentgen_http_request_duration_seconds_count", method="GET", route="/v1/jobs/{job_id}") >= 4


TOKEN = "prometheus-scrapes-with-this"


def test_metrics_need_the_metrics_token_or_where_none_is_set_an_api_key(tmp_path):
    """They show every owner's jobs: never to an anonymous caller, nor to an owner once a token is set."""
    from fastapi.testclient import TestClient

    from service.core.config import Settings
    from service.core.security import create_key
    from service.main import create_app
    from service.migrate import upgrade

    for token in (None, TOKEN):
        settings = Settings(home=tmp_path, metrics_token=token)
        upgrade(settings.database_url)
        app = create_app(settings)
        with app.state.sessionmaker() as db:
            key = create_key(db, "owner")[0]
        with TestClient(app) as client:
            anonymous = client.get("/metrics")
            wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token-at-all"})
            owner = client.get("/metrics", headers={"Authorization": f"Bearer {key}"})
            scraper = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        app.state.engine.dispose()
        assert anonymous.status_code == wrong.status_code == 401
        assert anonymous.json()["error"]["field"] == "Authorization"
        if token is None:
            assert owner.status_code == 200 and scraper.status_code == 401
        else:
            assert owner.status_code == 401 and scraper.status_code == 200


def test_job_durations_in_the_embedded_database(tmp_path):
    """SQLite computes the durations in its own date arithmetic (julianday), not PostgreSQL's."""
    from datetime import UTC, datetime, timedelta

    from fastapi.testclient import TestClient

    from service.core.config import Settings
    from service.main import create_app
    from service.migrate import upgrade
    from service.models import Job, Owner

    settings = Settings(home=tmp_path, metrics_token=TOKEN)
    upgrade(settings.database_url)
    app = create_app(settings)
    start = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    with app.state.sessionmaker() as db:
        owner = Owner(name="metrics")
        db.add(owner)
        db.flush()
        db.add_all([Job(owner_id=owner.id, kind="probe", status="succeeded", queue="q", params={}, started_at=start,
                        finished_at=start + timedelta(seconds=s)) for s in (3, 42, 4000)] +
                   [Job(owner_id=owner.id, kind="probe", status="running", queue="q", params={}, started_at=start,
                        progress_stage="fit")])
        db.commit()
    with TestClient(app) as client:
        m = api_metrics(client, {"Authorization": f"Bearer {TOKEN}"})
    app.state.engine.dispose()
    probe = {"kind": "probe", "status": "succeeded"}
    assert value(m, "latentgen_jobs", **probe) == 3 and value(m, "latentgen_jobs", kind="probe", status="running") == 1
    assert value(m, "latentgen_jobs_running", kind="probe", stage="fit") == 1
    assert abs(value(m, "latentgen_job_duration_seconds_sum", **probe) - 4045) < 0.01
    assert [value(m, "latentgen_job_duration_seconds_bucket", **probe, le=le) for le in ("1.0", "5.0", "60.0", "3600.0",
                                                                                          "10800.0", "+Inf")] == [0, 1, 2, 2, 3, 3]
