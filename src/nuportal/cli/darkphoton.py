"""``nuportal darkphoton``: semi-visible dark photons (arXiv:2302.05410).

``nuportal darkphoton decays`` prints the decay tables of the A' and the dark fermions of a
dark sector and the classification of the A' decay chains. The dark sector is given by
``--sector`` and ``--set KEY=VALUE`` (:func:`nuportal.models.dark_sector.build_dark_sector`);
:func:`dark_sector_options` and :func:`sector_from_options` declare and read them once for
every sub-command of the group.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from nuportal.cli.decays import _print as print_table
from nuportal.models.dark_sector import SECTOR_MODELS, DarkSector, build_dark_sector
from nuportal.physics.darkphoton import chain_fractions, decay_chains, decay_tables
from nuportal.runcard import parse_assignment


@click.group()
def darkphoton() -> None:
    """Semi-visible dark photons: decays of the A' and of its dark fermions."""


def dark_sector_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--sector MODEL and --set KEY=VALUE (the dark-sector parameters)."""
    func = click.option(
        "--set",
        "assignments",
        multiple=True,
        metavar="KEY=VALUE",
        help="Dark-sector parameter (repeatable): maprime, epsilon|chi, gD|alphaD and the "
        "model's (iDM: m1, delta|Delta or M, mu; i2DM: m1, delta|Delta, theta|sin_theta; "
        "C-symmetric: dirac_masses, majorana_masses as 'a,b;c,d'; HNL: model parameters).",
    )(func)
    return click.option(
        "--sector",
        type=click.Choice(SECTOR_MODELS),
        required=True,
        help="Dark-sector model.",
    )(func)


def sector_from_options(sector: str, assignments: tuple[str, ...]) -> DarkSector:
    """The :class:`DarkSector` of ``--sector`` and ``--set``."""
    spec: dict[str, Any] = {"model": sector}
    spec.update(parse_assignment(a) for a in assignments)
    return build_dark_sector(spec)


@darkphoton.command()
@dark_sector_options
@click.option(
    "--json",
    "json_out",
    default=None,
    metavar="FILE",
    help="Write the result as JSON ('-': stdout).",
)
def decays(sector: str, assignments: tuple[str, ...], json_out: str | None) -> None:
    """Decay tables of the A' and the dark fermions, and the A' decay chains.

    Example: nuportal darkphoton decays --sector iDM --set maprime=0.5 --set epsilon=1e-2
    --set alphaD=0.1 --set m1=0.1 --set Delta=1
    """
    model = sector_from_options(sector, assignments)
    tables = decay_tables(model)
    chains = decay_chains(model)
    fractions = chain_fractions(model)
    if json_out is not None:
        payload = {
            "sector": model.describe(),
            "tables": [t.to_dict() for t in tables.values()],
            "chains": [
                {
                    "kind": c.kind,
                    "branching_ratio": c.branching_ratio,
                    "steps": list(c.steps),
                    "final_state": list(c.final_state),
                }
                for c in chains
            ],
            "fractions": fractions,
        }
        text = json.dumps(payload, indent=2)
        if json_out == "-":
            click.echo(text)
        else:
            Path(json_out).write_text(text + "\n")
        return
    console = Console()
    console.print(model.describe(), highlight=False)
    for table in tables.values():
        print_table(table, console)
    out = Table(title="A' decay chains")
    for col in ("kind", "BR", "chain"):
        out.add_column(col, justify="right" if col == "BR" else "left")
    for c in chains:
        out.add_row(c.kind, f"{c.branching_ratio:.4e}", "; ".join(c.steps))
    console.print(out)
    console.print(
        "  ".join(f"{kind}: {value:.4e}" for kind, value in fractions.items()), highlight=False
    )
