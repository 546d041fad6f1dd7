"""What fitting probes on a layer holds in memory, and layers grouped into passes that fit a budget.

One model serves the probe job's plan (which layers share a forward pass) and the service's
admission check (a job whose largest layer alone cannot fit is refused before it runs). Per layer
of d features, over n training examples in K classes (n_c ≈ the largest class):

* its data: the activations n·d·4 bytes (float32), or, when the spectral probes stream statistics
  instead (`streams_statistics`), groups·K·d²·8 bytes (float64; 2 groups with a held-out split);
* the workspace of fitting one class: its rows in float64 (n_c·d·8), the Gram or moment matrix and
  `eigh`'s work (3·m²·8, m = min(n_c, d)) and its eigenvectors (m·d·8).

A pass holds the data of its layers and the workspace of one of them at a time. Pure arithmetic: no
torch, so the API can use it.
"""

from __future__ import annotations

from typing import Mapping, Sequence

FLOAT32, FLOAT64 = 4, 8
# probes that can be fitted from streamed ClassStatistics
SPECTRAL_PROBES = ("masc", "linear")


def statistics_are_smaller(dim: int, num_classes: int, n: int) -> bool:
    """Whether a layer's per-class statistics (K·d² float64) take no more memory than its
    activations over n examples would (n·d float32): then streaming them is the better route."""
    return 2 * num_classes * dim <= n


def streams_statistics(dim: int, num_classes: int, n: int, probes: Sequence[str]) -> bool:
    """Whether a fit of `probes` streams the layer's class statistics rather than keeping its
    activations: when every probe is spectral and the statistics are the smaller."""
    return all(p in SPECTRAL_PROBES for p in probes) and statistics_are_smaller(dim, num_classes, n)


def layer_data_bytes(dim: int, n: int, num_classes: int, streamed: bool, groups: int = 1) -> int:
    """What a layer's fit keeps for the whole pass: statistics or activations."""
    return groups * num_classes * dim * dim * FLOAT64 if streamed else n * dim * FLOAT32


def class_workspace_bytes(dim: int, n: int, num_classes: int) -> int:
    """The transient memory of fitting one class of the layer (the largest: n_c = 1.5·n/K, or n)."""
    n_c = min(n, -(-3 * n // (2 * max(num_classes, 1))))
    m = min(n_c, dim)
    return n_c * dim * FLOAT64 + 3 * m * m * FLOAT64 + m * dim * FLOAT64


def pass_bytes(layers: Sequence[str], dims: Mapping[str, int], n: int, num_classes: int,
               streamed: Mapping[str, bool], groups: int = 1) -> int:
    """The peak of one pass over these layers: all their data and the largest class workspace."""
    if not layers:
        return 0
    data = sum(layer_data_bytes(dims[l], n, num_classes, streamed[l], groups) for l in layers)
    return data + max(class_workspace_bytes(dims[l], n, num_classes) for l in layers)


def plan_passes(layers: Sequence[str], dims: Mapping[str, int], n: int, num_classes: int,
                streamed: Mapping[str, bool], budget: int | None, groups: int = 1) -> list[list[str]]:
    """The layers in forward order, cut into consecutive passes whose `pass_bytes` stay within
    `budget` (None: one pass). A layer that alone exceeds it gets a pass of its own: whether to run
    it is the caller's choice (`largest_layer`)."""
    if budget is None:
        return [list(layers)] if layers else []
    passes: list[list[str]] = []
    for layer in layers:
        if passes and pass_bytes(passes[-1] + [layer], dims, n, num_classes, streamed, groups) <= budget:
            passes[-1].append(layer)
        else:
            passes.append([layer])
    return passes


def largest_layer(layers: Sequence[str], dims: Mapping[str, int], n: int, num_classes: int,
                  streamed: Mapping[str, bool], groups: int = 1) -> tuple[str, int] | None:
    """The layer whose pass alone needs the most memory, and that need (None for no layers)."""
    needs = [(l, pass_bytes([l], dims, n, num_classes, streamed, groups)) for l in layers]
    return max(needs, key=lambda item: item[1]) if needs else None
