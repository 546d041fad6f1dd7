import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from latentgen.extract import class_statistics, extract, list_layers
from latentgen.models import build_model, default_probe_layers

SHAPES = {"mlp": (1, 28, 28), "cnn": (3, 32, 32), "alexnet": (3, 64, 64), "resnet18": (3, 32, 32)}


def manual_outputs(name, model, x):
    """Each probed layer's output computed by calling the blocks by hand."""
    outputs = {}
    with torch.no_grad():
        if name == "resnet18":
            h = model.maxpool(model.relu(model.bn1(model.conv1(x))))
            for block in ("layer1", "layer2", "layer3", "layer4", "avgpool"):
                h = getattr(model, block)(h)
                outputs[block] = h.flatten(1)
        else:
            h = x
            for block_name, block in model.named_children():
                h = block(h)
                outputs[block_name] = h.flatten(1)
    return outputs


def hook_count(model):
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


@pytest.mark.parametrize("name", list(SHAPES))
def test_extraction_equals_manual_forward_and_leaves_no_hook(name):
    torch.manual_seed(0)
    model = build_model(name, SHAPES[name], 10)
    model.train()  # extraction must switch to eval mode (BatchNorm) and restore the mode
    x = torch.randn(10, *SHAPES[name])
    layers = default_probe_layers(model)
    got = extract(model, x, layers, batch_size=4, device="cpu")
    assert model.training
    model.eval()
    expected = manual_outputs(name, model, x)
    for layer in layers:
        assert got[layer].shape == expected[layer].shape
        assert torch.allclose(got[layer], expected[layer], atol=1e-5), layer
    assert hook_count(model) == 0


def test_hooks_are_removed_when_the_forward_pass_fails():
    model = build_model("mlp", (1, 8, 8), 10)
    with pytest.raises(RuntimeError):
        extract(model, torch.randn(3, 1, 9, 9), ["fc1"], device="cpu")
    assert hook_count(model) == 0


def test_list_layers_names_types_and_shapes():
    model = build_model("cnn", (1, 28, 28), 10)
    layers = {info.name: info for info in list_layers(model, (1, 28, 28))}
    assert layers["block1"].output_shape == (16, 14, 14)
    assert layers["block3"].output_shape == (64, 3, 3)
    assert layers["flatten"].dim == 576
    assert layers["fc1"].type == "Sequential" and layers["fc1"].output_shape == (250,)
    assert layers["classifier"].type == "Linear" and layers["classifier"].output_shape == (10,)
    assert hook_count(model) == 0
    with pytest.raises(ValueError, match="does not accept inputs"):
        list_layers(model, (3, 5, 5))


def test_unknown_layer_is_a_clear_error():
    model = build_model("mlp", (1, 8, 8), 10)
    with pytest.raises(ValueError, match=r"unknown layers \['fc9'\]"):
        extract(model, torch.randn(2, 1, 8, 8), ["fc9"], device="cpu")


def test_layer_input_capture_and_dataloader_input():
    torch.manual_seed(0)
    model = build_model("mlp", (1, 8, 8), 10)
    x = torch.randn(20, 1, 8, 8)
    from_tensor = extract(model, x, ["fc4", "classifier:input"], device="cpu")
    assert torch.equal(from_tensor["fc4"], from_tensor["classifier:input"])
    loader = DataLoader(TensorDataset(x, torch.zeros(20, dtype=torch.long)), batch_size=6)
    from_loader = extract(model, loader, ["fc2"], device="cpu")["fc2"]
    assert torch.allclose(from_loader, extract(model, x, ["fc2"], device="cpu")["fc2"], atol=1e-6)


def test_in_place_activations_do_not_corrupt_captured_outputs():
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(inplace=True), nn.Linear(4, 2))
    x = torch.randn(8, 4)
    got = extract(model, x, ["0"], device="cpu")["0"]
    assert torch.allclose(got, model[0](x).detach())
    assert (got < 0).any()  # the in-place ReLU ran after the hook and must not have touched it


def test_class_statistics_stream_equals_in_memory_products():
    torch.manual_seed(0)
    model = build_model("mlp", (1, 8, 8), 10)
    x = torch.randn(300, 1, 8, 8)
    y = np.random.default_rng(0).integers(0, 10, 300)
    stats = class_statistics(model, x, y, ["fc2"], num_classes=10, batch_size=64, device="cpu",
                             dtype=torch.float64)["fc2"]
    H = extract(model, x, ["fc2"], device="cpu")["fc2"].double()
    for c in range(10):
        Hc = H[torch.as_tensor(y == c)]
        assert torch.allclose(stats.second_moments[c], Hc.T @ Hc, atol=1e-8)
    assert stats.total == 300
