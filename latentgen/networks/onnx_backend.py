"""ONNX backend: a graph and its initializers, run with onnxruntime (the CUDA execution provider
when the device is a GPU and the provider is installed, otherwise the CPU).

Layers are graph nodes of the operators in `LAYER_OPS`, named by their node name (or, when that is
empty or not unique, by their first output's name); a layer's output is that node's first output,
its ":input" the node's first input. Captured layers are read by adding their values as extra
outputs of an in-memory copy of the graph, one onnxruntime session per set of captured values.

The final linear layer is the `Gemm` (A not transposed), the `MatMul` + `Add` or the lone `MatMul`
whose output is the graph's output (possibly through `Flatten`/`Identity`), with its weight (and
bias) in initializers that no other node uses, and a 2-D input. For `MatMul` + `Add` the layer is
named after the `Add` node (its output is the logits) and its ":input" is the `MatMul`'s input.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import onnx
import torch
from onnx import ModelProto, NodeProto, TensorProto, helper, numpy_helper

from latentgen.device import resolve_device
from latentgen.networks.base import INPUT_SUFFIX, FinalLayer, LayerInfo, Network, NetworkError
from latentgen.networks.onnx_checks import MAX_ONNX_BYTES, read_onnx

ONNX_ARCH = "onnx"  # the arch name of a network whose architecture is its graph
ACTIVATIONS = frozenset({"Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Gelu", "Sigmoid", "HardSigmoid",
                         "Tanh", "Softplus", "Softsign", "HardSwish", "Mish", "ThresholdedRelu", "Clip"})
# ReduceMean: global average pooling as the dynamo exporter writes it
POOLING = frozenset({"MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool", "GlobalLpPool",
                     "ReduceMean"})
LAYER_OPS = ACTIVATIONS | POOLING | {"Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "BatchNormalization",
                                     "InstanceNormalization", "LayerNormalization", "Flatten", "Reshape", "Concat"}
DENSE_OPS = frozenset({"Gemm", "MatMul", "Flatten", "Reshape"})
PASS_THROUGH = frozenset({"Identity", "Dropout", "Flatten", "Reshape", "Squeeze"})
# between the final linear layer and the graph's output: shape and type changes, and a softmax
# (the repair edits the linear layer and keeps them)
HEAD_PASS_THROUGH = frozenset({"Identity", "Flatten", "Reshape", "Squeeze", "Cast", "Softmax", "LogSoftmax"})
FLOAT_TYPES = {TensorProto.FLOAT: np.float32, TensorProto.FLOAT16: np.float16, TensorProto.DOUBLE: np.float64}
MAX_SESSIONS = 4
DRY_RUN_SECONDS = 60.0  # bound on the one batch run when a network is loaded (e.g. a Loop that never ends)


@dataclass(frozen=True)
class _Head:
    name: str  # layer name of the final linear layer
    input: str  # value holding its input h
    output: str  # value holding its output W h + b
    weight: str  # initializer names
    bias: str | None
    weight_input: tuple[NodeProto, int]  # the node input that reads each
    bias_input: tuple[NodeProto, int] | None
    transposed: bool = False  # weight stored as (out, in), as Gemm with transB=1
    alpha: float = 1.0
    beta: float = 1.0


def _attr(node: NodeProto, name: str, default):
    for attr in node.attribute:
        if attr.name == name:
            return helper.get_attribute_value(attr)
    return default


class _Graph:
    """Indexes of a graph: producers, consumers, initializers, layer names."""

    def __init__(self, model: ModelProto):
        graph = model.graph
        self.nodes = list(graph.node)
        self.initializers = {t.name: i for i, t in enumerate(graph.initializer)}
        self.producer = {out: node for node in self.nodes for out in node.output}
        self.consumers: dict[str, list[NodeProto]] = {}
        for node in self.nodes:
            for value in node.input:
                self.consumers.setdefault(value, []).append(node)
        counts: dict[str, int] = {}
        for node in self.nodes:
            counts[node.name] = counts.get(node.name, 0) + 1
        self.layer_name = {id(node): node.name if node.name and counts[node.name] == 1 else node.output[0]
                           for node in self.nodes}
        self.changed = False  # whether `own_parameter` rewrote the graph (its indexes are then stale)

    def is_constant(self, value: str) -> bool:
        node = self.producer.get(value)
        return value in self.initializers or (node is not None and node.op_type == "Constant")

    def source(self, value: str) -> NodeProto | None:
        """The node that computes `value`, looking through pass-through operators."""
        node = self.producer.get(value)
        while node is not None and node.op_type in PASS_THROUGH and node.input:
            node = self.producer.get(node.input[0])
        return node

    def sinks(self, value: str) -> list[NodeProto]:
        """The nodes that use `value`, looking through Identity and Dropout."""
        found = []
        for node in self.consumers.get(value, []):
            if node.op_type in ("Identity", "Dropout"):
                found += self.sinks(node.output[0])
            else:
                found.append(node)
        return found

    def stored(self, value: str) -> str | None:
        """The initializer that `value` is, directly or through Identity nodes; None if computed."""
        while value not in self.initializers:
            node = self.producer.get(value)
            if node is None or node.op_type != "Identity":
                return None
            value = node.input[0]
        return value

    def find_head(self, model: ModelProto) -> tuple[_Head | None, str | None]:
        """The final linear layer (weight and bias in initializers, possibly shared: see
        `own_parameter`), or None and why there is none."""
        node = self.producer.get(model.graph.output[0].name)
        while node is not None and node.op_type in HEAD_PASS_THROUGH:
            if node.op_type == "Cast" and _attr(node, "to", None) not in FLOAT_TYPES:
                return None, f"the output is cast to a type that is not float (Cast node {self.layer_name[id(node)]!r})"
            node = self.producer.get(node.input[0])
        if node is None:
            return None, "the graph's output is not computed from its input"
        where = f"{node.op_type} node {self.layer_name[id(node)]!r}"
        if node.op_type == "Gemm":
            if _attr(node, "transA", 0):
                return None, f"the final {where} transposes its input (transA = 1)"
            bias = node.input[2] if len(node.input) > 2 and node.input[2] else None
            return self._head(node, node, 1, bias and 2, transposed=bool(_attr(node, "transB", 0)),
                              alpha=float(_attr(node, "alpha", 1.0)), beta=float(_attr(node, "beta", 1.0)))
        if node.op_type == "MatMul":
            return self._head(node, node, 1, None)
        if node.op_type == "Add":
            for i in (0, 1):
                matmul = self.producer.get(node.input[i])
                if (matmul is not None and matmul.op_type == "MatMul" and self.stored(node.input[1 - i]) is not None
                        and len(self.consumers.get(matmul.output[0], [])) == 1):
                    return self._head(matmul, node, 1, 1 - i)
            return None, f"the output comes from an {where} that adds no stored bias to a MatMul"
        passing = ", ".join(sorted(HEAD_PASS_THROUGH))
        return None, (f"the output comes from a {where}: a final linear layer is a Gemm or a MatMul (+ Add) "
                      f"whose output reaches the graph's output, possibly through {passing}")

    def _head(self, linear: NodeProto, last: NodeProto, weight: int, bias: int | None,
              **options) -> tuple[_Head | None, str | None]:
        where = f"{linear.op_type} node {self.layer_name[id(linear)]!r}"
        w = self.stored(linear.input[weight])
        if w is None:
            return None, f"the weight of the final {where} is computed in the graph, not stored"
        b = None if bias is None else self.stored(last.input[bias])
        if bias is not None and b is None:
            return None, f"the bias of the final {where} is computed in the graph, not stored"
        return _Head(self.layer_name[id(last)], linear.input[0], last.output[0], w, b, (linear, weight),
                     None if bias is None else (last, bias), **options), None

    def own_parameter(self, model: ModelProto, read: tuple[NodeProto, int]) -> str:
        """The initializer that `node.input[index]` reads, made the node's own: where it is shared
        with other nodes or reached through Identity (exporters de-duplicate equal constants, e.g.
        zero biases), a copy under a new name that only this input reads. Writing it then changes
        this node alone."""
        node, index = read
        value = node.input[index]
        source = self.stored(value)
        if value == source and len(self.consumers.get(value, [])) == 1:
            return value
        names = {t.name for t in model.graph.initializer} | set(self.producer)
        name, suffix = f"{node.name or node.output[0]}_param{index}", 0
        while name in names:
            suffix += 1
            name = f"{node.name or node.output[0]}_param{index}_{suffix}"
        copy = onnx.TensorProto()
        copy.CopyFrom(model.graph.initializer[self.initializers[source]])
        copy.name = name
        model.graph.initializer.append(copy)
        node.input[index] = name
        self.changed = True
        return name


def _providers(device: torch.device) -> list[str]:
    import onnxruntime as ort

    if device.type == "cuda" and "CUDAExecutionProvider" in ort.get_available_providers():
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


class OnnxNetwork(Network):
    """A validated ONNX model (see `load_onnx_network`) with one input (batch, ...) and one output
    (batch, classes)."""

    backend = "onnx"
    save_format = "onnx"

    def __init__(self, model: ModelProto):
        self.model = model
        graph = model.graph
        self._graph = _Graph(model)
        inputs = [i for i in graph.input if i.name not in self._graph.initializers]
        if len(inputs) != 1 or len(graph.output) != 1:
            raise NetworkError("onnx_io", f"the graph has {len(inputs)} inputs ({', '.join(i.name for i in inputs)}) "
                                          f"and {len(graph.output)} outputs; exactly one of each is supported")
        self._input = inputs[0]
        self._output = graph.output[0].name
        self.input_shape, self._input_dtype = self._check_input(self._input)
        self._sessions: OrderedDict[tuple, Any] = OrderedDict()
        self._dry_run()

    # ---- structure ----

    @staticmethod
    def _check_input(value) -> tuple[tuple[int, ...], type]:
        tensor = value.type.tensor_type
        if not value.type.HasField("tensor_type") or tensor.elem_type not in FLOAT_TYPES:
            raise NetworkError("onnx_io", f"the input {value.name!r} must be a float tensor")
        dims = list(tensor.shape.dim) if tensor.HasField("shape") else []
        if len(dims) < 2 or dims[0].HasField("dim_value"):
            got = "no shape" if not dims else "shape [" + ", ".join(d.dim_param or str(d.dim_value) for d in dims) + "]"
            raise NetworkError("onnx_batch_dim",
                               f"the input {value.name!r} has no batch dimension ({got}): its first dimension must be "
                               "free; export with dynamic_axes={'x': {0: 'batch'}} (or dynamic_shapes)")
        shape = tuple(d.dim_value if d.HasField("dim_value") else 0 for d in dims[1:])
        if min(shape) < 1:
            raise NetworkError("onnx_io", f"the input {value.name!r} must have fixed sizes after the batch dimension, "
                                          f"got [{', '.join(d.dim_param or str(d.dim_value) for d in dims)}]")
        return shape, FLOAT_TYPES[tensor.elem_type]

    def _dry_run(self) -> None:
        """Run a batch of 2 zeros capturing every candidate layer: output shapes, which values
        are per example, the number of classes, and whether the head's input is 2-D."""
        graph = self._graph
        head, self._no_head = graph.find_head(self.model)
        candidates = [node for node in graph.nodes if node.op_type in LAYER_OPS]
        values = list(dict.fromkeys([node.output[0] for node in candidates] + ([head.input] if head else [])))
        try:
            results = self._run_values(values, torch.zeros(2, *self.input_shape), torch.device("cpu"),
                                       time_limit=DRY_RUN_SECONDS)
        except Exception as e:  # noqa: BLE001 - onnxruntime refuses, fails or is stopped on the graph
            raise NetworkError("onnx_runtime", f"onnxruntime cannot run the model on a batch of 2 zeros within "
                                               f"{DRY_RUN_SECONDS:g} s: {str(e).strip()[:500]}") from e
        logits = results[self._output]
        if logits.ndim != 2 or logits.shape[0] != 2 or logits.shape[1] < 2:
            raise NetworkError("onnx_io", f"the output must be (batch, classes) with at least 2 classes; "
                                          f"for a batch of 2 it is {list(logits.shape)}")
        self.num_classes = int(logits.shape[1])
        self._layers: list[LayerInfo] = []
        self._values: dict[str, str] = {}  # layer name -> output value
        self._inputs: dict[str, str] = {}  # layer name -> input value
        for node in candidates:
            out = results[node.output[0]]
            if out.ndim >= 2 and out.shape[0] == 2:  # per example (not a shape or constant computation)
                name = graph.layer_name[id(node)]
                self._layers.append(LayerInfo(name, node.op_type, tuple(int(s) for s in out.shape[1:])))
                self._values[name], self._inputs[name] = node.output[0], node.input[0]
        if head is not None and (problem := self._unusable(head, results)) is not None:
            head, self._no_head = None, problem
        self._head = None if head is None else self._owned(head)
        if self._head is not None:
            self._values[head.name], self._inputs[head.name] = head.output, head.input

    def _unusable(self, head: _Head, results: dict[str, np.ndarray]) -> str | None:
        """Why the head's weights cannot be read and written (None: they can): a 2-D float weight
        with one row per class, a bias of one value per class, a 2-D input, an output per example."""
        weight = self.model.graph.initializer[self._graph.initializers[head.weight]]
        where = f"the final linear layer {head.name!r}"
        if len(weight.dims) != 2 or weight.data_type not in FLOAT_TYPES:
            return f"{where} has a weight of shape {list(weight.dims)}; a 2-D float matrix can be repaired"
        if head.name not in self._values:
            return f"{where} does not compute one output per example"
        out_features = weight.dims[0] if head.transposed else weight.dims[1]
        if out_features != self.num_classes:
            return f"{where} has {out_features} outputs for the graph's {self.num_classes} classes"
        if results[head.input].ndim != 2:
            return (f"{where} reads a {results[head.input].ndim}-D input ({list(results[head.input].shape[1:])} per "
                    "example); the repair needs a flat (batch, features) one")
        if head.bias is not None:
            bias = self.model.graph.initializer[self._graph.initializers[head.bias]]
            if bias.data_type not in FLOAT_TYPES or int(np.prod(bias.dims)) != out_features:
                return f"{where} has a bias of shape {list(bias.dims)} for {out_features} outputs"
        return None

    def _owned(self, head: _Head) -> _Head:
        """The head with a weight and bias of its own (`_Graph.own_parameter`), indexes rebuilt if
        that rewrote the graph."""
        weight = self._graph.own_parameter(self.model, head.weight_input)
        bias = None if head.bias_input is None else self._graph.own_parameter(self.model, head.bias_input)
        if self._graph.changed:
            self._graph = _Graph(self.model)
        return replace(head, weight=weight, bias=bias)

    @property
    def arch(self) -> dict[str, Any]:
        return {"name": ONNX_ARCH, "input_shape": list(self.input_shape), "num_classes": self.num_classes}

    def layers(self) -> list[LayerInfo]:
        return list(self._layers)

    def default_probe_layers(self) -> list[str]:
        """Pooling outputs; activations that feed the dense part (Gemm, MatMul, Flatten, Reshape);
        in a graph with residual additions (an Add of two computed values), the activations that
        follow one (block outputs); and the final layer's input (the last hidden layer)."""
        graph = self._graph
        residual = {node.output[0] for node in graph.nodes if node.op_type == "Add" and len(node.input) == 2
                    and not any(graph.is_constant(v) for v in node.input)}
        chosen = []
        for node in graph.nodes:
            name = graph.layer_name[id(node)]
            if name not in self._values or (self._head is not None and name == self._head.name):
                continue
            if node.op_type in POOLING or (node.op_type in ACTIVATIONS and (
                    node.input[0] in residual or any(s.op_type in DENSE_OPS for s in graph.sinks(node.output[0])))):
                chosen.append(name)
        last = None if self._head is None else graph.source(self._head.input)
        name = None if last is None else graph.layer_name[id(last)]
        if name in self._values and name not in chosen and name != self._head.name:
            chosen.append(name)
        return chosen

    def module_layer(self, module: str) -> str:
        """The last layer computed inside the torch module `module` (e.g. "layer2", "fc1") of a
        graph written by torch.onnx.export: legacy exports name nodes by module path, dynamo
        exports record it in the node's "pkg.torch.onnx.name_scopes" metadata."""
        import ast

        found = None
        for node in self._graph.nodes:
            name = self._graph.layer_name[id(node)]
            if name not in self._values:
                continue
            meta = {p.key: p.value for p in node.metadata_props}
            try:
                scopes = ast.literal_eval(meta["pkg.torch.onnx.name_scopes"])  # a literal: nothing runs
            except (KeyError, ValueError, SyntaxError, RecursionError):
                scopes = node.name.split("/")
            if module in scopes:
                found = name
        if found is None:
            raise ValueError(f"no layer of this graph lies in the module {module!r}")
        return found

    # ---- running ----

    def _session(self, values: tuple[str, ...], device: torch.device):
        import onnxruntime as ort

        providers = _providers(device)
        key = (values, tuple(providers))
        if key in self._sessions:
            self._sessions.move_to_end(key)
            return self._sessions[key]
        outputs = self.model.graph.output
        kept = len(outputs)
        try:
            # untyped extra outputs: the batch dimension stays symbolic, onnxruntime infers the rest
            outputs.extend(onnx.ValueInfoProto(name=v) for v in values if v != self._output)
            data = self.model.SerializeToString()
        finally:
            del outputs[kept:]
        options = ort.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()  # as many threads as the torch path
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(data, options, providers=providers)
        self._sessions[key] = session
        while len(self._sessions) > MAX_SESSIONS:
            self._sessions.popitem(last=False)
        return session

    def _run_values(self, values: Sequence[str], x: torch.Tensor, device: torch.device,
                    time_limit: float | None = None) -> dict[str, np.ndarray]:
        import onnxruntime as ort

        values = tuple(v for v in dict.fromkeys(values) if v != self._output)
        session = self._session(values, device)
        feed = {self._input.name: np.ascontiguousarray(x.detach().cpu().numpy(), dtype=self._input_dtype)}
        options = ort.RunOptions()
        timer = None if time_limit is None else threading.Timer(time_limit, setattr, (options, "terminate", True))
        if timer is not None:
            timer.start()
        try:
            results = session.run([self._output, *values], feed, options)
        finally:
            if timer is not None:
                timer.cancel()
        return dict(zip([self._output, *values], results))

    def _value_of(self, layer: str) -> str:
        base = layer.removesuffix(INPUT_SUFFIX)
        table = self._inputs if layer.endswith(INPUT_SUFFIX) else self._values
        if base not in table:
            raise ValueError(f"unknown layers [{layer!r}]; see network.layers() for the names")
        return table[base]

    @contextmanager
    def capturing(self, layers: Sequence[str], device=None):
        device = resolve_device(device)
        wanted = {layer: self._value_of(layer) for layer in layers}

        def run(x: torch.Tensor):
            results = self._run_values(list(wanted.values()), x, device)
            logits = torch.from_numpy(results[self._output]).to(device)
            outputs = {layer: torch.from_numpy(results[value]).reshape(len(x), -1).float().to(device)
                       for layer, value in wanted.items()}
            return outputs, logits

        with torch.inference_mode():
            yield run

    # ---- the final layer ----

    def final_layer_problem(self) -> str | None:
        return self._no_head

    def final_layer(self) -> FinalLayer | None:
        head = self._head
        if head is None:
            return None
        weight = self._array(head.weight)
        out_features, in_features = weight.shape if head.transposed else weight.shape[::-1]
        return FinalLayer(head.name, int(in_features), int(out_features), head.bias is not None)

    def _array(self, initializer: str) -> np.ndarray:
        return numpy_helper.to_array(self.model.graph.initializer[self._graph.initializers[initializer]])

    def _write(self, initializer: str, array: np.ndarray) -> None:
        index = self._graph.initializers[initializer]
        old = self.model.graph.initializer[index]
        dtype = helper.tensor_dtype_to_np_dtype(old.data_type)
        self.model.graph.initializer[index].CopyFrom(
            numpy_helper.from_array(np.ascontiguousarray(array.reshape(tuple(old.dims)).astype(dtype)), initializer))

    def final_weights(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        self.require_final_layer()
        head = self._head
        stored = self._array(head.weight).astype(np.float64)
        weight = head.alpha * (stored if head.transposed else stored.T)
        bias = None if head.bias is None else head.beta * self._array(head.bias).astype(np.float64).reshape(-1)
        return (torch.from_numpy(weight.astype(np.float32)),
                None if bias is None else torch.from_numpy(bias.astype(np.float32)))

    def set_final_weights(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        final = self.require_final_layer()
        head = self._head
        weight = weight.detach().cpu().double().numpy()
        if weight.shape != (final.out_features, final.in_features):
            raise ValueError(f"weight of shape {weight.shape} for {final.name!r} of shape "
                             f"{(final.out_features, final.in_features)}")
        if (bias is None) != (head.bias is None):
            raise ValueError(f"{final.name!r} {'has' if final.has_bias else 'has no'} bias")
        if head.alpha == 0 or (head.bias is not None and head.beta == 0):
            raise ValueError(f"{final.name!r} has alpha or beta 0: its weights cannot be written")
        stored = weight / head.alpha
        self._write(head.weight, stored if head.transposed else stored.T)
        if bias is not None:
            self._write(head.bias, bias.detach().cpu().double().numpy() / head.beta)
        self._sessions.clear()

    # ---- the rest ----

    def copy(self) -> "OnnxNetwork":
        model = ModelProto()
        model.CopyFrom(self.model)
        return OnnxNetwork(model)

    def num_parameters(self) -> int:
        return int(sum(int(np.prod(t.dims)) for t in self.model.graph.initializer))

    def save(self, path: str | Path) -> str:
        Path(path).write_bytes(self.model.SerializeToString())
        return self.save_format


def load_onnx_network(path: str | Path, arch: dict[str, Any] | None = None,
                      max_bytes: int = MAX_ONNX_BYTES) -> OnnxNetwork:
    """Validate and load an ONNX file (see `onnx_checks.read_onnx`): one float input with a free
    batch dimension, one (batch, classes) output, runnable by onnxruntime. `arch`, when given (a
    stored record's), must be the one the graph implies."""
    network = OnnxNetwork(read_onnx(path, max_bytes))
    if arch is not None and _normalized(arch) != network.arch:
        raise NetworkError("invalid_arch", f"the ONNX graph implies the architecture {network.arch}, not {dict(arch)}",
                           "arch")
    return network


def _normalized(arch: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"name": arch.get("name"), "input_shape": [int(s) for s in arch.get("input_shape") or ()],
                "num_classes": int(arch.get("num_classes") or 0)}
    except (TypeError, ValueError):
        return dict(arch)
