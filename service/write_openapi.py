"""`make openapi`'s first step: the app's OpenAPI document (`service.openapi`) written to a file.
Apart from `service.openapi`, which the routes import, so that nothing imports the app back."""

from __future__ import annotations

import json
import sys
import tempfile

from .core.config import Settings
from .main import create_app


def main(argv: list[str] | None = None) -> int:
    """`python -m service.write_openapi [PATH]`: write the document (default: docs/openapi.json)."""
    args = sys.argv[1:] if argv is None else argv
    path = args[0] if args else "docs/openapi.json"
    with tempfile.TemporaryDirectory() as home:
        app = create_app(Settings(home=home))
        text = json.dumps(app.openapi(), indent=2, sort_keys=False) + "\n"
        app.state.engine.dispose()
    with open(path, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
