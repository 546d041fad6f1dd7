"""The API's housekeeping thread: jobs whose worker died are queued again (leases), and the staged
uploads of API processes that died are removed. Runs in every API process; each step is safe to
run concurrently."""

from __future__ import annotations

import logging
import threading

from .core.config import Settings
from .requeue import reclaim_expired
from .storage import StagingArea

log = logging.getLogger("latentgen.reaper")


class Reaper(threading.Thread):
    def __init__(self, settings: Settings, sessionmaker, celery, staging: StagingArea):
        super().__init__(name="latentgen-reaper", daemon=True)
        self.settings, self.sessionmaker, self.celery, self.staging = settings, sessionmaker, celery, staging
        self.interval = min(self.settings.job_lease_s / 4, 15.0)
        self._halt = threading.Event()

    def run_once(self) -> None:
        try:
            with self.sessionmaker() as db:
                reclaim_expired(db, self.celery)
            self.staging.sweep()
        except Exception:  # noqa: BLE001 - a database or broker hiccup: the next round tries again
            log.exception("housekeeping round failed")

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.run_once()

    def stop(self) -> None:
        self._halt.set()
        self.join(5)
