"""`latentgen`: use the service (models, datasets, train, probe, repair, audit, graft, dynamics,
midway, jobs, report) and, where the server is installed beside this client, run it (serve, worker,
migrate, create-key, keys, requeue). Options go before or after the sub-command.

The client commands talk to --url or $LATENTGEN_URL (default http://127.0.0.1:8000) with --key or
$LATENTGEN_API_KEY, by default the embedded service's own key (<home>/local-key).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from .commands import EXIT_CODES_HELP, add_client_commands, client_options, run

# Packages add commands to `latentgen` through this entry-point group: each entry is a function
# `register(add, common)`, called like add_client_commands. The server package registers its own.
COMMAND_GROUP = "latentgen.commands"


def parser() -> argparse.ArgumentParser:
    # global options are accepted before or after the sub-command
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", default=argparse.SUPPRESS,
                        help="the embedded service's state directory (default: $LATENTGEN_HOME or ./var)")
    top = argparse.ArgumentParser(prog="latentgen", description=__doc__, epilog=EXIT_CODES_HELP,
                                  parents=[common, client_options()],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, parents: Sequence[argparse.ArgumentParser] = (), **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common, *parents], **kwargs)

    add_client_commands(add, common)
    for entry in sorted(entry_points(group=COMMAND_GROUP), key=lambda e: e.name):
        entry.load()(add, common)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.home = getattr(args, "home", None)
    if getattr(args, "client", False):
        return run(args.func, args)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
