"""Metrics of METHOD.md §8, for the model itself or any probe, from predicted labels."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from latentgen.corruption import CorruptedLabels
from latentgen.extract import forward_batches
from latentgen.networks import Network

METRICS = ("test_acc", "train_acc_noisy", "train_acc_true", "flipped_acc_true", "flipped_acc_noisy", "unflipped_acc")


def _mean(mask: np.ndarray) -> float:
    return float(mask.mean()) if mask.size else float("nan")


def label_metrics(pred_train, pred_test, labels: CorruptedLabels, y_test) -> dict[str, float]:
    """Test accuracy on true labels; train accuracy on the corrupted and the true labels; on the
    flipped subset, how often the prediction recovers the true label and how often it repeats the
    corrupted one; accuracy on the unflipped subset (where both labels agree)."""
    pred_train, pred_test = np.asarray(pred_train), np.asarray(pred_test)
    y_test = y_test.numpy() if isinstance(y_test, torch.Tensor) else np.asarray(y_test)
    flipped = labels.flipped
    return {
        "test_acc": _mean(pred_test == y_test),
        "train_acc_noisy": _mean(pred_train == labels.labels),
        "train_acc_true": _mean(pred_train == labels.true_labels),
        "flipped_acc_true": _mean(pred_train[flipped] == labels.true_labels[flipped]),
        "flipped_acc_noisy": _mean(pred_train[flipped] == labels.labels[flipped]),
        "unflipped_acc": _mean(pred_train[~flipped] == labels.labels[~flipped]),
    }


def class_metrics(pred, y, num_classes: int, max_confusion_classes: int = 100) -> dict[str, list | None]:
    """Per true class: `accuracy` (the share of its examples predicted as it; None for a class
    without examples) and the `confusion` counts [true class][predicted class], left out (None)
    above `max_confusion_classes` classes, where its K² numbers outweigh their use."""
    pred, y = np.asarray(pred), np.asarray(y)
    k = max(num_classes, int(pred.max(initial=-1)) + 1, int(y.max(initial=-1)) + 1)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (y, pred), 1)
    totals = counts.sum(axis=1)
    return {"accuracy": [float(counts[c, c] / totals[c]) if totals[c] else None for c in range(k)],
            "confusion": counts.tolist() if k <= max_confusion_classes else None}


def predict(model: Network | nn.Module, x: torch.Tensor, batch_size: int = 1024, device=None) -> np.ndarray:
    """Predicted classes of `model` on inputs `x`, batched, in eval mode (mode restored after).
    Runs on `device` (CUDA when present unless given)."""
    out = [logits.argmax(1).cpu() for _, logits, _ in forward_batches(model, x, [], batch_size, device)]
    return torch.cat(out).numpy() if out else np.zeros(0, dtype=np.int64)


def accuracy(model: Network | nn.Module, x: torch.Tensor, y, batch_size: int = 1024, device=None) -> float:
    y = y.numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
    return _mean(predict(model, x, batch_size, device) == y)
