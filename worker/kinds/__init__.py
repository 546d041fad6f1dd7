"""One module per job kind: `run(runner, job, progress, tmp) -> Outcome` reads the job's inputs
through the runner, calls the core, and returns rows, a summary, artifacts and any new record.

A kind that can spread one job over many workers also has `split(runner, job) -> specs | None`
(the parts, JSON each; None: run whole), `run_part(runner, job, spec, progress, tmp) -> PartOutput`
and `merge(runner, job, parts, progress, tmp) -> Outcome` (see worker/fanout.py)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

KINDS = ("probe", "repair", "train", "dynamics", "midway", "audit", "graft")


def kind_module(kind: str) -> ModuleType:
    """The module of job kind `kind` (imported on first use: each pulls in torch)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    return importlib.import_module(f"worker.kinds.{kind}")


def run_kind(kind: str) -> Callable:
    return kind_module(kind).run


def split_kind(kind: str) -> Callable:
    """The kind's `split`; a kind that never spreads runs whole."""
    return getattr(kind_module(kind), "split", lambda runner, job: None)
