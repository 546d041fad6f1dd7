"""End to end over HTTP, on the deployment stack (Postgres, Redis, a Celery worker, S3):
upload the paper's MLP (trained on corrupted MNIST labels) and an MNIST subset with the labels it
was trained on, run probe and repair jobs, download the repaired weights and check locally that
their test accuracy is exactly what the job reported."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import load as load_safetensors

from svc_helpers import MLP_ARCH, P, SEED, sha256_bytes, upload_dataset, upload_model, wait_job


@pytest.fixture(scope="module")
def trained_labels(tmp_path_factory, mnist_small):
    """The corrupted labels the fixture model was trained on, as an uploaded .npy array."""
    from latentgen.corruption import corrupt_labels

    with np.load(mnist_small) as z:
        noisy = corrupt_labels(z["y_train"], P, 10, SEED).labels
    path = tmp_path_factory.mktemp("labels") / "train_labels.npy"
    np.save(path, noisy.astype(np.int64))
    return path, noisy


def _local_model(state):
    from latentgen.models import build_model

    net = build_model("mlp", (1, 28, 28), 10)
    net.load_state_dict(state, strict=True)
    return net.eval()


def test_probe_and_repair_end_to_end(client, stack, mlp_files, mnist_small, trained_labels):
    from latentgen.data import load_npz
    from latentgen.metrics import accuracy

    headers = {"Authorization": f"Bearer {stack.key('e2e')}"}
    m = upload_model(client, headers, mlp_files["safetensors"], name="paper MLP, MNIST p=0.4")
    assert m.status_code == 201, m.text
    model = m.json()
    labels_path, noisy = trained_labels
    d = upload_dataset(client, headers, mnist_small, spec={"name": "mnist 1k"}, train_labels=labels_path)
    assert d.status_code == 201, d.text
    dataset = d.json()
    assert dataset["labels"]["kind"] == "uploaded"

    probe = client.post("/v1/jobs", headers=headers, json={"kind": "probe", "model_id": model["id"],
                                                           "dataset_id": dataset["id"]}).json()
    repair = client.post("/v1/jobs", headers=headers, json={"kind": "repair", "model_id": model["id"],
                                                            "dataset_id": dataset["id"], "params": {"bias": "zero"}}).json()
    probe = wait_job(client, headers, probe["id"], timeout=600)
    repair = wait_job(client, headers, repair["id"], timeout=600)
    assert probe["status"] == "succeeded", probe
    assert repair["status"] == "succeeded", repair

    # probe table: every hidden layer of the paper's MLP, both probes
    rows = client.get(f"/v1/jobs/{probe['id']}/result", headers=headers).json()["rows"]
    table = {(r["layer"], r["probe"], r["metric"]): r["value"] for r in rows}
    for layer in ("fc1", "fc2", "fc3", "fc4"):
        for p in ("masc", "linear"):
            assert 0.1 < table[(layer, p, "test_acc")] <= 1.0

    # the repaired model: registered as a new model, its weights downloadable
    result = client.get(f"/v1/jobs/{repair['id']}/result", headers=headers).json()
    summary = result["summary"]
    repaired_id = repair["output_model_id"]
    assert repaired_id and repaired_id != model["id"] and summary["output_model_id"] == repaired_id
    meta = client.get(f"/v1/models/{repaired_id}", headers=headers).json()
    assert meta["source_job_id"] == repair["id"] and meta["arch"] == MLP_ARCH and meta["format"] == "safetensors"
    w = client.get(f"/v1/models/{repaired_id}/weights", headers=headers)
    assert w.status_code == 200
    assert sha256_bytes(w.content) == w.headers["x-content-sha256"] == meta["sha256"]
    art = next(a for a in result["artifacts"] if a["kind"] == "weights")
    assert client.get(f"/v1/artifacts/{art['id']}", headers=headers).content == w.content

    repaired_state = load_safetensors(w.content)
    original_state = load_safetensors(mlp_files["safetensors"].read_bytes())
    # only the final layer changed; its bias is zero
    for k, v in original_state.items():
        if not k.startswith("classifier."):
            assert torch.equal(v, repaired_state[k]), k
    assert not torch.equal(original_state["classifier.weight"], repaired_state["classifier.weight"])
    assert torch.count_nonzero(repaired_state["classifier.bias"]) == 0

    # locally measured accuracy equals what the job reported, exactly (same device rule as the
    # worker: CUDA when present)
    splits = load_npz(mnist_small)
    local_repaired = accuracy(_local_model(repaired_state), splits.x_test, splits.y_test)
    local_original = accuracy(_local_model(original_state), splits.x_test, splits.y_test)
    assert local_repaired == summary["repaired_test_acc"]
    assert local_original == summary["model_test_acc"] == table[("model", "model", "test_acc")]
    assert summary["gain"] == pytest.approx(local_repaired - local_original)
    assert summary["repair"]["layer"] == "classifier" and summary["repair"]["in_features"] == 2048
    assert summary["data"]["n_train"] == 1000 and summary["data"]["n_test"] == 500
    assert summary["data"]["flip_rate"] == pytest.approx(float((noisy != splits.y_train.numpy()).mean()))
    # the labels the job used are the ones uploaded: the model's noisy-train accuracy matches
    pred = _local_model(original_state)(splits.x_train).argmax(1).numpy()
    assert table[("model", "model", "train_acc_noisy")] == pytest.approx(float((pred == noisy).mean()))
