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
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from latentgen.corruption import CorruptedLabels
from latentgen.crossfit import NOT_SCORED, SCORING_PROBES, cross_fit, probe_scores, validation_class_scores
from latentgen.data import Splits
from latentgen.device import resolve_device
from latentgen.extract import Progress, extract, forward_batches
from latentgen.models import default_probe_layers
from latentgen.probes import LinearProbe, MASCProbe
from latentgen.validation import Validation, choose_on_validation, resolve_validation

HEADS = SCORING_PROBES  # "masc": quadratic head, "linear": linear head


class SubspaceHead(nn.Module):
    """MASC as a module: `basis` holds each class's k_c orthonormal rows P_c, class after class;
    the score of class c is ‖P_c h‖² / ‖h‖² (cos² of the angle to its subspace; 0 for a class
    with k_c = 0)."""

    def __init__(self, components: Sequence[int], dim: int):
        super().__init__()
        self.components = [int(k) for k in components]
        # output_size: also builds on the meta device (architecture planning), where sizes must be known
        owner = torch.repeat_interleave(torch.arange(len(self.components)), torch.tensor(self.components, dtype=torch.int64),
                                        output_size=sum(self.components))
        membership = torch.zeros(len(owner), len(self.components))
        membership[torch.arange(len(owner)), owner] = 1.0
        self.register_buffer("basis", torch.zeros(len(owner), dim))
        self.register_buffer("membership", membership, persistent=False)  # derived from `components`

    @classmethod
    def from_probe(cls, probe: MASCProbe) -> "SubspaceHead":
        head = cls(probe.k_.tolist(), probe.n_features_in_)
        with torch.no_grad():
            head.basis.copy_(torch.from_numpy(np.concatenate(probe.components_)).float())
        return head

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        h = h.flatten(1)
        energy = (h @ self.basis.T).square() @ self.membership
        return energy / h.square().sum(1, keepdim=True).clamp_min(torch.finfo(h.dtype).tiny)

    def extra_repr(self) -> str:
        return f"components={self.components}, dim={self.basis.shape[1]}"


class GraftedNetwork(nn.Module):
    """`head(trunk(x).flatten(1))`. `probe_layers`: the network's probe layers kept in the trunk."""

    def __init__(self, trunk: nn.Sequential, head: nn.Module, probe_layers: Sequence[str]):
        super().__init__()
        self.trunk, self.head = trunk, head
        self.probe_layers = list(probe_layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.trunk(x).flatten(1))


def chain_until(network: nn.Module, cut: str) -> nn.Sequential:
    """The network's blocks, in registration order, up to and including the layer `cut` (a dotted
    name; inside a block only nested `nn.Sequential`s can be cut). They share the network's modules.
    Valid for networks whose forward pass runs their blocks in that order: `graft` checks it."""
    def take(module: nn.Module, path: list[str], prefix: str) -> nn.Sequential:
        children = list(module.named_children())
        names = [name for name, _ in children]
        if path[0] not in names:
            raise ValueError(f"cut: unknown layer {cut!r}; {prefix or 'the network'} has blocks {names}")
        position = names.index(path[0])
        kept = OrderedDict(children[:position])
        child = children[position][1]
        if len(path) > 1:
            if not isinstance(child, nn.Sequential):
                raise ValueError(f"cut: cannot cut inside {prefix + path[0]!r} ({type(child).__name__}); "
                                 "only nested nn.Sequential blocks can be cut")
            child = take(child, path[1:], prefix + path[0] + ".")
        kept[path[0]] = child
        return nn.Sequential(kept)

    return take(network, cut.split("."), "")


def grafted_architecture(network: nn.Module, input_shape: Sequence[int], num_classes: int, cut: str | None,
                         head: str | None, components: Sequence[int] | None = None) -> GraftedNetwork:
    """The untrained structure of a grafted network (weights to be loaded): `network`'s blocks up
    to `cut`, then a `head` ("linear", or "masc" with `components`, one k_c per class)."""
    if not cut or not isinstance(cut, str):
        raise ValueError(f"cut: a grafted architecture needs the name of the layer to cut at, got {cut!r}")
    if head not in HEADS:
        raise ValueError(f"head: must be one of {', '.join(HEADS)}, got {head!r}")
    trunk = chain_until(network, cut)
    try:
        with torch.no_grad():
            dim = int(trunk.eval()(torch.zeros(1, *input_shape)).flatten(1).shape[1])
    except RuntimeError as exc:
        raise ValueError(f"cut: the network's blocks up to {cut!r} do not run as a chain: {exc}") from exc
    if head == "linear":
        if components is not None:
            raise ValueError("components: only a masc head has components")
        head_module: nn.Module = nn.Linear(dim, num_classes, bias=False)
    else:
        ks = list(components) if components is not None else []
        if len(ks) != num_classes or not all(isinstance(k, int) and not isinstance(k, bool) and 0 <= k <= dim for k in ks):
            raise ValueError(f"components: a masc head needs {num_classes} integers in [0, {dim}] "
                             f"(the subspace dimension of each class), got {components!r}")
        head_module = SubspaceHead(ks, dim)
    return _assemble(network, trunk, head_module)


def _assemble(network: nn.Module, trunk: nn.Sequential, head: nn.Module) -> GraftedNetwork:
    kept = {name for name, _ in trunk.named_modules()}
    return GraftedNetwork(trunk, head, [f"trunk.{layer}" for layer in default_probe_layers(network) if layer in kept])


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
    grafted = _assemble(network, trunk, head_module).eval()

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
