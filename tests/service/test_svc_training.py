"""Train, dynamics and midway jobs on the worker (gpu queue), with the paper's CNN on the bundled
digits source (8x8 images: small enough for 2 CPU cores)."""

from __future__ import annotations

import pytest

from svc_helpers import upload_dataset, wait_job


@pytest.fixture(scope="module")
def digits(client, alice):
    r = upload_dataset(client, alice, None, spec={"source": "digits", "labels": {"p": 0.4, "seed": 0},
                                                  "options": {"test_size": 300}})
    assert r.status_code == 201, r.text
    return r.json()


def test_train_then_dynamics(client, alice, digits):
    r = client.post("/v1/jobs", headers=alice, json={"kind": "train", "dataset_id": digits["id"], "params": {
        "arch": {"name": "cnn"}, "recipe": "adam_fast", "max_epochs": 2, "seed": 3, "checkpoint_epochs": [0, 1, 2]}})
    assert r.status_code == 202, r.text
    assert r.json()["queue"].endswith("-gpu")
    train = wait_job(client, alice, r.json()["id"], timeout=300)
    assert train["status"] == "succeeded", train
    res = client.get(f"/v1/jobs/{train['id']}/result", headers=alice).json()
    assert res["summary"]["arch"] == {"name": "cnn", "input_shape": [1, 8, 8], "num_classes": 10}
    assert res["summary"]["checkpoint_epochs"] == [0, 1, 2]
    data = res["summary"]["data"]  # the named source with its loader options
    assert (data["n_train"], data["n_test"], data["input_shape"]) == (1797 - 300, 300, [1, 8, 8])
    assert 0.25 < data["flip_rate"] < 0.47  # p(1 - 1/K) = 0.36
    assert [row["epoch"] for row in res["rows"]] == [0, 1, 2]
    assert res["rows"][-1]["train_acc_noisy"] > res["rows"][0]["train_acc_noisy"]  # it learned something
    model = client.get(f"/v1/models/{train['output_model_id']}", headers=alice).json()
    assert model["arch"]["input_shape"] == [1, 8, 8]

    bad = client.post("/v1/jobs", headers=alice, json={"kind": "dynamics", "train_job_id": train["id"],
                                                       "params": {"layers": ["nope"]}})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "params.layers"
    r = client.post("/v1/jobs", headers=alice, json={"kind": "dynamics", "train_job_id": train["id"],
                                                     "params": {"layers": ["fc1", "fc3"], "probes": ["linear"]}})
    assert r.status_code == 202, r.text
    dyn = wait_job(client, alice, r.json()["id"], timeout=300)
    assert dyn["status"] == "succeeded", dyn
    out = client.get(f"/v1/jobs/{dyn['id']}/result", headers=alice).json()
    assert out["columns"][:5] == ["epoch", "layer", "probe", "metric", "value"]
    seen = {(row["epoch"], row["layer"], row["probe"]) for row in out["rows"] if row["metric"] == "test_acc"}
    assert seen == {(e, l, p) for e in (0, 1, 2) for l, p in (("fc1", "linear"), ("fc3", "linear"), ("model", "model"))}
    assert {(pk["layer"], pk["probe"]) for pk in out["summary"]["peaks"]} >= {("fc1", "linear"), ("model", "model")}
    # the train job held 10% out of training; the dynamics job chooses peak epochs on those examples
    held = res["summary"]["validation"]
    assert held["n_val"] == round(0.1 * (1797 - 300)) and (held["fraction"], held["seed"]) == (0.1, 0)
    assert out["summary"]["validation"]["n_val"] == held["n_val"]
    val = {(row["epoch"], row["layer"], row["probe"]): row["value"] for row in out["rows"] if row["metric"] == "val_acc"}
    test = {(row["epoch"], row["layer"], row["probe"]): row["value"] for row in out["rows"] if row["metric"] == "test_acc"}
    for pk in out["summary"]["peaks"]:
        series = {e: v for (e, layer, probe), v in val.items() if (layer, probe) == (pk["layer"], pk["probe"])}
        assert pk["peak_epoch"] == min(e for e, v in series.items() if v == max(series.values()))
        assert pk["peak_value"] == test[(pk["peak_epoch"], pk["layer"], pk["probe"])] and pk["val_acc"] == series[pk["peak_epoch"]]


def test_dynamics_needs_a_succeeded_train_job(client, alice):
    probe_jobs = client.get("/v1/jobs?kind=probe", headers=alice).json()["items"]
    target = probe_jobs[0]["id"] if probe_jobs else "0" * 32
    r = client.post("/v1/jobs", headers=alice, json={"kind": "dynamics", "train_job_id": target})
    assert r.status_code in (404, 422)
    assert r.json()["error"]["field"] == "train_job_id"


def test_midway_edit_with_control(client, alice, digits):
    bad = client.post("/v1/jobs", headers=alice, json={"kind": "midway", "dataset_id": digits["id"], "params": {
        "arch": {"name": "cnn"}, "edit_epoch": 3, "total_epochs": 3}})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "params.edit_epoch"
    r = client.post("/v1/jobs", headers=alice, json={"kind": "midway", "dataset_id": digits["id"], "params": {
        "arch": {"name": "cnn"}, "recipe": "adam_fast", "edit_epoch": 1, "total_epochs": 2, "seed": 0}})
    assert r.status_code == 202, r.text
    job = wait_job(client, alice, r.json()["id"], timeout=300)
    assert job["status"] == "succeeded", job
    out = client.get(f"/v1/jobs/{job['id']}/result", headers=alice).json()
    arms = {(row["arm"], row["epoch"]) for row in out["rows"]}
    assert arms == {("pre_edit", 0), ("pre_edit", 1), ("repaired", 1), ("repaired", 2), ("control", 1), ("control", 2)}
    rows = {(row["arm"], row["epoch"]): row for row in out["rows"]}
    # the control's epoch-E row is the unedited checkpoint: identical to the pre-edit arm's last row
    assert rows[("control", 1)]["test_acc"] == rows[("pre_edit", 1)]["test_acc"]
    assert out["summary"]["repair"]["layer"] == "classifier" and out["summary"]["repair"]["in_features"] == 250
