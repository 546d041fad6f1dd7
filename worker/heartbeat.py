"""Each worker process records that it is alive (the `workers` table), so `/readyz` can say whether
any worker is there to run jobs. Started when Celery says the worker is ready; the row is removed
at a clean shutdown and goes stale (ignored) after a crash."""

from __future__ import annotations

import logging
import threading

from celery.signals import worker_ready, worker_shutdown
from sqlalchemy import delete

from service.core.config import get_settings
from service.db import make_engine, make_sessionmaker
from service.models import Worker, utcnow

log = logging.getLogger("latentgen.worker")
_beat: "Heartbeat | None" = None


class Heartbeat(threading.Thread):
    def __init__(self, name: str, queues: str):
        super().__init__(name="latentgen-heartbeat", daemon=True)
        settings = get_settings()
        self.worker_name, self.queues, self.interval = name[:200], queues[:400], settings.worker_heartbeat_s
        self.engine = make_engine(settings.database_url)
        self.sessions = make_sessionmaker(self.engine)
        self.started_at = utcnow()
        self._halt = threading.Event()

    def beat(self) -> None:
        with self.sessions() as s:
            s.merge(Worker(name=self.worker_name, queues=self.queues, started_at=self.started_at, last_seen=utcnow()))
            s.commit()

    def run(self) -> None:
        while True:
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - the database is back at the next beat
                log.warning("heartbeat failed", exc_info=True)
            if self._halt.wait(self.interval):
                return

    def stop(self) -> None:
        self._halt.set()
        self.join(5)
        with self.sessions() as s:
            s.execute(delete(Worker).where(Worker.name == self.worker_name))
            s.commit()
        self.engine.dispose()


@worker_ready.connect
def _started(sender=None, **_kwargs) -> None:
    global _beat
    try:
        queues = ",".join(sorted(q.name for q in sender.task_consumer.queues))
    except AttributeError:
        queues = ""
    _beat = Heartbeat(getattr(sender, "hostname", "worker"), queues)
    _beat.start()


@worker_shutdown.connect
def _stopped(**_kwargs) -> None:
    if _beat is not None:
        _beat.stop()
