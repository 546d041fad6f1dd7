from fastapi import APIRouter

from .routes import artifacts, datasets, jobs, models

api_router = APIRouter(prefix="/v1")
api_router.include_router(models.router)
api_router.include_router(datasets.router)
api_router.include_router(jobs.router)
api_router.include_router(artifacts.router)
