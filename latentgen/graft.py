"""Repair at any layer (issue 9): the network up to a layer L followed by a head fitted on the
noisy training labels, without any gradient step.

Last-layer repair helps only as far as the last hidden layer still holds the latent
generalization; often a middle layer holds more. The grafted network is `trunk` (the network's
blocks up to L, with their weights) and `head`: the linear probe (an `nn.Linear` without bias,
as in the last-layer repair) or MASC as a quadratic head (`SubspaceHead`: class scores
‖P_c h‖² / ‖h‖² from fixed buffers). It runs standalone: `models.build_model(name, input_shape,
num_classes, cut=L, head=..., components=...)` builds the same structure, into which the saved
state dict loads strictly. `layer="auto"` picks L and the head by accuracy on the noisy labels
of a validation split (`validation`); test accuracy and a test-set oracle's choice are reported.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from latentgen.corruption import CorruptedLabels
from latentgen.crossfit import NOT_SCORED, cross_fit, probe_scores, validation_class_scores
from latentgen.data import Splits
from latentgen.device import resolve_device
from latentgen.extract import Progress, extract, forward_batches
from latentgen.grafted import HEADS, GraftedNetwork, SubspaceHead, assemble, chain_until
from latentgen.models import default_probe_layers
from latentgen.probes import LinearProbe, MASCProbe
from latentgen.validation import Validation, choose_on_validation, resolve_validation



@dataclass
class GraftReport:
    layer: str  # the cut: the trunk ends with this layer of the network
    head: str  # "masc" or "linear"
    spec: dict  # {"cut", "head", "components"}: merged into the network's architecture spec, builds the graft
    val_acc: float  # on the validation split's noisy labels, with the head fitted without it
    test_acc: float | None  # of the grafted network (None without a test set)
    chosen_by: str
    oracle: dict | None  # what the highest test accuracy would have chosen
    last_layer_repair: dict | None  # the linear head at the last candidate layer, for comparison
    model: dict  # the network itself: val_acc, fit_acc (noisy labels outside the split), test_acc
    validation: dict
    candidates: list[dict] = field(default_factory=list)  # rows {layer, probe, metric, value}

    def to_dict(self) -> dict:
        return asdict(self)


def _head_module(probe) -> nn.Module:
    if isinstance(probe, MASCProbe):
        return SubspaceHead.from_probe(probe)
    if isinstance(probe, LinearProbe):
        linear = nn.Linear(probe.n_features_in_, len(probe.classes_), bias=False)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(probe.W).float())
        return linear
    raise TypeError(f"no head for a {type(probe).__name__}")


def _check_chain(network: nn.Module, trunk: nn.Sequential, cut: str, x: torch.Tensor, batch_size: int, device) -> None:
    """The trunk must compute exactly what the network computes at `cut`."""
    sample = x[:batch_size]
    reference = extract(network, sample, [cut], batch_size, device)[cut]
    device = resolve_device(device)
    try:
        with torch.inference_mode():
            mine = trunk.to(device).eval()(sample.to(device)).flatten(1).float().cpu()
    except RuntimeError:
        mine = None
    if mine is None or mine.shape != reference.shape or not torch.allclose(mine, reference, rtol=1e-4, atol=1e-5):
        raise ValueError(f"layer: cannot graft at {cut!r}: the network's forward pass is not a chain of its "
                         "blocks up to that layer")


def graft(network: nn.Module, data: Splits | torch.Tensor, labels: CorruptedLabels | np.ndarray, layer: str = "auto",
          head: str = "auto", validation: Validation | float | None = None, layers: Sequence[str] | None = None,
          probe_options: Mapping[str, dict] | None = None, batch_size: int = 256, device=None,
          progress: Progress | None = None) -> tuple[GraftedNetwork, GraftReport]:
    """A new network: `network`'s blocks up to `layer` followed by a `head` fitted on every training
    example's noisy label; `network` is left untouched.

    `data`: `Splits` (test accuracy and the oracle are reported) or the training inputs alone.
    `layer`: "auto" (each of `layers`, default the network's probe layers, competes) or a name;
    `head`: "masc", "linear" or "auto". Choices maximise accuracy on the noisy labels of
    `validation` (default: 10% carved with seed 0; it should be held out from the network's
    training), scored by heads fitted on the other training examples. `progress(stage, done,
    total)` with stages "statistics", "fit", "score", "score_test"."""
    x_train = data.x_train if isinstance(data, Splits) else torch.as_tensor(data)
    given = np.asarray(labels.labels if isinstance(labels, CorruptedLabels) else labels, dtype=np.int64)
    n = len(x_train)
    if given.shape != (n,):
        raise ValueError(f"{len(given)} training labels for {n} training examples")
    if head != "auto" and head not in HEADS:
        raise ValueError(f"head: must be 'auto' or one of {', '.join(HEADS)}, got {head!r}")
    heads = list(HEADS) if head == "auto" else [head]
    candidates = (default_probe_layers(network) if layers is None else list(layers)) if layer == "auto" else [layer]
    # the head has as many outputs as the network, so that the network's spec plus `spec` builds it
    for _, logits, _ in forward_batches(network, x_train[:1], [], 1, device):  # run to the end: restores modes
        num_classes = max(int(given.max()) + 1, logits.shape[1], data.num_classes if isinstance(data, Splits) else 0)
    edited = copy.deepcopy(network)
    for cut in candidates:  # before any fitting: every candidate must be graftable
        _check_chain(network, chain_until(edited, cut), cut, x_train, batch_size, device)
    val = resolve_validation(validation, n)
    fold_ids = np.full(n, NOT_SCORED, dtype=np.int64)
    fold_ids[val.indices] = 0
    crossed = cross_fit(network, x_train, given, candidates, heads, fold_ids, num_classes, probe_options,
                        batch_size, device, progress)
    val_scores, val_probabilities = validation_class_scores(network, crossed, val, num_classes, batch_size, device,
                                                            progress)
    val_given = val.targets(given)
    test = None
    if isinstance(data, Splits):
        test, test_probabilities = probe_scores(network, data.x_test, crossed.full, num_classes, batch_size, device, progress)
        y_test = data.y_test.numpy()
    rows = []
    for key, scores in val_scores.items():
        values = {"val_acc": float(np.mean(scores.argmax(1) == val_given)),
                  "test_acc": float(np.mean(test[key].argmax(1) == y_test)) if test is not None else None}
        rows += [{"layer": key[0], "probe": key[1], "metric": m, "value": v} for m, v in values.items()]
    model_pred = crossed.model_probabilities.argmax(1)
    model = {"val_acc": float(np.mean(val_probabilities.argmax(1) == val_given)),
             "fit_acc": float(np.mean(model_pred[val.fit_indices] == given[val.fit_indices])),
             "test_acc": float(np.mean(test_probabilities.argmax(1) == y_test)) if test is not None else None}
    picked, validation_summary = choose_on_validation(
        rows, {key: scores.argmax(1) for key, scores in val_scores.items()}, val_given, num_classes, val,
        model["val_acc"], model["fit_acc"])
    chosen = picked["chosen"]
    cut, head_name = chosen["layer"], chosen["probe"]

    trunk = chain_until(edited, cut)
    head_module = _head_module(crossed.full[(cut, head_name)]).to(next(trunk.parameters(), torch.zeros(0)).device)
    grafted = assemble(trunk, head_module, default_probe_layers(network)).eval()

    repair_key = (candidates[-1], "linear")
    last = None
    if repair_key in crossed.scores:
        values = {r["metric"]: r["value"] for r in rows if (r["layer"], r["probe"]) == repair_key}
        last = {"layer": repair_key[0], "head": "linear", **values}
    components = [int(k) for k in crossed.full[(cut, head_name)].k_] if head_name == "masc" else None
    report = GraftReport(
        layer=cut, head=head_name, spec={"cut": cut, "head": head_name, "components": components},
        val_acc=chosen["val_acc"], test_acc=chosen["test_acc"], chosen_by=picked["rule"],
        oracle=picked["oracle"] if test is not None else None, last_layer_repair=last, model=model,
        validation=validation_summary,
        candidates=rows)
    return grafted, report
