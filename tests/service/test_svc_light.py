"""The API process stays light: importing it never imports torch."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported(module: str) -> list[str]:
    """torch, torchvision and latentgen's modules that importing `module` imports."""
    code = (f"import sys, {module}; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'torchvision', 'latentgen'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def test_service_main_does_not_import_torch():
    # of the core, only its numpy-only modules: facts about named data sources, the noise models
    assert _imported("service.main") == ["latentgen", "latentgen.corruption", "latentgen.sources"]


def test_app_creation_and_openapi_do_not_import_torch(tmp_path):
    code = ("import sys; from service.core.config import Settings; from service.main import create_app; "
            f"app = create_app(Settings(home={str(tmp_path)!r})); app.openapi(); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_worker_main_process_does_not_import_torch():
    # torch is imported in the forked child, inside the task, not by the worker's main process
    assert "torch" not in _imported("worker.tasks")
