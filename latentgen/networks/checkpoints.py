"""Weights as training scripts save them, unwrapped into the flat state dict a builder loads:
a checkpoint dict holding the state dict under an entry (`{"state_dict": …, "epoch": …}`,
Lightning's, `{"model": …}`), and keys under a wrapper's prefix (`module.` of DataParallel and
DistributedDataParallel, `model.` of a LightningModule, `_orig_mod.` of torch.compile). Every step
taken is said in a note, which the upload's answer carries."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import torch

# where checkpoints keep the weights, in the order tried
STATE_ENTRIES = ("state_dict", "model_state_dict", "model", "module", "net", "network", "weights")


def is_state_dict(obj: Any) -> bool:
    return isinstance(obj, Mapping) and bool(obj) and all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items())


def unwrap_checkpoint(obj: Any) -> tuple[dict[str, torch.Tensor], list[str]] | None:
    """The state dict in `obj` with a note of where it was found; None when there is none."""
    if is_state_dict(obj):
        return dict(obj), []
    if not isinstance(obj, Mapping):
        return None
    for entry in STATE_ENTRIES:
        inner = obj.get(entry)
        if is_state_dict(inner):
            others = sorted(str(k) for k in obj if k != entry)
            beside = f" (beside {', '.join(others[:8])}{'…' if len(others) > 8 else ''})" if others else ""
            return dict(inner), [f"took the weights from the checkpoint's {entry!r} entry{beside}"]
    return None


def strip_prefixes(state: dict[str, torch.Tensor], expected: Collection[str]) -> tuple[dict[str, torch.Tensor], list[str]]:
    """Remove the leading key prefix shared by every key (`module.`, `model.`, `module._orig_mod.`…),
    of as many dotted parts as brings the most keys to `expected` (the architecture's own keys);
    the keys as they are when no prefix brings more."""
    expected = set(expected)
    best, best_hits, prefix, candidate = "", len(set(state) & expected), "", state
    while all("." in k for k in candidate) and len({k.split(".", 1)[0] for k in candidate}) == 1:
        head = next(iter(candidate)).split(".", 1)[0] + "."
        prefix += head
        candidate = {k[len(head):]: v for k, v in candidate.items()}
        if (hits := len(set(candidate) & expected)) > best_hits:
            best, best_hits = prefix, hits
    if not best:
        return state, []
    return {k[len(best):]: v for k, v in state.items()}, [f"removed the prefix {best!r} from every key"]
