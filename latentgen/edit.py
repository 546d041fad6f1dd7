"""Repair: write the linear probe of the last hidden layer into the final `nn.Linear`
(METHOD.md §6). No true labels, no test data, no gradient step."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from latentgen.extract import (INPUT_SUFFIX, Progress, class_statistics, extract, forward_batches,
                               statistics_are_smaller)
from latentgen.models import final_linear
from latentgen.probes import LinearProbe


@dataclass
class RepairReport:
    layer: str  # dotted name of the edited nn.Linear
    in_features: int
    out_features: int
    delta_norm: float  # Frobenius norm of the weight change
    bias: str  # "zero" or "keep"
    signs: list[int]  # sign applied to each class's top eigenvector

    def to_dict(self) -> dict:
        return asdict(self)


def _check_final_output(model: nn.Module, layer: str, train_data, batch_size: int, device) -> None:
    """The edit is only meaningful if the final Linear's output is the model's output."""
    for outputs, logits, _ in forward_batches(model, train_data, [layer], batch_size, device):
        if outputs[layer].shape != logits.flatten(1).shape or not torch.allclose(outputs[layer], logits.flatten(1)):
            raise ValueError(f"the model's output is not the output of its last nn.Linear {layer!r}; "
                             "repair needs a model that ends in a linear layer")
        return


def repair_last_layer(model: nn.Module, train_data, corrupted_labels, bias: str = "zero", batch_size: int = 256,
                      device=None, progress: Progress | None = None) -> tuple[nn.Module, RepairReport]:
    """A copy of `model` whose final `nn.Linear` has weight W (the linear probe fitted on that
    layer's input over `train_data` grouped by `corrupted_labels`) and zero bias (or the trained
    one with bias="keep"). Every other parameter is untouched."""
    if bias not in ("zero", "keep"):
        raise ValueError(f"bias must be 'zero' or 'keep', got {bias!r}")
    edited = copy.deepcopy(model)
    name, linear = final_linear(edited)
    _check_final_output(edited, name, train_data, batch_size, device)
    labels = np.asarray(corrupted_labels.cpu() if isinstance(corrupted_labels, torch.Tensor) else corrupted_labels)
    if labels.size and labels.max() >= linear.out_features:
        raise ValueError(f"labels reach class {labels.max()} but {name!r} has {linear.out_features} outputs")
    key = name + INPUT_SUFFIX
    if statistics_are_smaller(linear.in_features, linear.out_features, len(labels)):
        stats = class_statistics(edited, train_data, labels, [key], num_classes=linear.out_features,
                                 batch_size=batch_size, device=device, progress=progress)[key]
        probe = LinearProbe(device=stats.second_moments.device).fit_statistics(stats)
    else:  # the layer's inputs take less memory than its statistics (and classes smaller than d: Gram route)
        H = extract(edited, train_data, [key], batch_size, device, progress=progress)[key]
        probe = LinearProbe(device=device).fit(H, labels, num_classes=linear.out_features)
    with torch.no_grad():
        new_weight = torch.as_tensor(probe.W, dtype=linear.weight.dtype, device=linear.weight.device)
        delta = float((new_weight - linear.weight).norm())
        linear.weight.copy_(new_weight)
        if linear.bias is not None and bias == "zero":
            linear.bias.zero_()
    report = RepairReport(name, linear.in_features, linear.out_features, delta, bias, probe.signs_.tolist())
    return edited, report
