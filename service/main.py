"""The FastAPI application. Importing this module never imports torch."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from . import errors, metrics, openapi
from .api.main import api_router
from .api.routes import health
from .core.config import Settings, get_settings
from .db import make_engine, make_sessionmaker
from .limits import BodyLimitMiddleware
from .queue import make_celery
from .reaper import Reaper
from .storage import StagingArea, UploadTooLarge, make_storage

DESCRIPTION = """Upload a network trained on noisy labels and the data it was trained on; measure,
layer by layer, how much latent generalization it holds (MASC and linear probes); get back a
repaired model whose last layer is the linear probe. Every request needs `Authorization: Bearer <key>`."""


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = app.state.settings
    reaper = Reaper(settings, app.state.sessionmaker, app.state.celery, app.state.staging)
    reaper.start()
    try:
        yield
    finally:
        reaper.stop()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="latentgen", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url, settings.sqlite_busy_timeout_s)
    app.state.sessionmaker = make_sessionmaker(app.state.engine)
    app.state.storage = make_storage(settings)
    app.state.staging = StagingArea(settings.staging_dir)
    app.state.celery = make_celery(settings)
    errors.install(app)
    openapi.install(app)

    @app.exception_handler(UploadTooLarge)
    async def _too_large(_req: Request, exc: UploadTooLarge) -> JSONResponse:
        return JSONResponse({"error": {"code": "payload_too_large", "message": str(exc), "field": None,
                                       "limit": exc.limit}}, status_code=413)

    app.include_router(health.router)
    app.include_router(api_router)
    # a multipart body may exceed one file's limit by its framing and small form fields
    app.add_middleware(BodyLimitMiddleware, max_body=settings.max_upload_bytes + (1 << 20),
                       max_json_body=settings.max_json_bytes, chunk_timeout_s=settings.body_chunk_timeout_s)
    # last, so outermost: it times and counts every answer, those of the middlewares above included
    app.state.metrics = metrics.install(app, app.state.sessionmaker, settings.worker_heartbeat_s)
    return app


def __getattr__(name: str):
    # `uvicorn service.main:app` builds the app from the environment on first access
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(name)
