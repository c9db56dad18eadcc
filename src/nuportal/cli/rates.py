"""``nuportal rates``: expected upscattering events per channel."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from nuportal.cli.options import data_dir_option, model_and_card_options, model_options
from nuportal.experiments.fluxes import flavour_pdg
from nuportal.rates import RateTable, upscattering_rates

RATES_KEYS = ("experiment", "flavours", "pot")


def _write(text: str, destination: str) -> None:
    if destination == "-":
        sys.stdout.write(text)
    else:
        Path(destination).write_text(text)


def _print_table(table: RateTable, console: Console) -> None:
    if not table.rows:
        console.print("no upscattering channel is open: every threshold is above the flux range")
        return
    per_volume = {volume: events for (volume,), events in table.grouped("volume").items()}
    out = Table(title=f"Upscattering events at {table.experiment} ({table.pot:.3g} POT)")
    columns = ("volume", "flavour", "target", "regime", "N", "helicity", "events", "% of volume")
    for col in columns:
        out.add_column(col, justify="right" if col in columns[-3:] else "left")
    for row in sorted(table.rows, key=lambda r: (r.volume, -r.events)):
        out.add_row(
            row.volume,
            row.flavour,
            row.target,
            row.regime,
            row.heavy,
            "+" if row.helicity > 0 else "-",
            f"{row.events:.4g}",
            f"{row.events / per_volume[row.volume]:.1%}",
        )
    console.print(out)
    for volume, events in sorted(per_volume.items()):
        console.print(f"  {volume}: {events:.4g} events")
    console.print(
        f"[bold]total: {table.total:.4g} upscattering events[/] (no decay or efficiency applied)"
    )


@click.command()
@click.option(
    "--experiment",
    default=None,
    help="Catalogue name (see `nuportal experiments`); default miniboone_numode.",
)
@click.option(
    "--flavour",
    "flavours",
    multiple=True,
    help="Incoming flavour(s): nue, numu, nuebar, ... (default: all of the flux).",
)
@click.option(
    "--pot", type=float, default=None, help="Exposure in POT (default: the experiment's)."
)
@click.option(
    "--json",
    "json_out",
    default=None,
    metavar="FILE",
    help="Write the table as JSON ('-' for stdout).",
)
@click.option(
    "--csv", "csv_out", default=None, metavar="FILE", help="Write the rows as CSV ('-' for stdout)."
)
@model_options
@data_dir_option
def rates(
    experiment: str | None,
    flavours: tuple[str, ...],
    pot: float | None,
    json_out: str | None,
    csv_out: str | None,
    benchmark: str | None,
    assignments: tuple[str, ...],
    card: str | None,
    data_dir: str | None,
) -> None:
    """Expected upscattering events per channel (flavour × target × regime × N × helicity).

    Defaults: the light-Z' 3+1 benchmark (`nuportal models`) at MiniBooNE ν mode.
    """
    model, options = model_and_card_options("rates", RATES_KEYS, card, benchmark, assignments)
    chosen_flavours = flavours or tuple(options.get("flavours", ()))
    table = upscattering_rates(
        model,
        experiment or options.get("experiment", "miniboone_numode"),
        flavours=[flavour_pdg(f) for f in chosen_flavours] or None,
        data_dir=data_dir,
        pot=pot if pot is not None else options.get("pot"),
    )
    console = Console(stderr=json_out == "-" or csv_out == "-")
    console.print(f"model: {table.model}")
    if table.flux_is_approximate:
        console.print(
            f"[bold yellow]note: approximate flux[/] {table.metadata['flux']}: "
            f"{table.metadata['flux_description']}",
            highlight=False,
        )
    _print_table(table, console)
    if json_out:
        _write(table.to_json(), json_out)
    if csv_out:
        _write(table.to_csv(), csv_out)
