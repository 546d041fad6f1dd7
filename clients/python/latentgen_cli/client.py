"""Conveniences over the generated client `latentgen_client` (made from docs/openapi.json by
`make openapi`): every call goes through the generated operations; this module only adds what a
generator cannot: raising on error responses, waiting for a job with progress, and streaming a
download to disk while checking its sha256.

    from latentgen_client.api.jobs import create_job
    from latentgen_cli.client import connect, ok, wait
    client = connect("http://127.0.0.1:8000", key)
    job = ok(create_job.sync_detailed(client=client, body=ProbeJobCreate(...)))
    job = wait(client, job.id, on_progress=print)
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

from latentgen_client import AuthenticatedClient
from latentgen_client.api.jobs import get_job
from latentgen_client.models import ErrorResponse
from latentgen_client.types import Response

T = TypeVar("T")
TERMINAL = ("succeeded", "failed", "canceled")


class ApiError(RuntimeError):
    """An error response: `status_code`, and `error` (the typed ErrorBody) when the body had one."""

    def __init__(self, status_code: int, error: Any, text: str = ""):
        code = getattr(error, "code", "")
        message = getattr(error, "message", "") or text[:300]
        super().__init__(f"{status_code} {code}: {message}")
        self.status_code, self.error = status_code, error


def connect(base_url: str, key: str, timeout: float = 120.0) -> AuthenticatedClient:
    import httpx

    return AuthenticatedClient(base_url=base_url.rstrip("/"), token=key, timeout=httpx.Timeout(timeout),
                               raise_on_unexpected_status=True)


def ok(response: Response[T]) -> T:
    """The parsed body of a successful response; raise ApiError for any other."""
    if 200 <= int(response.status_code) < 300:
        return response.parsed  # type: ignore[return-value]
    parsed = response.parsed
    error = parsed.error if isinstance(parsed, ErrorResponse) else None
    raise ApiError(int(response.status_code), error, response.content.decode(errors="replace"))


def wait(client: AuthenticatedClient, job_id: str, timeout: float | None = None, poll: float = 0.5,
         on_progress: Callable[[Any], None] | None = None):
    """Poll until the job has finished; `on_progress(job)` whenever its status or progress changes."""
    deadline = None if timeout is None else time.monotonic() + timeout
    last = None
    while True:
        job = ok(get_job.sync_detailed(job_id, client=client))
        seen = (job.status, job.progress.stage, job.progress.current)
        if on_progress is not None and seen != last:
            on_progress(job)
        last = seen
        if job.status in TERMINAL:
            return job
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} is still {job.status} after {timeout}s")
        time.sleep(poll)


def download(client: AuthenticatedClient, operation: Any, object_id: str, dest: str | Path) -> Path:
    """Stream what a generated download operation (`download_model_weights`, `download_artifact`)
    returns into `dest` in chunks, and check it against the X-Content-SHA256 header."""
    request = operation._get_kwargs(object_id)
    dest = Path(dest)
    digest = hashlib.sha256()
    part = dest.with_name(dest.name + ".part")
    with client.get_httpx_client().stream(request["method"].upper(), request["url"]) as r:
        if r.status_code >= 400:
            r.read()
            error = ErrorResponse.from_dict(r.json()).error if "json" in r.headers.get("content-type", "") else None
            raise ApiError(r.status_code, error, r.text)
        with open(part, "wb") as f:
            for chunk in r.iter_bytes():
                digest.update(chunk)
                f.write(chunk)
        expected = r.headers.get("x-content-sha256")
    if expected and digest.hexdigest() != expected:
        part.unlink(missing_ok=True)
        raise RuntimeError(f"download of {request['url']} is corrupt: sha256 {digest.hexdigest()} != {expected}")
    part.replace(dest)
    return dest
