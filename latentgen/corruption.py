"""Label corruption: the paper's uniform "shuffling" with degree p (METHOD.md §2), and the
class-dependent noise models of real annotation (pair flips, a transition matrix). Numpy only, so
the API checks and records noise with the code the workers apply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class CorruptedLabels:
    """Training labels as the model saw them, with the truth kept for evaluation."""

    labels: np.ndarray  # corrupted labels the model is trained on
    true_labels: np.ndarray
    replaced: np.ndarray  # bool: label was redrawn (may equal the true one)
    flipped: np.ndarray  # bool: corrupted label differs from the true one

    @classmethod
    def from_labels(cls, labels, true_labels) -> CorruptedLabels:
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
    return NoiseModel("uniform", p).corrupt(labels, num_classes, seed)


# ---------------------------------------------------------------- noise models

NOISE_KINDS = ("uniform", "pairflip", "transition")
MAX_MATRIX_CLASSES = 100  # a transition matrix travels as JSON (larger label sets: upload the labels)

# the asymmetric maps of Patrini et al. 2017, "Making deep neural networks robust to label noise"
CLASS_MAPS: dict[str, tuple[tuple[int, int], ...]] = {
    # truck → automobile, bird → airplane, deer → horse, cat ↔ dog
    "cifar10": ((9, 1), (2, 0), (4, 7), (3, 5), (5, 3)),
    # 2 → 7, 3 → 8, 5 ↔ 6, 7 → 1
    "mnist": ((2, 7), (3, 8), (5, 6), (6, 5), (7, 1)),
}
NEXT_CLASS = "next"  # c → c + 1 mod K, the pair flip of Han et al. 2018 (co-teaching)
ROW_SUM_TOLERANCE = 1e-6


class NoiseSpecError(ValueError):
    """A noise model that cannot be applied; `field` names the part at fault (`p`, `class_map.2`,
    `matrix.3`…), relative to the noise spec."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NoiseModel:
    """How a data set's training labels are corrupted, independently per example and seeded.

    - `uniform` (the paper's): with probability `p` the label is redrawn uniformly from all K classes
      (so it changes with probability p (K − 1) / K).
    - `pairflip`: with probability `p` a label of class c becomes its partner class; classes without a
      partner keep their labels. `class_map` is a preset (`cifar10`, `mnist`: Patrini et al.'s
      asymmetric maps; `next`: c → c + 1 mod K) or (from, to) pairs.
    - `transition`: a label of class i becomes j with probability `matrix[i][j]` (rows sum to 1).
    """
    kind: str = "uniform"
    p: float | None = None
    class_map: str | tuple[tuple[int, int], ...] | None = None
    matrix: tuple[tuple[float, ...], ...] | None = None

    def __post_init__(self):
        if self.kind not in NOISE_KINDS:
            raise NoiseSpecError(f"noise must be one of {', '.join(NOISE_KINDS)}, got {self.kind!r}", "noise")
        if self.kind == "transition":
            if self.p is not None:
                raise NoiseSpecError("p is for uniform and pairflip noise; a transition matrix gives the rates itself", "p")
            if self.matrix is None:
                raise NoiseSpecError("transition noise needs its matrix (K rows of K probabilities)", "matrix")
        else:
            if self.p is None or not 0.0 <= float(self.p) <= 1.0:
                raise NoiseSpecError(f"{self.kind} noise needs p in [0, 1], got {self.p}", "p")
            object.__setattr__(self, "p", float(self.p))
            if self.matrix is not None:
                raise NoiseSpecError("matrix is for transition noise", "matrix")
        if self.kind != "pairflip" and self.class_map is not None:
            raise NoiseSpecError("class_map is for pairflip noise", "class_map")
        if self.kind == "pairflip":
            object.__setattr__(self, "class_map", _checked_map(NEXT_CLASS if self.class_map is None else self.class_map))
        if self.matrix is not None:
            object.__setattr__(self, "matrix", _checked_matrix(self.matrix))

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> NoiseModel:
        """A stored or sent noise spec ({"noise", "p", "class_map", "matrix"}); records without
        `noise` are the paper's uniform corruption."""
        class_map = spec.get("class_map")
        if isinstance(class_map, (list, tuple)):
            class_map = tuple(tuple(pair) for pair in class_map)
        matrix = spec.get("matrix")
        return cls(spec.get("noise") or "uniform", spec.get("p"), class_map,
                   None if matrix is None else tuple(tuple(row) for row in matrix))

    def to_dict(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"noise": self.kind}
        if self.p is not None:
            spec["p"] = self.p
        if self.class_map is not None:
            spec["class_map"] = self.class_map if isinstance(self.class_map, str) else [list(p) for p in self.class_map]
        if self.matrix is not None:
            spec["matrix"] = [list(row) for row in self.matrix]
        return spec

    def check_classes(self, num_classes: int) -> None:
        """Refuse a model that does not fit K classes: a class map naming a class ≥ K, a matrix of
        another size."""
        if num_classes < 2 and not (self.kind != "transition" and self.p == 0):
            raise NoiseSpecError(f"label noise needs at least 2 classes, the data set has {num_classes}", "noise")
        if self.kind == "pairflip" and not isinstance(self.class_map, str):
            for i, (a, b) in enumerate(self.class_map):
                if max(a, b) >= num_classes:
                    raise NoiseSpecError(f"class_map pair {i} ({a} → {b}) names a class beyond the data set's "
                                         f"{num_classes} (0 to {num_classes - 1})", f"class_map.{i}")
        if self.kind == "pairflip" and self.class_map in CLASS_MAPS and num_classes < 10:
            raise NoiseSpecError(f"class_map {self.class_map!r} maps 10 classes, the data set has {num_classes}", "class_map")
        if self.matrix is not None and len(self.matrix) != num_classes:
            raise NoiseSpecError(f"matrix is {len(self.matrix)} × {len(self.matrix)} but the data set has "
                                 f"{num_classes} classes", "matrix")

    def partners(self, num_classes: int) -> np.ndarray:
        """pairflip: each class's partner (itself where it has none)."""
        partner = np.arange(num_classes)
        if self.class_map == NEXT_CLASS:
            return (partner + 1) % num_classes
        for a, b in CLASS_MAPS[self.class_map] if isinstance(self.class_map, str) else self.class_map:
            partner[a] = b
        return partner

    def transition(self, num_classes: int) -> np.ndarray:
        """The K × K matrix T[i, j] = P(given label j | true class i) the model draws from."""
        self.check_classes(num_classes)
        if self.kind == "transition":
            return np.asarray(self.matrix, dtype=np.float64)
        if self.kind == "uniform":
            return (1 - self.p) * np.eye(num_classes) + self.p / num_classes
        t = np.eye(num_classes)
        partner = self.partners(num_classes)
        moved = np.flatnonzero(partner != np.arange(num_classes))
        t[moved, moved] = 1 - self.p
        t[moved, partner[moved]] = self.p
        return t

    def expected_rate(self, num_classes: int) -> float:
        """The share of labels changed when the classes are equally frequent."""
        return float(1 - np.trace(self.transition(num_classes)) / num_classes)

    def corrupt(self, labels, num_classes: int, seed: int) -> CorruptedLabels:
        """The labels corrupted by this model, seeded and reproducible; the input is not modified."""
        self.check_classes(num_classes)
        true_labels = _as_int_array(labels, "labels")
        if true_labels.size and (true_labels.min() < 0 or true_labels.max() >= num_classes):
            raise ValueError(f"labels must lie in [0, {num_classes - 1}]")
        rng = np.random.default_rng(seed)
        if self.kind == "uniform":
            replaced = rng.random(true_labels.shape[0]) < self.p
            drawn = rng.integers(0, num_classes, size=true_labels.shape[0])
            noisy = np.where(replaced, drawn, true_labels)
            return CorruptedLabels(noisy, true_labels, replaced, noisy != true_labels)
        u = rng.random(true_labels.shape[0])
        if self.kind == "pairflip":
            partner = self.partners(num_classes)
            replaced = (u < self.p) & (partner[true_labels] != true_labels)
            noisy = np.where(replaced, partner[true_labels], true_labels)
        else:
            # inverse CDF per row; dividing by the row's total keeps trailing zero-probability classes unreachable
            cdf = np.cumsum(self.transition(num_classes), axis=1)
            cdf /= cdf[:, -1:]
            noisy = true_labels.copy()
            for c in np.unique(true_labels):
                at = np.flatnonzero(true_labels == c)
                noisy[at] = np.searchsorted(cdf[c], u[at], side="right")
            replaced = noisy != true_labels
        return CorruptedLabels(noisy, true_labels, replaced, noisy != true_labels)

    def describe(self) -> str:
        """In words, as summaries and reports say it."""
        if self.kind == "uniform":
            return f"uniform: each label redrawn from all classes with probability {self.p:g}"
        if self.kind == "pairflip":
            if isinstance(self.class_map, str):
                named = {"cifar10": "CIFAR-10's (truck → automobile, bird → airplane, deer → horse, cat ↔ dog)",
                         "mnist": "MNIST's (2 → 7, 3 → 8, 5 ↔ 6, 7 → 1)", NEXT_CLASS: "c → c + 1"}[self.class_map]
                return f"pair flip with probability {self.p:g}, class map {named}"
            pairs = ", ".join(f"{a} → {b}" for a, b in self.class_map)
            return f"pair flip with probability {self.p:g}, class map {pairs}"
        return f"transition matrix over {len(self.matrix)} classes"


def _checked_map(class_map) -> str | tuple[tuple[int, int], ...]:
    if isinstance(class_map, str):
        if class_map not in (*CLASS_MAPS, NEXT_CLASS):
            raise NoiseSpecError(f"class_map names a preset ({', '.join((*CLASS_MAPS, NEXT_CLASS))}) or gives "
                                 f"[from, to] pairs, got {class_map!r}", "class_map")
        return class_map
    pairs = []
    if not class_map:
        raise NoiseSpecError("class_map needs at least one [from, to] pair", "class_map")
    for i, pair in enumerate(class_map):
        if len(pair) != 2 or not all(isinstance(c, (int, np.integer)) and not isinstance(c, bool) and c >= 0 for c in pair):
            raise NoiseSpecError(f"class_map pair {i} must be [from, to], two class indices ≥ 0, got {list(pair)}",
                                 f"class_map.{i}")
        a, b = int(pair[0]), int(pair[1])
        if a == b:
            raise NoiseSpecError(f"class_map pair {i} maps class {a} to itself", f"class_map.{i}")
        if any(a == seen for seen, _ in pairs):
            raise NoiseSpecError(f"class_map pair {i} gives class {a} a second partner", f"class_map.{i}")
        pairs.append((a, b))
    return tuple(pairs)


def _checked_matrix(matrix) -> tuple[tuple[float, ...], ...]:
    k = len(matrix)
    if not 2 <= k <= MAX_MATRIX_CLASSES:
        raise NoiseSpecError(f"matrix needs 2 to {MAX_MATRIX_CLASSES} rows (one per class), got {k}", "matrix")
    rows = []
    for i, row in enumerate(matrix):
        values = np.asarray(row, dtype=np.float64) if len(row) == k else None
        if values is None:
            raise NoiseSpecError(f"matrix must be square: row {i} has {len(row)} entries, not {k}", f"matrix.{i}")
        if not np.isfinite(values).all() or (values < 0).any() or (values > 1).any():
            raise NoiseSpecError(f"matrix row {i} must hold probabilities in [0, 1]", f"matrix.{i}")
        if abs(values.sum() - 1) > ROW_SUM_TOLERANCE:
            raise NoiseSpecError(f"matrix row {i} sums to {values.sum():.6g}, not 1", f"matrix.{i}")
        rows.append(tuple(float(v) for v in values))
    return tuple(rows)


def noise_counts(true_labels: np.ndarray, labels: np.ndarray, num_classes: int) -> np.ndarray:
    """K × K counts[true][given] of two label arrays."""
    k = num_classes
    return np.bincount(np.asarray(true_labels) * k + np.asarray(labels), minlength=k * k).reshape(k, k)


def realised_noise(labels: CorruptedLabels, num_classes: int, top: int = 5,
                   max_counts: int = MAX_MATRIX_CLASSES) -> dict[str, Any]:
    """What the labels' noise turned out to be: the share changed, the K × K counts of (true class, given
    label) when K ≤ `max_counts`, and the `top` most frequent changes."""
    k = num_classes
    counts = noise_counts(labels.true_labels, labels.labels, k)
    off = counts.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off, axis=None, kind="stable")[:top]
    sizes = counts.sum(axis=1)
    changes = [{"true": int(t), "given": int(g), "count": int(off[t, g]), "share_of_class": float(off[t, g] / sizes[t])}
               for t, g in zip(*np.unravel_index(order, off.shape)) if off[t, g]]
    return {"rate": labels.flip_rate, "changes": changes, **({"counts": counts.tolist()} if k <= max_counts else {})}
