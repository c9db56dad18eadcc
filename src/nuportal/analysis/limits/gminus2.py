"""Dark-photon contribution to the lepton anomalous magnetic moments, (g−2)_μ and (g−2)_e.

At one loop a dark photon of mass m_A' coupling as ε e Q to a lepton of mass m_ℓ shifts
a_ℓ = (g_ℓ − 2)/2 by

    Δa_ℓ = (α ε² / 2π) I(m_A'/m_ℓ),   I(r) = ∫₀¹ dz 2 z (1−z)² / [(1−z)² + r² z]

(M. Pospelov, arXiv:0811.1030, Eq. (4); P. Fayet, Phys. Rev. D 75 (2007) 115017), with
I → 1 for m_A' ≪ m_ℓ (Δa → α ε²/2π) and I → 2 m_ℓ²/(3 m_A'²) for m_A' ≫ m_ℓ
(Δa → α ε² m_ℓ²/(3π m_A'²)). Since Δa ∝ ε² at fixed mass, the ε giving a shift Δa is
ε = √(2π Δa / (α I)).

Measured anomalies Δa = a_exp − a_SM are in :data:`ANOMALIES`, selectable by name. The muon
default is the current community value: the 2025 Theory Initiative white paper
(R. Aliberti et al., arXiv:2505.21476; lattice-QCD LO HVP) gives
a_μ^SM = 116 592 033(62) × 10⁻¹¹, and the experimental world average after the final
Fermilab result (Muon g−2 Collaboration, arXiv:2506.03069, 127 ppb) is
a_μ^exp = 116 592 071.5(14.5) × 10⁻¹¹, so Δa_μ = (38.5 ± 63.7) × 10⁻¹¹ (errors added in
quadrature; quoted as (38 ± 63) × 10⁻¹¹), consistent with zero: the dark photon no longer
has a preferred band, only an upper limit.
The earlier values are kept for comparison with the literature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import quad_vec

from nuportal.analysis.limits.curves import check_masses
from nuportal.constants import ALPHA_EM, CHARGED_LEPTON_MASS
from nuportal.errors import NuportalError, unknown_name_message

__all__ = [
    "ANOMALIES",
    "A_MU_EXP_2025",
    "A_MU_SM_WP2025",
    "DEFAULT_MUON",
    "Anomaly",
    "PreferredBand",
    "delta_a",
    "eps_for_delta_a",
    "loop_integral",
    "preferred_band",
    "upper_limit",
]


@dataclass(frozen=True)
class Anomaly:
    """A measured anomaly Δa_ℓ = a_exp − a_SM ± σ for lepton ``"mu"`` or ``"e"``."""

    lepton: str
    central: float
    sigma: float
    reference: str


#: a_μ^exp in units of 1e-11, world average after the final Fermilab result
#: (arXiv:2506.03069), and its error
A_MU_EXP_2025 = (116_592_071.5, 14.5)
#: a_μ^SM in units of 1e-11 of the 2025 Theory Initiative white paper (arXiv:2505.21476)
A_MU_SM_WP2025 = (116_592_033.0, 62.0)

#: measured anomalies by name
ANOMALIES: dict[str, Anomaly] = {
    "wp2025": Anomaly(
        "mu",
        (A_MU_EXP_2025[0] - A_MU_SM_WP2025[0]) * 1e-11,
        math.hypot(A_MU_EXP_2025[1], A_MU_SM_WP2025[1]) * 1e-11,
        "world average after the final Fermilab result (arXiv:2506.03069) minus the 2025 "
        "Theory Initiative white paper (arXiv:2505.21476)",
    ),
    "fnal2021": Anomaly(
        "mu",
        251e-11,
        59e-11,
        "BNL E821 + Fermilab run 1 (arXiv:2104.03281) minus the 2020 white paper "
        "(arXiv:2006.04822)",
    ),
    "bnl_wp2020": Anomaly(
        "mu",
        279e-11,
        76e-11,
        "BNL E821 minus the 2020 white paper, as in Bodas, Coy & King, arXiv:2102.07781, "
        "Eq. (1) (the value behind the data directory's gm2/gmu2_* files)",
    ),
    "cs": Anomaly(
        "e",
        -8.7e-13,
        3.6e-13,
        "α from Cs recoil, Bodas, Coy & King, arXiv:2102.07781, Eq. (2) (their plotted "
        "limit uses the magnitude, 8.7e-13 + 3σ)",
    ),
    "rb": Anomaly(
        "e", 4.8e-13, 3.0e-13, "α from Rb recoil, Bodas, Coy & King, arXiv:2102.07781, Eq. (3)"
    ),
}
#: name of the default muon anomaly
DEFAULT_MUON = "wp2025"


def _lepton_mass(lepton: str) -> float:
    if lepton not in ("e", "mu"):
        raise NuportalError(unknown_name_message("lepton", lepton, ("e", "mu")))
    return CHARGED_LEPTON_MASS[lepton]


def loop_integral(ratio: ArrayLike) -> np.ndarray:
    """I(r) = ∫₀¹ dz 2z(1−z)²/[(1−z)² + r² z] for r = m_A'/m_ℓ ≥ 0 (vectorised).

    Adaptive Gauss–Kronrod integration of all ratios at once (:func:`scipy.integrate.quad_vec`)
    of I(r)/s(r), s(r) = 1/(1 + 3r²/2) the interpolation between the two limits, so that
    every component is of order one and the relative accuracy (1e-10) is uniform.
    """
    r = np.asarray(ratio, dtype=float)
    if not np.all(np.isfinite(r)) or np.any(r < 0):
        raise NuportalError("m_A'/m_ℓ must be non-negative and finite")
    flat = r.ravel()
    r2 = flat**2
    scale = 1.0 / (1.0 + 1.5 * r2)

    def integrand(z: float) -> np.ndarray:
        u = (1.0 - z) ** 2
        return 2.0 * z * u / (u + r2 * z) / scale

    value, _ = quad_vec(integrand, 0.0, 1.0, epsabs=0.0, epsrel=1e-10, norm="max")
    return (np.asarray(value) * scale).reshape(r.shape)


def delta_a(mass: ArrayLike, eps: ArrayLike, lepton: str = "mu") -> np.ndarray:
    """Δa_ℓ of a dark photon of mass ``mass`` (GeV) and kinetic mixing ``eps`` (broadcast)."""
    m = check_masses(mass)
    e = np.asarray(eps, dtype=float)
    return ALPHA_EM / (2.0 * math.pi) * e**2 * loop_integral(m / _lepton_mass(lepton))


def eps_for_delta_a(mass: ArrayLike, value: ArrayLike, lepton: str = "mu") -> np.ndarray:
    """The ε for which the dark photon gives Δa_ℓ = ``value`` (> 0) at ``mass`` (GeV)."""
    m = check_masses(mass)
    v = np.asarray(value, dtype=float)
    if np.any(v <= 0) or not np.all(np.isfinite(v)):
        raise NuportalError("a dark photon gives Δa > 0 only: the target Δa must be positive")
    return np.sqrt(2.0 * math.pi * v / (ALPHA_EM * loop_integral(m / _lepton_mass(lepton))))


def _anomaly(name: str) -> Anomaly:
    if name not in ANOMALIES:
        raise NuportalError(unknown_name_message("(g-2) anomaly", name, ANOMALIES))
    return ANOMALIES[name]


def _check_sigmas(n_sigma: float) -> float:
    if not (math.isfinite(n_sigma) and n_sigma > 0):
        raise NuportalError(f"n_sigma must be positive, got {n_sigma}")
    return float(n_sigma)


def upper_limit(mass: ArrayLike, anomaly: str | Anomaly = "rb", n_sigma: float = 3.0) -> np.ndarray:
    """ε above which Δa(A') exceeds central + n σ of ``anomaly`` (an exclusion line)."""
    a = _anomaly(anomaly) if isinstance(anomaly, str) else anomaly
    bound = a.central + _check_sigmas(n_sigma) * a.sigma
    if bound <= 0:
        raise NuportalError(f"central + {n_sigma} sigma = {bound:g} ≤ 0: every ε > 0 is excluded")
    return eps_for_delta_a(mass, bound, a.lepton)


class PreferredBand(NamedTuple):
    """ε range preferred at ``n_sigma``: lower < ε < upper (lower = 0 if Δa − nσ ≤ 0)."""

    lower: np.ndarray
    upper: np.ndarray


def preferred_band(
    mass: ArrayLike, anomaly: str | Anomaly = DEFAULT_MUON, n_sigma: float = 2.0
) -> PreferredBand:
    """The (m_A', ε) band in which the dark photon gives Δa = central ± n σ.

    Parameters
    ----------
    mass : array_like
        Dark-photon masses in GeV.
    anomaly : str or Anomaly, optional
        A name of :data:`ANOMALIES` (default ``"wp2025"``, Δa_μ = (38 ± 63) × 10⁻¹¹) or a
        user-supplied :class:`Anomaly`.
    n_sigma : float, optional
        Half-width of the band in standard deviations (default 2).

    Returns
    -------
    PreferredBand
        Lower and upper ε edges. When central − n σ ≤ 0 (no significant anomaly, as for the
        2025 value) the lower edge is 0 and the band is only an upper limit.
    """
    a = _anomaly(anomaly) if isinstance(anomaly, str) else anomaly
    k = _check_sigmas(n_sigma)
    m = check_masses(mass)
    top = a.central + k * a.sigma
    bottom = a.central - k * a.sigma
    upper = eps_for_delta_a(m, top, a.lepton) if top > 0 else np.zeros(m.shape)
    lower = eps_for_delta_a(m, bottom, a.lepton) if bottom > 0 else np.zeros(m.shape)
    return PreferredBand(lower, upper)
