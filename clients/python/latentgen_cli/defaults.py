"""Where a client finds the service and its key when told nothing: the embedded service's address,
and its home, where `latentgen serve` writes the key (`<home>/local-key`). The server reads the same
home default, so that both sides agree without configuration."""

from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_HOME = Path("var")
