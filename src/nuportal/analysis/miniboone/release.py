"""Loaders for the MiniBooNE νe / ν̄e appearance data releases and companion tables.

Every file lives in ``miniboone/`` of the data directory (its README lists each file, its unit
and check totals) and is read through :func:`nuportal.datadir.data_file`, so a missing file
raises :class:`~nuportal.errors.DataFileNotFoundError` naming it.

Releases
--------
``"2020"``
    PRD 103, 052002 (2021), arXiv:2006.16883: ν mode 18.75e20 POT, ν̄ mode 11.27e20 POT.
``"2018"``
    PRL 121, 221801 (2018), arXiv:1805.12028: ν mode 12.84e20 POT; the ν̄-mode inputs are
    those of 2020 (identical files).
``"2012"``
    PRL 110, 161801 (2013), arXiv:1303.2588: ν mode 6.46e20 POT, ν̄ mode 11.27e20 POT. Its
    ninth and tenth E_ν^QE bins are 1100–1300–1500 MeV (not 1100–1250–1500); there is no
    combined 60×60 covariance and no official likelihood surface in the data directory.

Units
-----
The release files give reconstructed energies in MeV; every object returned here holds
energies in **GeV** (the nuportal convention), converted once, in this module, by
:data:`nuportal.units.MeV`. Lengths are in cm, event counts per bin (not per MeV).

Modes and fits
--------------
A *mode* is ``"nu"`` (neutrino mode, FHC) or ``"nubar"`` (antineutrino mode, RHC). A *fit*
is a mode or ``"combined"`` (ν + ν̄, blocks ordered ν then ν̄).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.datadir import data_file
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.units import MeV

__all__ = [
    "BACKGROUND_CATEGORIES",
    "FITS",
    "LEE_BINS",
    "MODES",
    "POT",
    "RELEASES",
    "BackgroundBreakdown",
    "EvisCosThetaTable",
    "FractionalCovariance",
    "LikelihoodSurface",
    "NueSample",
    "NumuSample",
    "OscillationNtuple",
    "Release",
    "SingleShowerEfficiency",
    "check_fit",
    "check_release",
    "fit_modes",
    "load_background_breakdown",
    "load_data_events",
    "load_evis_costheta",
    "load_fractional_covariance",
    "load_likelihood_surface",
    "load_ntuple",
    "load_release",
    "load_single_shower_efficiency",
    "read_release_table",
]

FloatArray = NDArray[np.float64]
PathLike = str | os.PathLike[str] | None

RELEASES: tuple[str, ...] = ("2012", "2018", "2020")
MODES: tuple[str, ...] = ("nu", "nubar")
FITS: tuple[str, ...] = ("nu", "nubar", "combined")
#: Protons on target of each release and mode.
POT: dict[str, dict[str, float]] = {
    "2020": {"nu": 18.75e20, "nubar": 11.27e20},
    "2018": {"nu": 12.84e20, "nubar": 11.27e20},
    "2012": {"nu": 6.46e20, "nubar": 11.27e20},
}
#: The low-energy-excess region is the first 9 E_QE bins: 200–1250 MeV (2012: 200–1300 MeV).
LEE_BINS = 9
N_NUE_BINS = 11
N_NUMU_BINS = 8

_D = "miniboone/release_"
_FILES: dict[str, dict[str, str]] = {
    "2020": {
        "nue_nu": f"{_D}2020/nue_numode.txt",
        "nue_nubar": f"{_D}2020/nue_nubarmode.txt",
        "numu_nu": f"{_D}2020/numu_ccqe_numode.txt",
        "numu_nubar": f"{_D}2020/numubar_ccqe_nubarmode.txt",
        "cov_nu": f"{_D}2020/fractcov_numode_30x30.txt",
        "cov_nubar": f"{_D}2020/fractcov_nubarmode_30x30.txt",
        "cov_combined": f"{_D}2020/fractcov_combined_60x60.txt",
        "ntuple_nu": f"{_D}2020/fullosc_ntuple_numode.txt",
        "ntuple_nubar": f"{_D}2020/fullosc_ntuple_nubarmode_standalone.txt",
        "ntuple_nubar_combined": f"{_D}2020/fullosc_ntuple_nubarmode_combinedfit.txt",
        "surface_nu": f"{_D}2020/likelihood_surface_numode.txt",
        "surface_combined": f"{_D}2020/likelihood_surface_combined.txt",
    },
    "2018": {
        "nue_nu": f"{_D}2018/nue_numode.txt",
        "nue_nubar": f"{_D}2020/nue_nubarmode.txt",
        "numu_nu": f"{_D}2018/numu_ccqe_numode.txt",
        "numu_nubar": f"{_D}2020/numubar_ccqe_nubarmode.txt",
        "cov_nu": f"{_D}2018/fractcov_numode_30x30.txt",
        "cov_nubar": f"{_D}2020/fractcov_nubarmode_30x30.txt",
        "cov_combined": f"{_D}2018/fractcov_combined_60x60.txt",
        "ntuple_nu": f"{_D}2018/fullosc_ntuple_numode.txt",
        "ntuple_nubar": f"{_D}2020/fullosc_ntuple_nubarmode_standalone.txt",
        "ntuple_nubar_combined": f"{_D}2020/fullosc_ntuple_nubarmode_combinedfit.txt",
        "surface_nu": f"{_D}2018/likelihood_surface_numode.txt",
        "surface_combined": f"{_D}2018/likelihood_surface_combined.txt",
    },
    "2012": {
        "nue_nu": f"{_D}2012/nue_numode.txt",
        "nue_nubar": f"{_D}2012/nue_nubarmode.txt",
        "numu_nu": f"{_D}2012/numu_ccqe_numode.txt",
        "numu_nubar": f"{_D}2012/numubar_ccqe_nubarmode.txt",
        "cov_nu": f"{_D}2012/fractcov_numode_30x30.txt",
        "cov_nubar": f"{_D}2012/fractcov_nubarmode_30x30.txt",
        "ntuple_nu": f"{_D}2012/fullosc_ntuple_numode.txt",
        "ntuple_nubar": f"{_D}2020/fullosc_ntuple_nubarmode_standalone.txt",
    },
}


def check_release(release: str | int) -> str:
    """Return the release name as a string, or raise for an unknown one."""
    name = str(release)
    if name not in RELEASES:
        raise NuportalError(unknown_name_message("MiniBooNE release", name, RELEASES))
    return name


def check_fit(fit: str) -> str:
    """Return ``fit`` if it is ``"nu"``, ``"nubar"`` or ``"combined"``, else raise."""
    if fit not in FITS:
        raise NuportalError(unknown_name_message("MiniBooNE mode", str(fit), FITS))
    return fit


def fit_modes(fit: str) -> tuple[str, ...]:
    """The modes of a fit in block order: ``("nu",)``, ``("nubar",)`` or ``("nu", "nubar")``."""
    return MODES if check_fit(fit) == "combined" else (fit,)


def _relative(release: str, key: str, what: str) -> str:
    files = _FILES[check_release(release)]
    if key not in files:
        raise NuportalError(f"the MiniBooNE {release} release has no {what} in the data directory")
    return files[key]


@lru_cache(maxsize=64)
def _numeric(path: str) -> tuple[tuple[str, ...], FloatArray]:
    """Header and numbers of a data-directory table (cached: the files are read-only)."""
    with Path(path).open() as fh:
        lines = [line for line in fh if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise NuportalError(f"the data file {path!r} has no header line")
    values = np.loadtxt(lines[1:], dtype=np.float64, ndmin=2)
    values.setflags(write=False)
    return tuple(lines[0].split()), values


def read_release_table(
    relative: str, data_dir: PathLike = None
) -> tuple[tuple[str, ...], FloatArray]:
    """Column names and numbers (read-only, cached) of a data-directory table."""
    return _numeric(str(data_file(relative, data_dir)))


def _frozen(values: ArrayLike) -> FloatArray:
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array


def _edges(lo: FloatArray, hi: FloatArray, scale: float) -> FloatArray:
    if not np.allclose(lo[1:], hi[:-1]):
        raise NuportalError("the bins of a MiniBooNE release table are not contiguous")
    return _frozen(np.append(lo, hi[-1]) * scale)


@dataclass(frozen=True)
class NueSample:
    """The νe (ν̄e) CCQE-like sample of one mode: observed events and unconstrained background.

    Attributes
    ----------
    release, mode : str
        Release (``"2020"``, ...) and mode (``"nu"``, ``"nubar"``).
    pot : float
        Exposure [POT].
    edges : ndarray, shape (12,)
        Reconstructed E_ν^QE bin edges [GeV].
    data : ndarray, shape (11,)
        Observed events per bin.
    background : ndarray, shape (11,)
        Predicted background per bin [events], **unconstrained** by the νμ CCQE sample (the
        constraint enters through the covariance matrix, arXiv:2006.16883 Sec. VI).
    """

    release: str
    mode: str
    pot: float
    edges: FloatArray
    data: FloatArray
    background: FloatArray

    @property
    def n_bins(self) -> int:
        """Number of E_QE bins (11)."""
        return len(self.data)

    @property
    def widths(self) -> FloatArray:
        """Bin widths [GeV]."""
        return np.diff(self.edges)

    @property
    def centers(self) -> FloatArray:
        """Bin centres [GeV]."""
        return 0.5 * (self.edges[1:] + self.edges[:-1])

    @property
    def lee_bins(self) -> slice:
        """The low-energy-excess bins: 200–1250 MeV (2012: 200–1300 MeV)."""
        return slice(0, LEE_BINS)


@dataclass(frozen=True)
class NumuSample:
    """The νμ (ν̄μ) CCQE constraint sample of one mode.

    Attributes
    ----------
    edges : ndarray, shape (9,)
        Reconstructed E_ν^QE bin edges [GeV] (0, 0.5, 0.7, ..., 1.9).
    data, prediction : ndarray, shape (8,)
        Observed events and MC prediction (no oscillation) per bin.
    """

    release: str
    mode: str
    edges: FloatArray
    data: FloatArray
    prediction: FloatArray


@dataclass(frozen=True)
class Release:
    """The νe and νμ samples of one release, for both modes.

    Use :func:`load_release` to build it; covariances, ntuples and likelihood surfaces are
    loaded separately (:func:`load_fractional_covariance`, :func:`load_ntuple`,
    :func:`load_likelihood_surface`) because not every use needs them.
    """

    name: str
    nue: Mapping[str, NueSample]
    numu: Mapping[str, NumuSample]

    @property
    def edges(self) -> FloatArray:
        """E_QE bin edges of the νe samples [GeV] (the same in both modes)."""
        return self.nue["nu"].edges


def load_release(release: str | int = "2020", data_dir: PathLike = None) -> Release:
    """Load the observed events, backgrounds and νμ constraint samples of a release.

    Parameters
    ----------
    release : {"2020", "2018", "2012"}
    data_dir : path, optional
        Data directory (default: ``$NUPORTAL_DATA`` or the user configuration).

    Examples
    --------
    >>> rel = load_release("2020")                     # doctest: +SKIP
    >>> rel.nue["nu"].data.sum(), rel.nue["nu"].edges[:3]   # doctest: +SKIP
    (3202.0, array([0.2  , 0.3  , 0.375]))
    """
    name = check_release(release)
    nue: dict[str, NueSample] = {}
    numu: dict[str, NumuSample] = {}
    for mode in MODES:
        _, t = read_release_table(_relative(name, f"nue_{mode}", "νe sample"), data_dir)
        if t.shape != (N_NUE_BINS, 4):
            raise NuportalError(f"the MiniBooNE {name} {mode} νe table must have 11 rows")
        nue[mode] = NueSample(
            name, mode, POT[name][mode], _edges(t[:, 0], t[:, 1], MeV), _frozen(t[:, 2]),
            _frozen(t[:, 3]),
        )  # fmt: skip
        _, u = read_release_table(_relative(name, f"numu_{mode}", "νμ sample"), data_dir)
        if u.shape != (N_NUMU_BINS, 4):
            raise NuportalError(f"the MiniBooNE {name} {mode} νμ table must have 8 rows")
        numu[mode] = NumuSample(
            name, mode, _edges(u[:, 0], u[:, 1], MeV), _frozen(u[:, 2]), _frozen(u[:, 3])
        )
    return Release(name, nue, numu)


@dataclass(frozen=True)
class FractionalCovariance:
    """A fractional covariance matrix F of the release (dimensionless).

    The absolute covariance of a prediction vector P is ``M_ij = F_ij P_i P_j``. The vector
    is, per mode, ``[νe signal (11), νe background (11), νμ (8)]``; a combined matrix
    (60×60) stacks the ν-mode then the ν̄-mode blocks.

    Attributes
    ----------
    fit : {"nu", "nubar", "combined"}
    matrix : ndarray, shape (30, 30) or (60, 60)
    labels : tuple of str
        Column labels of the file (``sig_nue_01``, ``bkg_nue_01``, ``numu_01``, ...).
    """

    release: str
    fit: str
    matrix: FloatArray
    labels: tuple[str, ...]

    @property
    def modes(self) -> tuple[str, ...]:
        """Modes in block order."""
        return fit_modes(self.fit)

    def mode_block(self, mode: str) -> FloatArray:
        """The 30×30 sub-matrix of one mode (the diagonal block of a combined matrix)."""
        k = self.modes.index(mode)
        block = slice(30 * k, 30 * (k + 1))
        return self.matrix[block, block]


def load_fractional_covariance(
    release: str | int = "2020", fit: str = "combined", data_dir: PathLike = None
) -> FractionalCovariance:
    """Load the fractional covariance of a fit (``"nu"``, ``"nubar"`` or ``"combined"``).

    The combined 60×60 matrix exists for 2018 and 2020 only.
    """
    name = check_release(release)
    check_fit(fit)
    size = 30 * len(fit_modes(fit))
    labels, matrix = read_release_table(
        _relative(name, f"cov_{fit}", f"{fit} covariance"), data_dir
    )
    if matrix.shape != (size, size) or len(labels) != size:
        raise NuportalError(
            f"the MiniBooNE {name} {fit} fractional covariance must be {size}×{size}, "
            f"found {matrix.shape}"
        )
    return FractionalCovariance(name, fit, matrix, labels)


@dataclass(frozen=True)
class OscillationNtuple:
    """Fully oscillated νμ → νe Monte Carlo (100 % transmutation) of one mode.

    The expected signal in a reconstructed-energy bin is
    ``S_i = Σ_{events in bin i} w P(L, E_true) / n_rows`` (the weights include the POT).

    Attributes
    ----------
    e_reco : ndarray
        Reconstructed E_ν^QE [GeV] (failed reconstructions are negative or out of range).
    e_true : ndarray
        True neutrino energy [GeV].
    length : ndarray
        Flight distance from the neutrino's production point [cm].
    weight : ndarray
        Event weight [events]; mean(weight) is the number of selected events for full
        transmutation at the release's POT.
    """

    release: str
    mode: str
    fit: str
    e_reco: FloatArray
    e_true: FloatArray
    length: FloatArray
    weight: FloatArray
    n_rows: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_rows", len(self.weight))


def load_ntuple(
    release: str | int = "2020", mode: str = "nu", fit: str | None = None, data_dir: PathLike = None
) -> OscillationNtuple:
    """Load the fully oscillated ntuple of ``mode``.

    Parameters
    ----------
    fit : {"nu", "nubar", "combined"}, optional
        The fit the ntuple is used in (default: the mode itself). The ν̄-mode ntuple of the
        **combined** 2018/2020 fit (``fullosc_ntuple_nubarmode_combinedfit.txt``, 117 949
        events including wrong-sign ν) differs from the ν̄-only one (86 403 events).
    """
    name = check_release(release)
    if mode not in MODES:
        raise NuportalError(unknown_name_message("MiniBooNE mode", str(mode), MODES))
    fit = check_fit(fit or mode)
    key = "ntuple_nubar_combined" if (mode == "nubar" and fit == "combined") else f"ntuple_{mode}"
    _, t = read_release_table(_relative(name, key, f"{mode} ntuple for the {fit} fit"), data_dir)
    return OscillationNtuple(
        name, mode, fit, _frozen(t[:, 0] * MeV), _frozen(t[:, 1] * MeV), _frozen(t[:, 2]),
        _frozen(t[:, 3]),
    )  # fmt: skip


@dataclass(frozen=True)
class LikelihoodSurface:
    """Official −2 ln L of the two-neutrino νμ → νe fit on a (Δm², sin²2θ) grid.

    Attributes
    ----------
    dm2 : ndarray, shape (n,)
        Δm² grid [eV²] (increasing, logarithmic).
    sin2_2theta : ndarray, shape (m,)
        sin²2θ grid (increasing, logarithmic).
    m2lnl : ndarray, shape (n, m)
        −2 ln L = χ² + ln det C, indexed ``[i_dm2, j_sin2_2theta]``.
    """

    release: str
    fit: str
    dm2: FloatArray
    sin2_2theta: FloatArray
    m2lnl: FloatArray

    def minimum(self) -> tuple[float, float, float]:
        """``(min −2 ln L, Δm² [eV²], sin²2θ)`` at the grid minimum."""
        i, j = np.unravel_index(np.argmin(self.m2lnl), self.m2lnl.shape)
        return float(self.m2lnl[i, j]), float(self.dm2[i]), float(self.sin2_2theta[j])


def load_likelihood_surface(
    release: str | int = "2020", fit: str = "combined", data_dir: PathLike = None
) -> LikelihoodSurface:
    """Load the official likelihood surface (2018/2020; fits ``"nu"`` and ``"combined"``).

    The file lists (Δm², sin²2θ, −2 ln L) rows; they are put on the grid of the unique values
    (the row order of the file does not matter).
    """
    name = check_release(release)
    check_fit(fit)
    _, t = read_release_table(
        _relative(name, f"surface_{fit}", f"{fit} likelihood surface"), data_dir
    )
    dm2, i = np.unique(t[:, 0], return_inverse=True)
    s2, j = np.unique(t[:, 1], return_inverse=True)
    grid = np.full((len(dm2), len(s2)), np.nan)
    grid[i, j] = t[:, 2]
    if np.isnan(grid).any():
        raise NuportalError(f"the MiniBooNE {name} {fit} likelihood surface is not a full grid")
    return LikelihoodSurface(name, fit, _frozen(dm2), _frozen(s2), _frozen(grid))


#: background categories of the 2020 breakdown files, in file order
BACKGROUND_CATEGORIES: tuple[str, ...] = (
    "nue_intrinsic_parent_piplus",
    "nue_intrinsic_parent_piminus",
    "nue_intrinsic_parent_K0L",
    "nue_intrinsic_parent_Kplus",
    "nue_intrinsic_parent_Kminus",
    "dirt",
    "NCpi0_misid",
    "Delta_Ngamma",
    "other",
)


@dataclass(frozen=True)
class BackgroundBreakdown:
    """The 2020 unconstrained νe background per E_QE bin and category (events per bin).

    From the MiniBooNE fitter log of A. Hourlier's public repository (4 significant
    digits; **not an official release file**). ``categories`` maps each name of
    :data:`BACKGROUND_CATEGORIES` to its 11 bin contents; their sum equals ``total``
    within rounding.
    """

    mode: str
    edges: FloatArray
    total: FloatArray
    categories: Mapping[str, FloatArray]


def load_background_breakdown(mode: str = "nu", data_dir: PathLike = None) -> BackgroundBreakdown:
    """Load the 2020 background breakdown by category for ``mode`` (``"nu"``/``"nubar"``)."""
    if mode not in MODES:
        raise NuportalError(unknown_name_message("MiniBooNE mode", str(mode), MODES))
    rel = f"miniboone/bkg_breakdown_2020/nue_{mode}mode_by_category.txt"
    header, t = read_release_table(rel, data_dir)
    cats = {name: _frozen(t[:, header.index(name)]) for name in BACKGROUND_CATEGORIES}
    return BackgroundBreakdown(mode, _edges(t[:, 0], t[:, 1], MeV), _frozen(t[:, 2]), cats)


@dataclass(frozen=True)
class EvisCosThetaTable:
    """2020 ν-mode events in visible energy × cos θ (observed and unconstrained background).

    Attributes
    ----------
    evis_edges : ndarray, shape (23,)
        E_vis edges [GeV] (0.15–1.25 in 50 MeV steps).
    cos_edges : ndarray, shape (21,)
        cos θ edges (−1 to 1 in 0.1 steps), θ with respect to the beam.
    data, background : ndarray, shape (22, 20)
        Events per 2D bin, indexed ``[i_evis, j_cos]``.

    Notes
    -----
    The arrays behind the E_vis–cos θ figures of arXiv:2006.16883 (from a collaborator's
    plotting macro, not an official release file); no covariance exists for them.
    """

    evis_edges: FloatArray
    cos_edges: FloatArray
    data: FloatArray
    background: FloatArray


def load_evis_costheta(data_dir: PathLike = None) -> EvisCosThetaTable:
    """Load the 2020 ν-mode E_vis × cos θ table."""
    _, t = read_release_table("miniboone/evis_costheta_2020/evis_costheta_numode.txt", data_dir)
    e_lo, ei = np.unique(t[:, 0], return_inverse=True)
    c_lo, ci = np.unique(t[:, 2], return_inverse=True)
    shape = (len(e_lo), len(c_lo))
    data = np.zeros(shape)
    bkg = np.zeros(shape)
    data[ei, ci] = t[:, 4]
    bkg[ei, ci] = t[:, 5]
    evis_edges = np.append(e_lo, t[:, 1].max()) * MeV
    cos_edges = np.append(c_lo, t[:, 3].max())
    return EvisCosThetaTable(_frozen(evis_edges), _frozen(cos_edges), _frozen(data), _frozen(bkg))


@dataclass(frozen=True)
class SingleShowerEfficiency:
    """Efficiency of a single e or γ to pass the νe CCQE-like selection vs its true energy.

    Official table of the 2012 data release (used by arXiv:2308.02543). It **already
    includes the fiducial-volume fraction**: apply it to showers generated anywhere in the
    tank, not on top of a fiducial-volume cut (see :mod:`nuportal.analysis.miniboone.response`).

    Attributes
    ----------
    energy : ndarray
        Generated e/γ energy [GeV] (bin centres, 0.05–2.0).
    efficiency, syst : ndarray
        Efficiency and its absolute systematic error.
    """

    energy: FloatArray
    efficiency: FloatArray
    syst: FloatArray

    def __call__(self, energy: ArrayLike) -> FloatArray:
        """Efficiency at ``energy`` [GeV]: linear interpolation, 0 outside the table."""
        e = np.asarray(energy, dtype=np.float64)
        return np.interp(e, self.energy, self.efficiency, left=0.0, right=0.0)


def load_single_shower_efficiency(data_dir: PathLike = None) -> SingleShowerEfficiency:
    """Load the official single e/γ selection efficiency table."""
    _, t = read_release_table("miniboone/efficiency/single_electron_gamma_efficiency.txt", data_dir)
    return SingleShowerEfficiency(_frozen(t[:, 0] * MeV), _frozen(t[:, 1]), _frozen(t[:, 2]))


def load_data_events(mode: str = "nu", data_dir: PathLike = None) -> FloatArray:
    """Reconstructed E_ν^QE [GeV] of every 2020 νe-candidate data event of ``mode``.

    Histogramming them with the release binning reproduces the release data exactly; use
    them to re-bin the data (no background exists at finer binning).
    """
    if mode not in MODES:
        raise NuportalError(unknown_name_message("MiniBooNE mode", str(mode), MODES))
    _, t = read_release_table(
        f"miniboone/event_lists_2020/nue_data_events_{mode}mode.txt", data_dir
    )
    return _frozen(t[:, 0])
