"""Polarisation of the heavy daughter N_j of N_i → N_j ℓ⁻ℓ⁺ against independent constructions.

* Spin projection: |M|² with a daughter spinor of definite spin along an arbitrary rest-frame
  axis n̂, built in the chiral basis as u(k, n̂) = (√(k·σ) χ(n̂), √(k·σ̄) χ(n̂)) (Peskin &
  Schroeder, Eq. (3.53); √(k·σ) = (m + k·σ)/√(2(E + m))) and contracted with the numpy currents
  of :mod:`nuportal.physics.dirac` (not the compiled kernel), equals ½ |M|²_summed (1 + P⃗·n̂);
* chirality: for a pure V∓A neutral-lepton current ū(k) γ^μ P_{L,R} the spin projector
  u ū = ½(k̸ + m)(1 + γ5 s̸) reduces to ½(k̸ ∓ m s̸) inside the trace, so |M(s)|² is half the
  spin-summed |M|² at the light-like momentum k ∓ m s (exact, any mass); for a light daughter
  the V−A helicity → −1 like the electron of muon decay;
* CP: the anti-N_i → anti-N_j ℓ⁺ℓ⁻ amplitude written with v spinors (v̄(p) γ^μ (c* P) v(k₁))
  against the parity image used by ``conjugate=True``;
* covariance: S·k = 0, |P⃗| ≤ 1, rotations about the spin axis rotate S; the rest-frame
  polarisation of :func:`~nuportal.generator.lorentz.rest_polarisation` against a boost.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nuportal.generator import lorentz
from nuportal.generator.chain import decay_modes, sample_decay
from nuportal.models import build_model
from nuportal.physics import dirac
from nuportal.physics.decays.three_body import LeptonPairDecay

#: rounding of sums of O(10) helicity amplitudes in double precision
TOL = 1e-10
PAULI = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]])
BASE = {"m4": 0.15, "m5": 0.5, "UD4": 0.8, "UD5": 0.6, "Umu4": 1e-3, "Umu5": 1e-3}
VECTORS = {**BASE, "mzprime": 1.25, "alphaD": 0.3, "epsilon": 1e-3}
EVERYTHING = {**VECTORS, "mhprime": 0.9, "theta": 1e-3, "yD": 0.5, "mu_tr_45": 1e-6}


def _points(decay: LeptonPairDecay, n: int, rng: np.random.Generator, conjugate=False):
    """Random decays (p, k₁, k₂, k₃) inside the Dalitz region, randomly oriented."""
    lo, hi = decay.s23_range
    s23 = rng.uniform(lo, hi, n)
    lo13, hi13 = decay.s13_limits(s23)
    s13 = rng.uniform(lo13, hi13)
    angles = rng.uniform(-1, 1, n), rng.uniform(0, 2 * np.pi, n), rng.uniform(0, 2 * np.pi, n)
    return decay.oriented_momenta(s23, s13, *angles, conjugate=conjugate)


def _unit_vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1)[:, None]


def _two_spinor_up(axis: np.ndarray) -> np.ndarray:
    """χ(n̂) with σ·n̂ χ = χ, (cos θ/2, e^{iφ} sin θ/2)."""
    theta = np.arccos(np.clip(axis[:, 2], -1, 1))
    phi = np.arctan2(axis[:, 1], axis[:, 0])
    return np.stack([np.cos(theta / 2), np.exp(1j * phi) * np.sin(theta / 2)], -1).astype(complex)


def _root_sigma(k: np.ndarray, sign: float) -> np.ndarray:
    """√(k·σ) (sign −1) or √(k·σ̄) (sign +1): (m + E + sign k⃗·σ⃗)/√(2(E + m)), (n, 2, 2)."""
    e = k[:, 0]
    m = np.sqrt(e**2 - np.sum(k[:, 1:] ** 2, axis=1))
    mat = (m + e)[:, None, None] * np.eye(2) + sign * np.einsum("ni,iab->nab", k[:, 1:], PAULI)
    return mat / np.sqrt(2 * (e + m))[:, None, None]


def _spin_spinor(k: np.ndarray, axis: np.ndarray, antiparticle: bool = False) -> np.ndarray:
    """u(k, n̂), or v(k, n̂) = (√(k·σ) η, −√(k·σ̄) η) with η = χ(−n̂) (P&S Eq. (3.62)): the
    (anti)particle of momentum k with its spin along n̂ in the rest frame reached by a boost."""
    chi = _two_spinor_up(-axis if antiparticle else axis)
    left = np.einsum("nab,nb->na", _root_sigma(k, -1.0), chi)
    right = np.einsum("nab,nb->na", _root_sigma(k, 1.0), chi)
    return np.concatenate([left, -right if antiparticle else right], axis=-1)


def _reference_amplitude(decay, p, bar_1, u_p, k2, k3, l2, l3, conjugate=False):
    """M of the module docstring of three_body from numpy currents, for given spinors of the
    neutral line (ū₁ …  u_p, or for ``conjugate`` v̄(p) … v(k₁) with conjugated couplings)."""
    q = k2 + k3
    s23 = dirac.dot(q, q)
    if conjugate:  # ℓ⁺ at k2, ℓ⁻ at k3: ū(k3) Γ v(k2)
        bar_2, v_3 = dirac.bar(dirac.spinor_u(k3, l3)), dirac.spinor_v(k2, l2)
    else:
        bar_2, v_3 = dirac.bar(dirac.spinor_u(k2, l2)), dirac.spinor_v(k3, l3)
    total = np.zeros(len(p), complex)
    for m in decay.mediators:
        c_l, c_r = np.conj(m.inner) if conjugate else m.inner
        den = s23 - m.mass**2 + 1j * s23 * m.width / max(m.mass, 1e-300)
        if m.kind == "vector":
            j1 = dirac.vector_current(bar_1, u_p, c_l, c_r)
            j2 = dirac.vector_current(bar_2, v_3, *m.outer)
            total += (dirac.dot(j1, j2) - dirac.dot(j1, q) * dirac.dot(j2, q) / m.mass**2) / den
        elif m.kind == "scalar":
            s1 = dirac.scalar_current(bar_1, u_p, c_l, c_r)
            total -= s1 * dirac.scalar_current(bar_2, v_3, *m.outer) / den
        else:
            assert m.kind == "photon"
            j_d = dirac.dipole_current(bar_1, u_p, q, c_l, c_r)
            total -= 1j * dirac.dot(j_d, dirac.vector_current(bar_2, v_3, *m.outer)) / s23
    return total


def _projected(decay, p, k1, k2, k3, spin, axis, conjugate=False) -> np.ndarray:
    """Σ_{λ₂λ₃} |M|² with the daughter's spin along ``axis`` (rest frame by a pure boost)."""
    if conjugate:  # anti-N_i at rest (spin ``spin`` along z) → anti-N_j: v̄(p) Γ v(k₁)
        first = dirac.bar(dirac.spinor_v(p, spin))
        second = _spin_spinor(k1, axis, antiparticle=True)
    else:
        first, second = dirac.bar(_spin_spinor(k1, axis)), dirac.spinor_u(p, spin)
    return sum(
        np.abs(_reference_amplitude(decay, p, first, second, k2, k3, l2, l3, conjugate)) ** 2
        for l2 in (-1, 1)
        for l3 in (-1, 1)
    )


@pytest.mark.parametrize("fermion", ["dirac", "majorana"])
@pytest.mark.parametrize("pair", [("e", "e"), ("mu", "mu"), ("nu_e", "nu_e")])
def test_spin_projection_against_explicit_spinors(fermion, pair):
    """|M(n̂)|² = ½ |M|² (1 + P⃗·n̂) with every mediator (Z, Z', h', dipole photon)."""
    model = build_model({**EVERYTHING, "fermion": fermion})
    decay = LeptonPairDecay(model, 4, 3, *pair)
    rng = np.random.default_rng(7)
    p, k1, k2, k3 = _points(decay, 200, rng)
    for spin in (-1, 1):
        s4 = decay.daughter_polarisation(p, k1, k2, k3, spin)
        pol = lorentz.rest_polarisation(s4, k1)
        summed = decay.amplitude_squared(p, k1, k2, k3, spin)
        for axis in (_unit_vectors(len(p), rng), lorentz.unit(k1[:, 1:])):
            expected = 0.5 * summed * (1 + np.sum(pol * axis, axis=1))
            got = _projected(decay, p, k1, k2, k3, spin, axis)
            np.testing.assert_allclose(got, expected, rtol=0, atol=TOL * summed.max())
            # the opposite spin completes the sum
            opposite = _projected(decay, p, k1, k2, k3, spin, -axis)
            np.testing.assert_allclose(got + opposite, summed, rtol=TOL)


def _chiral_decay(chirality: int, m4: float = 0.15) -> LeptonPairDecay:
    """N5 → N4 e⁻e⁺ through Z and Z' with a pure V−A (Dirac N's: c_R = 0) or, moving c_L to
    c_R, V+A neutral-lepton current."""
    decay = LeptonPairDecay(build_model({**VECTORS, "m4": m4}), 4, 3, "e", "e")
    if chirality > 0:
        decay.mediators = [dataclasses.replace(m, inner=(0j, m.inner[0])) for m in decay.mediators]
    assert all(m.kind == "vector" for m in decay.mediators)
    assert all(m.inner[1 if chirality < 0 else 0] == 0 for m in decay.mediators)
    return decay


@pytest.mark.parametrize("chirality", [-1, 1])
def test_pure_chiral_current_closed_form(chirality):
    """V−A (V+A): |M(s)|² = ½ |M|²(k₁ → k₁ ∓ m s), s the spin four-vector of the rest axis
    n̂ (module docstring)."""
    decay = _chiral_decay(chirality)
    rng = np.random.default_rng(3)
    p, k1, k2, k3 = _points(decay, 500, rng)
    axis = _unit_vectors(len(p), rng)
    m = decay.m_daughter
    s = lorentz.boost(np.concatenate([np.zeros((len(p), 1)), axis], 1), k1)
    for spin in (-1, 1):
        s4 = decay.daughter_polarisation(p, k1, k2, k3, spin)
        summed = decay.amplitude_squared(p, k1, k2, k3, spin)
        light_like = decay.amplitude_squared(p, k1 + chirality * m * s, k2, k3, spin)
        expected = 0.5 * summed * (1 - dirac.dot(s4, s))
        np.testing.assert_allclose(0.5 * light_like, expected, rtol=0, atol=TOL * summed.max())


@pytest.mark.parametrize("chirality", [-1, 1])
def test_light_daughter_helicity_limit(chirality):
    """V∓A with m_j ≪ M: the rate-weighted helicity ⟨P_long⟩ of N_j tends to ∓1, like the
    electron's in muon decay. The deficit 1 ± ⟨P_long⟩ is dominated by slow N_j
    (O(m_j/M): halving m_j at least halves it), while ∓P_long − β, β = |k|/E (the helicity
    of a chirality eigenstate of an unpolarised source), is O((m_j/M)²): halving m_j
    divides ⟨∓P_long − β⟩ by more than 3 (4 up to logarithms)."""
    deficits, offsets = [], []
    for m4 in (0.02, 0.01):  # m_j/M = 0.04, 0.02
        decay = _chiral_decay(chirality, m4)
        p, k1, k2, k3 = _points(decay, 20_000, np.random.default_rng(5))
        rates = {h: decay.amplitude_squared(p, k1, k2, k3, h) for h in (-1, 1)}
        pol = sum(
            rates[h][:, None]
            * lorentz.rest_polarisation(decay.daughter_polarisation(p, k1, k2, k3, h), k1)
            for h in (-1, 1)
        )
        summed = rates[1] + rates[-1]
        helicity = chirality * np.sum(pol * lorentz.unit(k1[:, 1:]), axis=1) / summed
        beta = lorentz.norm(k1[:, 1:]) / k1[:, 0]
        weight = summed / summed.sum()
        deficits.append(1 - np.sum(weight * helicity))
        offsets.append(abs(np.sum(weight * (helicity - beta))))
    assert 0 < deficits[1] < deficits[0] / 2 < 0.05
    assert offsets[1] < offsets[0] / 3


def test_cp_conjugate_against_antiparticle_spinors():
    """anti-N_i → anti-N_j ℓ⁺ℓ⁻ with v spinors (real couplings; Z and Z'): its spin-summed
    |M|² is that of the particle channel at −k (the parity image of ``conjugate``) and its
    spin projections follow ``daughter_polarisation(..., conjugate=True)``."""
    decay = LeptonPairDecay(build_model(VECTORS), 4, 3, "e", "e")
    rng = np.random.default_rng(11)
    p, k1, k2, k3 = _points(decay, 200, rng, conjugate=True)
    axis = _unit_vectors(len(p), rng)
    for spin in (-1, 1):
        summed = decay.amplitude_squared(p, -k1 * [-1, 1, 1, 1], -k2 * [-1, 1, 1, 1],
                                         -k3 * [-1, 1, 1, 1], spin)  # fmt: skip
        up = _projected(decay, p, k1, k2, k3, spin, axis, conjugate=True)
        down = _projected(decay, p, k1, k2, k3, spin, -axis, conjugate=True)
        np.testing.assert_allclose(up + down, summed, rtol=TOL)
        s4 = decay.daughter_polarisation(p, k1, k2, k3, spin, conjugate=True)
        pol = lorentz.rest_polarisation(s4, k1)
        expected = 0.5 * summed * (1 + np.sum(pol * axis, axis=1))
        np.testing.assert_allclose(up, expected, rtol=0, atol=TOL * summed.max())


def test_covariance_and_bounds():
    """S·k₁ = 0, −S² = |P⃗|² ≤ 1 and S(R k) = R S(k) for rotations R about the spin axis."""
    decay = LeptonPairDecay(build_model(EVERYTHING), 4, 3, "e", "e")
    rng = np.random.default_rng(2)
    p, k1, k2, k3 = _points(decay, 1000, rng)
    s4 = decay.daughter_polarisation(p, k1, k2, k3, 1)
    scale = np.abs(s4).max(axis=1) * k1[:, 0]
    np.testing.assert_allclose(dirac.dot(s4, k1) / scale, 0, atol=1e-13)
    pol = lorentz.rest_polarisation(s4, k1)
    np.testing.assert_allclose(-dirac.dot(s4, s4), np.sum(pol**2, axis=1), rtol=1e-10)
    assert np.all(np.sum(pol**2, axis=1) <= 1 + 1e-12)
    assert np.sum(pol**2, axis=1).max() > 0.5  # not trivially unpolarised
    phi = rng.uniform(0, 2 * np.pi, len(p))
    turned = [lorentz.rotate_about_z(k, phi) for k in (k1, k2, k3)]
    np.testing.assert_allclose(
        decay.daughter_polarisation(p, *turned, 1), lorentz.rotate_about_z(s4, phi), atol=1e-12
    )


def test_errors():
    decay = LeptonPairDecay(build_model(VECTORS), 4, 3, "e", "e")
    p, k1, k2, k3 = decay.momenta(np.array([0.05]), np.array([0.1]))
    with pytest.raises(ValueError, match="spin must be"):
        decay.daughter_polarisation(p, k1, k2, k3, 0)
    light = LeptonPairDecay(build_model(VECTORS), 4, 1, "e", "e")
    with pytest.raises(ValueError, match="heavy"):
        light.daughter_polarisation(p, k1, k2, k3, 1)


def test_rest_polarisation_inverts_a_boost():
    """(0, P⃗) boosted to momentum k (:func:`lorentz.boost`) and back gives P⃗."""
    rng = np.random.default_rng(4)
    n = 100
    pol = _unit_vectors(n, rng) * rng.uniform(0, 1, (n, 1))
    k = np.concatenate([np.zeros((n, 1)), rng.normal(size=(n, 3))], 1)
    k[:, 0] = np.sqrt(0.3**2 + np.sum(k[:, 1:] ** 2, axis=1))
    s4 = lorentz.boost(np.concatenate([np.zeros((n, 1)), pol], 1), k)
    np.testing.assert_allclose(dirac.dot(s4, k), 0, atol=1e-12)
    np.testing.assert_allclose(lorentz.rest_polarisation(s4, k), pol, atol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("mzprime", [0.03, 1.25])
def test_sample_decay_carries_the_daughter_spin(weighted, mzprime):
    """sample_decay fills DecaySample.daughter_spin for N5 → N4 e⁻e⁺ (cascade through a light
    Z', three-body through a heavy one) with the polarisation of each event's kinematics, and
    leaves it None for light daughters."""
    model = build_model({**VECTORS, "mzprime": mzprime})
    rng = np.random.default_rng(6)
    modes = decay_modes(model, "N5", "e+e-")
    assert any(m.daughter == 3 for m in modes)
    helicity = rng.choice([-1, 1], 300)
    for mode in modes:
        for anti in (False, True):
            cache: dict = {}
            sample = sample_decay(
                model, "N5", mode, helicity, rng, cache, antiparticle=anti, weighted=weighted
            )
            if mode.daughter < 3:
                assert sample.daughter_spin is None
                continue
            decay = cache[mode.label]
            k1 = sample.momenta[0]
            lep = sample.momenta[-2:]  # written ℓ⁻, ℓ⁺: the sampler's k2, k3 swap for anti
            k2, k3 = (lep[1], lep[0]) if anti else (lep[0], lep[1])
            p = np.zeros((len(k1), 4))
            p[:, 0] = decay.m_parent
            for h in (-1, 1):
                sel = helicity == h
                expected = decay.daughter_polarisation(
                    p[sel], k1[sel], k2[sel], k3[sel], h, conjugate=anti
                )
                np.testing.assert_allclose(sample.daughter_spin[sel], expected, atol=1e-12)
