"""``nuportal plot EVENTS.parquet``: standard kinematic distributions of a generated sample."""

from __future__ import annotations

from pathlib import Path

import click

from nuportal.errors import NuportalError


@click.command()
@click.argument("events_file", type=click.Path(dir_okay=False))
@click.option("--output", "-o", default=None, help="Figure file (PDF/PNG); default: <events>.png.")
@click.option("--bins", type=int, default=40, show_default=True, help="Bins per histogram.")
def plot(events_file: str, output: str | None, bins: int) -> None:
    """Weighted histograms of E_ν, Q², visible energies and angles, opening angle and decay
    positions of a Parquet event file written by `nuportal generate`."""
    from nuportal.analysis.event_plots import plot_events
    from nuportal.io import read_parquet

    source = Path(events_file)
    if not source.is_file():
        raise NuportalError(f"the event file {events_file!r} does not exist")
    if bins < 2:
        raise NuportalError(f"--bins must be at least 2, got {bins}")
    target = Path(output) if output else source.with_suffix(".png")
    plot_events(read_parquet(source), target, bins=bins)
    click.echo(f"plot written to {target}")
