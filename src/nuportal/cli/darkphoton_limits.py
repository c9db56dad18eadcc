"""``nuportal darkphoton limits``: every dark-photon limit recast for a dark sector, and the plot.

The dark sector comes from ``--sector`` and ``--set`` (as for ``nuportal darkphoton
decays``). The command calls :func:`nuportal.analysis.limits.semivisible.recast_all`, draws
the (m_A', ε) plane (:meth:`~nuportal.analysis.limits.semivisible.RecastResult.plot`),
optionally writes the curves as JSON, and prints where each recast still excludes a given ε.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from nuportal.analysis.limits.gminus2 import DEFAULT_MUON
from nuportal.analysis.limits.semivisible import (
    DEFAULT_EXPERIMENTS,
    EXPERIMENTS,
    MUON_ANOMALIES,
    SCALINGS,
    recast_all,
)
from nuportal.cli.darkphoton import dark_sector_options, sector_from_options
from nuportal.cli.options import data_dir_option
from nuportal.errors import NuportalError

#: figure formats accepted by ``--output``
FIGURE_SUFFIXES = (".pdf", ".png", ".svg")


def _check_output(path: Path, suffixes: tuple[str, ...], what: str) -> None:
    """Fail before the computation if ``path`` cannot be written."""
    if suffixes and path.suffix.lower() not in suffixes:
        raise NuportalError(
            f"{what} {str(path)!r}: unknown format {path.suffix!r}; allowed: {', '.join(suffixes)}"
        )
    if not path.parent.is_dir():
        raise NuportalError(
            f"{what} {str(path)!r}: the directory {str(path.parent)!r} does not exist"
        )


def _ranges(ranges: list[tuple[float, float]]) -> str:
    return ", ".join(f"{a:.3g}–{b:.3g}" if a != b else f"{a:.3g}" for a, b in ranges) or "–"


@click.command("limits")
@dark_sector_options
@click.option(
    "--mass-range",
    type=(float, float),
    default=(0.01, 2.0),
    show_default=True,
    metavar="LOW HIGH",
    help="A' masses of the recasts and the plot (GeV).",
)
@click.option("--points", type=int, default=16, show_default=True, help="Masses (log-spaced).")
@click.option(
    "--experiment",
    "experiments",
    type=click.Choice(EXPERIMENTS),
    multiple=True,
    help=f"Limits to recast (repeatable; default: {', '.join(DEFAULT_EXPERIMENTS)}).",
)
@click.option(
    "--scaling",
    type=click.Choice(SCALINGS),
    default="ratios",
    show_default=True,
    help="Dark-fermion masses along the scan: fixed m_ψ/m_A' or fixed masses.",
)
@click.option(
    "--anomaly",
    type=click.Choice(MUON_ANOMALIES),
    default=DEFAULT_MUON,
    show_default=True,
    help="Δa_μ of the (g-2)_μ band.",
)
@click.option(
    "--na64-reach",
    type=float,
    default=None,
    metavar="EOT",
    help="Also the modified NA64 search (decays in the ECAL accepted) at EOT electrons on target.",
)
@click.option(
    "--events",
    "n_events",
    type=int,
    default=20000,
    show_default=True,
    help="Kinematic samples per mass and semi-visible chain.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--probe",
    type=float,
    default=1e-2,
    show_default=True,
    help="ε of the printed summary (where is it still excluded).",
)
@click.option(
    "--output", "-o", default="limits.pdf", show_default=True, help="Figure (PDF/PNG/SVG)."
)
@click.option(
    "--json",
    "json_out",
    default=None,
    metavar="FILE",
    help="Write the curves as JSON ('-': stdout).",
)
@data_dir_option
def limits(
    sector: str,
    assignments: tuple[str, ...],
    mass_range: tuple[float, float],
    points: int,
    experiments: tuple[str, ...],
    scaling: str,
    anomaly: str,
    na64_reach: float | None,
    n_events: int,
    seed: int,
    probe: float,
    output: str,
    json_out: str | None,
    data_dir: str | None,
) -> None:
    """Recast the dark-photon limits for a dark sector and plot the (m_A', ε) plane.

    Example: nuportal darkphoton limits --sector iDM --set maprime=0.3 --set epsilon=1e-2
    --set alphaD=0.1 --set m1=0.1 --set Delta=0.4 --na64-reach 9.37e11 -o limits.pdf
    """
    model = sector_from_options(sector, assignments)
    low, high = mass_range
    if not (0 < low < high) or points < 2:
        raise NuportalError(
            f"need 0 < LOW < HIGH (GeV) and at least 2 points; got {low} {high} and {points}"
        )
    if not 0 < probe < 1:
        raise NuportalError(f"the probe ε must lie in (0, 1), got {probe}")
    figure = Path(output)
    _check_output(figure, FIGURE_SUFFIXES, "--output")
    if json_out not in (None, "-"):
        _check_output(Path(json_out), (), "--json")
    result = recast_all(
        model,
        np.geomspace(low, high, points),
        experiments=experiments or DEFAULT_EXPERIMENTS,
        scaling=scaling,
        anomaly=anomaly,
        na64_reach=na64_reach,
        n_events=n_events,
        seed=seed,
        data_dir=data_dir,
    )
    result.plot(figure)
    if json_out is not None:
        text = json.dumps(result.to_dict(), indent=1)
        if json_out == "-":
            click.echo(text)
            return
        Path(json_out).write_text(text + "\n")
    table = Table(title=f"ε = {probe:g}: {result.title()}")
    for col in ("recast", "excluded at m_A' [GeV]", "not excluded at m_A' [GeV]"):
        table.add_column(col)
    for row in result.summary(probe):
        table.add_row(row.label, _ranges(row.excluded), _ranges(row.allowed))
    console = Console()
    console.print(table)
    console.print(
        f"{len(result.visible)} visible / beam-dump limits rescaled; figure written to {figure}"
        + (f", curves to {json_out}" if json_out else ""),
        highlight=False,
    )
