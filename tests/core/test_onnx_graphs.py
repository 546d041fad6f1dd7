"""ONNX graphs written by hand with onnx.helper: a MatMul + Add head, and every file the loader
must refuse, each with its code and message."""

import os

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

from latentgen.edit import repair_last_layer
from latentgen.extract import extract
from latentgen.networks import NetworkError, OPSET_RANGE, inspect_upload, load_network
from latentgen.probes import LinearProbe

RNG = np.random.default_rng(0)
W1 = RNG.standard_normal((4, 6)).astype(np.float32)
W2 = RNG.standard_normal((6, 3)).astype(np.float32)
B = RNG.standard_normal(3).astype(np.float32)


def hand_model(opset: int = 17, input_dims=("batch", 4), tail=()) -> onnx.ModelProto:
    """x (batch, 4) -> MatMul W1 -> Relu -> MatMul W2 -> Add b -> logits (batch, 3), then `tail`."""
    nodes = [helper.make_node("MatMul", ["x", "W1"], ["h"], name="hidden"),
             helper.make_node("Relu", ["h"], ["r"], name="relu"),
             helper.make_node("MatMul", ["r", "W2"], ["z"], name="head"),
             helper.make_node("Add", ["z", "b"], ["logits" if not tail else "y0"], name="bias"), *tail]
    graph = helper.make_graph(
        nodes, "hand", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(input_dims))],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        [numpy_helper.from_array(W1, "W1"), numpy_helper.from_array(W2, "W2"), numpy_helper.from_array(B, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def save(model: onnx.ModelProto, path) -> str:
    path.write_bytes(model.SerializeToString())
    return str(path)


def refused(path, max_bytes=None) -> NetworkError:
    with pytest.raises(NetworkError) as info:
        load_network(path, None) if max_bytes is None else load_network(path, None, max_bytes=max_bytes)
    return info.value


def test_matmul_add_head_is_the_final_layer_and_repair_writes_it(tmp_path):
    path = save(hand_model(), tmp_path / "hand.onnx")
    network = load_network(path, None)
    final = network.final_layer()
    assert (final.name, final.in_features, final.out_features, final.has_bias) == ("bias", 6, 3, True)
    weight, bias = network.final_weights()
    assert np.array_equal(weight.numpy(), W2.T) and np.array_equal(bias.numpy(), B)
    assert [(l.name, l.type, l.output_shape) for l in network.layers()] == [
        ("hidden", "MatMul", (6,)), ("relu", "Relu", (6,)), ("head", "MatMul", (3,)), ("bias", "Add", (3,))]
    assert network.default_probe_layers() == ["relu"]
    x = torch.from_numpy(RNG.standard_normal((300, 4)).astype(np.float32))
    hidden = np.maximum(x.numpy() @ W1, 0)
    got = extract(network, x, ["relu", "bias:input", "bias"], batch_size=64, device="cpu")
    assert np.allclose(got["relu"].numpy(), hidden, atol=1e-5)
    assert np.allclose(got["bias:input"].numpy(), hidden, atol=1e-5)
    assert np.allclose(got["bias"].numpy(), hidden @ W2 + B, atol=1e-4)

    labels = np.argmax(hidden @ RNG.standard_normal((6, 3)), axis=1)
    repaired, report = repair_last_layer(network, x, labels, device="cpu")
    assert report.layer == "bias" and report.bias == "zero"
    out = tmp_path / "repaired.onnx"
    repaired.save(out)
    saved = {t.name: t for t in onnx.load(str(out)).graph.initializer}
    assert saved["W1"].SerializeToString() == numpy_helper.from_array(W1, "W1").SerializeToString()
    probe = LinearProbe().fit(torch.from_numpy(hidden), labels, num_classes=3)
    assert np.allclose(numpy_helper.to_array(saved["W2"]), probe.W.T, atol=1e-6)
    assert np.array_equal(numpy_helper.to_array(saved["b"]), np.zeros(3, np.float32))
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    assert (session.run(None, {"x": x.numpy()})[0].argmax(1) == probe.predict(torch.from_numpy(hidden))).mean() >= 0.999
    # the input network is untouched
    assert np.array_equal(network.final_weights()[0].numpy(), W2.T)


@pytest.mark.parametrize("tail", [
    [helper.make_node("Softmax", ["y0"], ["logits"], name="softmax", axis=1)],
    [helper.make_node("LogSoftmax", ["y0"], ["logits"], name="log_softmax", axis=1)],
    [helper.make_node("Cast", ["y0"], ["y1"], to=TensorProto.FLOAT), helper.make_node("Identity", ["y1"], ["logits"])],
    [helper.make_node("Reshape", ["y0", "shape"], ["logits"], name="reshape")],
], ids=["softmax", "log_softmax", "cast", "reshape"])
def test_the_head_is_found_behind_what_follows_it_and_the_repair_keeps_that(tmp_path, tail):
    model = hand_model(tail=tail)
    model.graph.initializer.append(numpy_helper.from_array(np.array([-1, 3], np.int64), "shape"))
    path = save(model, tmp_path / "tail.onnx")
    info = inspect_upload(path, None)
    assert info["final_layer"] == "bias" and info["final_layer_problem"] is None
    network = load_network(path, None)
    x = torch.from_numpy(RNG.standard_normal((200, 4)).astype(np.float32))
    hidden = np.maximum(x.numpy() @ W1, 0)
    labels = np.argmax(hidden @ RNG.standard_normal((6, 3)), axis=1)
    repaired, _ = repair_last_layer(network, x, labels, device="cpu")
    out = tmp_path / "repaired.onnx"
    repaired.save(out)
    saved = onnx.load(str(out))
    assert [n.op_type for n in saved.graph.node] == [n.op_type for n in model.graph.node]  # the tail is kept
    probe = LinearProbe().fit(torch.from_numpy(hidden), labels, num_classes=3)
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    assert np.array_equal(session.run(None, {"x": x.numpy()})[0].argmax(1), probe.predict(torch.from_numpy(hidden)))


def test_a_head_bias_shared_through_identity_gets_its_own_copy(tmp_path):
    # exporters de-duplicate equal constants: the head's bias is the hidden Add's, read through Identity
    V = RNG.standard_normal((4, 3)).astype(np.float32)
    W = RNG.standard_normal((9, 3)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "V"], ["p"]), helper.make_node("Add", ["p", "b"], ["q"]),
             helper.make_node("Relu", ["q"], ["r"]), helper.make_node("MatMul", ["x", "W1"], ["h0"]),
             helper.make_node("Relu", ["h0"], ["h"]), helper.make_node("Concat", ["h", "r"], ["hc"], axis=1),
             helper.make_node("Identity", ["b"], ["b_head"]),
             helper.make_node("Gemm", ["hc", "W", "b_head"], ["logits"], name="fc")]
    graph = helper.make_graph(
        nodes, "shared", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        [numpy_helper.from_array(a, n) for a, n in ((V, "V"), (B, "b"), (W1, "W1"), (W, "W"))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = save(model, tmp_path / "shared.onnx")
    network = load_network(path, None)
    assert network.final_layer().name == "fc" and np.array_equal(network.final_weights()[1].numpy(), B)
    x = torch.from_numpy(RNG.standard_normal((200, 4)).astype(np.float32))
    labels = RNG.integers(0, 3, 200)
    repaired, report = repair_last_layer(network, x, labels, device="cpu")
    assert report.bias == "zero"
    out = tmp_path / "repaired.onnx"
    repaired.save(out)
    saved = onnx.load(str(out))
    arrays = {t.name: numpy_helper.to_array(t) for t in saved.graph.initializer}
    assert np.array_equal(arrays["b"], B)  # the hidden Add still adds b
    head = [n for n in saved.graph.node if n.name == "fc"][0]
    assert head.input[2] not in ("b", "b_head") and np.array_equal(arrays[head.input[2]], np.zeros(3, np.float32))
    # the rest of the network computes what it did: only the head changed
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    h = np.concatenate([np.maximum(x.numpy() @ W1, 0), np.maximum(x.numpy() @ V + B, 0)], axis=1)
    assert np.allclose(session.run(None, {"x": x.numpy()})[0], h @ arrays["W"], atol=1e-4)


def test_a_graph_without_final_linear_layer_is_probe_only_and_says_why(tmp_path):
    path = save(hand_model(tail=[helper.make_node("Relu", ["y0"], ["logits"], name="last_relu")]),
                tmp_path / "relu.onnx")
    info = inspect_upload(path, None)
    assert info["final_layer"] is None and info["arch"]["num_classes"] == 3
    assert "Relu node 'last_relu'" in info["final_layer_problem"]
    network = load_network(path, None)
    x = torch.from_numpy(RNG.standard_normal((40, 4)).astype(np.float32))
    assert extract(network, x, ["relu"], device="cpu")["relu"].shape == (40, 6)  # probing works
    with pytest.raises(NetworkError) as info:
        repair_last_layer(network, x, np.arange(40) % 3, device="cpu")
    assert info.value.code == "no_final_linear" and "can be probed but not repaired" in info.value.message
    assert "Relu node 'last_relu'" in info.value.message


def test_not_onnx_is_refused(tmp_path):
    from safetensors.numpy import save_file

    text = tmp_path / "notes.onnx"
    text.write_bytes(b"this is not a model at all")
    save_file({"w": W1}, str(tmp_path / "w.safetensors"))
    for path in (text, tmp_path / "w.safetensors"):
        error = refused(path)
        assert error.code == "invalid_onnx" and error.field == "weights"
        assert error.message.startswith("not an ONNX model")


def test_checker_failures_are_refused_with_the_full_check(tmp_path):
    model = hand_model()
    model.graph.initializer[1].CopyFrom(numpy_helper.from_array(np.ones((5, 3), np.float32), "W2"))  # 6 -> 5: wrong
    onnx.checker.check_model(model)  # the basic check misses it
    error = refused(save(model, tmp_path / "bad.onnx"))
    assert error.code == "onnx_check_failed" and "onnx.checker (full check) refused the model" in error.message


@pytest.mark.timeout(60)
def test_external_data_is_refused_and_nothing_is_read(tmp_path):
    for location in ("../../etc/passwd", "weights.bin"):
        model = hand_model()
        tensor = model.graph.initializer[0]
        tensor.ClearField("raw_data")
        tensor.data_location = TensorProto.EXTERNAL
        tensor.external_data.add(key="location", value=location)
        path = save(model, tmp_path / "external.onnx")
        # a FIFO: opening it for reading would block this test until its timeout
        if location == "weights.bin":
            os.mkfifo(tmp_path / location)
        error = refused(path)
        assert error.code == "onnx_external_data"
        assert f"tensor 'W1' refers to external data ('{location}')" in error.message


def test_operators_outside_the_standard_domains_are_refused(tmp_path):
    model = hand_model(tail=[helper.make_node("Evil", ["y0"], ["logits"], name="evil", domain="com.example")])
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    error = refused(save(model, tmp_path / "custom.onnx"))
    assert error.code == "onnx_operator_domain" and "com.example::Evil" in error.message


@pytest.mark.parametrize("opset", [OPSET_RANGE[0] - 1, OPSET_RANGE[1] + 1])
def test_opsets_outside_the_range_are_refused(tmp_path, opset):
    error = refused(save(hand_model(opset=opset), tmp_path / "opset.onnx"))
    assert error.code == "onnx_opset"
    assert f"opset {opset} is outside the supported range {OPSET_RANGE[0]}-{OPSET_RANGE[1]}" in error.message


@pytest.mark.parametrize("dims", [(1, 4), (4,)])
def test_an_input_without_batch_dimension_is_refused(tmp_path, dims):
    model = hand_model(input_dims=dims)
    if len(dims) == 1:
        model.graph.output[0].CopyFrom(helper.make_tensor_value_info("logits", TensorProto.FLOAT, [3]))
    error = refused(save(model, tmp_path / "fixed.onnx"))
    assert error.code == "onnx_batch_dim" and "has no batch dimension" in error.message


def test_more_than_one_input_or_output_is_refused(tmp_path):
    two_inputs = hand_model()
    two_inputs.graph.input.append(helper.make_tensor_value_info("extra", TensorProto.FLOAT, ["batch", 4]))
    two_outputs = hand_model()
    two_outputs.graph.output.append(helper.make_tensor_value_info("r", TensorProto.FLOAT, ["batch", 6]))
    for name, model, counts in (("inputs", two_inputs, "2 inputs (x, extra) and 1 outputs"),
                                ("outputs", two_outputs, "1 inputs (x) and 2 outputs")):
        error = refused(save(model, tmp_path / f"{name}.onnx"))
        assert error.code == "onnx_io" and f"the graph has {counts}; exactly one of each" in error.message


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = save(hand_model(), tmp_path / "big.onnx")
    error = refused(path, max_bytes=100)
    assert error.code == "onnx_too_large" and "over the limit of 100" in error.message


@pytest.mark.timeout(120)
def test_a_graph_that_runs_forever_is_stopped_and_refused(tmp_path, monkeypatch):
    import latentgen.networks.onnx_backend as onnx_backend

    monkeypatch.setattr(onnx_backend, "DRY_RUN_SECONDS", 1.0)
    value = helper.make_tensor_value_info
    body = helper.make_graph(  # adds 1 per iteration, 10**12 iterations
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]), helper.make_node("Add", ["acc_in", "one"], ["acc_out"])],
        "body", [value("i", TensorProto.INT64, []), value("cond_in", TensorProto.BOOL, []),
                 value("acc_in", TensorProto.FLOAT, ["batch", 3])],
        [value("cond_out", TensorProto.BOOL, []), value("acc_out", TensorProto.FLOAT, ["batch", 3])],
        [numpy_helper.from_array(np.ones(3, np.float32), "one")])
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["h"], name="hidden"),
         helper.make_node("Loop", ["trip", "cond", "h"], ["logits"], name="loop", body=body)],
        "forever", [value("x", TensorProto.FLOAT, ["batch", 4])], [value("logits", TensorProto.FLOAT, ["batch", 3])],
        [numpy_helper.from_array(np.ones((4, 3), np.float32), "W"), numpy_helper.from_array(np.array(10**12), "trip"),
         numpy_helper.from_array(np.array(True), "cond")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    error = refused(save(model, tmp_path / "forever.onnx"))
    assert error.code == "onnx_runtime" and "within 1 s" in error.message
