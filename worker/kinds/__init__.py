"""One module per job kind: `run(runner, job, progress, tmp) -> Outcome` reads the job's inputs
through the runner, calls the core, and returns rows, a summary, artifacts and any new record."""

from __future__ import annotations

import importlib
from typing import Callable

KINDS = ("probe", "repair", "train", "dynamics", "midway", "audit", "graft")


def run_kind(kind: str) -> Callable:
    """The `run` function of job kind `kind` (imported on first use: each pulls in torch)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    return importlib.import_module(f"worker.kinds.{kind}").run
