"""repair: the last layer rewritten from the linear probe on the last hidden layer; a new model.

Over a data set of more than `shard_min_examples` training examples, the final layer's input
statistics are computed in shards spread over the workers (one part each, stored as scratch),
summed in shard order, and the probe fitted once: the same repair whatever the number of workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.models import Job
from worker.kinds.evaluation import compare_networks
from worker.runner import OutArtifact, OutModel, Outcome, Progress, Runner, table_artifact

# the job's progress while its parts run: shards whose statistics are done, out of all
PART_STAGE = "statistics"


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.edit import repair_last_layer

    m, ds = runner.job_inputs(job)
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    edited, report = repair_last_layer(net, splits.x_train, labels.labels, bias=job.params.get("bias", "zero"),
                                       batch_size=int(job.params.get("batch_size", 256)), device=runner.device(),
                                       progress=progress)
    return _outcome(runner, job, m, net, edited, report, splits, labels, data, progress, tmp)


def split(runner: Runner, job: Job) -> list[dict[str, Any]] | None:
    """The training examples in shards (`fanout.training_shards`); None (run whole) for a small data set."""
    from worker.fanout import training_shards

    return training_shards(runner, job)


def run_part(runner: Runner, job: Job, spec: dict[str, Any], progress, tmp: Path):
    """One shard's class statistics of the final layer's input."""
    from latentgen.edit import final_layer_statistics
    from latentgen.extract import save_statistics
    from worker.fanout import PartOutput

    m, ds = runner.job_inputs(job)
    splits, labels, _data = runner.load_data(ds, progress)
    shard = slice(spec["start"], spec["stop"])
    stats = final_layer_statistics(runner.load_model(m), splits.x_train[shard], labels.labels[shard],
                                   int(job.params.get("batch_size", 256)), runner.device(), progress)
    path = tmp / "statistics.safetensors"
    # the job and attempt in the file: a shard's scratch blob is never another job's
    save_statistics({"final": stats}, path, {"job": job.id, "attempt": str(job.attempts),
                                             "shard": f"{spec['start']}-{spec['stop']}"})
    return PartOutput(file=path)


def merge(runner: Runner, job: Job, parts, progress, tmp: Path) -> Outcome:
    """Sum the shards' statistics in shard order and repair once."""
    from latentgen.edit import repair_from_statistics
    from latentgen.extract import load_statistics

    m, ds = runner.job_inputs(job)
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    total = None
    for part in parts:
        st = load_statistics(part.file, runner.device())["final"]
        total = st if total is None else total + st
    edited, report = repair_from_statistics(net, total, bias=job.params.get("bias", "zero"))
    return _outcome(runner, job, m, net, edited, report, splits, labels, data, progress, tmp)


def _outcome(runner: Runner, job: Job, m, net, edited, report, splits, labels, data, progress, tmp: Path) -> Outcome:
    """The repaired network saved, measured on the saved bytes beside the model, as a new model."""
    from latentgen.networks import FILE_SUFFIXES, load_network

    path = tmp / f"repaired{FILE_SUFFIXES[edited.save_format]}"
    fmt = edited.save(path)
    # what is reported is measured on the saved bytes, exactly what a client downloads
    rows, metrics, per_class = compare_networks(
        {"model": ("model", net), "repaired": (m.final_layer, load_network(path, m.arch))}, splits, labels,
        runner.device(), progress)
    summary = {
        "data": data,
        "model_test_acc": metrics["model"]["test_acc"],
        "repaired_test_acc": metrics["repaired"]["test_acc"],
        "gain": metrics["repaired"]["test_acc"] - metrics["model"]["test_acc"],
        "repair": report.to_dict(),
        "source_model_id": m.id,
        "test_per_class": per_class,
    }
    bias = job.params.get("bias", "zero")
    model_out = OutModel(path=path, arch=m.arch, layers=m.layers, final_layer=m.final_layer,
                         num_parameters=m.num_parameters, format=fmt, name=f"{m.name or m.id} repaired ({bias} bias)")
    arts = [OutArtifact("weights", path.name, "application/octet-stream", path),
            table_artifact(rows, tmp / "repair.csv")]
    return Outcome(rows=rows, summary=summary, artifacts=arts, model=model_out)
