"""probe: every probe on every layer of a model, on a data set's noisy training labels.

Over a data set of more than `shard_min_examples` training examples, with spectral probes only
(MASC, linear), the class statistics are computed in shards spread over the workers (one part
each, stored as scratch), summed in shard order and fitted once: the same probes whatever the
number of workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from service.models import Job
from worker.runner import Outcome, Progress, Runner, clean, table_artifact


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.validation import probe_rows

    m, ds = runner.job_inputs(job)
    p = job.params
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    options = {"layers": p.get("layers"), "probes": tuple(p.get("probes") or ("masc", "linear")),
               "probe_options": p.get("probe_options") or None, "batch_size": int(p.get("batch_size", 256)),
               "device": runner.device(), "progress": progress, "memory_budget": runner.fit_memory_budget()}
    # the best layer is chosen on the validation split: probes fitted without it, scored on its noisy labels
    validation = runner.validation_split(job, len(splits.x_train), m)
    rows = clean(probe_rows(net, splits, labels, validation, **options))
    return _outcome(runner, rows, data, validation, tmp)


def _outcome(runner: Runner, rows: list[dict], data: dict, validation, tmp: Path) -> Outcome:
    summary = {"data": data, **probe_summary(rows, validation)}
    arts = [table_artifact(rows, tmp / "probe.csv")]
    if (pl := runner.plot("layer_plot", rows, tmp / "layers.png")) is not None:
        arts.append(pl)
    return Outcome(rows=rows, summary=summary, artifacts=arts)


def probe_summary(rows: list[dict], validation) -> dict[str, Any]:
    """The model's accuracy; the (layer, probe) chosen on the validation examples
    (`validation.choose_from_rows`) with its test accuracy, and what a test-set oracle would have chosen."""
    from latentgen.validation import choose_from_rows, model_value

    picked, info = choose_from_rows(rows, validation)
    return {
        "model_test_acc": model_value(rows, "test_acc"),
        "model_val_acc": model_value(rows, "val_acc"),
        "best": picked["chosen"],
        "oracle": picked["oracle"],
        "validation": info,
        "note": "best is chosen on the validation examples; oracle on the test set, for comparison only",
    }


# the job's progress while its parts run: shards whose statistics are done, out of all
PART_STAGE = "statistics"


def split(runner: Runner, job: Job) -> list[dict[str, Any]] | None:
    """The training examples in shards (`fanout.training_shards`); None (run whole) for a small
    data set or a probe that needs the activations."""
    from latentgen.probes import SPECTRAL_PROBES, probe_names
    from worker.fanout import training_shards

    if not set(probe_names(_probes(job))) <= set(SPECTRAL_PROBES):
        return None
    return training_shards(runner, job)


def run_part(runner: Runner, job: Job, spec: dict[str, Any], progress, tmp: Path):
    """One shard's class statistics on every layer, apart for the examples outside the validation
    split (`fit/<layer>`) and inside it (`val/<layer>`): their sums fit the probe job's two sets
    of probes."""
    from latentgen.extract import class_statistics, save_statistics
    from worker.fanout import PartOutput

    m, ds = runner.job_inputs(job)
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    layers = _layers(job, net)
    validation = runner.validation_split(job, len(splits.x_train), m)
    num_classes = max(splits.num_classes, int(labels.labels.max()) + 1)
    shard = np.arange(spec["start"], spec["stop"])
    held = validation.mask[shard]
    stats = {}
    for group, members in (("fit", shard[~held]), ("val", shard[held])):
        if len(members):  # a shard may hold no validation example
            for layer, st in class_statistics(net, splits.x_train[members], labels.labels[members], layers,
                                              num_classes, int(job.params.get("batch_size", 256)), runner.device(),
                                              progress=progress).items():
                stats[f"{group}/{layer}"] = st
    path = tmp / "statistics.safetensors"
    # the job and attempt in the file: a shard's scratch blob is never another job's
    save_statistics(stats, path, {"job": job.id, "attempt": str(job.attempts), "shard": f"{spec['start']}-{spec['stop']}"})
    return PartOutput(result={"data": data}, file=path)


def merge(runner: Runner, job: Job, parts, progress, tmp: Path) -> Outcome:
    """Sum the shards' statistics in shard order, fit once, and score as the whole job does."""
    from latentgen.extract import load_statistics
    from latentgen.report import fit_from_statistics, score_probes
    from latentgen.validation import validation_scores

    m, ds = runner.job_inputs(job)
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    layers = _layers(job, net)
    validation = runner.validation_split(job, len(splits.x_train), m)
    sums: dict[str, Any] = {}
    for part in parts:
        for key, st in load_statistics(part.file, runner.device()).items():
            sums[key] = sums[key] + st if key in sums else st
    fit = {layer: sums[f"fit/{layer}"] for layer in layers}
    probes, options = _probes(job), job.params.get("probe_options") or None
    batch_size, device = int(job.params.get("batch_size", 256)), runner.device()
    fitted = fit_from_statistics(fit, probes, options, progress)
    if len(validation.indices):  # a split of the training examples: the full fit adds its statistics
        everything = {layer: fit[layer] + sums[f"val/{layer}"] for layer in layers}
        full = fit_from_statistics(everything, probes, options, progress)
    else:  # held-out data: every training example was fitted already
        full = fitted
    rows = score_probes(net, splits, labels, full, batch_size, device, progress)
    rows += validation_scores(net, splits, labels, validation, fitted, batch_size, device, progress)
    return _outcome(runner, clean(rows), data, validation, tmp)


def _probes(job: Job) -> tuple[str, ...]:
    from latentgen.probes import probe_names

    return tuple(probe_names(job.params.get("probes") or ("masc", "linear")))


def _layers(job: Job, net) -> list[str]:
    from latentgen.networks import as_network

    return list(job.params.get("layers") or as_network(net).default_probe_layers())
