"""The paper's architectures (METHOD.md §9) and any torchvision classifier, built by name.

Each paper model is a flat sequence of named blocks whose outputs are the post-ReLU hidden
representations the paper probes; the last block is the final `nn.Linear` named `classifier`.
`model.probe_layers` lists the hidden blocks probed by default.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Mapping, Sequence

import torch
from torch import nn

from latentgen.grafted import GraftedNetwork, grafted_architecture

PAPER_MODELS = ("mlp", "cnn", "alexnet", "resnet18")
TORCHVISION_PREFIX = "torchvision:"


def _dense(in_features: int, out_features: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_features, out_features), nn.ReLU())


def _conv_block(in_ch: int, widths: Sequence[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for width in widths:
        layers += [nn.Conv2d(in_ch, width, kernel_size=3, padding=1), nn.ReLU()]
        in_ch = width
    layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers)


def _flat_features(features: nn.Module, input_shape: Sequence[int]) -> int:
    with torch.no_grad():
        return int(features(torch.zeros(1, *input_shape)).flatten(1).shape[1])


def _sequential(blocks: "OrderedDict[str, nn.Module]", probe_layers: list[str]) -> nn.Sequential:
    model = nn.Sequential(blocks)
    model.probe_layers = probe_layers
    return model


def mlp(input_shape: Sequence[int], num_classes: int) -> nn.Sequential:
    """in → 128 → 512 → 2048 → 2048 → K, ReLU after each hidden layer."""
    in_features = int(torch.Size(input_shape).numel())
    widths = [in_features, 128, 512, 2048, 2048]
    blocks: OrderedDict[str, nn.Module] = OrderedDict(flatten=nn.Flatten())
    for i in range(1, len(widths)):
        blocks[f"fc{i}"] = _dense(widths[i - 1], widths[i])
    blocks["classifier"] = nn.Linear(widths[-1], num_classes)
    return _sequential(blocks, [f"fc{i}" for i in range(1, len(widths))])


def cnn(input_shape: Sequence[int], num_classes: int) -> nn.Sequential:
    """Three blocks of two 3×3 convs (16, 32, 64) and a 2×2 max-pool, three FC 250, and a
    final Linear 250 → K without bias."""
    channels = input_shape[0]
    blocks: OrderedDict[str, nn.Module] = OrderedDict(
        block1=_conv_block(channels, (16, 16)),
        block2=_conv_block(16, (32, 32)),
        block3=_conv_block(32, (64, 64)),
        flatten=nn.Flatten(),
    )
    flat = _flat_features(nn.Sequential(blocks), input_shape)
    blocks["fc1"] = _dense(flat, 250)
    blocks["fc2"] = _dense(250, 250)
    blocks["fc3"] = _dense(250, 250)
    blocks["classifier"] = nn.Linear(250, num_classes, bias=False)
    return _sequential(blocks, ["block1", "block2", "block3", "fc1", "fc2", "fc3"])


def alexnet(input_shape: Sequence[int], num_classes: int) -> nn.Sequential:
    """ImageNet-style AlexNet features (flatten 256 on 64×64), FC 4096, FC 4096, Linear → K."""
    channels = input_shape[0]
    blocks: OrderedDict[str, nn.Module] = OrderedDict(
        conv1=nn.Sequential(
            nn.Conv2d(channels, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
        ),
        conv2=nn.Sequential(
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
        ),
        conv3=nn.Sequential(nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU()),
        conv4=nn.Sequential(nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU()),
        conv5=nn.Sequential(
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
        ),
        flatten=nn.Flatten(),
    )
    try:
        flat = _flat_features(nn.Sequential(blocks), input_shape)
    except RuntimeError as exc:
        raise ValueError(f"alexnet needs inputs of at least 64×64, got {tuple(input_shape)}") from exc
    blocks["fc1"] = _dense(flat, 4096)
    blocks["fc2"] = _dense(4096, 4096)
    blocks["classifier"] = nn.Linear(4096, num_classes)
    return _sequential(blocks, ["conv1", "conv2", "conv3", "conv4", "conv5", "fc1", "fc2"])


def resnet18(input_shape: Sequence[int], num_classes: int) -> nn.Module:
    """torchvision's ResNet-18 with the CIFAR stem: conv 3×3 stride 1, 64, BN, ReLU, max-pool 3/2."""
    from torchvision.models import resnet18 as tv_resnet18

    model = tv_resnet18(weights=None, num_classes=num_classes)
    model.conv1 = nn.Conv2d(input_shape[0], 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.probe_layers = ["layer1", "layer2", "layer3", "layer4", "avgpool"]
    return model


def _torchvision(builder: str, num_classes: int) -> nn.Module:
    import torchvision.models as tvm

    classifiers = set(tvm.list_models(module=tvm))
    if builder not in classifiers:
        raise ValueError(
            f"unknown torchvision classification builder {builder!r}; "
            f"choose one of torchvision.models.list_models(), e.g. resnet50, vgg11, mobilenet_v3_small"
        )
    return tvm.get_model(builder, weights=None, num_classes=num_classes)


_BUILDERS = {"mlp": mlp, "cnn": cnn, "alexnet": alexnet, "resnet18": resnet18}


def build_model(name: str, input_shape: Sequence[int], num_classes: int, cut: str | None = None,
                head: str | None = None, components: Sequence[int] | None = None) -> nn.Module:
    """Build an untrained model. `input_shape` excludes the batch dimension, e.g. (1, 28, 28).
    With `cut` and `head` (and `components` for a "masc" head), the grafted network of
    `latentgen.grafted`: the model's blocks up to layer `cut`, then the head."""
    input_shape = tuple(int(s) for s in input_shape)
    if len(input_shape) not in (1, 3) or min(input_shape, default=0) < 1:
        raise ValueError(f"input_shape must be (C, H, W) or (F,) with positive sizes, got {input_shape}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    if cut is not None or head is not None or components is not None:
        network = build_model(name, input_shape, num_classes)
        return grafted_architecture(network, default_probe_layers(network), input_shape, num_classes, cut, head,
                                    components)
    if name.startswith(TORCHVISION_PREFIX):
        return _torchvision(name[len(TORCHVISION_PREFIX):], num_classes)
    if name not in _BUILDERS:
        raise ValueError(
            f"unknown architecture {name!r}; choose one of {', '.join(PAPER_MODELS)} "
            f"or '{TORCHVISION_PREFIX}<builder>'"
        )
    if name != "mlp" and len(input_shape) != 3:
        raise ValueError(f"{name} needs an image input_shape (C, H, W), got {input_shape}")
    return _BUILDERS[name](input_shape, num_classes)


SPEC_KEYS = ("name", "input_shape", "num_classes", "cut", "head", "components")


def build_from_spec(spec: Mapping[str, Any]) -> nn.Module:
    """`build_model` from an architecture spec {"name", "input_shape", "num_classes"} with, for a
    grafted network, "cut", "head" and "components" (e.g. what `graft`'s report.spec adds)."""
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    missing = [key for key in SPEC_KEYS[:3] if key not in spec]
    if unknown or missing:
        raise ValueError(f"architecture spec: unknown keys {unknown}, missing keys {missing}; "
                         f"allowed: {', '.join(SPEC_KEYS)}")
    return build_model(spec["name"], spec["input_shape"], int(spec["num_classes"]), cut=spec.get("cut"),
                       head=spec.get("head"), components=spec.get("components"))


def final_linear(model: nn.Module) -> tuple[str, nn.Linear]:
    """The model's final `nn.Linear` (the last one registered): its input is the last hidden layer.
    A grafted network's output layer is its head: linear, or a MASC head that cannot be repaired."""
    if isinstance(model, GraftedNetwork):
        if not isinstance(model.head, nn.Linear):
            raise ValueError(f"the model's output layer is a {type(model.head).__name__}, not an nn.Linear")
        return "head", model.head
    found = [(name, m) for name, m in model.named_modules() if isinstance(m, nn.Linear)]
    if not found:
        raise ValueError("the model has no nn.Linear layer to repair")
    return found[-1]


def default_probe_layers(model: nn.Module) -> list[str]:
    """Layers probed when the caller names none: the paper's hidden layers for the paper's
    models, otherwise every top-level block before the final linear layer."""
    if hasattr(model, "probe_layers"):
        return list(model.probe_layers)
    final_name, _ = final_linear(model)
    head = final_name.split(".")[0]
    return [name for name, _ in model.named_children() if name != head]
