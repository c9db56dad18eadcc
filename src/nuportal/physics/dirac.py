"""Dirac algebra for helicity amplitudes, vectorised over arrays of momenta.

Chiral (Weyl) basis, metric (+, -, -, -), ψ = (ψ_L, ψ_R), γ5 = diag(-1, -1, 1, 1), and the
helicity spinors of Murayama, Watanabe & Hagiwara, "HELAS", KEK Report 91-11 (1992),
Eqs. (2.5)–(2.8):

    u(p, λ) = ( ω_{-λ} χ_λ ,  ω_λ χ_λ ),        v(p, λ) = ( -λ ω_λ χ_{-λ} ,  λ ω_{-λ} χ_{-λ} ),

with ω_± = √(E ± |p|), λ = ±1 twice the helicity, and the two-component helicity
eigenstates χ_+ = (cos θ/2, e^{iφ} sin θ/2), χ_- = (-e^{-iφ} sin θ/2, cos θ/2).
"""

from __future__ import annotations

import numpy as np

_I2 = np.eye(2, dtype=complex)
_Z2 = np.zeros((2, 2), dtype=complex)
_PAULI = (
    np.array([[0, 1], [1, 0]], dtype=complex),
    np.array([[0, -1j], [1j, 0]], dtype=complex),
    np.array([[1, 0], [0, -1]], dtype=complex),
)

#: γ^μ, shape (4, 4, 4): GAMMA[mu] is the 4x4 matrix γ^mu
GAMMA = np.array(
    [np.block([[_Z2, _I2], [_I2, _Z2]])] + [np.block([[_Z2, s], [-s, _Z2]]) for s in _PAULI]
)
GAMMA5 = np.diag([-1, -1, 1, 1]).astype(complex)
IDENTITY = np.eye(4, dtype=complex)
P_LEFT = 0.5 * (IDENTITY - GAMMA5)
P_RIGHT = 0.5 * (IDENTITY + GAMMA5)
#: metric tensor diag(1, -1, -1, -1)
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
#: σ^{μν} = (i/2)[γ^μ, γ^ν], shape (4, 4, 4, 4)
SIGMA = 0.5j * (np.einsum("mab,nbc->mnac", GAMMA, GAMMA) - np.einsum("nab,mbc->mnac", GAMMA, GAMMA))


def lower(p: np.ndarray) -> np.ndarray:
    """Lower the Lorentz index of four-vectors (..., 4)."""
    return p * np.array([1.0, -1.0, -1.0, -1.0])


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Minkowski product a·b of four-vectors (..., 4) (complex allowed, no conjugation)."""
    return (
        a[..., 0] * b[..., 0]
        - a[..., 1] * b[..., 1]
        - a[..., 2] * b[..., 2]
        - a[..., 3] * b[..., 3]
    )


def slash(p: np.ndarray) -> np.ndarray:
    """p̸ = γ^μ p_μ for four-vectors (..., 4); returns (..., 4, 4)."""
    return np.einsum("...m,mab->...ab", lower(p).astype(complex), GAMMA)


def _chi(p: np.ndarray, lam: int) -> np.ndarray:
    px, py, pz = p[..., 1], p[..., 2], p[..., 3]
    pabs = np.sqrt(px * px + py * py + pz * pz)
    ptrans = np.hypot(px, py)
    # a particle at rest is quantised along +z (θ = 0)
    cos_theta = np.where(pabs > 0, pz / np.where(pabs > 0, pabs, 1.0), 1.0)
    cos_half = np.sqrt(np.clip(0.5 * (1.0 + cos_theta), 0.0, 1.0))
    sin_half = np.sqrt(np.clip(0.5 * (1.0 - cos_theta), 0.0, 1.0))
    phase = np.where(ptrans > 0, (px + 1j * py) / np.where(ptrans > 0, ptrans, 1.0), 1.0)
    # a momentum exactly along -z: θ = π, φ = 0
    if lam > 0:
        return np.stack([cos_half + 0j, phase * sin_half], axis=-1)
    return np.stack([-np.conj(phase) * sin_half, cos_half + 0j], axis=-1)


def _omegas(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pabs = np.sqrt(np.sum(p[..., 1:] ** 2, axis=-1))
    energy = p[..., 0]
    plus = np.sqrt(energy + pabs)
    # ω_- = √(E - |p|) = m / ω_+ without cancellation
    mass2 = np.clip((energy - pabs) * (energy + pabs), 0.0, None)
    minus = np.sqrt(mass2) / np.where(plus > 0, plus, 1.0)
    return plus, minus


def spinor_u(p: np.ndarray, lam: int) -> np.ndarray:
    """Particle spinor u(p, λ) for four-momenta (..., 4); λ = ±1. Returns (..., 4) complex."""
    chi = _chi(p, lam)
    w_plus, w_minus = _omegas(p)
    w_lam, w_mlam = (w_plus, w_minus) if lam > 0 else (w_minus, w_plus)
    return np.concatenate([w_mlam[..., None] * chi, w_lam[..., None] * chi], axis=-1)


def spinor_v(p: np.ndarray, lam: int) -> np.ndarray:
    """Antiparticle spinor v(p, λ) for four-momenta (..., 4); λ = ±1 (antiparticle helicity)."""
    chi = _chi(p, -lam)
    w_plus, w_minus = _omegas(p)
    w_lam, w_mlam = (w_plus, w_minus) if lam > 0 else (w_minus, w_plus)
    return np.concatenate([-lam * w_lam[..., None] * chi, lam * w_mlam[..., None] * chi], axis=-1)


def bar(spinor: np.ndarray) -> np.ndarray:
    """Dirac adjoint ψ̄ = ψ† γ⁰ of spinors (..., 4), returned as row vectors (..., 4).

    In the chiral basis γ⁰ swaps the two Weyl halves."""
    return np.conj(np.concatenate([spinor[..., 2:], spinor[..., :2]], axis=-1))


def bar_matrix(gamma: np.ndarray) -> np.ndarray:
    """Γ̄ = γ⁰ Γ† γ⁰ of matrices (..., 4, 4)."""
    return GAMMA[0] @ np.conj(np.swapaxes(gamma, -1, -2)) @ GAMMA[0]


def sandwich(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """ψ̄_left γ^μ ψ_right for row spinors ``left`` and column spinors ``right`` (n, 4),
    the upper-index vector (n, 4), written out in the chiral basis (γ^0 = [[0, 1], [1, 0]],
    γ^i = [[0, σ^i], [−σ^i, 0]]) instead of a dense 4 × 4 × 4 contraction."""
    l1, l2, l3, l4 = left[:, 0], left[:, 1], left[:, 2], left[:, 3]
    r1, r2, r3, r4 = right[:, 0], right[:, 1], right[:, 2], right[:, 3]
    # upper block (l1, l2) with lower spinor (r3, r4), lower block (l3, l4) with (r1, r2)
    out = np.empty((len(left), 4), dtype=complex)
    out[:, 0] = l1 * r3 + l2 * r4 + l3 * r1 + l4 * r2
    out[:, 1] = (l1 * r4 + l2 * r3) - (l3 * r2 + l4 * r1)
    out[:, 2] = 1j * (l2 * r3 - l1 * r4) - 1j * (l4 * r1 - l3 * r2)
    out[:, 3] = (l1 * r3 - l2 * r4) - (l3 * r1 - l4 * r2)
    return out


def vector_current(left: np.ndarray, right: np.ndarray, c_l: complex, c_r: complex) -> np.ndarray:
    """ψ̄_left γ^μ (c_L P_L + c_R P_R) ψ_right for row spinors ``left`` and column spinors
    ``right`` (n, 4); returns the upper-index current (n, 4)."""
    return sandwich(left, _chiral(right, c_l, c_r))


def _chiral(spinor: np.ndarray, c_l: complex, c_r: complex) -> np.ndarray:
    """(c_L P_L + c_R P_R) ψ: P_L = diag(1, 1, 0, 0) and P_R = diag(0, 0, 1, 1) here."""
    return spinor * np.array([c_l, c_l, c_r, c_r], dtype=complex)


def scalar_current(left: np.ndarray, right: np.ndarray, c_l: complex, c_r: complex) -> np.ndarray:
    """ψ̄_left (c_L P_L + c_R P_R) ψ_right, shape (n,)."""
    return np.sum(left * _chiral(right, c_l, c_r), axis=-1)


def dipole_current(
    left: np.ndarray, right: np.ndarray, q: np.ndarray, c_l: complex, c_r: complex
) -> np.ndarray:
    """ψ̄ σ^{μν} q_μ (c_L P_L + c_R P_R) ψ with σ^{μν} q_μ = (i/2)(q̸ γ^ν − γ^ν q̸), (n, 4)."""
    w = _chiral(right, c_l, c_r)
    q_slash = slash(q)
    left_q = np.einsum("na,nab->nb", left, q_slash)
    q_w = np.einsum("nab,nb->na", q_slash, w)
    return 0.5j * (sandwich(left_q, w) - sandwich(left, q_w))
