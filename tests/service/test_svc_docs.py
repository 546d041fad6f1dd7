"""The docs tell the truth: every shell example of README.md and docs/api.md runs, as written,
against a live embedded service.

Which blocks run: fenced blocks tagged ```sh or ```console, unless the line just above the fence
is `<!-- not run: REASON -->` (it starts servers, needs Docker…). In a ```sh block every line is
shell; in a ```console block the commands are the lines after "$ " (with their "\\"
continuations), the other lines are output shown to the reader and not compared (numbers move).
```python and ```ts blocks are not run here (test_svc_generated_client.py and
test_svc_typescript_client.py run the same journeys).

How: a document's blocks, in order, make one bash script (`set -eux`: a failing command fails the
test, an unset variable too, and a variable set in one block is there in the next), run in a fresh
directory where `latentgen serve --home var --port PORT` runs, so `var/local-key` is its key and
the client commands find it by default. `http://127.0.0.1:8000` in a document becomes that
service's URL (also $LATENTGEN_URL). curl runs with --fail-with-body, so a request the service
refuses fails the script. The files the examples upload as the reader's own (mlp.safetensors,
mnist_subset.npz, noisy_labels.npy) are the session's real-MNIST fixtures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from svc_helpers import P, ROOT, SEED, Serve

DOC_URL = "http://127.0.0.1:8000"
FENCE = re.compile(r"^```(\w*)\s*$")
NOT_RUN = re.compile(r"^<!-- not run: .+ -->$")


def _commands(console: list[str]) -> list[str]:
    """The commands of a console block: "$ " lines and the lines they continue onto."""
    commands, continued = [], False
    for line in console:
        if continued or line.startswith("$ "):
            commands.append(line if continued else line[2:])
            continued = line.endswith("\\")
    return commands


def shell_examples(markdown: str) -> list[str]:
    """The runnable blocks of a Markdown document, each as shell text."""
    lines, blocks, i = markdown.splitlines(), [], 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if fence is None:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        body, marked = lines[i + 1:end], i > 0 and NOT_RUN.match(lines[i - 1])
        if fence[1] in ("sh", "console") and not marked:
            blocks.append("\n".join(body if fence[1] == "sh" else _commands(body)))
        i = end + 1
    return blocks


def run_examples(document: Path, workdir: Path) -> None:
    blocks = shell_examples(document.read_text())
    assert blocks, f"{document} has no runnable shell example"
    home = workdir / "var"
    serve = Serve(home, workdir / "serve.log", args=("--home", str(home))).start()
    # `latentgen` and `python` on PATH run this checkout, as after `. .venv/bin/activate`
    bin_dir = workdir / ".bin"
    bin_dir.mkdir()
    for name, command in (("latentgen", "-m latentgen_cli "), ("python", ""), ("python3", "")):
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" {command}"$@"\n')
        (bin_dir / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATENTGEN_") and k != "COLUMNS"}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", PYTHONPATH=str(ROOT), LATENTGEN_URL=serve.url)
    script = "set -eux\ncurl() { command curl --fail-with-body \"$@\"; }\n" + "\n\n".join(blocks)
    (workdir / "examples.sh").write_text(script.replace(DOC_URL, serve.url))
    try:
        run = subprocess.run(["bash", "examples.sh"], cwd=workdir, env=env, capture_output=True, text=True,
                             check=False)
    finally:
        serve.stop()
    assert run.returncode == 0, (f"an example of {document.name} failed (script: {workdir / 'examples.sh'}):\n"
                                 f"{run.stdout[-4000:]}\n{run.stderr[-6000:]}\n{(home / 'worker.log').read_text()[-2000:]}")


def test_every_block_not_run_says_why():
    for document in (ROOT / "README.md", ROOT / "docs" / "api.md"):
        for line in document.read_text().splitlines():
            if line.startswith("<!-- not run"):
                assert NOT_RUN.match(line), f"{document.name}: {line!r} gives no reason"


@pytest.mark.timeout(900)
def test_readme_examples_run(tmp_path):
    run_examples(ROOT / "README.md", tmp_path)


@pytest.mark.timeout(900)
def test_api_md_examples_run(tmp_path, mlp_files, mnist_small):
    from latentgen.corruption import corrupt_labels

    shutil.copy(mlp_files["safetensors"], tmp_path / "mlp.safetensors")
    shutil.copy(mnist_small, tmp_path / "mnist_subset.npz")
    with np.load(mnist_small) as z:
        np.save(tmp_path / "noisy_labels.npy", corrupt_labels(z["y_train"], P, 10, SEED).labels)
    run_examples(ROOT / "docs" / "api.md", tmp_path)
