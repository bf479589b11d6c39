"""Command-line tools of the nlp package: a registry of subcommands for ``python -m nlp``.

Each subcommand is a module with ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int``. Add a command by adding one line to ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
from types import ModuleType

COMMANDS: dict[str, str] = {
    "sentiment": "nlp.cli.sentiment",
    "train-sentiment": "nlp.cli.train",
    "themes": "nlp.cli.themes",
}


def get_command(name: str) -> ModuleType:
    """The module implementing subcommand ``name``."""
    try:
        return importlib.import_module(COMMANDS[name])
    except KeyError:
        raise KeyError(f"unknown command {name!r}; known: {', '.join(COMMANDS)}") from None


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m nlp`` argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m nlp",
        description="回声 Huisheng Chinese text tools for CSV files.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = get_command(name)
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(get_command(args.command).run(args) or 0)
