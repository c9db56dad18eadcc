"""The (m_A', ε) plane of dark-photon limits, with the (g−2) curves and optional recasts.

Needs the ``plot`` extra (matplotlib), imported only when a figure is made. Published
limits are shaded (visible searches and beam dumps in greys, invisible searches in a pale
blue) with their experiments' names; the (g−2)_μ curve is computed for a chosen anomaly
(:mod:`~nuportal.analysis.limits.gminus2`: a green band when the anomaly is significant at
``n_sigma``, else the upper edge as a limit line), the (g−2)_e limit from the Rb value;
recast curves passed by the caller (e.g. the semi-visible BaBar and NA64 recasts) are drawn
as coloured outlines on top. Points where a source has no exclusion are never drawn.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nuportal.analysis.limits import gminus2
from nuportal.analysis.limits.curves import LimitCurve, load_curve
from nuportal.errors import NuportalError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["DEFAULT_CURVES", "plot_limits"]

#: curves drawn by default (the current strongest in each region of the plane)
DEFAULT_CURVES = (
    "babar2014_ee_mumu",
    "lhcb2019_prompt_mumu",
    "lhcb2019_displaced_mumu",
    "cms_2019_scouting_mumu",
    "na48_2015_pi0_ee",
    "a1_2014_ee",
    "kloe_2018_mumu_pipi_combined",
    "besiii_2017_ee_mumu",
    "hps_2018_ee",
    "na64_2019_visible_ee",
    "e137_andreas2012",
    "e141",
    "e774",
    "kek",
    "orsay",
    "nucal_tsai2019",
    "charm_tsai2019",
    "nomad",
    "ps191",
    "babar2017_monophoton_invisible",
    "na64e_2016-2022_invisible",
)
_FILL = {"visible": "0.72", "beamdump": "0.85", "invisible": "#c6dbef", "gm2": "#fdd0a2"}
_EDGE = {"visible": "0.45", "beamdump": "0.55", "invisible": "#4a7fb0", "gm2": "#d9822b"}
#: drawing order: invisible searches below the visible ones they overlap
_LAYER = {"invisible": 0.5, "beamdump": 1.0, "visible": 1.2, "gm2": 1.4}
_RECAST_COLOURS = ("#c0392b", "#8e44ad", "#16a085", "#d35400", "#2c3e50")


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise NuportalError("plotting needs matplotlib: pip install 'nuportal[plot]'") from None
    return plt


def _draw_region(ax: Axes, curve: LimitCurve, eps_top: float, category: str) -> None:
    """Shade and outline each valid piece of ``curve`` (points without exclusion skipped)."""
    layer, edge = _LAYER[category], _EDGE[category]
    for piece in curve.segments():
        m, lo = curve.mass[piece], curve.lower[piece]
        hi = np.minimum(curve.upper[piece], eps_top)
        if curve.kind != "edge":
            ax.fill_between(m, lo, hi, color=_FILL[category], linewidth=0, zorder=layer)
        ax.plot(m, lo, color=edge, linewidth=0.7, zorder=layer + 0.05)
        if curve.kind == "band":
            ax.plot(m, hi, color=edge, linewidth=0.7, zorder=layer + 0.05)


def _label(
    ax: Axes,
    curve: LimitCurve,
    window: tuple[float, float],
    eps_range: tuple[float, float],
    colour: str,
) -> None:
    """Write the curve's label inside its region: the widest point of a band, else just above
    the lowest point of the line, kept inside the axes."""
    inside = curve.valid & (curve.mass >= window[0]) & (curve.mass <= window[1])
    if not inside.any():
        return
    top = np.minimum(curve.upper, eps_range[1])
    if curve.kind == "band":
        score = np.where(inside, top / curve.lower, 0.0)
        i = int(np.argmax(score))
        y = np.sqrt(curve.lower[i] * top[i])
    else:
        i = int(np.argmin(np.where(inside, curve.lower, np.inf)))
        y = curve.lower[i] * 1.6
    y = float(np.clip(y, eps_range[0] * 1.5, eps_range[1] / 1.5))
    ax.text(curve.mass[i], y, curve.label, fontsize=6.5, color=colour, ha="center", va="bottom",
            zorder=5, clip_on=True)  # fmt: skip


def _gminus2(ax: Axes, masses: np.ndarray, anomaly: str, n_sigma: float, electron: str) -> None:
    band = gminus2.preferred_band(masses, anomaly, n_sigma)
    name = f"$(g-2)_\\mu$ {anomaly} ${n_sigma:g}\\sigma$"
    if np.all(band.lower > 0):
        ax.fill_between(masses, band.lower, band.upper, color="#74c476", alpha=0.6, linewidth=0,
                        zorder=3, label=f"{name} preferred")  # fmt: skip
    else:
        ax.plot(masses, band.upper, color="#238b45", linestyle="--", linewidth=1.2, zorder=3,
                label=f"{name} limit")  # fmt: skip
    limit = gminus2.upper_limit(masses, electron, 3.0)
    ax.plot(masses, limit, color="#d9822b", linestyle=":", linewidth=1.2, zorder=3,
            label=f"$(g-2)_e$ ({electron}) $3\\sigma$")  # fmt: skip


def plot_limits(
    curves: Iterable[str | LimitCurve] | None = None,
    recast: Sequence[LimitCurve] = (),
    *,
    anomaly: str = gminus2.DEFAULT_MUON,
    n_sigma: float = 2.0,
    electron: str = "rb",
    mass_range: tuple[float, float] = (1e-3, 10.0),
    eps_range: tuple[float, float] = (1e-6, 1.0),
    output: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Draw the (m_A' [GeV], ε) plane and optionally save it (PDF/PNG by extension).

    Parameters
    ----------
    curves : iterable of str or LimitCurve, optional
        Published curves (registry keys or loaded curves); default :data:`DEFAULT_CURVES`.
    recast : sequence of LimitCurve
        Curves drawn as coloured outlines on top (their ``label`` goes to the legend).
    anomaly : str
        Muon anomaly of :data:`~nuportal.analysis.limits.gminus2.ANOMALIES` for the (g−2)_μ
        curve (default ``"wp2025"``).
    n_sigma : float
        Width of the (g−2)_μ band in standard deviations.
    electron : str
        Electron anomaly (``"rb"`` or ``"cs"``) of the 3σ (g−2)_e limit.
    mass_range, eps_range : tuple of float
        Axis ranges (GeV; ε).
    output : path, optional
        File to write (``.pdf``, ``.png``, ...).
    data_dir : path, optional
        The data directory (default: ``NUPORTAL_DATA`` or the user configuration).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (close it with ``matplotlib.pyplot.close`` when done).

    Examples
    --------
    >>> from nuportal.analysis.limits.plot import plot_limits
    >>> fig = plot_limits(output="limits.pdf")                               # doctest: +SKIP
    """
    (m_lo, m_hi), (e_lo, e_hi) = mass_range, eps_range
    if not (0 < m_lo < m_hi and 0 < e_lo < e_hi):
        raise NuportalError(
            f"need 0 < low < high for both axis ranges; got {mass_range}, {eps_range}"
        )
    chosen = [
        c if isinstance(c, LimitCurve) else load_curve(c, data_dir)
        for c in curves or DEFAULT_CURVES
    ]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    labelled: set[tuple[str, str]] = set()
    for curve in chosen:
        category = curve.category if curve.category in _FILL else "visible"
        _draw_region(ax, curve, e_hi, category)
        if (curve.label, category) not in labelled:
            labelled.add((curve.label, category))
            _label(ax, curve, (m_lo, m_hi), (e_lo, e_hi), _EDGE[category])
    _gminus2(ax, np.geomspace(m_lo, m_hi, 300), anomaly, n_sigma, electron)
    for k, curve in enumerate(recast):
        colour = _RECAST_COLOURS[k % len(_RECAST_COLOURS)]
        for n, piece in enumerate(curve.segments()):
            ax.plot(curve.mass[piece], curve.lower[piece], color=colour, linewidth=1.8, zorder=4,
                    label=curve.label if n == 0 else None)  # fmt: skip
            top = curve.upper[piece]
            if curve.kind == "band" and np.any(top < e_hi):  # a closed region: draw its top
                ax.plot(curve.mass[piece], np.minimum(top, e_hi), color=colour, linewidth=1.8,
                        zorder=4)  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(m_lo, m_hi)
    ax.set_ylim(e_lo, e_hi)
    ax.set_xlabel(r"$m_{A'}$ [GeV]")
    ax.set_ylabel(r"$\varepsilon$")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    if output is not None:
        fig.savefig(output, dpi=150)
    return fig
