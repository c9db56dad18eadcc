"""The classic MiniBooNE figure: data over the stacked, νμ-constrained backgrounds.

Needs the ``plot`` extra (matplotlib), imported only when a figure is made.

* E_ν^QE (``variable="enu_qe"``, any release and mode): data with Poisson errors, the
  constrained background (:func:`~nuportal.analysis.miniboone.statistics.excess`) stacked
  by category (2020: the background breakdown scaled bin by bin to the constrained total;
  other releases: one total), its systematic error band, and an optional signal on top;
  events per MeV as in arXiv:2006.16883, Fig. 9.
* E_vis and cos θ (2020 ν mode): projections of the E_vis × cos θ table, data over the
  **unconstrained** background (no public covariance exists for these variables, so no
  band), with an optional signal in the table's binning.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from nuportal.analysis.miniboone.release import (
    BACKGROUND_CATEGORIES,
    PathLike,
    check_release,
    fit_modes,
    load_background_breakdown,
    load_evis_costheta,
)
from nuportal.analysis.miniboone.statistics import excess
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.units import MeV

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["VARIABLES", "plot_miniboone"]

VARIABLES = ("enu_qe", "evis", "cos_theta")

#: display groups of the background categories: label -> (categories, colour)
_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    r"$\nu_e$ from $\mu^\pm$": (
        ("nue_intrinsic_parent_piplus", "nue_intrinsic_parent_piminus"),
        "#9bbb59",
    ),
    r"$\nu_e$ from $K^\pm$": (
        ("nue_intrinsic_parent_Kplus", "nue_intrinsic_parent_Kminus"),
        "#f79646",
    ),
    r"$\nu_e$ from $K^0_L$": (("nue_intrinsic_parent_K0L",), "#c0504d"),
    r"$\pi^0$ mis-ID": (("NCpi0_misid",), "#4f81bd"),
    r"$\Delta\to N\gamma$": (("Delta_Ngamma",), "#8064a2"),
    "dirt": (("dirt",), "#948a54"),
    "other": (("other",), "#a5a5a5"),
}
_MODE_TITLE = {"nu": r"$\nu$ mode", "nubar": r"$\bar\nu$ mode"}


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise NuportalError("plotting needs matplotlib: pip install 'nuportal[plot]'") from None
    return plt


def _finish(fig: Any, axes: Any, output: PathLike | None) -> Any:
    """Legends and a zero floor on every panel; save to ``output`` if given."""
    for ax in axes:
        ax.legend(fontsize=7, frameon=False)
        ax.set_ylim(bottom=0)
    fig.tight_layout()
    if output is not None:
        fig.savefig(output, dpi=110)
    return fig


def _stack(ax: Any, edges: Any, layers: list[tuple[str, Any, str]]) -> Any:
    bottom = np.zeros(len(edges) - 1)
    for label, values, colour in layers:
        ax.stairs(bottom + values, edges, baseline=bottom, fill=True, color=colour, label=label)
        bottom = bottom + values
    return bottom


def _eqe_panel(
    ax: Any, release: str, mode: str, signal: ArrayLike | None, label: str, data_dir: PathLike
) -> None:
    ex = excess(release, mode, data_dir=data_dir)
    edges = ex.edges
    width = np.diff(edges) / MeV
    b_c = ex.constrained_background[0]
    if release == "2020":
        bd = load_background_breakdown(mode, data_dir)
        scale = b_c / np.sum([bd.categories[c] for c in BACKGROUND_CATEGORIES], axis=0)
        layers = [
            (label, scale * np.sum([bd.categories[c] for c in cats], axis=0) / width, colour)
            for label, (cats, colour) in _GROUPS.items()
        ]
    else:
        layers = [("constrained background", b_c / width, "#4f81bd")]
    total = _stack(ax, edges, layers)
    syst = ex.syst[0] / width
    ax.stairs(
        total + syst, edges, baseline=total - syst, fill=False, hatch="////", color="k",
        linewidth=0, label="syst. error",
    )  # fmt: skip
    if signal is not None:
        sig = np.asarray(signal, dtype=float) / width
        ax.stairs(total + sig, edges, baseline=total, fill=True, color="#ffd966", alpha=0.8,
                  label=label)  # fmt: skip
    data = ex.data[0]
    centres = 0.5 * (edges[1:] + edges[:-1])
    ax.errorbar(
        centres, data / width, yerr=np.sqrt(data) / width, xerr=np.diff(edges) / 2,
        fmt="o", color="k", markersize=3, label="data (stat. error)",
    )  # fmt: skip
    r = ex.region()
    ax.set_title(
        f"MiniBooNE {release}, {_MODE_TITLE[mode]}: excess {r['excess']:.1f} ± {r['error']:.1f}"
        " (200–1250 MeV)",
        fontsize=9,
    )
    ax.set_xlim(edges[0], 1.5)
    ax.set_xlabel(r"$E_\nu^{QE}$ [GeV]")
    ax.set_ylabel("events / MeV")


def _table_panel(
    ax: Any, variable: str, signal: ArrayLike | None, label: str, data_dir: PathLike
) -> None:
    table = load_evis_costheta(data_dir)
    axis = 1 if variable == "evis" else 0
    edges = table.evis_edges if variable == "evis" else table.cos_edges
    data, bkg = table.data.sum(axis=axis), table.background.sum(axis=axis)
    ax.stairs(bkg, edges, fill=True, color="#4f81bd", label="background (unconstrained)")
    if signal is not None:
        sig = np.asarray(signal, dtype=float)
        if sig.shape != bkg.shape:
            raise NuportalError(f"a {variable} signal needs {len(bkg)} bins, got {sig.shape}")
        ax.stairs(bkg + sig, edges, baseline=bkg, fill=True, color="#ffd966", label=label)
    centres = 0.5 * (edges[1:] + edges[:-1])
    ax.errorbar(
        centres, data, yerr=np.sqrt(data), xerr=np.diff(edges) / 2, fmt="o", color="k",
        markersize=3, label="data (stat. error)",
    )  # fmt: skip
    ax.set_xlabel(r"$E_{vis}$ [GeV]" if variable == "evis" else r"$\cos\theta$")
    ax.set_ylabel("events / bin")
    ax.set_title("MiniBooNE 2020, ν mode (no public covariance: no error band)", fontsize=9)


def plot_miniboone(
    release: str | int = "2020",
    mode: str = "nu",
    variable: str = "enu_qe",
    signal: ArrayLike | None = None,
    output: str | os.PathLike[str] | None = None,
    data_dir: PathLike = None,
    signal_label: str = "signal",
) -> Figure:
    """Draw the classic MiniBooNE figure and optionally save it (PDF/PNG by extension).

    Parameters
    ----------
    release : {"2020", "2018", "2012"}
    mode : {"nu", "nubar", "combined"}
        ``"combined"`` draws the ν and ν̄ panels side by side (E_QE only).
    variable : {"enu_qe", "evis", "cos_theta"}
        E_vis and cos θ exist for 2020 ν mode only.
    signal : array_like, optional
        Expected signal events per bin (11 per mode for E_QE, ν first; 22 for E_vis; 20 for
        cos θ), drawn on top of the background.
    output : path, optional
        File to write (``.png``, ``.pdf``, ...).
    signal_label : str
        Legend entry of the signal.

    Examples
    --------
    >>> from nuportal.analysis.miniboone import OscillationSignal
    >>> from nuportal.analysis.miniboone.plot import plot_miniboone
    >>> s = OscillationSignal("2020", "nu")(0.0432, 0.807)                  # doctest: +SKIP
    >>> plot_miniboone("2020", "nu", signal=s, output="eqe.png")            # doctest: +SKIP
    """
    if variable not in VARIABLES:
        raise NuportalError(unknown_name_message("plot variable", variable, VARIABLES))
    release = check_release(release)
    modes = fit_modes(mode)
    if variable != "enu_qe" and (release != "2020" or modes != ("nu",)):
        raise NuportalError(f"the {variable} distribution exists for the 2020 ν mode only")
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(modes), figsize=(6.0 * len(modes), 4.2), squeeze=False)
    if variable == "enu_qe":
        sig = None
        if signal is not None:
            sig = np.asarray(signal, dtype=float)
            if sig.size != 11 * len(modes):
                raise NuportalError(f"an E_QE signal needs {11 * len(modes)} bins, got {sig.size}")
            sig = sig.reshape(len(modes), 11)
        for k, m in enumerate(modes):
            panel_signal = None if sig is None else sig[k]
            _eqe_panel(axes[0, k], release, m, panel_signal, signal_label, data_dir)
    else:
        _table_panel(axes[0, 0], variable, signal, signal_label, data_dir)
    return _finish(fig, axes[0], output)
