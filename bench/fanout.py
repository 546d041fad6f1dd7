"""Wall time of one dynamics job spread over 1 and over 2 worker processes, in the same run.

`latentgen serve` (embedded: SQLite, its SQLite broker, a local store) in a fresh home trains the
paper's CNN on the bundled digits (p = 0.4, recipe adam_fast) keeping N checkpoints, then runs the
dynamics job (MASC and the linear probe on every layer) over them with `--concurrency 1`, and again
with `--concurrency 2`: one part per checkpoint, taken by whichever process is free. Time is from
submitting the job to its `succeeded`, as a user sees it.

    PYTHONPATH=. python bench/fanout.py --checkpoints 25
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


class Serve:
    def __init__(self, home: Path, port: int, concurrency: int):
        env = {k: v for k, v in os.environ.items() if not k.startswith("LATENTGEN_")}
        env.update(LATENTGEN_HOME=str(home), PYTHONPATH=str(ROOT))
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([sys.executable, "-c", "import sys; from latentgen_cli.main import main; sys.exit(main())",
                                      "serve", "--port", str(port), "--concurrency", str(concurrency)],
                                     cwd=ROOT, env=env, stdout=open(home / f"serve-{concurrency}.log", "ab"),  # noqa: SIM115
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve did not start; see {home}/serve-{concurrency}.log")
            time.sleep(0.3)
        key = (home / "local-key").read_text().strip()
        self.http = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {key}"}, timeout=60)

    def run(self, body: dict) -> tuple[dict, float]:
        start = time.perf_counter()
        r = self.http.post("/v1/jobs", json=body)
        r.raise_for_status()
        job_id = r.json()["id"]
        while (job := self.http.get(f"/v1/jobs/{job_id}").json())["status"] in ("queued", "running"):
            time.sleep(0.1)
        if job["status"] != "succeeded":
            raise RuntimeError(job)
        return job, time.perf_counter() - start

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoints", type=int, default=25)
    ap.add_argument("--port", type=int, default=8731)
    args = ap.parse_args()
    epochs = list(range(1, args.checkpoints + 1))
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp:
        home = Path(tmp)
        serve = Serve(home, args.port, 1)
        try:
            r = serve.http.post("/v1/datasets", files={"spec": (None, '{"source": "digits", "labels": {"p": 0.4, "seed": 0}}')})
            r.raise_for_status()
            train, t_train = serve.run({"kind": "train", "dataset_id": r.json()["id"], "params": {
                "arch": {"name": "cnn"}, "recipe": "adam_fast", "max_epochs": len(epochs), "checkpoint_epochs": epochs}})
            kept = serve.http.get(f"/v1/jobs/{train['id']}/result").json()["summary"]["checkpoint_epochs"]
            print(f"train: {t_train:.1f} s, {len(kept)} checkpoints", flush=True)
            body = {"kind": "dynamics", "train_job_id": train["id"]}
            one, t_one = serve.run(body)
            rows_one = serve.http.get(f"/v1/jobs/{one['id']}/result").json()["rows"]
        finally:
            serve.stop()
        serve = Serve(home, args.port, 2)
        try:
            two, t_two = serve.run(body)
            rows_two = serve.http.get(f"/v1/jobs/{two['id']}/result").json()["rows"]
        finally:
            serve.stop()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch threads default")
    print(f"dynamics over {len(kept)} checkpoints: 1 worker process {t_one:.1f} s, 2 worker processes {t_two:.1f} s, "
          f"ratio {t_one / t_two:.2f}x; rows identical: {rows_one == rows_two}")


if __name__ == "__main__":
    main()
