"""Options shared by several sub-commands (declared once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from nuportal.models.benchmarks import BENCHMARKS

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Data directory (fluxes, data releases); default: $NUPORTAL_DATA or the user config.",
)


def model_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--benchmark, --set KEY=VALUE and --card FILE."""
    func = click.option(
        "--card",
        type=click.Path(dir_okay=False),
        default=None,
        help="TOML run card with [model] and command tables; options given here override it.",
    )(func)
    func = click.option(
        "--set",
        "assignments",
        multiple=True,
        metavar="KEY=VALUE",
        help="Model parameter (repeatable), e.g. --set m4=0.15. See `nuportal models`.",
    )(func)
    return click.option(
        "--benchmark",
        type=click.Choice(sorted(BENCHMARKS)),
        default=None,
        help="Start from a benchmark model (default: light_zprime_3p1 unless m4 is given).",
    )(func)
