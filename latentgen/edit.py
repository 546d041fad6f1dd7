"""Repair: write the linear probe of the last hidden layer into the final linear layer
(METHOD.md §6) of any `Network` (torch: the final `nn.Linear`; ONNX: its Gemm or MatMul + Add).
No true labels, no test data, no gradient step."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from latentgen.extract import INPUT_SUFFIX, ClassStatistics, Progress, class_statistics, extract, forward_batches
from latentgen.memory import statistics_are_smaller
from latentgen.networks import Network, as_network
from latentgen.probes import LinearProbe


@dataclass
class RepairReport:
    layer: str  # name of the edited layer (torch: dotted module name; ONNX: node name)
    in_features: int
    out_features: int
    delta_norm: float  # Frobenius norm of the weight change
    bias: str  # "zero" or "keep"
    signs: list[int]  # sign applied to each class's top eigenvector

    def to_dict(self) -> dict:
        return asdict(self)


def _check_final_output(network: Network, layer: str, train_data, batch_size: int, device) -> None:
    """The edit is only meaningful if the final linear layer's output is the network's output. An
    ONNX head is found from the graph, where its output reaches the graph's (through reshapes, casts
    or a softmax, which the repair keeps); a module's last registered nn.Linear is checked on a batch."""
    if network.backend == "onnx":
        return
    for outputs, logits, _ in forward_batches(network, train_data, [layer], batch_size, device):
        logits = logits.flatten(1).float()
        if outputs[layer].shape != logits.shape or not torch.allclose(outputs[layer], logits):
            raise ValueError(f"the model's output is not the output of its last nn.Linear {layer!r}; "
                             "repair needs a model that ends in a linear layer")
        return


def _final_layer(network: Network, train_data, labels: np.ndarray, batch_size: int, device):
    """The final linear layer, checked: its output is the network's, and the labels fit its outputs."""
    final = network.require_final_layer()
    _check_final_output(network, final.name, train_data, batch_size, device)
    if labels.size and labels.max() >= final.out_features:
        raise ValueError(f"labels reach class {labels.max()} but {final.name!r} has {final.out_features} outputs")
    return final


def _labels(corrupted_labels) -> np.ndarray:
    return np.asarray(corrupted_labels.cpu() if isinstance(corrupted_labels, torch.Tensor) else corrupted_labels)


def final_layer_statistics(model: Network | nn.Module, train_data, corrupted_labels, batch_size: int = 256,
                           device=None, progress: Progress | None = None) -> ClassStatistics:
    """The class statistics of the final linear layer's input over `train_data` grouped by
    `corrupted_labels`: summed over any split of the training data, `repair_from_statistics` makes
    the same repair as one pass."""
    network = as_network(model)
    labels = _labels(corrupted_labels)
    final = _final_layer(network, train_data, labels, batch_size, device)
    key = final.name + INPUT_SUFFIX
    return class_statistics(network, train_data, labels, [key], num_classes=final.out_features,
                            batch_size=batch_size, device=device, progress=progress)[key]


def repair_from_statistics(model: Network | nn.Module, stats: ClassStatistics,
                           bias: str = "zero") -> tuple[Network | nn.Module, RepairReport]:
    """`repair_last_layer` from the final layer's input statistics (`final_layer_statistics`)."""
    return _write(model, LinearProbe(device=stats.second_moments.device).fit_statistics(stats), bias)


def repair_last_layer(model: Network | nn.Module, train_data, corrupted_labels, bias: str = "zero",
                      batch_size: int = 256, device=None,
                      progress: Progress | None = None) -> tuple[Network | nn.Module, RepairReport]:
    """A copy of `model` (same type: Network or nn.Module) whose final linear layer has weight W
    (the linear probe fitted on that layer's input over `train_data` grouped by
    `corrupted_labels`) and zero bias (or the trained one with bias="keep"). Every other
    parameter is untouched. A network without a final linear layer raises `NetworkError`
    (code "no_final_linear")."""
    _check_bias(bias)
    network = as_network(model)
    labels = _labels(corrupted_labels)
    final = _final_layer(network, train_data, labels, batch_size, device)
    if statistics_are_smaller(final.in_features, final.out_features, len(labels)):
        stats = final_layer_statistics(network, train_data, labels, batch_size, device, progress)
        return repair_from_statistics(model, stats, bias)
    # the layer's inputs take less memory than its statistics (and classes smaller than d: Gram route)
    H = extract(network, train_data, [final.name + INPUT_SUFFIX], batch_size, device,
                progress=progress)[final.name + INPUT_SUFFIX]
    return _write(model, LinearProbe(device=device).fit(H, labels, num_classes=final.out_features), bias)


def _check_bias(bias: str) -> None:
    if bias not in ("zero", "keep"):
        raise ValueError(f"bias must be 'zero' or 'keep', got {bias!r}")


def _write(model: Network | nn.Module, probe: LinearProbe, bias: str) -> tuple[Network | nn.Module, RepairReport]:
    """A copy of `model` with the probe's W as its final layer's weight, and the bias zeroed or kept."""
    _check_bias(bias)
    edited = as_network(model).copy()
    final = edited.require_final_layer()
    old_weight, old_bias = edited.final_weights()
    new_weight = torch.as_tensor(probe.W, dtype=torch.float32).cpu()
    new_bias = None if old_bias is None else (torch.zeros_like(old_bias) if bias == "zero" else old_bias)
    edited.set_final_weights(new_weight, new_bias)
    report = RepairReport(final.name, final.in_features, final.out_features, float((new_weight - old_weight).norm()),
                          bias, probe.signs_.tolist())
    return (edited.module if isinstance(model, nn.Module) else edited), report
