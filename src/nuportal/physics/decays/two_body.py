"""Closed-form two-body widths with general chiral couplings (GeV, vectorised).

Spin sums are evaluated with the trace technique; couplings follow
:mod:`nuportal.models.couplings` (vertex ψ̄₁ Γ (c_L P_L + c_R P_R) ψ₂). With
A = |c_L|² + |c_R|², B = Re(c_L c_R*) and the two-body momentum
|p| = λ^{1/2}(M², m₁², m₂²) / (2M):

* boson → fermion f₁ + antifermion f̄₂ (Γ = γ^μ or 1; averaged over the 3 polarisations of
  a vector), Γ = N_c |p| Σ|M|² / (8π M²) with
  vector: Σ|M|² = [A (2M² − m₁² − m₂² − (m₁² − m₂²)²/M²) + 12 m₁ m₂ B] / 3,
  scalar: Σ|M|² = A (M² − m₁² − m₂²) − 4 m₁ m₂ B;
* fermion (mass M) → fermion (m) + boson (mass m_X), averaged over the parent spin,
  vector: Σ|M|² = [2A p·k + 4A (q·k)(q·p)/m_X² − 12 m M B] / 2,
  scalar: Σ|M|² = [2A p·k + 4 m M B] / 2,
  photon through a transition dipole (Γ = σ^{μν} q_ν): Γ = A (M² − m²)³ / (16 π M³).

The dipole formula reduces to Γ = μ² M³/(8π) of Giunti & Studenikin, Rev. Mod. Phys. 87,
531 (2015), Eq. (3.42) for their non-chiral coupling (μ/2) ν̄ σ^{μν} N F_μν (c_L = c_R = μ,
A = 2μ²). For the chiral operator of nuportal, (μ/2) ν̄ σ^{μν} P_R N F_μν + h.c. (only a
left-handed light neutrino exists), A = μ² and a Dirac N has Γ = μ² M³/(16π); a Majorana N
has A = 2μ² (vertex σ (D - Dᵀ) P_L - h.c.) and so twice the Dirac width, the value of
Giunti & Studenikin. In terms of the other normalisation in use, d ν̄ σ^{μν} N F_μν with
d = μ/2, Γ_Dirac = d² M³/(4π).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _momentum(big: np.ndarray, m1: ArrayLike, m2: ArrayLike) -> np.ndarray:
    """|p| of a two-body decay, zero below threshold."""
    m1a, m2a = np.asarray(m1, float), np.asarray(m2, float)
    lam = (big**2 - (m1a + m2a) ** 2) * (big**2 - (m1a - m2a) ** 2)
    return np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * big)


def _open(big: np.ndarray, m1: ArrayLike, m2: ArrayLike) -> np.ndarray:
    return big > np.asarray(m1, float) + np.asarray(m2, float)


def _ab(c_l: complex, c_r: complex) -> tuple[float, float]:
    return abs(c_l) ** 2 + abs(c_r) ** 2, float(np.real(c_l * np.conj(c_r)))


def vector_to_fermions(
    mass: ArrayLike, m1: float, m2: float, c_l: complex, c_r: complex, colours: int = 1
) -> np.ndarray:
    """Γ(V → f₁ f̄₂) in GeV for a vector of mass ``mass`` (GeV) and couplings (c_L, c_R).

    For f₁ = f₂ = f with vector coupling g (c_L = c_R = g) it is the textbook
    Γ = N_c g² M (1 + 2m²/M²) √(1 − 4m²/M²) / (12π).
    """
    big = np.asarray(mass, float)
    a, b = _ab(c_l, c_r)
    summed = a * (2 * big**2 - m1**2 - m2**2 - (m1**2 - m2**2) ** 2 / big**2) + 12 * m1 * m2 * b
    width = colours * _momentum(big, m1, m2) * summed / 3.0 / (8.0 * np.pi * big**2)
    return np.where(_open(big, m1, m2), width, 0.0)


def scalar_to_fermions(
    mass: ArrayLike, m1: float, m2: float, s_l: complex, s_r: complex, colours: int = 1
) -> np.ndarray:
    """Γ(S → f₁ f̄₂) in GeV for a scalar vertex s_L P_L + s_R P_R.

    For a Yukawa y (s_L = s_R = y) and f₁ = f₂ it is Γ = N_c y² M β³/(8π), β = √(1 − 4m²/M²).
    """
    big = np.asarray(mass, float)
    a, b = _ab(s_l, s_r)
    summed = a * (big**2 - m1**2 - m2**2) - 4 * m1 * m2 * b
    width = colours * _momentum(big, m1, m2) * summed / (8.0 * np.pi * big**2)
    return np.where(_open(big, m1, m2), np.clip(width, 0.0, None), 0.0)


def fermion_to_vector(
    mass: ArrayLike, m_fermion: float, m_vector: float, c_l: complex, c_r: complex
) -> np.ndarray:
    """Γ(F → f V) in GeV, parent spin averaged (massive vector, unitary gauge).

    For a massless f and a left-handed coupling g it is the familiar
    Γ = g² M³ (1 − r)² (1 + 2r) / (32π m_V²), r = m_V²/M².
    """
    big = np.asarray(mass, float)
    a, b = _ab(c_l, c_r)
    pk = 0.5 * (big**2 + m_fermion**2 - m_vector**2)
    qk = pk - m_fermion**2
    qp = big**2 - pk
    summed = 2 * a * pk + 4 * a * qk * qp / m_vector**2 - 12 * m_fermion * big * b
    width = _momentum(big, m_fermion, m_vector) * 0.5 * summed / (8.0 * np.pi * big**2)
    return np.where(_open(big, m_fermion, m_vector), np.clip(width, 0.0, None), 0.0)


def fermion_to_scalar(
    mass: ArrayLike, m_fermion: float, m_scalar: float, s_l: complex, s_r: complex
) -> np.ndarray:
    """Γ(F → f S) in GeV, parent spin averaged, for a vertex s_L P_L + s_R P_R."""
    big = np.asarray(mass, float)
    a, b = _ab(s_l, s_r)
    pk = 0.5 * (big**2 + m_fermion**2 - m_scalar**2)
    summed = 2 * a * pk + 4 * m_fermion * big * b
    width = _momentum(big, m_fermion, m_scalar) * 0.5 * summed / (8.0 * np.pi * big**2)
    return np.where(_open(big, m_fermion, m_scalar), np.clip(width, 0.0, None), 0.0)


def fermion_to_photon(mass: ArrayLike, m_fermion: float, c_l: complex, c_r: complex) -> np.ndarray:
    """Γ(F → f γ) = (|c_L|² + |c_R|²)(M² − m²)³/(16π M³) in GeV for a dipole vertex
    σ^{μν} q_ν (c_L P_L + c_R P_R) (c in GeV⁻¹, normalised as ½ ψ̄ σ^{μν} c ψ F_μν)."""
    big = np.asarray(mass, float)
    a, _ = _ab(c_l, c_r)
    width = a * (big**2 - m_fermion**2) ** 3 / (16.0 * np.pi * big**3)
    return np.where(big > m_fermion, width, 0.0)
