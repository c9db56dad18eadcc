"""Neutrino fluxes: histograms per flavour, and loaders for every flux file of the data directory.

A :class:`Flux` holds, for each neutrino flavour it contains, a histogram: bin edges in GeV
and a flux *density* in ν / cm² / GeV / POT, constant inside each bin (the density is the
tabulated bin content divided by the bin width). This is the only flux unit inside nuportal;
every loader converts its file to it exactly, once, at load time.

Flavours are PDG Monte Carlo numbers (12, -12, 14, -14, 16, -16); every method also accepts
the names ``"nue"``, ``"nuebar"``, ``"numu"``, ``"numubar"``, ``"nutau"``, ``"nutaubar"``.

The flux files (``fluxes/`` of the data directory, described in its README) and their units:

=================================  ============================================================
key                                file and conversion to ν / cm² / GeV / POT
=================================  ============================================================
``bnb_miniboone_numode``           ``bnb_miniboone_numode.txt``: ν/cm²/POT per 50 MeV bin,
                                   divided by the bin width
``bnb_miniboone_nubarmode``        ``bnb_miniboone_nubarmode.txt``: as above
``bnb_microboone_numode``          ``bnb_microboone_numode.txt``: as above
``numi_minerva_le_fhc``/``_rhc``   ``numi_minerva_le_{fhc,rhc}.txt``: ν/m²/POT per 0.5 GeV bin,
                                   × 1e-4 (m² → cm²) / bin width
``nova_nd_fhc``/``_rhc``           ``numi_nova_nd_2017.txt`` (long format, one horn mode each):
                                   ν/m²/1e6 POT per (variable) bin, × 1e-4 × 1e-6 / bin width
``dune_nd_fhc``, ``dune_nd_rhc``,  ``dune_{nd,fd}_{fhc,rhc}_globes.txt``: bin *centres*, 0.25 GeV
``dune_fd_fhc``, ``dune_fd_rhc``   bins, already per GeV: ν/m²/POT/GeV × 1e-4
``t2k_nd280_plus250ka``,           ``t2k_nd280_2016_{plus,minus}250kA.txt``: ν/cm²/1e21 POT per
``t2k_nd280_minus250ka``           50 MeV, also for the 1 GeV wide bins above 10 GeV (the values
                                   are densities per 50 MeV), so × 1e-21 / 0.05 GeV for every bin
=================================  ============================================================

Columns that are identically zero in a file (the ν_τ columns of the DUNE GLoBES files) are
left out: such a flavour is not "present" in the flux.

Examples
--------
>>> from nuportal.experiments import load_flux
>>> flux = load_flux("bnb_miniboone_numode")            # doctest: +SKIP
>>> flux.integral("numu")                               # doctest: +SKIP
5.1936e-10
>>> flux.integral(14, emin=0.2, emax=1.25)              # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.datadir import data_file, read_table
from nuportal.errors import NuportalError, unknown_name_message

__all__ = [
    "FLAVOUR_NAMES",
    "FLAVOUR_PDG",
    "FLUX_FILES",
    "Flux",
    "flavour_pdg",
    "list_fluxes",
    "load_flux",
]

#: flavour name -> PDG Monte Carlo number
FLAVOUR_PDG: dict[str, int] = {
    "nue": 12,
    "nuebar": -12,
    "numu": 14,
    "numubar": -14,
    "nutau": 16,
    "nutaubar": -16,
}
#: PDG Monte Carlo number -> flavour name
FLAVOUR_NAMES: dict[int, str] = {pdg: name for name, pdg in FLAVOUR_PDG.items()}

FloatArray = NDArray[np.float64]
_Hist = tuple[ArrayLike, ArrayLike]
#: ``{flavour: (edges, values)}`` with flavours given by PDG number or name
HistogramMap = Mapping[int, _Hist] | Mapping[str, _Hist] | Mapping[int | str, _Hist]


def flavour_pdg(flavour: int | str) -> int:
    """Return the PDG number of a neutrino flavour given by PDG number or by name.

    Parameters
    ----------
    flavour : int or str
        One of 12, -12, 14, -14, 16, -16 or "nue", "nuebar", "numu", "numubar", "nutau",
        "nutaubar".

    Raises
    ------
    NuportalError
        If ``flavour`` is not a neutrino flavour.
    """
    if isinstance(flavour, str):
        key = flavour.strip().lower()
        if key not in FLAVOUR_PDG:
            raise NuportalError(unknown_name_message("neutrino flavour", flavour, FLAVOUR_PDG))
        return FLAVOUR_PDG[key]
    is_int = isinstance(flavour, (int, np.integer)) and not isinstance(flavour, bool)
    if is_int and int(flavour) in FLAVOUR_NAMES:
        return int(flavour)
    raise NuportalError(
        f"unknown neutrino flavour {flavour!r}; allowed: PDG numbers 12, -12, 14, -14, 16, -16 "
        f"or the names {', '.join(FLAVOUR_PDG)}"
    )


def _frozen(array: ArrayLike) -> FloatArray:
    out = np.array(array, dtype=np.float64)
    out.setflags(write=False)
    return out


class Flux:
    """A neutrino flux: one histogram per flavour, in ν / cm² / GeV / POT.

    The flux density is piecewise constant: inside bin ``i`` (``edges[i] <= E < edges[i+1]``)
    it is ``density[i]``; outside the tabulated range it is zero. Integrals over energy are
    therefore exact sums of (partial) bin contents, and sampling is exact inverse-CDF sampling
    of the histogram (uniform inside each bin).

    Instances are immutable: the arrays are read-only and the attributes cannot be reassigned.
    Operations such as :meth:`scaled` return new objects.

    Parameters
    ----------
    name : str
        Short identifier (e.g. the loader key ``"bnb_miniboone_numode"``).
    histograms : mapping
        ``{flavour: (edges, density)}`` with ``flavour`` a PDG number or name, ``edges`` the
        strictly increasing bin edges in GeV (length ``n + 1``) and ``density`` the flux
        density in ν / cm² / GeV / POT (length ``n``, finite, non-negative).
    description : str, optional
        Where the numbers come from and how they were converted.
    is_approximate : bool, optional
        True for a flux that is not an official table (e.g. a parametrisation or a 1/r²
        rescaling to another detector).

    Raises
    ------
    NuportalError
        If a histogram is malformed (non-increasing edges, wrong lengths, negative or
        non-finite density) or no histogram is given.
    """

    __slots__ = ("_cumulative", "_density", "_edges", "description", "is_approximate", "name")

    name: str
    description: str
    is_approximate: bool
    _edges: dict[int, FloatArray]
    _density: dict[int, FloatArray]
    _cumulative: dict[int, FloatArray]

    def __init__(
        self,
        name: str,
        histograms: HistogramMap,
        *,
        description: str = "",
        is_approximate: bool = False,
    ) -> None:
        if not histograms:
            raise NuportalError(f"flux {name!r}: at least one flavour histogram is needed")
        edges: dict[int, FloatArray] = {}
        density: dict[int, FloatArray] = {}
        cumulative: dict[int, FloatArray] = {}
        items: list[tuple[int | str, _Hist]] = list(histograms.items())
        for key, (e, d) in items:
            pdg = flavour_pdg(key)
            if pdg in edges:
                raise NuportalError(f"flux {name!r}: flavour {FLAVOUR_NAMES[pdg]} given twice")
            e_arr = np.asarray(e, dtype=np.float64)
            d_arr = np.asarray(d, dtype=np.float64)
            label = f"flux {name!r}, flavour {FLAVOUR_NAMES[pdg]}"
            if e_arr.ndim != 1 or e_arr.size < 2:
                raise NuportalError(f"{label}: the bin edges must be a 1-D array of length >= 2")
            if d_arr.shape != (e_arr.size - 1,):
                raise NuportalError(
                    f"{label}: {d_arr.size} density values for {e_arr.size - 1} bins"
                )
            if not np.all(np.isfinite(e_arr)) or np.any(np.diff(e_arr) <= 0):
                raise NuportalError(f"{label}: the bin edges must be finite and increasing")
            if not np.all(np.isfinite(d_arr)) or np.any(d_arr < 0):
                raise NuportalError(f"{label}: the density must be finite and non-negative")
            edges[pdg] = _frozen(e_arr)
            density[pdg] = _frozen(d_arr)
            cumulative[pdg] = _frozen(np.concatenate(([0.0], np.cumsum(d_arr * np.diff(e_arr)))))
        object.__setattr__(self, "name", str(name))
        object.__setattr__(self, "description", str(description))
        object.__setattr__(self, "is_approximate", bool(is_approximate))
        object.__setattr__(self, "_edges", edges)
        object.__setattr__(self, "_density", density)
        object.__setattr__(self, "_cumulative", cumulative)

    @classmethod
    def from_bin_contents(
        cls,
        name: str,
        histograms: HistogramMap,
        *,
        description: str = "",
        is_approximate: bool = False,
    ) -> Flux:
        """Build a flux from bin *contents* (ν / cm² / POT per bin) instead of densities.

        Each content is divided by its bin width (GeV) to give the density.
        """
        converted: dict[int | str, _Hist] = {}
        items: list[tuple[int | str, _Hist]] = list(histograms.items())
        for key, (e, c) in items:
            e_arr = np.asarray(e, dtype=np.float64)
            converted[key] = (e_arr, np.asarray(c, dtype=np.float64) / np.diff(e_arr))
        return cls(name, converted, description=description, is_approximate=is_approximate)

    # --- immutability -----------------------------------------------------------------------
    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"Flux is immutable; cannot set {key!r}")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"Flux is immutable; cannot delete {key!r}")

    def __repr__(self) -> str:
        names = ", ".join(FLAVOUR_NAMES[f] for f in self.flavours)
        approx = ", approximate" if self.is_approximate else ""
        return f"Flux({self.name!r}: {names}{approx})"

    # --- access -----------------------------------------------------------------------------
    @property
    def flavours(self) -> tuple[int, ...]:
        """PDG numbers of the flavours present, in the order they were given."""
        return tuple(self._edges)

    def _pdg(self, flavour: int | str) -> int:
        pdg = flavour_pdg(flavour)
        if pdg not in self._edges:
            present = ", ".join(FLAVOUR_NAMES[f] for f in self.flavours)
            raise NuportalError(
                f"flux {self.name!r} has no {FLAVOUR_NAMES[pdg]} ({pdg}) component; "
                f"present: {present}"
            )
        return pdg

    def edges(self, flavour: int | str) -> FloatArray:
        """Bin edges in GeV (read-only array of length ``n + 1``)."""
        return self._edges[self._pdg(flavour)]

    def bin_densities(self, flavour: int | str) -> FloatArray:
        """Flux density per bin in ν / cm² / GeV / POT (read-only array of length ``n``)."""
        return self._density[self._pdg(flavour)]

    def bin_contents(self, flavour: int | str) -> FloatArray:
        """Flux integrated over each bin, in ν / cm² / POT (array of length ``n``)."""
        pdg = self._pdg(flavour)
        return self._density[pdg] * np.diff(self._edges[pdg])

    def density(self, flavour: int | str, energy: ArrayLike) -> FloatArray:
        """Flux density dΦ/dE in ν / cm² / GeV / POT at ``energy`` (GeV), vectorised.

        Piecewise constant: the value of the bin containing ``energy`` (bins are closed on the
        left, open on the right); zero below the first edge and at or above the last edge.
        """
        pdg = self._pdg(flavour)
        e = np.asarray(energy, dtype=np.float64)
        out = np.empty(e.shape)
        _bin_values(self._edges[pdg], self._density[pdg], e.ravel(), out.reshape(-1))
        return out

    def cumulative(self, flavour: int | str, energy: ArrayLike) -> FloatArray:
        """Integrated flux Φ(E' < energy) in ν / cm² / POT, exact and vectorised.

        The histogram's cumulative integral is piecewise linear between the bin edges, so linear
        interpolation of the cumulative sums at the edges is exact.
        """
        pdg = self._pdg(flavour)
        e = np.asarray(energy, dtype=np.float64)
        return np.asarray(np.interp(e, self._edges[pdg], self._cumulative[pdg]), dtype=np.float64)

    def integral(
        self,
        flavour: int | str,
        emin: float | None = None,
        emax: float | None = None,
    ) -> float:
        """Integrated flux between ``emin`` and ``emax`` (GeV), in ν / cm² / POT.

        Exact for the histogram: bins cut by ``emin`` or ``emax`` contribute the fraction of
        their width inside the range. ``None`` means the end of the table.

        Raises
        ------
        NuportalError
            If ``emin > emax``.
        """
        pdg = self._pdg(flavour)
        edges, cum = self._edges[pdg], self._cumulative[pdg]
        lo = edges[0] if emin is None else float(emin)
        hi = edges[-1] if emax is None else float(emax)
        if lo > hi:
            raise NuportalError(f"integral: emin = {lo} GeV is larger than emax = {hi} GeV")
        if emin is None and emax is None:
            return float(cum[-1])
        return float(np.interp(hi, edges, cum) - np.interp(lo, edges, cum))

    def total(self, flavour: int | str) -> float:
        """Integrated flux over the whole table, in ν / cm² / POT."""
        return self.integral(flavour)

    def mean_energy(self, flavour: int | str) -> float:
        """Flux-averaged neutrino energy in GeV (exact for the histogram)."""
        pdg = self._pdg(flavour)
        edges, dens = self._edges[pdg], self._density[pdg]
        total = self._cumulative[pdg][-1]
        if total <= 0:
            raise NuportalError(f"flux {self.name!r}: the {FLAVOUR_NAMES[pdg]} flux is zero")
        return float(np.sum(dens * 0.5 * (edges[1:] ** 2 - edges[:-1] ** 2)) / total)

    def energy_range(self, flavour: int | str) -> tuple[float, float]:
        """Range ``(emin, emax)`` in GeV outside which the flux of ``flavour`` vanishes.

        The lower edge of the first and the upper edge of the last bin with non-zero content
        (the whole table if the flux is zero everywhere).
        """
        pdg = self._pdg(flavour)
        edges, dens = self._edges[pdg], self._density[pdg]
        nonzero = np.flatnonzero(dens > 0)
        if nonzero.size == 0:
            return float(edges[0]), float(edges[-1])
        return float(edges[nonzero[0]]), float(edges[nonzero[-1] + 1])

    # --- derived fluxes ---------------------------------------------------------------------
    def scaled(
        self,
        factor: float,
        *,
        name: str | None = None,
        description: str | None = None,
        is_approximate: bool | None = None,
    ) -> Flux:
        """Return this flux multiplied by ``factor`` (e.g. a 1/r² rescaling ``(L1/L2)**2``).

        Parameters
        ----------
        factor : float
            Positive, finite multiplier.
        name, description, is_approximate : optional
            Attributes of the new flux (default: inherited; the description gets a note of the
            factor).
        """
        if not np.isfinite(factor) or factor <= 0:
            raise NuportalError(f"a flux can only be scaled by a positive number, not {factor!r}")
        hist = {f: (self._edges[f], self._density[f] * factor) for f in self.flavours}
        if description is None:
            description = f"{self.description} [scaled by {factor:.6g}]".strip()
        return Flux(
            self.name if name is None else name,
            hist,
            description=description,
            is_approximate=self.is_approximate if is_approximate is None else is_approximate,
        )

    # --- sampling ---------------------------------------------------------------------------
    def sample(
        self,
        flavour: int | str,
        n: int,
        rng: np.random.Generator,
        *,
        emin: float | None = None,
        emax: float | None = None,
    ) -> FloatArray:
        """Draw ``n`` neutrino energies (GeV) distributed as the flux of ``flavour``.

        Exact inverse-CDF sampling of the histogram (uniform within each bin), vectorised.
        ``emin``/``emax`` restrict the sampling to a sub-range (default: the whole table).

        Parameters
        ----------
        flavour : int or str
            Neutrino flavour.
        n : int
            Number of energies.
        rng : numpy.random.Generator
            The run's random generator (every random number comes from it).
        emin, emax : float, optional
            Energy range in GeV.

        Raises
        ------
        NuportalError
            If the flux vanishes in the requested range.
        """
        pdg = self._pdg(flavour)
        if n < 0:
            raise NuportalError(f"cannot draw a negative number of energies ({n})")
        edges, dens, cum = self._edges[pdg], self._density[pdg], self._cumulative[pdg]
        lo = edges[0] if emin is None else max(float(emin), edges[0])
        hi = edges[-1] if emax is None else min(float(emax), edges[-1])
        c_lo = float(np.interp(lo, edges, cum)) if lo < hi else 0.0
        c_hi = float(np.interp(hi, edges, cum)) if lo < hi else 0.0
        if not c_hi > c_lo:
            raise NuportalError(
                f"flux {self.name!r}: the {FLAVOUR_NAMES[pdg]} flux vanishes in "
                f"[{lo}, {hi}] GeV; nothing to sample"
            )
        u = c_lo + (c_hi - c_lo) * rng.random(n)
        idx = np.clip(np.searchsorted(cum, u, side="right") - 1, 0, dens.size - 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            e = edges[idx] + (u - cum[idx]) / dens[idx]
        e = np.where(dens[idx] > 0, e, edges[idx])
        return np.clip(e, lo, np.nextafter(hi, -np.inf))


# ----------------------------------------------------------------------------------------------
# Loaders
# ----------------------------------------------------------------------------------------------

#: loader key -> file relative to the data directory
FLUX_FILES: dict[str, str] = {
    "bnb_miniboone_numode": "fluxes/bnb_miniboone_numode.txt",
    "bnb_miniboone_nubarmode": "fluxes/bnb_miniboone_nubarmode.txt",
    "bnb_microboone_numode": "fluxes/bnb_microboone_numode.txt",
    "numi_minerva_le_fhc": "fluxes/numi_minerva_le_fhc.txt",
    "numi_minerva_le_rhc": "fluxes/numi_minerva_le_rhc.txt",
    "nova_nd_fhc": "fluxes/numi_nova_nd_2017.txt",
    "nova_nd_rhc": "fluxes/numi_nova_nd_2017.txt",
    "dune_nd_fhc": "fluxes/dune_nd_fhc_globes.txt",
    "dune_nd_rhc": "fluxes/dune_nd_rhc_globes.txt",
    "dune_fd_fhc": "fluxes/dune_fd_fhc_globes.txt",
    "dune_fd_rhc": "fluxes/dune_fd_rhc_globes.txt",
    "t2k_nd280_plus250ka": "fluxes/t2k_nd280_2016_plus250kA.txt",
    "t2k_nd280_minus250ka": "fluxes/t2k_nd280_2016_minus250kA.txt",
}

_M2_TO_CM2 = 1e-4  # 1 / m² = 1e-4 / cm²
_FLAVOUR_COLUMNS = ("numu", "numubar", "nue", "nuebar", "nutau", "nutaubar")


def _source_line(path: Path) -> str:
    """The ``# Source: ...`` comment of a data file (provenance), or an empty string."""
    with path.open() as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            text = line.lstrip("#").strip()
            if text.lower().startswith("source"):
                return text
    return ""


def _numeric(header: list[str], rows: list[list[str]], path: Path) -> dict[str, FloatArray]:
    try:
        table = np.array(rows, dtype=np.float64)
    except ValueError as exc:
        raise NuportalError(f"the flux file {str(path)!r} has a non-numeric entry") from exc
    if table.ndim != 2 or table.shape[1] != len(header):
        raise NuportalError(f"the flux file {str(path)!r} has rows of the wrong length")
    return {name: table[:, i] for i, name in enumerate(header)}


def _edges_from_lo_hi(
    lo: FloatArray, hi: FloatArray, contents: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Bin edges and contents from lower/upper edge columns (gaps become empty bins)."""
    edges = [lo[0]]
    out: list[float] = []
    for a, b, c in zip(lo, hi, contents, strict=True):
        if not np.isclose(a, edges[-1], rtol=0, atol=1e-9):
            if a < edges[-1]:
                raise NuportalError("flux table: overlapping or unsorted energy bins")
            edges.append(a)
            out.append(0.0)
        edges.append(b)
        out.append(c)
    return np.array(edges), np.array(out)


def _drop_zero(
    hist: dict[str, tuple[FloatArray, FloatArray]],
) -> dict[int | str, tuple[FloatArray, FloatArray]]:
    return {k: v for k, v in hist.items() if np.any(v[1] != 0)}


def _load_edge_table(path: Path, key: str, per_bin_factor: float, what: str) -> Flux:
    """Files with columns E_lo_GeV, E_hi_GeV and one column per flavour of bin contents."""
    header, rows = read_table(path)
    cols = _numeric(header, rows, path)
    lo, hi = cols["E_lo_GeV"], cols["E_hi_GeV"]
    hist = {}
    for fl in _FLAVOUR_COLUMNS:
        if fl in cols:
            edges, contents = _edges_from_lo_hi(lo, hi, cols[fl] * per_bin_factor)
            hist[fl] = (edges, contents / np.diff(edges))
    return Flux(key, _drop_zero(hist), description=f"{what}. {_source_line(path)}")


def _load_bnb(path: Path, key: str) -> Flux:
    return _load_edge_table(
        path, key, 1.0, "BNB flux; file unit ν/cm²/POT per 50 MeV bin, divided by the bin width"
    )


def _load_minerva(path: Path, key: str) -> Flux:
    return _load_edge_table(
        path,
        key,
        _M2_TO_CM2,
        "NuMI LE flux at MINERvA (arXiv:1607.00704 ancillary); file unit ν/m²/POT per 0.5 GeV "
        "bin, ×1e-4 m²→cm² and divided by the bin width (1σ uncertainties are in the file)",
    )


def _load_t2k(path: Path, key: str) -> Flux:
    header, rows = read_table(path)
    cols = _numeric(header, rows, path)
    lo, hi = cols["E_lo_GeV"], cols["E_hi_GeV"]
    hist = {}
    for fl in ("numu", "numubar", "nue", "nuebar"):
        # the values are densities per 50 MeV for every bin, also the 1 GeV bins above 10 GeV
        edges, dens = _edges_from_lo_hi(lo, hi, cols[fl] * 1e-21 / 0.05)
        hist[fl] = (edges, dens)
    return Flux(
        key,
        _drop_zero(hist),
        description=(
            "T2K 2016 ND280 flux; file unit ν/cm²/1e21 POT per 50 MeV (a density, also in the "
            f"1 GeV bins above 10 GeV), ×1e-21/0.05 GeV. {_source_line(path)}"
        ),
    )


def _load_dune(path: Path, key: str) -> Flux:
    header, rows = read_table(path)
    cols = _numeric(header, rows, path)
    centres = cols["E_GeV"]
    width = np.diff(centres)
    if not np.allclose(width, 0.25, rtol=0, atol=1e-9):
        raise NuportalError(f"the DUNE flux file {str(path)!r} does not have 0.25 GeV bins")
    edges = centres[0] - 0.125 + 0.25 * np.arange(centres.size + 1)
    hist = {fl: (edges, cols[fl] * _M2_TO_CM2) for fl in _FLAVOUR_COLUMNS if fl in cols}
    return Flux(
        key,
        _drop_zero(hist),
        description=(
            "DUNE GLoBES flux (120 GeV, 1.2 MW, 3-horn optimised design); file gives bin "
            "centres of 0.25 GeV bins in ν/m²/POT/GeV (DarkNews convention, to be verified), "
            f"×1e-4 m²→cm²; all-zero ν_τ columns omitted. {_source_line(path)}"
        ),
    )


def _load_nova(path: Path, key: str) -> Flux:
    horn = key.rsplit("_", 1)[-1].upper()
    header, rows = read_table(path)
    expected = ["horn", "flavour", "E_lo_GeV", "E_hi_GeV", "flux_per_m2_per_1e6POT", "frac_unc"]
    if header != expected:
        raise NuportalError(f"the NOvA flux file {str(path)!r} lacks the columns {expected}")
    hist: dict[str, tuple[FloatArray, FloatArray]] = {}
    for fl in ("numu", "numubar", "nue", "nuebar"):
        sel = [r for r in rows if r[0] == horn and r[1] == fl]
        if not sel:
            continue
        values = np.array([[float(x) for x in r[2:5]] for r in sel])
        order = np.argsort(values[:, 0])
        values = values[order]
        edges, contents = _edges_from_lo_hi(
            values[:, 0], values[:, 1], values[:, 2] * _M2_TO_CM2 * 1e-6
        )
        hist[fl] = (edges, contents / np.diff(edges))
    if not hist:
        raise NuportalError(f"the NOvA flux file {str(path)!r} has no {horn} rows")
    return Flux(
        key,
        _drop_zero(hist),
        description=(
            f"NOvA ND 2017 official flux, {horn}; file unit ν/m²/1e6 POT per (variable) bin, "
            f"×1e-4×1e-6 and divided by the bin width (fractional uncertainties in the file). "
            f"{_source_line(path)}"
        ),
    )


_LOADERS: dict[str, Callable[[Path, str], Flux]] = {
    "bnb_miniboone_numode": _load_bnb,
    "bnb_miniboone_nubarmode": _load_bnb,
    "bnb_microboone_numode": _load_bnb,
    "numi_minerva_le_fhc": _load_minerva,
    "numi_minerva_le_rhc": _load_minerva,
    "nova_nd_fhc": _load_nova,
    "nova_nd_rhc": _load_nova,
    "dune_nd_fhc": _load_dune,
    "dune_nd_rhc": _load_dune,
    "dune_fd_fhc": _load_dune,
    "dune_fd_rhc": _load_dune,
    "t2k_nd280_plus250ka": _load_t2k,
    "t2k_nd280_minus250ka": _load_t2k,
}


def list_fluxes() -> list[str]:
    """Keys accepted by :func:`load_flux`, sorted."""
    return sorted(FLUX_FILES)


@lru_cache(maxsize=64)
def _load_cached(key: str, path: str, mtime: float) -> Flux:
    return _LOADERS[key](Path(path), key)


def load_flux(key: str, data_dir: str | os.PathLike[str] | None = None) -> Flux:
    """Load the flux registered under ``key`` from the data directory.

    Parameters
    ----------
    key : str
        One of :data:`FLUX_FILES` (see :func:`list_fluxes`), e.g. ``"bnb_miniboone_numode"``.
    data_dir : path-like, optional
        The data directory (default: ``NUPORTAL_DATA`` or the user configuration).

    Returns
    -------
    Flux
        In ν / cm² / GeV / POT.

    Raises
    ------
    NuportalError
        If ``key`` is unknown (the message suggests the closest key).
    DataFileNotFoundError
        If no data directory is configured or the file is missing from it (the message names
        the file).
    """
    if key not in FLUX_FILES:
        raise NuportalError(unknown_name_message("flux", key, FLUX_FILES))
    path = data_file(FLUX_FILES[key], data_dir)
    return _load_cached(key, str(path.resolve()), path.stat().st_mtime)


@numba.njit(cache=True)
def _bin_values(edges: np.ndarray, values: np.ndarray, x: np.ndarray, out: np.ndarray) -> None:
    """out[i] = values of the histogram bin holding x[i] (bins closed on the left), 0 outside
    [edges[0], edges[-1]) and for NaN. The bin is first guessed as if the bins were equal and
    then walked to the right one, so any increasing edges give the exact bin."""
    lo, hi, last = edges[0], edges[-1], values.size - 1  # pragma: no cover - compiled
    scale = values.size / (hi - lo)
    for i in range(x.size):
        xi = x[i]
        if not (xi >= lo and xi < hi):
            out[i] = 0.0
            continue
        k = min(int((xi - lo) * scale), last)
        while xi < edges[k]:
            k -= 1
        while xi >= edges[k + 1]:
            k += 1
        out[i] = values[k]
