"""Spin of the heavy daughter of N_i → N_j γ against explicit spinors.

* Spin projection: the dipole amplitude ū(k, n̂) σ^{μν} q_ν (c_L P_L + c_R P_R) u(p, ±) ε*_μ
  with the daughter's spin along an arbitrary rest-frame axis n̂ (the spinors of
  ``test_daughter_polarisation``, Peskin & Schroeder Eqs. (3.53), (3.62)), summed over two
  transverse photon polarisations (the spherical unit vectors e_θ, e_φ of the photon
  direction), equals ½ |M|²_summed (1 + P_L k̂·n̂) with P_L of
  :func:`~nuportal.physics.decays.polarised.photon_daughter_helicity`: the polarisation is
  longitudinal and its size is the one of the formula;
* limits: a pure σ^{μν} P_L or P_R dipole has one helicity amplitude, |α| = 1 and |P_L| = 1 at
  every angle, any masses; averaged over the parent spin P_L = −α (PDG review "Radiative
  hyperon decays"); α of :func:`~nuportal.physics.decays.polarised.analysing_power` is the
  first moment of the same amplitudes (Gauss–Legendre in cos θ, exact for the linear rates);
* ``sample_decay``: each event's S^μ against the amplitudes with the couplings of the decay
  table (Dirac, Majorana, and the Dirac anti-N_i → anti-N_j γ with v spinors and the
  couplings of the conjugate line, which are not those of the particle line's CP image
  by construction of the test);
* the generator: in N5 → N4 γ → ν γ γ the ν of the N4 decay follows the N4 helicity vector
  built independently from the lab momenta (⟨P⃗·n̂⟩ = α/3, 0 if N4 were unpolarised).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_daughter_polarisation import TOL, _spin_spinor, _unit_vectors

from nuportal.generator import lorentz
from nuportal.generator.chain import decay_modes, sample_decay
from nuportal.models import build_model
from nuportal.models.couplings import chiral_vertex
from nuportal.physics import dirac
from nuportal.physics.decays.polarised import analysing_power, photon_daughter_helicity

BIG = 0.5
COUPLINGS = {
    "left": (1.0, 0.0),
    "right": (0.0, 1.0),
    "mixed": (0.3 + 0.4j, -1.1 + 0.2j),
    "majorana": (0.7 - 0.2j, -(0.7 + 0.2j)),  # (c, −c*): isotropic, α = 0
}
DIPOLE = {"m4": 0.15, "m5": 0.5, "UD4": 0.8, "UD5": 0.6, "Umu4": 1e-3, "Umu5": 1e-3}


def _kinematics(big: float, small: float, direction: np.ndarray):
    """Parent at rest, daughter along ``direction`` (n, 3), photon q = p − k."""
    n = len(direction)
    p_abs = (big**2 - small**2) / (2 * big)
    p = np.zeros((n, 4))
    p[:, 0] = big
    k = np.concatenate([np.full((n, 1), np.hypot(p_abs, small)), p_abs * direction], 1)
    return p, k, p - k


def _transverse(direction: np.ndarray) -> list[np.ndarray]:
    """e_θ and e_φ of the photon direction −k̂ as four-vectors (0, e)."""
    photon = -direction
    theta = np.arccos(np.clip(photon[:, 2], -1, 1))
    phi = np.arctan2(photon[:, 1], photon[:, 0])
    zero = np.zeros_like(theta)
    e_theta = [zero, np.cos(theta) * np.cos(phi), np.cos(theta) * np.sin(phi), -np.sin(theta)]
    e_phi = [zero, -np.sin(phi), np.cos(phi), zero]
    return [np.stack(e_theta, -1), np.stack(e_phi, -1)]


def _projected(big, small, direction, spin, axis, c_l, c_r, conjugate=False) -> np.ndarray:
    """Σ_{λ_γ} |M|² with the daughter's spin along ``axis``: ū(k, n̂) Γ u(p, spin), or for
    ``conjugate`` the anti-N_i → anti-N_j line v̄(p, spin) Γ v(k, n̂)."""
    p, k, q = _kinematics(big, small, direction)
    if conjugate:
        left, right = dirac.bar(dirac.spinor_v(p, spin)), _spin_spinor(k, axis, antiparticle=True)
    else:
        left, right = dirac.bar(_spin_spinor(k, axis)), dirac.spinor_u(p, spin)
    current = dirac.dipole_current(left, right, q, c_l, c_r)
    return sum(np.abs(dirac.dot(current, np.conj(eps))) ** 2 for eps in _transverse(direction))


@pytest.mark.parametrize("couplings", COUPLINGS)
@pytest.mark.parametrize("small", [0.15, 0.45])
@pytest.mark.parametrize("spin", [-1, 1])
def test_spin_projection_against_explicit_spinors(couplings, small, spin):
    """|M(n̂)|² = ½ |M|² (1 + P_L k̂·n̂) for random n̂ and random daughter directions."""
    c_l, c_r = COUPLINGS[couplings]
    rng = np.random.default_rng(17)
    direction = _unit_vectors(300, rng)
    alpha = analysing_power("photon", BIG, small, 0.0, c_l, c_r)
    p_long = photon_daughter_helicity(alpha, spin, direction[:, 2])
    up = _projected(BIG, small, direction, spin, direction, c_l, c_r)
    down = _projected(BIG, small, direction, spin, -direction, c_l, c_r)
    summed = up + down
    np.testing.assert_allclose(up, 0.5 * summed * (1 + p_long), rtol=0, atol=TOL * summed.max())
    axis = _unit_vectors(len(direction), rng)
    got = _projected(BIG, small, direction, spin, axis, c_l, c_r)
    expected = 0.5 * summed * (1 + p_long * np.sum(direction * axis, axis=1))
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOL * summed.max())
    opposite = _projected(BIG, small, direction, spin, -axis, c_l, c_r)
    np.testing.assert_allclose(got + opposite, summed, rtol=TOL)


@pytest.mark.parametrize(("couplings", "alpha"), [("left", -1.0), ("right", 1.0)])
@pytest.mark.parametrize("small", [0.05, 0.45])
def test_pure_chirality_is_fully_polarised(couplings, alpha, small):
    """One helicity amplitude: α = ±1 and P_L = −α at every angle (the rate's zero
    included); the spinor projection on the other helicity vanishes."""
    c_l, c_r = COUPLINGS[couplings]
    assert analysing_power("photon", BIG, small, 0.0, c_l, c_r) == pytest.approx(alpha, abs=1e-12)
    cos_theta = np.linspace(-1, 1, 41)
    for spin in (-1, 1):
        np.testing.assert_array_equal(photon_daughter_helicity(alpha, spin, cos_theta), -alpha)
    direction = _unit_vectors(100, np.random.default_rng(1))
    for spin in (-1, 1):
        wrong = _projected(BIG, small, direction, spin, alpha * direction, c_l, c_r)
        right = _projected(BIG, small, direction, spin, -alpha * direction, c_l, c_r)
        assert np.all(wrong <= TOL * right.max())


@pytest.mark.parametrize("couplings", ["mixed", "majorana"])
def test_analysing_power_is_the_moment_of_the_same_amplitudes(couplings):
    """∫ cos θ |M|² / ∫ |M|² = h α/3, ∫ (|M(+k̂)|² − |M(−k̂)|²) / ∫ |M|² = −α for either
    parent spin, and P_L averaged over the parent spin is −α at every angle."""
    c_l, c_r = COUPLINGS[couplings]
    small = 0.3
    alpha = analysing_power("photon", BIG, small, 0.0, c_l, c_r)
    x, w = np.polynomial.legendre.leggauss(4)
    phi = np.linspace(0.3, 5.0, len(x))
    sin = np.sqrt(1 - x**2)
    direction = np.stack([sin * np.cos(phi), sin * np.sin(phi), x], -1)
    for spin in (-1, 1):
        plus = _projected(BIG, small, direction, spin, direction, c_l, c_r)
        minus = _projected(BIG, small, direction, spin, -direction, c_l, c_r)
        total = np.sum(w * (plus + minus))
        assert np.sum(w * x * (plus + minus)) / total == pytest.approx(spin * alpha / 3, abs=1e-12)
        assert np.sum(w * (plus - minus)) / total == pytest.approx(-alpha, abs=1e-12)
    if couplings == "majorana":
        assert alpha == pytest.approx(0.0, abs=1e-12)
    else:
        assert abs(alpha) > 0.3  # the check has power
    cos_theta = np.linspace(-1, 1, 9)
    rates = {h: 1 + h * alpha * cos_theta for h in (-1, 1)}
    mean = sum(rates[h] * photon_daughter_helicity(alpha, h, cos_theta) for h in (-1, 1))
    np.testing.assert_allclose(mean / (rates[1] + rates[-1]), -alpha, rtol=0, atol=1e-14)


def _dirac_mixed():
    """Dirac N5 → N4 γ with both chiral couplings (D₄₅ and D₅₄ both open)."""
    model = build_model({**DIPOLE, "mu_tr_45": 1e-6})
    dipole = np.array(model.couplings.dipole)
    dipole[3, 4] = (0.4 - 0.3j) * 1e-6
    couplings = dataclasses.replace(model.couplings, dipole=dipole)
    return dataclasses.replace(model, couplings=couplings)


MODELS = {
    "dirac": lambda: build_model({**DIPOLE, "mu_tr_45": 1e-6}),
    "dirac-mixed": _dirac_mixed,
    "majorana": lambda: build_model({**DIPOLE, "mu_tr_45": 1e-6, "fermion": "majorana"}),
}


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("anti", [False, True])
def test_sample_decay_carries_the_photon_daughter_spin(name, anti):
    """sample_decay's S^μ of N4 from N5 → N4 γ follows the spin-projected amplitudes with the
    couplings of the decay table (Majorana vertex; Dirac particle or conjugate line)."""
    model = MODELS[name]()
    (mode,) = [m for m in decay_modes(model, "N5", "photon") if m.daughter == 3]
    rng = np.random.default_rng(9)
    helicity = rng.choice([-1, 1], 400)
    sample = sample_decay(model, "N5", mode, helicity, rng, antiparticle=anti)
    conjugate = anti and not model.majorana
    assert np.all(sample.conjugate == conjugate)
    k, s4 = sample.momenta[0], sample.daughter_spin
    assert s4 is not None
    scale = np.abs(s4).max(axis=1) * k[:, 0]
    np.testing.assert_allclose(dirac.dot(s4, k) / scale, 0, atol=1e-13)
    pol = lorentz.rest_polarisation(s4, k)
    assert np.all(np.sum(pol**2, axis=1) <= 1 + 1e-12)
    dipole = np.asarray(model.couplings.dipole)
    c_l, c_r = chiral_vertex(
        dipole, 3, 4, majorana=model.majorana, antineutrino=conjugate, kind="dipole"
    )
    direction = lorentz.unit(k[:, 1:])
    axis = _unit_vectors(len(k), rng)
    for h in (-1, 1):
        sel = helicity == h
        args = (BIG, model.heavy[0].mass, direction[sel], h)
        up = _projected(*args, axis[sel], c_l, c_r, conjugate)
        down = _projected(*args, -axis[sel], c_l, c_r, conjugate)
        summed = up + down
        expected = 0.5 * summed * (1 + np.sum(pol[sel] * axis[sel], axis=1))
        np.testing.assert_allclose(up, expected, rtol=0, atol=TOL * summed.max())


def test_light_daughter_has_no_spin_vector():
    model = build_model({"m4": 0.4, "mu_tr_mu4": 1e-6})
    (mode,) = decay_modes(model, "N4", "photon")
    assert mode.daughter < 3
    sample = sample_decay(model, "N4", mode, np.ones(10, int), np.random.default_rng(0))
    assert sample.daughter_spin is None


@pytest.mark.data
def test_generated_chain_keeps_the_photon_daughter_helicity(data_dir):
    """Dirac N5 → N4 γ → ν γ γ through pure σ^{μν} P_R dipoles (mu_tr_45, mu_tr_mu4 only
    open D₅₄ and D₄ν): N4 leaves with helicity −1 in the N5 rest frame, the covariant
    S = −(k (k·P) − m² P)/(m √((k·P)² − m² M²)) built here from the lab momenta of N5 (P, M)
    and N4 (k, m), and its ν follows 1 + α P⃗·n̂ with α = +1 in the N4 rest frame: the
    weighted mean of P⃗·n̂ is 1/3 (0 for an unpolarised N4)."""
    from nuportal.generator.run import EventGenerator

    m4, m5 = 0.15, 0.5
    model = build_model(
        {"m4": m4, "m5": m5, "mu_tr_45": 3e-5, "mu_tr_mu4": 1e-6, "mu_tr_mu5": 3e-6}
    )
    gen = EventGenerator(
        model, "miniboone_numode", final_state="photon", seed=8, flavours=[14],
        roles=("detector",), data_dir=data_dir,
    )  # fmt: skip
    events = gen.generate(6000)
    sub = events.select(np.diff(events.offsets) == 8)
    pdg = np.asarray(sub.particles["pdg"]).reshape(-1, 8)
    assert np.all(pdg[:, 3:8] == [5915, 5914, 22, 14, 22])  # N5 → N4 γ, N4 → ν_μ γ
    p = sub.particles
    p4 = np.stack([p["e"], p["px"], p["py"], p["pz"]], axis=1).reshape(-1, 8, 4)
    n5, n4, nu = p4[:, 3], p4[:, 4], p4[:, 6]
    kp = dirac.dot(n4, n5)
    norm = m4 * np.sqrt(kp**2 - m4**2 * m5**2)
    spin = -(n4 * kp[:, None] - m4**2 * n5) / norm[:, None]
    polarisation = lorentz.rest_polarisation(spin, n4)
    nu_rest = lorentz.boost(nu, n4 * np.array([1.0, -1.0, -1.0, -1.0]))[:, 1:]
    projection = np.sum(polarisation * lorentz.unit(nu_rest), axis=1)
    w = sub.event["weight"]
    mean = np.sum(w * projection) / w.sum()
    error = np.sqrt(np.sum(w**2 * (projection - mean) ** 2)) / w.sum()
    assert len(sub) > 500
    assert 10 * error < 1 / 3  # an unpolarised N4 fails
    assert abs(mean - 1 / 3) < 4 * error
