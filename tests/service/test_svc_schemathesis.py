"""schemathesis over the whole committed document, every check on (schemathesis.toml), against a
live `latentgen serve`: no server error and no conformance failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from svc_helpers import ROOT, Serve


@pytest.mark.timeout(900)
def test_schemathesis_finds_no_failure(tmp_path):
    serve = Serve(tmp_path / "home", tmp_path / "serve.log").start()
    try:
        st = Path(sys.executable).with_name("st")
        run = subprocess.run(
            [str(st), "--config-file", str(ROOT / "schemathesis.toml"), "run", str(ROOT / "docs" / "openapi.json"),
             "--url", serve.url, "--header", f"Authorization: Bearer {serve.key}", "--checks", "all",
             "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "25", "--seed", "1",
             "--workers", "1", "--no-color", "--generation-database", "none"],
            capture_output=True, text=True, cwd=tmp_path, timeout=840)
    finally:
        serve.stop()
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-20000:]
    summary = out[out.rindex("SUMMARY"):]
    assert "Failures:" not in summary and "Errors:" not in summary, summary
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())
    operations = sum(len(item) for item in document["paths"].values())
    assert f"Tested: {operations}" in summary, summary
