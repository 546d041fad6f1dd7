"""The API's housekeeping thread: jobs whose worker died are queued again (leases), and staged
uploads left by a process that died are removed. Runs in every API process; each step is safe to
run concurrently."""

from __future__ import annotations

import logging
import threading

from .core.config import Settings
from .requeue import reclaim_expired
from .storage import sweep_staging

log = logging.getLogger("latentgen.reaper")


class Reaper(threading.Thread):
    def __init__(self, settings: Settings, sessionmaker, celery):
        super().__init__(name="latentgen-reaper", daemon=True)
        self.settings, self.sessionmaker, self.celery = settings, sessionmaker, celery
        self.interval = min(self.settings.job_lease_s / 4, 15.0)
        self._halt = threading.Event()

    def run_once(self) -> None:
        try:
            with self.sessionmaker() as db:
                reclaim_expired(db, self.celery)
            sweep_staging(self.settings.staging_dir, self.settings.stale_upload_s)
        except Exception:  # noqa: BLE001 - a database or broker hiccup: the next round tries again
            log.exception("housekeeping round failed")

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.run_once()

    def stop(self) -> None:
        self._halt.set()
        self.join(5)
