"""Audit and graft jobs through the API, on real MNIST (the first 1,000 training images, p = 0.4)
with a real worker: the label audit and its cleaned data sets, and repair at any layer as a new
model that downloads, rebuilds from its architecture spec, and can be probed again."""

from __future__ import annotations

import json

import numpy as np
import pytest

from svc_helpers import P, upload_model, wait_job


def run_job(client, headers, body: dict) -> tuple[dict, dict]:
    r = client.post("/v1/jobs", headers=headers, json=body)
    assert r.status_code == 202, r.text
    job = wait_job(client, headers, r.json()["id"], timeout=600)
    assert job["status"] == "succeeded", job
    res = client.get(f"/v1/jobs/{job['id']}/result", headers=headers)
    assert res.status_code == 200, res.text
    return job, res.json()


@pytest.fixture(scope="module")
def audit(client, alice, model, dataset):
    return run_job(client, alice, {"kind": "audit", "model_id": model["id"], "dataset_id": dataset["id"],
                                   "params": {"folds": 3}})


def test_audit_flags_labels_and_measures_itself_against_the_truth(audit, dataset):
    job, res = audit
    rows, summary = res["rows"], res["summary"]
    assert job["queue"] and [r["index"] for r in rows] == list(range(1000))
    flagged = [r for r in rows if r["flagged"]]
    assert summary["n_flagged"] == len(flagged) and summary["n"] == 1000
    # flagged exactly where the suspicion is positive, and then another class is suggested
    assert all((r["score"] > 0) == r["flagged"] for r in rows)
    assert all(r["suggested"] != r["given"] for r in flagged)
    assert all(r["suggested"] == r["given"] for r in rows if not r["flagged"])
    # the truth is known (a corruption spec): detection beside the model's own predictions
    detection = summary["detection"]
    truly_flipped = sum(r["given"] != r["true_label"] for r in rows)
    assert detection["true_noise_rate"] == pytest.approx(truly_flipped / 1000)
    hits = sum(r["flagged"] and r["given"] != r["true_label"] for r in rows)
    assert detection["audit"]["precision"] == pytest.approx(hits / len(flagged))
    assert detection["audit"]["recall"] == pytest.approx(hits / truly_flipped)
    # chosen on the validation split, test accuracy only reported
    assert summary["chosen_by"].startswith("validation")
    assert summary["validation"]["n_val"] == 100 and summary["validation"]["fraction"] == 0.1
    assert {(c["layer"], c["probe"]) for c in summary["candidates"]} >= {(summary["layer"], summary["probe"])}
    assert summary["source_model_id"] == job["model_id"]


def test_relabelled_data_set_holds_the_suggestions(client, alice, audit, dataset, model):
    _job, res = audit
    cleaned_id = res["summary"]["cleaned_dataset_id"]
    d = client.get(f"/v1/datasets/{cleaned_id}", headers=alice).json()
    assert d["labels"]["kind"] == "cleaned" and d["labels"]["mode"] == "relabel"
    assert d["labels"]["source_dataset_id"] == dataset["id"] and d["info"]["n_train"] == 1000
    assert d["labels"]["n_changed"] == res["summary"]["n_flagged"]
    # a job on it trains or probes with the suggestions: its flip rate is that of the suggestions
    suggested = np.array([r["suggested"] for r in res["rows"]])
    true = np.array([r["true_label"] for r in res["rows"]])
    # (the model's default layers: chosen and validated through the network, whatever its backend)
    _job, probe = run_job(client, alice, {"kind": "probe", "model_id": model["id"], "dataset_id": cleaned_id,
                                          "params": {"probes": ["linear"]}})
    assert {r["layer"] for r in probe["rows"] if r["metric"] == "val_acc"} == {"model", "fc1", "fc2", "fc3", "fc4"}
    assert probe["summary"]["data"]["flip_rate"] == pytest.approx(float(np.mean(suggested != true)))
    assert probe["summary"]["data"]["flip_rate"] < P * 0.9 - 0.05  # fewer wrong labels than the noisy ones


def test_filtered_data_set_leaves_the_flagged_examples_out(client, alice, model, dataset):
    job, res = run_job(client, alice, {"kind": "audit", "model_id": model["id"], "dataset_id": dataset["id"],
                                       "params": {"folds": 2, "layer": "fc2", "probe": "linear", "clean": "filter"}})
    summary = res["summary"]
    assert (summary["layer"], summary["probe"]) == ("fc2", "linear")
    d = client.get(f"/v1/datasets/{summary['cleaned_dataset_id']}", headers=alice).json()
    assert d["labels"]["mode"] == "filter" and d["info"]["n_train"] == 1000 - summary["n_flagged"]
    # auditing the filtered data set again keeps positions in the source's numbering
    _job, again = run_job(client, alice, {"kind": "audit", "model_id": model["id"], "dataset_id": d["id"],
                                          "params": {"folds": 2, "layer": "fc2", "probe": "linear", "clean": "filter"}})
    assert again["summary"]["data"]["n_train"] == d["info"]["n_train"]
    twice = client.get(f"/v1/datasets/{again['summary']['cleaned_dataset_id']}", headers=alice).json()
    assert twice["info"]["n_train"] == d["info"]["n_train"] - again["summary"]["n_flagged"]


def test_audit_without_a_cleaned_data_set(client, alice, model, dataset):
    _job, res = run_job(client, alice, {"kind": "audit", "model_id": model["id"], "dataset_id": dataset["id"],
                                        "params": {"folds": 2, "layer": ["fc1", "fc2"], "probe": "linear",
                                                   "clean": None}})
    assert res["summary"]["cleaned_dataset_id"] is None and res["summary"]["layer"] == "fc1+fc2"


def test_graft_at_a_chosen_layer_is_a_new_model_that_rebuilds_from_its_spec(client, alice, model, dataset, tmp_path,
                                                                          mnist_small):
    job, res = run_job(client, alice, {"kind": "graft", "model_id": model["id"], "dataset_id": dataset["id"],
                                       "params": {"layer": "fc2", "head": "masc"}})
    s = res["summary"]
    assert (s["layer"], s["head"]) == ("fc2", "masc")
    new = client.get(f"/v1/models/{s['output_model_id']}", headers=alice).json()
    assert new["arch"]["cut"] == "fc2" and new["arch"]["head"] == "masc"
    assert len(new["arch"]["components"]) == 10 and new["source_job_id"] == job["id"]
    assert new["final_layer"] is None  # a MASC head: probe it, graft from it no, repair it no
    # the downloaded bytes and the arch spec rebuild the graft; its test accuracy is the summary's
    from latentgen.data import load_npz
    from latentgen.metrics import accuracy
    from latentgen.networks import load_network

    weights = client.get(f"/v1/models/{new['id']}/weights", headers=alice)
    path = tmp_path / "grafted.safetensors"
    path.write_bytes(weights.content)
    network = load_network(path, new["arch"])
    splits = load_npz(mnist_small)
    assert accuracy(network, splits.x_test, splits.y_test, device="cpu") == pytest.approx(s["test_acc"])
    # the same spec uploads as a model of its own (the upload validator builds it)
    again = upload_model(client, alice, path, arch=new["arch"])
    assert again.status_code == 200 and again.json()["id"] == new["id"], again.text
    # and it can be probed again, at the layers it kept
    layers = [l["name"] for l in client.get(f"/v1/models/{new['id']}/layers", headers=alice).json()]
    assert "trunk.fc1" in layers
    _job, probed = run_job(client, alice, {"kind": "probe", "model_id": new["id"], "dataset_id": dataset["id"],
                                           "params": {"layers": ["trunk.fc1"], "probes": ["linear"]}})
    assert probed["summary"]["model_test_acc"] == pytest.approx(s["test_acc"])
    refused = client.post("/v1/jobs", headers=alice, json={"kind": "repair", "model_id": new["id"],
                                                           "dataset_id": dataset["id"]})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "no_final_linear"
    regraft = client.post("/v1/jobs", headers=alice, json={"kind": "graft", "model_id": new["id"],
                                                          "dataset_id": dataset["id"]})
    assert regraft.status_code == 422 and regraft.json()["error"]["code"] == "not_graftable"


def test_auto_graft_chooses_on_validation_and_reports_the_oracle(client, alice, model, dataset):
    _job, res = run_job(client, alice, {"kind": "graft", "model_id": model["id"], "dataset_id": dataset["id"]})
    s = res["summary"]
    val = {(r["layer"], r["probe"]): r["value"] for r in res["rows"] if r["metric"] == "val_acc"}
    test = {(r["layer"], r["probe"]): r["value"] for r in res["rows"] if r["metric"] == "test_acc"}
    assert val[(s["layer"], s["head"])] == max(val.values()) == s["val_acc"]
    # the saved graft scores what its candidate row says; the oracle is the test set's best candidate
    assert s["test_acc"] == pytest.approx(test[(s["layer"], s["head"])], abs=1e-9)
    assert s["oracle"]["test_acc"] == max(test.values())
    assert s["gain"] == pytest.approx(s["test_acc"] - s["model_test_acc"])
    last_layer = list(dict.fromkeys(layer for layer, _ in val))[-1]
    assert s["last_layer_repair"] == {"layer": last_layer, "head": "linear", "val_acc": val[(last_layer, "linear")],
                                      "test_acc": test[(last_layer, "linear")]}


@pytest.mark.parametrize("params,field", [
    ({"layer": "nope"}, "params.layer"),
    ({"layers": ["fc1", "nope"]}, "params.layers"),
    ({"head": "knn"}, "params.head"),
    ({"validation": {"fraction": 1.0}}, "params.validation.fraction"),
])
def test_graft_params_are_checked_at_the_door(client, alice, model, dataset, params, field):
    r = client.post("/v1/jobs", headers=alice, json={"kind": "graft", "model_id": model["id"],
                                                     "dataset_id": dataset["id"], "params": params})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["field"] == field or any(e["field"] == field for e in err.get("errors") or []), err


def test_audit_params_are_checked_at_the_door(client, alice, model, dataset):
    for params, field in (({"layer": ["fc1", "fc1"]}, "params.layer"), ({"folds": 1}, "params.folds"),
                          ({"clean": "burn"}, "params.clean"), ({"layer": ["fc1", "zz"]}, "params.layer")):
        r = client.post("/v1/jobs", headers=alice, json={"kind": "audit", "model_id": model["id"],
                                                         "dataset_id": dataset["id"], "params": params})
        assert r.status_code == 422, r.text
        err = r.json()["error"]
        assert err["field"] == field or any((e["field"] or "").startswith(field) for e in err.get("errors") or []), \
            json.dumps(err)



@pytest.fixture(scope="module")
def held_out_dataset(client, alice, tmp_path_factory) -> dict:
    """500 further MNIST training images (never in the model's training set) with their own
    40%-shuffled labels, uploaded as a data set of their own: the validation data a user keeps."""
    from svc_helpers import MNIST, upload_dataset

    with np.load(MNIST) as z:
        arrays = {"x_train": z["x_train"][1000:1500], "y_train": z["y_train"][1000:1500],
                  "x_test": z["x_test"][:10], "y_test": z["y_test"][:10]}
    path = tmp_path_factory.mktemp("held") / "held_out.npz"
    np.savez(path, **arrays)
    r = upload_dataset(client, alice, path, spec={"labels": {"p": 0.4, "seed": 1}})
    assert r.status_code == 201, r.text
    return r.json()


def test_held_out_data_makes_every_choice(client, alice, model, dataset, held_out_dataset):
    validation = {"dataset_id": held_out_dataset["id"]}
    for kind, params in (("probe", {"probes": ["linear"]}), ("graft", {}), ("audit", {"folds": 2, "clean": None})):
        _job, res = run_job(client, alice, {"kind": kind, "model_id": model["id"], "dataset_id": dataset["id"],
                                            "params": {**params, "validation": validation}})
        info = res["summary"]["validation"]
        assert info["source"] == "held-out data" and info["dataset_id"] == held_out_dataset["id"], (kind, info)
        assert info["n_val"] == 500 and info["rule"] == "validation accuracy" and info["warning"] is None
        if kind == "probe":
            val = {(r["layer"], r["probe"]): r["value"] for r in res["rows"] if r["metric"] == "val_acc"}
            best = res["summary"]["best"]
            assert best["val_acc"] == max(v for (layer, _), v in val.items() if layer != "model")
        if kind == "audit":
            assert len(res["rows"]) == 1000  # every training example is still audited


def test_an_npz_with_its_own_validation_arrays_makes_the_choice_by_default(client, alice, model, mnist_small,
                                                                          tmp_path):
    """x_val, y_val in the data set's npz: held-out examples every job chooses on when it gives no
    params.validation."""
    from svc_helpers import MNIST, upload_dataset

    with np.load(mnist_small) as small, np.load(MNIST) as z:
        arrays = {**{k: small[k] for k in small.files}, "x_val": z["x_train"][1000:1300], "y_val": z["y_train"][1000:1300]}
    np.savez(tmp_path / "with_val.npz", **arrays)
    r = upload_dataset(client, alice, tmp_path / "with_val.npz")
    assert r.status_code == 201, r.text
    data = r.json()
    assert data["info"]["n_val"] == 300 and data["info"]["n_train"] == 1000
    _job, res = run_job(client, alice, {"kind": "probe", "model_id": model["id"], "dataset_id": data["id"],
                                        "params": {"probes": ["linear"], "layers": ["fc1", "fc2"]}})
    info = res["summary"]["validation"]
    assert info["source"] == "held-out data" and info["dataset_id"] == f"{data['id']}:validation", info
    assert info["n_val"] == 300 and info["labels"] == "the held-out examples' own labels"
    np.savez(tmp_path / "half.npz", **{k: v for k, v in arrays.items() if k != "y_val"})
    r = upload_dataset(client, alice, tmp_path / "half.npz")
    assert r.status_code == 422 and "x_val and y_val go together" in r.json()["error"]["message"], r.text


def test_training_indices_held_out_make_the_choice(client, alice, model, dataset):
    _job, res = run_job(client, alice, {"kind": "probe", "model_id": model["id"], "dataset_id": dataset["id"],
                                        "params": {"probes": ["linear"], "validation": {"indices": list(range(0, 1000, 4))}}})
    info = res["summary"]["validation"]
    assert info["source"] == "indices" and info["n_val"] == 250 and info["fraction"] is None


@pytest.mark.parametrize("validation,status,field", [
    ({"dataset_id": "nope"}, 404, "params.validation.dataset_id"),
    ({"dataset_id": "SELF"}, 422, "params.validation.dataset_id"),
    ({"indices": [5, 1000]}, 422, "params.validation.indices"),
    ({"indices": [3, 3]}, 422, "params.validation.indices"),
    ({"indices": [1], "dataset_id": "x"}, 422, "params.validation"),
])
def test_validation_data_is_checked_at_the_door(client, alice, bob, model, dataset, validation, status, field):
    validation = {k: dataset["id"] if v == "SELF" else v for k, v in validation.items()}
    for kind in ("probe", "audit", "graft"):
        r = client.post("/v1/jobs", headers=alice, json={"kind": kind, "model_id": model["id"],
                                                         "dataset_id": dataset["id"], "params": {"validation": validation}})
        assert r.status_code == status, r.text
        err = r.json()["error"]
        assert err["field"] == field or any((e["field"] or "").startswith(field) for e in err.get("errors") or []), err


def test_another_owners_data_set_is_not_validation_data(client, bob, dataset, mlp_files, mnist_small):
    from svc_helpers import upload_dataset

    theirs = upload_model(client, bob, mlp_files["safetensors"]).json()
    mine = upload_dataset(client, bob, mnist_small).json()
    r = client.post("/v1/jobs", headers=bob, json={"kind": "probe", "model_id": theirs["id"], "dataset_id": mine["id"],
                                                   "params": {"validation": {"dataset_id": dataset["id"]}}})
    assert r.status_code == 404 and r.json()["error"]["field"] == "params.validation.dataset_id", r.text

