"""The Celery worker application: `celery -A worker.celery_app worker -Q latentgen,gpu`.

Configuration (late acks, reject on worker lost, prefetch 1, visibility timeout) lives in
`service.queue.make_celery`, shared with the API that enqueues.
"""

import os

# before torch is imported in the children: torch's spinning OpenMP waiters starve the BLAS threads
# of scipy's eigendecompositions (see latentgen/__init__.py)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from service.core.config import get_settings  # noqa: E402
from service.queue import make_celery  # noqa: E402

app = make_celery(get_settings())
app.conf.include = ["worker.tasks"]

import worker.heartbeat  # noqa: E402,F401  (registers the heartbeat on worker start)
