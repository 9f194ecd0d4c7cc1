"""The `weathering` command: serve the API, or run the backend's jobs from the shell."""

from __future__ import annotations

import argparse
import shlex
import sys

from neural_backend.allocator import keep_freed_memory
from neural_backend.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="weathering", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    args.command_line = "weathering " + shlex.join(argv)  # recorded in model cards
    keep_freed_memory()  # every command is a long-lived tensor workload
    args.run(args)


if __name__ == "__main__":
    main()
