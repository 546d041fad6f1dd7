"""The OpenAPI document, exactly as the server behaves (docs/openapi.json is its committed copy).

FastAPI's own document is adjusted in three ways, each so that generated clients work unedited:
- multipart uploads: file parts are `format: binary` (generators type them as files), and JSON parts
  (`pydantic.Json[Model]`) reference their model's component with an `application/json` encoding,
  so clients send typed objects instead of hand-made JSON strings;
- validation failures: every 422 the server sends has the `ErrorResponse` shape, declared by the
  routes that can send it; FastAPI's default `HTTPValidationError` is removed where it was added;
- the shared error responses (`ERRORS`) are declared once here and used by every route.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .schemas import ErrorResponse

_DESCRIPTIONS = {
    400: "the request body could not be parsed (malformed multipart or JSON)",
    401: "missing or invalid API key",
    404: "no such object for this owner",
    408: "the request body stopped arriving (LATENTGEN_BODY_CHUNK_TIMEOUT_S)",
    409: "conflict with the object's current state",
    410: "the stored bytes are gone",
    413: "the body or an uploaded file exceeds the size limit",
    415: "the body must be multipart/form-data",
    422: "a field is invalid: `error.field` names it",
    429: "the owner has as many queued and running jobs as allowed; retry after `Retry-After` seconds",
    500: "the server failed; its log has the details",
    503: "a dependency (the database, the broker) is busy or unavailable; retry after `Retry-After` seconds",
    507: "the server's disk is full; nothing of the request was kept",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Error responses for a route's `responses=`: the `ErrorResponse` shape for each status."""
    return {code: {"model": ErrorResponse, "description": _DESCRIPTIONS[code]} for code in codes}


def binary_content(*media_types: str) -> dict[str, Any]:
    return {mt: {"schema": {"type": "string", "format": "binary"}} for mt in media_types}


def _resolve(doc: dict, schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return doc["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def _typed_part(prop: dict) -> tuple[dict, bool]:
    """The part's schema as a generator should see it, and whether it travels as JSON."""
    if prop.get("contentMediaType") == "application/json" and "contentSchema" in prop:
        # a bare reference: generators then type the part as the model itself
        return dict(prop["contentSchema"]), True
    if prop.get("contentMediaType") == "application/octet-stream":
        return {k: v for k, v in prop.items() if k != "contentMediaType"} | {"format": "binary"}, False
    if "anyOf" in prop:
        # a multipart part is present or absent, never null
        options = [p for p in prop["anyOf"] if p.get("type") != "null"]
        rest = {k: v for k, v in prop.items() if k != "anyOf"}
        if len(options) == 1:
            part, as_json = _typed_part(options[0])
            return (part if "$ref" in part else {**rest, **part}), as_json
        parts = [_typed_part(p) for p in options]
        return {**rest, "anyOf": [p for p, _ in parts]}, any(j for _, j in parts)
    return prop, False


def _fix_multipart(doc: dict) -> None:
    for path in doc["paths"].values():
        for op in path.values():
            media = op.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            if media is None:
                continue
            schema = _resolve(doc, media["schema"])
            encoding = {}
            for name, prop in schema.get("properties", {}).items():
                schema["properties"][name], as_json = _typed_part(prop)
                if as_json:
                    encoding[name] = {"contentType": "application/json"}
            if encoding:
                media["encoding"] = encoding


def _drop_default_validation_errors(doc: dict) -> None:
    ref = "#/components/schemas/HTTPValidationError"
    for path in doc["paths"].values():
        for op in path.values():
            resp = op.get("responses", {}).get("422")
            if resp and resp.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref") == ref:
                del op["responses"]["422"]
    for name in ("HTTPValidationError", "ValidationError"):
        doc["components"]["schemas"].pop(name, None)


def _server_errors(doc: dict) -> None:
    """Every API operation may answer 500 and 503 (the database busy) in the error body too."""
    for path, item in doc["paths"].items():
        if not path.startswith("/v1/"):
            continue  # /readyz answers its own 503 body
        for op in item.values():
            for code in ("500", "503"):
                op["responses"].setdefault(code, {"description": _DESCRIPTIONS[int(code)], "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}})


def build_openapi(app: FastAPI) -> dict[str, Any]:
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                      servers=[{"url": "/"}])
    _fix_multipart(doc)
    _drop_default_validation_errors(doc)
    _server_errors(doc)
    return doc


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
