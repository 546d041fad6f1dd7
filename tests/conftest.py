import latentgen  # noqa: F401, I001  (first, so its OpenMP setting precedes torch's import)
import os

import pytest


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless Chromium (tests/chromium.py): CI installs it; elsewhere its absence skips."""
    from tests.chromium import CHROMIUM, Chromium

    if CHROMIUM is None:
        (pytest.fail if os.environ.get("CI") else pytest.skip)("chromium is not installed (apt-get install chromium)")
    chromium = Chromium(tmp_path_factory.mktemp("chromium") / "profile")
    yield chromium
    chromium.close()
