"""midway: train, repair at an epoch, train on; against a control arm that is not repaired."""

from __future__ import annotations

from pathlib import Path

from service.models import Job
from worker.errors import JobCanceled
from worker.runner import Outcome, Progress, Runner, clean, table_artifact


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.train import midway, seeded_model

    from worker.kinds.train import train_arch, train_recipe

    _m, ds = runner.job_inputs(job, need_model=False)
    p = job.params
    splits, labels, data = runner.load_data(ds, progress)
    arch = train_arch(p, splits)
    recipe = train_recipe(p, arch)
    seed, total, edit = int(p.get("seed", 0)), int(p["total_epochs"]), int(p["edit_epoch"])
    arms = {"pre_edit": 0, "repaired": 1, "control": 2}

    def on_epoch(arm, epoch, metrics, _model):
        done = epoch if arm == "pre_edit" else edit + (epoch - edit) + (total - edit) * (arms[arm] - 1)
        try:
            progress(f"midway:{arm}", done, total + (total - edit))
        except JobCanceled:
            return False
        return True

    res = midway(lambda: seeded_model(arch["name"], tuple(arch["input_shape"]), arch["num_classes"], seed),
                 splits, labels, recipe, edit, total, seed=seed, bias=p.get("bias", "zero"),
                 on_epoch=on_epoch, device=runner.device())
    if res.stopped:
        raise JobCanceled(job.id)
    rows = clean(res.rows)
    final = {arm: (getattr(res, arm)[-1] if getattr(res, arm) else None) for arm in arms}
    summary = {"data": data, "arch": arch, "recipe": recipe, "edit_epoch": edit, "total_epochs": total,
               "repair": res.report.to_dict() if res.report is not None else None, "final": clean(final)}
    arts = [table_artifact(rows, tmp / "midway.csv")]
    return Outcome(rows=rows, summary=summary, artifacts=arts)
