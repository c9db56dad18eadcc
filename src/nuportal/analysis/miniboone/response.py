"""What MiniBooNE reconstructs from final-state e⁺e⁻ pairs, single photons and electrons.

Array API for generated events (all functions vectorised over events):

* four-momenta are arrays of shape ``(n, 4)``: ``(E, p_x, p_y, p_z)`` in GeV, the beam along
  +z; vertices are ``(n, 3)`` in cm with the detector centre at the origin (the catalogue
  convention of :mod:`nuportal.experiments`);
* every random number comes from the ``numpy.random.Generator`` passed in.

The model follows the fast simulation of arXiv:2308.02543 (Sec. III and its code companion):

1. **Smearing** (:func:`smear`): σ_E = 0.12 √(E/GeV) + 0.01 GeV, Gaussian; the direction is
   deflected by a Gaussian angle of σ_θ = (ln(1/E[GeV]) + 2.7)° per projection.
2. **One ring or two** (:func:`looks_like_single_ring`): an e⁺e⁻ (or γγ) pair is mistaken
   for one electron-like Cherenkov ring if its opening angle and energy asymmetry pass the
   E_vis-dependent cuts of Kelly & Kopp, arXiv:2210.08021, Table II (criterion
   ``r_circle1`` by default, as in arXiv:2308.02543; ``r_diag`` and ``r_circle0`` as options).
3. **Selection efficiency** (:func:`selection_efficiency`): the official single e/γ table of
   the 2012 release versus visible energy. That table **includes the fiducial-volume
   fraction** (450 t of 818 t, :data:`FIDUCIAL_FRACTION`): use it as it is for events spread
   uniformly over the tank, or divide it by that fraction when the fiducial-volume cut
   (:func:`in_fiducial_volume`, R < 500 cm) is applied to the vertex explicitly.
4. **Observables**: E_vis, cos θ with respect to the beam (:func:`cos_theta_beam`) and the
   reconstructed neutrino energy under the CCQE hypothesis (:func:`enu_qe`).
5. **Histograms** with weights in the release E_QE binning, in E_vis and in cos θ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.analysis.miniboone.release import (
    PathLike,
    load_single_shower_efficiency,
    read_release_table,
)
from nuportal.constants import M_E, M_NEUTRON, M_PROTON
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.units import MeV

__all__ = [
    "CCQE_BINDING_ENERGY",
    "COSTHETA_EDGES",
    "CRITERIA",
    "EQE_EDGES",
    "EVIS_EDGES",
    "FIDUCIAL_FRACTION",
    "FIDUCIAL_RADIUS",
    "KellyKoppCuts",
    "Reconstructed",
    "angular_resolution",
    "cos_theta_beam",
    "energy_resolution",
    "enu_qe",
    "histogram",
    "in_fiducial_volume",
    "load_kelly_kopp_cuts",
    "looks_like_single_ring",
    "overlap_variables",
    "reconstruct_pairs",
    "reconstruct_showers",
    "selection_efficiency",
    "smear",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Fiducial radius of the νe CCQE selection [cm] (reconstructed vertex).
FIDUCIAL_RADIUS = 500.0
#: Fiducial mass over the tank's mineral-oil mass, 450 t / 818 t (MiniBooNE, NIM A599 (2009)
#: 28); (500 / 610.6)³ = 0.549 for a uniform density.
FIDUCIAL_FRACTION = 450.0 / 818.0
#: Nuclear binding energy E_B in the CCQE formula [GeV] (MiniBooNE, arXiv:0706.0926).
CCQE_BINDING_ENERGY = 34.0 * MeV
#: The 2018/2020 release E_QE bin edges [GeV].
EQE_EDGES: FloatArray = np.array(
    [0.2, 0.3, 0.375, 0.475, 0.55, 0.675, 0.8, 0.95, 1.1, 1.25, 1.5, 3.0]
)
#: E_vis edges of the 2020 E_vis × cos θ figures [GeV] (50 MeV bins, 0.15–1.25).
EVIS_EDGES: FloatArray = np.linspace(0.15, 1.25, 23)
#: cos θ edges (20 bins).
COSTHETA_EDGES: FloatArray = np.linspace(-1.0, 1.0, 21)
#: Kelly–Kopp criteria: (table column stem, True if the pair passes when r < cut)
CRITERIA: dict[str, tuple[str, bool]] = {
    "r_circle1": ("rCircle1", True),
    "r_diag": ("rDiag", True),
    "r_circle0": ("rCircle0", False),
}


def _momenta(p: ArrayLike, name: str = "four-momenta") -> FloatArray:
    arr = np.asarray(p, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise NuportalError(f"{name} must have shape (n, 4): (E, px, py, pz) in GeV")
    if not np.all(np.isfinite(arr)):
        raise NuportalError(f"{name} contain NaN or infinite values")
    if np.any(arr[:, 0] < 0):
        raise NuportalError(f"{name} have negative energies")
    return arr


def _vertices(v: ArrayLike, n: int) -> FloatArray:
    arr = np.asarray(v, dtype=np.float64)
    if arr.shape != (n, 3) or not np.all(np.isfinite(arr)):
        raise NuportalError(f"vertices must be finite with shape ({n}, 3), in cm")
    return arr


def _weights(w: ArrayLike | None, n: int) -> FloatArray:
    if w is None:
        return np.ones(n)
    arr = np.broadcast_to(np.asarray(w, dtype=np.float64), (n,))
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise NuportalError("event weights must be finite and non-negative")
    return arr


# ---------------------------------------------------------------------- smearing
def energy_resolution(energy: ArrayLike) -> FloatArray:
    """σ_E = 0.12 √(E/GeV) + 0.01 GeV [GeV] (arXiv:2308.02543)."""
    e = np.clip(np.asarray(energy, dtype=np.float64), 0.0, None)
    return 0.12 * np.sqrt(e) + 0.01


def angular_resolution(energy: ArrayLike) -> FloatArray:
    """σ_θ = (ln(1/E[GeV]) + 2.7)° in **radians** (arXiv:2308.02543), at least 0."""
    e = np.clip(np.asarray(energy, dtype=np.float64), 1e-6, None)
    return np.deg2rad(np.clip(np.log(1.0 / e) + 2.7, 0.0, None))


def _deflect(direction: FloatArray, angle: FloatArray, azimuth: FloatArray) -> FloatArray:
    """Rotate unit vectors by polar ``angle`` about themselves at ``azimuth`` (vectorised)."""
    # an orthonormal frame (u, v, direction) for each vector
    helper = np.where(np.abs(direction[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    u = np.cross(direction, helper)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    v = np.cross(direction, u)
    sin_a = np.sin(angle)[:, None]
    return (
        np.cos(angle)[:, None] * direction
        + sin_a * np.cos(azimuth)[:, None] * u
        + sin_a * np.sin(azimuth)[:, None] * v
    )


def smear(p: ArrayLike, rng: np.random.Generator, mass: float = 0.0) -> FloatArray:
    """Smear energies and directions of particles as MiniBooNE reconstructs them.

    Parameters
    ----------
    p : array_like, shape (n, 4)
        True four-momenta [GeV].
    rng : numpy.random.Generator
        The run's generator.
    mass : float
        Mass assigned to the reconstructed particle [GeV] (0: a shower's momentum equals its
        energy).

    Returns
    -------
    ndarray, shape (n, 4)
        Reconstructed four-momenta: E' ~ Gaussian(E, σ_E) clipped at ``mass``; the direction
        deflected by a polar angle θ' = σ_θ √(−2 ln u) (a 2D Gaussian of width σ_θ per
        projection) at a uniform azimuth.
    """
    arr = _momenta(p)
    n = len(arr)
    energy = np.maximum(arr[:, 0] + energy_resolution(arr[:, 0]) * rng.standard_normal(n), mass)
    pnorm = np.linalg.norm(arr[:, 1:], axis=1)
    direction = np.where(
        pnorm[:, None] > 0, arr[:, 1:] / np.where(pnorm > 0, pnorm, 1.0)[:, None], [[0, 0, 1.0]]
    )
    angle = angular_resolution(arr[:, 0]) * np.sqrt(-2.0 * np.log1p(-rng.random(n)))
    direction = _deflect(direction, angle, 2.0 * np.pi * rng.random(n))
    momentum = np.sqrt(np.maximum(energy**2 - mass**2, 0.0))
    return np.column_stack([energy, momentum[:, None] * direction])


# ---------------------------------------------------------------------- overlapping pairs
@dataclass(frozen=True)
class KellyKoppCuts:
    """E_vis-dependent cut values of Kelly & Kopp, arXiv:2210.08021, Table II.

    Attributes
    ----------
    evis_edges : ndarray
        Visible-energy bin edges [GeV] (0.14 upwards in 20 MeV steps).
    columns : mapping
        ``"rCircle1_1C100S"`` etc.: cut value per bin. The suffixes are the paper's two
        treatments of the uncertainty (1 cut / 100 samples, 100 cuts / 1 sample).
    """

    evis_edges: FloatArray
    columns: Mapping[str, FloatArray]

    def cut(self, criterion: str, evis: ArrayLike, treatment: str = "1C100S") -> FloatArray:
        """Cut value at ``evis`` [GeV]; below or above the table the edge bin is used."""
        stem = CRITERIA[_criterion(criterion)][0]
        key = f"{stem}_{treatment}"
        if key not in self.columns:
            raise NuportalError(
                unknown_name_message("Kelly-Kopp treatment", treatment, ("1C100S", "100C1S"))
            )
        index = np.searchsorted(self.evis_edges, np.asarray(evis, dtype=np.float64), "right") - 1
        return self.columns[key][np.clip(index, 0, len(self.columns[key]) - 1)]


def _criterion(name: str) -> str:
    if name not in CRITERIA:
        raise NuportalError(unknown_name_message("Kelly-Kopp criterion", str(name), CRITERIA))
    return name


def load_kelly_kopp_cuts(data_dir: PathLike = None) -> KellyKoppCuts:
    """Load ``digitized/misid_ee/kelly_kopp_rcuts.txt`` (transcribed Table II)."""
    rel = "miniboone/digitized/misid_ee/kelly_kopp_rcuts.txt"
    header, t = read_release_table(rel, data_dir)
    edges = np.append(t[:, 0], t[-1, 1])
    return KellyKoppCuts(edges, {name: t[:, k] for k, name in enumerate(header) if k >= 2})


def overlap_variables(p1: ArrayLike, p2: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``(cos Δθ, E_max / E_tot)`` of two showers: opening angle and energy share."""
    a, b = _momenta(p1), _momenta(p2)
    if a.shape != b.shape:
        raise NuportalError("the two four-momentum arrays must have the same shape")
    na, nb = np.linalg.norm(a[:, 1:], axis=1), np.linalg.norm(b[:, 1:], axis=1)
    denom = np.where((na > 0) & (nb > 0), na * nb, 1.0)
    cos = np.clip(np.einsum("ij,ij->i", a[:, 1:], b[:, 1:]) / denom, -1.0, 1.0)
    total = a[:, 0] + b[:, 0]
    share = np.maximum(a[:, 0], b[:, 0]) / np.where(total > 0, total, 1.0)
    return cos, share


def looks_like_single_ring(
    p1: ArrayLike,
    p2: ArrayLike,
    criterion: str = "r_circle1",
    treatment: str = "1C100S",
    cuts: KellyKoppCuts | None = None,
    data_dir: PathLike = None,
) -> BoolArray:
    """Whether a pair of showers (e⁺e⁻ or γγ) is reconstructed as one electron-like ring.

    With c = cos Δθ and f = E_max / (E₁ + E₂) (arXiv:2210.08021, Sec. III):

    * ``r_circle1 = sqrt((1 − c)²/4 + (1 − f)²) < cut`` (default, used in arXiv:2308.02543),
    * ``r_diag = 1 − ((1 + c)/2 + f)/2 < cut``,
    * ``r_circle0 = sqrt((1 + c)²/4 + f²) > cut``,

    with the cut taken at E_vis = E₁ + E₂ from Table II.
    """
    crit = _criterion(criterion)
    cos, share = overlap_variables(p1, p2)
    if crit == "r_circle1":
        r = np.sqrt((1 - cos) ** 2 / 4 + (1 - share) ** 2)
    elif crit == "r_diag":
        r = 1 - ((1 + cos) / 2 + share) / 2
    else:
        r = np.sqrt((1 + cos) ** 2 / 4 + share**2)
    evis = np.asarray(p1, dtype=np.float64)[:, 0] + np.asarray(p2, dtype=np.float64)[:, 0]
    cut = (cuts or load_kelly_kopp_cuts(data_dir)).cut(crit, evis, treatment)
    return r < cut if CRITERIA[crit][1] else r > cut


# ---------------------------------------------------------------------- selection
def in_fiducial_volume(vertex: ArrayLike, radius: float = FIDUCIAL_RADIUS) -> BoolArray:
    """Whether vertices [cm] (detector centre at the origin) are within ``radius`` [cm]."""
    v = np.asarray(vertex, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != 3 or not np.all(np.isfinite(v)):
        raise NuportalError("vertices must be finite with shape (n, 3), in cm")
    return np.einsum("ij,ij->i", v, v) < radius**2


def selection_efficiency(
    evis: ArrayLike, vertex: ArrayLike | None = None, data_dir: PathLike = None
) -> FloatArray:
    """Probability that a single electron-like shower of ``evis`` [GeV] is selected.

    Without ``vertex``: the official table as published (fiducial fraction included), right
    for events spread uniformly over the tank. With ``vertex`` (cm): the table divided by
    :data:`FIDUCIAL_FRACTION` for vertices inside the fiducial volume, 0 outside.
    """
    e = np.asarray(evis, dtype=np.float64)
    eff = load_single_shower_efficiency(data_dir)(e)
    if vertex is None:
        return eff
    return np.where(in_fiducial_volume(vertex), eff / FIDUCIAL_FRACTION, 0.0)


# ---------------------------------------------------------------------- observables
def cos_theta_beam(p: ArrayLike) -> FloatArray:
    """cos θ of the momentum with respect to the beam (+z)."""
    arr = _momenta(p)
    norm = np.linalg.norm(arr[:, 1:], axis=1)
    return np.where(norm > 0, arr[:, 3] / np.where(norm > 0, norm, 1.0), 1.0)


def enu_qe(
    energy: ArrayLike,
    cos_theta: ArrayLike,
    lepton_mass: float = M_E,
    binding_energy: float = CCQE_BINDING_ENERGY,
    antineutrino: bool = False,
) -> FloatArray:
    """Reconstructed neutrino energy under the CCQE hypothesis (νe n → e⁻ p) [GeV].

    .. math:: E_\\nu^{QE} = \\frac{2 M' E_\\ell - (M'^2 + m_\\ell^2 - M_f^2)}
              {2 (M' - E_\\ell + p_\\ell \\cos\\theta)},\\quad M' = M_i - E_B,

    with (M_i, M_f) = (m_n, m_p) for ν and (m_p, m_n) for ν̄ (arXiv:0706.0926,
    arXiv:2006.16883). The shower is taken as the lepton: E_ℓ = E_vis.
    """
    e = np.asarray(energy, dtype=np.float64)
    c = np.asarray(cos_theta, dtype=np.float64)
    m_i, m_f = (M_PROTON, M_NEUTRON) if antineutrino else (M_NEUTRON, M_PROTON)
    m_bound = m_i - binding_energy
    p = np.sqrt(np.maximum(e**2 - lepton_mass**2, 0.0))
    return (2 * m_bound * e - (m_bound**2 + lepton_mass**2 - m_f**2)) / (2 * (m_bound - e + p * c))


def histogram(
    values: ArrayLike, weights: ArrayLike | None = None, edges: ArrayLike = EQE_EDGES
) -> tuple[FloatArray, FloatArray]:
    """Weighted histogram: ``(sum of weights, sum of squared weights)`` per bin.

    ``edges`` default to the release E_QE binning [GeV]; use :data:`EVIS_EDGES` or
    :data:`COSTHETA_EDGES` for the other figures. Values outside the edges are dropped.
    """
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    w = _weights(weights, len(x))
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or len(e) < 2 or np.any(np.diff(e) <= 0):
        raise NuportalError("histogram edges must be increasing")
    counts = np.histogram(x, e, weights=w)[0]
    sumw2 = np.histogram(x, e, weights=w**2)[0]
    return counts, sumw2


# ---------------------------------------------------------------------- pipelines
@dataclass(frozen=True)
class Reconstructed:
    """Reconstructed observables and selection weight of a batch of events.

    Attributes
    ----------
    evis : ndarray
        Visible energy [GeV] (smeared).
    cos_theta : ndarray
        cos θ of the (combined) shower with respect to the beam.
    enu_qe : ndarray
        E_ν^QE [GeV] under the νe CCQE hypothesis.
    selected : ndarray of bool
        Passes the topology (one ring) requirement and, if requested, the fiducial volume.
    weight : ndarray
        Input weight × efficiency × selected: expected selected events.
    """

    evis: FloatArray
    cos_theta: FloatArray
    enu_qe: FloatArray
    selected: BoolArray
    weight: FloatArray

    def histogram(self, variable: str = "enu_qe", edges: ArrayLike | None = None) -> FloatArray:
        """Expected events per bin of ``"enu_qe"`` (release binning), ``"evis"`` or
        ``"cos_theta"`` (the binning of the 2020 figures) unless ``edges`` are given."""
        default = {"enu_qe": EQE_EDGES, "evis": EVIS_EDGES, "cos_theta": COSTHETA_EDGES}
        if variable not in default:
            raise NuportalError(unknown_name_message("variable", variable, default))
        chosen = default[variable] if edges is None else edges
        return histogram(getattr(self, variable), self.weight, chosen)[0]


def _finish(
    shower: FloatArray,
    keep: BoolArray,
    weights: FloatArray,
    vertex: ArrayLike | None,
    data_dir: PathLike,
) -> Reconstructed:
    evis = shower[:, 0]
    cos = cos_theta_beam(shower)
    if vertex is not None:
        keep = keep & in_fiducial_volume(vertex)
        eff = selection_efficiency(evis, data_dir=data_dir) / FIDUCIAL_FRACTION
    else:
        eff = selection_efficiency(evis, data_dir=data_dir)
    with np.errstate(divide="ignore", invalid="ignore"):
        eqe = enu_qe(evis, cos)
    return Reconstructed(evis, cos, eqe, keep, np.where(keep, weights * eff, 0.0))


def reconstruct_pairs(
    p_plus: ArrayLike,
    p_minus: ArrayLike,
    rng: np.random.Generator,
    vertex: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    criterion: str = "r_circle1",
    data_dir: PathLike = None,
) -> Reconstructed:
    """MiniBooNE's view of e⁺e⁻ pairs (or γγ): smear each, require one ring, combine.

    Each lepton is smeared (:func:`smear`); the pair is kept if it looks like a single ring
    (:func:`looks_like_single_ring` on the smeared momenta), and is then reconstructed as
    one shower with E_vis = E₊ + E₋ and the direction of the summed momentum. With
    ``vertex`` [cm], the fiducial cut is applied and the efficiency is the table divided by
    the fiducial fraction (see the module docstring); without it the table is used as is.
    """
    a, b = _momenta(p_plus, "e+ four-momenta"), _momenta(p_minus, "e- four-momenta")
    if a.shape != b.shape:
        raise NuportalError("e+ and e- arrays must have the same shape")
    if vertex is not None:
        _vertices(vertex, len(a))
    w = _weights(weights, len(a))
    sa, sb = smear(a, rng, M_E), smear(b, rng, M_E)
    single = looks_like_single_ring(sa, sb, criterion, data_dir=data_dir)
    return _finish(sa + sb, single, w, vertex, data_dir)


def reconstruct_showers(
    p: ArrayLike,
    rng: np.random.Generator,
    vertex: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    mass: float = 0.0,
    data_dir: PathLike = None,
) -> Reconstructed:
    """MiniBooNE's view of single photons (``mass = 0``) or electrons (``mass = M_E``)."""
    arr = _momenta(p)
    if vertex is not None:
        _vertices(vertex, len(arr))
    w = _weights(weights, len(arr))
    return _finish(smear(arr, rng, mass), np.ones(len(arr), dtype=bool), w, vertex, data_dir)
