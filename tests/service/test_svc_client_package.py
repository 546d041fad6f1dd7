"""The client package on its own (issue 21): `pip install ./clients/python` into a fresh virtual
environment with nothing else in it gives the `latentgen` client commands and no torch or numpy,
and those commands run a whole journey (upload, train, probe, repair -o, audit, dynamics, report)
against a `latentgen serve` started from the server's own environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from svc_helpers import ROOT, Serve

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


@pytest.fixture(scope="module")
def client_venv(tmp_path_factory) -> Path:
    """A fresh venv holding only the client package, installed from a copy of clients/python (so
    that the build leaves nothing in the checkout). Prints the install's seconds and megabytes."""
    d = tmp_path_factory.mktemp("client")
    source = d / "src"
    shutil.copytree(ROOT / "clients" / "python", source,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    venv = d / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    before = _size_mb(venv)
    started = time.monotonic()
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                              "--disable-pip-version-check", str(source)],
                             capture_output=True, text=True, env=env, cwd=d)
    assert install.returncode == 0, install.stdout + install.stderr
    print(f"\nclient install: {time.monotonic() - started:.1f} s, {_size_mb(venv) - before:.1f} MB "
          f"added to a {before:.1f} MB empty venv")
    return venv


def client_env(venv: Path, serve: Serve) -> dict[str, str]:
    """Only the client venv on PATH; the service by $LATENTGEN_URL, the key found in its home."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LATENTGEN_") and k not in ("PYTHONPATH", "VIRTUAL_ENV", "COLUMNS")}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), "/usr/bin", "/bin"])
    env.update(LATENTGEN_URL=serve.url, LATENTGEN_HOME=str(serve.home))
    return env


def test_the_client_venv_holds_no_torch_numpy_or_server(client_venv):
    python = str(client_venv / "bin" / "python")
    for module in ("torch", "numpy", "latentgen", "service", "worker"):
        run = subprocess.run([python, "-c", f"import {module}"], capture_output=True, text=True, cwd=client_venv)
        assert run.returncode != 0 and "ModuleNotFoundError" in run.stderr, (module, run.stderr)
    helped = subprocess.run([str(client_venv / "bin" / "latentgen"), "--help"], capture_output=True, text=True,
                            check=True, cwd=client_venv).stdout
    for command in ("models", "datasets", "train", "probe", "repair", "audit", "graft", "dynamics", "midway",
                    "jobs", "report"):
        assert re.search(rf"^    {command} ", helped, re.MULTILINE), (command, helped)
    # the server's commands come only with the server package
    assert not re.search(r"^    (serve|worker|migrate|keys) ", helped, re.MULTILINE), helped


@pytest.mark.timeout(900)
def test_a_whole_journey_from_the_client_venv(client_venv, tmp_path):
    from safetensors.numpy import load_file

    serve = Serve(tmp_path / "home", tmp_path / "serve.log").start()
    work = tmp_path / "work"
    work.mkdir()
    env = client_env(client_venv, serve)

    def latentgen(*args: str) -> str:
        run = subprocess.run(["latentgen", *args], cwd=work, env=env, capture_output=True, text=True)
        assert run.returncode == 0, (args, run.stdout, run.stderr)
        assert shutil.which("latentgen", path=env["PATH"]) == str(client_venv / "bin" / "latentgen")
        return run.stdout

    try:
        data = latentgen("datasets", "upload", "--source", "digits", "--corruption", "0.4", "--seed", "0", "-q").strip()
        model = latentgen("train", data, "--arch", "mlp", "--recipe", "adam_fast", "--max-epochs", "3", "-q").strip()
        assert HEX_ID.match(data) and HEX_ID.match(model), (data, model)
        train_job = latentgen("jobs", "list", "--kind", "train", "-q").split()
        assert len(train_job) == 1

        probe = latentgen("probe", model, data)
        assert "◀ best" in probe and "the model itself:" in probe, probe
        probe_job = re.search(r"latentgen report ([0-9a-f]{32})", probe)[1]

        latentgen("repair", model, data, "-o", "repaired.safetensors")
        repaired = load_file(str(work / "repaired.safetensors"))
        assert repaired["classifier.weight"].shape[0] == 10, {k: v.shape for k, v in repaired.items()}

        cleaned = latentgen("audit", model, data, "-q").strip()
        assert cleaned in latentgen("datasets", "list", "-q").split()

        dynamics = latentgen("dynamics", train_job[0], "--probes", "masc")
        assert re.search(r"latentgen report [0-9a-f]{32}", dynamics), dynamics

        latentgen("report", probe_job, "-o", "probe.html")
        assert "<html" in (work / "probe.html").read_text().lower()
    finally:
        serve.stop()
