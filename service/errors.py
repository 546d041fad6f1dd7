"""One JSON error shape for every 4xx/5xx: ``{"error": {"code", "message", "field", ...}}``."""

from __future__ import annotations

import errno
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from sqlalchemy.exc import OperationalError
from starlette.routing import Match

from .schemas import JobKind

log = logging.getLogger("latentgen.api")
# how long a client should wait before retrying a request the database was too busy for, or one
# over an owner's quota
RETRY_AFTER_S = 5


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.extra = status, code, message, field, extra

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        err.update(self.extra)
        return {"error": err}


def not_found(what: str, field: str | None = None) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found", field)


_UNION_TAGS = tuple(kind.value for kind in JobKind)


def _loc(loc: tuple[Any, ...] | list[Any], error_type: str = "") -> str:
    if error_type == "json_invalid":
        # the rest of the location is a character offset into the body, not a field
        loc = [p for p in loc if isinstance(p, str)]
    # a plain union's members are named in the location ("str-enum[ClassMapPreset]"); a field name has no "["
    parts = [str(p) for p in loc if not (isinstance(p, str) and "[" in p)]
    if parts and parts[0] in ("body", "query", "path", "header", "form"):
        body = parts[0] == "body"
        parts = parts[1:]
        # drop the tag pydantic inserts for the job kinds' tagged union: params.layers, not probe.params.layers
        if body and len(parts) > 1 and parts[0] in _UNION_TAGS:
            parts = parts[1:]
    return ".".join(parts)


def validation_error(exc_errors: list[dict[str, Any]], prefix: str = "") -> ApiError:
    errors = []
    for e in exc_errors:
        loc = _loc(e.get("loc", ()), e.get("type", ""))
        if e.get("type") in ("union_tag_invalid", "union_tag_not_found"):
            tag = str((e.get("ctx") or {}).get("discriminator", "kind")).strip("'\"")
            loc = f"{loc}.{tag}" if loc else tag
        field = (f"{prefix}.{loc}" if prefix and loc else (prefix or loc)) or None
        errors.append({"field": field, "message": e.get("msg", "invalid")})
    first = errors[0] if errors else {"field": prefix or None, "message": "invalid request"}
    where = first["field"] or "body"
    return ApiError(422, "validation_error", f"{where}: {first['message']}", first["field"], errors=errors)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.status == 429:
            headers = {"Retry-After": str(RETRY_AFTER_S)}
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> JSONResponse:
        err = validation_error(list(exc.errors()))
        return JSONResponse(err.body(), status_code=422)

    @app.exception_handler(OperationalError)
    async def _database(_req: Request, exc: OperationalError) -> JSONResponse:
        # a locked SQLite file, a Postgres lock timeout, a dropped connection: the request may be retried
        log.warning("database unavailable: %s", str(exc.orig)[:300])
        err = ApiError(503, "database_unavailable", "the database is busy or unreachable; retry shortly")
        return JSONResponse(err.body(), status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})

    @app.exception_handler(OSError)
    async def _os_error(req: Request, exc: OSError) -> JSONResponse:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            log.error("disk full: %s", exc)
            err = ApiError(507, "insufficient_storage", "the server's disk is full: nothing of this request was kept")
            return JSONResponse(err.body(), status_code=507)
        return await _internal(req, exc)

    @app.exception_handler(Exception)
    async def _internal(_req: Request, exc: Exception) -> JSONResponse:
        log.error("request failed", exc_info=exc)
        # the details (SQL, paths) stay in the server's log
        err = ApiError(500, "internal_error", f"the server failed ({type(exc).__name__}); its log has the details")
        return JSONResponse(err.body(), status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 408: "request_timeout",
                413: "payload_too_large", 401: "unauthorized"}.get(exc.status_code, "http_error")
        msg = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # Starlette names only the first route that matched the path; every route of it counts
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return JSONResponse({"error": {"code": code, "message": msg, "field": None}},
                            status_code=exc.status_code, headers=headers or None)


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE and getattr(route, "methods", None):
            methods |= set(route.methods)
    return sorted(methods)
