"""``nuportal decays``: decay tables (widths, branching ratios, cτ) of a model's new particles."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from nuportal.cli.options import model_and_card_options, model_options
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.physics.decays.channels import decay_table, particles
from nuportal.physics.decays.table import DecayTable

DECAYS_KEYS = ("particles", "plot", "vs", "range", "points")


def _print(table: DecayTable, console: Console) -> None:
    if table.stable:
        console.print(f"{table.particle} (m = {table.mass:.6g} GeV): no open channel")
        return
    console.print(
        f"[bold]{table.particle}[/]  m = {table.mass:.6g} GeV   Γ = {table.total_width:.4e} GeV"
        f"   cτ = {table.ctau_cm:.4e} cm   τ = {table.lifetime_ns:.4e} ns",
        highlight=False,
    )
    out = Table()
    for col in ("channel", "Γ [GeV]", "BR"):
        out.add_column(col, justify="left" if col == "channel" else "right")
    for c in table.channels:
        out.add_row(c.label, f"{c.width:.4e}", f"{c.width / table.total_width:.4e}")
    console.print(out)


@click.command()
@click.option(
    "--particle",
    "chosen",
    multiple=True,
    help="Particle(s) to show: N4, N5, N6, Zprime, hprime (default: all of the model).",
)
@click.option(
    "--json",
    "json_out",
    default=None,
    metavar="FILE",
    help="Write the tables as JSON ('-': stdout).",
)
@click.option(
    "--plot",
    default=None,
    metavar="FILE",
    help="Plot BR and cτ of one --particle versus a mass parameter (PDF/PNG; needs matplotlib).",
)
@click.option("--vs", default=None, help="Parameter on the x axis of --plot (default: its mass).")
@click.option(
    "--range", "x_range", default=None, metavar="LO,HI", help="Range of --vs in GeV for --plot."
)
@click.option("--points", type=int, default=None, help="Number of points of --plot (default 40).")
@model_options
def decays(
    chosen: tuple[str, ...],
    json_out: str | None,
    plot: str | None,
    vs: str | None,
    x_range: str | None,
    points: int | None,
    benchmark: str | None,
    assignments: tuple[str, ...],
    card: str | None,
) -> None:
    """Decay tables of N4…N6, Z' and h': every open channel, partial widths, BRs, cτ.

    Defaults: the light-Z' 3+1 benchmark (`nuportal models`).
    """
    model, options = model_and_card_options("decays", DECAYS_KEYS, card, benchmark, assignments)
    names = chosen or tuple(options.get("particles", ())) or particles(model)
    for name in names:
        if name not in particles(model):
            raise NuportalError(unknown_name_message("particle", name, particles(model)))
    plot = plot or options.get("plot")
    if plot:
        from nuportal.analysis.decay_plots import plot_decays_versus_mass

        if len(names) != 1:
            raise NuportalError("--plot needs exactly one --particle")
        lo_hi = x_range or options.get("range")
        limits = _parse_range(lo_hi) if isinstance(lo_hi, str) else lo_hi
        plot_decays_versus_mass(
            model,
            names[0],
            Path(plot),
            parameter=vs or options.get("vs"),
            limits=limits,
            points=points or options.get("points", 40),
        )
    tables = [decay_table(model, name) for name in names]
    console = Console(stderr=json_out == "-")
    console.print(f"model: {model.describe()}")
    for table in tables:
        _print(table, console)
    if json_out:
        text = json.dumps(
            {"model": dict(model.parameters), "tables": [t.to_dict() for t in tables]},
            indent=2,
            default=str,
        )
        if json_out == "-":
            click.echo(text)
        else:
            Path(json_out).write_text(text)
    if plot:
        console.print(f"plot written to {plot}")


def _parse_range(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError:
        raise NuportalError(f"--range must be LO,HI in GeV (e.g. 0.1,1.0), got {text!r}") from None
    return lo, hi
