"""Quark-level (inclusive) hadronic width of a minimal HNL and its matching to exclusive mesons.

Above about 2 GeV single-meson channels no longer saturate the hadronic width (multi-meson
final states open) and the width into hadrons is computed at the quark level, N → ℓ_α⁻ u_i d̄_j
and N → ν_α q q̄, with the perturbative QCD correction of arXiv:1805.08567 (Bondarenko,
Boyarsky, Gorbunov & Ruchayskiy), Sec. 3.2 (decays into hadrons), taken over from hadronic
τ decays:

    Γ_had = (1 + Δ_QCD) Σ Γ_tree(quarks),
    Δ_QCD = a + 5.2 a² + 26.4 a³,   a = α_s(m_N)/π.

Quark masses are the PDG MS-bar values of the ``particle`` package (m_c(m_c), m_b(m_b), and
the 2 GeV light-quark masses); they only matter through the c and b thresholds. Dirac N,
|U_α|² = 1 (Majorana: add the charge-conjugate channels, Γ_Maj = 2 Γ_Dirac).

Matching to the exclusive channels
----------------------------------
:func:`hadronic_width` returns the sum of the exclusive single-meson widths of
:mod:`~nuportal.physics.decays.hnl_hadronic` below ``MATCHING_LOW`` = 1 GeV, the inclusive
width above ``MATCHING_HIGH`` = 2 GeV (the 1-2 GeV transition region between the two
descriptions discussed in arXiv:1805.08567, Sec. 3.2), and in between a smooth blend

    Γ_had = (1 - w) Γ_excl + w Γ_incl,   w = 3t² - 2t³,   t = (m_N - 1 GeV)/(1 GeV),

so that every channel weight and the total are continuous (w also has a continuous first
derivative). A hard switch at m would instead jump by Γ_incl/Γ_excl - 1
(:func:`matching_discontinuity`): for α = e about +18 % at 1 GeV, +40 % at 1.5 GeV and
+120 % at 2 GeV (the single-meson sum misses multi-meson states, as in τ decays, where π and ρ
make ~60 % of the hadronic width: the same fraction as Γ_excl/Γ_incl here at m_N ≈ m_τ).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from nuportal.constants import SIN2_THETA_W, mass
from nuportal.errors import NuportalError
from nuportal.physics.decays import hnl_hadronic as had
from nuportal.physics.decays import mesons
from nuportal.physics.decays._hnl_common import (
    check_flavour,
    hnl_masses,
    lepton_mass,
    muon_decay_unit,
)
from nuportal.physics.decays.hadrons import alpha_s
from nuportal.physics.decays.hnl_leptonic import (
    neutral_current_width,
    three_body_integral,
    z_couplings,
)
from nuportal.physics.decays.mesons import CKM

#: coefficients of Δ_QCD = a + 5.2 a² + 26.4 a³ (arXiv:1805.08567, Sec. 3.2, from the
#: O(α_s³) result for hadronic τ decays)
QCD_COEFFICIENTS = (1.0, 5.2, 26.4)
#: below this mass (GeV) the hadronic width is the exclusive single-meson sum
MATCHING_LOW = 1.0
#: above this mass (GeV) the hadronic width is the quark-level width with QCD correction
MATCHING_HIGH = 2.0
#: lowest HNL mass (GeV) at which the quark-level width (and α_s(m_N)) is used
ALPHA_S_MIN_SCALE = 1.0

UP_QUARKS = ("u", "c")
DOWN_QUARKS = ("d", "s", "b")
_QUARK_PDG = {"d": 1, "u": 2, "s": 3, "c": 4, "b": 5}
_QUARK_T3 = {"u": 0.5, "c": 0.5, "d": -0.5, "s": -0.5, "b": -0.5}
_QUARK_CHARGE = {"u": 2 / 3, "c": 2 / 3, "d": -1 / 3, "s": -1 / 3, "b": -1 / 3}


def quark_mass(name: str) -> float:
    """PDG mass (GeV) of quark ``name`` (MS-bar, from the ``particle`` package)."""
    return mass(_QUARK_PDG[name])


def qcd_correction(m_n: npt.ArrayLike) -> np.ndarray:
    """Δ_QCD(m_N) = a + 5.2 a² + 26.4 a³ with a = α_s(m_N)/π (arXiv:1805.08567, Sec. 3.2).

    α_s is the four-loop MS-bar coupling of :func:`nuportal.physics.decays.hadrons.alpha_s`
    (α_s(m_Z) = 0.1180, PDG 2024). Needs m_N ≥ 1 GeV.

    Raises
    ------
    NuportalError
        For m_N below 1 GeV, where the perturbative series is not used.
    """
    m = hnl_masses(m_n)
    if np.any(m < ALPHA_S_MIN_SCALE):
        raise NuportalError(
            f"the QCD correction is used only for m_N >= {ALPHA_S_MIN_SCALE} GeV; got {np.min(m)}"
        )
    a = alpha_s(m) / math.pi
    c1, c2, c3 = QCD_COEFFICIENTS
    return a * (c1 + a * (c2 + a * c3))


def width_lepton_quarks(m_n: npt.ArrayLike, alpha: str, up: str, down: str) -> np.ndarray:
    """Tree-level Γ(N → ℓ_α⁻ u_i d̄_j) in GeV (Dirac N, |U_α|² = 1, no QCD correction).

    Γ = N_c |V_ij|² G_F² m_N⁵/(192π³) I(x_ℓ, x_u, x_d) (arXiv:1805.08567, Sec. 3.1.1).
    """
    m = hnl_masses(m_n)
    if up not in UP_QUARKS or down not in DOWN_QUARKS:
        raise NuportalError(f"unknown quark pair ({up!r}, {down!r}): use u, c and d, s, b")
    xl, xu, xd = (v / m for v in (lepton_mass(alpha), quark_mass(up), quark_mass(down)))
    return 3.0 * CKM[(up, down)] ** 2 * muon_decay_unit(m) * three_body_integral(xl, xu, xd)


def width_nu_quarks(m_n: npt.ArrayLike, quark: str, sin2w: float = SIN2_THETA_W) -> np.ndarray:
    """Tree-level Γ(N → ν_α q q̄) in GeV (Dirac N, |U_α|² = 1, no QCD correction).

    The neutral-current formula of arXiv:1805.08567, Sec. 3.1.2 with N_c = 3 and the quark
    couplings g_L = T₃ - Q sin²θ_W, g_R = -Q sin²θ_W; same for every α.
    """
    if quark not in _QUARK_T3:
        raise NuportalError(f"unknown quark {quark!r}: use one of {', '.join(_QUARK_T3)}")
    g_left, g_right = z_couplings(_QUARK_T3[quark], _QUARK_CHARGE[quark], sin2w)
    return neutral_current_width(m_n, quark_mass(quark), g_left, g_right, colours=3)


def inclusive_hadronic_width(m_n: npt.ArrayLike, alpha: str) -> np.ndarray:
    """Quark-level hadronic width (1 + Δ_QCD) Σ Γ_tree in GeV (Dirac N, |U_α|² = 1).

    Sum of N → ℓ_α⁻ u_i d̄_j (u, c with d, s, b) and N → ν_α q q̄ (q = u, d, s, c, b).
    Defined for m_N ≥ 1 GeV (where α_s is evaluated).
    """
    check_flavour(alpha)
    m = hnl_masses(m_n)
    charged = [width_lepton_quarks(m, alpha, u, d) for u in UP_QUARKS for d in DOWN_QUARKS]
    neutral = [width_nu_quarks(m, q) for q in _QUARK_T3]
    return (1.0 + qcd_correction(m)) * np.sum(charged + neutral, axis=0)


def matching_weight(
    m_n: npt.ArrayLike, low: float = MATCHING_LOW, high: float = MATCHING_HIGH
) -> np.ndarray:
    """Weight w of the inclusive description: 0 below ``low``, 1 above ``high`` (GeV).

    w = 3t² - 2t³ with t = (m_N - low)/(high - low) in between; ``low == high`` is a hard
    switch (w = 1 for m_N ≥ high).

    Raises
    ------
    NuportalError
        If ``low`` is below 1 GeV (α_s would be needed outside perturbative QCD) or
        ``high < low``.
    """
    if not (ALPHA_S_MIN_SCALE <= low <= high) or not math.isfinite(high):
        raise NuportalError(
            f"the matching window needs {ALPHA_S_MIN_SCALE} GeV <= low <= high; "
            f"got low={low!r}, high={high!r}"
        )
    m = hnl_masses(m_n)
    if high == low:
        return np.where(m >= high, 1.0, 0.0)
    t = np.clip((m - low) / (high - low), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def exclusive_hadronic_width(m_n: npt.ArrayLike, alpha: str) -> np.ndarray:
    """Sum of the single-meson widths N → ℓ_α⁻ M⁺ and ν_α M⁰ in GeV (Dirac N, |U_α|² = 1)."""
    check_flavour(alpha)
    m = hnl_masses(m_n)
    return np.sum([had.width_meson(m, alpha, name) for name in mesons.MESONS], axis=0)


def hadronic_width(
    m_n: npt.ArrayLike, alpha: str, low: float = MATCHING_LOW, high: float = MATCHING_HIGH
) -> np.ndarray:
    """Hadronic width in GeV: exclusive below ``low``, inclusive above ``high``, blended between.

    Γ_had = (1 - w) Γ_excl + w Γ_incl with w of :func:`matching_weight` (defaults 1 and
    2 GeV; see the module docstring). Dirac N, |U_α|² = 1.
    """
    m = hnl_masses(m_n)
    w = matching_weight(m, low, high)
    excl = exclusive_hadronic_width(m, alpha)
    incl = np.zeros_like(m)
    needed = w > 0.0
    if np.any(needed):
        incl[needed] = inclusive_hadronic_width(m[needed], alpha)
    return (1.0 - w) * excl + w * incl


def matching_discontinuity(m_n: npt.ArrayLike, alpha: str) -> np.ndarray:
    """Γ_incl/Γ_excl - 1 at ``m_n`` (≥ 1 GeV): the jump a hard switch at m_n would make."""
    m = hnl_masses(m_n)
    return inclusive_hadronic_width(m, alpha) / exclusive_hadronic_width(m, alpha) - 1.0
