"""graft: repair at any layer. The model up to a layer, then a head (MASC or linear) fitted on the
noisy labels, the layer and head chosen on the validation split; a new model."""

from __future__ import annotations

from pathlib import Path
from service.models import Job
from worker.kinds.evaluation import compare_networks
from worker.runner import OutArtifact, OutModel, Outcome, Progress, Runner, table_artifact


def run(runner: Runner, job: Job, progress: Progress, tmp: Path) -> Outcome:
    from latentgen.graft import graft
    from latentgen.networks import TorchNetwork, load_network

    m, ds = runner.job_inputs(job)
    p = job.params
    splits, labels, data = runner.load_data(ds, progress)
    net = runner.load_model(m)
    if not isinstance(net, TorchNetwork):
        raise ValueError("model_id: a graft needs torch weights of one of latentgen's architectures")
    device = runner.device()
    grafted, report = graft(net.module, splits, labels, layer=p.get("layer", "auto"), head=p.get("head", "auto"),
                            validation=runner.validation_split(job, len(splits.x_train), m), layers=p.get("layers"),
                            probe_options=p.get("probe_options") or None, batch_size=int(p.get("batch_size", 256)),
                            device=device, progress=progress)
    arch = {**m.arch, **{k: v for k, v in report.spec.items() if v is not None}}
    out = TorchNetwork(grafted, arch)
    path = tmp / "grafted.safetensors"
    fmt = out.save(path)
    # measured on the saved bytes, rebuilt from the new architecture spec: exactly what a client downloads
    saved = load_network(path, arch)
    described = saved.describe()
    rows, metrics, per_class = compare_networks({"model": ("model", net), "grafted": (report.layer, saved)},
                                                splits, labels, device, progress)
    summary = {
        "data": data, "layer": report.layer, "head": report.head, "spec": report.spec,
        "val_acc": report.val_acc, "test_acc": metrics["grafted"]["test_acc"], "chosen_by": report.chosen_by,
        "oracle": report.oracle, "last_layer_repair": report.last_layer_repair, "model": report.model,
        "model_test_acc": metrics["model"]["test_acc"],
        "gain": metrics["grafted"]["test_acc"] - metrics["model"]["test_acc"],
        "validation": report.validation, "source_model_id": m.id, "test_per_class": per_class,
    }
    rows = report.candidates + rows
    model_out = OutModel(path=path, arch=arch, layers=described["layers"], final_layer=described["final_layer"],
                         final_layer_problem=described["final_layer_problem"], num_parameters=described["num_parameters"],
                         format=fmt,
                         name=f"{m.name or m.id} grafted at {report.layer} ({report.head} head)")
    arts = [OutArtifact("weights", path.name, "application/octet-stream", path),
            table_artifact(rows, tmp / "graft.csv")]
    return Outcome(rows=rows, summary=summary, artifacts=arts, model=model_out)
