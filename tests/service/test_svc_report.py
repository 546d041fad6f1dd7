"""Reports of real jobs: the worker draws one per succeeded job, kept as its `report` artifact and
served at GET /v1/jobs/{id}/report, which a browser opens as it is (headless Chromium here)."""

from __future__ import annotations

import pytest
from svc_helpers import upload_dataset, wait_job

from latentgen.html_report import CSP


@pytest.fixture(scope="module")
def trained(client, alice):
    """A CNN trained for one epoch on the digits source (40 % of the labels shuffled)."""
    r = upload_dataset(client, alice, None, spec={"source": "digits", "labels": {"p": 0.4, "seed": 0},
                                                  "options": {"test_size": 300}})
    assert r.status_code == 201, r.text
    dataset = r.json()
    r = client.post("/v1/jobs", headers=alice, json={"kind": "train", "dataset_id": dataset["id"], "params": {
        "arch": {"name": "cnn"}, "recipe": "adam_fast", "max_epochs": 1, "seed": 0}})
    assert r.status_code == 202, r.text
    job = wait_job(client, alice, r.json()["id"], timeout=300)
    assert job["status"] == "succeeded", job
    return dataset, job


def run_job(client, alice, body: dict) -> dict:
    r = client.post("/v1/jobs", headers=alice, json=body)
    assert r.status_code == 202, r.text
    job = wait_job(client, alice, r.json()["id"], timeout=300)
    assert job["status"] == "succeeded", job
    return job


def fetch_report(client, alice, job_id: str) -> bytes:
    r = client.get(f"/v1/jobs/{job_id}/report", headers=alice)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["content-disposition"] == 'inline; filename="report.html"'
    assert r.headers["content-security-policy"] == CSP  # what the page declares, enforced from the API too
    # the same bytes as the job's report artifact
    (artifact,) = [a for a in client.get(f"/v1/jobs/{job_id}/result", headers=alice).json()["artifacts"]
                   if a["kind"] == "report"]
    assert (artifact["name"], artifact["media_type"]) == ("report.html", "text/html")
    assert client.get(f"/v1/artifacts/{artifact['id']}", headers=alice).content == r.content
    return r.content


def test_train_probe_and_repair_reports(client, alice, trained, browser, tmp_path):
    dataset, train = trained
    model_id = train["output_model_id"]
    probe = run_job(client, alice, {"kind": "probe", "model_id": model_id, "dataset_id": dataset["id"],
                                    "params": {"probes": ["masc", "linear"]}})
    repair = run_job(client, alice, {"kind": "repair", "model_id": model_id, "dataset_id": dataset["id"]})

    v = browser.visit_report(tmp_path / "train.html", fetch_report(client, alice, train["id"]))
    assert v.dom["h1"] == f"Train job {train['id']}" and len(v.dom["images"]) == 1
    assert v.dom["tables"][0]["rows"] == 2  # epochs 0 and 1

    v = browser.visit_report(tmp_path / "probe.html", fetch_report(client, alice, probe["id"]))
    layers = client.get(f"/v1/models/{model_id}/layers", headers=alice).json()
    probed = {r["layer"] for r in client.get(f"/v1/jobs/{probe['id']}/result", headers=alice).json()["rows"]}
    assert len(v.dom["images"]) == 1 and probed - {"model"} <= {layer["name"] for layer in layers}
    assert v.dom["tables"][0]["rows"] == 1 + 2 * (len(probed) - 1)  # the model, and two probes on each layer

    result = client.get(f"/v1/jobs/{repair['id']}/result", headers=alice).json()
    per_class = result["summary"]["test_per_class"]
    for arm in ("model", "repaired"):
        confusion = per_class[arm]["confusion"]
        assert len(confusion) == 10 and sum(map(sum, confusion)) == 300  # every test image, once
        assert per_class[arm]["accuracy"] == [row[c] / sum(row) for c, row in enumerate(confusion)]
    v = browser.visit_report(tmp_path / "repair.html", fetch_report(client, alice, repair["id"]))
    assert v.dom["sections"][:2] == ["Before and after", "Per class"]
    assert len(v.dom["images"]) == 3  # before and after, per class, the two confusion matrices
    assert [t["rows"] for t in v.dom["tables"]] == [6, 10]


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
