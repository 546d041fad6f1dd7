"""docker-compose.yml and the Dockerfile, checked statically: the services, their health checks
and start order, that every LATENTGEN_* variable they set is a real setting, and that production
refuses the file's fallback secrets. `make test-deploy` builds and runs them for real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from service.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _with_defaults(env: dict) -> dict:
    """compose's ${VAR:-default} interpolation, with the defaults, as LATENTGEN_* keyword arguments."""
    env = {k: re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", str(v)) for k, v in env.items()}
    return {k.removeprefix("LATENTGEN_").lower(): v for k, v in env.items() if k.startswith("LATENTGEN_")}


def test_services_healthchecks_and_order():
    services = _compose()["services"]
    assert {"api", "worker", "postgres", "redis", "s3", "createbucket", "migrate"} <= set(services)
    for name in ("api", "worker", "postgres", "redis", "s3"):
        assert "healthcheck" in services[name], name
    for name in ("api", "worker"):
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully"
        assert deps["createbucket"]["condition"] == "service_completed_successfully"
        assert deps["postgres"]["condition"] == deps["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["command"] == ["latentgen", "migrate"]
    assert services["createbucket"]["depends_on"]["s3"]["condition"] == "service_healthy"
    # one-shots retry until what they need answers, whatever the orchestrator does with conditions
    assert services["migrate"]["restart"] == services["createbucket"]["restart"] == "on-failure"
    assert "gpu" in services["worker-gpu"]["profiles"]
    # podman's exec sessions (where health checks run) have no $HOSTNAME; the node name is celery@<hostname>
    assert "HOSTNAME" not in services["worker"]["healthcheck"]["test"][1]
    gpu = services["worker-gpu"]
    assert gpu["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    assert gpu["command"][gpu["command"].index("-Q") + 1] == Settings().queue_gpu


def test_environment_names_real_settings():
    fields = {f"LATENTGEN_{name.upper()}" for name in Settings.model_fields}
    for name, svc in _compose()["services"].items():
        for key in (svc.get("environment") or {}):
            if key.startswith("LATENTGEN_"):
                assert key in fields, f"{name}: {key} is not a setting"
    s = Settings(**_with_defaults(_compose()["services"]["api"]["environment"]))
    assert s.max_upload_bytes == 2 << 30 and s.visibility_timeout_s == 172800
    assert s.storage == "s3" and s.broker_url.startswith("redis://") and s.database_url.startswith("postgresql+psycopg://")


def test_worker_consumes_both_queues():
    s = Settings()
    cmd = _compose()["services"]["worker"]["command"]
    assert cmd[:4] == ["celery", "-A", "worker.celery_app", "worker"]
    queues = cmd[cmd.index("-Q") + 1]
    assert queues == "${LATENTGEN_WORKER_QUEUES:-latentgen,gpu}"  # both, unless a GPU deployment says otherwise
    assert set(queues.split(":-")[1].rstrip("}").split(",")) == {s.queue_default, s.queue_gpu}


def test_dockerfile_runs_the_app_module():
    text = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["uvicorn", "service.main:app"' in text
    # the client package (the `latentgen` command, the generated client) installs beside the server
    assert "torch==2.14.1" in text and "pip install -e ./clients/python -e \".[service]\"" in text
    for path in ("latentgen", "service", "worker", "clients/python", "migrations", "alembic.ini", "pyproject.toml"):
        assert path in text


def test_defaults_route_every_compute_kind_to_the_gpu_queue():
    from service.schemas import JobKind

    s = Settings()
    assert s.queue_gpu == "gpu"
    assert {k.value: s.queue_for(k.value) for k in JobKind} == {k.value: "gpu" for k in JobKind}


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


@pytest.mark.parametrize("service", ["api", "worker", "migrate", "createbucket"])
def test_production_refuses_the_fallback_secrets(service):
    env = _with_defaults(_compose()["services"][service]["environment"])
    assert env["env"] == "development"
    Settings(**env)
    with pytest.raises(ValueError, match="LATENTGEN_DATABASE_URL: LATENTGEN_ENV=production needs a real secret"):
        Settings(**{**env, "env": "production"})
    real_db = env["database_url"].replace(":latentgen-dev-password@", ":s3cret-from-env@")
    with pytest.raises(ValueError, match="LATENTGEN_S3_SECRET_ACCESS_KEY"):
        Settings(**{**env, "env": "production", "database_url": real_db})
    s = Settings(**{**env, "env": "production", "database_url": real_db, "s3_secret_access_key": "from-env"})
    assert s.env == "production"


def test_s3_server_is_pinned_and_shares_the_services_credentials():
    services = _compose()["services"]
    image = services["s3"]["image"]
    assert ":" in image and not image.endswith(":latest") and "minio" not in image
    s3_env, app_env = services["s3"]["environment"], services["api"]["environment"]
    assert s3_env["AWS_ACCESS_KEY_ID"] == app_env["LATENTGEN_S3_ACCESS_KEY_ID"]
    assert s3_env["AWS_SECRET_ACCESS_KEY"] == app_env["LATENTGEN_S3_SECRET_ACCESS_KEY"]
    port = re.search(r"-s3\.port=(\d+)", " ".join(services["s3"]["command"])).group(1)
    assert app_env["LATENTGEN_S3_ENDPOINT_URL"] == f"http://s3:{port}"
    assert services["createbucket"]["environment"]["LATENTGEN_S3_CREATE_BUCKET"] == "true"
