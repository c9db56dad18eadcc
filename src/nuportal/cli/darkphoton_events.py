"""``nuportal darkphoton generate``: A' events with their decay chains at BaBar or NA64.

The dark sector comes from ``--sector`` and ``--set`` (as for ``nuportal darkphoton
decays``); its A' mass and ε set the production. Events are written with the project's
writers (:mod:`nuportal.io`) and a summary of the expected events per chain is printed.
API: :func:`nuportal.generator.darkphoton.generate` with
:func:`~nuportal.generator.darkphoton.sector_chains`.
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from nuportal.cli.darkphoton import dark_sector_options, sector_from_options
from nuportal.generator.darkphoton import generate as generate_events
from nuportal.generator.darkphoton import sector_chains
from nuportal.io import write_events

#: file suffix of each output format
SUFFIX = {"parquet": ".parquet", "hepmc3": ".hepmc3"}


@click.command("generate")
@dark_sector_options
@click.option(
    "--experiment",
    type=click.Choice(["babar", "na64"]),
    default="babar",
    show_default=True,
    help="BaBar (e+e- -> gamma A', 53 fb^-1) or NA64 (100 GeV e- on the ECAL, 2.84e11 EOT).",
)
@click.option("--events", "n_events", type=int, default=10000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--output", "-o", default=None, help="Output file (default: events.<format>).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(SUFFIX)),
    default="parquet",
    show_default=True,
)
@click.option("--overwrite", is_flag=True, help="Replace an existing output file.")
def generate(
    sector: str,
    assignments: tuple[str, ...],
    experiment: str,
    n_events: int,
    seed: int,
    output: str | None,
    fmt: str,
    overwrite: bool,
) -> None:
    """Weighted A' events with the full decay chain (displaced ψ decays) at BaBar or NA64.

    Example: nuportal darkphoton generate --sector iDM --set maprime=0.3 --set epsilon=1e-2
    --set alphaD=0.1 --set m1=0.1 --set Delta=0.4 --experiment na64
    """
    model = sector_from_options(sector, assignments)
    aprime = model.dark_photon
    chains = sector_chains(model)
    events = generate_events(experiment, aprime.mass, aprime.epsilon, chains, n_events, seed)
    path = Path(output) if output else Path(f"events{SUFFIX[fmt]}")
    write_events(events, path, fmt, overwrite=overwrite)
    table = Table(title=f"{experiment}: m_A' = {aprime.mass:g} GeV, ε = {aprime.epsilon:g}")
    for col in ("chain", "kind", "BR", "events", "expected"):
        table.add_column(col, justify="left" if col in ("chain", "kind") else "right")
    process = events.event["process"]
    weight = events.event["weight"]
    for index, chain in enumerate(chains):
        chosen = process == index
        table.add_row(
            chain.label,
            chain.kind,
            f"{chain.branching:.4e}",
            str(int(np.sum(chosen))),
            f"{float(np.sum(weight[chosen])):.4e}",
        )
    console = Console()
    console.print(table)
    console.print(
        f"{len(events)} events, {events.total_weight:.4e} expected, written to {path}",
        highlight=False,
    )
