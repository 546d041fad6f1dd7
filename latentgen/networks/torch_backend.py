"""torch backend: a module built by `models.build_model` (or any `nn.Module`) and its state dict.

Uploaded weights are a safetensors file or a state dict read with `torch.load(weights_only=True)`;
arbitrary pickles are never loaded. They must load *strictly* into the declared architecture.
Layers are the module's named submodules; captures are forward hooks, always removed.
"""

from __future__ import annotations

import copy
import json
import re
import struct
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Sequence

import torch
from torch import nn

from latentgen.device import resolve_device
from latentgen.models import build_from_spec, default_probe_layers, final_linear
from latentgen.networks.base import INPUT_SUFFIX, FinalLayer, LayerInfo, Network, NetworkError
from latentgen.networks.checkpoints import STATE_ENTRIES, strip_prefixes, unwrap_checkpoint

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@contextmanager
def eval_mode(model: nn.Module):
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


def module_device(model: nn.Module) -> torch.device:
    tensor = next(iter(model.parameters()), None)
    return tensor.device if tensor is not None else torch.device("cpu")


@contextmanager
def capture(model: nn.Module, layers: Sequence[str], sink: Callable[[str, torch.Tensor], None]):
    """Forward hooks that hand each named layer's output to `sink(name, output)`; a name ending in
    ":input" (e.g. "classifier:input") hands over the layer's input instead. Removed on exit
    whatever happens inside."""
    modules = dict(model.named_modules())
    targets = {name: name.removesuffix(INPUT_SUFFIX) for name in layers}
    unknown = [name for name, module in targets.items() if module not in modules or module == ""]
    if unknown:
        raise ValueError(f"unknown layers {unknown}; see list_layers(model, input_shape) for the names")
    handles = []
    try:
        for name, module in targets.items():
            if name.endswith(INPUT_SUFFIX):
                def pre_hook(_module, inputs, name=name):
                    if inputs and isinstance(inputs[0], torch.Tensor):
                        sink(name, inputs[0])
                handles.append(modules[module].register_forward_pre_hook(pre_hook))
            else:
                def hook(_module, _inputs, output, name=name):
                    if isinstance(output, torch.Tensor):
                        sink(name, output)
                handles.append(modules[module].register_forward_hook(hook))
        yield
    finally:
        for handle in handles:
            handle.remove()


def list_layers(model: nn.Module, input_shape: Sequence[int]) -> list[LayerInfo]:
    """Every named submodule with its type and output shape (batch dimension excluded) for one
    input of `input_shape`, in the order the forward pass reaches them. A module called more than
    once per forward pass reports its last call."""
    shapes: dict[str, tuple[int, ...]] = {}
    names = [name for name, _ in model.named_modules() if name]
    types = {name: type(m).__name__ for name, m in model.named_modules()}

    def sink(name, output):
        shapes.pop(name, None)  # re-insert to keep the order of the last call
        shapes[name] = tuple(output.shape[1:])

    device = module_device(model)
    with eval_mode(model), torch.inference_mode(), capture(model, names, sink):
        try:
            model(torch.zeros(1, *input_shape, device=device))
        except RuntimeError as exc:
            raise ValueError(f"the model does not accept inputs of shape {tuple(input_shape)}: {exc}") from exc
    return [LayerInfo(name, types[name], shape) for name, shape in shapes.items()]


class TorchNetwork(Network):
    """An `nn.Module`; `arch` ({"name", "input_shape", "num_classes"}) when it was built by name,
    otherwise `input_shape` alone (needed to list layers)."""

    backend = "torch"
    save_format = "safetensors"

    def __init__(self, module: nn.Module, arch: dict[str, Any] | None = None, input_shape: Sequence[int] | None = None):
        self.module = module
        self._arch = arch
        shape = arch["input_shape"] if arch is not None else input_shape
        self.input_shape = None if shape is None else tuple(int(s) for s in shape)

    @property
    def arch(self) -> dict[str, Any] | None:
        return self._arch

    def layers(self) -> list[LayerInfo]:
        if self.input_shape is None:
            raise ValueError("the network's input shape is unknown: give it to list its layers")
        return list_layers(self.module, self.input_shape)

    def default_probe_layers(self) -> list[str]:
        return default_probe_layers(self.module)

    @contextmanager
    def capturing(self, layers: Sequence[str], device=None):
        device = resolve_device(device)
        self.module.to(device)
        captured: dict[str, torch.Tensor] = {}

        def sink(name, output):
            # a copy: a later in-place op (e.g. ReLU(inplace=True)) must not alter what we keep
            captured[name] = output.flatten(1).float().clone()

        def run(x: torch.Tensor):
            captured.clear()
            logits = self.module(x.to(device, non_blocking=True))
            return dict(captured), logits

        with eval_mode(self.module), torch.inference_mode(), capture(self.module, layers, sink):
            yield run

    def _linear(self) -> tuple[str, nn.Linear] | None:
        try:
            return final_linear(self.module)
        except ValueError:
            return None

    def final_layer_problem(self) -> str | None:
        try:
            final_linear(self.module)
        except ValueError as e:
            return str(e)
        return None

    def final_layer(self) -> FinalLayer | None:
        found = self._linear()
        if found is None:
            return None
        name, linear = found
        return FinalLayer(name, linear.in_features, linear.out_features, linear.bias is not None)

    def final_weights(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        self.require_final_layer()
        _name, linear = self._linear()
        bias = None if linear.bias is None else linear.bias.detach().float().cpu().clone()
        return linear.weight.detach().float().cpu().clone(), bias

    def set_final_weights(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        final = self.require_final_layer()
        _name, linear = self._linear()
        if tuple(weight.shape) != tuple(linear.weight.shape):
            raise ValueError(f"weight of shape {tuple(weight.shape)} for {final.name!r} of shape {tuple(linear.weight.shape)}")
        if (bias is None) != (linear.bias is None):
            raise ValueError(f"{final.name!r} {'has' if final.has_bias else 'has no'} bias")
        with torch.no_grad():
            linear.weight.copy_(weight.to(linear.weight.device, linear.weight.dtype))
            if bias is not None:
                linear.bias.copy_(bias.to(linear.bias.device, linear.bias.dtype))

    def copy(self) -> "TorchNetwork":
        return TorchNetwork(copy.deepcopy(self.module), self._arch, self.input_shape)

    def num_parameters(self) -> int:
        return int(sum(v.numel() for v in self.module.state_dict().values()))

    def save(self, path: str | Path) -> str:
        from safetensors.torch import save_file

        state = {k: v.detach().to("cpu").contiguous().clone() for k, v in self.module.state_dict().items()}
        save_file(state, str(path))
        return self.save_format


# ---- uploaded weights ----


def _safetensors_header(path: Path) -> dict[str, Any] | None:
    """The JSON header of a safetensors file; None when the file is not one (a torch state dict).
    A file that starts like one (a length, then "{") but is cut short or damaged is refused here,
    rather than reported as an unpicklable torch file."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(9)
        if len(head) < 9 or head[8:9] != b"{":
            return None
        (n,) = struct.unpack("<Q", head[:8])
        if n < 2 or n > 100 << 20:
            return None
        if n > size - 8:
            raise NetworkError("invalid_weights", f"truncated safetensors file: its header alone needs {n} bytes, "
                               f"the file has {size}", "weights")
        f.seek(8)
        raw = f.read(n)
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise NetworkError("invalid_weights", f"damaged safetensors file: its header is not JSON ({e})", "weights") from e
    if not isinstance(header, dict):
        raise NetworkError("invalid_weights", "damaged safetensors file: its header is not a JSON object", "weights")
    return header


def read_state_dict(path: str | Path) -> tuple[str, dict[str, torch.Tensor], list[str]]:
    """A weights file as a flat {name: tensor} dict: ("safetensors" or "torch", state dict, notes
    of what was unwrapped: a checkpoint's entry, see `checkpoints.unwrap_checkpoint`)."""
    path = Path(path)
    if _safetensors_header(path) is not None:
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            return "safetensors", dict(load_file(str(path), device="cpu")), []
        except (SafetensorError, Exception) as e:  # noqa: BLE001 - any decoding failure is bad input
            raise NetworkError("invalid_weights", f"unreadable safetensors file: {e}", "weights") from e
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - UnpicklingError, RuntimeError, EOFError...
        raise NetworkError("invalid_weights", _unloadable(e), "weights") from e
    found = unwrap_checkpoint(obj)
    if found is None:
        entries = f"; its entries: {', '.join(sorted(str(k) for k in obj)[:12])}" if isinstance(obj, dict) else ""
        raise NetworkError("invalid_weights", "weights must be a state_dict mapping parameter names to tensors, or a "
                           f"checkpoint holding one under {', '.join(repr(e) for e in STATE_ENTRIES)}{entries}",
                           "weights")
    return "torch", *found


def _unloadable(e: Exception) -> str:
    """Why torch.load(weights_only=True) refused a file, for the uploader: a whole pickled model is
    told to upload its state_dict; otherwise torch's first line, without terminal escapes."""
    text = ANSI_ESCAPE.sub("", str(e))
    if "Unsupported global" in text or "GLOBAL" in text:
        return ("the file is a whole pickled model or holds Python objects (torch.save(model)), which loading would "
                "have to execute; save its weights and upload those: torch.save(model.state_dict(), path), or a "
                "safetensors file")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return ("weights must be a safetensors file or a PyTorch state_dict (torch.save(model.state_dict(), path)); "
            f"refused: {type(e).__name__}: {first[:300]}")


def build_arch(arch: dict[str, Any]) -> nn.Module:
    try:
        return build_from_spec(arch)
    except (ValueError, KeyError, TypeError) as e:
        raise NetworkError("invalid_arch", f"cannot build architecture: {e}", "arch") from e


def _mismatch(arch: dict[str, Any], expected: dict[str, torch.Tensor], state: dict[str, torch.Tensor]) -> None:
    missing = sorted(k for k in expected if k not in state)
    unexpected = sorted(k for k in state if k not in expected)
    mismatched = [
        {"key": k, "expected": list(expected[k].shape), "got": list(state[k].shape)}
        for k in sorted(expected) if k in state and tuple(expected[k].shape) != tuple(state[k].shape)
    ]
    bad_dtype = sorted(k for k in expected if k in state and not (
        state[k].is_floating_point() or not expected[k].is_floating_point()))
    if not (missing or unexpected or mismatched or bad_dtype):
        return
    parts = []
    if missing:
        parts.append(f"missing keys: {', '.join(missing[:20])}")
    if unexpected:
        parts.append(f"unexpected keys: {', '.join(unexpected[:20])}")
    if mismatched:
        parts.append("mis-shaped keys: " + ", ".join(
            f"{m['key']} (expected {m['expected']}, got {m['got']})" for m in mismatched[:20]))
    if bad_dtype:
        parts.append(f"non-float tensors for float parameters: {', '.join(bad_dtype[:20])}")
    raise NetworkError("weights_mismatch", f"weights do not load strictly into {arch['name']}: " + "; ".join(parts),
                       "weights", missing=missing, unexpected=unexpected, mismatched=mismatched)


# what an architecture may cost, checked on the meta device before anything is allocated
MAX_PARAMETERS = 500_000_000
MAX_ACTIVATION_VALUES = 200_000_000  # per example, over every module's output


def plan_arch(arch: dict[str, Any], max_parameters: int = MAX_PARAMETERS,
              max_activation_values: int = MAX_ACTIVATION_VALUES) -> dict[str, torch.Tensor]:
    """The architecture's state dict on the meta device (shapes and dtypes, no memory), after one
    meta forward pass of an example: an architecture that cannot take its input shape, or whose
    parameters or activations exceed the limits, is refused before anything is built for real."""
    name, shape = arch.get("name"), list(arch.get("input_shape") or [])
    try:
        with torch.device("meta"):
            model = build_from_spec(arch)
        parameters = sum(p.numel() for p in model.parameters())
        if parameters > max_parameters:
            raise NetworkError("arch_too_large", f"{name} for input {shape} has {parameters:,} parameters, over the "
                               f"limit of {max_parameters:,}", "arch")
        values = 0

        def count(_module, _inputs, output):
            nonlocal values
            values += output.numel() if isinstance(output, torch.Tensor) else 0

        hooks = [m.register_forward_hook(count) for m in model.modules() if not list(m.children())]
        try:
            with torch.no_grad():
                model.eval()(torch.empty(1, *shape, device="meta"))
        finally:
            for h in hooks:
                h.remove()
    except NetworkError:
        raise
    # a builder's own checks are assertions too (torchvision's ViT asserts its image size)
    except (ValueError, KeyError, TypeError, RuntimeError, IndexError, AssertionError) as e:
        raise NetworkError("invalid_arch", f"{name} cannot take inputs of shape {shape}: "
                           f"{str(e).splitlines()[0][:300] if str(e) else type(e).__name__}", "arch") from e
    if values > max_activation_values:
        raise NetworkError("arch_too_large", f"{name} for input {shape} computes {values:,} activation values per "
                           f"example, over the limit of {max_activation_values:,}", "arch.input_shape")
    return model.state_dict()


def load_torch_network(path: str | Path, arch: dict[str, Any]) -> tuple[str, TorchNetwork, list[str]]:
    """Read the weights, unwrap them (a checkpoint's entry, a wrapper's key prefix), check them
    against `arch` planned on the meta device (nothing built yet), then build it and load them
    strictly; (file format, network in eval mode, notes of what was unwrapped). Refuses unreadable
    files, architectures that cannot be built or are too large, mismatched keys, shapes or dtypes,
    and NaN or infinite values."""
    fmt, state, notes = read_state_dict(path)
    expected = plan_arch(arch)
    state, stripped = strip_prefixes(state, expected)
    _mismatch(arch, expected, state)
    model = build_arch(arch)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise NetworkError("weights_mismatch", f"weights do not load: {e}", "weights") from e
    for k, v in state.items():
        if v.is_floating_point() and not torch.isfinite(v).all():
            raise NetworkError("invalid_weights", f"tensor {k} holds NaN or infinite values", "weights")
    return fmt, TorchNetwork(model.eval(), dict(arch)), notes + stripped


def describe_torch(network: TorchNetwork) -> dict[str, Any]:
    """`Network.describe`, with a shape that does not fit the architecture named as such."""
    try:
        return network.describe()
    except (ValueError, RuntimeError) as e:
        raise NetworkError("invalid_arch", f"input_shape does not fit the architecture: {e}", "arch.input_shape") from e
