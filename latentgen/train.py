"""Training with the paper's recipes (METHOD.md §9): seeded, shuffled, stopped when the model has
memorized the corrupted labels, with per-epoch metrics and checkpoints; and the midway-editing
experiment (§7) with the unedited continuation as its control.

The data order of epoch `e` depends only on `(seed, e)`, so a run resumed from a checkpoint at
epoch E (`start_epoch=E`) sees exactly the batches the uninterrupted run would have seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from latentgen.corruption import CorruptedLabels
from latentgen.data import Splits
from latentgen.device import resolve_device
from latentgen.edit import repair_last_layer
from latentgen.metrics import label_metrics
from latentgen.models import build_model

OPTIMIZERS = ("sgd", "adam")


@dataclass(frozen=True)
class Recipe:
    """An optimizer setting; no augmentation, weight decay or schedule (as in the paper)."""

    optimizer: str
    lr: float
    momentum: float = 0.0
    batch_size: int = 32

    def __post_init__(self):
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")


RECIPES: dict[str, Recipe] = {
    "mlp": Recipe("sgd", 1e-3, momentum=0.9, batch_size=32),
    "cnn": Recipe("adam", 2e-4, batch_size=128),  # MNIST, Fashion-MNIST
    "cnn_cifar10": Recipe("adam", 2e-4, batch_size=32),
    "alexnet": Recipe("adam", 1e-4, batch_size=500),
    "resnet18": Recipe("sgd", 1e-3, momentum=0.9, batch_size=32),
    "adam_fast": Recipe("adam", 1e-3, batch_size=64),  # not the paper's: memorizes quickly, for demos
}


def get_recipe(recipe: str | Recipe) -> Recipe:
    if isinstance(recipe, Recipe):
        return recipe
    if recipe not in RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}; choose one of {', '.join(RECIPES)} or pass a Recipe")
    return RECIPES[recipe]


def make_optimizer(model: nn.Module, recipe: Recipe) -> torch.optim.Optimizer:
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=recipe.lr, momentum=recipe.momentum)
    return torch.optim.Adam(model.parameters(), lr=recipe.lr)


def seeded_model(name: str, input_shape, num_classes: int, seed: int) -> nn.Module:
    """`build_model` with its initial weights drawn from `seed`; the global RNG is left untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(seed)
        return build_model(name, input_shape, num_classes)


def paper_checkpoint_schedule(last_epoch: int) -> list[int]:
    """Epochs probed in the paper: init, 1, every 2nd to 20, every 5th after, and the last."""
    epochs = {0, 1, *range(2, 21, 2), *range(25, last_epoch + 1, 5), last_epoch}
    return sorted(e for e in epochs if e <= last_epoch)


@dataclass
class TrainResult:
    history: list[dict[str, float]] = field(default_factory=list)  # one row per epoch, from start_epoch
    checkpoints: dict[int, dict[str, torch.Tensor]] = field(default_factory=dict)  # CPU state_dicts
    stopped_reason: str = ""  # "target", "max_epochs" or "stopped" (on_epoch returned False)
    epochs_run: int = 0  # the last epoch reached, counted from the initial weights


OnEpoch = Callable[[int, dict, nn.Module], Any]


def train(
    model: nn.Module,
    splits: Splits,
    labels: CorruptedLabels,
    recipe: str | Recipe,
    seed: int = 0,
    max_epochs: int = 500,
    target_train_acc: float | None = 1.0,
    checkpoint_epochs: Iterable[int] | str | None = None,
    on_epoch: OnEpoch | None = None,
    device=None,
    batch_size_eval: int = 1024,
    start_epoch: int = 0,
) -> TrainResult:
    """Train `model` in place on the corrupted labels `labels.labels`.

    Each epoch ends with an evaluation in eval mode (epoch `start_epoch` is the model as given,
    before any step): `loss` (cross-entropy on the corrupted training labels) and every metric of
    `metrics.label_metrics`. Training stops when `train_acc_noisy >= target_train_acc` (None: never),
    after epoch `max_epochs`, or when `on_epoch(epoch, metrics, model)` returns False.
    `checkpoint_epochs`: epochs whose weights are kept in `result.checkpoints`, "all", or None;
    unless None, the last epoch reached is kept too (the paper probes the last checkpoint, and
    with the stop rule that epoch is not known in advance).
    """
    recipe = get_recipe(recipe)
    if len(labels.labels) != len(splits.x_train):
        raise ValueError(f"{len(labels.labels)} labels for {len(splits.x_train)} training examples")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    device = resolve_device(device)
    model.to(device)
    keep = _checkpoint_rule(checkpoint_epochs)
    optimizer = make_optimizer(model, recipe)
    noisy = torch.as_tensor(labels.labels)
    result = TrainResult()
    epoch = start_epoch
    while True:
        metrics = {"epoch": epoch, **evaluate(model, splits, labels, batch_size_eval, device)}
        result.history.append(metrics)
        result.epochs_run = epoch
        if keep(epoch):
            result.checkpoints[epoch] = _cpu_state(model)
        if on_epoch is not None and on_epoch(epoch, metrics, model) is False:
            result.stopped_reason = "stopped"
            break
        if target_train_acc is not None and metrics["train_acc_noisy"] >= target_train_acc:
            result.stopped_reason = "target"
            break
        if epoch >= max_epochs:
            result.stopped_reason = "max_epochs"
            break
        epoch += 1
        _train_epoch(model, optimizer, splits.x_train, noisy, recipe.batch_size, _epoch_order(seed, epoch, len(noisy)), device)
    if checkpoint_epochs is not None and epoch not in result.checkpoints:
        result.checkpoints[epoch] = _cpu_state(model)
    return result


def _cpu_state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def _checkpoint_rule(checkpoint_epochs) -> Callable[[int], bool]:
    if checkpoint_epochs is None:
        return lambda epoch: False
    if checkpoint_epochs == "all":
        return lambda epoch: True
    if isinstance(checkpoint_epochs, str):
        raise ValueError(f"checkpoint_epochs must be epochs, 'all' or None, got {checkpoint_epochs!r}")
    chosen = {int(e) for e in checkpoint_epochs}
    return chosen.__contains__


def _epoch_order(seed: int, epoch: int, n: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0]))
    return torch.randperm(n, generator=generator)


def _train_epoch(model, optimizer, x, y, batch_size, order, device) -> None:
    # No .item() here: the loss reported is the end-of-epoch evaluation, so no step waits on the device.
    model.train()
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        xb, yb = x[idx].to(device, non_blocking=True), y[idx].to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(xb), yb).backward()
        optimizer.step()


@torch.inference_mode()
def _logits(model: nn.Module, x: torch.Tensor, batch_size: int, device) -> torch.Tensor:
    out = [model(x[i:i + batch_size].to(device)).float().cpu() for i in range(0, len(x), batch_size)]
    return torch.cat(out)


def evaluate(model: nn.Module, splits: Splits, labels: CorruptedLabels, batch_size: int = 1024, device=None) -> dict[str, float]:
    """`loss` on the corrupted training labels and `label_metrics`, in eval mode (mode restored)."""
    device = resolve_device(device)
    model.to(device)
    was_training = model.training
    model.eval()
    try:
        train_logits = _logits(model, splits.x_train, batch_size, device)
        test_pred = _logits(model, splits.x_test, batch_size, device).argmax(1)
    finally:
        model.train(was_training)
    loss = float(F.cross_entropy(train_logits, torch.as_tensor(labels.labels)))
    return {"loss": loss, **label_metrics(train_logits.argmax(1).numpy(), test_pred.numpy(), labels, splits.y_test)}


# ---- Midway editing (METHOD.md §7) ----

ARMS = ("pre_edit", "repaired", "control")


@dataclass
class MidwayResult:
    """Per-epoch metrics of each arm. `pre_edit` runs 0..E; `repaired` and `control` run E..T,
    and their epoch-E rows are the repaired model and the checkpoint before any further step."""

    pre_edit: list[dict] = field(default_factory=list)
    repaired: list[dict] = field(default_factory=list)
    control: list[dict] = field(default_factory=list)
    report: Any = None  # the RepairReport of the edit at epoch E
    stopped: bool = False  # on_epoch returned False; later arms are empty

    @property
    def rows(self) -> list[dict]:
        """One tidy row per arm and epoch: {"arm", "epoch", metrics...}."""
        return [{"arm": arm, **row} for arm in ARMS for row in getattr(self, arm)]


def midway(
    model: str | Callable[[], nn.Module],
    splits: Splits,
    labels: CorruptedLabels,
    recipe: str | Recipe,
    edit_epoch: int,
    total_epochs: int,
    seed: int = 0,
    bias: str = "zero",
    on_epoch: Callable[[str, int, dict, nn.Module], Any] | None = None,
    device=None,
) -> MidwayResult:
    """Train to `edit_epoch`, repair the last layer with the corrupted labels, and continue ordinary
    training on the corrupted labels to `total_epochs`; alongside, continue the unedited checkpoint
    as the control. Both continuations get a fresh optimizer and the same data order.
    `model`: a name for `seeded_model` (initialised from `seed`) or a function building the model.
    `on_epoch(arm, epoch, metrics, model)` returning False stops the experiment."""
    if not 0 <= edit_epoch <= total_epochs:
        raise ValueError(f"need 0 <= edit_epoch <= total_epochs, got {edit_epoch} and {total_epochs}")
    net = seeded_model(model, splits.input_shape, splits.num_classes, seed) if isinstance(model, str) else model()
    result = MidwayResult()

    def run(arm: str, arm_model: nn.Module, start: int, stop: int) -> bool:
        callback = None if on_epoch is None else (lambda e, m, mdl: on_epoch(arm, e, m, mdl))
        trained = train(arm_model, splits, labels, recipe, seed=seed, max_epochs=stop, target_train_acc=None,
                        on_epoch=callback, device=device, start_epoch=start)
        setattr(result, arm, trained.history)
        result.stopped = trained.stopped_reason == "stopped"
        return not result.stopped

    if not run("pre_edit", net, 0, edit_epoch):
        return result
    edited, result.report = repair_last_layer(net, splits.x_train, labels.labels, bias=bias, device=device)
    if run("repaired", edited, edit_epoch, total_epochs):
        run("control", net, edit_epoch, total_epochs)  # `net` is still the unedited checkpoint
    return result
