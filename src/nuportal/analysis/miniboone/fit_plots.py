"""Figures of a MiniBooNE fit scan: Δχ² contours and the best-fit spectra.

Needs the ``plot`` extra (matplotlib), imported only when a figure is made.

* :func:`plot_contours`: the scan plane (log axes for log-spaced axes, masses in GeV), the
  1σ, 2σ and 3σ regions of Δχ² for two parameters (2.30, 6.18, 11.83), the best-fit star,
  and the points where the family has no signal (mass ordering) greyed out.
* :func:`plot_spectra`: the best-fit signal on top of the MiniBooNE background and data in
  E_ν^QE (constrained, stacked backgrounds with the systematic band), E_vis and cos θ (the
  unconstrained background of the public E_vis × cos θ table); in E_vis and cos θ the signal
  is also drawn normalised to the observed excess of that table (dashed), a comparison of
  shapes — those distributions have no public covariance.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from nuportal.analysis.miniboone.fit import SIGMA_LEVELS, FitScan
from nuportal.analysis.miniboone.plot import _eqe_panel, _finish, _pyplot, _table_panel
from nuportal.analysis.miniboone.release import PathLike, load_evis_costheta
from nuportal.errors import NuportalError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_contours", "plot_spectra"]

_REGION_COLOURS = ("#08519c", "#4292c6", "#c6dbef")
_LABELS = {
    "m4": r"$m_4$ [GeV]",
    "m5": r"$m_5$ [GeV]",
    "mzprime": r"$m_{Z'}$ [GeV]",
    "mhprime": r"$m_{h'}$ [GeV]",
    "Umu4sq": r"$|U_{\mu 4}|^2$",
    "mu_tr_mu4": r"$\mu_{tr}$ [GeV$^{-1}$]",
}


def plot_contours(result: FitScan, output: str | os.PathLike[str] | None = None) -> Figure:
    """Δχ² regions at 1, 2, 3σ in the scan plane with the best-fit star; saved to ``output``
    (PDF/PNG by extension) if given."""
    x_axis, y_axis = result.grid.axes
    if min(result.grid.shape) < 2:
        raise NuportalError("contours need at least two values on each scan axis")
    plt = _pyplot()
    delta = result.delta()
    allowed = result.values("allowed") > 0
    fig, ax = plt.subplots(figsize=(5.6, 4.6))
    levels = [0.0, *SIGMA_LEVELS.values()]
    ax.contourf(
        x_axis.array, y_axis.array, delta.T, levels=levels, colors=_REGION_COLOURS, extend="neither"
    )
    ax.contour(x_axis.array, y_axis.array, delta.T, levels=levels[1:], colors="k", linewidths=0.7)
    xx, yy = np.meshgrid(x_axis.array, y_axis.array, indexing="ij")
    ax.scatter(xx[~allowed], yy[~allowed], s=6, color="0.7", marker="s", label="no signal")
    best, res = result.best()
    ax.plot(best[x_axis.name], best[y_axis.name], "*", color="#d62728", markersize=14,
            label=f"best fit: {result.statistic} = {res[result.statistic]:.1f}")  # fmt: skip
    for k, colour in zip(SIGMA_LEVELS, _REGION_COLOURS, strict=True):
        ax.fill_between([], [], color=colour, label=f"{k}σ")
    ax.set_xscale("log" if x_axis.scale == "log" else "linear")
    ax.set_yscale("log" if y_axis.scale == "log" else "linear")
    ax.set_xlabel(_LABELS.get(x_axis.name, x_axis.name))
    ax.set_ylabel(_LABELS.get(y_axis.name, y_axis.name))
    ax.set_title(f"MiniBooNE ν mode, {result.family.name}", fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    if output is not None:
        fig.savefig(output, dpi=110)
    return fig


def plot_spectra(
    point: dict[str, float],
    result: dict[str, Any],
    output: str | os.PathLike[str] | None = None,
    data_dir: PathLike = None,
    release: str = "2020",
) -> Figure:
    """Data, stacked backgrounds and the signal of one fitted point (a :func:`~nuportal.
    analysis.miniboone.fit.fit_point` result) in E_QE, E_vis and cos θ."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(16.0, 4.4))
    label = (
        ", ".join(f"{k} = {v:.3g}" for k, v in point.items()) + f", c = {result['coupling']:.2g}"
    )
    nu_mode = np.asarray(result["enu_qe"])[:11]  # a combined fit lists ν then ν̄
    _eqe_panel(axes[0], release, "nu", nu_mode, label, data_dir)
    table = load_evis_costheta(data_dir)
    for ax, name, axis in ((axes[1], "evis", 1), (axes[2], "cos_theta", 0)):
        signal = np.asarray(result[name])
        _table_panel(ax, name, signal, "signal (fit)", data_dir)
        excess = (table.data - table.background).sum(axis=axis)
        edges = table.evis_edges if name == "evis" else table.cos_edges
        background = table.background.sum(axis=axis)
        if signal.sum() > 0:
            shape = signal * excess.sum() / signal.sum()
            ax.stairs(background + shape, edges, color="#d62728", linestyle="--",
                      label="signal shape, normalised to the excess")  # fmt: skip
    return _finish(fig, axes, output)
