"""The grafted network as a module (`latentgen.graft` fits it): a network's blocks up to a layer,
then a head, either linear or MASC's quadratic `SubspaceHead`. Torch only: `models.build_model`
builds grafts from here, and `graft` builds on `models`."""

from __future__ import annotations

from collections import OrderedDict
from typing import Sequence

import numpy as np
import torch
from torch import nn

HEADS = ("masc", "linear")  # "masc": quadratic head, "linear": linear head


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
    def from_probe(cls, probe) -> "SubspaceHead":
        """The head of a fitted `probes.MASCProbe`: its k_c and its bases."""
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


def grafted_architecture(network: nn.Module, probe_layers: Sequence[str], input_shape: Sequence[int], num_classes: int,
                         cut: str | None, head: str | None, components: Sequence[int] | None = None) -> GraftedNetwork:
    """The untrained structure of a grafted network (weights to be loaded): `network`'s blocks up
    to `cut`, then a `head` ("linear", or "masc" with `components`, one k_c per class);
    `probe_layers`: the network's, those kept in the trunk stay probe layers."""
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
    return assemble(trunk, head_module, probe_layers)


def assemble(trunk: nn.Sequential, head: nn.Module, probe_layers: Sequence[str]) -> GraftedNetwork:
    """`head` on `trunk`; the network's `probe_layers` that the trunk keeps are the graft's."""
    kept = {name for name, _ in trunk.named_modules()}
    return GraftedNetwork(trunk, head, [f"trunk.{layer}" for layer in probe_layers if layer in kept])
