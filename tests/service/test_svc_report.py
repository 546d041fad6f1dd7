"""Reports of real jobs of every kind: the worker draws one per succeeded job, kept as its `report`
artifact and served at GET /v1/jobs/{id}/report, which a browser opens as it is (headless Chromium:
drawn, its tables and figures there, no request, no error)."""

from __future__ import annotations

import pytest
from svc_helpers import upload_dataset, wait_job

from latentgen.html_report import CSP, SUSPICIOUS_LISTED, percent


def run_job(client, alice, body: dict) -> tuple[dict, dict]:
    r = client.post("/v1/jobs", headers=alice, json=body)
    assert r.status_code == 202, r.text
    job = wait_job(client, alice, r.json()["id"], timeout=300)
    assert job["status"] == "succeeded", job
    return job, client.get(f"/v1/jobs/{job['id']}/result", headers=alice).json()


@pytest.fixture(scope="module")
def jobs(client, alice) -> dict[str, tuple[dict, dict]]:
    """A job of each kind and its result, around a CNN trained for two epochs on the digits source
    (40 % of the labels shuffled)."""
    r = upload_dataset(client, alice, None, spec={"source": "digits", "labels": {"p": 0.4, "seed": 0},
                                                  "options": {"test_size": 300}})
    assert r.status_code == 201, r.text
    dataset = r.json()["id"]
    out = {"train": run_job(client, alice, {"kind": "train", "dataset_id": dataset, "params": {
        "arch": {"name": "cnn"}, "recipe": "adam_fast", "max_epochs": 2, "checkpoint_epochs": [0, 1, 2]}})}
    on_model = {"model_id": out["train"][0]["output_model_id"], "dataset_id": dataset}
    out["probe"] = run_job(client, alice, {"kind": "probe", **on_model, "params": {"probes": ["masc", "linear"],
                                                                                   "layers": ["fc1", "fc2", "fc3"]}})
    out["repair"] = run_job(client, alice, {"kind": "repair", **on_model})
    out["graft"] = run_job(client, alice, {"kind": "graft", **on_model})
    out["audit"] = run_job(client, alice, {"kind": "audit", **on_model, "params": {"folds": 2, "clean": None}})
    out["dynamics"] = run_job(client, alice, {"kind": "dynamics", "train_job_id": out["train"][0]["id"],
                                              "params": {"probes": ["linear"]}})
    out["midway"] = run_job(client, alice, {"kind": "midway", "dataset_id": dataset, "params": {
        "arch": {"name": "cnn"}, "recipe": "adam_fast", "edit_epoch": 1, "total_epochs": 2}})
    return out


def report(client, alice, browser, tmp_path, job: dict, result: dict):
    """The job's report as served, checked as every report must be, opened in Chromium."""
    r = client.get(f"/v1/jobs/{job['id']}/report", headers=alice)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["content-disposition"] == 'inline; filename="report.html"'
    assert r.headers["content-security-policy"] == CSP  # what the page declares, enforced from the API too
    (artifact,) = [a for a in result["artifacts"] if a["kind"] == "report"]  # the same bytes, kept
    assert (artifact["name"], artifact["media_type"]) == ("report.html", "text/html")
    assert client.get(f"/v1/artifacts/{artifact['id']}", headers=alice).content == r.content
    v = browser.visit_report(tmp_path / "report.html", r.content)
    assert v.dom["h1"] == f"{job['kind'].capitalize()} job {job['id']}"
    # the data's label noise, drawn last: counts of each true class given each label
    assert v.dom["images"][-1]["alt"] == "the training labels' noise: counts of each true class given each label"
    return v


def test_train_report(client, alice, browser, tmp_path, jobs):
    v = report(client, alice, browser, tmp_path, *jobs["train"])
    assert len(v.dom["images"]) == 2
    (table,) = v.dom["tables"]
    assert table["headings"][:3] == ["epoch", "loss (cross-entropy)", "test"] and table["rows"] == 3  # epochs 0-2


def test_probe_report(client, alice, browser, tmp_path, jobs):
    job, result = jobs["probe"]
    v = report(client, alice, browser, tmp_path, job, result)
    assert len(v.dom["images"]) == 3  # test and validation accuracy per layer, the label noise
    pairs = {(r["layer"], r["probe"]) for r in result["rows"]}
    (table,) = v.dom["tables"]
    assert table["headings"][:4] == ["layer", "probe", "validation", "test"] and table["rows"] == len(pairs)
    best = result["summary"]["best"]
    assert v.dom["highlighted"] == [percent(best["val_acc"]), percent(best["test_acc"])]


@pytest.mark.parametrize("kind, tag", [("repair", "repaired"), ("graft", "grafted")])
def test_repair_and_graft_reports(client, alice, browser, tmp_path, jobs, kind, tag):
    job, result = jobs[kind]
    per_class = result["summary"]["test_per_class"]
    for network in ("model", tag):
        confusion = per_class[network]["confusion"]
        assert len(confusion) == 10 and sum(map(sum, confusion)) == 300  # every test image, once
        assert per_class[network]["accuracy"] == [row[c] / sum(row) for c, row in enumerate(confusion)]
    v = report(client, alice, browser, tmp_path, job, result)
    assert v.dom["sections"][:2] == ["Before and after", "Per class"]
    metrics, classes, *rest = v.dom["tables"]
    assert metrics["headings"] == ["metric", "model", tag, "change"] and metrics["rows"] == 6
    assert classes["headings"] == ["class", "model", tag, "change"] and classes["rows"] == 10
    # before and after, per class, the confusion matrices; a graft's candidate cuts and heads too
    assert len(v.dom["images"]) == {"repair": 4, "graft": 5}[kind]
    if kind == "graft":
        (candidates,) = rest
        assert candidates["rows"] == len({(r["layer"], r["probe"]) for r in result["rows"]
                                          if r["probe"] not in ("model", "grafted")})


def test_audit_report(client, alice, browser, tmp_path, jobs):
    job, result = jobs["audit"]
    v = report(client, alice, browser, tmp_path, job, result)
    flagged = result["summary"]["n_flagged"]
    assert flagged > 0
    # the precision-recall curve (the digits' true labels are known), the estimated noise beside the drawn
    # one, the most suspicious images, the data's noise
    assert len(v.dom["images"]) == 4
    assert v.dom["images"][1]["alt"] == "the label noise the audit estimates, beside the drawn noise when known"
    suspicious, candidates = v.dom["tables"]
    assert suspicious["headings"] == ["example", "given label", "suggested", "suspicion", "true label"]
    assert suspicious["rows"] == min(flagged, SUSPICIOUS_LISTED)
    assert v.dom["images"][2]["alt"].startswith("the most suspicious training images")
    assert candidates["rows"] == len({(r["layer"], r["probe"]) for r in result["summary"]["candidates"]})


def test_dynamics_report(client, alice, browser, tmp_path, jobs):
    job, result = jobs["dynamics"]
    v = report(client, alice, browser, tmp_path, job, result)
    assert len(v.dom["images"]) == 2
    peaks, table = v.dom["tables"]
    assert peaks["headings"][:3] == ["layer", "probe", "peak epoch"]
    assert peaks["rows"] == len(result["summary"]["peaks"])
    assert table["rows"] == len({(r["epoch"], r["layer"], r["probe"]) for r in result["rows"]})


def test_midway_report(client, alice, browser, tmp_path, jobs):
    job, result = jobs["midway"]
    v = report(client, alice, browser, tmp_path, job, result)
    assert len(v.dom["images"]) == 2
    final, table = v.dom["tables"]
    assert final["rows"] == 3 and table["rows"] == len(result["rows"])


def test_report_of_a_job_that_has_none(client, stack):
    from service.core.security import owner_for_key
    from service.models import Job

    key = stack.key("reports")  # an owner of its own: other tests see none of these jobs
    headers = {"Authorization": f"Bearer {key}"}
    with stack.sessionmaker() as db:
        owner_id = owner_for_key(db, key).id
        queued = Job(owner_id=owner_id, kind="probe", status="queued", queue="nowhere", params={})
        # a job that succeeded before reports existed: a result, no report artifact
        older = Job(owner_id=owner_id, kind="probe", status="succeeded", queue="nowhere", params={},
                    result={"rows": [], "summary": {}})
        db.add_all([queued, older])
        db.commit()
        queued_id, older_id = queued.id, older.id

    r = client.get(f"/v1/jobs/{queued_id}/report", headers=headers)
    assert r.status_code == 409 and r.json()["error"]["job_status"] == "queued"
    r = client.get(f"/v1/jobs/{older_id}/report", headers=headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_report"
    assert client.get(f"/v1/jobs/{'0' * 32}/report", headers=headers).json()["error"]["code"] == "not_found"
