"""Validation of uploaded files, before anything is stored.

Networks: validated and described by the core (`latentgen.networks.inspect_upload`: torch
weights that must load strictly into the declared architecture, or an ONNX graph); its
`NetworkError`s become 422s with the same code, field and details. latentgen (hence torch) is
imported lazily, inside these functions, so importing the API never imports torch.

Arrays: npz/npy files are opened with ``allow_pickle=False``; image arrays are checked from
their headers only (never loaded whole), label arrays are small and are read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ApiError

NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def inspect_network(path: Path, arch: dict[str, Any] | None, max_bytes: int | None = None) -> dict[str, Any]:
    """`latentgen.networks.inspect_upload` (validation: the core's one loader; `arch` None: an ONNX
    file, at most `max_bytes` long), its errors as 422s."""
    from latentgen.networks import MAX_ONNX_BYTES, NetworkError, inspect_upload

    try:
        return inspect_upload(path, arch, MAX_ONNX_BYTES if max_bytes is None else max_bytes)
    except NetworkError as e:
        raise ApiError(422, e.code, e.message, e.field, **e.extra) from e


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
