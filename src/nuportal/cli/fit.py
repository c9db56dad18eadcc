"""``nuportal fit miniboone``: scan a model family against the MiniBooNE ν-mode excess.

Options can also come from the ``[fit]`` table of a TOML run card (``nuportal fit
miniboone run.toml``); options given on the command line override it::

    [fit]
    family = "3+1-light-zprime"
    grid = ["m4:log:0.05:1:30", "mzprime:log:0.01:0.5:30"]
    events = 3000
    results = "light_zprime.jsonl"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from nuportal.analysis.miniboone.families import FAMILIES, FERMIONS
from nuportal.analysis.miniboone.fit import FITS, STATISTICS
from nuportal.cli.options import data_dir_option
from nuportal.errors import NuportalError

#: option name -> default (None: not given); the [fit] table of a run card uses these keys
DEFAULTS: dict[str, Any] = {
    "family": "3+1-light-zprime",
    "grid": (),
    "fermion": "dirac",
    "events": 3000,
    "seed": 1,
    "nodes": 7,
    "statistic": "chi2",
    "mode": "nu",
    "dirt": None,
    "results": None,
    "scheduler": None,
    "workers": None,
    "serial": False,
    "plots": None,
}


@click.group()
def fit() -> None:
    """Fits of dark-sector model families to experimental data."""


@fit.command("miniboone")
@click.argument("card", required=False, type=click.Path(dir_okay=False))
@click.option("--family", type=click.Choice(sorted(FAMILIES)), default=None,
              help="Model family (default 3+1-light-zprime).")  # fmt: skip
@click.option("--grid", multiple=True, metavar="AXIS",
              help="Scan axis NAME:log|linear:LOW:HIGH:N or NAME:V1,V2,... (give two; "
              "default: the family's grid).")  # fmt: skip
@click.option("--fermion", type=click.Choice(FERMIONS), default=None, help="Dirac or Majorana.")
@click.option("--events", type=int, default=None, help="Generated events per mass point (3000).")
@click.option("--seed", type=int, default=None, help="Seed of the scan (1).")
@click.option("--nodes", type=int, default=None,
              help="Couplings reweighted per mass point before interpolation (7).")  # fmt: skip
@click.option("--statistic", type=click.Choice(STATISTICS), default=None,
              help="Minimised statistic (chi2).")  # fmt: skip
@click.option("--mode", type=click.Choice(FITS), default=None,
              help="nu (default) or combined (nu + nubar, 60x60 covariance).")  # fmt: skip
@click.option(
    "--dirt/--no-dirt",
    default=None,
    help="Upscattering in the dirt too (default: unless decays are prompt).",
)
@click.option("--results", default=None, metavar="FILE",
              help="Results file (JSON Lines); resumed if it exists (default "
              "miniboone_<family>.jsonl).")  # fmt: skip
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (default: a local process pool).")  # fmt: skip
@click.option("--workers", type=int, default=None, help="Local worker processes (all cores).")
@click.option("--serial", is_flag=True, default=None, help="Run the points in this process.")
@click.option("--plots", default=None, metavar="PREFIX",
              help="Write PREFIX_contours.png and PREFIX_spectra.png.")  # fmt: skip
@data_dir_option
def miniboone_command(card: str | None, data_dir: str | None, **given: Any) -> None:
    """Scan a model family against MiniBooNE ν mode (2020, 18.75e20 POT): generate once per
    mass point, reweight the coupling and profile it, write the results, print the best fit."""
    from nuportal.analysis.miniboone.fit import fit_config, scan
    from nuportal.analysis.scan import Axis, Grid
    from nuportal.runcard import load_run_card

    options = dict(DEFAULTS)
    if card:
        table = load_run_card(card)["fit"]
        unknown = sorted(set(table) - set(DEFAULTS))
        if unknown:
            raise NuportalError(
                f"unknown keys in the fit table of the run card: {', '.join(unknown)}; "
                f"allowed: {', '.join(DEFAULTS)}"
            )
        options.update(table)
    options.update({k: v for k, v in given.items() if v is not None and v != ()})
    config = fit_config(
        options["family"], fermion=options["fermion"], events=options["events"],
        seed=options["seed"], nodes=options["nodes"], statistic=options["statistic"],
        fit=options["mode"],
        roles=_roles(options["dirt"]), data_dir=data_dir,
    )  # fmt: skip
    grid = Grid([Axis.parse(a) for a in options["grid"]]) if options["grid"] else None
    results = options["results"] or f"miniboone_{config['family']}.jsonl"
    done = scan(
        config, grid, results, scheduler=options["scheduler"], workers=options["workers"],
        serial=bool(options["serial"]),
    )  # fmt: skip
    point, best = done.best()
    _print_best(done.family.coupling, point, best, done.statistic, results, done.results.computed)
    if options["plots"]:
        from nuportal.analysis.miniboone.fit_plots import plot_contours, plot_spectra

        prefix = Path(options["plots"])
        spectra = prefix.with_name(prefix.name + "_spectra.png")
        plot_spectra(point, best, spectra, data_dir)
        click.echo(f"wrote {spectra}")
        if min(done.grid.shape) > 1:
            contours = prefix.with_name(prefix.name + "_contours.png")
            plot_contours(done, contours)
            click.echo(f"wrote {contours}")


def _roles(dirt: bool | None) -> tuple[str, ...] | str:
    """Upscattering volumes: chosen per point (None), or with / without the dirt."""
    if dirt is None:
        return "auto"
    return ("detector", "dirt") if dirt else ("detector",)


def _print_best(
    coupling: str, point: dict[str, float], best: dict[str, Any], statistic: str,
    results: str, computed: int,
) -> None:  # fmt: skip
    table = Table(title="MiniBooNE fit: best point")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for name, value in point.items():
        table.add_row(name, f"{value:.4g}")
    if coupling not in point:
        edge = " (edge of the range)" if best["at_edge"] else ""
        table.add_row(f"{coupling} (profiled)", f"{best['coupling']:.4g}{edge}")
    table.add_row(statistic, f"{best[statistic]:.2f}")
    table.add_row("chi2 background only", f"{best['chi2_null']:.2f}")
    table.add_row(f"p-value ({best['dof']} dof)", f"{best['p_value']:.3g}")
    table.add_row("signal events (E_QE bins)", f"{best['signal_events']:.1f}")
    console = Console()
    console.print(table)
    console.print(f"results: {results} ({computed} points computed now)")
