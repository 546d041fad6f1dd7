"""The HTML report of every job kind, rendered by headless Chromium: it draws (a screenshot that is
not blank), holds the expected tables and figures, asks for nothing over the network and logs no
error. The jobs' results come from the core run on a small slice of the digits data set."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from latentgen.corruption import corrupt_labels
from latentgen.data import load_digits
from latentgen.dynamics import probe_checkpoints
from latentgen.edit import repair_last_layer
from latentgen.html_report import CSP, percent, render_report
from latentgen.metrics import class_metrics, label_metrics, predict
from latentgen.report import probe_model
from latentgen.train import Recipe, midway, train

FAST = Recipe("adam", 3e-3, batch_size=32)
LAYERS = ["2", "4"]


def small_mlp() -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, 48), nn.ReLU(), nn.Linear(48, 10))


def job(kind: str, rows: list[dict], summary: dict, **params) -> dict:
    return {"id": f"{kind}-job", "kind": kind, "status": "succeeded", "params": params,
                  "created_at": "2025-03-01T12:00:00+00:00", "started_at": "2025-03-01T12:00:02+00:00",
                  "finished_at": "2025-03-01T12:00:31+00:00", "result": {"rows": rows, "summary": summary}}


@pytest.fixture(scope="module")
def jobs() -> dict[str, dict]:
    """A job of each kind, its result as the worker stores it, from a 4-epoch run on 400 digits."""
    splits = load_digits().subset(400, 200)
    labels = corrupt_labels(splits.y_train, 0.4, splits.num_classes, seed=0)
    data = {"n_train": 400, "n_test": 200, "input_shape": [1, 8, 8], "num_classes": 10, "flip_rate": labels.flip_rate}
    model = small_mlp()
    run = train(model, splits, labels, FAST, max_epochs=4, target_train_acc=None, checkpoint_epochs=[0, 2, 4])
    probe_rows = probe_model(model, splits, labels, layers=LAYERS)
    best = max((r for r in probe_rows if r["metric"] == "test_acc" and r["probe"] != "model"), key=lambda r: r["value"])
    model_acc = next(r["value"] for r in probe_rows if r["metric"] == "test_acc" and r["probe"] == "model")
    dynamics = probe_checkpoints(small_mlp, run.checkpoints, splits, labels, layers=LAYERS, probes=("linear",))
    repaired, report = repair_last_layer(model, splits.x_train, labels.labels)
    repair_rows, metrics, per_class = [], {}, {}
    for tag, net in (("model", model), ("repaired", repaired)):
        pred_test = predict(net, splits.x_test)
        metrics[tag] = label_metrics(predict(net, splits.x_train), pred_test, labels, splits.y_test)
        per_class[tag] = class_metrics(pred_test, splits.y_test.numpy(), splits.num_classes)
        repair_rows += [{"layer": "4" if tag == "repaired" else "model", "probe": tag, "metric": k, "value": v}
                        for k, v in metrics[tag].items()]
    arms = midway(small_mlp, splits, labels, FAST, edit_epoch=2, total_epochs=4)
    return {
        "probe": job("probe", probe_rows, {"data": data, "model_test_acc": model_acc, "note": "for reporting only",
                                           "best_test": {"layer": best["layer"], "probe": best["probe"],
                                                         "test_acc": best["value"]}}),
        "repair": job("repair", repair_rows, {
            "data": data, "model_test_acc": metrics["model"]["test_acc"],
            "repaired_test_acc": metrics["repaired"]["test_acc"],
            "gain": metrics["repaired"]["test_acc"] - metrics["model"]["test_acc"], "repair": report.to_dict(),
            "test_per_class": per_class}, bias="zero"),
        "train": job("train", run.history, {"data": data, "arch": {"name": "mlp"}, "recipe": "adam", "epochs_run": 4,
                                            "stopped_reason": "max_epochs", "final": run.history[-1],
                                            "checkpoint_epochs": [0, 2, 4]}),
        "dynamics": job("dynamics", dynamics.table, {"data": data, "peaks": dynamics.peaks(), "epochs": [0, 2, 4],
                                                     "train_job_id": "train-job", "note": "peaks on the test set"}),
        "midway": job("midway", arms.rows, {"data": data, "arch": {"name": "mlp"}, "recipe": "adam", "edit_epoch": 2,
                                            "total_epochs": 4, "repair": arms.report.to_dict(),
                                            "final": {a: getattr(arms, a)[-1] for a in ("pre_edit", "repaired", "control")}}),
        # a kind without a section renderer of its own (graft, audit, anything new) and hostile text
        "graft": job("graft", [{"layer": "4", "probe": "grafted", "metric": "test_acc", "value": 0.5},
                               {"layer": "4", "probe": "grafted", "metric": "delta", "value": 1.25}],
                     {"data": data, "gain": 0.03, "head": {"layer": "<script>alert(1)</script>", "components": 3}},
                     layer="<img src=x onerror=alert(1)>"),
    }


def visit(browser, tmp_path, page: str):
    return browser.visit_report(tmp_path / "report.html", page)


def test_harness_sees_network_requests_and_errors(browser, tmp_path):
    # what the report tests rely on: a request and a console error do not go unnoticed
    path = tmp_path / "leaky.html"
    path.write_text('<img src="http://127.0.0.1:9/pixel.png"><script>console.error("boom")</script>')
    v = browser.visit(path.as_uri())
    assert v.foreign_requests() == ["http://127.0.0.1:9/pixel.png"]
    assert "boom" in v.errors


def test_probe_report(browser, jobs, tmp_path):
    v = visit(browser, tmp_path, render_report(jobs["probe"]))
    assert v.dom["h1"] == "Probe job probe-job"
    assert v.dom["sections"][:2] == ["Result", "Table"]
    assert len(v.dom["images"]) == 1
    (table,) = v.dom["tables"]
    assert table["headings"][:3] == ["layer", "probe", "test"]
    assert table["rows"] == 1 + len(LAYERS) * 2  # the model, and masc and linear on each layer
    assert v.dom["highlighted"] == [percent(jobs["probe"]["result"]["summary"]["best_test"]["test_acc"])]


def test_repair_report(browser, jobs, tmp_path):
    v = visit(browser, tmp_path, render_report(jobs["repair"]))
    assert v.dom["sections"][:3] == ["Before and after", "Per class", "Edit"]
    assert len(v.dom["images"]) == 3  # before and after, per class, confusion matrices
    metrics, classes = v.dom["tables"]
    assert metrics["headings"] == ["metric", "model", "repaired", "change"] and metrics["rows"] == 6
    assert classes["headings"] == ["class", "model", "repaired", "change"] and classes["rows"] == 10


def test_train_report(browser, jobs, tmp_path):
    v = visit(browser, tmp_path, render_report(jobs["train"]))
    assert len(v.dom["images"]) == 1
    (table,) = v.dom["tables"]
    assert table["headings"][:3] == ["epoch", "loss (cross-entropy)", "test"]
    assert table["rows"] == 5  # epochs 0..4


def test_dynamics_report(browser, jobs, tmp_path):
    v = visit(browser, tmp_path, render_report(jobs["dynamics"]))
    assert len(v.dom["images"]) == 1
    peaks, table = v.dom["tables"]
    assert peaks["headings"][:3] == ["layer", "probe", "peak epoch"] and peaks["rows"] == len(LAYERS) + 1
    assert table["rows"] == 3 * (len(LAYERS) + 1)  # three checkpoints of each (layer, probe) and of the model


def test_midway_report(browser, jobs, tmp_path):
    v = visit(browser, tmp_path, render_report(jobs["midway"]))
    assert len(v.dom["images"]) == 1
    final, table = v.dom["tables"]
    assert final["rows"] == 3 and table["rows"] == len(jobs["midway"]["result"]["rows"])


def test_any_other_kind_gets_its_summary_and_table_and_text_stays_text(browser, jobs, tmp_path):
    page = render_report(jobs["graft"])
    v = visit(browser, tmp_path, page)
    assert v.dom["sections"] == ["Summary", "Table", "Data", "Job"]
    (table,) = v.dom["tables"]
    assert table["headings"] == ["layer", "probe", "metric", "value"] and table["rows"] == 2
    assert v.dom["images"] == []  # the hostile <img> of the params is text, not an element
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_renderer_that_fails_falls_back_to_the_generic_sections(jobs):
    broken = dict(jobs["probe"], result={"rows": [{"layer": "x"}], "summary": {}})  # rows without a metric
    page = render_report(broken)
    assert ">Note</h2>" in page and ">Summary</h2>" in page and ">Table</h2>" in page


def test_the_page_forbids_loading_anything(jobs):
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in render_report(jobs["train"])
