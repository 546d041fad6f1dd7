"""Fixtures shared by the core tests.

`memorized`: on real MNIST (first 5,000 training images, p = 0.4), the paper's MLP trained until it
fits 95% of the corrupted labels, and its last-layer repair. Trained once per session (minutes on
2 cores); deterministic: seeded data order, init and corruption."""

from pathlib import Path

import pytest

from latentgen.corruption import corrupt_labels
from latentgen.data import load_npz
from latentgen.edit import repair_last_layer
from latentgen.train import Recipe, seeded_model, train

MNIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist.npz"
N_TRAIN = 5000


@pytest.fixture(scope="session")
def memorized():
    if not MNIST.is_file():
        pytest.skip(f"real MNIST expected at {MNIST}")
    splits = load_npz(MNIST).subset(N_TRAIN, None)
    labels = corrupt_labels(splits.y_train, p=0.4, num_classes=10, seed=0)
    model = seeded_model("mlp", splits.input_shape, 10, seed=0)
    result = train(model, splits, labels, Recipe("adam", 1e-3, batch_size=128), seed=0,
                   max_epochs=150, target_train_acc=0.95, device="cpu")
    edited, report = repair_last_layer(model, splits.x_train, labels.labels, device="cpu")
    return splits, labels, model, result, edited, report
