"""One notion of a network, with a backend per format: torch (our builders + a state dict) and
ONNX (a graph and its initializers, run with onnxruntime). The probes, the report, repair and
dynamics take a `Network` (or a bare `nn.Module`, wrapped by `as_network`).

`load_network` is the one loader of stored or uploaded networks (the API at upload, the worker at
run time); `inspect_upload` adds what a model record holds. Both raise `NetworkError` (code,
message, field) for anything wrong with the file or the architecture. Uploads never run code:
torch weights are read with safetensors or `torch.load(weights_only=True)`, ONNX files are parsed
as protobuf and checked before onnxruntime sees them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from torch import nn

from latentgen.networks.base import INPUT_SUFFIX, FinalLayer, LayerInfo, Network, NetworkError
from latentgen.networks.onnx_backend import ONNX_ARCH, OnnxNetwork, load_onnx_network
from latentgen.networks.onnx_checks import MAX_ONNX_BYTES, OPSET_RANGE
from latentgen.networks.torch_backend import TorchNetwork, describe_torch, load_torch_network

# file suffix of each stored format
FILE_SUFFIXES = {"safetensors": ".safetensors", "torch": ".pt", "onnx": ".onnx"}

__all__ = ["FILE_SUFFIXES", "INPUT_SUFFIX", "MAX_ONNX_BYTES", "ONNX_ARCH", "OPSET_RANGE", "FinalLayer", "LayerInfo",
           "Network", "NetworkError", "OnnxNetwork", "TorchNetwork", "as_network", "inspect_upload", "load_network"]


def as_network(model: Network | nn.Module, input_shape: Sequence[int] | None = None) -> Network:
    """`model` itself if it is a Network; an `nn.Module` wrapped as a TorchNetwork (`input_shape`,
    without the batch dimension, is needed to list its layers)."""
    if isinstance(model, Network):
        return model
    if isinstance(model, nn.Module):
        return TorchNetwork(model, input_shape=input_shape)
    raise TypeError(f"expected a Network or an nn.Module, got {type(model).__name__}")


def _load(path: str | Path, arch: dict[str, Any] | None, max_bytes: int) -> tuple[str, Network, list[str]]:
    if arch is None or arch.get("name") == ONNX_ARCH:
        return "onnx", load_onnx_network(path, arch, max_bytes), []
    return load_torch_network(path, arch)


def load_network(path: str | Path, arch: dict[str, Any] | None, max_bytes: int = MAX_ONNX_BYTES) -> Network:
    """The network stored at `path`: ONNX when `arch` is None or names "onnx" (the graph is the
    architecture), otherwise torch weights (safetensors or a state dict) for the builder `arch`
    names ({"name", "input_shape", "num_classes"}). Validated, in eval mode."""
    return _load(path, arch, max_bytes)[1]


def inspect_upload(path: str | Path, arch: dict[str, Any] | None, max_bytes: int = MAX_ONNX_BYTES) -> dict[str, Any]:
    """Validate an uploaded network as `load_network` does and describe it: {format ("safetensors",
    "torch" or "onnx"), backend, arch (for ONNX derived from the graph: input shape without the
    batch dimension, number of classes from the output), layers [{name, type, output_shape}],
    final_layer (None: probe only, repair refused), num_parameters, unwrapped (notes: how torch
    weights were taken out of a checkpoint or a wrapper's key prefix)}."""
    fmt, network, unwrapped = _load(path, arch, max_bytes)
    description = describe_torch(network) if isinstance(network, TorchNetwork) else network.describe()
    return {"format": fmt, **description, "unwrapped": unwrapped}
