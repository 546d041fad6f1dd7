from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from ... import crud
from ...errors import ApiError, validation_error
from ...inspect_uploads import validate_weights
from ...models import Model
from ...schemas import ArchSpec, ErrorResponse, LayerOut, ModelOut, ModelPage
from ...storage import stage_stream
from ..deps import DbDep, OwnerDep, SettingsDep, StorageDep
from .artifacts import blob_response

router = APIRouter(prefix="/models", tags=["models"])

ERRORS = {401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


@router.post(
    "",
    operation_id="createModel",
    status_code=201,
    response_model=ModelOut,
    responses={200: {"model": ModelOut, "description": "the same bytes were uploaded before"},
               409: {"model": ErrorResponse}, 413: {"model": ErrorResponse}, **ERRORS},
    summary="Upload weights (safetensors or a state_dict) for an architecture",
)
def create_model(
    response: Response,
    owner: OwnerDep,
    db: DbDep,
    settings: SettingsDep,
    storage: StorageDep,
    weights: Annotated[UploadFile, File(description="safetensors, or a torch state_dict (loaded with weights_only=True)")],
    arch: Annotated[str, Form(description='JSON: {"name": "mlp", "input_shape": [1, 28, 28], "num_classes": 10}')],
    name: Annotated[str | None, Form(max_length=200)] = None,
) -> Model:
    try:
        spec = ArchSpec.model_validate_json(arch)
    except ValidationError as e:
        raise validation_error(e.errors(), "arch") from e
    staged = stage_stream(weights.file, settings.staging_dir, settings.max_upload_bytes)
    try:
        if staged.size == 0:
            raise ApiError(422, "invalid_weights", "weights file is empty", "weights")
        existing = crud.model_by_sha(db, owner.id, staged.sha256)
        if existing is not None:
            if existing.arch != spec.model_dump():
                raise ApiError(409, "conflict",
                               f"these weights were already uploaded as model {existing.id} with arch {existing.arch}",
                               "arch", model_id=existing.id)
            response.status_code = 200
            return existing
        info = validate_weights(staged.path, spec.model_dump())
        created = storage.put(staged)
        model = Model(owner_id=owner.id, name=name, arch=spec.model_dump(), sha256=staged.sha256,
                      size_bytes=staged.size, **info)
        db.add(model)
        try:
            db.commit()
        except IntegrityError:
            db.rollback()
            existing = crud.model_by_sha(db, owner.id, staged.sha256)
            if existing is None:
                raise
            response.status_code = 200
            return existing
        except BaseException:
            db.rollback()
            if created and not crud.blob_referenced(db, staged.sha256):
                storage.delete(staged.sha256)
            raise
        return model
    finally:
        staged.discard()


@router.get("", operation_id="listModels", response_model=ModelPage, responses=ERRORS)
def list_models(
    owner: OwnerDep,
    db: DbDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> ModelPage:
    items, total = crud.page(db, Model, owner.id, limit, offset)
    return ModelPage(items=[ModelOut.model_validate(m) for m in items], total=total, limit=limit, offset=offset)


@router.get("/{model_id}", operation_id="getModel", response_model=ModelOut, responses=ERRORS)
def get_model(model_id: str, owner: OwnerDep, db: DbDep) -> Model:
    return crud.get_owned(db, Model, model_id, owner.id, "model")


@router.get("/{model_id}/layers", operation_id="listModelLayers", response_model=list[LayerOut], responses=ERRORS)
def list_model_layers(model_id: str, owner: OwnerDep, db: DbDep) -> list[dict]:
    return crud.get_owned(db, Model, model_id, owner.id, "model").layers


@router.get(
    "/{model_id}/weights",
    operation_id="downloadModelWeights",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the weights file"}, **ERRORS},
)
def download_model_weights(model_id: str, owner: OwnerDep, db: DbDep, storage: StorageDep) -> StreamingResponse:
    m = crud.get_owned(db, Model, model_id, owner.id, "model")
    ext = "safetensors" if m.format == "safetensors" else "pt"
    return blob_response(storage, m.sha256, m.size_bytes, "application/octet-stream", f"model-{m.id}.{ext}")
