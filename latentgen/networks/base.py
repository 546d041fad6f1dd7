"""What every network backend offers the probes, the report, repair and dynamics.

A network lists its probe-able layers, runs batches while capturing chosen layers' outputs (a name
ending in ":input" captures that layer's input), exposes its final linear layer (read and write)
and saves itself. Errors about a network file or its architecture are `NetworkError`s carrying a
stable code and the request field they concern, so a service can answer them as they are.
"""

from __future__ import annotations

import abc
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import torch

INPUT_SUFFIX = ":input"

# Capturing run: a batch of inputs -> ({layer: output flattened to (b, d), float32}, logits)
Run = Callable[[torch.Tensor], tuple[dict[str, torch.Tensor], torch.Tensor]]


class NetworkError(ValueError):
    """A network file or architecture that cannot be used: `code` (stable, e.g. "weights_mismatch"),
    `message` (says what is wrong), `field` (what the caller supplied: "weights", "arch", ...) and
    any structured details in `extra`."""

    def __init__(self, code: str, message: str, field: str | None = "weights", **extra: Any):
        super().__init__(message)
        self.code, self.message, self.field, self.extra = code, message, field, extra


@dataclass(frozen=True)
class LayerInfo:
    name: str
    type: str
    output_shape: tuple[int, ...]

    @property
    def dim(self) -> int:
        return int(np.prod(self.output_shape))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "output_shape": [int(s) for s in self.output_shape]}


@dataclass(frozen=True)
class FinalLayer:
    """The linear layer whose output is the network's output: logits = W h (+ b), with h the
    captured `name + ":input"`, W of shape (out_features, in_features)."""

    name: str
    in_features: int
    out_features: int
    has_bias: bool


class Network(abc.ABC):
    backend: str  # "torch" or "onnx"
    save_format: str  # the format `save` writes: "safetensors" or "onnx"

    @property
    @abc.abstractmethod
    def arch(self) -> dict[str, Any] | None:
        """{"name", "input_shape", "num_classes"}, or None for a bare module of unknown input."""

    @abc.abstractmethod
    def layers(self) -> list[LayerInfo]:
        """The probe-able layers in forward order, output shapes without the batch dimension."""

    @abc.abstractmethod
    def default_probe_layers(self) -> list[str]:
        """The layers probed when the caller names none."""

    @abc.abstractmethod
    def capturing(self, layers: Sequence[str], device=None) -> AbstractContextManager[Run]:
        """A context giving a function that runs one batch (in inference mode) and returns the
        named layers' outputs and the logits. Whatever it set up is undone on exit."""

    @abc.abstractmethod
    def final_layer(self) -> FinalLayer | None:
        """The final linear layer, or None when the network has none it can be repaired through."""

    @abc.abstractmethod
    def final_layer_problem(self) -> str | None:
        """Why `final_layer` is None (None when there is one)."""

    @abc.abstractmethod
    def final_weights(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The final layer's effective weight (out × in) and bias (None without one), float32."""

    @abc.abstractmethod
    def set_final_weights(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        """Overwrite the final layer's weight and bias (in place; see `copy`). Nothing else changes."""

    @abc.abstractmethod
    def copy(self) -> "Network":
        """An independent copy: editing it never touches this network."""

    @abc.abstractmethod
    def num_parameters(self) -> int:
        ...

    @abc.abstractmethod
    def save(self, path: str | Path) -> str:
        """Write the network to `path`; returns the format written (`save_format`)."""

    def require_final_layer(self) -> FinalLayer:
        final = self.final_layer()
        if final is None:
            raise NetworkError("no_final_linear",
                               f"the network has no final linear layer that repair can rewrite: "
                               f"{self.final_layer_problem()}; it can be probed but not repaired", "model")
        return final

    def describe(self) -> dict[str, Any]:
        """What a model record holds: backend, arch, layers (each flagged `default` when probed if a
        job names none), final layer (None: probe only, and `final_layer_problem` says why) and
        parameter count."""
        final, defaults = self.final_layer(), set(self.default_probe_layers())
        layers = [{**info.to_dict(), "default": info.name in defaults} for info in self.layers()]
        return {"backend": self.backend, "arch": self.arch, "layers": layers,
                "final_layer": None if final is None else final.name, "final_layer_problem": self.final_layer_problem(),
                "num_parameters": self.num_parameters()}
