import pytest
import torch
from torch import nn

from latentgen.extract import list_layers
from latentgen.models import build_model, default_probe_layers, final_linear


def widths(model):
    return [(m.in_features, m.out_features) for m in model.modules() if isinstance(m, nn.Linear)]


def test_mlp_is_in_128_512_2048_2048_k():
    model = build_model("mlp", (1, 28, 28), 10)
    assert widths(model) == [(784, 128), (128, 512), (512, 2048), (2048, 2048), (2048, 10)]
    assert default_probe_layers(model) == ["fc1", "fc2", "fc3", "fc4"]
    assert sum(isinstance(m, nn.ReLU) for m in model.modules()) == 4


@pytest.mark.parametrize("shape, flat", [((1, 28, 28), 576), ((3, 32, 32), 1024)])
def test_cnn_flatten_sizes_and_bias_free_final_layer(shape, flat):
    model = build_model("cnn", shape, 10)
    assert widths(model) == [(flat, 250), (250, 250), (250, 250), (250, 10)]
    name, final = final_linear(model)
    assert name == "classifier" and final.bias is None
    convs = [m.out_channels for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert convs == [16, 16, 32, 32, 64, 64]


def test_alexnet_on_64x64_flattens_to_256():
    model = build_model("alexnet", (3, 64, 64), 200)
    assert widths(model) == [(256, 4096), (4096, 4096), (4096, 200)]
    with pytest.raises(ValueError, match="at least 64"):
        build_model("alexnet", (3, 16, 16), 10)


def test_resnet18_has_the_cifar_stem():
    model = build_model("resnet18", (3, 32, 32), 10)
    assert model.conv1.kernel_size == (3, 3) and model.conv1.stride == (1, 1)
    assert isinstance(model.maxpool, nn.MaxPool2d)
    assert final_linear(model)[0] == "fc" and model.fc.in_features == 512
    shapes = {info.name: info.output_shape for info in list_layers(model, (3, 32, 32))}
    assert shapes["maxpool"] == (64, 16, 16) and shapes["layer4"] == (512, 2, 2)


def test_torchvision_builders():
    model = build_model("torchvision:mobilenet_v3_small", (3, 32, 32), 7)
    assert model(torch.zeros(2, 3, 32, 32)).shape == (2, 7)
    assert final_linear(model)[1].out_features == 7
    with pytest.raises(ValueError, match="unknown torchvision classification builder 'nope'"):
        build_model("torchvision:nope", (3, 32, 32), 10)


@pytest.mark.parametrize("name, shape, k, message", [
    ("vit", (3, 32, 32), 10, "unknown architecture 'vit'"),
    ("cnn", (784,), 10, "image input_shape"),
    ("mlp", (1, 28, 28), 1, "at least 2"),
    ("mlp", (0, 28, 28), 10, "positive sizes"),
])
def test_bad_builds_are_clear_errors(name, shape, k, message):
    with pytest.raises(ValueError, match=message):
        build_model(name, shape, k)
