"""The (m_A', ε) figure: files are written, masked points are never drawn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nuportal.analysis.limits.curves import SENTINEL, LimitCurve, load_curve
from nuportal.analysis.limits.plot import plot_limits
from nuportal.analysis.limits.rescale import ModifiedDarkPhoton, rescale
from nuportal.errors import NuportalError

plt = pytest.importorskip("matplotlib.pyplot")


def _masked_curve() -> LimitCurve:
    mass = np.geomspace(1e-2, 1.0, 9)
    lower = np.full(9, 1e-3)
    lower[4] = SENTINEL
    return LimitCurve(
        key="t", label="synthetic", experiment="t", arxiv="", cl="90%", kind="upper",
        category="visible", channel="ee", mass=mass, lower=lower,
        upper=np.full(9, np.inf), valid=lower != SENTINEL,
    )  # fmt: skip


def _drawn_y(fig) -> np.ndarray:
    ax = fig.axes[0]
    ys = [np.asarray(line.get_ydata(), float) for line in ax.get_lines()]
    ys += [np.asarray(p.get_paths()[0].vertices[:, 1]) for p in ax.collections if p.get_paths()]
    return np.concatenate(ys)


def test_sentinel_points_are_not_drawn():
    curve = _masked_curve()
    fig = plot_limits([curve], electron="rb")
    try:
        assert np.all(_drawn_y(fig) < SENTINEL)
        drawn = [line for line in fig.axes[0].get_lines() if line.get_color() == "0.45"]
        assert len(drawn) == len(curve.segments()) == 2
    finally:
        plt.close(fig)


def test_bad_ranges_raise():
    with pytest.raises(NuportalError, match="axis ranges"):
        plot_limits([_masked_curve()], mass_range=(1.0, 0.1))


@pytest.mark.data
@pytest.mark.parametrize("suffix", [".png", ".pdf"])
def test_writes_a_figure(data_dir: Path, tmp_path: Path, suffix: str):
    e137 = load_curve("e137_andreas2012", data_dir)
    recast = rescale(e137, ModifiedDarkPhoton(visible_fraction=0.1), label="E137, BR(ee) x 0.1")
    out = tmp_path / f"limits{suffix}"
    fig = plot_limits(recast=[recast], output=out, data_dir=data_dir, anomaly="fnal2021")
    try:
        assert out.stat().st_size > 10_000
        labels = fig.axes[0].get_legend_handles_labels()[1]
        assert "E137, BR(ee) x 0.1" in labels
        assert any("preferred" in label for label in labels)  # 2021 anomaly: a band
    finally:
        plt.close(fig)


@pytest.mark.data
def test_default_figure_has_masked_data_curves_and_gm2_limit(data_dir: Path):
    fig = plot_limits(data_dir=data_dir)  # default anomaly wp2025: no preferred band
    try:
        assert np.all(_drawn_y(fig) < SENTINEL)
        labels = fig.axes[0].get_legend_handles_labels()[1]
        assert any("wp2025" in label and "limit" in label for label in labels)
    finally:
        plt.close(fig)
