"""On real MNIST, the default MASCProbe reproduces the published procedure (issue 12): the same
k_c and the same predictions as a plain float64 implementation of it, written out here, on the
input layer (pixels of the first 10,000 training images, 40 %-shuffled labels) and on the hidden
layers of the paper's MLP after it memorized (the shared `memorized` fixture)."""

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits

from latentgen.corruption import corrupt_labels
from latentgen.extract import extract
from latentgen.probes import MASCProbe

VARIANCE = 0.99
MIN_AGREEMENT = 0.999


def published_masc(H_train: np.ndarray, y: np.ndarray, H_test: np.ndarray, num_classes: int = 10):
    """The published procedure, float64: per class, the covariance of its data stacked with its
    negatives, the full eigendecomposition, k_c = 1 + #{j: cumulative variance share ≤ τ}, P_c the
    top k_c eigenvectors; each test row goes to the class whose subspace makes the smallest angle.
    One BLAS thread: several spin against each other on a shared 2-core machine."""
    k, P = [], []
    with threadpool_limits(1, user_api="blas"):
        for c in range(num_classes):
            X = H_train[y == c].astype(np.float64)
            values, vectors = np.linalg.eigh(np.cov(np.vstack([X, -X]), rowvar=False))
            values, vectors = values[::-1], vectors[:, ::-1]
            k.append(1 + int((np.cumsum(values) / values.sum() <= VARIANCE).sum()))
            P.append(vectors[:, :k[-1]].T)
        h = H_test.astype(np.float64)
        cos = np.stack([np.linalg.norm(h @ Pc.T, axis=1) for Pc in P], 1) / np.linalg.norm(h, axis=1, keepdims=True)
    return np.array(k), np.argmin(np.arccos(np.clip(cos, -1.0, 1.0)), axis=1)


def assert_reproduces_the_published_procedure(H_train: torch.Tensor, y: np.ndarray, H_test: torch.Tensor):
    k_ref, pred_ref = published_masc(H_train.numpy(), y, H_test.numpy())
    probe = MASCProbe(variance=VARIANCE).fit(H_train, y, num_classes=10)
    assert probe.k_.tolist() == k_ref.tolist()
    pred = probe.predict(H_test)
    differ = int((pred != pred_ref).sum())
    assert 1 - differ / len(pred) >= MIN_AGREEMENT, f"{differ} of {len(pred)} predictions differ"


def test_default_masc_reproduces_the_published_procedure_on_mnist_pixels(mnist):
    splits = mnist.subset(10_000, None)
    labels = corrupt_labels(splits.y_train, p=0.4, num_classes=10, seed=0)
    assert_reproduces_the_published_procedure(splits.x_train.flatten(1), labels.labels, splits.x_test.flatten(1))


@pytest.fixture(scope="module")
def hidden_layers(memorized):
    splits, labels, model, *_ = memorized
    layers = list(model.probe_layers)
    return (extract(model, splits.x_train, layers, device="cpu"), labels.labels,
            extract(model, splits.x_test, layers, device="cpu"))


@pytest.mark.slow
@pytest.mark.parametrize("layer", ["fc1", "fc2", "fc3", "fc4"])
def test_default_masc_reproduces_the_published_procedure_on_the_memorized_mlp(hidden_layers, layer):
    train, y, test = hidden_layers
    assert_reproduces_the_published_procedure(train[layer], y, test[layer])
