"""The HTML report's page as a browser sees it (headless Chromium), for a kind without a section
renderer of its own, and what a renderer that fails falls back to. Every kind's own sections are
checked on real jobs in tests/service/test_svc_report.py."""

from __future__ import annotations

import pytest

from latentgen.html_report import CSP, render_report

JOB = {"id": "0123abcd", "kind": "newkind", "status": "succeeded", "params": {"layer": "<img src=x onerror=alert(1)>"},
       "created_at": "2025-03-01T12:00:00+00:00", "started_at": "2025-03-01T12:00:02+00:00",
       "finished_at": "2025-03-01T12:00:31+00:00",
       "result": {"rows": [{"layer": "fc1", "probe": "linear", "metric": "test_acc", "value": 0.5},
                           {"layer": "fc1", "probe": "linear", "metric": "delta", "value": 1.25}],
                  "summary": {"data": {"n_train": 400, "n_test": 200, "input_shape": [1, 8, 8], "num_classes": 10,
                                       "flip_rate": 0.36},
                              "gain": 0.03, "head": {"name": "<script>alert(1)</script>", "components": 3}}}}


def test_harness_sees_network_requests_and_errors(browser, tmp_path):
    # what the report tests rely on: a request and a console error do not go unnoticed
    path = tmp_path / "leaky.html"
    path.write_text('<img src="http://127.0.0.1:9/pixel.png"><script>console.error("boom")</script>')
    v = browser.visit(path.as_uri())
    assert v.foreign_requests() == ["http://127.0.0.1:9/pixel.png"]
    assert "boom" in v.errors


def test_any_other_kind_gets_its_summary_and_table_and_text_stays_text(browser, tmp_path):
    page = render_report(JOB)
    v = browser.visit_report(tmp_path / "report.html", page)
    assert v.dom["h1"] == "Newkind job 0123abcd"
    assert v.dom["sections"] == ["Summary", "Table", "Data", "Job"]
    (table,) = v.dom["tables"]
    assert table["headings"] == ["layer", "probe", "metric", "value"] and table["rows"] == 2
    assert v.dom["images"] == []  # the hostile <img> of the params is text, not an element
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "50.0 %" in page and "1.25" in page  # a tidy row's value is shown as its metric is


@pytest.mark.parametrize("kind", ["probe", "repair", "graft", "dynamics", "midway", "train"])
def test_a_renderer_that_fails_falls_back_to_the_generic_sections(kind):
    broken = dict(JOB, kind=kind, result={"rows": [{"layer": "x"}], "summary": {}})  # nothing it expects
    page = render_report(broken)
    assert ">Note</h2>" in page and ">Summary</h2>" in page and ">Table</h2>" in page


def test_the_page_forbids_loading_anything():
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in render_report(JOB)
