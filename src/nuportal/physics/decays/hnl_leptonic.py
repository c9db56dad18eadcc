"""Purely leptonic widths of a minimal heavy neutral lepton (mixing only).

The HNL N of mass m_N mixes with one active flavour α with |U_α|² = 1 here (every width is
proportional to |U_α|²). All widths are for a **Dirac** N decaying as a particle (lepton
number +1): N → ℓ⁻ W⁺*, N → ν Z*. A Majorana N also decays into the charge-conjugate final
states with the same width, so Γ_Maj = 2 Γ_Dirac channel by channel when each channel is
summed with its conjugate (Bondarenko, Boyarsky, Gorbunov & Ruchayskiy, arXiv:1805.08567,
Sec. 3, where the formulae are given per charge state and the conjugate channel is added
for a Majorana HNL). Lepton-number-conserving and -violating amplitudes do not interfere
for massless light neutrinos, so no further terms arise.

The four-fermion (Fermi) limit m_N ≪ m_W is used throughout; corrections are O(m_N²/m_W²).

Formulae
--------
* N → ν_α ν_β ν̄_β summed over β: Γ = G_F² m_N⁵ / (192 π³) (arXiv:1805.08567, Sec. 3.1.2;
  the β = α channel counts twice because of the two identical ν_α).
* N → ν_α f f̄ (f = charged lepton or quark, neutral current, plus the W exchange when
  f = ℓ_α): the closed form of arXiv:1805.08567, Sec. 3.1.2, written with the chiral
  couplings g_L, g_R of f to the Z (g_L → g_L + 1 for f = ℓ_α through the Fierz-rearranged
  W exchange), i.e. their C1 = g_L² + g_R², C2 = g_L g_R (C3, C4 for f = ℓ_α):

      Γ = N_c G_F² m_N⁵/(192 π³) [ (g_L² + g_R²) F₁(x) + 4 g_L g_R F₂(x) ],   x = m_f/m_N,
      F₁ = (1 - 14x² - 2x⁴ - 12x⁶) √(1-4x²) + 12 x⁴ (x⁴ - 1) L(x),
      F₂ = x² (2 + 10x² - 12x⁴) √(1-4x²) + 6 x⁴ (1 - 2x² + 2x⁴) L(x),
      L(x) = ln[(1 - 3x² - (1 - x²)√(1-4x²)) / (x² (1 + √(1-4x²)))].

* N → ℓ_α⁻ ℓ_β⁺ ν_β (α ≠ β, W exchange only): Γ = G_F² m_N⁵/(192 π³) I(x_α, 0, x_β)
  (arXiv:1805.08567, Sec. 3.1.1) with the phase-space integral :func:`three_body_integral`.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import numpy.typing as npt

from nuportal.constants import SIN2_THETA_W
from nuportal.errors import NuportalError
from nuportal.physics.decays._hnl_common import (
    check_flavour,
    hnl_masses,
    lepton_mass,
    muon_decay_unit,
)

# Gauss-Legendre nodes on θ ∈ [0, π] for the W-exchange phase-space integral; with the
# substitution of :func:`three_body_integral` the integrand is smooth and 64 nodes give
# ~1e-12 relative accuracy.
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(64)
_THETA = 0.5 * np.pi * (_GL_NODES + 1.0)
_THETA_WEIGHTS = 0.5 * np.pi * _GL_WEIGHTS


def log_function(x: npt.ArrayLike) -> np.ndarray:
    """The logarithm L(x) of the neutral-current width, in a numerically stable form.

    arXiv:1805.08567, Sec. 3.1.2 defines

        L(x) = ln[(1 - 3x² - (1 - x²) v) / (x² (1 + v))],   v = √(1 - 4x²),

    whose numerator cancels to O(x⁶) for small x (catastrophic cancellation: already at
    x = 1e-3 no correct digit survives in double precision). Rationalising the numerator,
    (1 - 3x²)² - (1 - x²)² (1 - 4x²) = 4x⁶, and using (1 + v)(1 - 3x² + (1 - x²) v) =
    (1 + v)⁴ / 4 (both sides are polynomials in v once x² = (1 - v²)/4 is inserted), the
    argument is ((1 - v)/(1 + v))² and, since 1 - v = 4x²/(1 + v),

        L(x) = 4 ln[2x / (1 + √(1 - 4x²))] = -4 artanh √(1 - 4x²),

    which has no cancellation anywhere on 0 < x ≤ 1/2 (L → 4 ln x for x → 0, L(1/2) = 0).

    Parameters
    ----------
    x : array_like
        m_f / m_N, with 0 < x ≤ 1/2.

    Returns
    -------
    numpy.ndarray
        L(x) (dimensionless, ≤ 0).
    """
    x = np.asarray(x, dtype=float)
    # 1 - 4x² = (1 - 2x)(1 + 2x) keeps full precision near the threshold x = 1/2
    v = np.sqrt(np.clip((1.0 - 2.0 * x) * (1.0 + 2.0 * x), 0.0, None))
    return 4.0 * np.log(2.0 * x / (1.0 + v))


def _threshold_series(p: tuple[int, ...], q: tuple[int, ...], terms: int = 30) -> np.ndarray:
    """Coefficients c_k of F(v)/v = Σ c_k v^(2k) for F = v p(x²) + q(x²) L(x).

    p, q are integer polynomial coefficients in x² (lowest first). With x² = (1 - v²)/4
    and L = -4 artanh v = -4 Σ v^(2k+1)/(2k+1) the expansion is exact rational arithmetic,
    so the cancelling low orders come out exactly zero.
    """

    def in_u(poly: tuple[int, ...]) -> list[Fraction]:
        out = [Fraction(0)] * terms
        for k, c in enumerate(poly):
            for j in range(k + 1):
                out[j] += Fraction(c * comb(k, j) * (-1) ** j, 4**k)
        return out

    p_u, q_u = in_u(p), in_u(q)
    artanh_over_v = [Fraction(1, 2 * k + 1) for k in range(terms)]
    coeffs = []
    for n in range(terms):
        conv = sum(q_u[i] * artanh_over_v[n - i] for i in range(n + 1))
        coeffs.append(float(p_u[n] - 4 * conv))
    return np.array(coeffs)


# F₁ = v (1 - 14x² - 2x⁴ - 12x⁶) + (12x⁸ - 12x⁴) L
# F₂ = v (2x² + 10x⁴ - 12x⁶) + (6x⁴ - 12x⁶ + 12x⁸) L
_F1_SERIES = _threshold_series((1, -14, -2, -12), (0, 0, -12, 0, 12))
_F2_SERIES = _threshold_series((0, 2, 10, -12), (0, 0, 6, -12, 12))
#: below this v = √(1 - 4x²) the threshold series replaces the closed form, whose two
#: terms cancel to O(v⁷) (F₁ → 32 v⁷/35, F₂ → 8 v⁷/35)
_SERIES_BELOW_V = 0.4


def neutral_current_functions(x: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The two kinematic functions F₁(x), F₂(x) of N → ν f f̄ (module docstring).

    Defined for 0 ≤ x ≤ 1/2 (x = m_f/m_N) and zero above the threshold x = 1/2; F₁(0) = 1,
    F₂(0) = 0 (arXiv:1805.08567, Sec. 3.1.2). L(x) is evaluated in the stable form of
    :func:`log_function`; close to threshold, where the closed form loses all digits
    (F ∝ v⁷ with v = √(1 - 4x²)), an exact power series in v is used instead (30 terms for
    v < 0.4: truncation error < 1e-20 relative).
    """
    x = np.asarray(x, dtype=float)
    open_ = x < 0.5
    xs = np.where(open_, x, 0.25)  # any value inside the domain for closed channels
    x2 = xs * xs
    v = np.sqrt((1.0 - 2.0 * xs) * (1.0 + 2.0 * xs))
    with np.errstate(divide="ignore"):
        log_l = np.where(xs > 0.0, log_function(np.where(xs > 0.0, xs, 1.0)), 0.0)
    x4 = x2 * x2
    # x⁴ L(x) → 0 for x → 0; the product is formed only where x > 0
    x4_log = np.where(xs > 0.0, x4 * log_l, 0.0)
    f1 = (1.0 - 14.0 * x2 - 2.0 * x4 - 12.0 * x4 * x2) * v + 12.0 * (x4 - 1.0) * x4_log
    f2 = x2 * (2.0 + 10.0 * x2 - 12.0 * x4) * v + 6.0 * (1.0 - 2.0 * x2 + 2.0 * x4) * x4_log
    near = v < _SERIES_BELOW_V
    u = v * v
    f1 = np.where(near, v * np.polynomial.polynomial.polyval(u, _F1_SERIES), f1)
    f2 = np.where(near, v * np.polynomial.polynomial.polyval(u, _F2_SERIES), f2)
    return np.where(open_, f1, 0.0), np.where(open_, f2, 0.0)


def neutral_current_width(
    m_n: npt.ArrayLike, m_f: float, g_left: float, g_right: float, colours: int = 1
) -> np.ndarray:
    """Γ(N → ν f f̄) in GeV for a fermion f of mass ``m_f`` with chiral couplings g_L, g_R.

    Dirac N, |U|² = 1 (arXiv:1805.08567, Sec. 3.1.2, written with g_L, g_R; see the module
    docstring). The couplings are normalised like the Z couplings T₃ - Q sin²θ_W (left) and
    -Q sin²θ_W (right), with 1 added to g_L when the W exchange of the same flavour
    interferes.

    Parameters
    ----------
    m_n : array_like
        HNL mass(es) in GeV.
    m_f : float
        Mass of f in GeV.
    g_left, g_right : float
        Chiral couplings.
    colours : int
        Number of colours of f (3 for quarks).

    Returns
    -------
    numpy.ndarray
        Width in GeV, zero below the threshold m_N = 2 m_f.
    """
    m = hnl_masses(m_n)
    f1, f2 = neutral_current_functions(m_f / m)
    bracket = (g_left**2 + g_right**2) * f1 + 4.0 * g_left * g_right * f2
    return colours * muon_decay_unit(m) * np.clip(bracket, 0.0, None)


def z_couplings(t3: float, charge: float, sin2w: float = SIN2_THETA_W) -> tuple[float, float]:
    """(g_L, g_R) = (T₃ - Q sin²θ_W, -Q sin²θ_W) of a fermion to the Z."""
    return t3 - charge * sin2w, -charge * sin2w


def width_three_neutrinos(m_n: npt.ArrayLike) -> np.ndarray:
    """Γ(N → ν_α Σ_β ν_β ν̄_β) = G_F² m_N⁵ / (192 π³) in GeV (Dirac N, |U_α|² = 1).

    Sum over the three flavours β: the Z couples to each ν_β ν̄_β with g_L = 1/2, g_R = 0
    (weight 1/4 each) and the β = α final state has two identical ν_α, doubling its weight,
    so the sum is (1/4)(1 + 1 + 2) = 1 (arXiv:1805.08567, Sec. 3.1.2). Independent of α.
    """
    m = hnl_masses(m_n)
    return muon_decay_unit(m)


def width_three_neutrinos_flavour(m_n: npt.ArrayLike, alpha: str, beta: str) -> np.ndarray:
    """Γ(N → ν_α ν_β ν̄_β) in GeV for one flavour β (Dirac N, |U_α|² = 1).

    1/4 of :func:`width_three_neutrinos` for β ≠ α and 1/2 for β = α.
    """
    check_flavour(alpha)
    check_flavour(beta)
    return (0.5 if alpha == beta else 0.25) * width_three_neutrinos(m_n)


def width_nu_lepton_pair(
    m_n: npt.ArrayLike, alpha: str, beta: str, sin2w: float = SIN2_THETA_W
) -> np.ndarray:
    """Γ(N → ν_α ℓ_β⁻ ℓ_β⁺) in GeV with the full lepton-mass dependence (Dirac N, |U_α|² = 1).

    For β ≠ α only the Z contributes (their C1, C2); for β = α the W exchange interferes
    (their C3, C4): arXiv:1805.08567, Sec. 3.1.2. For m_ℓ → 0 this tends to
    G_F² m_N⁵/(192 π³) (1/4 ∓ sin²θ_W + 2 sin⁴θ_W) (upper sign β ≠ α, lower β = α).

    Parameters
    ----------
    m_n : array_like
        HNL mass(es) in GeV.
    alpha, beta : str
        ``"e"``, ``"mu"`` or ``"tau"``: the mixing flavour and the charged-lepton pair.
    sin2w : float
        sin²θ_W (default the low-energy value of :mod:`nuportal.constants`).
    """
    check_flavour(alpha)
    g_left, g_right = z_couplings(-0.5, -1.0, sin2w)
    if alpha == beta:
        g_left += 1.0
    return neutral_current_width(m_n, lepton_mass(beta), g_left, g_right)


def three_body_integral(x: npt.ArrayLike, y: npt.ArrayLike, z: npt.ArrayLike) -> np.ndarray:
    """Phase-space integral I(x, y, z) of the W-mediated decays (arXiv:1805.08567, Sec. 3.1.1).

        I(x, y, z) = 12 ∫_{(x+y)²}^{(1-z)²} ds/s (s - x² - y²)(1 + z² - s)
                         × λ^{1/2}(s, x², y²) λ^{1/2}(1, s, z²),

    the normalised width of N → f₁ f₂ f₃ through a (V-A)×(V-A) interaction whose squared
    amplitude is ∝ (p_N·p₃)(p₁·p₂), with x, y, z = m₁, m₂, m₃ over m_N. I(0, 0, 0) = 1 and
    I(x, 0, 0) = 1 - 8x² + 8x⁶ - x⁸ - 24 x⁴ ln x (muon decay).

    The substitution s = s₋ + (s₊ - s₋)(1 - cos θ)/2 turns the square-root end points into a
    smooth integrand in θ ∈ [0, π], integrated with a fixed 64-point Gauss-Legendre rule
    (vectorised over the inputs; relative accuracy ~1e-12 except within 1e-12 of threshold).

    Parameters
    ----------
    x, y, z : array_like
        Mass ratios (broadcast together), non-negative.

    Returns
    -------
    numpy.ndarray
        I ≥ 0; zero where x + y + z ≥ 1.
    """
    x, y, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, y, z)))
    s_lo = (x + y) ** 2
    s_hi = (1.0 - z) ** 2
    # closed channels (x + y + z ≥ 1) get a zero-length interval; note (1 - z)² alone
    # would not vanish for z > 1
    span = np.where(x + y + z < 1.0, np.clip(s_hi - s_lo, 0.0, None), 0.0)
    shape = (*x.shape, 1)
    x_, y_, z_ = (v.reshape(shape) for v in (x, y, z))
    half = (0.5 * span).reshape(shape)
    s = s_lo.reshape(shape) + half * (1.0 - np.cos(_THETA))
    # (s - s_lo)(s_hi - s) = (span/2)² sin²θ; the remaining square-root factors are smooth
    smooth = np.sqrt(
        np.clip(s - (x_ - y_) ** 2, 0.0, None) * np.clip((1.0 + z_) ** 2 - s, 0.0, None)
    )
    integrand = (s - x_**2 - y_**2) * (1.0 + z_**2 - s) * smooth * (half * np.sin(_THETA)) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        integrand = np.where(s > 0.0, integrand / s, 0.0)
    return 12.0 * integrand @ _THETA_WEIGHTS


def width_charged_current_leptons(m_n: npt.ArrayLike, alpha: str, beta: str) -> np.ndarray:
    """Γ(N → ℓ_α⁻ ℓ_β⁺ ν_β) in GeV for α ≠ β, W exchange only (Dirac N, |U_α|² = 1).

    Γ = G_F² m_N⁵/(192 π³) I(x_α, 0, x_β) with x = m_ℓ/m_N (arXiv:1805.08567, Sec. 3.1.1):
    the squared amplitude is ∝ (p_N·p_ℓβ)(p_ℓα·p_ν), so ℓ_β⁺ is the third argument. With one
    lepton massless this is the muon-decay width G_F² m⁵/(192 π³) f(m_ℓ²/m_N²),
    f(r) = 1 - 8r + 8r³ - r⁴ - 12 r² ln r.

    Raises
    ------
    NuportalError
        For an unknown flavour or α = β (that final state is :func:`width_nu_lepton_pair`).
    """
    m = hnl_masses(m_n)
    if alpha == beta:
        check_flavour(alpha)
        raise NuportalError(
            "N -> l_a- l_b+ nu_b with a = b is the interference channel width_nu_lepton_pair"
        )
    x_a = lepton_mass(alpha) / m
    x_b = lepton_mass(beta) / m
    return muon_decay_unit(m) * three_body_integral(x_a, 0.0, x_b)
