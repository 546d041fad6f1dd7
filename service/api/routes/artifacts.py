from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ... import crud
from ...errors import ApiError
from ...models import Artifact
from ...openapi import binary_content, errors
from ...schemas import ArtifactOut
from ...storage import BlobNotFound, Storage
from ..deps import DbDep, OwnerDep, StorageDep

router = APIRouter(prefix="/artifacts", tags=["artifacts"])

DOWNLOAD_HEADERS = {
    "X-Content-SHA256": {"description": "sha256 of the bytes (hex)", "schema": {"type": "string"}},
    "ETag": {"description": "the quoted sha256", "schema": {"type": "string"}},
    "Content-Disposition": {"description": "attachment; filename=...", "schema": {"type": "string"}},
    "Content-Length": {"schema": {"type": "integer"}},
}
# what artifacts are: result tables (CSV), plots (PNG), reports (HTML), weights and checkpoints (safetensors)
ARTIFACT_MEDIA_TYPES = ("application/octet-stream", "text/csv", "image/png", "text/html")


def blob_response(storage: Storage, sha256: str, size: int, media_type: str, filename: str,
                  disposition: str = "attachment", headers: dict[str, str] | None = None) -> StreamingResponse:
    try:
        chunks = storage.iter_bytes(sha256)
    except BlobNotFound as e:
        raise ApiError(410, "blob_missing", "the stored bytes are gone") from e
    return StreamingResponse(chunks, media_type=media_type, headers={
        "Content-Length": str(size),
        "ETag": f'"{sha256}"',
        "X-Content-SHA256": sha256,
        "Content-Disposition": f'{disposition}; filename="{filename}"',
        **(headers or {}),
    })


@router.get("/{artifact_id}/meta", operation_id="getArtifact", response_model=ArtifactOut,
            responses=errors(401, 404))
def get_artifact(artifact_id: str, owner: OwnerDep, db: DbDep) -> Artifact:
    return crud.get_owned(db, Artifact, artifact_id, owner.id, "artifact")


@router.get(
    "/{artifact_id}",
    operation_id="downloadArtifact",
    response_class=StreamingResponse,
    responses={200: {"content": binary_content(*ARTIFACT_MEDIA_TYPES), "headers": DOWNLOAD_HEADERS,
                     "description": "the bytes, with the artifact's media type (see getArtifact)"},
               **errors(401, 404, 410)},
)
def download_artifact(artifact_id: str, owner: OwnerDep, db: DbDep, storage: StorageDep) -> StreamingResponse:
    a = crud.get_owned(db, Artifact, artifact_id, owner.id, "artifact")
    return blob_response(storage, a.sha256, a.size_bytes, a.media_type, a.name)
