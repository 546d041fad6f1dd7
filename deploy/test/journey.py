"""The deployment test's HTTP side, run on the host against the compose project's published port
(deploy/test/run.sh owns the containers):

    journey.py URL KEY main DIR          data set, train, probe, repair, repaired weights into DIR
    journey.py URL KEY start-long DSID   a longer train job; returns (prints its id) once it trains
    journey.py URL KEY ended-once JOBID  waits for that job to end; it must end succeeded, once

Each step fails with the job's error, never silently; waits are bounded only so that a stuck
job fails the test instead of hanging CI.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import time
from pathlib import Path

from latentgen_client import AuthenticatedClient
from latentgen_client.api.datasets import create_dataset
from latentgen_client.api.jobs import create_job, get_job, get_job_result
from latentgen_client.api.models import download_model_weights, list_models
from latentgen_client.models import (CorruptionSpec, DatasetSpec, DatasetUpload, DataSource, ProbeJobCreate,
                                     ProbeName, ProbeParams, RepairJobCreate, TrainArch, TrainJobCreate, TrainParams)
from latentgen_cli.client import connect, download, ok, wait

# a failure bound for CI, far above the seconds these jobs take
JOB_DEADLINE_S = float(os.environ.get("LATENTGEN_DEPLOY_JOB_DEADLINE_S", 600))


def run(client: AuthenticatedClient, body):
    job = wait(client, ok(create_job.sync_detailed(client=client, body=body)).id, timeout=JOB_DEADLINE_S)
    if job.status != "succeeded":
        raise SystemExit(f"{body.kind} job {job.id} {job.status}: {job.error}")
    print(f"  {body.kind:6s} job {job.id} succeeded (attempt {job.attempts})", flush=True)
    return job


def safetensors_names(path: Path) -> list[str]:
    """Tensor names from a safetensors header (8-byte length, then JSON), without torch."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    return sorted(k for k in header if k != "__metadata__")


def main_journey(client: AuthenticatedClient, out: Path) -> None:
    dataset = ok(create_dataset.sync_detailed(client=client, body=DatasetUpload(
        spec=DatasetSpec(source=DataSource.DIGITS, labels=CorruptionSpec(p=0.4, seed=0)))))
    print(f"  dataset {dataset.id} (sklearn digits, 40% of the training labels shuffled)", flush=True)
    train = run(client, TrainJobCreate(kind="train", dataset_id=dataset.id,
                                       params=TrainParams(arch=TrainArch(name="mlp"), max_epochs=20)))
    ids = {"model_id": train.output_model_id, "dataset_id": dataset.id}
    probe = run(client, ProbeJobCreate(kind="probe", **ids, params=ProbeParams(probes=[ProbeName.MASC, ProbeName.LINEAR])))
    rows = ok(get_job_result.sync_detailed(probe.id, client=client)).rows
    assert rows and all(r.layer for r in rows), rows
    repair = run(client, RepairJobCreate(kind="repair", **ids))
    summary = ok(get_job_result.sync_detailed(repair.id, client=client)).summary
    weights = download(client, download_model_weights, repair.output_model_id, out / "repaired.safetensors")
    names = safetensors_names(weights)
    assert names, f"{weights} holds no tensors"
    print(f"  {len(rows)} probe rows; repaired test accuracy {summary.repaired_test_acc:.1%} "
          f"(model {summary.model_test_acc:.1%}); {weights.stat().st_size} bytes of weights, "
          f"{len(names)} tensors", flush=True)
    (out / "dataset_id").write_text(dataset.id)


def start_long(client: AuthenticatedClient, dataset_id: str) -> None:
    # caught after its first epoch, long before its last (or before it fits all shuffled labels)
    job = ok(create_job.sync_detailed(client=client, body=TrainJobCreate(
        kind="train", dataset_id=dataset_id, params=TrainParams(arch=TrainArch(name="mlp"), max_epochs=30, seed=1))))
    deadline = time.monotonic() + JOB_DEADLINE_S
    while True:
        j = ok(get_job.sync_detailed(job.id, client=client))
        if j.status == "running" and j.progress.stage == "train" and (j.progress.current or 0) >= 1:
            break
        if j.status not in ("queued", "running"):
            raise SystemExit(f"job {j.id} ended ({j.status}) before it could be interrupted")
        if time.monotonic() > deadline:
            raise SystemExit(f"job {j.id} did not start training: {j}")
        time.sleep(0.5)
    print(job.id)


def ended_once(client: AuthenticatedClient, job_id: str) -> None:
    try:
        job = wait(client, job_id, timeout=JOB_DEADLINE_S)
    except TimeoutError:
        j = ok(get_job.sync_detailed(job_id, client=client))
        raise SystemExit(f"the interrupted job did not end within {JOB_DEADLINE_S:.0f}s of the worker's return: "
                         f"{j.status}, attempt {j.attempts}, progress {j.progress}") from None
    models = [m for m in ok(list_models.sync_detailed(client=client, limit=100)).items if m.source_job_id == job_id]
    print(f"  job {job_id}: {job.status} after {job.attempts} attempt(s); {len(models)} output model(s)", flush=True)
    if job.status != "succeeded":
        raise SystemExit(f"the interrupted job ended {job.status}: {job.error}")
    assert job.attempts >= 2, "the job was not interrupted: it ran once"
    assert len(models) == 1 and models[0].id == job.output_model_id, models


def main(argv: list[str]) -> int:
    url, key, step, arg = argv
    with connect(url, key, timeout=300) as client:
        if step == "main":
            main_journey(client, Path(arg))
        elif step == "start-long":
            start_long(client, arg)
        elif step == "ended-once":
            ended_once(client, arg)
        else:
            raise SystemExit(f"unknown step {step!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
