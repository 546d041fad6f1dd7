"""Layer-wise representations (METHOD.md §3): batched forward passes of any `Network` (or bare
`nn.Module`) capturing chosen layers (torch: hooks that are always removed, the model in eval
mode, under `torch.inference_mode()`; ONNX: extra graph outputs).

Two forms: `extract` returns the flattened outputs of chosen layers, and `class_statistics`
streams over the data accumulating per class only what the MASC and linear probes need
(second moments, sums, counts), so memory grows with K·d², not with the number of examples.
"""

from __future__ import annotations

from typing import Callable, Iterator, Sequence

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from latentgen.device import resolve_device
from latentgen.networks import Network, as_network
from latentgen.networks.base import INPUT_SUFFIX, LayerInfo  # noqa: F401  (re-exported)
from latentgen.networks.torch_backend import capture  # noqa: F401  (re-exported)

Progress = Callable[[str, int, int], None]


def list_layers(model: Network | nn.Module, input_shape: Sequence[int] | None = None) -> list[LayerInfo]:
    """The network's layers with their types and output shapes (batch dimension excluded), in
    forward order; a bare `nn.Module` needs `input_shape` (see `torch_backend.list_layers`)."""
    return as_network(model, input_shape).layers()


def iter_batches(data, batch_size: int, labels=None) -> Iterator[tuple[torch.Tensor, torch.Tensor | None]]:
    """(inputs, labels) batches from a tensor, a Dataset or a DataLoader, in order. `labels`,
    when given, overrides those the data carries."""
    if isinstance(data, np.ndarray):
        data = torch.from_numpy(data)
    label_tensor = None if labels is None else torch.as_tensor(np.asarray(labels) if not isinstance(labels, torch.Tensor) else labels)
    if isinstance(data, torch.Tensor):
        if label_tensor is not None and len(label_tensor) != len(data):
            raise ValueError(f"{len(label_tensor)} labels for {len(data)} examples")
        for i in range(0, len(data), batch_size):
            yield data[i:i + batch_size], None if label_tensor is None else label_tensor[i:i + batch_size]
        return
    if isinstance(data, Dataset):
        data = DataLoader(data, batch_size=batch_size, shuffle=False)
    if not isinstance(data, DataLoader):
        raise TypeError(f"data must be a tensor, a Dataset or a DataLoader, got {type(data).__name__}")
    seen = 0
    for batch in data:
        x, y = (batch[0], batch[1]) if isinstance(batch, (list, tuple)) else (batch, None)
        if label_tensor is not None:
            y = label_tensor[seen:seen + len(x)]
        seen += len(x)
        yield x, y
    if label_tensor is not None and seen != len(label_tensor):
        raise ValueError(f"{len(label_tensor)} labels for {seen} examples")


def forward_batches(model: Network | nn.Module, data, layers, batch_size=256, device=None, labels=None,
                    progress: Progress | None = None, stage: str = "extract"):
    """Yield (layer outputs flattened to (b, d), logits, labels) per batch, captures removed at the
    end. Runs on `device` (CUDA when present unless given)."""
    total = _length(data)
    done = 0
    if progress:  # the stage shows before the first batch, which can take long (a large network)
        progress(stage, 0, total)
    with as_network(model).capturing(layers, device) as run:
        for x, y in iter_batches(data, batch_size, labels):
            outputs, logits = run(x)
            yield outputs, logits, y
            done += len(x)
            if progress:
                progress(stage, done, total)


def _length(data) -> int:
    if isinstance(data, DataLoader):
        return len(data.dataset)
    return len(data)


def extract(model: Network | nn.Module, data, layers: Sequence[str], batch_size: int = 256, device=None,
            progress: Progress | None = None) -> dict[str, torch.Tensor]:
    """Flattened outputs (n, d), float32 on the CPU, of each named layer over `data`."""
    chunks: dict[str, list[torch.Tensor]] = {name: [] for name in layers}
    for outputs, _logits, _y in forward_batches(model, data, layers, batch_size, device, progress=progress):
        for name in layers:
            chunks[name].append(outputs[name].cpu())
    return {name: torch.cat(parts) for name, parts in chunks.items()}


class ClassStatistics:
    """Per-class uncentered second moments S_c = Σ h hᵀ, sums Σ h and counts, accumulated batch by
    batch. Everything the MASC and linear probes need, in K·d² memory. float64 by default, as the
    published procedure: float32 sums perturb the small eigenvalues enough to move the subspaces."""

    def __init__(self, num_classes: int, dim: int, dtype=torch.float64, device=None):
        device = resolve_device(device)
        self.num_classes, self.dim = num_classes, dim
        self.second_moments = torch.zeros(num_classes, dim, dim, dtype=dtype, device=device)
        self.sums = torch.zeros(num_classes, dim, dtype=dtype, device=device)
        self.counts = torch.zeros(num_classes, dtype=torch.int64, device=device)

    def update(self, h: torch.Tensor, y: torch.Tensor) -> "ClassStatistics":
        h = h.to(self.second_moments.device, self.second_moments.dtype).flatten(1)
        y = torch.as_tensor(y, device=h.device)
        if h.shape[1] != self.dim:
            raise ValueError(f"expected features of dimension {self.dim}, got {h.shape[1]}")
        if len(y) and (int(y.min()) < 0 or int(y.max()) >= self.num_classes):
            raise ValueError(f"labels must lie in [0, {self.num_classes - 1}]")
        order = torch.argsort(y, stable=True)
        h, y = h[order], y[order]
        classes, counts = torch.unique_consecutive(y, return_counts=True)
        for c, part in zip(classes.tolist(), torch.split(h, counts.tolist())):
            self.second_moments[c].addmm_(part.T, part)
            self.sums[c] += part.sum(0)
            self.counts[c] += len(part)
        return self

    def _combined(self, other: "ClassStatistics", sign: int) -> "ClassStatistics":
        if not isinstance(other, ClassStatistics):
            return NotImplemented
        if (other.num_classes, other.dim) != (self.num_classes, self.dim):
            raise ValueError(f"cannot combine statistics of {other.num_classes} classes × {other.dim} features "
                             f"with {self.num_classes} × {self.dim}")
        out = ClassStatistics.__new__(ClassStatistics)
        out.num_classes, out.dim = self.num_classes, self.dim
        out.second_moments, out.sums, out.counts = (
            mine + sign * theirs.to(mine.device, mine.dtype)
            for mine, theirs in ((self.second_moments, other.second_moments), (self.sums, other.sums),
                                 (self.counts, other.counts)))
        if bool((out.counts < 0).any()):
            raise ValueError("cannot subtract statistics of more examples than were accumulated")
        return out

    def __add__(self, other: "ClassStatistics") -> "ClassStatistics":
        """The statistics of both sets of examples (statistics are additive)."""
        return self._combined(other, 1)

    def __sub__(self, other: "ClassStatistics") -> "ClassStatistics":
        """The statistics without a subset's: leaving a fold out of a fit is a subtraction."""
        return self._combined(other, -1)

    def __iadd__(self, other: "ClassStatistics") -> "ClassStatistics":
        """`+`, in place: no second copy of the K·d² moments."""
        if (other.num_classes, other.dim) != (self.num_classes, self.dim):
            raise ValueError(f"cannot combine statistics of {other.num_classes} classes × {other.dim} features "
                             f"with {self.num_classes} × {self.dim}")
        with torch.inference_mode():  # statistics accumulated during a capturing run are inference tensors
            for mine, theirs in ((self.second_moments, other.second_moments), (self.sums, other.sums),
                                 (self.counts, other.counts)):
                mine += theirs.to(mine.device, mine.dtype)
        return self

    def classes(self, start: int, stop: int) -> "ClassStatistics":
        """The statistics of classes start..stop−1 as classes 0.., sharing this object's memory:
        statistics accumulated over 2K classes (label + K for a held-out group) give each group's."""
        out = ClassStatistics.__new__(ClassStatistics)
        out.num_classes, out.dim = stop - start, self.dim
        out.second_moments, out.sums, out.counts = (t[start:stop] for t in (self.second_moments, self.sums, self.counts))
        return out

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    @property
    def mean(self) -> torch.Tensor:
        """Mean of all examples, whatever their class (the linear probe's sign rule uses it)."""
        return self.sums.sum(0) / max(self.total, 1)

    @property
    def nbytes(self) -> int:
        return sum(t.element_size() * t.nelement() for t in (self.second_moments, self.sums, self.counts))


STATISTICS_FIELDS = ("second_moments", "sums", "counts")


def save_statistics(stats: dict[str, ClassStatistics], path, metadata: dict[str, str] | None = None) -> None:
    """Write named `ClassStatistics` (e.g. one per layer) to a safetensors file, exactly: what
    `load_statistics` reads back sums as the original would."""
    from safetensors.torch import save_file

    tensors = {f"{name}/{field}": getattr(st, field).detach().cpu().contiguous()
               for name, st in stats.items() for field in STATISTICS_FIELDS}
    save_file(tensors, str(path), metadata=metadata)


def load_statistics(path, device=None) -> dict[str, ClassStatistics]:
    """The named `ClassStatistics` that `save_statistics` wrote."""
    from safetensors.torch import load_file

    tensors = load_file(str(path), device=str(resolve_device(device)))
    stats: dict[str, ClassStatistics] = {}
    for name in dict.fromkeys(key.rsplit("/", 1)[0] for key in tensors):
        st = ClassStatistics.__new__(ClassStatistics)
        st.second_moments, st.sums, st.counts = (tensors[f"{name}/{field}"] for field in STATISTICS_FIELDS)
        st.num_classes, st.dim = st.sums.shape
        stats[name] = st
    return stats


def class_statistics(model: Network | nn.Module, data, labels, layers: Sequence[str], num_classes: int | None = None,
                     batch_size: int = 256, device=None, dtype=torch.float64,
                     progress: Progress | None = None) -> dict[str, ClassStatistics]:
    """Stream `data` once through the model and accumulate `ClassStatistics` for each layer,
    grouped by `labels` (the corrupted training labels)."""
    labels = torch.as_tensor(np.asarray(labels) if not isinstance(labels, torch.Tensor) else labels)
    num_classes = int(labels.max()) + 1 if num_classes is None else num_classes
    stats: dict[str, ClassStatistics] = {}
    for outputs, _logits, y in forward_batches(model, data, layers, batch_size, device, labels=labels,
                                               progress=progress, stage="statistics"):
        for name, h in outputs.items():
            if name not in stats:
                stats[name] = ClassStatistics(num_classes, h.shape[1], dtype=dtype, device=h.device)
            stats[name].update(h, y)
    return stats
