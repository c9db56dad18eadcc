"""``nuportal predict``: e⁺e⁻ (or γ) events at MicroBooNE, SBND, ICARUS from a MiniBooNE fit."""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from nuportal.analysis.predict import PREDICT_EXPERIMENTS
from nuportal.cli.options import data_dir_option


@click.command()
@click.option("--experiment", type=click.Choice(PREDICT_EXPERIMENTS), required=True,
              help="Catalogue experiment (flux, exposure, fiducial volume).")  # fmt: skip
@click.option("--from-fit", "results", required=True, type=click.Path(dir_okay=False),
              help="Results file of `nuportal fit miniboone`.")  # fmt: skip
@click.option("--sigma", type=click.Choice(["0", "1", "2", "3"]), default="1", show_default=True,
              help="Points of the nσ region besides the best fit (0: best only).")  # fmt: skip
@click.option("--max-points", type=int, default=10, show_default=True,
              help="At most this many points, best first.")  # fmt: skip
@click.option("--events", type=int, default=3000, show_default=True,
              help="Generated events per point.")  # fmt: skip
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--json", "json_out", default=None, metavar="FILE",
              help="Write the predictions with their distributions as JSON.")  # fmt: skip
@data_dir_option
def predict(
    experiment: str, results: str, sigma: str, max_points: int, events: int, seed: int,
    json_out: str | None, data_dir: str | None,
) -> None:  # fmt: skip
    """Expected e⁺e⁻ (or γ) events in the fiducial volume of EXPERIMENT for the best-fit
    points of a MiniBooNE fit, with opening angle, energy asymmetry and angle to the beam."""
    from nuportal.analysis.predict import EDGES, predict_from_fit

    level = None if sigma == "0" else int(sigma)
    out = predict_from_fit(
        results, experiment, sigma=level, max_points=max_points, n_events=events, seed=seed,
        data_dir=data_dir,
    )  # fmt: skip
    table = Table(title=f"{experiment}: expected events in the fiducial volume")
    for name in ("point", "events", "median opening [deg]", "median beam angle [deg]"):
        table.add_column(name, justify="right")
    for p in out:
        medians = [_median(p.histograms.get(k), EDGES[k]) for k in ("opening_angle", "beam_angle")]
        table.add_row(
            ", ".join(f"{k}={v:.3g}" for k, v in p.point.items()),
            f"{p.events:.3g} ± {p.mc_error:.2g}",
            *medians,
        )
    Console().print(table)
    if json_out:
        Path(json_out).write_text(json.dumps([p.to_json() for p in out], indent=1))
        click.echo(f"wrote {json_out}")


def _median(counts: np.ndarray | None, edges: np.ndarray) -> str:
    """Median of a histogram (linear within the bin), or '-'."""
    if counts is None or counts.sum() <= 0:
        return "-"
    cumulative = np.concatenate([[0.0], np.cumsum(counts)]) / counts.sum()
    return f"{np.interp(0.5, cumulative, edges):.1f}"
