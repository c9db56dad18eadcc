"""Dirac algebra for helicity amplitudes, vectorised over arrays of momenta.

Chiral (Weyl) basis, metric (+, -, -, -), ψ = (ψ_L, ψ_R), γ5 = diag(-1, -1, 1, 1), and the
helicity spinors of Murayama, Watanabe & Hagiwara, "HELAS", KEK Report 91-11 (1992),
Eqs. (2.5)–(2.8):

    u(p, λ) = ( ω_{-λ} χ_λ ,  ω_λ χ_λ ),        v(p, λ) = ( -λ ω_λ χ_{-λ} ,  λ ω_{-λ} χ_{-λ} ),

with ω_± = √(E ± |p|), λ = ±1 twice the helicity, and the two-component helicity
eigenstates χ_+ = (cos θ/2, e^{iφ} sin θ/2), χ_- = (-e^{-iφ} sin θ/2, cos θ/2).
"""

from __future__ import annotations

import math

import numba
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


# Compiled twins of the spinors and currents above, one point at a time (four-vectors and
# spinors as tuples), for kernels that build amplitudes from explicit spinors
# (physics.decays.three_body). The numpy functions above stay the API: they accept any
# float or complex dtype (long double references in the tests); the tests check that both
# agree to rounding.


@numba.njit(cache=True)
def two_spinor_point(p: tuple, lam: int) -> tuple:  # pragma: no cover - compiled
    """The two-component helicity eigenstate χ_λ(p̂) of the module docstring (σ·p̂ χ_λ =
    λ χ_λ) for the four-momentum tuple ``p``, as a tuple of 2 complex: the rest-frame spin
    state of :func:`spinor_point` (u(p, λ) is the pure boost along p̂ of the rest spinor
    √m (χ_λ, χ_λ)). A particle at rest is quantised along +z; a momentum along −z has θ = π,
    φ = 0."""
    px, py, pz = p[1], p[2], p[3]
    pabs = math.sqrt(px * px + py * py + pz * pz)
    ptrans = math.hypot(px, py)
    cos_theta = pz / pabs if pabs > 0 else 1.0
    cos_half = math.sqrt(min(max(0.5 * (1.0 + cos_theta), 0.0), 1.0))
    sin_half = math.sqrt(min(max(0.5 * (1.0 - cos_theta), 0.0), 1.0))
    phase = complex(px, py) / ptrans if ptrans > 0 else complex(1.0, 0.0)
    if lam > 0:
        return complex(cos_half, 0.0), phase * sin_half
    return -phase.conjugate() * sin_half, complex(cos_half, 0.0)


@numba.njit(cache=True)
def spinor_point(p: tuple, lam: int, antiparticle: bool) -> tuple:  # pragma: no cover
    """:func:`spinor_u` or, with ``antiparticle``, :func:`spinor_v` of the four-momentum
    tuple ``p`` (HELAS Eqs. (2.5)–(2.8), module docstring) as a tuple of 4 complex, from the
    two-spinor :func:`two_spinor_point`."""
    e, px, py, pz = p[0], p[1], p[2], p[3]
    pabs = math.sqrt(px * px + py * py + pz * pz)
    chi0, chi1 = two_spinor_point(p, -lam if antiparticle else lam)
    # ω_± = √(E ± |p|); ω_- = m / ω_+ without cancellation
    plus = math.sqrt(e + pabs)
    minus = math.sqrt(max((e - pabs) * (e + pabs), 0.0)) / (plus if plus > 0 else 1.0)
    w_lam, w_mlam = (plus, minus) if lam > 0 else (minus, plus)
    if antiparticle:
        upper, lower = -lam * w_lam, lam * w_mlam
    else:
        upper, lower = w_mlam, w_lam
    return (upper * chi0, upper * chi1, lower * chi0, lower * chi1)


@numba.njit(cache=True)
def bar_point(s: tuple) -> tuple:  # pragma: no cover - compiled
    """:func:`bar` of a spinor tuple (compiled)."""
    return (s[2].conjugate(), s[3].conjugate(), s[0].conjugate(), s[1].conjugate())


@numba.njit(cache=True)
def sandwich_point(left: tuple, right: tuple) -> tuple:  # pragma: no cover - compiled
    """ψ̄_left γ^μ ψ_right of spinor tuples, written out in the chiral basis (γ^0 =
    [[0, 1], [1, 0]], γ^i = [[0, σ^i], [−σ^i, 0]]) instead of a dense 4 × 4 × 4 contraction:
    the upper block of ``left`` meets the lower block of ``right`` and vice versa."""
    l1, l2, l3, l4 = left
    r1, r2, r3, r4 = right
    return (
        l1 * r3 + l2 * r4 + l3 * r1 + l4 * r2,
        (l1 * r4 + l2 * r3) - (l3 * r2 + l4 * r1),
        1j * (l2 * r3 - l1 * r4) - 1j * (l4 * r1 - l3 * r2),
        (l1 * r3 - l2 * r4) - (l3 * r1 - l4 * r2),
    )


@numba.njit(cache=True)
def chiral_point(s: tuple, c_l: complex, c_r: complex) -> tuple:  # pragma: no cover
    """(c_L P_L + c_R P_R) ψ of a spinor tuple: P_L = diag(1, 1, 0, 0), P_R = diag(0, 0, 1, 1)."""
    return (c_l * s[0], c_l * s[1], c_r * s[2], c_r * s[3])


@numba.njit(cache=True)
def dipole_point(
    left: tuple, right: tuple, q: tuple, c_l: complex, c_r: complex
) -> tuple:  # pragma: no cover - compiled
    """ψ̄ σ^{μν} q_μ (c_L P_L + c_R P_R) ψ = (i/2)(ψ̄ q̸ γ^ν w − ψ̄ γ^ν q̸ w), w the chiral
    projection of ψ, with q̸ = [[0, q⁰ − σ·q], [q⁰ + σ·q, 0]] in the chiral basis."""
    w = chiral_point(right, c_l, c_r)
    q0, qx, qy, qz = q
    # A = q⁰ − σ·q (upper right block), B = q⁰ + σ·q (lower left block)
    a00, a01, a10, a11 = q0 - qz, -complex(qx, -qy), -complex(qx, qy), q0 + qz
    b00, b01, b10, b11 = q0 + qz, complex(qx, -qy), complex(qx, qy), q0 - qz
    l1, l2, l3, l4 = left
    left_q = (l3 * b00 + l4 * b10, l3 * b01 + l4 * b11, l1 * a00 + l2 * a10, l1 * a01 + l2 * a11)
    q_w = (
        a00 * w[2] + a01 * w[3],
        a10 * w[2] + a11 * w[3],
        b00 * w[0] + b01 * w[1],
        b10 * w[0] + b11 * w[1],
    )
    first, second = sandwich_point(left_q, w), sandwich_point(left, q_w)
    return (
        0.5j * (first[0] - second[0]),
        0.5j * (first[1] - second[1]),
        0.5j * (first[2] - second[2]),
        0.5j * (first[3] - second[3]),
    )


#: Tr[γ^0 γ^1 γ^2 γ^3 γ5] in this basis (so Tr[γ^μγ^νγ^ργ^σγ5] = EPSILON_TRACE ε^{μνρσ},
#: ε^{0123} = +1)
EPSILON_TRACE = complex(np.trace(GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3] @ GAMMA5))


def trace_gamma5(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Tr[a̸ b̸ c̸ d̸ γ5] for four-vectors (..., 4) (complex allowed)."""
    rows, shape = _rows(complex, a, b, c, d)
    out = np.empty(len(rows), complex)
    _epsilon_rows(rows, out)
    return EPSILON_TRACE * out.reshape(shape)


def _rows(dtype: type, *vectors: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """Four-vectors (..., 4) broadcast and stacked as (n, len(vectors), 4) of ``dtype``, and
    the broadcast shape without the Lorentz index."""
    shape = np.broadcast_shapes(*(np.shape(x) for x in vectors))
    flat = [np.broadcast_to(x, shape).reshape(-1, 4) for x in vectors]
    return np.stack(flat, axis=1).astype(dtype), shape[:-1]


def bilinear_trace(
    v: np.ndarray,
    s: np.ndarray,
    a: np.ndarray,
    p: np.ndarray,
    p1: np.ndarray,
    p2: np.ndarray,
    mass: float,
) -> np.ndarray:
    """Tr[Γ (p̸₁ + M) Γ̄ (p̸₂ + M)] for Γ = v̸ + s − a̸γ5 − p γ5 (Γ̄ = γ⁰Γ†γ⁰), the
    spin sum of |ū(p₂) Γ u(p₁)|² for a fermion of mass M.

    ``v``, ``a`` are complex four-vectors (..., 4), ``s``, ``p`` complex scalars (...), the
    momenta real. One compiled pass of :func:`bilinear_trace_point`; the tests compare it
    with the trace of explicit 4 × 4 matrices.
    """
    scalars = [np.asarray(x)[..., None] * np.ones(4) for x in (s, p)]
    shape = np.broadcast_shapes(*(np.shape(x) for x in (v, a, p1, p2, *scalars)))
    currents, _ = _rows(complex, *(np.broadcast_to(x, shape) for x in (v, a, *scalars)))
    momenta, _ = _rows(float, *(np.broadcast_to(x, shape) for x in (p1, p2)))
    out = np.empty(len(currents), complex)
    _bilinear_trace_rows(currents, momenta, float(mass), out)
    return out.reshape(shape[:-1])


_Four = tuple[complex, complex, complex, complex]
_RealFour = tuple[float, float, float, float]


@numba.njit(cache=True)
def four(x: np.ndarray) -> tuple:  # pragma: no cover - compiled
    """The four-vector ``x[0:4]`` as a tuple (compiled kernels pass four-vectors as tuples)."""
    return x[0], x[1], x[2], x[3]


@numba.njit(cache=True)
def mdot(x: tuple, y: tuple) -> complex:  # pragma: no cover - compiled
    """Minkowski product of two four-vector tuples (compiled)."""
    return x[0] * y[0] - x[1] * y[1] - x[2] * y[2] - x[3] * y[3]


@numba.njit(cache=True)
def _conj(x: _Four) -> _Four:  # pragma: no cover - compiled
    return x[0].conjugate(), x[1].conjugate(), x[2].conjugate(), x[3].conjugate()


@numba.njit(cache=True)
def epsilon(a: tuple, b: tuple, c: tuple, d: tuple) -> complex:  # pragma: no cover - compiled
    """Tr[a̸ b̸ c̸ d̸ γ5] / EPSILON_TRACE = ε_{μνρσ} a^μ b^ν c^ρ d^σ (ε^{0123} = +1), the
    determinant of the lowered rows, i.e. minus that of the rows: by 2 × 2 minors."""
    return -(
        (a[0] * b[1] - a[1] * b[0]) * (c[2] * d[3] - c[3] * d[2])
        - (a[0] * b[2] - a[2] * b[0]) * (c[1] * d[3] - c[3] * d[1])
        + (a[0] * b[3] - a[3] * b[0]) * (c[1] * d[2] - c[2] * d[1])
        + (a[1] * b[2] - a[2] * b[1]) * (c[0] * d[3] - c[3] * d[0])
        - (a[1] * b[3] - a[3] * b[1]) * (c[0] * d[2] - c[2] * d[0])
        + (a[2] * b[3] - a[3] * b[2]) * (c[0] * d[1] - c[1] * d[0])
    )


@numba.njit(cache=True)
def _epsilon_rows(rows: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    for n in range(len(rows)):
        out[n] = epsilon(four(rows[n, 0]), four(rows[n, 1]), four(rows[n, 2]), four(rows[n, 3]))


@numba.njit(cache=True)
def bilinear_trace_point(
    v: _Four, a: _Four, s: complex, p: complex, k1: _RealFour, k2: _RealFour, mass: float
) -> complex:  # pragma: no cover - compiled
    """:func:`bilinear_trace` at one point, four-vectors as tuples (compiled, for kernels).

    Standard trace theorems (e.g. Peskin & Schroeder, Eqs. (5.5)–(5.7) and (A.27)):
    Tr[x̸ p̸₁ y̸ p̸₂]/4 = (x·p₁)(y·p₂) + (x·p₂)(y·p₁) − (x·y)(p₁·p₂); the vector–axial
    interference is the γ5 trace (:func:`epsilon`); v–p, s–a and s–p interferences vanish.
    """
    m2 = mass * mass
    vc, ac = _conj(v), _conj(a)
    pp = mdot(k1, k2)
    v1, v2, a1, a2 = mdot(v, k1), mdot(v, k2), mdot(a, k1), mdot(a, k2)
    vc1, vc2, ac1, ac2 = v1.conjugate(), v2.conjugate(), a1.conjugate(), a2.conjugate()
    vv = 4.0 * (v1 * vc2 + v2 * vc1 - mdot(v, vc) * pp + m2 * mdot(v, vc))
    aa = 4.0 * (a1 * ac2 + a2 * ac1 - mdot(a, ac) * pp - m2 * mdot(a, ac))
    ss = 4.0 * abs(s) ** 2 * (pp + m2)
    pps = 4.0 * abs(p) ** 2 * (pp - m2)
    vs = 4.0 * mass * (s.conjugate() * (v1 + v2) + s * (vc1 + vc2))
    ap = 4.0 * mass * (p.conjugate() * (a1 - a2) + p * (ac1 - ac2))
    va = EPSILON_TRACE * (epsilon(v, k1, ac, k2) + epsilon(a, k1, vc, k2))
    return vv + aa + ss + pps + vs + ap + va


@numba.njit(cache=True)
def _bilinear_trace_rows(
    currents: np.ndarray, momenta: np.ndarray, mass: float, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """currents[n] = (v, a, s × 1, p × 1), momenta[n] = (p₁, p₂)."""
    for n in range(len(currents)):
        c, k = currents[n], momenta[n]
        out[n] = bilinear_trace_point(
            four(c[0]), four(c[1]), c[2, 0], c[3, 0], four(k[0]), four(k[1]), mass
        )
