"""Settings, read from the environment (prefix ``LATENTGEN_``) by pydantic-settings.

Every path default hangs off ``LATENTGEN_HOME`` (``./var`` by default), so the embedded
default (``latentgen serve``) needs no configuration at all: SQLite, a local object store
and a broker kept in a SQLite file. A deployment sets the URLs explicitly (see docs/api.md).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from latentgen_cli.defaults import DEFAULT_HOME


# a run's wall-clock limit by kind, in seconds (LATENTGEN_JOB_TIME_LIMITS_S overrides some)
DEFAULT_TIME_LIMITS_S = {"probe": 4 * 3600, "repair": 4 * 3600, "audit": 8 * 3600, "graft": 8 * 3600,
                         "train": 24 * 3600, "dynamics": 12 * 3600, "midway": 24 * 3600}

# docker-compose.yml's fallback secrets, good enough on a laptop; production refuses them
DEVELOPMENT_SECRETS = frozenset({"latentgen-dev-password", "latentgen-dev-secret"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LATENTGEN_", extra="ignore")

    # `production` refuses to start with a missing secret or one of DEVELOPMENT_SECRETS
    env: Literal["development", "production"] = "development"
    home: Path = DEFAULT_HOME  # the client looks for <home>/local-key there too
    database_url: str = ""
    broker_url: str = ""

    # the API's SQLite writes wait this long for another's lock, then answer 503 with Retry-After
    sqlite_busy_timeout_s: float = Field(default=30.0, gt=0)

    storage: Literal["local", "s3"] = "local"
    storage_dir: Path | None = None
    s3_endpoint_url: str | None = None
    s3_bucket: str = "latentgen"
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_create_bucket: bool = False

    # dataset roots named in a spec are resolved under this directory, never outside it
    data_dir: Path | None = None
    # uploads are staged here while hashed (bounded memory); must be a local disk
    staging_dir: Path | None = None
    max_upload_bytes: int = Field(default=1 << 30, gt=0)
    # an uploaded network is checked (loaded, an ONNX graph run once on zeros) in a process of its own
    # with this much data memory
    upload_check_memory_mb: int = Field(default=4096, gt=0)
    # a JSON (or any non-multipart) request body: job parameters are small
    max_json_bytes: int = Field(default=1 << 20, gt=0)
    # a client that sends nothing of its body for this long gets 408 and its connection back
    body_chunk_timeout_s: float = Field(default=30.0, gt=0)

    queue_default: str = "latentgen"
    queue_gpu: str = "gpu"
    # every compute kind goes to the gpu queue: GPU workers take it when the deployment has them, and
    # a CPU-only deployment's workers (and the embedded one) consume both queues
    gpu_kinds: list[str] = ["probe", "repair", "train", "dynamics", "midway", "audit", "graft"]
    # must exceed the longest job: an unacked message is redelivered after this long
    visibility_timeout_s: int = Field(default=48 * 3600, gt=0)

    # a running job's lease: its worker renews it every third of this; a job whose lease has run out
    # (its worker died) is queued again by the API once, automatically
    job_lease_s: float = Field(default=60.0, gt=0)
    # a part of a job spread over workers (a checkpoint, a shard) runs at most this many times before
    # the job fails; a probe or repair job over at least this many training examples computes its
    # class statistics in shards of this size, in parallel parts
    part_attempts: int = Field(default=3, ge=1)
    shard_min_examples: int = Field(default=50_000, ge=1)
    # a job that ends with its worker (or its own process) lost starts again, up to this many
    # attempts in all; then it fails `worker_lost`
    max_attempts: int = Field(default=3, ge=1)
    # every run of a job (or of a part of one) is in a process of its own, stopped by its worker past
    # the kind's wall-clock limit (overrides of DEFAULT_TIME_LIMITS_S, by kind) and within
    # `cancel_poll_s` of a cancel; its memory is capped at `job_memory_mb` (unset: three quarters of
    # the machine's), an overrun fails that job `resource_exhausted`
    job_time_limits_s: dict[str, float] = {}
    job_memory_mb: int | None = Field(default=None, gt=0)
    cancel_poll_s: float = Field(default=1.0, gt=0)
    # an owner's queued and running jobs, at most (429 with Retry-After past it)
    max_active_jobs_per_owner: int = Field(default=100, ge=1)
    # what GET /metrics wants as its bearer token (Prometheus' `authorization` credentials); unset:
    # any API key
    metrics_token: str | None = Field(default=None, min_length=16)
    # workers record they are alive this often; /readyz counts those seen within three periods
    worker_heartbeat_s: float = Field(default=10.0, gt=0)

    # worker side
    device: str | None = None
    worker_cache_dir: Path | None = None
    # each worker serves its Prometheus metrics (jobs it ran, their durations) on this port; off when
    # unset (the embedded service's API reports the jobs of the database at its own /metrics)
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    worker_metrics_addr: str = "0.0.0.0"

    @field_validator("job_time_limits_s")
    @classmethod
    def _known_kinds(cls, limits: dict[str, float]) -> dict[str, float]:
        for kind, seconds in limits.items():
            if kind not in DEFAULT_TIME_LIMITS_S or not seconds > 0:
                raise ValueError(f"{kind!r}: a job kind ({', '.join(DEFAULT_TIME_LIMITS_S)}) and seconds > 0")
        return limits

    @model_validator(mode="after")
    def _derive(self) -> "Settings":
        home = self.home
        if not self.database_url:
            self.database_url = f"sqlite:///{(home / 'latentgen.db').absolute()}"
        if not self.broker_url:
            self.broker_url = f"sqla+sqlite:///{(home / 'broker.db').absolute()}"
        if self.storage_dir is None:
            self.storage_dir = home / "objects"
        if self.data_dir is None:
            self.data_dir = home / "data"
        if self.staging_dir is None:
            self.staging_dir = home / "staging"
        if self.worker_cache_dir is None:
            self.worker_cache_dir = home / "cache"
        if self.env == "production":
            self._refuse_development_secrets()
        return self

    def _refuse_development_secrets(self) -> None:
        secrets = {}
        for name in ("database_url", "broker_url"):
            url = urlsplit(getattr(self, name))
            if url.username:  # a URL that logs in carries its password
                secrets[f"LATENTGEN_{name.upper()}"] = url.password
        if self.storage == "s3":
            secrets["LATENTGEN_S3_SECRET_ACCESS_KEY"] = self.s3_secret_access_key
        for name, secret in secrets.items():
            if not secret or secret in DEVELOPMENT_SECRETS:
                raise ValueError(f"{name}: LATENTGEN_ENV=production needs a real secret here, "
                                 f"not {'a development default' if secret else 'none'}")

    def time_limit_s(self, kind: str) -> float:
        return float(self.job_time_limits_s.get(kind, DEFAULT_TIME_LIMITS_S[kind]))

    def job_memory_bytes(self) -> int:
        if self.job_memory_mb is not None:
            return self.job_memory_mb << 20
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 3 // 4

    def queue_for(self, kind: str) -> str:
        return self.queue_gpu if kind in self.gpu_kinds else self.queue_default


@lru_cache
def get_settings() -> Settings:
    return Settings()
