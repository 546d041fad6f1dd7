"""How stored inputs become a network's: their layout (N×C×H×W images, N×F features) and their
preprocessing (uint8 to [0, 1], then a per-channel standardisation). Torch-free, so the API checks
uploads with the same rules the workers apply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


class DataError(ValueError):
    """A data source is missing or malformed; the message names what was expected."""


def nchw_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape `to_nchw` gives inputs of this shape: N×H×W → N×1×H×W; N×H×W×C (C in 1, 3) →
    N×C×H×W; N×C×H×W and N×F are kept."""
    if len(shape) == 3:
        return (shape[0], 1, *shape[1:])
    if len(shape) == 4 and shape[-1] in (1, 3) and shape[1] not in (1, 3):
        return (shape[0], shape[3], shape[1], shape[2])
    if len(shape) in (2, 4):
        return tuple(shape)
    raise DataError(f"inputs must be N×F, N×H×W, N×H×W×C or N×C×H×W, got shape {tuple(shape)}")


def to_nchw(x: np.ndarray) -> np.ndarray:
    """`x` in the layout `nchw_shape` says."""
    shape = nchw_shape(x.shape)
    if x.ndim == 3:
        return x[:, None]
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2)) if shape != x.shape else x


@dataclass(frozen=True)
class Preprocessing:
    """How stored values become the network's inputs: uint8 values divided by 255, then
    (x − mean) / std per channel (one value for all channels, or one per channel: the C of N×C×H×W,
    the F of N×F)."""
    mean: tuple[float, ...] = (0.0,)
    std: tuple[float, ...] = (1.0,)

    def __post_init__(self):
        mean, std = tuple(float(m) for m in self.mean), tuple(float(s) for s in self.std)
        if not mean or len(mean) != len(std):
            raise DataError(f"preprocessing needs as many means as stds (at least one), got {len(mean)} and {len(std)}")
        if not all(np.isfinite(mean)) or not all(np.isfinite(s) and s > 0 for s in std):
            raise DataError("preprocessing means must be finite and stds finite and positive")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "std", std)

    @classmethod
    def from_dict(cls, spec: dict[str, Any] | None, default: "Preprocessing") -> "Preprocessing":
        return default if spec is None else cls(tuple(spec["mean"]), tuple(spec["std"]))

    def to_dict(self) -> dict[str, list[float]]:
        return {"mean": list(self.mean), "std": list(self.std)}

    @property
    def is_identity(self) -> bool:
        return all(m == 0 for m in self.mean) and all(s == 1 for s in self.std)

    def check_channels(self, channels: int) -> None:
        """Refuse a per-channel mean or std whose length is neither 1 nor the data's channels."""
        if len(self.mean) not in (1, channels):
            count, choice = ("1 channel", "1") if channels == 1 else (f"{channels} channels", f"1 or {channels}")
            raise DataError(f"preprocessing gives {len(self.mean)} means and stds, but the inputs have "
                            f"{count}: give {choice}")

    def describe(self, dtype: str | None) -> str:
        """In words, for summaries and reports, e.g. "x / 255, then (x − 0.5) / 0.5"."""
        def values(v: tuple[float, ...]) -> str:
            text = ", ".join(f"{x:g}" for x in v)
            return text if len(v) == 1 else f"[{text}]"
        scaled = "x / 255" if dtype == "uint8" else None
        if self.is_identity:
            return f"{scaled}, no standardisation" if scaled else "the stored values as they are"
        standardise = f"(x − {values(self.mean)}) / {values(self.std)} per channel"
        return f"{scaled}, then {standardise}" if scaled else standardise

    def apply(self, x: np.ndarray) -> np.ndarray:
        """`x` (N×C×… or N×F) as float32 network inputs, in one new array."""
        x = np.asarray(x)
        out = np.array(x, dtype=np.float32)  # always a copy: the caller's array is never changed
        if x.dtype == np.uint8:
            out /= 255.0
        if self.is_identity:
            return out
        self.check_channels(out.shape[1])
        shape = (1, -1) + (1,) * (out.ndim - 2)
        out -= np.asarray(self.mean, dtype=np.float32).reshape(shape)
        out /= np.asarray(self.std, dtype=np.float32).reshape(shape)
        return out


PAPER_PREPROCESSING = Preprocessing((0.5,), (0.5,))  # METHOD.md §9: [0, 1] inputs to [−1, 1]
AS_IS = Preprocessing()


def default_preprocessing(dtype: np.dtype | str) -> Preprocessing:
    """What an npz's inputs get when nothing is stated: the paper's for uint8 images, none for
    floating-point inputs (whose scale only their owner knows)."""
    return PAPER_PREPROCESSING if np.dtype(dtype) == np.uint8 else AS_IS
