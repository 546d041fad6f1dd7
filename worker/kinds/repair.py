"""repair: the last layer rewritten from the linear probe on the last hidden layer; a new model."""

from __future__ import annotations

from pathlib import Path

from service.models import Job
from worker.kinds.evaluation import compare_networks
from worker.runner import OutArtifact, OutModel, Outcome, Progress, Runner, table_artifact


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.edit import repair_last_layer
    from latentgen.networks import FILE_SUFFIXES, load_network

    m, ds = runner.job_inputs(job)
    p = job.params
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    device = runner.device()
    bs = int(p.get("batch_size", 256))
    edited, report = repair_last_layer(net, splits.x_train, labels.labels, bias=p.get("bias", "zero"),
                                       batch_size=bs, device=device, progress=progress)
    path = tmp / f"repaired{FILE_SUFFIXES[edited.save_format]}"
    fmt = edited.save(path)
    # what is reported is measured on the saved bytes, exactly what a client downloads
    rows, metrics, per_class = compare_networks(
        {"model": ("model", net), "repaired": (m.final_layer, load_network(path, m.arch))}, splits, labels, device,
        progress)
    summary = {
        "data": data,
        "model_test_acc": metrics["model"]["test_acc"],
        "repaired_test_acc": metrics["repaired"]["test_acc"],
        "gain": metrics["repaired"]["test_acc"] - metrics["model"]["test_acc"],
        "repair": report.to_dict(),
        "source_model_id": m.id,
        "test_per_class": per_class,
    }
    model_out = OutModel(path=path, arch=m.arch, layers=m.layers, final_layer=m.final_layer,
                         num_parameters=m.num_parameters, format=fmt,
                         name=f"{m.name or m.id} repaired ({p.get('bias', 'zero')} bias)")
    arts = [OutArtifact("weights", path.name, "application/octet-stream", path),
            table_artifact(rows, tmp / "repair.csv")]
    return Outcome(rows=rows, summary=summary, artifacts=arts, model=model_out)
