"""The scan machinery on a trivial model: signal = scale × the MiniBooNE excess template.

The template is the 2020 ν-mode data minus the total (unconstrained) background of the
release, in the release E_QE binning, with its three negative bins set to 0 (a signal is a
number of events). The best-fit scale found by a scan must be the one the issue-5 χ²
minimisation (:meth:`MiniBooNEFit.best_fit_normalisation`) gives directly: within one grid
step for a scanned scale (the true minimum of a unimodal χ² lies between the neighbours of
the grid minimum), and to 1e-3 when the coupling is profiled (signal ∝ g²) at each point.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nuportal.analysis.miniboone import MiniBooNEFit
from nuportal.analysis.scan import Axis, Grid, profile_minimum, run_scan

pytestmark = pytest.mark.data


@functools.cache
def _fit(data_dir: str) -> tuple[MiniBooNEFit, np.ndarray]:
    fit = MiniBooNEFit("2020", "nu", data_dir)
    template = np.clip(fit.data[: fit.signal_size] - fit.background, 0.0, None)
    return fit, template


def scale_task(point: dict[str, float], config: dict[str, Any]) -> dict[str, float]:
    """χ² and −2 ln L of signal = s × template."""
    fit, template = _fit(config["data_dir"])
    signal = point["s"] * template
    return {"chi2": float(fit.chi2(signal)), "m2lnl": float(fit.m2lnl(signal))}


def profiled_task(point: dict[str, float], config: dict[str, Any]) -> dict[str, float]:
    """signal = g² × m × template with the coupling g profiled at each "mass" m."""
    fit, template = _fit(config["data_dir"])
    best = profile_minimum(
        lambda g: fit.chi2((g**2 * point["m"])[:, None] * template), 1e-2, 1e1, points=31
    )
    return {"g": best.x, "chi2": best.value, "at_edge": float(best.at_edge)}


def test_scanned_scale_is_the_chi2_minimum(data_dir: Path, tmp_path: Path) -> None:
    fit, template = _fit(str(data_dir))
    direct = fit.best_fit_normalisation(template)
    axis = Axis.linear("s", 0.0, 2.0, 41)
    result = run_scan(
        scale_task, Grid([axis]), {"data_dir": str(data_dir)}, tmp_path / "s.jsonl",
        workers=2, progress=False,
    )  # fmt: skip
    best, values = result.best("chi2")
    step = axis.values[1] - axis.values[0]
    assert abs(best["s"] - direct.mu) < step
    assert values["chi2"] >= direct.value  # the direct minimum is the true one
    assert 0.5 < direct.mu < 1.5  # the excess is about one template


def test_profiled_coupling_matches_direct_minimisation(data_dir: Path, tmp_path: Path) -> None:
    fit, template = _fit(str(data_dir))
    direct = fit.best_fit_normalisation(template)
    grid = Grid([Axis.log("m", 0.5, 2.0, 5)])
    result = run_scan(
        profiled_task, grid, {"data_dir": str(data_dir)}, tmp_path / "p.jsonl",
        serial=True, progress=False,
    )  # fmt: skip
    g = result.values("g")
    assert not result.values("at_edge").any()
    scale = g**2 * grid.axes[0].array
    np.testing.assert_allclose(scale, direct.mu, rtol=1e-3)
    np.testing.assert_allclose(result.values("chi2"), direct.value, atol=1e-6)
