"""Request dependencies: settings, DB session, storage, broker and the authenticated owner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from celery import Celery
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from ..core.config import Settings
from ..core.security import owner_for_key
from ..errors import ApiError
from ..models import Owner
from ..storage import Storage

bearer = HTTPBearer(auto_error=False, description="API key created by `latentgen create-key`")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        session.close()


def get_storage(request: Request) -> Storage:
    return request.app.state.storage


def get_celery(request: Request) -> Celery:
    return request.app.state.celery


def get_staging(request: Request) -> Path:
    """This API process's staging directory (see storage.StagingArea)."""
    return request.app.state.staging.path


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Session, Depends(get_db)]
StorageDep = Annotated[Storage, Depends(get_storage)]
CeleryDep = Annotated[Celery, Depends(get_celery)]
StagingDep = Annotated[Path, Depends(get_staging)]


def current_owner(
    db: DbDep, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Owner:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise ApiError(401, "unauthorized", "missing API key: send Authorization: Bearer <key>", "Authorization")
    owner = owner_for_key(db, creds.credentials)
    if owner is None:
        raise ApiError(401, "unauthorized", "invalid API key", "Authorization")
    return owner


OwnerDep = Annotated[Owner, Depends(current_owner)]


def metrics_reader(
    db: DbDep, settings: SettingsDep, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """The metrics show the whole service (every owner's jobs): they need the metrics token, or,
    where none is set, an API key."""
    import hmac

    given = creds.credentials if creds is not None and creds.scheme.lower() == "bearer" else ""
    if settings.metrics_token is not None:
        if hmac.compare_digest(given.encode(), settings.metrics_token.encode()):
            return
    elif given and owner_for_key(db, given) is not None:
        return
    need = "LATENTGEN_METRICS_TOKEN" if settings.metrics_token is not None else "an API key"
    raise ApiError(401, "unauthorized", f"GET /metrics needs Authorization: Bearer <{need}>", "Authorization")


MetricsReaderDep = Annotated[None, Depends(metrics_reader)]


def require_multipart(request: Request) -> None:
    """Uploads are multipart/form-data; anything else would only fail as missing fields."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type",
                       "send the upload as multipart/form-data (curl -F), one part per field", "Content-Type")
