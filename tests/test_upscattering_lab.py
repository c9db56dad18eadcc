"""dσ/dQ² with the lab momenta of the same kinematics (Upscattering.dsigma_dq2_lab) against
the separate public functions: dσ/dQ² of Upscattering.dsigma_dq2 and the four-momenta of
kinematics.lab_momenta, on random points (unphysical ones included) for every kind of
target, both N helicities, neutrinos and antineutrinos, Dirac and Majorana N."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.experiments.catalogue import get_experiment
from nuportal.generator.production import ProductionSampler
from nuportal.models import benchmark_model, build_model
from nuportal.physics.kinematics import lab_momenta
from nuportal.physics.nuclei import NEUTRON, PROTON, nucleus
from nuportal.physics.upscattering import Channel, Upscattering

#: Z, Z', h' and a transition dipole: every coupling table of the kernels is non-empty
RICH = dict(
    m4=0.15, Umu4=3e-3, UD4=0.8, mzprime=0.2, gD=0.5, epsilon=3e-3,
    mhprime=0.6, theta=2e-3, yD=0.7, mu_tr_mu4=1e-6,
)  # fmt: skip

TARGETS = {
    "C12 coherent (Fourier-Bessel)": (lambda: nucleus("C12"), "coherent", None),
    "Cu63 coherent (Helm)": (lambda: nucleus("Cu63"), "coherent", None),
    "free proton": (lambda: PROTON, "elastic", None),
    "proton in C12": (lambda: PROTON, "elastic", "C12"),
    "neutron in C12": (lambda: NEUTRON, "elastic", "C12"),
}


def _points(ups: Upscattering, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Energies up to 5 GeV (some below threshold) and Q², 90% inside the limits (log-uniform),
    10% anywhere in [-0.1, 3] GeV²."""
    energy = rng.uniform(0.0, 5.0, 4000)
    lo, hi = (np.maximum(x, 1e-12) for x in ups.q2_limits(energy))
    inside = np.exp(np.log(lo) + rng.random(energy.size) * np.log(hi / lo))
    q2 = np.where(rng.random(energy.size) < 0.9, inside, rng.uniform(-0.1, 3.0, energy.size))
    return energy, q2


@pytest.mark.parametrize("fermion", ["dirac", "majorana"])
@pytest.mark.parametrize("flavour", [14, -14])
@pytest.mark.parametrize("target", TARGETS)
def test_dsigma_with_momenta_equals_the_separate_functions(fermion, flavour, target):
    make, regime, bound = TARGETS[target]
    channel = Channel(flavour, "N4", make(), regime, None if bound is None else nucleus(bound))
    for model in (benchmark_model(fermion=fermion), build_model({**RICH, "fermion": fermion})):
        ups = Upscattering(model, channel)
        energy, q2 = _points(ups, np.random.default_rng(abs(flavour)))
        k1_ref, k2_ref, _, _, _ = lab_momenta(energy, q2, ups.m_lepton, ups.m_target)
        for helicity in (+1, -1):
            dsigma, k1, k2 = ups.dsigma_dq2_lab(energy, q2, helicity)
            reference = ups.dsigma_dq2(energy, q2, helicity)
            assert np.count_nonzero(reference) > energy.size // 2
            np.testing.assert_allclose(dsigma, reference, rtol=1e-12, atol=0)
            np.testing.assert_array_equal(k1, k1_ref)
            np.testing.assert_array_equal(k2, k2_ref)


def test_dsigma_with_momenta_keeps_the_shape():
    ups = Upscattering(benchmark_model(), Channel(14, "N4", nucleus("C12"), "coherent"))
    energy = np.full((3, 2), 1.0)
    dsigma, k1, k2 = ups.dsigma_dq2_lab(energy, 0.01, -1)
    assert dsigma.shape == (3, 2)
    assert k1.shape == k2.shape == (3, 2, 4)
    np.testing.assert_array_equal(dsigma, ups.dsigma_dq2(energy, 0.01, -1))


@pytest.mark.data
def test_production_sample_carries_the_lab_momenta(data_dir):
    """The sampler's k₁, k₂ are lab_momenta of its (E, Q²); an empty sample has (0, 4)."""
    flux = get_experiment("miniboone_numode").flux(data_dir)
    ups = Upscattering(benchmark_model(), Channel(14, "N4", nucleus("C12"), "coherent"))
    sampler = ProductionSampler(ups, flux, -1, np.random.default_rng(3))
    sample = sampler.sample(5000, np.random.default_rng(4))
    k1, k2, _, _, _ = lab_momenta(sample.energy, sample.q2, ups.m_lepton, ups.m_target)
    np.testing.assert_array_equal(sample.k1, k1)
    np.testing.assert_array_equal(sample.k2, k2)
    empty = sampler.sample(0, np.random.default_rng(4))
    assert empty.k1.shape == empty.k2.shape == (0, 4)
