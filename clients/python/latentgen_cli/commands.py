"""The client commands of `latentgen`: models, datasets, probe, repair, audit, graft, train,
dynamics, midway, jobs and report, over the generated client `latentgen_client` and the helpers of `latentgen_cli.client`.

Where the service is: `--url` or $LATENTGEN_URL (default http://127.0.0.1:8000); the key: `--key` or
$LATENTGEN_API_KEY, else the embedded service's own, `<home>/local-key` (home: `--home`,
$LATENTGEN_HOME or ./var), which `latentgen serve` writes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from latentgen_client.api.datasets import create_dataset, list_datasets
from latentgen_client.api.jobs import (cancel_job, create_job, get_job, get_job_report, get_job_result,
                                      get_job_result_csv, list_jobs)
from latentgen_client.api.models import create_model, download_model_weights, list_models
from latentgen_client.errors import UnexpectedStatus
from latentgen_client.models import (ArchSpec, AuditJobCreate, AuditParams, BiasMode, Checkpoint, ClassMapPreset,
                                     CleanMode, CorruptionSpec, DatasetSpec, DatasetUpload, DataSource,
                                     DynamicsJobCreate, DynamicsParams, GraftJobCreate, GraftParams, HeadChoice,
                                     JobKind, JobStatus, LoaderOptions, MidwayJobCreate, MidwayParams, ModelUpload,
                                     NoiseKind, PreprocessingSpec, ProbeJobCreate, ProbeName, ProbeParams,
                                     RecipeName, RepairJobCreate, RepairParams, TrainArch, TrainJobCreate,
                                     TrainParams, ValidationOptions)
from latentgen_client.types import UNSET, File

from . import display
from .client import ApiError, connect, download, ok, wait
from .defaults import DEFAULT_HOME, DEFAULT_URL

# exit statuses (also in `latentgen --help` and docs/api.md)
EXIT_SUCCEEDED = 0
EXIT_FAILED = 1  # the job failed
EXIT_USAGE = 2  # the command line is wrong (argparse's own status)
EXIT_CANCELED = 3  # the job was canceled
EXIT_API = 4  # the service refused the request, or could not be reached
EXIT_INTERRUPTED = 130  # Ctrl-C while waiting: the job goes on
EXIT_BY_STATUS = {"succeeded": EXIT_SUCCEEDED, "failed": EXIT_FAILED, "canceled": EXIT_CANCELED}

EXIT_CODES_HELP = """\
exit status of the client commands:
  0    done; for a command that waits, the job succeeded
  1    the job failed (its error is printed)
  2    usage error
  3    the job was canceled
  4    the service refused the request (its error is printed) or could not be reached
  130  Ctrl-C while waiting: the job goes on; reattach with `latentgen jobs show ID --wait`"""


class UsageError(Exception):
    """A command line that cannot be turned into a request."""


# ---------------------------------------------------------------- configuration

def _client(args):
    url = getattr(args, "url", None) or os.environ.get("LATENTGEN_URL") or DEFAULT_URL
    return connect(url, _key(args), timeout=300.0)


def _key(args) -> str:
    key = getattr(args, "key", None) or os.environ.get("LATENTGEN_API_KEY")
    if key:
        return key
    home = Path(args.home or os.environ.get("LATENTGEN_HOME") or DEFAULT_HOME)
    path = home / "local-key"
    if path.is_file():
        return path.read_text().strip()
    raise UsageError(f"no API key: pass --key, set LATENTGEN_API_KEY, or run `latentgen serve` (it writes {path})")


# ---------------------------------------------------------------- running a job

def _submit(args, body) -> int:
    """Queue a job; unless --no-wait, follow it to its end, print its result, and exit by its end state."""
    if getattr(args, "output", None) and args.no_wait:
        raise UsageError("-o needs the job to finish: drop --no-wait, or save the model later with "
                         "`latentgen jobs show JOB --wait -o FILE`")
    client = _client(args)
    job = ok(create_job.sync_detailed(client=client, body=body))
    if args.no_wait:
        if args.quiet:
            print(job.id)
        else:
            display.job_detail(job)
        return EXIT_SUCCEEDED
    return _follow(client, job.id, args)


def _follow(client, job_id: str, args) -> int:
    try:
        with display.JobProgress() as progress:
            job = wait(client, job_id, on_progress=progress.update)
    except KeyboardInterrupt:
        display.detached(job_id)
        return EXIT_INTERRUPTED
    if job.status == JobStatus.SUCCEEDED:
        out = getattr(args, "output", None)
        if out and job.output_model_id:
            download(client, download_model_weights, job.output_model_id, out)
        result = ok(get_job_result.sync_detailed(job.id, client=client)).to_dict()
        if args.quiet:
            # what the job made: its model (train, repair, graft), its cleaned data set (audit), or the job
            print(job.output_model_id or result["summary"].get("cleaned_dataset_id") or job.id)
        else:
            display.result(result)
            if out:
                display.note(f"saved the {job.kind} job's model {job.output_model_id} to {out}")
            display.note(f"report: latentgen report {job.id} -o report.html")
    else:
        display.job_ended(job)
    return EXIT_BY_STATUS[job.status]


def _validation(args) -> ValidationOptions | Any:
    """--validation DATASET: choices on that data set's examples, which the model never saw."""
    return ValidationOptions(dataset_id=args.validation) if args.validation else UNSET


def cmd_probe(args) -> int:
    params = ProbeParams(probes=args.probes or UNSET, layers=args.layers or UNSET, batch_size=args.batch_size or UNSET,
                         validation=_validation(args))
    return _submit(args, ProbeJobCreate(kind="probe", model_id=args.model, dataset_id=args.dataset, params=params))


def cmd_repair(args) -> int:
    params = RepairParams(bias=BiasMode(args.bias), batch_size=args.batch_size or UNSET)
    return _submit(args, RepairJobCreate(kind="repair", model_id=args.model, dataset_id=args.dataset, params=params))


def cmd_audit(args) -> int:
    params = AuditParams(layer=args.layer or UNSET, probe=HeadChoice(args.probe), folds=args.folds,
                         clean=None if args.clean == "none" else CleanMode(args.clean), validation=_validation(args))
    return _submit(args, AuditJobCreate(kind="audit", model_id=args.model, dataset_id=args.dataset, params=params))


def cmd_graft(args) -> int:
    params = GraftParams(layer=args.layer or UNSET, head=HeadChoice(args.head), validation=_validation(args))
    return _submit(args, GraftJobCreate(kind="graft", model_id=args.model, dataset_id=args.dataset, params=params))


def cmd_train(args) -> int:
    params = TrainParams(arch=TrainArch(name=args.arch), recipe=RecipeName(args.recipe), seed=args.seed,
                         max_epochs=args.max_epochs, target_train_acc=args.target)
    return _submit(args, TrainJobCreate(kind="train", dataset_id=args.dataset, params=params))


def _checkpoint(text: str) -> Checkpoint:
    epoch, sep, model = text.partition("=")
    if not sep or not epoch.strip().isdigit() or not model.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not EPOCH=MODEL (e.g. 3=<model id>)")
    return Checkpoint(model_id=model.strip(), epoch=int(epoch))


def cmd_dynamics(args) -> int:
    if bool(args.train_job) == bool(args.checkpoint):
        raise UsageError("give a train job's id, or your own checkpoints as --checkpoint EPOCH=MODEL with --dataset")
    if args.checkpoint and not args.dataset:
        raise UsageError("--checkpoint needs --dataset: the data set the checkpoints were trained on")
    params = DynamicsParams(checkpoints=args.checkpoint or UNSET, layers=args.layers or UNSET,
                            probes=args.probes or UNSET, epochs=args.epochs or UNSET, validation=_validation(args))
    return _submit(args, DynamicsJobCreate(kind="dynamics", train_job_id=args.train_job or UNSET,
                                           dataset_id=args.dataset or UNSET, params=params))


def cmd_midway(args) -> int:
    params = MidwayParams(arch=TrainArch(name=args.arch), recipe=RecipeName(args.recipe), seed=args.seed,
                          edit_epoch=args.edit_epoch, total_epochs=args.total_epochs, bias=BiasMode(args.bias))
    return _submit(args, MidwayJobCreate(kind="midway", dataset_id=args.dataset, params=params))


# ---------------------------------------------------------------- models and datasets

def _arch(args) -> ArchSpec | None:
    if args.arch_file:
        text, where = Path(args.arch_file).read_text(), args.arch_file
    elif args.arch:
        text, where = args.arch, "--arch"
    else:
        return None  # an ONNX file: the graph is the architecture
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"{where} is not JSON ({e}); e.g. "
                         '\'{"name": "mlp", "input_shape": [1, 28, 28], "num_classes": 10}\'') from e
    missing = [k for k in ("name", "input_shape", "num_classes") if not isinstance(value, dict) or k not in value]
    if missing:
        raise UsageError(f"{where} needs {', '.join(missing)}")
    return ArchSpec.from_dict(value)


def cmd_models_upload(args) -> int:
    client, arch, path = _client(args), _arch(args), Path(args.file)
    with open(path, "rb") as f:
        model = ok(create_model.sync_detailed(client=client, body=ModelUpload(
            weights=File(payload=f, file_name=path.name), arch=arch or UNSET, name=args.name or UNSET)))
    if args.quiet:
        print(model.id)
    else:
        display.model_detail(model)
    return EXIT_SUCCEEDED


def cmd_models_list(args) -> int:
    page = ok(list_models.sync_detailed(client=_client(args), limit=args.limit, offset=args.offset))
    display.listing(page, display.MODEL_COLUMNS, args.quiet)
    return EXIT_SUCCEEDED


def cmd_datasets_upload(args) -> int:
    client = _client(args)
    source = args.source or ("npz" if args.file else None)
    if source is None:
        raise UsageError("give an npz FILE or a named --source (e.g. --source digits)")
    labels = _corruption(args)
    if (args.mean is None) != (args.std is None):
        raise UsageError("--mean and --std state the preprocessing together: give both")
    options = {k: v for k, v in (("test_size", args.test_size), ("seed", args.split_seed),
                                 ("image_size", args.image_size)) if v is not None}
    spec = DatasetSpec(
        source=DataSource(source), name=args.name or UNSET, root=args.root or UNSET,
        labels=labels or UNSET,
        options=LoaderOptions.from_dict(options) if options else UNSET,
        preprocessing=PreprocessingSpec(mean=args.mean, std=args.std) if args.mean is not None else UNSET)
    uploads = {part: Path(path) for part, path in (("file", args.file), ("train_labels", args.train_labels)) if path}
    with ExitStack() as stack:
        files = {part: File(payload=stack.enter_context(open(path, "rb")), file_name=path.name)
                 for part, path in uploads.items()}
        dataset = ok(create_dataset.sync_detailed(client=client, body=DatasetUpload(spec=spec, **files)))
    if args.quiet:
        print(dataset.id)
    else:
        display.dataset_detail(dataset)
    return EXIT_SUCCEEDED


def _corruption(args) -> CorruptionSpec | None:
    """The noise model the options describe: --transition-matrix implies transition noise, --class-map
    pair flips; the service checks the rest and names what is wrong."""
    if args.transition_matrix is not None and args.class_map is not None:
        raise UsageError("--class-map is for pair flips, --transition-matrix for transition noise: give one")
    noise = args.noise or ("transition" if args.transition_matrix is not None
                           else "pairflip" if args.class_map is not None else "uniform")
    if args.corruption is None and args.noise is None and args.transition_matrix is None and args.class_map is None:
        if args.seed is not None:
            raise UsageError("--seed seeds the label noise: give --corruption P (or a --noise model) too")
        return None
    matrix = _matrix_file(args.transition_matrix) if args.transition_matrix is not None else UNSET
    return CorruptionSpec(noise=NoiseKind(noise), p=UNSET if args.corruption is None else args.corruption,
                          class_map=UNSET if args.class_map is None else args.class_map, matrix=matrix,
                          seed=args.seed or 0)


def _matrix_file(path: str) -> list[list[float]]:
    """A K × K matrix from a text file: one row a line, numbers separated by commas or spaces (what
    numpy.savetxt writes); text after a # is a comment."""
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise UsageError(f"--transition-matrix {path}: {e.strerror}") from None
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].replace(",", " ").split()
        if not line:
            continue
        try:
            rows.append([float(v) for v in line])
        except ValueError:
            raise UsageError(f"--transition-matrix {path}, line {n}: not a row of numbers") from None
    return rows


def _class_map(text: str) -> ClassMapPreset | list[list[int]]:
    known = [c.value for c in ClassMapPreset]
    if text in known:
        return ClassMapPreset(text)
    try:
        return [[int(a), int(b)] for a, b in (pair.split(":") for pair in _names(text))]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither a preset ({', '.join(known)}) nor FROM:TO pairs "
                                         "(e.g. 9:1,3:5,5:3)") from None


def cmd_datasets_list(args) -> int:
    page = ok(list_datasets.sync_detailed(client=_client(args), limit=args.limit, offset=args.offset))
    display.listing(page, display.DATASET_COLUMNS, args.quiet)
    return EXIT_SUCCEEDED


# ---------------------------------------------------------------- jobs and reports

def cmd_jobs_list(args) -> int:
    page = ok(list_jobs.sync_detailed(client=_client(args), status=JobStatus(args.status) if args.status else UNSET,
                                      kind=JobKind(args.kind) if args.kind else UNSET,
                                      limit=args.limit, offset=args.offset))
    display.listing(page, display.JOB_COLUMNS, args.quiet)
    return EXIT_SUCCEEDED


def cmd_jobs_show(args) -> int:
    client = _client(args)
    if args.wait:
        return _follow(client, args.job, args)
    if args.output:
        raise UsageError("-o needs --wait")
    display.job_detail(ok(get_job.sync_detailed(args.job, client=client)))
    return EXIT_SUCCEEDED


def cmd_jobs_cancel(args) -> int:
    job = ok(cancel_job.sync_detailed(args.job, client=_client(args)))
    display.note(f"{job.kind} job {job.id}: {job.status}")
    return EXIT_SUCCEEDED


def cmd_jobs_result(args) -> int:
    client = _client(args)
    if args.csv:
        sys.stdout.write(ok(get_job_result_csv.sync_detailed(args.job, client=client)))
    else:
        display.result(ok(get_job_result.sync_detailed(args.job, client=client)).to_dict())
    return EXIT_SUCCEEDED


def cmd_report(args) -> int:
    out = Path(args.output or f"report-{args.job}.html")
    download(_client(args), get_job_report, args.job, out)
    display.note(f"saved the report of job {args.job} to {out}")
    return EXIT_SUCCEEDED


# ---------------------------------------------------------------- the parser

def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _epochs(text: str) -> list[int]:
    if not all(n.isdigit() for n in _names(text)):
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of epochs (e.g. 0,5,10)")
    return [int(n) for n in _names(text)]


def _floats(text: str) -> list[float]:
    try:
        return [float(n) for n in _names(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers (e.g. 0.5 or 0.485,0.456,0.406)") from None


def _probe_names(text: str) -> list[ProbeName]:
    known = [n.value for n in ProbeName]
    unknown = [n for n in _names(text) if n not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown probes {', '.join(unknown)}; choose from {', '.join(known)}")
    return [ProbeName(n) for n in _names(text)]


def client_options() -> argparse.ArgumentParser:
    """--url and --key: a parent parser, so that they go before or after the sub-command."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--url", default=argparse.SUPPRESS,
                   help=f"the service (default: $LATENTGEN_URL or {DEFAULT_URL})")
    p.add_argument("--key", default=argparse.SUPPRESS,
                   help="API key (default: $LATENTGEN_API_KEY, else <home>/local-key of the embedded service)")
    return p


def add_client_commands(add: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Register the client commands with `add(name, **kwargs)`, which makes a sub-command that takes
    the global options; the nested ones (models upload…) take them too."""
    options = client_options()
    parents = [common, options]

    def group(name: str, help: str):
        sub = add(name, help=help, parents=[options]).add_subparsers(dest="action", required=True, metavar="ACTION")
        return lambda action, **kw: sub.add_parser(action, parents=parents, **kw)

    def quiet(p, what: str):
        p.add_argument("-q", "--quiet", action="store_true", help=f"print only {what}")

    def page(p):
        p.add_argument("--limit", type=int, default=20)
        p.add_argument("--offset", type=int, default=0)

    def job_options(p, makes: str | None):
        p.add_argument("--no-wait", action="store_true", help="print the queued job and return")
        quiet(p, f"the id of the job's {makes} (with --no-wait: of the job)" if makes else "the job's id")
        p.epilog = EXIT_CODES_HELP
        p.formatter_class = argparse.RawDescriptionHelpFormatter

    models = group("models", "upload and list models")
    p = models("upload", help="upload weights (safetensors, a torch state_dict, or .onnx)")
    p.add_argument("file", metavar="FILE")
    arch = p.add_mutually_exclusive_group()
    arch.add_argument("--arch", metavar="JSON",
                      help='architecture of torch weights, e.g. \'{"name": "mlp", "input_shape": [1, 28, 28], '
                           '"num_classes": 10}\'; none for .onnx')
    arch.add_argument("--arch-file", metavar="PATH", help="the same JSON, from a file")
    p.add_argument("--name")
    quiet(p, "the model's id")
    p.set_defaults(func=cmd_models_upload, client=True)
    p = models("list", help="your models, newest first")
    page(p)
    quiet(p, "their ids")
    p.set_defaults(func=cmd_models_list, client=True)

    datasets = group("datasets", "upload and list data sets")
    p = datasets("upload", help="an npz file (x_train, y_train, x_test, y_test) or a named source")
    p.add_argument("file", metavar="FILE", nargs="?", help="the npz (source npz)")
    p.add_argument("--source", choices=[s.value for s in DataSource],
                   help="a named source the workers read (default: npz when FILE is given)")
    p.add_argument("--root", help="a named source's path under the workers' data directory")
    p.add_argument("--corruption", type=float, metavar="P",
                   help="corrupt each training label with probability P, as the model was trained")
    p.add_argument("--noise", choices=[n.value for n in NoiseKind],
                   help="the noise model: uniform (the paper's: redrawn from all classes; the default), pairflip "
                        "(to the class's partner in --class-map) or transition (--transition-matrix)")
    p.add_argument("--class-map", type=_class_map, metavar="PRESET|FROM:TO,...",
                   help="pair flips: cifar10, mnist (Patrini et al.'s maps), next (c to c+1; the default), or pairs")
    p.add_argument("--transition-matrix", metavar="FILE",
                   help="transition noise: K rows of K probabilities (row: true class, column: given label)")
    p.add_argument("--seed", type=int, help="seed of the label noise (default 0)")
    p.add_argument("--train-labels", metavar="NPY", help="the exact labels the model was trained on, instead")
    p.add_argument("--test-size", type=int, help="digits: held-out test examples")
    p.add_argument("--split-seed", type=int, help="digits: seed of the train/test split")
    p.add_argument("--image-size", type=int, help="imagefolder: resize images to a square")
    p.add_argument("--mean", type=_floats, metavar="M[,M...]",
                   help="the model's input standardisation, (x - mean) / std per channel, after uint8 values "
                        "are divided by 255 (default: 0.5 for uint8 images, none for float inputs)")
    p.add_argument("--std", type=_floats, metavar="S[,S...]", help="with --mean: one std for all channels or one each")
    p.add_argument("--name")
    quiet(p, "the data set's id")
    p.set_defaults(func=cmd_datasets_upload, client=True)
    p = datasets("list", help="your data sets, newest first")
    page(p)
    quiet(p, "their ids")
    p.set_defaults(func=cmd_datasets_list, client=True)

    def training(p) -> None:
        """What a job that trains (train, midway) takes: the data set, the architecture, the recipe."""
        p.add_argument("dataset", metavar="DATASET")
        p.add_argument("--arch", required=True, help='"mlp", "cnn", "alexnet", "resnet18" or "torchvision:<builder>"')
        p.add_argument("--recipe", choices=[r.value for r in RecipeName], default="paper")
        p.add_argument("--seed", type=int, default=0)

    def held_out(p) -> None:
        p.add_argument("--validation", metavar="DATA", help="a data set of examples the model never saw (their own "
                       "labels): every choice is made on them (default: a split of the training set)")

    p = add("probe", parents=[options], help="probe a model's layers on a data set; wait, print the table")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("dataset", metavar="DATASET")
    p.add_argument("--layers", type=_names, help="comma-separated layer names (default: the hidden layers)")
    p.add_argument("--probes", type=_probe_names, help=f"comma-separated, of {', '.join(n.value for n in ProbeName)} "
                                                 "(default: masc,linear)")
    p.add_argument("--batch-size", type=int)
    job_options(p, None)
    held_out(p)
    p.set_defaults(func=cmd_probe, client=True)

    p = add("repair", parents=[options], help="repair a model's last layer; wait, print before/after")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("dataset", metavar="DATASET")
    p.add_argument("-o", "--output", metavar="FILE", help="save the repaired weights here")
    p.add_argument("--bias", choices=[b.value for b in BiasMode], default="zero")
    p.add_argument("--batch-size", type=int)
    job_options(p, "model")
    p.set_defaults(func=cmd_repair, client=True)

    p = add("audit", parents=[options], help="find the training labels the model's layers contradict; a cleaned "
                                             "data set")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("dataset", metavar="DATASET")
    p.add_argument("--layer", help='a layer (default: "auto", chosen on the validation split)')
    p.add_argument("--probe", choices=[h.value for h in HeadChoice], default="auto")
    p.add_argument("--folds", type=int, default=5, help="cross-fitting folds")
    p.add_argument("--clean", choices=[*(c.value for c in CleanMode), "none"], default="relabel",
                   help="the cleaned data set: flagged labels relabelled, or filtered out, or none")
    job_options(p, "cleaned data set")
    held_out(p)
    p.set_defaults(func=cmd_audit, client=True)

    p = add("graft", parents=[options], help="repair at the best layer: the network up to it and a probe head")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("dataset", metavar="DATASET")
    p.add_argument("--layer", help='where to cut (default: "auto", chosen on the validation split)')
    p.add_argument("--head", choices=[h.value for h in HeadChoice], default="auto")
    p.add_argument("-o", "--output", metavar="FILE", help="save the grafted weights here")
    job_options(p, "model")
    held_out(p)
    p.set_defaults(func=cmd_graft, client=True)

    p = add("train", parents=[options], help="train a model on a data set's (noisy) labels; wait, print the epochs")
    training(p)
    p.add_argument("--max-epochs", type=int, default=50)
    p.add_argument("--target", type=float, default=1.0, help="noisy-label train accuracy that stops training")
    p.add_argument("-o", "--output", metavar="FILE", help="save the trained weights here")
    job_options(p, "model")
    p.set_defaults(func=cmd_train, client=True)

    p = add("dynamics", parents=[options], help="probe every checkpoint of a training run; wait, print the epochs")
    p.add_argument("train_job", metavar="TRAIN_JOB", nargs="?", help="a succeeded train job (its checkpoints)")
    p.add_argument("--checkpoint", type=_checkpoint, action="append", metavar="EPOCH=MODEL",
                   help="your own checkpoint, an uploaded model and its epoch (repeat; instead of TRAIN_JOB)")
    p.add_argument("--dataset", metavar="DATASET", help="with --checkpoint: the data set they were trained on")
    p.add_argument("--layers", type=_names, help="comma-separated layer names (default: the hidden layers)")
    p.add_argument("--probes", type=_probe_names, help="comma-separated (default: masc,linear)")
    p.add_argument("--epochs", type=_epochs, help="comma-separated epochs (default: every checkpoint)")
    held_out(p)
    job_options(p, None)
    p.set_defaults(func=cmd_dynamics, client=True)

    p = add("midway", parents=[options], help="train, repair the last layer at an epoch, train on; wait, print both arms")
    training(p)
    p.add_argument("--edit-epoch", type=int, default=40, help="the epoch at which the last layer is repaired")
    p.add_argument("--total-epochs", type=int, default=100)
    p.add_argument("--bias", choices=[b.value for b in BiasMode], default="zero")
    job_options(p, None)
    p.set_defaults(func=cmd_midway, client=True)

    jobs = group("jobs", "list, show, cancel jobs; their results")
    p = jobs("list", help="your jobs, newest first")
    p.add_argument("--status", choices=[s.value for s in JobStatus])
    p.add_argument("--kind", choices=[k.value for k in JobKind])
    page(p)
    quiet(p, "their ids")
    p.set_defaults(func=cmd_jobs_list, client=True)
    p = jobs("show", help="a job; with --wait, follow it to its end and print its result",
             epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("job", metavar="JOB")
    p.add_argument("--wait", action="store_true", help="follow the job to its end; exit by its end state")
    p.add_argument("-o", "--output", metavar="FILE", help="with --wait: save the job's model (train, repair, graft)")
    quiet(p, "with --wait: the id of what the job made (a model, a cleaned data set) or of the job")
    p.set_defaults(func=cmd_jobs_show, client=True)
    p = jobs("cancel", help="cancel a queued or running job")
    p.add_argument("job", metavar="JOB")
    p.set_defaults(func=cmd_jobs_cancel, client=True)
    p = jobs("result", help="a finished job's result as a table, or --csv")
    p.add_argument("job", metavar="JOB")
    p.add_argument("--csv", action="store_true", help="the result's rows as CSV")
    p.set_defaults(func=cmd_jobs_result, client=True)

    p = add("report", parents=[options], help="save a succeeded job's HTML report (a page with its figures inline)")
    p.add_argument("job", metavar="JOB")
    p.add_argument("-o", "--output", metavar="FILE", help="default: report-<JOB>.html")
    p.set_defaults(func=cmd_report, client=True)


def run(func: Callable[[Any], int], args) -> int:
    """Run a client command: errors of the service or of the command line as one clear message."""
    import httpx

    try:
        return func(args)
    except UsageError as e:
        display.error(str(e))
        return EXIT_USAGE
    except OSError as e:  # a file to upload, or to write, that cannot be
        display.error(str(e))
        return EXIT_USAGE
    except KeyboardInterrupt:
        display.error("interrupted")
        return EXIT_INTERRUPTED
    except ApiError as e:
        display.api_error(e)
        return EXIT_API
    except UnexpectedStatus as e:
        display.error(f"the service answered {e.status_code}: {e.content.decode(errors='replace')[:500]}")
        return EXIT_API
    except httpx.TransportError as e:
        url = getattr(args, "url", None) or os.environ.get("LATENTGEN_URL") or DEFAULT_URL
        display.error(f"cannot reach the service at {url} ({e}); is `latentgen serve` running?")
        return EXIT_API
