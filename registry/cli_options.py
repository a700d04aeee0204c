"""Options and helpers shared by every `bamboe` subcommand."""
from __future__ import annotations

import os
from pathlib import Path

import click

from registry.config import CONFIG_FILE, load_settings
from registry.errors import N_, ConfigError

DATA_HELP = "Node data directory (default: $BAMBOE_DATA, else ./data)."


def data_option(function):
    return click.option(
        "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
        default=lambda: os.environ.get("BAMBOE_DATA", "data"), show_default="$BAMBOE_DATA or ./data",
        help=DATA_HELP,
    )(function)


def node_settings(data_dir: Path) -> dict:
    if not (data_dir / CONFIG_FILE).exists():
        raise ConfigError(N_("%(data_dir)s is geen datamap van een node (er staat geen %(config_file)s in); maak er "
                             "een met `bamboe init`."), data_dir=str(data_dir), config_file=CONFIG_FILE)
    return load_settings(data_dir)
