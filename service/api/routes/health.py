from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from ...schemas import Health
from ...crud import live_workers
from ...openapi import errors
from ..deps import CeleryDep, DbDep, MetricsReaderDep, SettingsDep, StorageDep

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz", response_model=Health)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", operation_id="readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(db: DbDep, storage: StorageDep, celery: CeleryDep, settings: SettingsDep) -> JSONResponse:
    """Database, broker and storage are reachable, and at least one worker is alive."""
    checks: dict[str, str] = {}
    try:
        db.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as e:  # noqa: BLE001
        checks["database"] = f"error: {type(e).__name__}"
    try:
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        checks["broker"] = "ok"
    except Exception as e:  # noqa: BLE001
        checks["broker"] = f"error: {type(e).__name__}"
    try:
        alive = live_workers(db, settings.worker_heartbeat_s)
        checks["workers"] = f"ok ({alive} alive)" if alive else "error: no worker alive"
    except Exception as e:  # noqa: BLE001
        checks["workers"] = f"error: {type(e).__name__}"
    try:
        storage.check()
        checks["storage"] = "ok"
    except Exception as e:  # noqa: BLE001
        checks["storage"] = f"error: {type(e).__name__}"
    ok = all(v.startswith("ok") for v in checks.values())
    return JSONResponse(Health(status="ok" if ok else "unavailable", checks=checks).model_dump(),
                        status_code=200 if ok else 503)


@router.get("/metrics", operation_id="metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "Prometheus text exposition format"}, **errors(401)})
def metrics(request: Request, _reader: MetricsReaderDep) -> Response:
    """Prometheus metrics: HTTP requests by route template and status, their latency, and the jobs
    in the database (by kind and status, running ones by stage, durations of finished ones by kind
    and end state) and the live workers. They cover every owner, so they need
    `Authorization: Bearer <LATENTGEN_METRICS_TOKEN>` (where none is set: an API key)."""
    from prometheus_client.exposition import choose_encoder

    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(request.app.state.metrics), media_type=content_type)
