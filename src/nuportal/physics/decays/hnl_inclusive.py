"""Quark-level (inclusive) hadronic width of a minimal HNL and its matching to exclusive mesons.

Above about 2 GeV single-meson channels no longer saturate the hadronic width (multi-meson
final states open) and the width into hadrons is computed at the quark level, N → ℓ_α⁻ u_i d̄_j
and N → ν_α q q̄, with the perturbative QCD correction of arXiv:1805.08567 (Bondarenko,
Boyarsky, Gorbunov & Ruchayskiy), Sec. 3 ("multi-hadron final states"), taken over from
hadronic τ decays:

    Γ_had = (1 + Δ_QCD) Σ Γ_tree(quarks),
    Δ_QCD = a + 5.2 a² + 26.4 a³,   a = α_s(m_N)/π.

Quark masses are the PDG MS-bar values of the ``particle`` package (m_c(m_c), m_b(m_b), and
the 2 GeV light-quark masses); they only matter through the c and b thresholds. Dirac N,
|U_α|² = 1 (Majorana: add the charge-conjugate channels, Γ_Maj = 2 Γ_Dirac).

Matching to the exclusive channels
----------------------------------
:func:`hadronic_width` returns the sum of the exclusive single-meson widths of
:mod:`~nuportal.physics.decays.hnl_hadronic` below ``MATCHING_LOW`` = 1 GeV, the inclusive
width above ``MATCHING_HIGH`` = 2 GeV (the range named in arXiv:1805.08567, where the exclusive
description is trusted up to ~1 GeV and the quark picture from ~2 GeV), and in between a
smooth blend

    Γ_had = (1 - w) Γ_excl + w Γ_incl,   w = 3t² - 2t³,   t = (m_N - 1 GeV)/(1 GeV),

so that every channel weight and the total are continuous (w also has a continuous first
derivative). A hard switch at m would instead jump by Γ_incl/Γ_excl - 1
(:func:`matching_discontinuity`): for α = e about +18 % at 1 GeV, +40 % at 1.5 GeV and
+120 % at 2 GeV (the single-meson sum misses multi-meson states, as in τ decays, where π and ρ
make ~60 % of the hadronic width: the same fraction as Γ_excl/Γ_incl here at m_N ≈ m_τ).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import numpy.typing as npt

from nuportal.constants import M_Z, SIN2_THETA_W, mass
from nuportal.errors import NuportalError
from nuportal.physics.decays import hnl_hadronic as had
from nuportal.physics.decays import mesons
from nuportal.physics.decays._hnl_common import (
    check_flavour,
    hnl_masses,
    lepton_mass,
    muon_decay_unit,
)
from nuportal.physics.decays.hnl_leptonic import (
    neutral_current_width,
    three_body_integral,
    z_couplings,
)
from nuportal.physics.decays.mesons import CKM

#: α_s(m_Z) in the MS-bar scheme, PDG 2024 world average (QCD review)
ALPHA_S_MZ = 0.1180
#: flavour thresholds of the running (MS-bar m_b(m_b), m_c(m_c), PDG 2024), GeV
M_BOTTOM_THRESHOLD = 4.18
M_CHARM_THRESHOLD = 1.27
#: coefficients of Δ_QCD = a + 5.2 a² + 26.4 a³ (arXiv:1805.08567, Sec. 3, from the
#: O(α_s³) result for hadronic τ decays)
QCD_COEFFICIENTS = (1.0, 5.2, 26.4)
#: below this mass (GeV) the hadronic width is the exclusive single-meson sum
MATCHING_LOW = 1.0
#: above this mass (GeV) the hadronic width is the quark-level width with QCD correction
MATCHING_HIGH = 2.0
#: lowest scale (GeV) at which α_s is evaluated (perturbative domain)
ALPHA_S_MIN_SCALE = 1.0

UP_QUARKS = ("u", "c")
DOWN_QUARKS = ("d", "s", "b")
_QUARK_PDG = {"d": 1, "u": 2, "s": 3, "c": 4, "b": 5}
_QUARK_T3 = {"u": 0.5, "c": 0.5, "d": -0.5, "s": -0.5, "b": -0.5}
_QUARK_CHARGE = {"u": 2 / 3, "c": 2 / 3, "d": -1 / 3, "s": -1 / 3, "b": -1 / 3}
_ZETA3 = 1.2020569031595942


def quark_mass(name: str) -> float:
    """PDG mass (GeV) of quark ``name`` (MS-bar, from the ``particle`` package)."""
    return mass(_QUARK_PDG[name])


def _beta_coefficients(n_f: int) -> tuple[float, float, float, float]:
    """β₀..β₃ of d a/d ln μ² = -Σ β_i a^(i+2), a = α_s/(4π) (MS-bar, four loops).

    van Ritbergen, Vermaseren & Larin, Phys. Lett. B 400 (1997) 379, arXiv:hep-ph/9701390.
    """
    b0 = 11.0 - 2.0 / 3.0 * n_f
    b1 = 102.0 - 38.0 / 3.0 * n_f
    b2 = 2857.0 / 2.0 - 5033.0 / 18.0 * n_f + 325.0 / 54.0 * n_f**2
    b3 = (
        (149753.0 / 6.0 + 3564.0 * _ZETA3)
        - (1078361.0 / 162.0 + 6508.0 / 27.0 * _ZETA3) * n_f
        + (50065.0 / 162.0 + 6472.0 / 81.0 * _ZETA3) * n_f**2
        + 1093.0 / 729.0 * n_f**3
    )
    return b0, b1, b2, b3


def _run(alpha: np.ndarray, t: np.ndarray, n_f: int, steps: int = 64) -> np.ndarray:
    """Integrate the four-loop RGE over ln μ² = t (array) from α, vectorised RK4."""
    betas = _beta_coefficients(n_f)

    def rhs(a_s: np.ndarray) -> np.ndarray:
        a = a_s / (4.0 * math.pi)
        return -4.0 * math.pi * a * a * (betas[0] + a * (betas[1] + a * (betas[2] + a * betas[3])))

    h = t / steps
    a_s = np.array(alpha, dtype=float)
    for _ in range(steps):
        k1 = rhs(a_s)
        k2 = rhs(a_s + 0.5 * h * k1)
        k3 = rhs(a_s + 0.5 * h * k2)
        k4 = rhs(a_s + h * k3)
        a_s = a_s + h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
    return a_s


@cache
def _alpha_s_at_thresholds() -> tuple[float, float]:
    """α_s at the b and c thresholds (continuous matching at μ = m_q)."""
    a_b = float(_run(np.array(ALPHA_S_MZ), np.array(2 * math.log(M_BOTTOM_THRESHOLD / M_Z)), 5))
    step = 2 * math.log(M_CHARM_THRESHOLD / M_BOTTOM_THRESHOLD)
    a_c = float(_run(np.array(a_b), np.array(step), 4))
    return a_b, a_c


def alpha_s(mu: npt.ArrayLike) -> np.ndarray:
    """Strong coupling α_s(μ) in the MS-bar scheme, four-loop running from α_s(m_Z).

    α_s(m_Z) = 0.1180 (PDG 2024); n_f = 5, 4, 3 above, between and below the b and c
    thresholds (m_b(m_b) = 4.18 GeV, m_c(m_c) = 1.27 GeV), matched continuously at μ = m_q
    (the O(α_s³) matching terms are below 1e-3 relative and neglected).

    Parameters
    ----------
    mu : array_like
        Scale(s) in GeV, at least ``ALPHA_S_MIN_SCALE`` = 1 GeV.

    Raises
    ------
    NuportalError
        For scales below 1 GeV (outside the perturbative domain), NaN or infinite values.
    """
    mu = np.asarray(mu, dtype=float)
    if not np.all(np.isfinite(mu)) or np.any(mu < ALPHA_S_MIN_SCALE):
        raise NuportalError(
            f"alpha_s needs finite scales of at least {ALPHA_S_MIN_SCALE} GeV (perturbative QCD)"
        )
    a_b, a_c = _alpha_s_at_thresholds()
    t = 2.0 * np.log(mu)
    t_z, t_b, t_c = (2.0 * math.log(v) for v in (M_Z, M_BOTTOM_THRESHOLD, M_CHARM_THRESHOLD))
    out = np.empty_like(mu)
    segments = (
        (mu >= M_BOTTOM_THRESHOLD, ALPHA_S_MZ, t_z, 5),
        ((mu < M_BOTTOM_THRESHOLD) & (mu >= M_CHARM_THRESHOLD), a_b, t_b, 4),
        (mu < M_CHARM_THRESHOLD, a_c, t_c, 3),
    )
    for sel, start, t_start, n_f in segments:
        if np.any(sel):
            out[sel] = _run(np.full(np.count_nonzero(sel), start), t[sel] - t_start, n_f)
    return out


def qcd_correction(m_n: npt.ArrayLike) -> np.ndarray:
    """Δ_QCD(m_N) = a + 5.2 a² + 26.4 a³ with a = α_s(m_N)/π (arXiv:1805.08567, Sec. 3)."""
    a = alpha_s(m_n) / math.pi
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
    tree = sum(width_lepton_quarks(m, alpha, u, d) for u in UP_QUARKS for d in DOWN_QUARKS)
    tree = tree + sum(width_nu_quarks(m, q) for q in _QUARK_T3)
    return (1.0 + qcd_correction(m)) * tree


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
    total = np.zeros_like(m)
    for name in mesons.CHARGED_PSEUDOSCALARS:
        total = total + had.width_charged_pseudoscalar(m, alpha, name)
    for name in mesons.CHARGED_VECTORS:
        total = total + had.width_charged_vector(m, alpha, name)
    for name in mesons.NEUTRAL_PSEUDOSCALARS:
        total = total + had.width_neutral_pseudoscalar(m, name)
    for name in mesons.NEUTRAL_VECTORS:
        total = total + had.width_neutral_vector(m, name)
    return total


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
