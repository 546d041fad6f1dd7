"""Validation of an uploaded ONNX file, before anything runs it.

Bounds that protect the server: a size limit, no external data (its locations are file paths that
would be read), operators from the standard domains only (custom domains mean custom kernels), an
opset inside `OPSET_RANGE`, and `onnx.checker`'s full check. The bytes are parsed as a protobuf
message; nothing in the file is executed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import onnx
from onnx import GraphProto, ModelProto, NodeProto, TensorProto

from latentgen.networks.base import NetworkError

MAX_ONNX_BYTES = 1 << 30  # protobuf itself stops at 2 GiB
OPSET_RANGE = (11, 23)  # default-domain opsets accepted: torch.onnx.export writes 17-20; onnxruntime runs 23
STANDARD_DOMAINS = ("", "ai.onnx", "ai.onnx.ml")


def _graph_tensors(graph: GraphProto) -> Iterator[TensorProto]:
    yield from graph.initializer
    for sparse in graph.sparse_initializer:
        yield sparse.values
        yield sparse.indices
    for node in graph.node:
        yield from _node_tensors(node)


def _node_tensors(node: NodeProto) -> Iterator[TensorProto]:
    for attr in node.attribute:
        if attr.HasField("t"):
            yield attr.t
        yield from attr.tensors
        for sparse in ([attr.sparse_tensor] if attr.HasField("sparse_tensor") else []) + list(attr.sparse_tensors):
            yield sparse.values
            yield sparse.indices
        for graph in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
            yield from _graph_tensors(graph)


def _all_nodes(model: ModelProto) -> Iterator[NodeProto]:
    def walk(nodes):
        for node in nodes:
            yield node
            for attr in node.attribute:
                for graph in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                    yield from walk(graph.node)

    yield from walk(model.graph.node)
    for function in model.functions:
        yield from walk(function.node)


def _refuse_external_data(model: ModelProto) -> None:
    tensors = list(_graph_tensors(model.graph))
    for function in model.functions:
        for node in function.node:
            tensors.extend(_node_tensors(node))
    for tensor in tensors:
        if tensor.data_location == TensorProto.EXTERNAL or len(tensor.external_data):
            location = next((e.value for e in tensor.external_data if e.key == "location"), "")
            raise NetworkError(
                "onnx_external_data",
                f"tensor {tensor.name!r} refers to external data ({location!r}); external data is refused: "
                "save the model with every tensor inside the file (onnx.save(model, path, save_as_external_data=False))")


def _refuse_custom_operators(model: ModelProto) -> None:
    custom = sorted({f"{node.domain}::{node.op_type}" for node in _all_nodes(model) if node.domain not in STANDARD_DOMAINS})
    if custom:
        raise NetworkError(
            "onnx_operator_domain",
            f"operators outside the standard ONNX domains are refused: {', '.join(custom[:10])}; "
            f"allowed domains: {', '.join(repr(d) for d in STANDARD_DOMAINS)}")


def opset_version(model: ModelProto) -> int | None:
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)


def _check_opset(model: ModelProto) -> None:
    version = opset_version(model)
    low, high = OPSET_RANGE
    if version is None or not low <= version <= high:
        got = "no default-domain opset" if version is None else f"opset {version}"
        raise NetworkError("onnx_opset", f"{got} is outside the supported range {low}-{high}; "
                                         f"re-export with an opset in it (torch.onnx.export(..., opset_version=17))")


def read_onnx(path: str | Path, max_bytes: int = MAX_ONNX_BYTES) -> ModelProto:
    """Parse and validate an ONNX file; raises `NetworkError` naming the first problem found."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise NetworkError("onnx_too_large", f"the ONNX file has {size} bytes, over the limit of {max_bytes}")
    try:
        # parsed from bytes, with no base directory: no external file is resolved or opened
        model = ModelProto.FromString(path.read_bytes())
    except Exception as e:  # noqa: BLE001 - any decoding failure means the file is not ONNX
        raise NetworkError("invalid_onnx", f"not an ONNX model: the file does not parse as an ONNX ModelProto ({e})") from e
    if model.ir_version < 1 or not model.HasField("graph") or not len(model.graph.node):
        raise NetworkError("invalid_onnx", "not an ONNX model: no IR version or no graph nodes")
    _refuse_external_data(model)
    _refuse_custom_operators(model)
    _check_opset(model)
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:  # noqa: BLE001 - ValidationError, InferenceError...
        first = str(e).strip().splitlines()[0][:500] if str(e).strip() else type(e).__name__
        raise NetworkError("onnx_check_failed", f"onnx.checker (full check) refused the model: {first}") from e
    return model
