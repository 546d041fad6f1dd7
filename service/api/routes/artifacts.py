from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ... import crud
from ...errors import ApiError
from ...models import Artifact
from ...schemas import ArtifactOut, ErrorResponse
from ...storage import BlobNotFound, Storage
from ..deps import DbDep, OwnerDep, StorageDep

router = APIRouter(prefix="/artifacts", tags=["artifacts"])

ERRORS = {401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}}


def blob_response(storage: Storage, sha256: str, size: int, media_type: str, filename: str) -> StreamingResponse:
    try:
        chunks = storage.iter_bytes(sha256)
    except BlobNotFound as e:
        raise ApiError(410, "blob_missing", "the stored bytes are gone") from e
    return StreamingResponse(chunks, media_type=media_type, headers={
        "Content-Length": str(size),
        "ETag": f'"{sha256}"',
        "X-Content-SHA256": sha256,
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


@router.get("/{artifact_id}/meta", operation_id="getArtifact", response_model=ArtifactOut, responses=ERRORS)
def get_artifact(artifact_id: str, owner: OwnerDep, db: DbDep) -> Artifact:
    return crud.get_owned(db, Artifact, artifact_id, owner.id, "artifact")


@router.get(
    "/{artifact_id}",
    operation_id="downloadArtifact",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the bytes; sha256 in X-Content-SHA256"},
               **ERRORS},
)
def download_artifact(artifact_id: str, owner: OwnerDep, db: DbDep, storage: StorageDep) -> StreamingResponse:
    a = crud.get_owned(db, Artifact, artifact_id, owner.id, "artifact")
    return blob_response(storage, a.sha256, a.size_bytes, a.media_type, a.name)
