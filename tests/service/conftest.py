"""Fixtures for the service tests: real Postgres, real Redis, a real Celery worker process and
moto's S3 server on loopback, all started (and stopped) here, so CI only runs pytest.

Environment (defaults in brackets):
  LATENTGEN_TEST_POSTGRES_URL  [postgresql+psycopg://postgres@127.0.0.1:5432/test]  a server where we may CREATE DATABASE
  LATENTGEN_TEST_REDIS_URL     [redis://127.0.0.1:6379/0]
  LATENTGEN_TEST_MNIST         [../shared/data/mnist.npz]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # svc_helpers, whatever pytest's import mode

from svc_helpers import (MNIST, P, PG_URL, REDIS_URL, SEED, Stack, WorkerProcess, _reachable,
                         drop_queues, fresh_database, free_port, upload_dataset, upload_model)


@pytest.fixture(scope="session")
def pg_url() -> str:
    from sqlalchemy.engine import make_url

    u = make_url(PG_URL)
    if not _reachable(u.host or "127.0.0.1", u.port or 5432):
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL} (set LATENTGEN_TEST_POSTGRES_URL)")
    return PG_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    from urllib.parse import urlparse

    u = urlparse(REDIS_URL)
    if not _reachable(u.hostname or "127.0.0.1", u.port or 6379):
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (set LATENTGEN_TEST_REDIS_URL)")
    return REDIS_URL


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    """moto's S3 server as a separate process on loopback."""
    import urllib.request

    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=2)
            break
        except Exception:  # noqa: BLE001
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto server did not start; see {log.name}")
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, pg_url, redis_url, s3_endpoint) -> Iterator[Stack]:
    """Postgres (fresh database, migrated) + Redis broker + S3 (moto) + one worker process."""
    from service.core.config import Settings
    from service.db import make_engine, make_sessionmaker
    from service.migrate import upgrade
    from service.storage import make_storage

    uid = uuid.uuid4().hex[:8]
    home = tmp_path_factory.mktemp("stack")
    with fresh_database(pg_url) as db_url:
        upgrade(db_url)
        settings = Settings(
            home=home, database_url=db_url, broker_url=redis_url, storage="s3", s3_endpoint_url=s3_endpoint,
            s3_bucket=f"lgtest-{uid}", s3_access_key_id="test", s3_secret_access_key="test",
            s3_create_bucket=True, queue_default=f"lgtest-{uid}", queue_gpu=f"lgtest-{uid}-gpu",
            max_upload_bytes=64 << 20, data_dir=home / "data", visibility_timeout_s=3600,
            worker_metrics_port=free_port(), worker_metrics_addr="127.0.0.1",
        )
        (home / "data").mkdir()
        make_storage(settings)  # creates the bucket
        worker = WorkerProcess(settings, home / "worker.log", f"test-{uid}")
        worker.start()
        engine = make_engine(db_url)
        try:
            yield Stack(settings, worker, make_sessionmaker(engine))
        finally:
            worker.stop()
            engine.dispose()
            drop_queues(redis_url, [settings.queue_default, settings.queue_gpu])


@pytest.fixture(scope="session")
def app(stack):
    from service.main import create_app

    application = create_app(stack.settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def alice(stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.key('alice')}"}


@pytest.fixture(scope="session")
def bob(stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.key('bob')}"}


@pytest.fixture(scope="session")
def mnist_small(tmp_path_factory) -> Path:
    """The first 1,000 training and 500 test images of the real MNIST, as an npz."""
    if not MNIST.is_file():
        # CI always has it; elsewhere, say what is missing rather than fail
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            f"real MNIST not found at {MNIST}: set LATENTGEN_TEST_MNIST to an mnist.npz")
    with np.load(MNIST) as z:
        arrays = {"x_train": z["x_train"][:1000], "y_train": z["y_train"][:1000],
                  "x_test": z["x_test"][:500], "y_test": z["y_test"][:500]}
    path = tmp_path_factory.mktemp("data") / "mnist_small.npz"
    np.savez(path, **arrays)
    return path


@pytest.fixture(scope="session")
def mlp_files(tmp_path_factory, mnist_small) -> dict[str, Path]:
    """The paper's MLP trained briefly on the corrupted labels (p=0.4, seed 42) of mnist_small,
    saved as safetensors and as a torch state_dict."""
    import torch
    from safetensors.torch import save_file

    from latentgen.corruption import corrupt_labels
    from latentgen.data import load_npz
    from latentgen.train import seeded_model, train

    splits = load_npz(mnist_small)
    labels = corrupt_labels(splits.y_train.numpy(), P, 10, SEED)
    model = seeded_model("mlp", (1, 28, 28), 10, 0)
    train(model, splits, labels, "adam_fast", seed=0, max_epochs=3, target_train_acc=None, device="cpu")
    d = tmp_path_factory.mktemp("weights")
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(d / "mlp.safetensors"))
    torch.save(state, d / "mlp.pt")
    return {"safetensors": d / "mlp.safetensors", "pt": d / "mlp.pt"}


# alice's upload of the MLP of `mlp_files` and of `mnist_small` (p = 0.4 labels), once per test module
@pytest.fixture(scope="module")
def model(client, alice, mlp_files) -> dict:
    r = upload_model(client, alice, mlp_files["safetensors"], name="mlp p=0.4")
    assert r.status_code in (200, 201), r.text
    return r.json()


@pytest.fixture(scope="module")
def dataset(client, alice, mnist_small) -> dict:
    r = upload_dataset(client, alice, mnist_small)
    assert r.status_code == 201, r.text
    return r.json()
