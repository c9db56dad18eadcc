"""``nuportal experiments``: the experiment catalogue."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from nuportal.experiments.catalogue import get_experiment, list_experiments


@click.group(invoke_without_command=True)
@click.pass_context
def experiments(ctx: click.Context) -> None:
    """List the experiments of the catalogue (`experiments show NAME` for one)."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table(title="nuportal experiment catalogue")
    for col in ("name", "title", "POT", "baseline [m]", "flux"):
        table.add_column(col)
    for name in list_experiments():
        exp = get_experiment(name)
        table.add_row(name, exp.title, f"{exp.pot:.3g}", f"{exp.baseline_cm / 100:g}", exp.flux_key)
    Console().print(table)


@experiments.command()
@click.argument("name")
def show(name: str) -> None:
    """Print one experiment: exposure, flux, volumes, masses and sources."""
    exp = get_experiment(name)
    console = Console()
    console.print(f"[bold]{exp.name}[/]: {exp.title}")
    if exp.description:
        console.print(exp.description.strip())
    console.print(
        f"POT = {exp.pot:.4g}, baseline = {exp.baseline_cm / 100:g} m, flux = {exp.flux_key}"
    )
    table = Table(title="volumes")
    for col in ("name", "role", "material", "volume [m³]", "mass [t]", "nominal [t]"):
        table.add_column(col)
    for vol in exp.volumes:
        nominal = "" if vol.nominal_mass_t is None else f"{vol.nominal_mass_t:g}"
        table.add_row(
            vol.name,
            vol.role,
            vol.material.name,
            f"{vol.volume_cm3 / 1e6:.4g}",
            f"{vol.mass_t:.4g}",
            nominal,
        )
    console.print(table)
    fiducial = exp.fiducial_mass_t()
    if fiducial is not None:
        console.print(f"fiducial mass = {fiducial:.4g} t")
    for key, text in exp.sources.items():
        console.print(f"[dim]{key}:[/] {text}")
