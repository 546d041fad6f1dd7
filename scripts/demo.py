"""The main job, end to end on the embedded service: train a small model until it memorizes
40%-shuffled labels, upload it and its data over HTTP, probe every hidden layer, repair the last
layer, and print the per-layer table with the model's and the repaired model's test accuracy.

    python -m scripts.demo                          # sklearn's digits (bundled), a few minutes
    python -m scripts.demo --mnist ../shared/data/mnist.npz --n-train 5000
"""

from __future__ import annotations

import latentgen  # noqa: F401  (before torch: its OpenMP setting)

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from safetensors.torch import save_file

from latentgen.corruption import corrupt_labels
from latentgen.data import load_digits, load_npz
from latentgen.report import format_table
from latentgen.train import Recipe, seeded_model, train
from latentgen_client import AuthenticatedClient
from latentgen_client.api.artifacts import download_artifact
from latentgen_client.api.datasets import create_dataset
from latentgen_client.api.jobs import create_job, get_job_result
from latentgen_client.api.models import create_model, download_model_weights
from latentgen_client.models import (ArchSpec, BiasMode, DatasetSpec, DatasetUpload, DataSource, ModelUpload,
                                     ProbeJobCreate, ProbeName, ProbeParams, RepairJobCreate, RepairParams)
from latentgen_client.types import File
from latentgen_cli.client import connect, download, ok, wait


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(home: Path, port: int) -> subprocess.Popen:
    cli = Path(sys.executable).with_name("latentgen")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "latentgen_cli"]
    log = open(home / "serve.log", "ab")
    return subprocess.Popen(command + ["--home", str(home), "serve", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(url: str, home: Path, proc: subprocess.Popen, timeout: float = 180) -> str:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the service exited ({proc.returncode}); see {home / 'serve.log'}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200 and (home / "local-key").is_file():
                return (home / "local-key").read_text().strip()
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the service did not become ready in {timeout:.0f}s; see {home / 'serve.log'}")


def progress_line(text: str) -> None:
    sys.stdout.write("\r\033[K" + text)
    sys.stdout.flush()


def train_memorizing_model(args, home: Path):
    if args.mnist:
        splits = load_npz(args.mnist).subset(args.n_train, args.n_test)
        source = f"MNIST ({len(splits.x_train)} train / {len(splits.x_test)} test)"
    else:
        splits = load_digits()
        source = f"sklearn digits ({len(splits.x_train)} train / {len(splits.x_test)} test)"
    labels = corrupt_labels(splits.y_train, p=args.p, num_classes=10, seed=args.seed)
    recipe = Recipe(args.optimizer, args.lr, momentum=0.9 if args.optimizer == "sgd" else 0.0,
                    batch_size=args.batch_size)
    print(f"Training the paper's MLP on {source}, p = {args.p} ({labels.flip_rate:.0%} of labels wrong),"
          f" {recipe.optimizer} lr {recipe.lr} batch {recipe.batch_size}, until it memorizes"
          f" ({args.target:.0%} of the corrupted labels) or {args.max_epochs} epochs")
    model = seeded_model("mlp", splits.input_shape, 10, seed=args.seed)
    started = time.monotonic()

    def on_epoch(epoch, metrics, _model):
        progress_line(f"  epoch {epoch:3d}  noisy-label train acc {metrics['train_acc_noisy']:6.1%}"
                      f"  test acc {metrics['test_acc']:6.1%}  ({time.monotonic() - started:.0f}s)")

    result = train(model, splits, labels, recipe, seed=args.seed, max_epochs=args.max_epochs,
                   target_train_acc=args.target, on_epoch=on_epoch)
    print(f"\n  stopped at epoch {result.epochs_run} ({result.stopped_reason})")
    weights = home / "memorized.safetensors"
    save_file({k: v.contiguous().cpu() for k, v in model.state_dict().items()}, str(weights))
    np.save(home / "train_labels.npy", labels.labels)
    if args.mnist:
        with np.load(args.mnist) as mnist:
            np.savez(home / "data.npz", x_train=mnist["x_train"][:args.n_train], y_train=mnist["y_train"][:args.n_train],
                     x_test=mnist["x_test"][:args.n_test], y_test=mnist["y_test"][:args.n_test])
    return splits, weights


def run_job(client: AuthenticatedClient, body, label: str):
    job = ok(create_job.sync_detailed(client=client, body=body))

    def show(j):
        p = j.progress
        total = f"/{p.total}" if p.total else ""
        progress_line(f"  {label}: {j.status} {p.stage or ''} {p.current or ''}{total}")

    job = wait(client, job.id, on_progress=show)
    print()
    if job.status != "succeeded":
        raise SystemExit(f"{label} job {job.status}: {job.error}")
    return job


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist", help="path to mnist.npz: train on its first --n-train images instead of digits")
    parser.add_argument("--n-train", type=int, default=5000)
    parser.add_argument("--n-test", type=int, default=10000)
    parser.add_argument("--p", type=float, default=0.4, help="label corruption degree")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--target", type=float, default=0.99, help="noisy-label train accuracy that stops training")
    parser.add_argument("--max-epochs", type=int, default=300)
    parser.add_argument("--home", default="var/demo", help="state directory of the embedded service")
    args = parser.parse_args(argv)

    home = Path(args.home).absolute()
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    print(f"Starting the embedded service (SQLite, local storage, one worker) at {url}; log: {home / 'serve.log'}")
    service = start_service(home, port)
    try:
        key = wait_ready(url, home, service)
        splits, weights = train_memorizing_model(args, home)
        with connect(url, key, timeout=300) as client:
            arch = ArchSpec(name="mlp", input_shape=list(splits.input_shape), num_classes=10)
            with open(weights, "rb") as f:
                model = ok(create_model.sync_detailed(client=client, body=ModelUpload(
                    weights=File(payload=f, file_name=weights.name), arch=arch, name="demo-mlp")))
            with open(home / "train_labels.npy", "rb") as labels_file:
                labels = File(payload=labels_file, file_name="train_labels.npy")
                if args.mnist:
                    with open(home / "data.npz", "rb") as data_file:
                        dataset = ok(create_dataset.sync_detailed(client=client, body=DatasetUpload(
                            spec=DatasetSpec(source=DataSource.NPZ), train_labels=labels,
                            file=File(payload=data_file, file_name="data.npz"))))
                else:
                    dataset = ok(create_dataset.sync_detailed(client=client, body=DatasetUpload(
                        spec=DatasetSpec(source=DataSource.DIGITS), train_labels=labels)))
            print(f"Uploaded model {model.id} and dataset {dataset.id} over HTTP")
            probe = run_job(client, ProbeJobCreate(kind="probe", model_id=model.id, dataset_id=dataset.id,
                                                   params=ProbeParams(probes=[ProbeName.MASC, ProbeName.LINEAR])), "probe")
            repair = run_job(client, RepairJobCreate(kind="repair", model_id=model.id, dataset_id=dataset.id,
                                                     params=RepairParams(bias=BiasMode.ZERO)), "repair")
            probe_result = ok(get_job_result.sync_detailed(probe.id, client=client))
            rows = [r.to_dict() for r in probe_result.rows]
            plots = [download(client, download_artifact, a.id, home / a.name)
                     for a in probe_result.artifacts if a.kind == "plot"]
            summary = ok(get_job_result.sync_detailed(repair.id, client=client)).summary
            repaired_weights = download(client, download_model_weights, repair.output_model_id,
                                        home / "repaired.safetensors")
        print("\nTest accuracy (true labels) of probes fitted on the corrupted training labels, per layer:\n")
        print(format_table(rows))
        print(f"\nmodel as trained:          {summary.model_test_acc:6.1%}")
        print(f"repaired (no training):    {summary.repaired_test_acc:6.1%}   "
              f"({100 * summary.gain:+.1f} points; last layer := linear probe of its input)")
        print(f"\nPlot: {', '.join(map(str, plots))}\nRepaired weights: {repaired_weights}\nAPI key: {home / 'local-key'}; the service stops now.")
    finally:
        os.killpg(service.pid, signal.SIGTERM)
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(service.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
