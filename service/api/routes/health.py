from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ...schemas import Health
from ...crud import live_workers
from ..deps import CeleryDep, DbDep, SettingsDep, StorageDep

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
