"""The published procedure, written out plainly as its code does it: the reference that the
benchmarks (bench/probes.py, bench/pipeline.py) time ours against, in the same run.

* extraction: one image at a time through the model with forward hooks, optionally one pickle
  file per image and layer, read back and stacked per layer;
* fit, per class: the class data stacked with its negatives, `np.cov` (float64), full
  `np.linalg.eigh`, k_c = 1 + #{j: cumulative variance share ≤ τ}, P_c = the top k_c eigenvectors;
  the linear probe's row is the top eigenvector, signed by its mean projection over all N;
* predict: the minimum angle, by `arccos` of cos θ_c = ‖P_c h‖ / ‖h‖ (MASC), argmax W h (linear).

`threads` is OpenBLAS's thread count for the reference (see docs/benchmarks.md, "Fairness").
"""

from __future__ import annotations

import os
import pickle
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits


def fit(H: np.ndarray, y: np.ndarray, classes, variance: float = 0.99, threads: int = 1):
    """Per class c in `classes`: P[c] (k_c × d), k[c], the linear probe's row W[c]; and the
    seconds each class took."""
    mean_all = H.mean(0, dtype=np.float64)
    P, k, W, per_class = {}, {}, {}, []
    with threadpool_limits(threads, user_api="blas"):
        for c in classes:
            t = time.perf_counter()
            X = H[y == c].astype(np.float64)
            Xa = np.vstack([X, -X])
            C = np.cov(Xa, rowvar=False)
            values, vectors = np.linalg.eigh(C)
            values, vectors = values[::-1], vectors[:, ::-1]
            share = np.cumsum(np.clip(values, 0, None)) / np.clip(values, 0, None).sum()
            k[c] = min(1 + int((share <= variance).sum()), int((values > 0).sum()))
            P[c] = np.ascontiguousarray(vectors[:, : k[c]].T)
            v = vectors[:, 0]
            W[c] = -v if v @ mean_all < 0 else v
            per_class.append(time.perf_counter() - t)
    return P, k, W, per_class


def predict_masc(P: dict, H: np.ndarray, threads: int = 1, chunk: int = 2048) -> np.ndarray:
    """The class (a key of P) whose subspace makes the smallest angle with each row, float64."""
    classes = list(P)
    out = []
    with threadpool_limits(threads, user_api="blas"):
        for i in range(0, len(H), chunk):
            h = H[i:i + chunk].astype(np.float64)
            norms = np.maximum(np.linalg.norm(h, axis=1), np.finfo(np.float64).tiny)
            cos = np.stack([np.linalg.norm(h @ P[c].T, axis=1) / norms for c in classes], 1)
            out.append(np.arccos(np.clip(cos, -1.0, 1.0)).argmin(1))
    return np.array(classes)[np.concatenate(out)]


def predict_linear(W: dict, H: np.ndarray, threads: int = 1) -> np.ndarray:
    classes = list(W)
    M = np.stack([W[c] for c in classes])
    with threadpool_limits(threads, user_api="blas"):
        return np.array(classes)[(H.astype(np.float64) @ M.T).argmax(1)]


def extract_per_image(model: torch.nn.Module, x: torch.Tensor, layers, directory: str | None = None):
    """One forward pass per image with hooks on `layers`. With `directory`, each image's output at
    each layer is pickled to its own file `directory/layer/i.pkl` (the published extraction) and
    nothing is returned; else {layer: (n, d) float32 array}."""
    from latentgen.extract import capture

    kept = {name: [] for name in layers}
    index = [0]

    def sink(name, output):
        array = output.detach().flatten(1).clone().numpy()
        if directory is None:
            kept[name].append(array)
        else:
            with open(os.path.join(directory, name, f"{index[0]}.pkl"), "wb") as f:
                pickle.dump(array, f)

    if directory is not None:
        for name in layers:
            os.makedirs(os.path.join(directory, name), exist_ok=True)
    model.eval()
    with torch.no_grad(), capture(model, layers, sink):
        for i in range(len(x)):
            index[0] = i
            model(x[i:i + 1])
    return None if directory is not None else {name: np.concatenate(v) for name, v in kept.items()}


def load_per_image(directory: str, layers, n: int) -> dict[str, np.ndarray]:
    """The pickled per-image outputs of `extract_per_image`, stacked per layer."""
    out = {}
    for name in layers:
        rows = []
        for i in range(n):
            with open(os.path.join(directory, name, f"{i}.pkl"), "rb") as f:
                rows.append(pickle.load(f))
        out[name] = np.concatenate(rows)
    return out
