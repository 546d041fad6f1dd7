"""Label corruption ("shuffling" with degree p), METHOD.md §2."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CorruptedLabels:
    """Training labels as the model saw them, with the truth kept for evaluation."""

    labels: np.ndarray  # corrupted labels the model is trained on
    true_labels: np.ndarray
    replaced: np.ndarray  # bool: label was redrawn (may equal the true one)
    flipped: np.ndarray  # bool: corrupted label differs from the true one

    @classmethod
    def from_labels(cls, labels, true_labels) -> "CorruptedLabels":
        """Wrap training labels supplied by a user; which were redrawn is unknown, so
        `replaced` is taken to be the flipped set."""
        labels = _as_int_array(labels, "labels")
        true_labels = _as_int_array(true_labels, "true_labels")
        if labels.shape != true_labels.shape:
            raise ValueError(
                f"labels has {labels.shape[0]} entries but true_labels has {true_labels.shape[0]}"
            )
        flipped = labels != true_labels
        return cls(labels, true_labels, flipped.copy(), flipped)

    @property
    def flip_rate(self) -> float:
        return float(self.flipped.mean()) if self.flipped.size else 0.0


def _as_int_array(values, name: str) -> np.ndarray:
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integer class indices, got dtype {array.dtype}")
    return array.astype(np.int64)


def corrupt_labels(labels, p: float, num_classes: int, seed: int) -> CorruptedLabels:
    """Independently with probability `p`, replace each label by a class drawn uniformly
    from all `num_classes` classes. Seeded and reproducible; the input is not modified."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"corruption degree p must lie in [0, 1], got {p}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    true_labels = _as_int_array(labels, "labels")
    if true_labels.size and (true_labels.min() < 0 or true_labels.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes - 1}]")
    rng = np.random.default_rng(seed)
    replaced = rng.random(true_labels.shape[0]) < p
    drawn = rng.integers(0, num_classes, size=true_labels.shape[0])
    noisy = np.where(replaced, drawn, true_labels)
    return CorruptedLabels(noisy, true_labels, replaced, noisy != true_labels)
