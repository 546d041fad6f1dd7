"""train: a builder's network trained on the noisy labels, with checkpoints; a new model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.models import Job
from worker.runner import JobCanceled, OutArtifact, OutModel, Outcome, Progress, Runner, clean, table_artifact


def train_arch(p: dict, splits) -> dict[str, Any]:
    a = p["arch"]
    return {"name": a["name"],
            "input_shape": list(a.get("input_shape") or splits.input_shape),
            "num_classes": int(a.get("num_classes") or splits.num_classes)}


def train_recipe(p: dict, arch: dict) -> str:
    from latentgen.train import RECIPES

    recipe = p.get("recipe")
    if recipe in (None, "", "paper"):
        return arch["name"] if arch["name"] in RECIPES else "adam_fast"
    return recipe


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.networks import TorchNetwork
    from latentgen.train import paper_checkpoint_schedule, seeded_model, train

    _m, ds = runner.job_inputs(job, need_model=False)
    p = job.params
    splits, labels, data = runner.load_data(ds, progress)
    validation = None
    if p.get("hold_out") and p.get("validation"):
        from latentgen.validation import carve_validation

        # held out before training: later jobs choose layers and epochs on examples never trained on
        held = carve_validation(splits, labels, float(p["validation"]["fraction"]), int(p["validation"]["seed"]))
        validation = {"n_val": int(len(held.val_indices)), **p["validation"], "source": "carved",
                      "labels": "noisy training labels"}
        splits, labels = held.train, held.train_labels
    arch = train_arch(p, splits)
    recipe = train_recipe(p, arch)
    max_epochs = int(p.get("max_epochs", 50))
    net = seeded_model(arch["name"], tuple(arch["input_shape"]), arch["num_classes"], int(p.get("seed", 0)))
    schedule = p.get("checkpoint_epochs") or paper_checkpoint_schedule(max_epochs)

    def on_epoch(epoch, metrics, _model):
        try:
            progress("train", epoch, max_epochs)
        except JobCanceled:
            return False
        return True

    res = train(net, splits, labels, recipe, seed=int(p.get("seed", 0)), max_epochs=max_epochs,
                target_train_acc=p.get("target_train_acc", 1.0), checkpoint_epochs=schedule,
                on_epoch=on_epoch, device=runner.device())
    if res.stopped_reason == "stopped":
        raise JobCanceled(job.id)
    checkpoints = dict(res.checkpoints)
    if res.epochs_run not in checkpoints:
        checkpoints[res.epochs_run] = {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}
    from safetensors.torch import save_file

    ck_path = tmp / "checkpoints.safetensors"
    save_file({f"epoch_{e:05d}/{k}": v.contiguous() for e, sd in checkpoints.items() for k, v in sd.items()},
              str(ck_path), metadata={"epochs": ",".join(str(e) for e in sorted(checkpoints))})
    trained = TorchNetwork(net, arch)
    w_path = tmp / "model.safetensors"
    fmt = trained.save(w_path)
    described = trained.describe()
    rows = clean(res.history)
    last = rows[-1] if rows else None
    summary = {"data": data, "arch": arch, "recipe": recipe, "epochs_run": res.epochs_run, "stopped_reason": res.stopped_reason,
               "final": last, "checkpoint_epochs": sorted(checkpoints), "validation": validation}
    arts = [OutArtifact("checkpoints", "checkpoints.safetensors", "application/octet-stream", ck_path),
            OutArtifact("weights", "model.safetensors", "application/octet-stream", w_path),
            table_artifact(rows, tmp / "history.csv")]
    return Outcome(rows=rows, summary=summary, artifacts=arts,
                   model=OutModel(path=w_path, arch=arch, layers=described["layers"],
                                  final_layer=described["final_layer"],
                                  final_layer_problem=described["final_layer_problem"],
                                  num_parameters=described["num_parameters"],
                                  format=fmt, name=f"{arch['name']} trained by job {job.id}"))
