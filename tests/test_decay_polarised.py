"""Polarised decay distributions and samplers.

References: the integral of every differential rate is the partial width of the table;
isotropy of the spin average; the analysing powers of a left-handed daughter in two-body
decays (angular-momentum conservation for the photon and the scalar; the vector case as
for t → bW, Jeżabek & Kühn, Nucl. Phys. B 320 (1989) 20); the Dirac/Majorana difference of
N → ν γ (Balantekin, de Gouvêa & Kayser, Phys. Lett. B 789 (2019) 488: isotropic for a
Majorana N); Monte Carlo moments within their statistical errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.models import build_model
from nuportal.physics.decays.polarised import two_body_angular
from nuportal.physics.decays.three_body import LeptonPairDecay
from nuportal.physics.decays.two_body import fermion_to_photon, fermion_to_scalar, fermion_to_vector

X, W = np.polynomial.legendre.leggauss(16)

CASES = [
    ("vector", fermion_to_vector, 0.3, 0.0),
    ("scalar", fermion_to_scalar, 0.0, 0.3),
    ("photon", None, 0.0, 1e-6),
]


@pytest.mark.parametrize(("kind", "closed", "c_l", "c_r"), CASES)
@pytest.mark.parametrize("helicity", [-1, 1])
@pytest.mark.parametrize("m_f", [0.0, 0.1])
def test_two_body_angular_integrates_to_width(kind, closed, c_l, c_r, helicity, m_f):
    big, m_b = 0.5, 0.2
    integral = np.sum(W * two_body_angular(kind, big, m_f, m_b, c_l, c_r, helicity, X))
    width = (
        fermion_to_photon(big, m_f, c_l, c_r) if closed is None else closed(big, m_f, m_b, c_l, c_r)
    )
    assert integral == pytest.approx(float(width), rel=1e-12)


@pytest.mark.parametrize(
    ("kind", "c_l", "c_r", "alpha"),
    [
        ("photon", 0.0, 1e-6, 1.0),
        ("scalar", 0.0, 0.3, -1.0),
        ("vector", 0.3, 0.0, -(0.5**2 - 2 * 0.2**2) / (0.5**2 + 2 * 0.2**2)),
    ],
)
def test_analysing_powers_of_a_left_handed_daughter(kind, c_l, c_r, alpha):
    big, m_b = 0.5, 0.2
    ct = np.linspace(-1, 1, 7)
    for h in (-1, 1):
        rate = two_body_angular(kind, big, 0.0, m_b, c_l, c_r, h, ct)
        mean = 0.5 * (rate[0] + rate[-1])
        np.testing.assert_allclose(rate, mean * (1 + h * alpha * ct), rtol=1e-10, atol=1e-30)


def test_majorana_photon_decay_is_isotropic():
    """Majorana vertex (D, −D*) for ν_L + ν̄_R: the asymmetries cancel."""
    mu = 1e-6
    ct = np.linspace(-1, 1, 5)
    rate = two_body_angular("photon", 0.4, 0.0, 0.0, -mu, mu, +1, ct)
    np.testing.assert_allclose(rate, rate[0], rtol=1e-12)


# ---------------------------------------------------------------------- three-body
MODEL = {"m4": 0.4, "Umu4": 1e-3, "UD4": 0.9, "mzprime": 1.0, "alphaD": 0.25, "epsilon": 1e-3}


def _moments(decay: LeptonPairDecay, helicity: int, conjugate: bool = False):
    """(∫ dΓ, ∫ cos θ dΓ) by quadrature: Gauss–Legendre in s₂₃, s₁₃ and cos θ, equally
    spaced χ (the rate is a first-degree trigonometric polynomial in χ)."""
    s23, w23 = decay._s23_nodes(4, 16)
    x, w = np.polynomial.legendre.leggauss(8)
    chis = np.linspace(0, 2 * np.pi, 4, endpoint=False)
    i, t, c, k = (
        g.ravel()
        for g in np.meshgrid(
            np.arange(s23.size),
            np.arange(x.size),
            np.arange(x.size),
            np.arange(chis.size),
            indexing="ij",
        )
    )
    lo, hi = decay.s13_limits(s23[i])
    s13 = lo + 0.5 * (x[t] + 1) * (hi - lo)
    rate = decay.differential_width(s23[i], s13, x[c], chis[k], helicity, conjugate=conjugate)
    weight = w23[i] * 0.5 * (hi - lo) * w[t] * w[c] * (2 * np.pi / chis.size)
    return float(np.sum(weight * rate)), float(np.sum(weight * rate * x[c]))


def _integral(decay: LeptonPairDecay, helicity: int, conjugate: bool = False) -> float:
    return _moments(decay, helicity, conjugate)[0]


@pytest.mark.parametrize("helicity", [-1, 1])
def test_three_body_differential_integrates_to_width(helicity):
    decay = LeptonPairDecay(build_model(MODEL), 3, 1, "e", "e")
    assert _integral(decay, helicity) == pytest.approx(decay.width(), rel=1e-9)


def test_majorana_particle_plus_conjugate_is_the_table_width():
    decay = LeptonPairDecay(build_model({**MODEL, "fermion": "majorana"}), 3, 1, "e", "e")
    both = _integral(decay, +1) + _integral(decay, +1, conjugate=True)
    assert both == pytest.approx(decay.width(), rel=1e-9)


def test_spin_average_is_isotropic():
    decay = LeptonPairDecay(build_model(MODEL), 3, 1, "mu", "mu")
    rng = np.random.default_rng(3)
    lo, hi = decay.s23_range
    s23 = np.full(6, lo + 0.4 * (hi - lo))
    a, b = decay.s13_limits(s23)
    s13 = a + 0.3 * (b - a)
    ct, chi = rng.uniform(-1, 1, 6), rng.uniform(0, 2 * np.pi, 6)
    avg = decay.differential_width(s23, s13, ct, chi, 1) + decay.differential_width(
        s23, s13, ct, chi, -1
    )
    np.testing.assert_allclose(avg, avg[0], rtol=1e-10)
    polarised = decay.differential_width(s23, s13, ct, chi, 1)
    assert np.ptp(polarised) > 1e-3 * polarised.mean()  # the spin matters


def test_sampler_conserves_momentum_and_matches_the_distribution(rng):
    decay = LeptonPairDecay(build_model(MODEL), 3, 1, "e", "e")
    n = 20_000
    k1, k2, k3 = decay.sample(n, +1, rng)
    total = k1 + k2 + k3
    np.testing.assert_allclose(total[:, 0], 0.4, rtol=1e-12)
    np.testing.assert_allclose(total[:, 1:], 0.0, atol=1e-12)
    mass2 = k2[:, 0] ** 2 - np.sum(k2[:, 1:] ** 2, axis=1)
    np.testing.assert_allclose(np.sqrt(np.clip(mass2, 0, None)), 0.000511, rtol=1e-3)
    # ⟨cos θ_ν⟩ against the quadrature of the differential rate
    cos_nu = k1[:, 3] / np.linalg.norm(k1[:, 1:], axis=1)
    total, first = _moments(decay, +1)
    expected = first / total
    error = np.std(cos_nu) / np.sqrt(n)
    assert abs(cos_nu.mean() - expected) < 4 * error
    assert abs(expected) > 5 * error  # the test has power: the asymmetry is resolved


def test_samplers_accept_an_empty_request(rng):
    """A group of zero events (a chunk where no N has this helicity) gives empty arrays."""
    decay = LeptonPairDecay(build_model(MODEL), 3, 1, "e", "e")
    for sample in (decay.sample(0, +1, rng), decay.sample_weighted(0, +1, rng)):
        assert [a.shape[0] for a in sample] == [0] * len(sample)


@pytest.mark.parametrize("helicity", [-1, 1])
def test_two_body_sampler_moments(rng, helicity):
    """⟨cos θ⟩ = hα/3 for 1 + hα cos θ, within 4 standard errors (fixed seed)."""
    from nuportal.physics.decays.polarised import analysing_power, sample_cos_theta

    alpha = analysing_power("vector", 0.5, 0.0, 0.2, 0.3, 0.0)
    assert alpha == pytest.approx(-(0.25 - 0.08) / (0.25 + 0.08), rel=1e-10)
    n = 200_000
    c = sample_cos_theta(alpha, helicity, n, rng)
    assert abs(c.mean() - helicity * alpha / 3) < 4 * c.std() / np.sqrt(n)
    assert c.min() >= -1.0
    assert c.max() <= 1.0


def test_weighted_sampler_is_unbiased(rng):
    """Weights of mean 1 (within errors) and weighted ⟨cos θ_ν⟩ equal to the quadrature."""
    decay = LeptonPairDecay(build_model(MODEL), 3, 1, "e", "e")
    n = 40_000
    k1, _, _, w = decay.sample_weighted(n, +1, rng)
    assert abs(w.mean() - 1.0) < 4 * w.std() / np.sqrt(n)
    cos_nu = k1[:, 3] / np.linalg.norm(k1[:, 1:], axis=1)
    total, first = _moments(decay, +1)
    mean = np.sum(w * cos_nu) / np.sum(w)
    error = np.sqrt(np.sum((w * (cos_nu - mean)) ** 2)) / np.sum(w)
    assert abs(mean - first / total) < 4 * error
