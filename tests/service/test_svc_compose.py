"""docker-compose.yml and the Dockerfile, checked statically (no Docker engine in CI): the
services, their health checks and start order, and that every LATENTGEN_* variable they set is a
real setting."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from service.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_healthchecks_and_order():
    services = _compose()["services"]
    assert {"api", "worker", "postgres", "redis", "minio", "createbucket", "migrate"} <= set(services)
    for name in ("api", "worker", "postgres", "redis", "minio"):
        assert "healthcheck" in services[name], name
    for name in ("api", "worker"):
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully"
        assert deps["createbucket"]["condition"] == "service_completed_successfully"
        assert deps["postgres"]["condition"] == deps["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["command"] == ["latentgen", "migrate"]
    assert services["createbucket"]["depends_on"]["minio"]["condition"] == "service_healthy"
    gpu = services["worker-gpu"]
    assert gpu["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    assert gpu["command"][gpu["command"].index("-Q") + 1] == Settings().queue_gpu


def test_environment_names_real_settings():
    fields = {f"LATENTGEN_{name.upper()}" for name in Settings.model_fields}
    for name, svc in _compose()["services"].items():
        for key in (svc.get("environment") or {}):
            if key.startswith("LATENTGEN_"):
                assert key in fields, f"{name}: {key} is not a setting"
    env = _compose()["services"]["api"]["environment"]
    # compose's ${VAR:-default} interpolation, with the defaults
    env = {k: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(v)) for k, v in env.items()}
    s = Settings(**{k.removeprefix("LATENTGEN_").lower(): v for k, v in env.items()})
    assert s.max_upload_bytes == 2 << 30 and s.visibility_timeout_s == 172800
    assert s.storage == "s3" and s.broker_url.startswith("redis://") and s.database_url.startswith("postgresql+psycopg://")


def test_worker_consumes_both_queues():
    s = Settings()
    cmd = _compose()["services"]["worker"]["command"]
    assert cmd[:4] == ["celery", "-A", "worker.celery_app", "worker"]
    assert set(cmd[cmd.index("-Q") + 1].split(",")) == {s.queue_default, s.queue_gpu}


def test_dockerfile_runs_the_app_module():
    text = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["uvicorn", "service.main:app"' in text
    assert "torch==2.14.1" in text and "pip install -e \".[service]\"" in text
    for path in ("latentgen", "service", "worker", "migrations", "alembic.ini", "pyproject.toml"):
        assert path in text


def test_defaults_route_heavy_jobs_to_gpu_queue():
    s = Settings()
    assert s.queue_gpu == "gpu"
    assert {k: s.queue_for(k) for k in ("probe", "repair", "train", "dynamics", "midway")} == {
        "probe": "latentgen", "repair": "latentgen", "train": "gpu", "dynamics": "gpu", "midway": "gpu"}


def test_celery_configuration():
    from service.queue import make_celery

    conf = make_celery(Settings(broker_url="redis://127.0.0.1:6379/0", visibility_timeout_s=7200)).conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options == {"visibility_timeout": 7200}
    assert conf.result_backend is None
    # the embedded broker (SQLAlchemy transport) takes no visibility timeout
    assert make_celery(Settings(broker_url="sqla+sqlite:////tmp/x.db")).conf.broker_transport_options == {}
