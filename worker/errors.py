"""How a job's (or part's) run ends other than with an outcome, and what its row then says."""

from __future__ import annotations

import logging
import re
import traceback

log = logging.getLogger("latentgen.worker")


class JobCanceled(Exception):
    """The run is no longer held: the job was canceled, or its claim reclaimed."""


class JobFailed(Exception):
    """A run that ended with the code and message for its row."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


# the failures no rerun mends
FINAL = ("invalid_input", "time_limit", "resource_exhausted")


def failure(e: Exception, what: str) -> tuple[str, str]:
    """(code, message) for the row of a job (or part) that raised `e`: a run's own end (JobFailed:
    time limit, memory, its process lost); `invalid_input` for bad input, which no retry mends; else
    `internal_error`, whose details stay in the worker's log."""
    if isinstance(e, JobFailed):
        return e.code, e.message
    if isinstance(e, (ValueError, KeyError, FileNotFoundError)):  # DataError is a ValueError
        log.warning("%s failed on its input: %s", what, e)
        return "invalid_input", f"{type(e).__name__}: {e}"
    log.error("%s crashed:\n%s", what, traceback.format_exc())
    return "internal_error", f"the job failed on the server: {type(e).__name__}: {sanitized(e)}"


# what an exception's text may not show its job's owner: paths, credentials in URLs
_PATH = re.compile(r"(?<![\w:/])/(?:[^\s/:'\"]+/)+[^\s/:'\"]*")
_CREDENTIALS = re.compile(r"(\w+://)[^\s/@]+@")


def sanitized(e: Exception) -> str:
    """The exception's text without paths or URL credentials, and, for a database error, without
    its SQL and parameters (its class says enough): the details stay in the worker's log."""
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(e, SQLAlchemyError):
        return "a database error"
    text = _CREDENTIALS.sub(r"\1…@", _PATH.sub("<path>", str(e)))
    return " ".join(text.split())[:500]
