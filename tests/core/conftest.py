"""Fixtures shared by the core tests on real MNIST.

Environment: LATENTGEN_TEST_MNIST [../shared/data/mnist.npz] (the service tests' convention).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from latentgen.corruption import corrupt_labels
from latentgen.data import load_npz
from latentgen.edit import repair_last_layer
from latentgen.train import Recipe, seeded_model, train

ROOT = Path(__file__).resolve().parents[2]
MNIST = Path(os.environ.get("LATENTGEN_TEST_MNIST", ROOT.parent / "shared" / "data" / "mnist.npz"))
N_TRAIN = 5000


def bench_module(name: str):
    """A script of bench/ imported as a module (its short modes run in tests)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def mnist():
    """All of real MNIST as `Splits` (normalised), or a skip when the file is absent."""
    if not MNIST.is_file():
        # CI always has it; elsewhere, say what is missing rather than fail
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            f"real MNIST expected at {MNIST} (set LATENTGEN_TEST_MNIST)")
    return load_npz(MNIST)


@pytest.fixture(scope="session")
def memorized(mnist):
    """The paper's MLP trained on the first 5,000 MNIST images with 40 %-shuffled labels until it
    fits 95 % of them (~2 min on 2 cores), and its last-layer repair. Seeded: data order, init and
    corruption."""
    splits = mnist.subset(N_TRAIN, None)
    labels = corrupt_labels(splits.y_train, p=0.4, num_classes=10, seed=0)
    model = seeded_model("mlp", splits.input_shape, 10, seed=0)
    result = train(model, splits, labels, Recipe("adam", 1e-3, batch_size=128), seed=0,
                   max_epochs=150, target_train_acc=0.95, device="cpu")
    edited, report = repair_last_layer(model, splits.x_train, labels.labels, device="cpu")
    return splits, labels, model, result, edited, report
