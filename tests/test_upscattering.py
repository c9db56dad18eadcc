"""Upscattering cross sections against independent references.

References used (none of them shares code with the helicity-amplitude implementation):

* coherent elastic ν-nucleus scattering: D. Z. Freedman, Phys. Rev. D 9, 1389 (1974),
  dσ/dT = G_F² M Q_W² F² (1 - T/E - M T / 2E²) / 4π with Q_W = N - (1 - 4 s_W²) Z;
* neutral-current ν p elastic scattering: C. H. Llewellyn Smith, Phys. Rep. 3, 261 (1972),
  dσ/dQ² = G_F² M² / (8π E²) [A ± B (s-u)/M² + C (s-u)²/M⁴];
* magnetic-moment scattering on a nucleus: Vogel & Engel, Phys. Rev. D 39, 3378 (1989),
  dσ/dT = α Z² μ² F² (1/T - 1/E) for a massless final neutrino, and the massive-final-state
  generalisation of Brdar, Greljo, Kopp & Opferkuch, JCAP 01 (2021) 039, arXiv:2007.15563.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from nuportal.constants import ALPHA_EM, G_F, SIN2_THETA_W
from nuportal.errors import NuportalError
from nuportal.models import build_model
from nuportal.physics.form_factors import (
    STRANGE_AXIAL_CHARGE,
    axial_form_factor,
    nuclear_form_factors,
    nucleon_form_factors,
)
from nuportal.physics.nuclei import NEUTRON, PROTON, nucleus
from nuportal.physics.upscattering import Channel, Upscattering
from nuportal.units import GEV2_TO_CM2

U = 0.1
#: ν_μ -> N4 Z coupling relative to the SM ν ν Z coupling: U (1 - |U|²) by unitarity
Z_FACTOR = (U * (1 - U**2)) ** 2


def sm_like(**extra):
    return build_model({"m4": 1e-5, "Umu4": U, **extra})


@pytest.mark.parametrize("name", ["C12", "Ar40"])
@pytest.mark.parametrize("energy", [0.03, 0.3, 1.5])
def test_cevns_matches_freedman_formula(name, energy):
    target = nucleus(name)
    ups = Upscattering(sm_like(), Channel(14, "N4", target, "coherent"))
    q2_min, q2_max = ups.q2_limits(energy)
    q2 = np.geomspace(max(q2_min, 1e-8), min(0.9 * q2_max, 0.2), 25)
    f_p, f_n = nuclear_form_factors(target, q2)
    q_w = target.n * f_n - (1 - 4 * SIN2_THETA_W) * target.z * f_p
    t = q2 / (2 * target.mass)
    m = target.mass
    dsdt = G_F**2 * m / (4 * np.pi) * q_w**2 * (1 - t / energy - m * t / (2 * energy**2))
    expected = dsdt / (2 * m) * GEV2_TO_CM2 * Z_FACTOR
    got = ups.dsigma_dq2(energy, q2)
    np.testing.assert_allclose(got, expected, rtol=1e-3)


def _ls_nc(energy, q2, sign):
    """Llewellyn Smith NC elastic ν p for a massless final lepton (strange axial included)."""
    m = PROTON.mass
    ff = nucleon_form_factors(q2)
    s2 = SIN2_THETA_W
    f1 = (0.5 - 2 * s2) * ff.f1p - 0.5 * ff.f1n
    f2 = (0.5 - 2 * s2) * ff.f2p - 0.5 * ff.f2n
    from nuportal.constants import G_A

    ga = 0.5 * (G_A - STRANGE_AXIAL_CHARGE) * axial_form_factor(q2)
    tau = q2 / (4 * m**2)
    a = (
        q2
        / m**2
        * ((1 + tau) * ga**2 - (1 - tau) * f1**2 + tau * (1 - tau) * f2**2 + 4 * tau * f1 * f2)
    )
    b = q2 / m**2 * ga * (f1 + f2)
    c = 0.25 * (ga**2 + f1**2 + tau * f2**2)
    w = (4 * m * energy - q2) / m**2
    return G_F**2 * m**2 / (8 * np.pi * energy**2) * (a + sign * b * w + c * w**2) * GEV2_TO_CM2


@pytest.mark.parametrize("flavour", [14, -14])
def test_nc_elastic_proton_matches_llewellyn_smith(flavour):
    energy = 1.0
    ups = Upscattering(sm_like(), Channel(flavour, "N4", PROTON, "elastic"))
    q2 = np.linspace(0.01, 0.95 * ups.q2_limits(energy)[1], 30)
    expected = _ls_nc(energy, q2, +1 if flavour > 0 else -1) * Z_FACTOR
    np.testing.assert_allclose(ups.dsigma_dq2(energy, q2), expected, rtol=1e-2)
    total, _ = integrate.quad(
        lambda x: _ls_nc(energy, x, np.sign(flavour)), *ups.q2_limits(energy), limit=200
    )
    assert ups.sigma(energy) == pytest.approx(total * Z_FACTOR, rel=1e-2)


def test_neutrino_nc_elastic_exceeds_antineutrino():
    nu = Upscattering(sm_like(), Channel(14, "N4", PROTON, "elastic"))
    nubar = Upscattering(sm_like(), Channel(-14, "N4", PROTON, "elastic"))
    assert nu.sigma(1.0) > 1.5 * nubar.sigma(1.0)


def _tmm_brdar(energy, t, m_n, m_t, z, f, mu):
    return (
        ALPHA_EM
        * z**2
        * f**2
        * mu**2
        * (
            1 / t
            - 1 / energy
            - m_n**2 / (2 * energy * t * m_t) * (1 - t / (2 * energy) + m_t / (2 * energy))
            + m_n**4 * (t - m_t) / (8 * energy**2 * t**2 * m_t**2)
        )
    )


@pytest.mark.parametrize("m4", [1e-6, 0.05, 0.3])
def test_dipole_coherent_matches_closed_form(m4):
    mu = 1e-6  # GeV⁻¹
    target = nucleus("C12")
    model = build_model({"m4": m4, "mu_tr_mu4": mu})
    ups = Upscattering(model, Channel(14, "N4", target, "coherent"))
    energy = 1.0
    q2_min, q2_max = ups.q2_limits(energy)
    q2 = np.geomspace(max(q2_min * 1.01, 1e-12), min(q2_max, 0.3), 20)
    t = q2 / (2 * target.mass)
    f_p, _ = nuclear_form_factors(target, q2)
    expected = (
        _tmm_brdar(energy, t, m4, target.mass, target.z, f_p, mu) / (2 * target.mass) * GEV2_TO_CM2
    )
    # The closed form agrees to 3e-5 over the range and to 2.5e-4 at 1.01 Q²_min for
    # m4 = 0.3 GeV, where its terms cancel to 1 part in 10³; the spin-sum trace below checks
    # the amplitude itself to 1e-12.
    np.testing.assert_allclose(ups.dsigma_dq2(energy, q2), expected, rtol=3e-4)


def test_dipole_helicity_sum_equals_spin_trace():
    from nuportal.constants import E_CHARGE
    from nuportal.physics import dirac as d
    from nuportal.physics.kinematics import lab_momenta

    target, m4 = nucleus("C12"), 0.3
    ups = Upscattering(
        build_model({"m4": m4, "mu_tr_mu4": 1.0}), Channel(14, "N4", target, "coherent")
    )
    q2 = np.array([1.01 * ups.q2_limits(1.0)[0], 0.05, 0.2])
    k1, k2, p1, p2, _ = lab_momenta(np.ones(3), q2, m4, target.mass)
    f_p, _ = nuclear_form_factors(target, q2)
    got = ups.amplitude_squared(1.0, q2, +1) + ups.amplitude_squared(1.0, q2, -1)
    for i in range(3):
        sigma_q = np.einsum("m,mvab->vab", d.lower(k1[i] - k2[i]), d.SIGMA)
        op = np.einsum("v,vab->ab", d.lower(p1[i] + p2[i]), sigma_q) @ d.P_LEFT
        trace = np.trace(
            (d.slash(k2[i]) + m4 * np.eye(4)) @ op @ d.slash(k1[i]) @ d.bar_matrix(op)
        ).real
        assert got[i] == pytest.approx(
            trace * (E_CHARGE * target.z * f_p[i] / q2[i]) ** 2, rel=1e-12
        )


CASES = {
    "light Z' coherent": (
        {"m4": 0.14, "Umu4": 1e-3, "UD4": 0.9, "mzprime": 0.03, "gD": 1.0, "epsilon": 1e-3},
        "C12",
    ),
    "heavy Z' proton": (
        {"m4": 0.2, "Umu4": 1e-3, "UD4": 0.9, "mzprime": 1.25, "gD": 1.0, "epsilon": 1e-2},
        "p",
    ),
    "scalar+Z' neutron": (
        {
            "m4": 0.1,
            "Umu4": 1e-2,
            "UD4": 0.9,
            "mzprime": 0.5,
            "gD": 1.0,
            "epsilon": 1e-3,
            "mhprime": 0.3,
            "theta": 1e-3,
            "yD": 1.0,
        },
        "n",
    ),
    "dipole argon": ({"m4": 0.3, "mu_tr_mu4": 1e-6, "Umu4": 1e-2}, "Ar40"),
}


def _channel(flavour, target):
    if target in ("p", "n"):
        return Channel(flavour, "N4", PROTON if target == "p" else NEUTRON, "elastic")
    return Channel(flavour, "N4", nucleus(target), "coherent")


@pytest.mark.parametrize("case", CASES)
def test_total_cross_section_two_quadratures_agree(case):
    params, target = CASES[case]
    ups = Upscattering(build_model(params), _channel(14, target))
    for energy in (ups.threshold * 1.05, 0.8, 3.0):
        lo, hi = ups.q2_limits(energy)
        ref, _ = integrate.quad(
            lambda x, e=energy: float(ups.dsigma_dq2(e, np.exp(x))) * np.exp(x),
            np.log(lo),
            np.log(hi),
            limit=400,
            epsrel=1e-9,
        )
        assert ups.sigma(energy) == pytest.approx(ref, rel=2e-4)


@pytest.mark.parametrize("case", CASES)
def test_threshold_zero_below_and_continuous_above(case):
    params, target = CASES[case]
    ups = Upscattering(build_model(params), _channel(14, target))
    e_th = ups.threshold
    assert np.all(ups.sigma(np.array([0.5, 0.9, 0.999]) * e_th) == 0.0)
    near = ups.sigma(e_th * (1 + np.geomspace(1e-6, 1e-1, 12)))
    assert np.all(np.diff(near) > 0)  # rises from zero without jumps
    assert near[0] < 2e-2 * near[-1]  # phase space opens as √(E - E_th)


@pytest.mark.parametrize("case", CASES)
def test_dirac_and_majorana_upscattering_agree(case):
    """For a massless left-handed (right-handed) incoming ν (ν̄) only one chirality of the
    Majorana vertex contributes, so Dirac and Majorana N have equal helicity-resolved
    cross sections for neutrinos and antineutrinos (the Dirac ν̄ through v-spinors)."""
    params, target = CASES[case]
    dirac = build_model(params)
    majorana = build_model({**params, "fermion": "majorana"})
    for flavour in (14, -14):
        for hel in (+1, -1):
            e = np.array([0.5, 1.0, 2.0])
            a = Upscattering(dirac, _channel(flavour, target)).sigma(e, hel)
            b = Upscattering(majorana, _channel(flavour, target)).sigma(e, hel)
            np.testing.assert_allclose(a, b, rtol=1e-10)


@pytest.mark.parametrize("case", ["light Z' coherent", "dipole argon"])
def test_cp_conjugation_coherent(case):
    """On a spin-0 nucleus with real couplings, CP maps ν_L → N(h) onto ν̄_R → N̄(-h)."""
    params, target = CASES[case]
    model = build_model(params)
    e = np.array([0.4, 1.0, 3.0])
    for hel in (+1, -1):
        nu = Upscattering(model, _channel(14, target)).sigma(e, hel)
        nubar = Upscattering(model, _channel(-14, target)).sigma(e, -hel)
        np.testing.assert_allclose(nu, nubar, rtol=1e-10)


def test_helicity_structure():
    """Vector exchange conserves chirality (N left-handed as m4 → 0); the dipole flips it."""
    e = 1.0
    vec = Upscattering(build_model({"m4": 1e-3, "Umu4": 0.1}), _channel(14, "C12"))
    assert vec.sigma(e, +1) < 1e-6 * vec.sigma(e, -1)
    dip = Upscattering(build_model({"m4": 1e-3, "mu_tr_mu4": 1e-6}), _channel(14, "C12"))
    assert dip.sigma(e, -1) < 1e-6 * dip.sigma(e, +1)
    # the wrong-helicity fraction grows as m4² for a light N
    ratios = []
    for m4 in (0.01, 0.02):
        ups = Upscattering(build_model({"m4": m4, "Umu4": 0.1}), _channel(14, "p"))
        ratios.append(ups.sigma(e, +1) / ups.sigma(e, -1))
    assert ratios[1] / ratios[0] == pytest.approx(4.0, rel=0.02)


def test_zprime_coherent_scales_with_couplings():
    base = {"m4": 0.14, "Umu4": 1e-3, "UD4": 0.9, "mzprime": 0.03, "gD": 1.0, "epsilon": 1e-3}
    s1 = Upscattering(build_model(base), _channel(14, "C12")).sigma(1.0)
    s2 = Upscattering(build_model({**base, "epsilon": 2e-3}), _channel(14, "C12")).sigma(1.0)
    # Z' amplitude dominates; it is linear in ε, so σ ∝ ε² up to the tiny Z interference
    assert s2 / s1 == pytest.approx(4.0, rel=1e-3)


def test_bound_nucleon_is_suppressed_at_low_q2_and_free_at_high_q2():
    """Incoherent scattering on a bound nucleon vanishes as Q² → 0 (it is all coherent
    there) and equals the free-nucleon cross section once the nuclear form factor has died
    out (arXiv:1806.08768)."""
    model = build_model({"m4": 0.01, "Umu4": 0.1})
    free = Upscattering(model, Channel(14, "N4", PROTON, "elastic"))
    bound = Upscattering(model, Channel(14, "N4", PROTON, "elastic", bound_in=nucleus("C12")))
    low, high = 1e-5, 1.5
    assert bound.dsigma_dq2(2.0, low) < 1e-3 * free.dsigma_dq2(2.0, low)
    assert bound.dsigma_dq2(2.0, high) == pytest.approx(free.dsigma_dq2(2.0, high), rel=1e-3)
    with pytest.raises(NuportalError, match="bound_in"):
        Channel(14, "N4", nucleus("C12"), "coherent", bound_in=nucleus("C12"))


def test_channels_without_coupling_vanish():
    """With only μ mixing, unitarity makes every ν_e → N4 vertex vanish exactly (the Z
    coupling is U*_e4 (1 - ...) = 0 and the Z' one ∝ U_D4 U*_e4 = 0); such channels are
    flagged so that rates skip them, and their cross section is indeed zero."""
    model = build_model(
        {"m4": 0.14, "Umu4": 1e-3, "UD4": 0.9, "mzprime": 0.03, "gD": 1.0, "epsilon": 1e-3}
    )
    nue = Upscattering(model, _channel(12, "C12"))
    numu = Upscattering(model, _channel(14, "C12"))
    assert nue.vanishes
    assert not numu.vanishes
    assert nue.sigma(1.0) == 0.0
    assert numu.sigma(1.0) > 0.0
