"""Command-line tools of the nlp package: a registry of subcommands (``python -m nlp NAME``)."""

from __future__ import annotations

import argparse
import importlib

# name -> module path; each module has NAME, HELP, add_arguments(parser) and run(args).
COMMANDS: dict[str, str] = {
    "themes": "nlp.cli.themes",
}


def get_command(name: str):
    """The module implementing subcommand ``name``."""
    return importlib.import_module(COMMANDS[name])


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand."""
    parser = argparse.ArgumentParser(prog="python -m nlp", description="回声 text analysis")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        module = get_command(name)
        add_arguments = module.add_arguments
        add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    args = parser.parse_args(argv)
    return get_command(args.command).run(args)
