"""Validation of uploaded files, before anything is stored.

Weights: safetensors (header parsed here, tensors loaded by safetensors) or a PyTorch
state_dict read with ``torch.load(weights_only=True)``; arbitrary pickles are never loaded.
The tensors must load *strictly* into the declared architecture: otherwise a 422 names the
missing, unexpected and mis-shaped keys. torch and latentgen are imported lazily, inside these
functions, so importing the API never imports torch.

Arrays: npz/npy files are opened with ``allow_pickle=False``; image arrays are checked from
their headers only (never loaded whole), label arrays are small and are read.
"""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ApiError

NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def _safetensors_header(path: Path) -> dict[str, Any] | None:
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            return None
        (n,) = struct.unpack("<Q", head)
        if n < 2 or n > min(100 << 20, size - 8):
            return None
        raw = f.read(n)
    if not raw.lstrip().startswith(b"{"):
        return None
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return header if isinstance(header, dict) else None


def load_state_dict(path: Path) -> tuple[str, dict[str, Any]]:
    """Read a weights file into a flat {name: tensor} dict; (format, state_dict)."""
    import torch

    header = _safetensors_header(path)
    if header is not None:
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            return "safetensors", dict(load_file(str(path), device="cpu"))
        except (SafetensorError, Exception) as e:  # noqa: BLE001 - any decoding failure is bad input
            raise ApiError(422, "invalid_weights", f"unreadable safetensors file: {e}", "weights") from e
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - UnpicklingError, RuntimeError, EOFError...
        raise ApiError(
            422, "invalid_weights",
            "weights must be a safetensors file or a PyTorch state_dict loadable with "
            f"torch.load(weights_only=True); refused: {type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}",
            "weights",
        ) from e
    if not isinstance(obj, dict) or not obj or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items()
    ):
        raise ApiError(422, "invalid_weights",
                       "weights must be a flat state_dict mapping parameter names to tensors", "weights")
    return "torch", dict(obj)


def build_arch(arch: dict[str, Any]):
    from latentgen.models import build_model

    try:
        return build_model(arch["name"], tuple(arch["input_shape"]), int(arch["num_classes"]))
    except (ValueError, KeyError, TypeError) as e:
        raise ApiError(422, "invalid_arch", f"cannot build architecture: {e}", "arch") from e


def validate_weights(path: Path, arch: dict[str, Any]) -> dict[str, Any]:
    """Strictly load the weights into the architecture; return the model's description."""
    import torch

    fmt, state = load_state_dict(path)
    model = build_arch(arch)
    expected = model.state_dict()
    missing = sorted(k for k in expected if k not in state)
    unexpected = sorted(k for k in state if k not in expected)
    mismatched = [
        {"key": k, "expected": list(expected[k].shape), "got": list(state[k].shape)}
        for k in sorted(expected) if k in state and tuple(expected[k].shape) != tuple(state[k].shape)
    ]
    bad_dtype = sorted(k for k in expected if k in state and not (
        state[k].is_floating_point() or not expected[k].is_floating_point()))
    if missing or unexpected or mismatched or bad_dtype:
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
        raise ApiError(422, "weights_mismatch",
                       f"weights do not load strictly into {arch['name']}: " + "; ".join(parts),
                       "weights", missing=missing, unexpected=unexpected, mismatched=mismatched)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise ApiError(422, "weights_mismatch", f"weights do not load: {e}", "weights") from e
    for k, v in state.items():
        if v.is_floating_point() and not torch.isfinite(v).all():
            raise ApiError(422, "invalid_weights", f"tensor {k} holds NaN or infinite values", "weights")

    from latentgen.extract import list_layers
    from latentgen.models import final_linear

    try:
        layers = [
            {"name": li.name, "type": li.type, "output_shape": [int(s) for s in li.output_shape]}
            for li in list_layers(model, tuple(arch["input_shape"]))
        ]
    except (ValueError, RuntimeError) as e:
        raise ApiError(422, "invalid_arch", f"input_shape does not fit the architecture: {e}", "arch.input_shape") from e
    final_name, _ = final_linear(model)
    return {
        "format": fmt,
        "num_parameters": int(sum(v.numel() for v in state.values())),
        "layers": layers,
        "final_layer": final_name,
    }


# ------------------------------------------------------------------ arrays

def _npy_header(fp) -> tuple[tuple[int, ...], np.dtype]:
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        shape, _fortran, dtype = np.lib.format.read_array_header_1_0(fp)
    elif version == (2, 0):
        shape, _fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    else:
        shape, _fortran, dtype = np.lib.format._read_array_header(fp, version)  # type: ignore[attr-defined]
    return tuple(int(s) for s in shape), np.dtype(dtype)


def _labels_ok(y: np.ndarray, name: str, field: str) -> None:
    if y.ndim != 1:
        raise ApiError(422, "invalid_dataset", f"{name} must be 1-D, got shape {list(y.shape)}", field)
    if not np.issubdtype(y.dtype, np.integer):
        raise ApiError(422, "invalid_dataset", f"{name} must hold integers, got {y.dtype}", field)
    if y.size and y.min() < 0:
        raise ApiError(422, "invalid_dataset", f"{name} holds negative labels", field)


def inspect_npz(path: Path, field: str = "file") -> dict[str, Any]:
    """Check an uploaded dataset npz; return {n_train, n_test, x_shape, num_classes}."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ApiError(422, "invalid_dataset", "file must be an .npz archive (numpy.savez)", field) from e
    with zf:
        names = {n[:-4] if n.endswith(".npy") else n: n for n in zf.namelist()}
        missing = [k for k in NPZ_KEYS if k not in names]
        if missing:
            raise ApiError(422, "invalid_dataset",
                           f"npz lacks arrays {missing}; expected x_train, y_train, x_test, y_test",
                           field, missing=missing)
        shapes: dict[str, tuple[int, ...]] = {}
        for k in ("x_train", "x_test"):
            with zf.open(names[k]) as fp:
                try:
                    shape, dtype = _npy_header(fp)
                except ValueError as e:
                    raise ApiError(422, "invalid_dataset", f"{k} is not a valid .npy array: {e}", field) from e
            if dtype.hasobject or not (np.issubdtype(dtype, np.number)):
                raise ApiError(422, "invalid_dataset", f"{k} must be numeric, got {dtype}", field)
            if len(shape) not in (2, 3, 4) or 0 in shape:
                raise ApiError(422, "invalid_dataset",
                               f"{k} must be (N, D), (N, H, W) or (N, C, H, W)/(N, H, W, C); got {list(shape)}", field)
            shapes[k] = shape
    if shapes["x_train"][1:] != shapes["x_test"][1:]:
        raise ApiError(422, "invalid_dataset",
                       f"x_train and x_test sample shapes differ: {list(shapes['x_train'][1:])} vs {list(shapes['x_test'][1:])}", field)
    try:
        with np.load(path, allow_pickle=False) as z:
            y_train, y_test = z["y_train"], z["y_test"]
    except ValueError as e:
        raise ApiError(422, "invalid_dataset", f"labels must be plain numeric arrays: {e}", field) from e
    _labels_ok(y_train, "y_train", field)
    _labels_ok(y_test, "y_test", field)
    for x, y in (("x_train", y_train), ("x_test", y_test)):
        if shapes[x][0] != len(y):
            raise ApiError(422, "invalid_dataset",
                           f"{x} has {shapes[x][0]} samples but its labels have {len(y)}", field)
    k = int(max(y_train.max(initial=0), y_test.max(initial=0))) + 1
    return {
        "n_train": int(shapes["x_train"][0]),
        "n_test": int(shapes["x_test"][0]),
        "sample_shape": list(shapes["x_train"][1:]),
        "num_features": int(np.prod(shapes["x_train"][1:])),
        "num_classes": k,
    }


def inspect_labels(path: Path, n_train: int | None, num_classes: int | None, field: str = "train_labels") -> dict[str, Any]:
    try:
        y = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as e:
        raise ApiError(422, "invalid_labels", f"train_labels must be a .npy integer array: {e}", field) from e
    if not isinstance(y, np.ndarray):
        raise ApiError(422, "invalid_labels", "train_labels must be a single .npy array, not an archive", field)
    _labels_ok(y, "train_labels", field)
    if n_train is not None and len(y) != n_train:
        raise ApiError(422, "invalid_labels",
                       f"train_labels has {len(y)} entries but the training set has {n_train}", field)
    if num_classes is not None and y.size and int(y.max()) >= num_classes:
        raise ApiError(422, "invalid_labels",
                       f"train_labels holds class {int(y.max())} but the data set has {num_classes} classes", field)
    return {"n": int(len(y))}
