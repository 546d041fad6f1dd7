"""Content-addressed object storage behind one interface.

Blobs are keyed by the sha256 of their bytes. Uploads are first *staged*: streamed in chunks
to a local temporary file while hashed and counted (bounded memory, 413 past the limit), then
validated, and only then put into the store. So a rejected upload leaves nothing behind.

``LocalStorage`` writes atomically (temporary file in the same directory, then ``os.replace``);
``S3Storage`` talks to any S3-compatible endpoint through boto3.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from .core.config import Settings

CHUNK = 1 << 20


class UploadTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"upload exceeds the limit of {limit} bytes")
        self.limit = limit


class BlobNotFound(Exception):
    pass


@dataclass
class Staged:
    path: Path
    sha256: str
    size: int

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def stage_stream(src: BinaryIO, staging_dir: Path, max_bytes: int | None = None) -> Staged:
    """Copy ``src`` to a temporary file in chunks, hashing as it goes."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(prefix="upload-", dir=staging_dir)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = src.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise UploadTooLarge(max_bytes)
                h.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Staged(path=path, sha256=h.hexdigest(), size=size)


class StagingArea:
    """This process's own directory under the staging directory, held with an exclusive lock for
    the process's life. A directory whose lock can be taken belongs to a process that died (the
    kernel releases a dead process's locks): it and whatever upload it was staging are removed, at
    start and by the housekeeping thread. Never by age, so a slow upload is never swept."""

    def __init__(self, root: Path):
        import fcntl
        import uuid

        self.root = Path(root)
        self.path = self.root / f"proc-{uuid.uuid4().hex[:12]}"
        self.path.mkdir(parents=True)
        self._lock = open(self.path / ".lock", "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.sweep()

    def sweep(self) -> int:
        """Remove the staging directories of dead processes; how many."""
        import fcntl

        removed = 0
        for other in self.root.glob("proc-*"):
            if other == self.path:
                continue
            try:
                with open(other / ".lock", "a") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # alive
            except FileNotFoundError:
                pass  # removed meanwhile, or left half-made
            shutil.rmtree(other, ignore_errors=True)
            removed += 1
        return removed

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._lock.close()


def stage_file(path: Path, staging_dir: Path) -> Staged:
    with open(path, "rb") as f:
        return stage_stream(f, staging_dir)


class Storage(Protocol):
    def exists(self, sha256: str) -> bool: ...
    def put(self, staged: Staged) -> bool:
        """Store the staged file under its hash; return True when it was not there before."""
        ...
    def iter_bytes(self, sha256: str, chunk_size: int = CHUNK) -> Iterator[bytes]: ...
    def download_to(self, sha256: str, dest: Path) -> Path: ...
    def delete(self, sha256: str) -> None: ...
    def check(self) -> None:
        """Raise when the store is not reachable/writable."""
        ...


def _check_hex(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


class LocalStorage:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)

    def _path(self, sha256: str) -> Path:
        _check_hex(sha256)
        return self.root / "sha256" / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def put(self, staged: Staged) -> bool:
        dest = self._path(staged.sha256)
        if dest.is_file():
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".put-", dir=self.root / "tmp")
        try:
            with os.fdopen(fd, "wb") as out, open(staged.path, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def iter_bytes(self, sha256: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        path = self._path(sha256)
        if not path.is_file():
            raise BlobNotFound(sha256)

        def gen() -> Iterator[bytes]:
            with open(path, "rb") as f:
                while chunk := f.read(chunk_size):
                    yield chunk

        return gen()

    def download_to(self, sha256: str, dest: Path) -> Path:
        path = self._path(sha256)
        if not path.is_file():
            raise BlobNotFound(sha256)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + f".{os.getpid()}.part")
        shutil.copyfile(path, tmp)
        os.replace(tmp, dest)
        return dest

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

    def check(self) -> None:
        probe = self.root / "tmp" / f".readyz-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()


class S3Storage:
    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str = "us-east-1",
                 access_key_id: str | None = None, secret_access_key: str | None = None,
                 create_bucket: bool = False):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(retries={"max_attempts": 3}, connect_timeout=5, read_timeout=60,
                          s3={"addressing_style": "path"}),
        )
        if create_bucket:
            try:
                self.client.head_bucket(Bucket=bucket)
            except self.client.exceptions.ClientError:
                self.client.create_bucket(Bucket=bucket)

    @staticmethod
    def _key(sha256: str) -> str:
        return f"sha256/{_check_hex(sha256)}"

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def put(self, staged: Staged) -> bool:
        if self.exists(staged.sha256):
            return False
        # upload_file streams from disk (multipart for large files); an object appears whole or not at all
        self.client.upload_file(str(staged.path), self.bucket, self._key(staged.sha256))
        return True

    def iter_bytes(self, sha256: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise BlobNotFound(sha256) from e
            raise
        body = obj["Body"]

        def gen() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(chunk_size)
            finally:
                body.close()

        return gen()

    def download_to(self, sha256: str, dest: Path) -> Path:
        if not self.exists(sha256):
            raise BlobNotFound(sha256)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + f".{os.getpid()}.part")
        self.client.download_file(self.bucket, self._key(sha256), str(tmp))
        os.replace(tmp, dest)
        return dest

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)


def make_storage(settings: Settings) -> Storage:
    if settings.storage == "s3":
        return S3Storage(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
            create_bucket=settings.s3_create_bucket,
        )
    assert settings.storage_dir is not None
    return LocalStorage(settings.storage_dir)
