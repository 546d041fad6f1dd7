from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.exc import IntegrityError

from ... import crud
from ...errors import ApiError
from ...inspect_uploads import inspect_network
from ...models import Model
from ...openapi import binary_content, errors
from ...schemas import LayerOut, ModelOut, ModelPage, ModelUpload
from ...storage import stage_stream
from ..deps import DbDep, OwnerDep, SettingsDep, StagingDep, StorageDep, require_multipart
from .artifacts import DOWNLOAD_HEADERS, blob_response

router = APIRouter(prefix="/models", tags=["models"])

MODEL_LINKS = {
    "getModel": {"operationId": "getModel", "parameters": {"model_id": "$response.body#/id"}},
    "listModelLayers": {"operationId": "listModelLayers", "parameters": {"model_id": "$response.body#/id"}},
    "downloadModelWeights": {"operationId": "downloadModelWeights", "parameters": {"model_id": "$response.body#/id"}},
}


@router.post(
    "",
    operation_id="createModel",
    status_code=201,
    response_model=ModelOut,
    dependencies=[Depends(require_multipart)],
    responses={201: {"description": "the model was created", "links": MODEL_LINKS},
               200: {"model": ModelOut, "description": "the same bytes were uploaded before with the same arch",
                     "links": MODEL_LINKS},
               **errors(400, 401, 408, 409, 413, 415, 422, 507)},
    summary="Upload a model: torch weights (safetensors or a state_dict) for an architecture, or an ONNX file",
)
def create_model(
    response: Response,
    owner: OwnerDep,
    db: DbDep,
    settings: SettingsDep,
    storage: StorageDep,
    staging: StagingDep,
    form: Annotated[ModelUpload, Form(media_type="multipart/form-data")],
) -> Model:
    arch, name = (form.arch.model_dump(mode="json", exclude_none=True) if form.arch else None), form.name
    staged = stage_stream(form.weights.file, staging, settings.max_upload_bytes)
    try:
        if staged.size == 0:
            raise ApiError(422, "invalid_weights", "weights file is empty", "weights")
        existing = crud.model_by_sha(db, owner.id, staged.sha256)
        if existing is not None and (arch is None or existing.arch == arch):
            response.status_code = 200
            return existing
        if existing is not None:
            _same_arch(existing, arch)
        try:
            info = inspect_network(staged.path, arch, settings.max_upload_bytes, settings.upload_check_memory_mb)
        except ApiError as e:
            if arch is None and e.code == "invalid_onnx":
                raise ApiError(422, "missing_arch", "the file is not ONNX, and torch weights need their architecture: "
                               'give the arch part (e.g. {"name": "mlp", "input_shape": [1, 28, 28], '
                               '"num_classes": 10})', "arch") from e
            raise
        arch = info["arch"]
        created = storage.put(staged)
        model = Model(owner_id=owner.id, name=name, arch=arch, sha256=staged.sha256, size_bytes=staged.size,
                      format=info["format"], num_parameters=info["num_parameters"], layers=info["layers"],
                      final_layer=info["final_layer"], final_layer_problem=info["final_layer_problem"],
                      unwrapped=info["unwrapped"])
        db.add(model)
        try:
            db.commit()
        except IntegrityError:
            db.rollback()
            existing = crud.model_by_sha(db, owner.id, staged.sha256)
            if existing is None:
                raise
            response.status_code = 200
            return _same_arch(existing, arch)
        except BaseException:
            db.rollback()
            if created and not crud.blob_referenced(db, staged.sha256):
                storage.delete(staged.sha256)
            raise
        return model
    finally:
        staged.discard()


def _same_arch(existing: Model, arch: dict) -> Model:
    """The same bytes uploaded again are the same model, unless they claim another architecture."""
    if existing.arch != arch:
        raise ApiError(409, "conflict",
                       f"these weights were already uploaded as model {existing.id} with arch {existing.arch}",
                       "arch", model_id=existing.id)
    return existing


@router.get("", operation_id="listModels", response_model=ModelPage, responses=errors(401, 422))
def list_models(
    owner: OwnerDep,
    db: DbDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> ModelPage:
    items, total = crud.page(db, Model, owner.id, limit, offset)
    return ModelPage(items=[ModelOut.model_validate(m) for m in items], total=total, limit=limit, offset=offset)


@router.get("/{model_id}", operation_id="getModel", response_model=ModelOut, responses=errors(401, 404))
def get_model(model_id: str, owner: OwnerDep, db: DbDep) -> Model:
    return crud.get_owned(db, Model, model_id, owner.id, "model")


@router.get("/{model_id}/layers", operation_id="listModelLayers", response_model=list[LayerOut],
            responses=errors(401, 404))
def list_model_layers(model_id: str, owner: OwnerDep, db: DbDep) -> list[dict]:
    return crud.get_owned(db, Model, model_id, owner.id, "model").layers


@router.get(
    "/{model_id}/weights",
    operation_id="downloadModelWeights",
    response_class=StreamingResponse,
    responses={200: {"content": binary_content("application/octet-stream"), "headers": DOWNLOAD_HEADERS,
                     "description": "the model file (safetensors, torch or onnx), checked by X-Content-SHA256"},
               **errors(401, 404, 410)},
)
def download_model_weights(model_id: str, owner: OwnerDep, db: DbDep, storage: StorageDep) -> StreamingResponse:
    m = crud.get_owned(db, Model, model_id, owner.id, "model")
    ext = {"safetensors": "safetensors", "onnx": "onnx"}.get(m.format, "pt")
    return blob_response(storage, m.sha256, m.size_bytes, "application/octet-stream", f"model-{m.id}.{ext}")
