"""Options shared by several sub-commands (declared once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from nuportal.errors import NuportalError
from nuportal.models import Model
from nuportal.models.benchmarks import BENCHMARKS, DEFAULT_BENCHMARK
from nuportal.runcard import load_run_card, model_from_spec, parse_assignment

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


def model_and_card_options(
    section: str,
    allowed: tuple[str, ...],
    card: str | None,
    benchmark: str | None,
    assignments: tuple[str, ...],
) -> tuple[Model, dict[str, Any]]:
    """The model of --card/--benchmark/--set and the card's ``[section]`` options.

    Without a benchmark or ``m4`` the default benchmark is used. Unknown keys of
    ``[section]`` are an error naming the allowed ones.
    """
    spec: dict[str, Any] = {}
    options: dict[str, Any] = {}
    if card:
        loaded = load_run_card(card)
        spec, options = loaded["model"], loaded[section]
        for key in options:
            if key not in allowed:
                raise NuportalError(
                    f"unknown key {key!r} in [{section}]; allowed: {', '.join(allowed)}"
                )
    if benchmark:
        spec["benchmark"] = benchmark
    spec.update(parse_assignment(a) for a in assignments)
    if "benchmark" not in spec and "m4" not in spec:
        spec["benchmark"] = DEFAULT_BENCHMARK
    return model_from_spec(spec), options
