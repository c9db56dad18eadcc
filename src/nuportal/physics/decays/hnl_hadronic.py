"""Two-body hadronic widths of a minimal heavy neutral lepton: N → ℓ⁻ M⁺ and N → ν M⁰.

Dirac N decaying as a particle, one mixing |U_α|² = 1 (widths scale with |U_α|²); a Majorana
N has in addition the charge-conjugate channels (ℓ⁺ M⁻, ν̄ M⁰) with the same widths
(arXiv:1805.08567, Sec. 3). Meson data: :mod:`nuportal.physics.decays.mesons`.

The effective four-fermion interactions (m_N ≪ m_W) are

    L = -(G_F/√2) U_α [ℓ̄_α γ^μ (1 - γ5) N] V_ij [d̄_j γ_μ (1 - γ5) u_i] + h.c.
        -(G_F/√2) U_α [ν̄_α γ^μ (1 - γ5) N] Σ_q [q̄ γ_μ (g_V^q - g_A^q γ5) q],

with g_A^q = T₃ and g_V^q = T₃ - 2 Q sin²θ_W. With ⟨0|A^μ|P⟩ = i f_P p^μ and
⟨0|V^μ|V⟩ = f_V m_V ε^μ the widths are (x_h = m_h/m_N, x_ℓ = m_ℓ/m_N, λ the Källén function):

* N → ℓ⁻ P⁺: Γ = G_F² f_P² |V_ij|² m_N³/(16π) [(1 - x_ℓ²)² - x_P²(1 + x_ℓ²)] λ^{1/2}(1, x_P², x_ℓ²)
  (arXiv:1805.08567, Sec. 3.2.1; Atre, Han, Pascoli & Zhang, arXiv:0901.3589, Appendix);
* N → ν P⁰: Γ = G_F² f_P² m_N³/(32π) (1 - x_P²)² (same references; f_P the effective
  neutral-current constant of :mod:`~nuportal.physics.decays.mesons`);
* N → ℓ⁻ V⁺: Γ = G_F² f_V² |V_ij|² m_N³/(16π)
  [(1 - x_ℓ²)² + x_V²(1 + x_ℓ²) - 2 x_V⁴] λ^{1/2}(1, x_V², x_ℓ²) (arXiv:1805.08567, Sec. 3.2.1);
* N → ν V⁰: Γ = G_F² κ_V² f_V² m_N³/(32π) (1 + 2x_V²)(1 - x_V²)², κ_V below.

Neutral vector couplings. With the flavour wave functions ρ⁰ = (uū - dd̄)/√2,
ω = (uū + dd̄)/√2, φ = ss̄ the amplitude is that of N → ℓ⁻ V⁺ with V_ij f_V replaced by
f_V Σ_q c_q g_V^q (c_q the wave-function coefficient), i.e. κ_V = √2 Σ_q c_q g_V^q:

    κ_ρ = 1 - 2 sin²θ_W,   κ_ω = -(2/3) sin²θ_W,   κ_φ = -(1 - (4/3) sin²θ_W)/√2.

Our κ_ρ agrees with the neutral-vector table of arXiv:1805.08567 (Sec. 3.2.1); their
κ_ω = (4/3) sin²θ_W and κ_φ = (4/3) sin²θ_W - 1 are twice and √2 times ours in magnitude
(for the same f_ω, f_φ), i.e. their N → ν ω (ν φ) widths are 4 (2) times ours. We keep the
values derived here, which follow from the same Lagrangian that gives their (and our) ρ⁰
and π⁰ widths; the tests re-derive all κ from the quark content.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from nuportal.constants import G_F, SIN2_THETA_W
from nuportal.errors import NuportalError
from nuportal.physics.decays._hnl_common import hnl_masses, lepton_mass, sqrt_kallen
from nuportal.physics.decays.mesons import Meson, meson

#: flavour wave functions c_q of the neutral vector mesons (quark-antiquark content)
NEUTRAL_VECTOR_CONTENT = {
    "rho0": {"u": 1.0 / math.sqrt(2.0), "d": -1.0 / math.sqrt(2.0)},
    "omega": {"u": 1.0 / math.sqrt(2.0), "d": 1.0 / math.sqrt(2.0)},
    "phi": {"s": 1.0},
}
_T3 = {"u": 0.5, "d": -0.5, "s": -0.5}
_CHARGE = {"u": 2.0 / 3.0, "d": -1.0 / 3.0, "s": -1.0 / 3.0}


def _checked(name: str, kind: str, charged: bool) -> Meson:
    m = meson(name)
    if m.kind != kind or m.charged != charged:
        what = ("charged " if charged else "neutral ") + kind
        raise NuportalError(f"{name!r} is not a {what} meson")
    return m


def neutral_vector_coupling(name: str, sin2w: float = SIN2_THETA_W) -> float:
    """κ_V = √2 Σ_q c_q (T₃ - 2 Q_q sin²θ_W) of ρ⁰, ω or φ (module docstring)."""
    _checked(name, "vector", charged=False)
    content = NEUTRAL_VECTOR_CONTENT[name]
    return math.sqrt(2.0) * sum(c * (_T3[q] - 2.0 * _CHARGE[q] * sin2w) for q, c in content.items())


def _width_charged(m_n: npt.ArrayLike, alpha: str, name: str, kind: str) -> np.ndarray:
    """Γ(N → ℓ_α⁻ h⁺) of a charged pseudoscalar or vector h (module docstring)."""
    m = hnl_masses(m_n)
    h = _checked(name, kind, charged=True)
    m_l = lepton_mass(alpha)
    xl2 = (m_l / m) ** 2
    xh2 = (h.mass / m) ** 2
    if kind == "pseudoscalar":
        shape = (1.0 - xl2) ** 2 - xh2 * (1.0 + xl2)
    else:
        shape = (1.0 - xl2) ** 2 + xh2 * (1.0 + xl2) - 2.0 * xh2**2
    root = sqrt_kallen(1.0, xh2, xl2)
    coupling = G_F**2 * h.decay_constant**2 * h.ckm**2
    width = coupling * m**3 / (16.0 * math.pi) * np.clip(shape, 0.0, None) * root
    return np.where(m > m_l + h.mass, width, 0.0)


def width_charged_pseudoscalar(m_n: npt.ArrayLike, alpha: str, name: str) -> np.ndarray:
    """Γ(N → ℓ_α⁻ P⁺) in GeV, P = ``"pi+"``, ``"K+"``, ``"D+"``, ``"D_s+"`` (|U_α|² = 1).

    arXiv:1805.08567, Sec. 3.2.1 (module docstring); zero below m_ℓ + m_P.
    """
    return _width_charged(m_n, alpha, name, "pseudoscalar")


def width_neutral_pseudoscalar(m_n: npt.ArrayLike, name: str) -> np.ndarray:
    """Γ(N → ν_α P⁰) in GeV, P = ``"pi0"``, ``"eta"``, ``"eta'"`` (|U_α|² = 1, any α).

    Γ = G_F² f_P² m_N³ (1 - x_P²)²/(32π) (arXiv:1805.08567, Sec. 3.2.1); zero below m_P.
    """
    m = hnl_masses(m_n)
    p = _checked(name, "pseudoscalar", charged=False)
    xp2 = (p.mass / m) ** 2
    width = G_F**2 * p.decay_constant**2 * m**3 / (32.0 * math.pi) * (1.0 - xp2) ** 2
    return np.where(m > p.mass, width, 0.0)


def width_charged_vector(m_n: npt.ArrayLike, alpha: str, name: str) -> np.ndarray:
    """Γ(N → ℓ_α⁻ V⁺) in GeV, V = ``"rho+"``, ``"K*+"``, ``"D*+"``, ``"D_s*+"`` (|U_α|² = 1).

    arXiv:1805.08567, Sec. 3.2.1 (module docstring); zero below m_ℓ + m_V.
    """
    return _width_charged(m_n, alpha, name, "vector")


def width_neutral_vector(m_n: npt.ArrayLike, name: str, sin2w: float = SIN2_THETA_W) -> np.ndarray:
    """Γ(N → ν_α V⁰) in GeV, V = ``"rho0"``, ``"omega"``, ``"phi"`` (|U_α|² = 1, any α).

    Γ = G_F² κ_V² f_V² m_N³ (1 + 2x_V²)(1 - x_V²)²/(32π) with κ_V of
    :func:`neutral_vector_coupling` (derived in the module docstring; the kinematic factor
    is that of arXiv:1805.08567, Sec. 3.2.1). Zero below m_V.
    """
    m = hnl_masses(m_n)
    v = _checked(name, "vector", charged=False)
    kappa = neutral_vector_coupling(name, sin2w)
    xv2 = (v.mass / m) ** 2
    width = (
        G_F**2
        * kappa**2
        * v.decay_constant**2
        * m**3
        / (32.0 * math.pi)
        * (1.0 + 2.0 * xv2)
        * (1.0 - xv2) ** 2
    )
    return np.where(m > v.mass, width, 0.0)


def width_meson(m_n: npt.ArrayLike, alpha: str, name: str) -> np.ndarray:
    """Γ(N → ℓ_α⁻ M⁺) for a charged meson, Γ(N → ν_α M⁰) for a neutral one, in GeV.

    Dispatches on the kind of meson ``name`` (:data:`~nuportal.physics.decays.mesons.MESONS`)
    to the four functions above; |U_α|² = 1, Dirac N.
    """
    h = meson(name)
    if h.charged:
        return _width_charged(m_n, alpha, name, h.kind)
    if h.kind == "pseudoscalar":
        return width_neutral_pseudoscalar(m_n, name)
    return width_neutral_vector(m_n, name)
