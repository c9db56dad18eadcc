"""Hadronic decay widths of a light vector boson (dark photon, Z') and of a light scalar (h').

Vector boson
------------
A vector with photon-like couplings ``ε e Q_f`` decays into hadrons with the width

    Γ(V → hadrons) = Γ(V → μ⁺μ⁻)|_{m_μ → 0} · R(m_V) = ε² α m_V R(m_V) / 3,

where R(√s) = σ(e⁺e⁻ → hadrons) / σ(e⁺e⁻ → μ⁺μ⁻)_pointlike is the hadronic R-ratio
(B. Batell, M. Pospelov & A. Ritz, arXiv:0906.5614, Sec. 2; P. Ilten, Y. Soreq, M. Williams
& W. Xue, "Serendipity in dark photon searches", arXiv:1801.04847, Sec. 2; M. Buschmann,
J. Kopp, J. Liu & P. Machado, arXiv:1505.07459, Sec. 2). The vacuum-polarisation factors of
the photon cancel in the ratio, so R is the quantity a dark photon needs.

nuportal has no R-ratio data table, so :func:`r_ratio` is a *parametrisation*. Resonance
masses and total widths come from the PDG table bundled with the ``particle`` package
(ρ(770): 775.26, 147.4 MeV; ω: 782.66, 8.68 MeV; φ: 1019.46, 4.249 MeV; ρ(1450): 1465,
400 MeV); leptonic widths and branching fractions from PDG 2024 (constants below).

* ``π⁺π⁻``: the pion form factor of vector-meson dominance with Gounaris–Sakurai ρ(770) and
  ρ(1450) propagators (G. J. Gounaris & J. J. Sakurai, PRL 21 (1968) 244; the form used in
  the BaBar fit, PRD 86 (2012) 032013) and ρ–ω interference;
  ``R_ππ = β_π³ |F_π|² / 4``. The ρ(770) amplitude is normalised so that the ρ peak gives
  PDG Γ(ρ → e⁺e⁻); the ρ(1450) amplitude takes the rest of F_π(0) = 1. The ω → π⁺π⁻
  mixing strength |δ| follows from PDG B(ω → e⁺e⁻) B(ω → π⁺π⁻) with a real δ.
* ω(782) → 3π, π⁰γ and φ(1020) → K⁺K⁻, K_L K_S, 3π, ηγ, π⁰γ as relativistic Breit–Wigner
  resonances with energy-dependent partial widths, normalised to PDG Γ(V → e⁺e⁻):
  ``R_V = (9/α²) m³ Γ_ee Γ_f(s) / (√s [(s − m²)² + m² Γ(s)²])``, so that the narrow-width
  integral ∫ σ ds = 12π² Γ_ee B_f / m holds.
* Above 1.05 GeV the resonance sum is blended (cubic smooth step, continuous with continuous
  derivative) into perturbative QCD, which is used alone from 1.5 GeV on:
  ``R = Σ_q N_c Q_q² v(β_q) [1 + a + c₂ a² + c₃ a³] − 1.2395 (Σ_q Q_q)² a³``, a = α_s/π,
  c₂ = 1.9857 − 0.1152 n_f, c₃ = −6.63694 − 1.20013 n_f − 0.00518 n_f² (PDG 2024 review
  "Quantum chromodynamics", section on e⁺e⁻ → hadrons); v(β) = β(3 − β²)/2 is the Born
  velocity factor of a massive quark (mass m̄_q(m̄_q)). α_s(μ) runs at four loops from
  α_s(m_Z) = 0.1180 (PDG 2024) with three-loop decoupling at μ = m̄_q(m̄_q); R uses
  α_s^{(n_f)}(√s) with n_f = number of open flavours.
* Charm contributes from the open-charm threshold 2 m_{D⁰} on (a discontinuity, see below);
  J/ψ and ψ(2S) are optional narrow Breit–Wigners; b̄b opens at 2 m_{B⁰}, t̄t at 2 m_t.

Known limitations: the 1.05–2 GeV region (ρ(1450), ω(1420), ρ(1700), φ(1680), 4π, 6π, KK̄π)
is represented by its perturbative average (local duality), so R is wrong there by up to
~30 % point by point; the KK̄ final state has no ρ/ω contributions; ρ → π⁰γ, ηγ are
neglected (B < 10⁻³); the open-charm region 3.73–4.5 GeV (ψ(3770), ψ(4040), ψ(4160),
ψ(4415)) and the ϒ resonances are not modelled. R is discontinuous at 2 m_{D⁰}
(ΔR ≈ 1.3, where the data rise as steeply), at 2 m_{B⁰} (ΔR ≈ 0.29) and 2 m_t.

For vector couplings that are *not* proportional to the charge (B − L, a heavy Z' with
Z-like couplings, ...) see :func:`vector_hadronic_width`: the ρ (isovector, ∝ v_u − v_d),
ω (isoscalar, ∝ v_u + v_d) and φ (s̄s, ∝ v_s) pieces are rescaled separately, as in the
vector-meson-dominance treatment of Ilten et al. (arXiv:1801.04847, Sec. 2), and the
perturbative part uses the quark couplings directly (:func:`vector_quark_width`).

Scalar
------
A scalar h' mixing with the Higgs with angle θ has the Higgs couplings scaled by sin θ.
:func:`scalar_diphoton_width` is the one-loop result of A. Djouadi, Phys. Rept. 457 (2008) 1,
hep-ph/0503172, Sec. 2.3.1. :func:`scalar_hadronic_width` is the sum of

* m_{h'} < 1 GeV: h' → ππ at leading order in chiral perturbation theory with the heavy-quark
  (trace-anomaly) coupling, M. B. Voloshin, Sov. J. Nucl. Phys. 44 (1986) 478, in the form of
  F. Bezrukov & D. Gorbunov, arXiv:0912.0390, Sec. 3 (π⁺π⁻ plus π⁰π⁰);
* m_{h'} ≥ 2 GeV: perturbative h' → gg (Djouadi Sec. 2.3.2) plus h' → s̄s, c̄c, b̄b with
  MS-bar running masses (Djouadi Sec. 2.1.1);
* 1–2 GeV: a straight line in (log m, log Γ) between the two. This region has no reliable
  prediction at all: dispersive analyses (J. F. Donoghue, J. Gasser & H. Leutwyler, Nucl.
  Phys. B 343 (1990) 341; M. W. Winkler, arXiv:1809.01876) differ from both limits by
  factors of several, mostly from the f₀(980) and the KK̄ threshold.

All masses and widths in GeV.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from particle import Particle
from scipy.integrate import solve_ivp

from nuportal.constants import (
    ALPHA_EM,
    CHARGED_LEPTON_MASS,
    G_F,
    HIGGS_VEV,
    M_PI_PLUS,
    M_PI_ZERO,
    M_W,
    M_Z,
)
from nuportal.errors import NuportalError

__all__ = [
    "ALPHA_S_MZ",
    "alpha_s",
    "amplitude_fermion",
    "amplitude_vector",
    "r_ratio",
    "scalar_diphoton_width",
    "scalar_gluon_width",
    "scalar_hadronic_width",
    "scalar_pion_width",
    "scalar_quark_width",
    "vector_hadronic_width",
    "vector_quark_width",
]


def _pdg(pdgid: int) -> tuple[float, float]:
    """(mass, width) in GeV from the PDG table bundled with the ``particle`` package."""
    p = Particle.from_pdgid(pdgid)
    if p.mass is None:
        raise NuportalError(f"the particle table has no mass for PDG id {pdgid}")
    return float(p.mass) * 1e-3, float(p.width or 0.0) * 1e-3


#: strong coupling at the Z pole, MS-bar, five flavours (PDG 2024 world average)
ALPHA_S_MZ = 0.1180
#: MS-bar masses m̄_q(m̄_q) in GeV (PDG 2024 quark summary); m_s is m̄_s(2 GeV)
_MS_MS2GEV = 0.0935
_MC_MSBAR = 1.2730
_MB_MSBAR = 4.183
_MT_MSBAR = 162.5
#: pole masses in GeV used inside loop functions (PDG 2024: m_c, m_b pole from the quark
#: summary, m_t from direct measurements)
_POLE_MASS = {"c": 1.67, "b": 4.78, "t": 172.57}

_M_RHO, _G_RHO = _pdg(113)
_M_RHO2, _G_RHO2 = _pdg(100113)  # ρ(1450)
_M_OMEGA, _G_OMEGA = _pdg(223)
_M_PHI, _G_PHI = _pdg(333)
_M_JPSI, _G_JPSI = _pdg(443)
_M_PSI2S, _G_PSI2S = _pdg(100443)
_M_K_PLUS = _pdg(321)[0]
_M_K_ZERO = _pdg(311)[0]
_M_ETA = _pdg(221)[0]
_M_D_ZERO = _pdg(421)[0]
_M_B_ZERO = _pdg(511)[0]

# Leptonic widths and branching fractions, PDG 2024 (S. Navas et al., PRD 110, 030001).
_GEE_RHO = 7.04e-6  # Γ(ρ → e⁺e⁻), GeV
_B_OMEGA = {"ee": 7.38e-5, "mumu": 7.4e-5, "3pi": 0.892, "pi0gamma": 0.0833, "pipi": 0.0153}
_B_PHI = {
    "ee": 2.979e-4,
    "mumu": 2.86e-4,
    "KK": 0.491,
    "KLKS": 0.339,
    "3pi": 0.1524,
    "etagamma": 0.01303,
    "pi0gamma": 0.00132,
}
_B_JPSI = {"ee": 0.05971, "mumu": 0.05961}
_B_PSI2S = {"ee": 7.93e-3, "mumu": 8.0e-3, "tautau": 3.1e-3}

#: blending window: resonance model below _E_BLEND_LOW, perturbative QCD above _E_BLEND_HIGH
_E_BLEND_LOW = 1.05
_E_BLEND_HIGH = 1.5
#: scalar: chiral perturbation theory below, perturbative QCD above, interpolation between
_E_SCALAR_CHPT = 1.0
_E_SCALAR_PQCD = 2.0
#: largest mass for which α_s is tabulated
_MU_MAX = 1.0e5

_ZETA3 = 1.2020569031595942
_QUARKS = ("u", "d", "s", "c", "b", "t")
_CHARGE = {"u": 2 / 3, "d": -1 / 3, "s": -1 / 3, "c": 2 / 3, "b": -1 / 3, "t": 2 / 3}


# ---------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------
def _positive(value: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise NuportalError(f"{name} must be finite; got a NaN or infinite value")
    if np.any(arr <= 0.0):
        raise NuportalError(f"{name} must be positive (GeV); got {arr[arr <= 0.0].ravel()[0]}")
    if np.any(arr > _MU_MAX):
        raise NuportalError(f"{name} must be at most {_MU_MAX:g} GeV")
    return arr


def _finite(value: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise NuportalError(f"{name} must be finite; got a NaN or infinite value")
    return arr


# ---------------------------------------------------------------------------------------
# strong coupling
# ---------------------------------------------------------------------------------------
def _beta_coefficients(nf: int) -> tuple[float, float, float, float]:
    """β_i of d a / d ln μ² = −Σ β_i a^{i+2}, a = α_s/(4π) (van Ritbergen, Vermaseren &
    Larin, hep-ph/9701390)."""
    b0 = 11.0 - 2.0 / 3.0 * nf
    b1 = 102.0 - 38.0 / 3.0 * nf
    b2 = 2857.0 / 2.0 - 5033.0 / 18.0 * nf + 325.0 / 54.0 * nf**2
    b3 = (
        149753.0 / 6.0
        + 3564.0 * _ZETA3
        - (1078361.0 / 162.0 + 6508.0 / 27.0 * _ZETA3) * nf
        + (50065.0 / 162.0 + 6472.0 / 81.0 * _ZETA3) * nf**2
        + 1093.0 / 729.0 * nf**3
    )
    return b0, b1, b2, b3


def _run(alpha0: float, mu0: float, log_mu: np.ndarray, nf: int) -> np.ndarray:
    """Four-loop α_s^{(nf)} at exp(log_mu), from α_s(mu0) = alpha0 (numerical ODE)."""
    b = _beta_coefficients(nf)

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        a = y[0]
        # t = ln μ, so d a/d t = 2 d a / d ln μ²
        return np.array([-2.0 * a * a * (b[0] + a * (b[1] + a * (b[2] + a * b[3])))])

    t0 = math.log(mu0)
    out = np.empty_like(log_mu)
    for side in (log_mu < t0, log_mu >= t0):
        if not np.any(side):
            continue
        pts = log_mu[side]
        end = pts.min() if pts.min() < t0 else pts.max()
        sol = solve_ivp(
            rhs, (t0, end), [alpha0 / (4 * math.pi)], dense_output=True, rtol=1e-11, atol=0
        )
        out[side] = sol.sol(pts)[0] * 4 * math.pi
    return out


@cache
def _alpha_s_tables() -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """α_s^{(nf)}(μ), nf = 3..6, tabulated on a grid in ln μ from 0.8 GeV to _MU_MAX.

    Five-flavour running from α_s(m_Z); lower (higher) n_f theories by three-loop MS-bar
    decoupling at μ = m̄_q(m̄_q): α^{(n−1)} = α^{(n)} [1 + (11/72)(α^{(n)}/π)²]
    (K. G. Chetyrkin, B. A. Kniehl & M. Steinhauser, hep-ph/9706430).
    """
    grid = np.linspace(math.log(0.8), math.log(_MU_MAX), 1201)
    table = {5: _run(ALPHA_S_MZ, M_Z, grid, 5)}

    def match_down(alpha_high: float) -> float:
        return alpha_high * (1.0 + 11.0 / 72.0 * (alpha_high / math.pi) ** 2)

    def match_up(alpha_low: float) -> float:
        # invert match_down by fixed-point iteration (converges in a few steps)
        value = alpha_low
        for _ in range(20):
            value = alpha_low / (1.0 + 11.0 / 72.0 * (value / math.pi) ** 2)
        return value

    a5_mb = float(np.interp(math.log(_MB_MSBAR), grid, table[5]))
    a4_mb = match_down(a5_mb)
    table[4] = _run(a4_mb, _MB_MSBAR, grid, 4)
    a4_mc = float(np.interp(math.log(_MC_MSBAR), grid, table[4]))
    table[3] = _run(match_down(a4_mc), _MC_MSBAR, grid, 3)
    a5_mt = float(np.interp(math.log(_MT_MSBAR), grid, table[5]))
    table[6] = _run(match_up(a5_mt), _MT_MSBAR, grid, 6)
    return grid, table


def alpha_s(mu: ArrayLike, n_flavours: int | None = None) -> np.ndarray:
    """Strong coupling α_s(μ) in the MS-bar scheme.

    Four-loop running (numerical solution of the renormalisation-group equation) from
    α_s(m_Z) = 0.1180 (PDG 2024), three-loop decoupling at the MS-bar masses
    m̄_c = 1.273 GeV, m̄_b = 4.183 GeV, m̄_t = 162.5 GeV.

    Parameters
    ----------
    mu : array_like
        Renormalisation scale in GeV, 0.8 GeV ≤ μ ≤ 10⁵ GeV.
    n_flavours : int, optional
        Number of active flavours (3 to 6). By default the number of quarks with
        m̄_q(m̄_q) < μ (at least 3).

    Returns
    -------
    numpy.ndarray
        α_s(μ).
    """
    mu = _positive(mu, "renormalisation scale")
    if np.any(mu < 0.8):
        raise NuportalError("α_s is tabulated only for μ ≥ 0.8 GeV (perturbative QCD)")
    grid, table = _alpha_s_tables()
    log_mu = np.log(mu)
    if n_flavours is None:
        nf = 3 + (mu > _MC_MSBAR) + (mu > _MB_MSBAR) + (mu > _MT_MSBAR)
    else:
        if n_flavours not in table:
            raise NuportalError(f"n_flavours must be 3, 4, 5 or 6; got {n_flavours}")
        nf = np.full(mu.shape, n_flavours)
    out = np.empty(mu.shape)
    for n in (3, 4, 5, 6):
        sel = nf == n
        out[sel] = np.interp(log_mu[sel], grid, table[n])
    return out


# ---------------------------------------------------------------------------------------
# perturbative R
# ---------------------------------------------------------------------------------------
def _open_quarks(sqrt_s: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean masks: which quark pairs are produced at √s (open-flavour thresholds)."""
    true = np.ones(sqrt_s.shape, dtype=bool)
    return {
        "u": true,
        "d": true,
        "s": true,
        "c": sqrt_s > 2.0 * _M_D_ZERO,
        "b": sqrt_s > 2.0 * _M_B_ZERO,
        "t": sqrt_s > 2.0 * _POLE_MASS["t"],
    }


_THRESHOLD_MASS = {"u": 0.0, "d": 0.0, "s": 0.0, "c": _MC_MSBAR, "b": _MB_MSBAR}
_THRESHOLD_MASS["t"] = _POLE_MASS["t"]


def _qcd_series(a: np.ndarray, nf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-singlet factor 1 + a + c₂a² + c₃a³ and singlet coefficient of (Σ v_q)² (PDG 2024
    QCD review; K. G. Chetyrkin, A. L. Kataev & F. V. Tkachov, PLB 85 (1979)
    277; S. G. Gorishny, A. L. Kataev & S. A. Larin, PLB 259 (1991) 144)."""
    c2 = 1.9857 - 0.1152 * nf
    c3 = -6.63694 - 1.20013 * nf - 0.00518 * nf**2
    return 1.0 + a * (1.0 + a * (c2 + a * c3)), -1.2395 * a**3


def _r_perturbative(
    sqrt_s: np.ndarray, vector: Mapping[str, float], axial: Mapping[str, float]
) -> np.ndarray:
    """Perturbative R for quark couplings v_q, a_q in units of e (photon: v_q = Q_q)."""
    opened = _open_quarks(sqrt_s)
    nf = np.sum([m.astype(int) for m in opened.values()], axis=0)
    # α_s in the theory whose active flavours are the open ones
    a = np.empty(sqrt_s.shape)
    grid, table = _alpha_s_tables()
    for n in (3, 4, 5, 6):
        sel = nf == n
        a[sel] = np.interp(np.log(np.maximum(sqrt_s[sel], 0.8)), grid, table[n]) / math.pi
    non_singlet, singlet = _qcd_series(a, nf)
    born = np.zeros(sqrt_s.shape)
    v_sum = np.zeros(sqrt_s.shape)
    for q in _QUARKS:
        v, ax = vector.get(q, 0.0), axial.get(q, 0.0)
        if v == 0.0 and ax == 0.0:
            continue
        mask = opened[q]
        beta2 = np.clip(1.0 - 4.0 * _THRESHOLD_MASS[q] ** 2 / sqrt_s**2, 0.0, None)
        beta = np.sqrt(beta2)
        born += np.where(mask, 3.0 * (v**2 * beta * (3.0 - beta2) / 2.0 + ax**2 * beta**3), 0.0)
        v_sum += np.where(mask, v, 0.0)
    return born * non_singlet + singlet * v_sum**2


# ---------------------------------------------------------------------------------------
# resonance (vector-meson-dominance) part
# ---------------------------------------------------------------------------------------
def _momentum(s: np.ndarray, m1: float, m2: float) -> np.ndarray:
    """Two-body break-up momentum at invariant mass √s (zero below threshold)."""
    lam = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)
    lam = np.where(s > (m1 + m2) ** 2, lam, 0.0)
    return np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * np.sqrt(s))


def _gs_h(s: np.ndarray | float, k: np.ndarray | float) -> np.ndarray:
    root = np.sqrt(s)
    return 2.0 / math.pi * k / root * np.log((root + 2.0 * k) / (2.0 * M_PI_PLUS))


def _gounaris_sakurai(s: np.ndarray, mass: float, width: float) -> np.ndarray:
    """Gounaris–Sakurai propagator normalised to 1 at s = 0 (PRL 21 (1968) 244).

    BW(s) = m²(1 + dΓ/m) / (m² − s + f(s) − i m Γ(s)), Γ(s) = Γ (k/k_m)³ (m/√s).
    """
    m2 = mass * mass
    km = float(_momentum(np.array(m2), M_PI_PLUS, M_PI_PLUS))
    hm = float(_gs_h(m2, km))
    dhm = hm * (1.0 / (8.0 * km * km) - 1.0 / (2.0 * m2)) + 1.0 / (2.0 * math.pi * m2)
    k = _momentum(s, M_PI_PLUS, M_PI_PLUS)
    f = width * m2 / km**3 * (k * k * (_gs_h(s, k) - hm) + (m2 - s) * km * km * dhm)
    d = (
        3.0 / math.pi * M_PI_PLUS**2 / km**2 * math.log((mass + 2.0 * km) / (2.0 * M_PI_PLUS))
        + mass / (2.0 * math.pi * km)
        - M_PI_PLUS**2 * mass / (math.pi * km**3)
    )
    gamma_s = width * (k / km) ** 3 * mass / np.sqrt(s)
    return m2 * (1.0 + d * width / mass) / (m2 - s + f - 1j * mass * gamma_s)


@cache
def _three_pion_table() -> tuple[np.ndarray, np.ndarray]:
    """Phase-space integral of |p₊ × p₋|² over the 3π Dalitz plot (the G-parity-allowed
    V → π⁺π⁻π⁰ matrix element without ρ propagators), divided by M³, on a grid in M."""
    threshold = 2.0 * M_PI_PLUS + M_PI_ZERO
    masses = np.linspace(threshold, 1.6, 400)
    n = 160
    u = (np.arange(n) + 0.5) / n
    out = np.zeros_like(masses)
    for i, big_m in enumerate(masses[1:], start=1):
        lo = (M_PI_PLUS + M_PI_ZERO) ** 2
        hi = (big_m - M_PI_PLUS) ** 2
        s1 = lo + (hi - lo) * u[:, None]
        s2 = lo + (hi - lo) * u[None, :]
        e_minus = (big_m**2 + M_PI_PLUS**2 - s1) / (2 * big_m)
        e_plus = (big_m**2 + M_PI_PLUS**2 - s2) / (2 * big_m)
        e_zero = big_m - e_plus - e_minus
        p_plus2 = e_plus**2 - M_PI_PLUS**2
        p_minus2 = e_minus**2 - M_PI_PLUS**2
        p_zero2 = e_zero**2 - M_PI_ZERO**2
        dot = 0.5 * (p_zero2 - p_plus2 - p_minus2)
        cross2 = np.clip(p_plus2 * p_minus2 - dot**2, 0.0, None)
        cross2[(p_plus2 < 0) | (p_minus2 < 0) | (p_zero2 < 0)] = 0.0
        out[i] = cross2.mean() * (hi - lo) ** 2 / big_m**3
    return masses, out


def _three_pion(sqrt_s: np.ndarray, mass: float) -> np.ndarray:
    """Energy dependence Γ_3π(√s)/Γ_3π(m) of a vector's 3π width."""
    grid, values = _three_pion_table()
    ref = np.interp(mass, grid, values)
    return np.interp(sqrt_s, grid, values, right=values[-1]) / ref


def _p_wave(s: np.ndarray, mass: float, m1: float, m2: float) -> np.ndarray:
    """Γ(√s)/Γ(m) of a vector decaying to two pseudoscalars: (k/k_m)³ m²/s."""
    km = float(_momentum(np.array(mass * mass), m1, m2))
    return (_momentum(s, m1, m2) / km) ** 3 * mass * mass / s


def _radiative(s: np.ndarray, mass: float, m1: float) -> np.ndarray:
    """Γ(√s)/Γ(m) of V → Pγ (magnetic dipole): (k/k_m)³."""
    km = float(_momentum(np.array(mass * mass), m1, 0.0))
    return (_momentum(s, m1, 0.0) / km) ** 3


def _omega_widths(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Γ_hadrons-except-ππ(s), Γ_total(s)) of the ω(782) in GeV."""
    b = _B_OMEGA
    root = np.sqrt(s)
    f3 = b["3pi"] * _three_pion(root, _M_OMEGA)
    fg = b["pi0gamma"] * _radiative(s, _M_OMEGA, M_PI_ZERO)
    fpp = b["pipi"] * _p_wave(s, _M_OMEGA, M_PI_PLUS, M_PI_PLUS)
    rest = 1.0 - b["3pi"] - b["pi0gamma"] - b["pipi"]
    return _G_OMEGA * (f3 + fg), _G_OMEGA * (f3 + fg + fpp + rest)


def _phi_widths(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Γ_hadrons(s), Γ_total(s)) of the φ(1020) in GeV."""
    b = _B_PHI
    root = np.sqrt(s)
    had = (
        b["KK"] * _p_wave(s, _M_PHI, _M_K_PLUS, _M_K_PLUS)
        + b["KLKS"] * _p_wave(s, _M_PHI, _M_K_ZERO, _M_K_ZERO)
        + b["3pi"] * _three_pion(root, _M_PHI)
        + b["etagamma"] * _radiative(s, _M_PHI, _M_ETA)
        + b["pi0gamma"] * _radiative(s, _M_PHI, M_PI_ZERO)
    )
    rest = 1.0 - (b["KK"] + b["KLKS"] + b["3pi"] + b["etagamma"] + b["pi0gamma"])
    return _G_PHI * had, _G_PHI * (had + rest)


def _r_breit_wigner(
    s: np.ndarray, mass: float, gamma_ee: float, gamma_f: np.ndarray, gamma_tot: np.ndarray
) -> np.ndarray:
    """R of e⁺e⁻ → V → f, (9/α²) m³ Γ_ee Γ_f(s) / (√s [(s − m²)² + m² Γ(s)²])."""
    m2 = mass * mass
    den = (s - m2) ** 2 + m2 * gamma_tot**2
    return 9.0 / ALPHA_EM**2 * mass**3 * gamma_ee * gamma_f / (np.sqrt(s) * den)


@cache
def _rho_parameters() -> tuple[float, float, complex]:
    """(c_ρ, c_ρ', δ): F_π = c_ρ BW_ρ (1 + δ s/m_ω² BW_ω) + c_ρ' BW_ρ'.

    c_ρ + c_ρ' = 1 (charge normalisation, F_π(0) = 1); |F_π(m_ρ²)|² without the ω equals
    the value 36 B(ρ→ee) / (α² β_π³) that makes the ρ peak reproduce PDG Γ(ρ → e⁺e⁻);
    |δ| reproduces PDG B(ω → e⁺e⁻) B(ω → π⁺π⁻) at the ω peak (δ taken real).
    """
    s = np.array(_M_RHO**2)
    beta3 = (1.0 - 4.0 * M_PI_PLUS**2 / s) ** 1.5
    target = 36.0 * (_GEE_RHO / _G_RHO) / (ALPHA_EM**2 * beta3)
    big_a = complex(_gounaris_sakurai(s, _M_RHO, _G_RHO))
    big_b = complex(_gounaris_sakurai(s, _M_RHO2, _G_RHO2))
    diff = big_a - big_b
    qa = abs(diff) ** 2
    qb = 2.0 * (diff * big_b.conjugate()).real
    qc = abs(big_b) ** 2 - target
    c_rho = (-qb + math.sqrt(qb * qb - 4 * qa * qc)) / (2 * qa)
    # ω → ππ strength
    s_w = np.array(_M_OMEGA**2)
    f_rho = c_rho * complex(_gounaris_sakurai(s_w, _M_RHO, _G_RHO)) + (1.0 - c_rho) * complex(
        _gounaris_sakurai(s_w, _M_RHO2, _G_RHO2)
    )
    beta3_w = (1.0 - 4.0 * M_PI_PLUS**2 / s_w) ** 1.5
    peak_ff2 = 36.0 * _B_OMEGA["ee"] * _B_OMEGA["pipi"] / (ALPHA_EM**2 * beta3_w)
    delta = math.sqrt(peak_ff2) / (abs(f_rho) * _M_OMEGA / _G_OMEGA)
    return c_rho, 1.0 - c_rho, complex(delta)


def _pion_form_factor(s: np.ndarray, xi_rho: float, xi_omega: float) -> np.ndarray:
    """F_π(s) for an isovector weight ξ_ρ and an isoscalar weight ξ_ω (photon: 1, 1)."""
    c_rho, c_rho2, delta = _rho_parameters()
    bw_rho = _gounaris_sakurai(s, _M_RHO, _G_RHO)
    m2 = _M_OMEGA**2
    _, gamma_w = _omega_widths(s)
    bw_omega = m2 / (m2 - s - 1j * _M_OMEGA * gamma_w)
    rho_part = c_rho * bw_rho + c_rho2 * _gounaris_sakurai(s, _M_RHO2, _G_RHO2)
    return xi_rho * rho_part + xi_omega * c_rho * bw_rho * delta * s / m2 * bw_omega


def _r_resonances(
    sqrt_s: np.ndarray, xi_rho: float, xi_omega: float, xi_phi: float
) -> dict[str, np.ndarray]:
    """Resonance contributions to R (ππ, ω non-ππ, φ) at √s < _E_BLEND_HIGH."""
    s = sqrt_s**2
    out = {"pipi": np.zeros(s.shape), "omega": np.zeros(s.shape), "phi": np.zeros(s.shape)}
    above = sqrt_s > 2.0 * M_PI_PLUS
    if np.any(above) and (xi_rho != 0.0 or xi_omega != 0.0):
        sa = s[above]
        beta3 = (1.0 - 4.0 * M_PI_PLUS**2 / sa) ** 1.5
        out["pipi"][above] = beta3 / 4.0 * np.abs(_pion_form_factor(sa, xi_rho, xi_omega)) ** 2
    if xi_omega != 0.0:
        gamma_f, gamma_tot = _omega_widths(s)
        gamma_ee = _B_OMEGA["ee"] * _G_OMEGA
        out["omega"] = xi_omega**2 * _r_breit_wigner(s, _M_OMEGA, gamma_ee, gamma_f, gamma_tot)
    if xi_phi != 0.0:
        gamma_f, gamma_tot = _phi_widths(s)
        gamma_ee = _B_PHI["ee"] * _G_PHI
        out["phi"] = xi_phi**2 * _r_breit_wigner(s, _M_PHI, gamma_ee, gamma_f, gamma_tot)
    return out


def _r_charmonium(sqrt_s: np.ndarray, xi_c: float) -> np.ndarray:
    """J/ψ and ψ(2S) as fixed-width Breit–Wigners into hadrons (PDG 2024 Γ_ee, B_ℓℓ)."""
    s = sqrt_s**2
    total = np.zeros(s.shape)
    for mass, width, br in ((_M_JPSI, _G_JPSI, _B_JPSI), (_M_PSI2S, _G_PSI2S, _B_PSI2S)):
        had = width * (1.0 - sum(br.values()))
        full = np.full(s.shape, 1.0)
        total += _r_breit_wigner(s, mass, br["ee"] * width, had * full, width * full)
    return xi_c**2 * total


def _smooth_step(x: np.ndarray) -> np.ndarray:
    t = np.clip(x, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _r_general(
    sqrt_s: np.ndarray,
    vector: Mapping[str, float],
    axial: Mapping[str, float],
    charmonium: bool,
) -> np.ndarray:
    """R for quark couplings (v_q, a_q) in units of e; see :func:`vector_hadronic_width`."""
    xi_rho = vector.get("u", 0.0) - vector.get("d", 0.0)
    xi_omega = 3.0 * (vector.get("u", 0.0) + vector.get("d", 0.0))
    xi_phi = -3.0 * vector.get("s", 0.0)
    weight = _smooth_step((sqrt_s - _E_BLEND_LOW) / (_E_BLEND_HIGH - _E_BLEND_LOW))
    out = np.zeros(sqrt_s.shape)
    low = sqrt_s < _E_BLEND_HIGH
    if np.any(low):
        parts = _r_resonances(sqrt_s[low], xi_rho, xi_omega, xi_phi)
        out[low] = (1.0 - weight[low]) * sum(parts.values())
    high = sqrt_s > _E_BLEND_LOW
    if np.any(high):
        out[high] += weight[high] * _r_perturbative(sqrt_s[high], vector, axial)
    if charmonium and vector.get("c", 0.0) != 0.0 and np.any(high):
        # faded in with the perturbative weight, so that the far tails (R ∝ 1/√s) vanish
        # below 1.05 GeV; at 1.5 GeV they amount to R ≈ 3e-5
        out[high] += weight[high] * _r_charmonium(sqrt_s[high], 1.5 * vector["c"])
    return out


def r_ratio(sqrt_s: ArrayLike, *, charmonium: bool = True) -> np.ndarray:
    """Hadronic R-ratio R(√s) = σ(e⁺e⁻ → hadrons) / σ(e⁺e⁻ → μ⁺μ⁻)_pointlike.

    A parametrisation (see the module docstring): vector-meson dominance below 1.05 GeV
    (ππ with Gounaris–Sakurai ρ(770), ρ(1450) and ρ–ω interference; ω → 3π, π⁰γ;
    φ → KK̄, 3π, ηγ, π⁰γ; normalised to PDG 2024 Γ(V → e⁺e⁻)), perturbative QCD to
    O(α_s³) from 1.5 GeV, a C¹ blend in between, open charm from 2 m_{D⁰}, and optionally
    the J/ψ and ψ(2S). Final states containing π⁰γ or ηγ count as hadrons.

    Parameters
    ----------
    sqrt_s : array_like
        Centre-of-mass energy √s in GeV (any positive value up to 10⁵ GeV; R = 0 below
        the π⁰γ threshold). Intended range: up to 10 GeV (no ϒ resonances).
    charmonium : bool, optional
        Include the J/ψ and ψ(2S) narrow resonances (default ``True``).

    Returns
    -------
    numpy.ndarray
        R (dimensionless), same shape as ``sqrt_s``.

    Raises
    ------
    NuportalError
        If ``sqrt_s`` contains NaN, infinite, non-positive values or values above 10⁵ GeV.

    Examples
    --------
    >>> from nuportal.physics.decays.hadrons import r_ratio
    >>> r_ratio([0.775, 1.019461, 3.0]).round(2)
    array([12.14, 50.81,  2.17])
    """
    root = _positive(sqrt_s, "√s")
    flat = root.ravel()
    charges = {q: _CHARGE[q] for q in _QUARKS}
    return _r_general(flat, charges, {}, charmonium).reshape(root.shape)


# ---------------------------------------------------------------------------------------
# vector boson widths
# ---------------------------------------------------------------------------------------
def _couplings_in_e(
    chiral: Any, coupling_ratio: float
) -> tuple[dict[str, float], dict[str, float]]:
    """(v_q/e, a_q/e) from a VectorBoson or a mapping quark -> (c_L, c_R)."""
    mapping = getattr(chiral, "chiral", chiral)
    if not isinstance(mapping, Mapping):
        raise NuportalError(
            "chiral must be a VectorBoson or a mapping quark -> (c_L, c_R); "
            f"got {type(chiral).__name__}"
        )
    unknown = set(mapping) - set(_QUARKS) - {"e", "mu", "tau"}
    if unknown:
        raise NuportalError(
            f"unknown fermion(s) {sorted(unknown)} in chiral couplings; allowed quarks: "
            + ", ".join(_QUARKS)
        )
    e = math.sqrt(4.0 * math.pi * ALPHA_EM)
    vector, axial = {}, {}
    for q in _QUARKS:
        c_l, c_r = (float(x) for x in mapping.get(q, (0.0, 0.0)))
        if not (math.isfinite(c_l) and math.isfinite(c_r)):
            raise NuportalError(f"coupling of quark {q!r} must be finite")
        vector[q] = coupling_ratio * 0.5 * (c_l + c_r) / e
        axial[q] = coupling_ratio * 0.5 * (c_l - c_r) / e
    return vector, axial


def _check_ratio(coupling_ratio: float) -> float:
    value = float(coupling_ratio)
    if not math.isfinite(value):
        raise NuportalError("coupling_ratio must be finite")
    return value


def vector_hadronic_width(
    mass: ArrayLike,
    coupling_ratio: float = 1.0,
    *,
    chiral: Any = None,
    charmonium: bool = True,
) -> np.ndarray:
    """Width Γ(V → hadrons) of a neutral vector boson, in GeV.

    Photon-like couplings (``chiral=None``): the boson couples as ``ε e Q_f`` with
    ε = ``coupling_ratio`` and

        Γ = Γ(V → μ⁺μ⁻)|_{m_μ=0} R(m_V) = ε² α m_V R(m_V) / 3

    (Ilten, Soreq, Williams & Xue, arXiv:1801.04847, Sec. 2; Buschmann, Kopp, Liu &
    Machado, arXiv:1505.07459, Sec. 2), exact for any coupling proportional to the
    electric charge, resonances included.

    General vector couplings (``chiral`` given): quark vector couplings v_q and axial
    couplings a_q (in units of e) enter as follows.

    * Resonance region (m_V < 1.5 GeV, blended as in :func:`r_ratio`): the isovector
      ρ amplitude is weighted by ξ_ρ = v_u − v_d, the isoscalar ω amplitude (also in ω → ππ)
      by ξ_ω = 3(v_u + v_d) and the φ by ξ_φ = −3 v_s, which are 1 for the photon (the
      vector-meson-dominance decomposition of arXiv:1801.04847, Sec. 2; flavour-SU(3) and
      ideal ω–φ mixing assumed). Axial light-quark couplings give resonances (a₁ → 3π,
      f₁, ...) that are **not** modelled; they enter only through the perturbative width,
      faded in with the same weight.
    * Perturbative region: :func:`vector_quark_width` (massive Born term for c, b, t times
      the O(α_s³) non-singlet QCD factor; vector singlet term included).
    * J/ψ, ψ(2S) weighted by (3 v_c / 2)².

    Parameters
    ----------
    mass : array_like
        Boson mass m_V in GeV (0 < m_V ≤ 10⁵).
    coupling_ratio : float, optional
        Dark photon: the kinetic-mixing parameter ε. With ``chiral``: a common factor
        multiplying all couplings (default 1).
    chiral : VectorBoson or Mapping[str, tuple[float, float]], optional
        Quark couplings (c_L, c_R) in the convention of :mod:`nuportal.models.couplings`,
        ``L = −V_μ f̄ γ^μ (c_L P_L + c_R P_R) f``; a :class:`VectorBoson` may be given.
        Quarks not listed have zero coupling; lepton entries are ignored.
    charmonium : bool, optional
        Include J/ψ and ψ(2S) (default ``True``).

    Returns
    -------
    numpy.ndarray
        Γ(V → hadrons) in GeV, same shape as ``mass``.

    Raises
    ------
    NuportalError
        For NaN, non-positive or too large masses, a non-finite ``coupling_ratio`` or
        malformed couplings.
    """
    m = _positive(mass, "vector boson mass")
    ratio = _check_ratio(coupling_ratio)
    flat = m.ravel()
    if np.all(flat <= M_PI_ZERO):  # below the lightest hadronic state (π⁰γ): nothing to do
        return np.zeros(m.shape)
    if chiral is None:
        vector = {q: _CHARGE[q] for q in _QUARKS}
        r = _r_general(flat, vector, {}, charmonium) * ratio**2
    else:
        vector, axial = _couplings_in_e(chiral, ratio)
        r = _r_general(flat, vector, axial, charmonium)
    return (ALPHA_EM * flat * r / 3.0).reshape(m.shape)


def vector_quark_width(mass: ArrayLike, chiral: Any, coupling_ratio: float = 1.0) -> np.ndarray:
    """Perturbative width Σ_q Γ(V → q q̄) of a vector boson, in GeV.

        Γ = Σ_q N_c m/(12π) β_q [v_q² (3 − β_q²)/2 + a_q² β_q²] (1 + a + c₂a² + c₃a³)
            − (α m / 3) · 1.2395 a³ (Σ_q v_q / e)²,

    a = α_s(m)/π with the open flavours active; v = (c_L + c_R)/2, a_q = (c_L − c_R)/2;
    quark q counts above its open-flavour threshold (2 m_{D⁰}, 2 m_{B⁰}, 2 m_t; u, d, s
    massless) with β_q from m̄_q(m̄_q) (m_t pole). QCD factor: PDG 2024 QCD review
    (non-singlet, also used for the axial part, whose singlet and
    mass-dependent O(α_s) terms are neglected). Meaningful for m ≳ 1.5–2 GeV only; below,
    use :func:`vector_hadronic_width`.

    Parameters
    ----------
    mass : array_like
        Boson mass in GeV.
    chiral : VectorBoson or Mapping[str, tuple[float, float]]
        Quark couplings (c_L, c_R) (see :func:`vector_hadronic_width`).
    coupling_ratio : float, optional
        Common factor multiplying all couplings.

    Returns
    -------
    numpy.ndarray
        Width in GeV.
    """
    m = _positive(mass, "vector boson mass")
    if np.any(m < 0.8):
        raise NuportalError("the perturbative quark width needs mass ≥ 0.8 GeV")
    vector, axial = _couplings_in_e(chiral, _check_ratio(coupling_ratio))
    flat = m.ravel()
    r = _r_perturbative(flat, vector, axial)
    return (ALPHA_EM * flat * r / 3.0).reshape(m.shape)


# ---------------------------------------------------------------------------------------
# scalar widths
# ---------------------------------------------------------------------------------------
def _f_loop(tau: np.ndarray) -> np.ndarray:
    """f(τ) of Djouadi hep-ph/0503172 Sec. 2.3.1: arcsin²√τ (τ ≤ 1), else
    −¼ [ln((1 + √(1 − 1/τ)) / (1 − √(1 − 1/τ))) − iπ]²."""
    tau = np.asarray(tau, dtype=float)
    out = np.empty(tau.shape, dtype=complex)
    below = tau <= 1.0
    out[below] = np.arcsin(np.sqrt(tau[below])) ** 2
    big = tau[~below]
    root = np.sqrt(1.0 - 1.0 / big)
    # ln((1 + r)/(1 − r)) = 2 ln(1 + r) + ln τ, stable for τ ≫ 1
    log_ratio = 2.0 * np.log1p(root) + np.log(big)
    out[~below] = -0.25 * (log_ratio - 1j * math.pi) ** 2
    return out


def _tau(value: ArrayLike) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0.0):
        raise NuportalError("τ = m²/(4 m_loop²) must be positive and finite")
    return arr


def amplitude_fermion(tau: ArrayLike) -> np.ndarray:
    """Spin-½ loop amplitude A_{1/2}(τ) = 2 [τ + (τ − 1) f(τ)] / τ², τ = m_h²/(4 m_f²).

    Djouadi, hep-ph/0503172, Sec. 2.3.1; A_{1/2} → 4/3 for τ → 0 (heavy fermion).
    """
    tau = _tau(tau)
    return 2.0 * (tau + (tau - 1.0) * _f_loop(tau)) / tau**2


def amplitude_vector(tau: ArrayLike) -> np.ndarray:
    """Spin-1 loop amplitude A_1(τ) = −[2τ² + 3τ + 3(2τ − 1) f(τ)] / τ², τ = m_h²/(4 m_W²).

    Djouadi, hep-ph/0503172, Sec. 2.3.1; A_1 → −7 for τ → 0.
    """
    tau = _tau(tau)
    return -(2.0 * tau**2 + 3.0 * tau + 3.0 * (2.0 * tau - 1.0) * _f_loop(tau)) / tau**2


def _scalar_inputs(mass: ArrayLike, sin_theta: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    m = _positive(mass, "scalar mass")
    st = _finite(sin_theta, "sin θ")
    if np.any(np.abs(st) > 1.0):
        raise NuportalError("sin θ must lie in [-1, 1]")
    m, st = np.broadcast_arrays(m, st)
    return m.astype(float), st.astype(float)


def scalar_diphoton_width(mass: ArrayLike, sin_theta: ArrayLike) -> np.ndarray:
    """Γ(h' → γγ) in GeV of a scalar mixing with the Higgs by angle θ.

        Γ = sin²θ G_F α² m³ / (128 √2 π³) |Σ_f N_c Q_f² A_{1/2}(τ_f) + A_1(τ_W)|²

    (Djouadi, hep-ph/0503172, Sec. 2.3.1), at leading order with α = α(0) (real photons).
    Loops: W, t, b, c (pole masses 172.57, 4.78, 1.67 GeV), τ, μ, e. The u, d, s loops are
    omitted: below ~2 GeV the light-quark loop is replaced by hadronic (π±, K±) loops that
    are not modelled here, which makes the result uncertain by O(1) for m_{h'} ≲ 1.5 GeV.
    No QCD corrections (they change the SM Higgs width by ≈ −0.2 %, electroweak ones by
    ≈ −1.5 %, LHC Higgs XS WG, arXiv:1610.07922, Sec. I.4).

    Parameters
    ----------
    mass : array_like
        Scalar mass m_{h'} in GeV.
    sin_theta : array_like
        Sine of the Higgs mixing angle (broadcast against ``mass``).

    Returns
    -------
    numpy.ndarray
        Width in GeV.
    """
    m, st = _scalar_inputs(mass, sin_theta)
    amp = amplitude_vector(m**2 / (4.0 * M_W**2))
    loops = [(_POLE_MASS[q], 3.0 * _CHARGE[q] ** 2) for q in ("t", "b", "c")]
    loops += [(mass_l, 1.0) for mass_l in CHARGED_LEPTON_MASS.values()]
    for mass_f, weight in loops:
        amp = amp + weight * amplitude_fermion(m**2 / (4.0 * mass_f**2))
    pref = G_F * ALPHA_EM**2 * m**3 / (128.0 * math.sqrt(2.0) * math.pi**3)
    return st**2 * pref * np.abs(amp) ** 2


def scalar_pion_width(mass: ArrayLike, sin_theta: ArrayLike) -> np.ndarray:
    """Γ(h' → ππ) (π⁺π⁻ + π⁰π⁰) in GeV at leading order in chiral perturbation theory.

        Γ = 3 sin²θ m³ / (32 π v²) (2/9 + 11 m_π² / (9 m²))² √(1 − 4 m_π²/m²)

    (Voloshin, Sov. J. Nucl. Phys. 44 (1986) 478; Bezrukov & Gorbunov, arXiv:0912.0390,
    Sec. 3), v = 246.2 GeV, m_π = m_{π±}. Valid near threshold, m ≲ 0.6 GeV; at 1 GeV
    the ππ S-wave rescattering (f₀(500), f₀(980)) changes the width by a factor of several
    (Winkler, arXiv:1809.01876). Zero below 2 m_π.

    Parameters
    ----------
    mass, sin_theta : array_like
        Scalar mass in GeV and sine of the mixing angle.

    Returns
    -------
    numpy.ndarray
        Width in GeV.
    """
    m, st = _scalar_inputs(mass, sin_theta)
    r = np.clip(M_PI_PLUS**2 / m**2, 0.0, 0.25)
    beta = np.sqrt(np.clip(1.0 - 4.0 * M_PI_PLUS**2 / m**2, 0.0, None))
    width = 3.0 * m**3 / (32.0 * math.pi * HIGGS_VEV**2) * (2.0 / 9.0 + 11.0 / 9.0 * r) ** 2
    return st**2 * width * beta


def _running_mass(mu: np.ndarray, m_ref: float, mu_ref: float, nf: int) -> np.ndarray:
    """Two-loop MS-bar running m(μ) = m(μ_ref) c(α(μ))/c(α(μ_ref)) at fixed n_f,
    c(a) = a^{γ₀/β₀} [1 + (γ₁/β₀ − β₁γ₀/β₀²) a], a = α_s/π (K. G. Chetyrkin,
    hep-ph/9703278, truncated at two loops)."""
    b0 = (11.0 - 2.0 / 3.0 * nf) / 4.0
    b1 = (102.0 - 38.0 / 3.0 * nf) / 16.0
    g0 = 1.0
    g1 = (202.0 / 3.0 - 20.0 / 9.0 * nf) / 16.0

    def c(a: np.ndarray) -> np.ndarray:
        return a ** (g0 / b0) * (1.0 + (g1 / b0 - b1 * g0 / b0**2) * a)

    a_mu = alpha_s(mu, nf) / math.pi
    a_ref = alpha_s(np.array(mu_ref), nf) / math.pi
    return m_ref * c(a_mu) / c(a_ref)


def scalar_quark_width(mass: ArrayLike, sin_theta: ArrayLike) -> np.ndarray:
    """Γ(h' → s̄s + c̄c + b̄b) in GeV, perturbative, for m_{h'} ≥ 2 GeV.

        Γ(h' → q̄q) = sin²θ 3 G_F m m̄_q(m)² β³ / (4√2 π) [1 + 5.67 a + (35.94 − 1.36 n_f) a²]

    with β from the open-flavour threshold mass (2 m_{D⁰}, 2 m_{B⁰} for c, b), the MS-bar
    running mass at μ = m (two-loop running, n_f = 4 for s, c and 5 for b) and a = α_s(m)/π
    (Djouadi, hep-ph/0503172, Sec. 2.1.1). Top-induced and higher-order terms are
    omitted.
    """
    m, st = _scalar_inputs(mass, sin_theta)
    if np.any(m < 0.8):
        raise NuportalError("the perturbative quark width needs mass ≥ 0.8 GeV")
    flat = m.ravel()
    nf = 3 + (flat > _MC_MSBAR) + (flat > _MB_MSBAR)
    a = alpha_s(flat) / math.pi
    qcd = 1.0 + 5.67 * a + (35.94 - 1.36 * nf) * a**2
    total = np.zeros(flat.shape)
    specs = [
        (_MS_MS2GEV, 2.0, 4, 2.0 * _M_K_PLUS),
        (_MC_MSBAR, _MC_MSBAR, 4, 2.0 * _M_D_ZERO),
        (_MB_MSBAR, _MB_MSBAR, 5, 2.0 * _M_B_ZERO),
    ]
    for m_ref, mu_ref, nf_run, threshold in specs:
        open_ = flat > threshold
        if not np.any(open_):
            continue
        mq = _running_mass(flat[open_], m_ref, mu_ref, nf_run)
        beta3 = (1.0 - threshold**2 / flat[open_] ** 2) ** 1.5
        width = 3.0 * G_F * flat[open_] * mq**2 * beta3 / (4.0 * math.sqrt(2.0) * math.pi)
        total[open_] += width * qcd[open_]
    return st**2 * total.reshape(m.shape)


def scalar_gluon_width(mass: ArrayLike, sin_theta: ArrayLike) -> np.ndarray:
    """Γ(h' → gg) in GeV, perturbative, for m_{h'} ≥ 2 GeV.

        Γ = sin²θ G_F α_s² m³ / (36√2 π³) |¾ Σ_{q=c,b,t} A_{1/2}(τ_q)|² (1 + E a),
        E = 95/4 − 7 n_f / 6

    (Djouadi, hep-ph/0503172, Sec. 2.3.2; the NLO factor E is the heavy-quark
    limit, applied here to all loops), α_s = α_s(m), pole masses in the loop functions.
    """
    m, st = _scalar_inputs(mass, sin_theta)
    if np.any(m < 0.8):
        raise NuportalError("the perturbative gluon width needs mass ≥ 0.8 GeV")
    a_s = alpha_s(m)
    nf = 3 + (m > _MC_MSBAR) + (m > _MB_MSBAR)
    amp = sum(0.75 * amplitude_fermion(m**2 / (4.0 * _POLE_MASS[q] ** 2)) for q in "cbt")
    pref = G_F * a_s**2 * m**3 / (36.0 * math.sqrt(2.0) * math.pi**3)
    k_factor = 1.0 + (95.0 / 4.0 - 7.0 / 6.0 * nf) * a_s / math.pi
    return st**2 * pref * np.abs(amp) ** 2 * k_factor


def scalar_hadronic_width(mass: ArrayLike, sin_theta: ArrayLike) -> np.ndarray:
    """Γ(h' → hadrons) in GeV of a scalar mixing with the Higgs by angle θ.

    * m < 2 m_π: 0.
    * 2 m_π ≤ m ≤ 1 GeV: :func:`scalar_pion_width` (LO chiral perturbation theory,
      Bezrukov & Gorbunov arXiv:0912.0390 Sec. 3); KK̄ and ηη are not included.
    * m ≥ 2 GeV: :func:`scalar_gluon_width` + :func:`scalar_quark_width`.
    * 1 GeV < m < 2 GeV: log Γ interpolated linearly in log m between the two. This is a
      placeholder without physical content; the true width there is uncertain by a factor
      of several (Winkler, arXiv:1809.01876).

    Photons (:func:`scalar_diphoton_width`) and leptons are not included.

    Parameters
    ----------
    mass : array_like
        Scalar mass in GeV.
    sin_theta : array_like
        Sine of the Higgs mixing angle (broadcast against ``mass``).

    Returns
    -------
    numpy.ndarray
        Width in GeV.
    """
    m, st = _scalar_inputs(mass, sin_theta)
    flat = m.ravel()
    out = np.zeros(flat.shape)
    chpt = flat <= _E_SCALAR_CHPT
    out[chpt] = scalar_pion_width(flat[chpt], 1.0)
    pert = flat >= _E_SCALAR_PQCD
    out[pert] = scalar_gluon_width(flat[pert], 1.0) + scalar_quark_width(flat[pert], 1.0)
    gap = ~(chpt | pert)
    if np.any(gap):
        lo = float(scalar_pion_width(_E_SCALAR_CHPT, 1.0))
        hi = float(
            scalar_gluon_width(_E_SCALAR_PQCD, 1.0) + scalar_quark_width(_E_SCALAR_PQCD, 1.0)
        )
        x = np.log(flat[gap] / _E_SCALAR_CHPT) / math.log(_E_SCALAR_PQCD / _E_SCALAR_CHPT)
        out[gap] = np.exp((1.0 - x) * math.log(lo) + x * math.log(hi))
    return st**2 * out.reshape(m.shape)
