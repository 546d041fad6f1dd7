"""The Celery worker application: `celery -A worker.celery_app worker -Q latentgen,gpu`.

Configuration (late acks, reject on worker lost, prefetch 1, visibility timeout) lives in
`service.queue.make_celery`, shared with the API that enqueues.
"""

from service.core.config import get_settings
from service.queue import make_celery

app = make_celery(get_settings())
app.conf.include = ["worker.tasks"]
