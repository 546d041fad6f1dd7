"""The client command line (`latentgen models|datasets|probe|repair|train|jobs|report`) end to end
against a live `latentgen serve`, as real processes: piped (plain progress lines, no terminal
escapes), in a pseudo-terminal (rich's progress bar drawn), Ctrl-C detaching from a job without
canceling it, and the exit statuses of a job that succeeded, failed or was canceled, and of a
request the service refused."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from latentgen_client.api.jobs import get_job, get_job_result, get_job_result_csv
from latentgen_cli.client import connect, ok
from svc_helpers import ROOT, Serve

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
HEX_ID = re.compile(r"^[0-9a-f]{32}$")
DIGITS_MLP_ARCH = '{"name": "mlp", "input_shape": [1, 8, 8], "num_classes": 10}'


def client_env(serve: Serve) -> dict[str, str]:
    """The service by $LATENTGEN_URL; the key found the default way, in the embedded home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATENTGEN_") and k != "COLUMNS"}
    env.update(LATENTGEN_URL=serve.url, LATENTGEN_HOME=str(serve.home), PYTHONPATH=str(ROOT))
    return env


def latentgen(serve: Serve, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "latentgen_cli", *args], cwd=cwd, env=client_env(serve),
                          capture_output=True, text=True, check=False)


class Terminal:
    """A command whose stdin, stdout and stderr are a pseudo-terminal, 120 columns wide."""

    def __init__(self, serve: Serve, cwd: Path, *args: str):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = client_env(serve) | {"TERM": "xterm-256color"}
        self.proc = subprocess.Popen([sys.executable, "-m", "latentgen_cli", *args], cwd=cwd, env=env,
                                     stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        self.raw = b""

    def read_until(self, needle: str) -> None:
        while needle not in self.text:
            chunk = self._read()
            assert chunk, f"{needle!r} never came:\n{self.text}"

    def finish(self) -> int:
        while self._read():
            pass
        os.close(self.master)
        return self.proc.wait()

    def _read(self) -> bytes:
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the command has exited and closed its side
            chunk = b""
        self.raw += chunk
        return chunk

    @property
    def text(self) -> str:
        """What the screen was sent, escapes removed, one line per redraw."""
        return ANSI.sub("", self.raw.decode(errors="replace")).replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    s = Serve(d / "home", d / "serve.log").start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def digits_mlp(tmp_path_factory) -> Path:
    """The paper's MLP trained for two epochs on sklearn's digits with 40% of the labels shuffled."""
    from safetensors.torch import save_file

    from latentgen.corruption import corrupt_labels
    from latentgen.data import load_digits
    from latentgen.train import seeded_model, train

    splits = load_digits()
    labels = corrupt_labels(splits.y_train, 0.4, 10, 0)
    model = seeded_model("mlp", splits.input_shape, 10, seed=0)
    train(model, splits, labels, "adam_fast", seed=0, max_epochs=2, target_train_acc=None, device="cpu")
    path = tmp_path_factory.mktemp("weights") / "mlp.safetensors"
    save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()}, str(path))
    return path


@pytest.fixture(scope="module")
def uploaded(serve, digits_mlp, tmp_path_factory) -> tuple[str, str]:
    """(model id, data set id), uploaded with the command line."""
    cwd = digits_mlp.parent
    model = latentgen(serve, cwd, "models", "upload", digits_mlp.name, "--arch", DIGITS_MLP_ARCH, "-q")
    assert model.returncode == 0, model.stderr
    data = latentgen(serve, cwd, "datasets", "upload", "--source", "digits", "--corruption", "0.4", "--seed", "0", "-q")
    assert data.returncode == 0, data.stderr
    model_id, data_id = model.stdout.strip(), data.stdout.strip()
    assert HEX_ID.match(model_id) and HEX_ID.match(data_id), (model.stdout, data.stdout)
    return model_id, data_id


@pytest.mark.timeout(600)
def test_piped_upload_probe_repair_and_jobs(serve, uploaded, digits_mlp, tmp_path):
    from safetensors.torch import load_file

    model_id, data_id = uploaded
    listed = latentgen(serve, tmp_path, "models", "list")
    assert listed.returncode == 0 and model_id in listed.stdout and "mlp 1×8×8 → 10" in listed.stdout, listed
    listed = latentgen(serve, tmp_path, "datasets", "list")
    assert data_id in listed.stdout and "corruption p=0.4 seed 0" in listed.stdout, listed

    # probe: plain progress lines on stderr, the table on stdout
    probe = latentgen(serve, tmp_path, "probe", model_id, data_id)
    assert probe.returncode == 0, probe.stderr
    job_id = re.search(r"latentgen report ([0-9a-f]{32})", probe.stdout)[1]
    lines = probe.stderr.splitlines()
    assert lines[-1] == f"probe job {job_id}: succeeded", probe.stderr
    for line in lines:
        assert re.fullmatch(rf"probe job {job_id}: (queued|running( · \w+)?( \d+/\d+)?|succeeded)", line), line
    assert "\x1b" not in probe.stdout + probe.stderr
    with connect(serve.url, serve.key) as c:
        summary = ok(get_job_result.sync_detailed(job_id, client=c)).summary
    assert f"the model itself: {summary.model_test_acc:.1%}" in probe.stdout, probe.stdout
    best = summary.best
    (best_row,) = [line for line in probe.stdout.splitlines() if "◀ best" in line]
    assert re.match(rf"│ {re.escape(best.layer)} +│", best_row) and f"◀ best: {best.probe}" in best_row, probe.stdout
    assert f"{best.test_acc:.1%}" in best_row

    # repair, saving the repaired weights
    repair = latentgen(serve, tmp_path, "repair", model_id, data_id, "-o", "repaired.safetensors")
    assert repair.returncode == 0, repair.stderr
    repaired = load_file(str(tmp_path / "repaired.safetensors"))
    original = load_file(str(digits_mlp))
    assert repaired.keys() == original.keys()
    assert not (repaired["classifier.weight"] == original["classifier.weight"]).all()
    repair_id = re.search(r"latentgen report ([0-9a-f]{32})", repair.stdout)[1]
    with connect(serve.url, serve.key) as c:
        rs = ok(get_job_result.sync_detailed(repair_id, client=c)).summary
        csv = ok(get_job_result_csv.sync_detailed(job_id, client=c))
    (test_row,) = [line for line in repair.stdout.splitlines() if line.startswith("│ test accuracy")]
    assert f"{rs.model_test_acc:.1%}" in test_row and f"{rs.repaired_test_acc:.1%}" in test_row, repair.stdout
    assert f"repaired model: {rs.output_model_id}" in repair.stdout

    # jobs: list, show, result (table and CSV)
    jobs = latentgen(serve, tmp_path, "jobs", "list")
    assert job_id in jobs.stdout and repair_id in jobs.stdout, jobs.stdout
    assert latentgen(serve, tmp_path, "jobs", "list", "--kind", "probe", "-q").stdout.split() == [job_id]
    show = latentgen(serve, tmp_path, "jobs", "show", repair_id)
    assert show.returncode == 0 and "succeeded" in show.stdout and rs.output_model_id in show.stdout, show
    assert latentgen(serve, tmp_path, "jobs", "result", job_id, "--csv").stdout == csv
    result = latentgen(serve, tmp_path, "jobs", "result", job_id)
    assert best_row in result.stdout.splitlines(), result.stdout

    # the report: a page of its own, saved where -o says, else as report-<JOB>.html
    report = latentgen(serve, tmp_path, "report", repair_id, "-o", "repair.html")
    assert report.returncode == 0 and "to repair.html" in report.stdout, report
    assert "<html" in (tmp_path / "repair.html").read_text().lower()
    assert latentgen(serve, tmp_path, "report", job_id).returncode == 0
    assert "<html" in (tmp_path / f"report-{job_id}.html").read_text().lower()

    # audit: -q prints the cleaned data set it made; graft: a new model, saved with -o
    audit = latentgen(serve, tmp_path, "audit", model_id, data_id, "-q")
    assert audit.returncode == 0, audit.stderr
    assert audit.stdout.strip() in latentgen(serve, tmp_path, "datasets", "list", "-q").stdout.split()
    graft = latentgen(serve, tmp_path, "graft", model_id, data_id, "-o", "grafted.safetensors")
    assert graft.returncode == 0, graft.stderr
    assert re.search(r"^│ graft +│ \S+ +│ (masc|linear) +│ +\d+\.\d% │ +\d+\.\d% │$", graft.stdout, re.MULTILINE), graft.stdout
    assert load_file(str(tmp_path / "grafted.safetensors"))


@pytest.mark.timeout(300)
def test_progress_bar_in_a_terminal(serve, uploaded, tmp_path):
    model_id, data_id = uploaded
    term = Terminal(serve, tmp_path, "probe", model_id, data_id, "--probes", "masc,linear,knn")
    assert term.finish() == 0, term.text
    assert "\x1b[" in term.raw.decode(errors="replace")  # drawn with terminal escapes
    frames = term.text.splitlines()
    job = re.search(r"latentgen report ([0-9a-f]{32})", term.text)[1]
    # rich's bar: the job, its status, the bar, a percentage
    assert any(re.search(rf"probe {job[:8]} (queued|running).*━.*\d+%", f) for f in frames), term.text
    assert any(re.search(rf"probe {job[:8]} succeeded ━+ +100%", f) for f in frames), term.text
    assert any(re.match(r"│ \S+ +│ +\d+\.\d% │ +\d+\.\d% │ +\d+\.\d% │", f) for f in frames), term.text  # the table


@pytest.mark.timeout(300)
def test_failed_job_exits_1_and_refused_requests_exit_4(serve, uploaded, tmp_path):
    model_id, data_id = uploaded
    # a data set whose files are not in the workers' data directory: accepted, and the job fails there
    missing = latentgen(serve, tmp_path, "datasets", "upload", "--source", "imagefolder", "--root", "not-there",
                        "--corruption", "0.4", "-q")
    assert missing.returncode == 0, missing.stderr
    failed = latentgen(serve, tmp_path, "probe", model_id, missing.stdout.strip())
    assert failed.returncode == 1, failed
    assert re.search(r"error: probe job [0-9a-f]{32} failed: \w+: ", failed.stderr), failed.stderr

    unknown = latentgen(serve, tmp_path, "probe", model_id, data_id, "--layers", "fc1,nope")
    assert unknown.returncode == 4, unknown
    assert "unknown layers" in unknown.stderr and "field: params.layers" in unknown.stderr, unknown.stderr
    assert 'unknown: ["nope"]' in unknown.stderr

    # --key and --url after the sub-command, or before it
    for args in (["jobs", "list", "--key", "lg_wrong"], ["--key", "lg_wrong", "jobs", "list"]):
        refused = latentgen(serve, tmp_path, *args)
        assert refused.returncode == 4 and "401" in refused.stderr, refused
    gone = latentgen(serve, tmp_path, "--url", "http://127.0.0.1:9", "jobs", "list")
    assert gone.returncode == 4 and "cannot reach the service at http://127.0.0.1:9" in gone.stderr, gone

    bad = latentgen(serve, tmp_path, "models", "upload", "x.safetensors", "--arch", '{"name": "mlp"}')
    assert bad.returncode == 2 and "--arch needs input_shape, num_classes" in bad.stderr, bad
    absent = latentgen(serve, tmp_path, "models", "upload", "x.safetensors", "--arch", DIGITS_MLP_ARCH)
    assert absent.returncode == 2 and "No such file or directory: 'x.safetensors'" in absent.stderr, absent
    assert latentgen(serve, tmp_path, "probe", model_id, data_id, "--probes", "masc,bogus").returncode == 2


@pytest.mark.timeout(300)
def test_ctrl_c_detaches_and_a_canceled_job_exits_3(tmp_path):
    """On a service without a worker the job stays queued: Ctrl-C while waiting leaves it queued."""
    serve = Serve(tmp_path / "home", tmp_path / "serve.log", args=("--no-worker",)).start()
    try:
        data = latentgen(serve, tmp_path, "datasets", "upload", "--source", "digits", "--corruption", "0.4", "-q")
        assert data.returncode == 0, data.stderr
        term = Terminal(serve, tmp_path, "train", data.stdout.strip(), "--arch", "mlp")
        term.read_until("queued")
        term.proc.send_signal(signal.SIGINT)
        assert term.finish() == 130, term.text
        job_id = re.search(r"latentgen jobs show ([0-9a-f]{32}) --wait", term.text)[1]
        assert "Ctrl-C does not cancel it" in term.text
        with connect(serve.url, serve.key) as c:
            assert ok(get_job.sync_detailed(job_id, client=c)).status == "queued"

        unfinished = latentgen(serve, tmp_path, "report", job_id)
        assert unfinished.returncode == 4 and "job_status: queued" in unfinished.stderr, unfinished
        assert not (tmp_path / f"report-{job_id}.html").exists()

        cancel = latentgen(serve, tmp_path, "jobs", "cancel", job_id)
        assert cancel.returncode == 0 and f"train job {job_id}: canceled" in cancel.stdout, cancel
        reattached = latentgen(serve, tmp_path, "jobs", "show", job_id, "--wait")
        assert reattached.returncode == 3, reattached
        assert f"train job {job_id} was canceled" in reattached.stderr
    finally:
        serve.stop()


def test_noise_models_from_the_command_line(serve, tmp_path):
    pairs = latentgen(serve, tmp_path, "datasets", "upload", "--source", "digits", "--corruption", "0.3",
                      "--class-map", "9:1,3:5", "--seed", "2")
    assert pairs.returncode == 0, pairs.stderr
    assert "pair flip with probability 0.3, class map 9 → 1, 3 → 5; about 6.0% of the labels change" in pairs.stdout

    matrix = tmp_path / "noise.csv"  # what numpy.savetxt writes: one row a line
    rows = [[0.6 if j == i else 0.4 if j == (i + 1) % 10 else 0.0 for j in range(10)] for i in range(10)]
    matrix.write_text("# true class by row, given label by column\n" + "\n".join(",".join(map(str, r)) for r in rows))
    drawn = latentgen(serve, tmp_path, "datasets", "upload", "--source", "digits", "--transition-matrix", matrix.name)
    assert drawn.returncode == 0, drawn.stderr
    assert "transition matrix over 10 classes; about 40.0% of the labels change" in drawn.stdout
    listed = latentgen(serve, tmp_path, "datasets", "list")
    assert "pairflip p=0.3 (9:1,3:5) seed 2" in listed.stdout and "transition 10×10 seed 0" in listed.stdout, listed

    matrix.write_text("\n".join(",".join(map(str, r[:-1] + [0.5])) for r in rows))
    refused = latentgen(serve, tmp_path, "datasets", "upload", "--source", "digits", "--transition-matrix", matrix.name)
    assert refused.returncode == 4 and "field: spec.labels.matrix.0" in refused.stderr, refused
    assert "sums to 1.5, not 1" in refused.stderr
    bad_map = latentgen(serve, tmp_path, "datasets", "upload", "--source", "digits", "--corruption", "0.3",
                        "--class-map", "cats")
    assert bad_map.returncode == 2 and "neither a preset (cifar10, mnist, next) nor FROM:TO pairs" in bad_map.stderr
