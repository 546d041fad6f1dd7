"""A small synchronous client for the HTTP API (httpx), method names after the operation ids.

    from service.client import Client
    c = Client("http://127.0.0.1:8000", key)
    model = c.create_model("mlp.safetensors", {"name": "mlp", "input_shape": [1, 28, 28], "num_classes": 10})
    ds = c.create_dataset("mnist.npz", labels={"p": 0.4, "seed": 42})
    job = c.wait(c.create_job({"kind": "repair", "model_id": model["id"], "dataset_id": ds["id"]})["id"],
                 on_progress=print)
    rows = c.get_job_result(job["id"])["rows"]
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

import httpx

TERMINAL = ("succeeded", "failed", "canceled")


class ApiError(RuntimeError):
    def __init__(self, response: httpx.Response):
        try:
            body = response.json().get("error", {})
        except ValueError:
            body = {"message": response.text}
        super().__init__(f"{response.status_code} {body.get('code', '')}: {body.get('message', '')}")
        self.status_code, self.error = response.status_code, body


class Client:
    def __init__(self, base_url: str, key: str, timeout: float = 120.0):
        self.http = httpx.Client(base_url=base_url.rstrip("/"), headers={"Authorization": f"Bearer {key}"},
                                 timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _json(self, r: httpx.Response) -> Any:
        if r.status_code >= 400:
            raise ApiError(r)
        return r.json()

    # models
    def create_model(self, weights: str | Path, arch: dict, name: str | None = None) -> dict:
        data = {"arch": json.dumps(arch), **({"name": name} if name else {})}
        with open(weights, "rb") as f:
            return self._json(self.http.post("/v1/models", data=data, files={"weights": (Path(weights).name, f)}))

    def get_model(self, model_id: str) -> dict:
        return self._json(self.http.get(f"/v1/models/{model_id}"))

    def list_model_layers(self, model_id: str) -> list[dict]:
        return self._json(self.http.get(f"/v1/models/{model_id}/layers"))

    def download_model_weights(self, model_id: str, dest: str | Path) -> Path:
        return self._download(f"/v1/models/{model_id}/weights", dest)

    # datasets
    def create_dataset(self, npz: str | Path | None = None, labels: dict | None = None,
                       train_labels: str | Path | None = None, source: str = "npz", root: str | None = None,
                       name: str | None = None) -> dict:
        spec: dict[str, Any] = {"source": source}
        for k, v in (("labels", labels), ("root", root), ("name", name)):
            if v is not None:
                spec[k] = v
        files = {}
        try:
            if npz is not None:
                files["file"] = (Path(npz).name, open(npz, "rb"))
            if train_labels is not None:
                files["train_labels"] = (Path(train_labels).name, open(train_labels, "rb"))
            return self._json(self.http.post("/v1/datasets", data={"spec": json.dumps(spec)}, files=files or None))
        finally:
            for _name, f in files.values():
                f.close()

    def get_dataset(self, dataset_id: str) -> dict:
        return self._json(self.http.get(f"/v1/datasets/{dataset_id}"))

    # jobs
    def create_job(self, body: dict) -> dict:
        return self._json(self.http.post("/v1/jobs", json=body))

    def get_job(self, job_id: str) -> dict:
        return self._json(self.http.get(f"/v1/jobs/{job_id}"))

    def list_jobs(self, status: str | None = None, kind: str | None = None, limit: int = 20, offset: int = 0) -> dict:
        params = {k: v for k, v in (("status", status), ("kind", kind)) if v}
        return self._json(self.http.get("/v1/jobs", params={**params, "limit": limit, "offset": offset}))

    def cancel_job(self, job_id: str) -> dict:
        return self._json(self.http.post(f"/v1/jobs/{job_id}/cancel"))

    def get_job_result(self, job_id: str, csv: bool = False) -> Any:
        if csv:
            r = self.http.get(f"/v1/jobs/{job_id}/result", headers={"Accept": "text/csv"})
            if r.status_code >= 400:
                raise ApiError(r)
            return r.text
        return self._json(self.http.get(f"/v1/jobs/{job_id}/result"))

    def wait(self, job_id: str, timeout: float | None = None, poll: float = 0.5,
             on_progress: Callable[[dict], None] | None = None) -> dict:
        """Poll until the job is finished; `on_progress(job)` whenever its progress changes."""
        deadline = None if timeout is None else time.monotonic() + timeout
        last = None
        while True:
            job = self.get_job(job_id)
            seen = (job["status"], job["progress"]["stage"], job["progress"]["current"])
            if on_progress is not None and seen != last:
                on_progress(job)
            last = seen
            if job["status"] in TERMINAL:
                return job
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} is still {job['status']} after {timeout}s")
            time.sleep(poll)

    # artifacts
    def download_artifact(self, artifact_id: str, dest: str | Path) -> Path:
        return self._download(f"/v1/artifacts/{artifact_id}", dest)

    def _download(self, url: str, dest: str | Path) -> Path:
        import hashlib

        dest = Path(dest)
        h = hashlib.sha256()
        with self.http.stream("GET", url) as r:
            if r.status_code >= 400:
                r.read()
                raise ApiError(r)
            with open(dest, "wb") as f:
                for chunk in r.iter_bytes():
                    h.update(chunk)
                    f.write(chunk)
            expected = r.headers.get("x-content-sha256")
        if expected and h.hexdigest() != expected:
            dest.unlink(missing_ok=True)
            raise RuntimeError(f"download of {url} is corrupt: sha256 {h.hexdigest()} != {expected}")
        return dest

    # health
    def readyz(self) -> dict:
        return self.http.get("/readyz").json()
