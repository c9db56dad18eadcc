"""Closed-form traces of :mod:`nuportal.physics.dirac` against explicit 4 × 4 Dirac matrices."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.physics import dirac

M = 0.938
N = 200


def _complex_vectors(rng: np.random.Generator) -> np.ndarray:
    return rng.normal(size=(N, 4)) + 1j * rng.normal(size=(N, 4))


def _complex_scalars(rng: np.random.Generator) -> np.ndarray:
    return rng.normal(size=N) + 1j * rng.normal(size=N)


def _on_shell(rng: np.random.Generator) -> np.ndarray:
    k = rng.normal(size=(N, 3))
    return np.column_stack([np.sqrt(M**2 + np.sum(k**2, axis=1)), k])


def _matrix_trace(gamma: np.ndarray, p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    eye = dirac.IDENTITY
    product = gamma @ (dirac.slash(p1) + M * eye) @ dirac.bar_matrix(gamma)
    return np.trace(product @ (dirac.slash(p2) + M * eye), axis1=1, axis2=2)


@pytest.mark.parametrize("parts", ["v", "a", "s", "p", "va", "vs", "ap", "vsap"])
def test_bilinear_trace_equals_the_matrix_trace(parts):
    rng = np.random.default_rng(len(parts) + ord(parts[0]))
    zero_v, zero_s = np.zeros((N, 4)), np.zeros(N)
    v = _complex_vectors(rng) if "v" in parts else zero_v
    a = _complex_vectors(rng) if "a" in parts else zero_v
    s = _complex_scalars(rng) if "s" in parts else zero_s
    p = _complex_scalars(rng) if "p" in parts else zero_s
    p1, p2 = _on_shell(rng), _on_shell(rng)
    g5 = dirac.GAMMA5
    gamma = (
        dirac.slash(v)
        + s[:, None, None] * dirac.IDENTITY
        - dirac.slash(a) @ g5
        - p[:, None, None] * g5
    )
    reference = _matrix_trace(gamma, p1, p2)
    closed = dirac.bilinear_trace(v, s, a, p, p1, p2, M)
    assert np.max(np.abs(closed - reference)) < 1e-12 * np.max(np.abs(reference))


def test_trace_with_gamma5_is_the_levi_civita_contraction():
    rng = np.random.default_rng(8)
    a, b, c, d = (_complex_vectors(rng) for _ in range(4))
    product = dirac.slash(a) @ dirac.slash(b) @ dirac.slash(c) @ dirac.slash(d) @ dirac.GAMMA5
    reference = np.trace(product, axis1=1, axis2=2)
    assert dirac.trace_gamma5(a, b, c, d) == pytest.approx(reference, rel=1e-12, abs=1e-12)
    assert abs(dirac.EPSILON_TRACE) == pytest.approx(4.0)  # |Tr[γ⁰γ¹γ²γ³γ5]| = 4


def test_gordon_identity_between_on_shell_projectors():
    """i σ^{νρ} q_ρ T_ν / 2M acts as T̸ − T·(p₁ + p₂)/2M between ū(p₂) and u(p₁), q = p₂ − p₁
    (Peskin & Schroeder Eq. (6.32)): the reduction the nucleon amplitude uses."""
    rng = np.random.default_rng(4)
    t = _complex_vectors(rng)
    p1, p2 = _on_shell(rng), _on_shell(rng)
    q = p2 - p1
    commutator = dirac.slash(t) @ dirac.slash(q) - dirac.slash(q) @ dirac.slash(t)
    sigma_term = -commutator / (4.0 * M)  # i σ^{νρ} T_ν q_ρ / 2M = −[T̸, q̸]/4M
    reference = _matrix_trace(sigma_term, p1, p2)
    s = -dirac.dot(t, p1 + p2) / (2.0 * M)
    zero_v, zero_s = np.zeros((N, 4)), np.zeros(N)
    closed = dirac.bilinear_trace(t, s, zero_v, zero_s, p1, p2, M)
    assert np.max(np.abs(closed - reference)) < 1e-12 * np.max(np.abs(reference))


def test_compiled_spinors_and_currents_equal_the_numpy_ones():
    """The compiled point functions used inside amplitude kernels equal the numpy API to
    rounding, at generic momenta and at the special ones (at rest, along ±z, massless)."""
    import numba

    rng = np.random.default_rng(11)
    n = 300
    space = rng.normal(size=(n, 3))
    space[:3] = 0.0  # at rest
    space[3:6, :2] = 0.0  # along ±z
    space[4, 2] = -1.3
    mass = rng.uniform(0.0, 1.0, n)
    mass[6:9] = 0.0  # massless
    p = np.column_stack([np.sqrt(mass**2 + np.sum(space**2, axis=1)), space])
    q = rng.normal(size=(n, 4))

    @numba.njit
    def compiled(p, q, lam, out):  # pragma: no cover - compiled
        for i in range(p.shape[0]):
            k = (p[i, 0], p[i, 1], p[i, 2], p[i, 3])
            u = dirac.spinor_point(k, lam, False)
            v = dirac.spinor_point(k, lam, True)
            left = dirac.bar_point(u)
            qq = (q[i, 0], q[i, 1], q[i, 2], q[i, 3])
            out[i, 0:4] = u
            out[i, 4:8] = v
            out[i, 8:12] = dirac.sandwich_point(left, dirac.chiral_point(v, 0.3 + 0.1j, -0.7))
            out[i, 12:16] = dirac.dipole_point(left, v, qq, 0.3 + 0.1j, -0.7)

    for lam in (-1, 1):
        out = np.empty((n, 16), complex)
        compiled(p, q, lam, out)
        u, v = dirac.spinor_u(p, lam), dirac.spinor_v(p, lam)
        left = dirac.bar(u)
        expected = np.concatenate(
            [
                u,
                v,
                dirac.vector_current(left, v, 0.3 + 0.1j, -0.7),
                dirac.dipole_current(left, v, q, 0.3 + 0.1j, -0.7),
            ],
            axis=1,
        )
        scale = np.abs(expected).max(axis=1, keepdims=True)
        assert np.max(np.abs(out - expected) / scale) < 1e-14
