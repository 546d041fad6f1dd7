"""Validation of uploaded files, before anything is stored.

Networks: validated and described by the core (`latentgen.networks.inspect_upload`: torch
weights that must load strictly into the declared architecture, or an ONNX graph); its
`NetworkError`s become 422s with the same code, field and details. That check runs in a process of
its own, bounded in memory and time; the planning helpers import latentgen (hence torch) lazily,
inside them, so importing the API never imports torch.

Arrays: npz/npy files are opened with ``allow_pickle=False``; every npz member is checked from its
header and its zip entry first (value count in exact integers, how far it inflates), then streamed
through in chunks, labels like images: none is ever held whole.
"""

from __future__ import annotations

import math
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ApiError

NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
VALIDATION_KEYS = ("x_val", "y_val")  # optional: examples held out of the model's training
# how many times its stored size an image member may inflate to: real images compress a few times
# (MNIST's about 8); a bomb of zeros about 1000. Labels need no limit: no more of them than images
MAX_INFLATION = 100


# a check's process is killed past this: loading plus the ONNX dry run, itself bounded (60 s)
CHECK_SECONDS = 180.0


def inspect_network(path: Path, arch: dict[str, Any] | None, max_bytes: int | None, memory_mb: int) -> dict[str, Any]:
    """`latentgen.networks.inspect_upload` (validation: the core's one loader; `arch` None: an ONNX
    file, at most `max_bytes` long), its errors as 422s. It runs in a process of its own, forked from
    a server that imported the core once, with `memory_mb` of data memory and CHECK_SECONDS: a
    network whose dry run would exhaust or hang the API fails alone."""
    from multiprocessing.connection import wait

    ctx = _checkers()
    results, sender = ctx.Pipe(duplex=False)
    check = ctx.Process(target=_inspect_in_child, args=(sender, str(path), arch, max_bytes, memory_mb << 20),
                        daemon=True)
    check.start()
    sender.close()
    try:
        if not wait([results, check.sentinel], CHECK_SECONDS):
            raise ApiError(422, "check_timeout", f"checking the network took over {CHECK_SECONDS:g} s", "weights")
        try:
            outcome, value = results.recv()
        except EOFError:  # it died before it answered
            outcome, value = "died", None
    finally:
        check.kill()
        check.join()
        results.close()
    if outcome == "ok":
        return value
    if outcome == "error":
        code, message, field, extra = value
        raise ApiError(422, code, message, field, **extra)
    if outcome == "died" and check.exitcode not in (-9, None):
        raise RuntimeError(f"the network check's process died (exit status {check.exitcode})")
    raise ApiError(422, "resource_exhausted", f"checking the network needed more memory than an upload's check may "
                   f"use ({memory_mb} MiB, LATENTGEN_UPLOAD_CHECK_MEMORY_MB)", "weights", limit=memory_mb)


@lru_cache
def _checkers():
    """Processes forked from a server process that has imported latentgen (and torch) once."""
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["latentgen.networks"])
    return ctx


def _inspect_in_child(sender, path: str, arch: dict[str, Any] | None, max_bytes: int | None, memory: int) -> None:
    import resource

    from latentgen.networks import MAX_ONNX_BYTES, NetworkError, inspect_upload

    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    try:
        sender.send(("ok", inspect_upload(Path(path), arch, MAX_ONNX_BYTES if max_bytes is None else max_bytes)))
    except NetworkError as e:
        sender.send(("error", (e.code, e.message, e.field, e.extra)))
    except MemoryError:
        sender.send(("memory", None))
    # anything else: a traceback on stderr, and the API's 500


def plan_architecture(arch: dict[str, Any], field: str = "arch") -> None:
    """An architecture a job will build, checked on the meta device (nothing allocated): it takes its
    input shape and stays within the size limits; 422 otherwise."""
    from latentgen.networks import NetworkError
    from latentgen.networks.torch_backend import plan_arch

    try:
        plan_arch(arch)
    except NetworkError as e:
        raise ApiError(422, e.code, e.message, field + (e.field or "arch").removeprefix("arch")) from e


def check_graftable(arch: dict[str, Any], cut: str, field: str) -> None:
    """A graft job's cut, checked on the meta device: the network's blocks up to `cut` must form a
    chain (e.g. not a layer inside a residual block); 422 otherwise."""
    import torch

    from latentgen.models import build_from_spec

    try:
        with torch.device("meta"):
            build_from_spec({**arch, "cut": cut, "head": "linear"})
    except (ValueError, RuntimeError) as e:
        raise ApiError(422, "not_graftable", f"cannot graft at {cut!r}: {str(e).splitlines()[0][:300]}", field) from e


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


def _labels_ok(shape: tuple[int, ...], dtype: np.dtype, least: int | None, name: str, field: str) -> None:
    """Labels of this shape and dtype, whose least value is `least` (None: there are none)."""
    if len(shape) != 1:
        raise ApiError(422, "invalid_dataset", f"{name} must be 1-D, got shape {list(shape)}", field)
    if not np.issubdtype(dtype, np.integer):
        raise ApiError(422, "invalid_dataset", f"{name} must hold integers, got {dtype}", field)
    if least is not None and least < 0:
        raise ApiError(422, "invalid_dataset", f"{name} holds negative labels", field)


class _Extremes:
    """The least and greatest of the values seen chunk by chunk (None before any)."""

    def __init__(self) -> None:
        self.least: int | None = None
        self.greatest: int | None = None

    def __call__(self, values: np.ndarray) -> None:
        if values.size:
            low, high = int(values.min()), int(values.max())
            self.least = low if self.least is None else min(self.least, low)
            self.greatest = high if self.greatest is None else max(self.greatest, high)


def _read_array(zf: zipfile.ZipFile, member: str, key: str, field: str, max_values: int,
                on_chunk=None, images: bool = False) -> tuple[tuple[int, ...], np.dtype]:
    """Check an npz member from its header before decompressing anything: images uint8 or floating
    point (what latentgen normalises), labels integers, at most `max_values` values (a small zip may
    inflate enormously). Then stream it through in chunks, `on_chunk(values)` on each (the values
    never all sit in memory)."""
    with zf.open(member) as fp:
        try:
            shape, dtype = _npy_header(fp)
        except ValueError as e:
            raise ApiError(422, "invalid_dataset", f"{key} is not a valid .npy array: {e}", field) from e
        if images and not (dtype == np.uint8 or dtype.kind == "f"):
            raise ApiError(422, "invalid_dataset", f"{key} must be uint8 or floating point, got {dtype}", field)
        if not images and dtype.kind not in "iu":
            raise ApiError(422, "invalid_dataset", f"{key} must hold integers, got {dtype}", field)
        count = math.prod(shape)  # Python integers: a shape such as (4, 2**62) cannot wrap around
        if count > max_values:
            raise ApiError(422, "invalid_dataset", f"{key} holds {count:,} values, over the limit of {max_values:,}",
                           field, limit=max_values)
        entry = zf.getinfo(member)
        if images and entry.file_size > MAX_INFLATION * max(entry.compress_size, 1):
            raise ApiError(422, "invalid_dataset", f"{key} inflates {entry.file_size // max(entry.compress_size, 1):,}"
                           f" times its stored size, over the limit of {MAX_INFLATION}", field, limit=MAX_INFLATION)
        if on_chunk is not None:
            step = max(1, (16 << 20) // dtype.itemsize) * dtype.itemsize
            remaining = count * dtype.itemsize
            while remaining > 0:
                raw = fp.read(min(step, remaining))
                if not raw:
                    raise ApiError(422, "invalid_dataset", f"{key} is truncated", field)
                remaining -= len(raw)
                on_chunk(np.frombuffer(raw, dtype=dtype))
    return shape, dtype


def inspect_npz(path: Path, field: str = "file", max_values: int = 4_000_000_000) -> dict[str, Any]:
    """Check an uploaded dataset npz; return {n_train, n_test, n_val, sample_shape, num_features,
    num_classes, input_dtype} (n_val: the optional x_val, y_val pair's size, else 0). Images must be finite real
    numbers; labels non-negative integers, one per image."""
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
        if (VALIDATION_KEYS[0] in names) != (VALIDATION_KEYS[1] in names):
            raise ApiError(422, "invalid_dataset", "x_val and y_val go together: the npz holds only one of them", field)
        pairs = [("x_train", "y_train"), ("x_test", "y_test")] + ([VALIDATION_KEYS] if "x_val" in names else [])
        shapes: dict[str, tuple[int, ...]] = {}
        dtypes: dict[str, np.dtype] = {}
        labels: dict[str, tuple[tuple[int, ...], np.dtype, _Extremes]] = {}
        try:
            for k, _ in pairs:

                def finite(values: np.ndarray, k: str = k) -> None:
                    if values.dtype.kind == "f" and not np.isfinite(values).all():
                        raise ApiError(422, "invalid_dataset", f"{k} holds NaN or infinite values", field)

                shape, dtypes[k] = _read_array(zf, names[k], k, field, max_values, finite, images=True)
                if len(shape) not in (2, 3, 4) or 0 in shape:
                    raise ApiError(422, "invalid_dataset",
                                   f"{k} must be (N, D), (N, H, W) or (N, C, H, W)/(N, H, W, C); got {list(shape)}", field)
                shapes[k] = shape
            for x, y in pairs:
                extremes = _Extremes()
                # labels: no more values than images, streamed like them
                shape, dtype = _read_array(zf, names[y], y, field, shapes[x][0], extremes)
                labels[y] = shape, dtype, extremes
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise ApiError(422, "invalid_dataset", f"the npz archive is damaged: {e}", field) from e
    for x, _ in pairs[1:]:
        if shapes["x_train"][1:] != shapes[x][1:]:
            raise ApiError(422, "invalid_dataset", f"x_train and {x} sample shapes differ: "
                           f"{list(shapes['x_train'][1:])} vs {list(shapes[x][1:])}", field)
    for x, y in pairs:
        shape, dtype, extremes = labels[y]
        _labels_ok(shape, dtype, extremes.least, y, field)
        if shapes[x][0] != shape[0]:
            raise ApiError(422, "invalid_dataset",
                           f"{x} has {shapes[x][0]} samples but its labels have {shape[0]}", field)
    k = max(labels[y][2].greatest or 0 for _, y in pairs) + 1
    return {
        "n_train": int(shapes["x_train"][0]),
        "n_test": int(shapes["x_test"][0]),
        "n_val": int(shapes["x_val"][0]) if "x_val" in shapes else 0,
        "sample_shape": list(shapes["x_train"][1:]),
        "num_features": math.prod(shapes["x_train"][1:]),
        "num_classes": k,
        "input_dtype": str(dtypes["x_train"]),
    }


def train_labels_of(path: Path) -> np.ndarray:
    """The y_train of an npz that `inspect_npz` accepted."""
    with np.load(path, allow_pickle=False) as z:
        return z["y_train"].astype(np.int64)


def inspect_labels(path: Path, n_train: int | None, num_classes: int | None, field: str = "train_labels") -> dict[str, Any]:
    try:
        y = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as e:
        raise ApiError(422, "invalid_labels", f"train_labels must be a .npy integer array: {e}", field) from e
    if not isinstance(y, np.ndarray):
        raise ApiError(422, "invalid_labels", "train_labels must be a single .npy array, not an archive", field)
    _labels_ok(y.shape, y.dtype, int(y.min()) if y.size else None, "train_labels", field)
    if n_train is not None and len(y) != n_train:
        raise ApiError(422, "invalid_labels",
                       f"train_labels has {len(y)} entries but the training set has {n_train}", field)
    if num_classes is not None and y.size and int(y.max()) >= num_classes:
        raise ApiError(422, "invalid_labels",
                       f"train_labels holds class {int(y.max())} but the data set has {num_classes} classes", field)
    return {"n": int(len(y))}
