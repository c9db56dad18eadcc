"""``nuportal miniboone``: the MiniBooNE excess, χ² of a signal, and the classic figure."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from nuportal.analysis.miniboone.release import FITS, RELEASES, fit_modes
from nuportal.cli.options import data_dir_option
from nuportal.errors import NuportalError

release_option = click.option(
    "--release", type=click.Choice(RELEASES), default="2020", show_default=True,
    help="MiniBooNE data release.",
)  # fmt: skip
mode_option = click.option(
    "--mode", type=click.Choice(FITS), default="nu", show_default=True,
    help="Neutrino mode, antineutrino mode, or both (combined fit).",
)  # fmt: skip


def _signal_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--dm2 and --sin2theta (an oscillation signal)."""
    func = click.option(
        "--sin2theta", type=float, default=None, help="Oscillation amplitude sin²2θ."
    )(func)
    return click.option(
        "--dm2", type=float, default=None, help="Oscillation Δm² [eV²] (3+1 appearance signal)."
    )(func)


def _signal(
    path: str | None, dm2: float | None, sin2: float | None, release: str, mode: str,
    data_dir: str | None,
) -> tuple[np.ndarray | None, str]:  # fmt: skip
    """The signal histogram from a file or an oscillation hypothesis, and its description."""
    if path is not None and (dm2 is not None or sin2 is not None):
        raise NuportalError("give either a SIGNAL file or --dm2/--sin2theta, not both")
    if (dm2 is None) != (sin2 is None):
        raise NuportalError("an oscillation hypothesis needs both --dm2 and --sin2theta")
    if path is not None:
        from nuportal.analysis.miniboone.histograms import read_signal

        return read_signal(path, fit_modes(mode)), f"signal from {path}"
    if dm2 is not None and sin2 is not None:
        from nuportal.analysis.miniboone.oscillation import OscillationSignal

        signal = OscillationSignal(release, mode, data_dir)(dm2, sin2)
        return signal, f"3+1 oscillation Δm² = {dm2:g} eV², sin²2θ = {sin2:g}"
    return None, "no signal"


@click.group()
def miniboone() -> None:
    """MiniBooNE νe / ν̄e appearance: excess, χ² of a signal, figures (arXiv:2006.16883)."""


@miniboone.command("excess")
@release_option
@mode_option
@click.option(
    "--covariance", type=click.Choice(["auto", "combined", "mode"]), default="auto",
    show_default=True,
    help="Constraint matrix: combined 60×60 (reproduces the published excesses), per mode "
    "30×30, or auto (combined where it exists).",
)  # fmt: skip
@click.option("--json", "json_out", default=None, metavar="FILE", help="Write JSON ('-': stdout).")
@data_dir_option
def excess_command(
    release: str, mode: str, covariance: str, json_out: str | None, data_dir: str | None
) -> None:
    """The νμ-constrained background and the excess per E_QE bin and in 200–1250 MeV."""
    from nuportal.analysis.miniboone.statistics import excess

    ex = excess(release, mode, covariance, data_dir)
    console = Console(stderr=json_out == "-")
    for k, m in enumerate(ex.modes):
        table = Table(title=f"MiniBooNE {ex.release} {m} mode ({ex.covariance} covariance)")
        for col in ("E_QE [GeV]", "data", "bkg", "constr. bkg", "excess", "stat", "syst"):
            table.add_column(col, justify="right")
        for i in range(len(ex.edges) - 1):
            table.add_row(
                f"{ex.edges[i]:.3f}–{ex.edges[i + 1]:.3f}", f"{ex.data[k, i]:.0f}",
                f"{ex.background[k, i]:.1f}", f"{ex.constrained_background[k, i]:.1f}",
                f"{ex.excess[k, i]:.1f}", f"{ex.stat[k, i]:.1f}", f"{ex.syst[k, i]:.1f}",
            )  # fmt: skip
        console.print(table)
    r = ex.region()
    console.print(
        f"[bold]excess 200–1250 MeV ({', '.join(ex.modes)}): {r['excess']:.1f} ± {r['stat']:.1f}"
        f" (stat) ± {r['syst']:.1f} (syst) = {r['excess']:.1f} ± {r['error']:.1f}"
        f" ({r['significance']:.1f}σ)[/]; data {r['data']:.0f}, constrained background"
        f" {r['background']:.1f}",
        highlight=False,
    )
    if json_out:
        doc = {
            "release": ex.release, "mode": ex.mode, "covariance": ex.covariance,
            "modes": list(ex.modes), "edges_GeV": ex.edges.tolist(), "data": ex.data.tolist(),
            "background": ex.background.tolist(),
            "constrained_background": ex.constrained_background.tolist(),
            "excess": ex.excess.tolist(), "stat": ex.stat.tolist(), "syst": ex.syst.tolist(),
            "region_200_1250_MeV": r,
        }  # fmt: skip
        text = json.dumps(doc, indent=1)
        if json_out == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(json_out, "w") as fh:
                fh.write(text + "\n")


@miniboone.command("chi2")
@click.argument("signal", required=False, type=click.Path(dir_okay=False))
@_signal_options
@release_option
@click.option(
    "--mode", type=click.Choice(FITS), default="combined", show_default=True,
    help="Fit: ν mode, ν̄ mode, or combined (11 E_QE bins per mode in the SIGNAL file).",
)  # fmt: skip
@click.option(
    "--normalise", is_flag=True, help="Also fit the signal normalisation μ ≥ 0 (minimum χ²)."
)
@click.option(
    "--params", type=int, default=0, show_default=True,
    help="Fitted parameters subtracted from the degrees of freedom (19 bins per mode).",
)  # fmt: skip
@data_dir_option
def chi2_command(
    signal: str | None, dm2: float | None, sin2theta: float | None, release: str, mode: str,
    normalise: bool, params: int, data_dir: str | None,
) -> None:  # fmt: skip
    """χ², −2 ln L and p-value of a SIGNAL histogram file (CSV/JSON) or an oscillation.

    Without a signal the background-only hypothesis is tested.
    """
    from nuportal.analysis.miniboone.statistics import MiniBooNEFit

    fit = MiniBooNEFit(release, mode, data_dir)
    values, what = _signal(signal, dm2, sin2theta, release, mode, data_dir)
    if values is None:
        values = np.zeros(fit.signal_size)
    result = fit.evaluate(values, n_params=params)
    console = Console()
    console.print(f"MiniBooNE {fit.release} {mode} fit, {what} ({values.sum():.1f} events)")
    console.print(
        f"χ² = {result.chi2:.3f}, −2 ln L = {result.m2lnl:.3f}, "
        f"p-value = {result.p_value:.3g} for {result.dof} degrees of freedom",
        highlight=False,
    )
    if normalise:
        best = fit.best_fit_normalisation(values)
        pv = float(np.asarray(fit.evaluate(best.mu * values, n_params=params + 1).p_value))
        console.print(
            f"best-fit normalisation μ = {best.mu:.4g}: χ² = {best.value:.3f} "
            f"(background only {best.value_null:.3f}, Δχ² = {best.delta:.2f}; "
            f"p-value {pv:.3g} for {result.dof - 1} dof)",
            highlight=False,
        )


@miniboone.command("plot")
@click.option("--signal", "signal_file", default=None, type=click.Path(dir_okay=False),
              help="Signal histogram (CSV/JSON) drawn on top.")  # fmt: skip
@_signal_options
@release_option
@mode_option
@click.option(
    "--variable", type=click.Choice(["enu_qe", "evis", "cos_theta"]), default="enu_qe",
    show_default=True, help="E_ν^QE, visible energy or cos θ (the last two: 2020 ν mode).",
)  # fmt: skip
@click.option(
    "-o", "--output", default="miniboone.png", show_default=True,
    help="Output file; the format follows the extension (.png, .pdf).",
)  # fmt: skip
@data_dir_option
def plot_command(
    signal_file: str | None, dm2: float | None, sin2theta: float | None, release: str,
    mode: str, variable: str, output: str, data_dir: str | None,
) -> None:  # fmt: skip
    """The classic figure: data over the stacked constrained backgrounds with their band."""
    from nuportal.analysis.miniboone.plot import plot_miniboone

    if variable != "enu_qe" and (dm2 is not None or sin2theta is not None):
        raise NuportalError("an oscillation signal can be drawn in E_QE only")
    values, _ = _signal(signal_file, dm2, sin2theta, release, mode, data_dir)
    label = "3+1 oscillation" if dm2 is not None else "signal"
    figure = plot_miniboone(release, mode, variable, values, output, data_dir, signal_label=label)
    import matplotlib.pyplot as plt

    plt.close(figure)
    Console().print(f"wrote {output}")
