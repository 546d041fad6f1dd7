"""ONNX networks through the core: exported with torch.onnx.export inside the tests, their layers,
probes, repair and dynamics against the torch path on the same weights."""

import warnings

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from torch import nn

from latentgen.corruption import corrupt_labels
from latentgen.data import load_digits
from latentgen.dynamics import probe_checkpoints, probe_networks
from latentgen.edit import repair_last_layer
from latentgen.extract import extract
from latentgen.metrics import predict
from latentgen.models import build_model, final_linear
from latentgen.networks import NetworkError, OnnxNetwork, TorchNetwork, inspect_upload, load_network
from latentgen.probes import LinearProbe
from latentgen.report import probe_model
from latentgen.train import Recipe, train

FAST = Recipe("adam", 3e-3, batch_size=64)


class ResidualNet(nn.Module):
    """None of our builders: a residual block with BatchNorm, global average pooling, dropout and a
    classifier head."""

    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.block = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                                   nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16))
        self.relu = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(16, num_classes)

    def forward(self, x):
        h = self.stem(x)
        h = self.relu(h + self.block(h))
        return self.head(self.dropout(self.pool(h).flatten(1)))


# torch module -> its layers probed here (for our builders, their paper layers)
PROBED = {"mlp": ["fc1", "fc2", "fc3", "fc4"], "cnn": ["block1", "block2", "block3", "fc1", "fc2", "fc3"],
          "resnet18": ["layer1", "layer2", "layer3", "layer4", "avgpool"], "residual": ["stem", "relu", "pool"]}


def export_onnx(model: nn.Module, input_shape, path, dynamo: bool = False) -> None:
    model.eval()
    example = (torch.zeros(2, *input_shape),)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dynamo:
            torch.onnx.export(model, example, str(path), dynamo=True, external_data=False, input_names=["x"],
                              output_names=["logits"], dynamic_shapes=[{0: torch.export.Dim("batch")}], verbose=False)
        else:
            torch.onnx.export(model, example, str(path), dynamo=False, input_names=["x"], output_names=["logits"],
                              dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})


def make_model(name: str, input_shape) -> nn.Module:
    torch.manual_seed(0)
    return ResidualNet() if name == "residual" else build_model(name, input_shape, 10)


@pytest.fixture(scope="module")
def digits():
    splits = load_digits().subset(500, 300)
    return splits, corrupt_labels(splits.y_train, 0.4, 10, seed=0)


@pytest.fixture(scope="module", params=["mlp", "cnn", "resnet18", "residual"])
def pair(request, digits, tmp_path_factory):
    """(name, torch model trained one epoch, the same weights exported to ONNX and loaded, path).
    The residual net goes through the dynamo exporter, the others through the TorchScript one."""
    name = request.param
    splits, labels = digits
    model = make_model(name, splits.input_shape)
    # trained a little: the layers of a fresh network are near-degenerate, where float rounding
    # (torch vs onnxruntime) decides between nearly tied classes
    train(model, splits, labels, FAST, max_epochs=4, target_train_acc=None, device="cpu")
    path = tmp_path_factory.mktemp("onnx") / f"{name}.onnx"
    export_onnx(model, splits.input_shape, path, dynamo=name == "residual")
    return name, model.eval(), load_network(path, None), path


def mapped_layers(name, network: OnnxNetwork) -> dict[str, str]:
    return {module: network.module_layer(module) for module in PROBED[name]}


def test_upload_description_comes_from_the_graph(pair, digits):
    name, model, network, path = pair
    splits, _ = digits
    info = inspect_upload(path, None)
    assert info["format"] == "onnx" and info["backend"] == "onnx"
    assert info["arch"] == {"name": "onnx", "input_shape": list(splits.input_shape), "num_classes": 10}
    assert info["final_layer"] is not None and info["num_parameters"] > 0
    names = [layer["name"] for layer in info["layers"]]
    assert set(mapped_layers(name, network).values()) <= set(names)
    assert set(network.default_probe_layers()) <= set(names)
    # the stored record reloads to the same network; another architecture is refused
    assert load_network(path, info["arch"]).arch == info["arch"]
    with pytest.raises(NetworkError) as refused:
        load_network(path, {**info["arch"], "num_classes": 7})
    assert refused.value.code == "invalid_arch"


def test_layer_outputs_equal_the_torch_models(pair, digits):
    name, model, network, _ = pair
    splits, _ = digits
    x = splits.x_test[:50]
    layers = mapped_layers(name, network)
    final = network.final_layer()
    torch_final, _ = final_linear(model)
    got = extract(network, x, [*layers.values(), final.name + ":input"], batch_size=16, device="cpu")
    expected = extract(model, x, [*layers, torch_final + ":input"], batch_size=16, device="cpu")
    for module, layer in layers.items():
        assert torch.allclose(got[layer], expected[module], rtol=1e-4, atol=1e-4), (module, layer)
    assert torch.allclose(got[final.name + ":input"], expected[torch_final + ":input"], rtol=1e-4, atol=1e-4)
    assert (final.in_features, final.out_features) == (model.get_submodule(torch_final).in_features, 10)
    assert np.array_equal(predict(network, x, device="cpu"), predict(model, x, device="cpu"))


def test_masc_and_linear_accuracies_equal_the_torch_paths(pair, digits):
    name, model, network, _ = pair
    splits, labels = digits
    layers = mapped_layers(name, network)
    rename = {layer: module for module, layer in layers.items()}
    onnx_rows = probe_model(network, splits, labels, layers=list(layers.values()), device="cpu")
    torch_rows = probe_model(model, splits, labels, layers=list(layers), device="cpu")
    got = {(rename.get(r["layer"], r["layer"]), r["probe"]): r["value"] for r in onnx_rows if r["metric"] == "test_acc"}
    expected = {(r["layer"], r["probe"]): r["value"] for r in torch_rows if r["metric"] == "test_acc"}
    assert got.keys() == expected.keys()
    # the same activations up to float rounding (allclose above), which may flip a nearly tied
    # prediction: at most one test example per (layer, probe)
    one_example = 1 / len(splits.x_test)
    assert all(abs(got[key] - expected[key]) <= one_example + 1e-12 for key in expected), (got, expected)


def _initializers(path) -> dict[str, bytes]:
    return {t.name: t.SerializeToString() for t in onnx.load(str(path)).graph.initializer}


def _tied(scores: np.ndarray) -> np.ndarray:
    top2 = np.sort(scores, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0] <= 1e-6 * np.abs(scores).max()


def test_repaired_onnx_is_valid_changes_only_the_head_and_predicts_as_repaired_torch(pair, digits, tmp_path):
    name, model, network, path = pair
    splits, labels = digits
    repaired_torch, torch_report = repair_last_layer(model, splits.x_train, labels.labels, device="cpu")
    repaired, report = repair_last_layer(network, splits.x_train, labels.labels, device="cpu")
    assert isinstance(repaired, OnnxNetwork) and report.layer == network.final_layer().name
    assert report.signs == torch_report.signs
    out = tmp_path / "repaired.onnx"
    assert repaired.save(out) == "onnx"
    onnx.checker.check_model(onnx.load(str(out)), full_check=True)
    # only the final layer's initializers changed, every other one byte for byte the same
    before, after = _initializers(path), _initializers(out)
    assert before.keys() == after.keys()
    changed = {key for key in before if before[key] != after[key]}
    head = network._head
    assert head.weight in changed and changed <= {head.weight, head.bias}
    assert _initializers(path) == before  # the input network's file is untouched, and so is the network
    assert not torch.equal(network.final_weights()[0], repaired.final_weights()[0])
    # onnxruntime on the saved file predicts what the linear probe and the repaired torch model predict
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    x = splits.x_test.numpy().astype(np.float32)
    onnx_pred = session.run(None, {session.get_inputs()[0].name: x})[0].argmax(1)
    key = network.final_layer().name + ":input"
    H_train = extract(network, splits.x_train, [key], device="cpu")[key]
    probe = LinearProbe().fit(H_train, labels.labels, num_classes=10)
    H_test = extract(network, splits.x_test, [key], device="cpu")[key]
    tied = _tied(probe.decision_function(H_test))
    agree_probe = onnx_pred == probe.predict(H_test)
    agree_torch = onnx_pred == predict(repaired_torch, splits.x_test, device="cpu")
    assert agree_probe[~tied].all() and agree_torch[~tied].all()


def test_dynamics_over_uploaded_checkpoints_equals_the_train_checkpoints(digits, tmp_path):
    splits, labels = digits
    model = make_model("mlp", splits.input_shape)
    run = train(model, splits, labels, FAST, max_epochs=2, target_train_acc=None, checkpoint_epochs="all", device="cpu")
    layers = ["fc2", "fc4"]
    expected = probe_checkpoints(lambda: build_model("mlp", splits.input_shape, 10), run.checkpoints, splits, labels,
                                 layers=layers, device="cpu")
    arch = {"name": "mlp", "input_shape": list(splits.input_shape), "num_classes": 10}
    uploaded, exported = {}, {}
    for epoch, state in run.checkpoints.items():
        net = TorchNetwork(build_model("mlp", splits.input_shape, 10), arch)
        net.module.load_state_dict(state)
        net.save(tmp_path / f"{epoch}.safetensors")
        uploaded[epoch] = load_network(tmp_path / f"{epoch}.safetensors", arch)
        export_onnx(net.module, splits.input_shape, tmp_path / f"{epoch}.onnx")
        exported[epoch] = load_network(tmp_path / f"{epoch}.onnx", None)
    # uploaded torch checkpoints: the same table exactly
    assert probe_networks(uploaded, splits, labels, layers=layers, device="cpu").table == expected.table
    # uploaded ONNX checkpoints: the same table up to float rounding
    onnx_layers = [exported[0].module_layer(module) for module in layers]
    rename = dict(zip(onnx_layers, layers))
    table = probe_networks(exported, splits, labels, layers=onnx_layers, device="cpu").table
    got = {(r["epoch"], rename.get(r["layer"], r["layer"]), r["probe"], r["metric"]): r["value"] for r in table}
    want = {(r["epoch"], r["layer"], r["probe"], r["metric"]): r["value"] for r in expected.table}
    assert got.keys() == want.keys()
    assert all(abs(got[k] - want[k]) <= 2 / len(splits.x_test) for k in want if k[3] == "test_acc")


def test_dynamics_refuses_networks_of_different_architectures(digits):
    splits, labels = digits
    networks = {0: build_model("mlp", splits.input_shape, 10), 1: build_model("cnn", splits.input_shape, 10)}
    with pytest.raises(ValueError, match="epoch 1 has another architecture"):
        probe_networks(networks, splits, labels, layers=["fc1"], device="cpu")
