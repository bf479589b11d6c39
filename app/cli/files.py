"""``flask files``: copy the stored files when switching ``FILE_STORAGE``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.storage import BACKENDS, DatabaseStorage, LocalStorage
from app.storage.transfer import copy_files

files_cli = AppGroup("files", help="Stored files: report PDFs, images, pending uploads.")


def _backend(kind: str):
    return DatabaseStorage() if kind == "database" else LocalStorage(current_app.instance_path)


@files_cli.command("copy")
@click.option("--from", "source", required=True, type=click.Choice(BACKENDS),
              help="The backend the files are in now.")
@click.option("--to", "target", required=True, type=click.Choice(BACKENDS),
              help="The backend FILE_STORAGE will name.")
@click.option("--verbose", is_flag=True, help="Print each copied key.")
def copy_command(source: str, target: str, verbose: bool):
    """Copy every stored file to another backend (files already there are skipped; nothing
    is deleted). Run it before switching FILE_STORAGE, and again after, for files stored in
    between."""
    if source == target:
        raise click.UsageError("--from and --to must differ")
    copied, present = copy_files(_backend(source), _backend(target),
                                 progress=click.echo if verbose else lambda key: None)
    click.echo(f"copied {copied} file(s) from {source} to {target}; {present} already there")
