"""Hadronic widths of a light vector and a light scalar, each checked against something
independent of the implementation:

* published numbers: PDG 2024 (S. Navas et al., PRD 110, 030001) leptonic widths and
  Γ(Z → hadrons); the SND ρ-meson fit (JHEP 01 (2021) 113); the LHC Higgs Cross Section
  Working Group Yellow Report 4 (arXiv:1610.07922) Standard-Model Higgs widths at 125 GeV;
* the narrow-resonance relation ∫ σ(e⁺e⁻ → V → f) ds = 12π² Γ_ee B_f / m_V;
* perturbative QCD written out here by hand, with α_s from the asymptotic Λ-parametrised
  solution of the four-loop renormalisation-group equation (PDG 2024 QCD review),
  a different method from the numerical integration in the code;
* closed-form limits of the Higgs loop functions and their Feynman-parameter integral
  evaluated with mpmath.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from scipy.optimize import brentq

from nuportal.constants import ALPHA_EM, G_F, HIGGS_VEV, M_PI_PLUS, M_Z
from nuportal.errors import NuportalError
from nuportal.models.couplings import VectorBoson
from nuportal.physics.decays import hadrons as had

GEV2_TO_NB = 0.3893794e6  # (ħc)² in GeV² nb (PDG 2024)
ZETA3 = 1.2020569031595942
E_CHARGE = math.sqrt(4 * math.pi * ALPHA_EM)
QUARK_CHARGE = {"u": 2 / 3, "d": -1 / 3, "s": -1 / 3, "c": 2 / 3, "b": -1 / 3, "t": 2 / 3}


def sigma_mumu(s):
    """Point-like σ(e⁺e⁻ → μ⁺μ⁻) = 4πα²/(3s) in GeV⁻²."""
    return 4 * math.pi * ALPHA_EM**2 / (3 * s)


# ---------------------------------------------------------------------------------------
# α_s: PDG asymptotic four-loop formula in terms of Λ (independent of the ODE in the code)
# ---------------------------------------------------------------------------------------
def alpha_s_lambda(mu, lam, nf):
    """Four-loop α_s(μ) expanded in 1/ln(μ²/Λ²) (PDG 2024 QCD review, running coupling)."""
    pi = math.pi
    b0 = (33 - 2 * nf) / (12 * pi)
    b1 = (153 - 19 * nf) / (24 * pi**2)
    b2 = (2857 - 5033 / 9 * nf + 325 / 27 * nf**2) / (128 * pi**3)
    b3 = (
        149753 / 6
        + 3564 * ZETA3
        - (1078361 / 162 + 6508 / 27 * ZETA3) * nf
        + (50065 / 162 + 6472 / 81 * ZETA3) * nf**2
        + 1093 / 729 * nf**3
    ) / (256 * pi**4)
    t = math.log(mu**2 / lam**2)
    lt = math.log(t)
    return (
        1
        / (b0 * t)
        * (
            1
            - b1 * lt / (b0**2 * t)
            + (b1**2 * (lt**2 - lt - 1) + b0 * b2) / (b0**4 * t**2)
            - (
                b1**3 * (lt**3 - 2.5 * lt**2 - 2 * lt + 0.5)
                + 3 * b0 * b1 * b2 * lt
                - 0.5 * b0**2 * b3
            )
            / (b0**6 * t**3)
        )
    )


def lambda_for(alpha, mu, nf):
    return brentq(lambda lam: alpha_s_lambda(mu, lam, nf) - alpha, 0.01, 1.0, xtol=1e-14)


@pytest.fixture(scope="module")
def lambdas():
    """Λ^(5) from α_s(m_Z) = 0.1180; Λ^(4) from three-loop decoupling at m̄_b(m̄_b)."""
    lam5 = lambda_for(0.1180, M_Z, 5)
    mb = 4.183
    a5 = alpha_s_lambda(mb, lam5, 5)
    a4 = a5 * (1 + 11 / 72 * (a5 / math.pi) ** 2)
    return {5: lam5, 4: lambda_for(a4, mb, 4)}


def test_alpha_s_reproduces_input_and_asymptotic_formula(lambdas):
    assert had.alpha_s(M_Z)[()] == pytest.approx(0.1180, rel=1e-6)
    # the asymptotic expansion is truncated at O(α_s⁵): agreement to ~1e-3 expected
    for mu in (10.0, 30.0, 200.0):
        assert had.alpha_s(mu, 5)[()] == pytest.approx(alpha_s_lambda(mu, lambdas[5], 5), rel=1e-3)
    for mu in (5.0, 8.0):
        assert had.alpha_s(mu, 4)[()] == pytest.approx(alpha_s_lambda(mu, lambdas[4], 4), rel=2e-3)


# ---------------------------------------------------------------------------------------
# R ratio
# ---------------------------------------------------------------------------------------
def test_r_at_5_gev_hand_computation(lambdas):
    """R(5 GeV): u, d, s massless, c with the Born velocity factor, O(α_s³), n_f = 4."""
    a = alpha_s_lambda(5.0, lambdas[4], 4) / math.pi
    nf = 4
    c2 = 1.9857 - 0.1152 * nf
    c3 = -6.63694 - 1.20013 * nf - 0.00518 * nf**2
    beta2 = 1 - 4 * 1.2730**2 / 25.0
    v_c = math.sqrt(beta2) * (3 - beta2) / 2
    born = 3 * (4 / 9 + 1 / 9 + 1 / 9 + 4 / 9 * v_c)
    expected = born * (1 + a + c2 * a**2 + c3 * a**3) - 1.2395 * (2 / 3) ** 2 * a**3
    assert had.r_ratio(5.0, charmonium=False)[()] == pytest.approx(expected, rel=2e-3)
    # and the J/ψ, ψ(2S) tails are negligible there
    assert had.r_ratio(5.0)[()] == pytest.approx(expected, rel=3e-3)


def test_r_massless_parton_limit_at_high_energy():
    """Far above thresholds R → 3 Σ Q² (1 + α_s/π + ...): 11/3 for five flavours."""
    r = had.r_ratio(40.0)[()]
    a = had.alpha_s(40.0, 5)[()] / math.pi
    assert r == pytest.approx(11 / 3 * (1 + a + (1.9857 - 0.576) * a**2), rel=2e-3)


@pytest.mark.parametrize(
    ("name", "mass", "width", "b_ee", "b_f"),
    [
        ("omega", had._M_OMEGA, had._G_OMEGA, 7.38e-5, 0.892 + 0.0833),
        ("phi", had._M_PHI, had._G_PHI, 2.979e-4, 0.491 + 0.339 + 0.1524 + 0.01303 + 0.00132),
    ],
)
def test_narrow_resonance_integral(name, mass, width, b_ee, b_f):
    """∫ σ(e⁺e⁻ → V → f) ds over m ± 10 Γ = 12π² Γ_ee B_f / m × (2/π) arctan(20).

    The arctan factor is the fraction of a Breit–Wigner inside the window. PDG 2024 inputs:
    B(ω → ee) = 7.38e-5, B(ω → 3π, π⁰γ); B(φ → ee) = 2.979e-4 and its hadronic modes.
    Remaining differences come from the energy-dependent widths (P-wave KK̄ near threshold).
    """
    s = np.linspace((mass - 10 * width) ** 2, (mass + 10 * width) ** 2, 40001)
    r = had._r_resonances(np.sqrt(s), 1.0, 1.0, 1.0)[name]
    integral = np.trapezoid(r * sigma_mumu(s), s)
    expected = 12 * math.pi**2 * b_ee * width * b_f / mass * (2 / math.pi) * math.atan(20)
    assert integral == pytest.approx(expected, rel=0.02)


def test_jpsi_narrow_resonance_integral():
    """J/ψ: ∫ σ ds = 12π² Γ_ee B_had / m with PDG 2024 Γ_ee = 5.53 keV, B_ℓℓ = 2 × 5.97 %."""
    m, w = had._M_JPSI, had._G_JPSI
    sqrt_s = np.linspace(m - 10 * w, m + 10 * w, 40001)
    s = sqrt_s**2
    r = had.r_ratio(sqrt_s) - had.r_ratio(sqrt_s, charmonium=False)
    integral = np.trapezoid(r * sigma_mumu(s), s)
    expected = 12 * math.pi**2 * 5.53e-6 * (1 - 0.05971 - 0.05961) / m
    assert integral == pytest.approx(expected * (2 / math.pi) * math.atan(20), rel=0.02)


def test_rho_peak_cross_section_against_snd():
    """σ(e⁺e⁻ → π⁺π⁻) of the ρ alone at its peak vs SND (JHEP 01 (2021) 113):
    12π B(ρ→ee) B(ρ→ππ) / m_ρ² with B·B = 4.89e-5, m_ρ = 775.3 MeV, i.e. 1.194 μb.

    nuportal normalises the ρ to PDG 2024 B(ρ → ee) = 4.72e-5, 3.5 % below SND's value;
    the tolerance (5 %) covers that difference of inputs.
    """
    snd = 12 * math.pi * 4.89e-5 / 0.7753**2 * GEV2_TO_NB
    s = np.array([0.7753**2])
    beta3 = (1 - 4 * M_PI_PLUS**2 / s) ** 1.5
    ff = had._pion_form_factor(s, 1.0, 0.0)
    sigma = math.pi * ALPHA_EM**2 / (3 * s) * beta3 * np.abs(ff) ** 2 * GEV2_TO_NB
    assert sigma[0] == pytest.approx(snd, rel=0.05)
    # with ρ-ω interference the maximum lies between 1.2 and 1.4 μb (KLOE, BaBar, CMD-2)
    e = np.linspace(0.70, 0.80, 1001)
    r_pipi = had._r_resonances(e, 1.0, 1.0, 1.0)["pipi"]
    peak_nb = np.max(r_pipi * sigma_mumu(e**2)) * GEV2_TO_NB
    assert 1200.0 < peak_nb < 1400.0


def test_pion_form_factor_at_threshold_against_charge_radius():
    """Low-energy expansion F_π(s) = 1 + ⟨r²⟩ s/6 + c_π s² at s = 4 m_π², with the PDG 2024
    charge radius ⟨r²⟩^½ = 0.659 fm and c_π = 3.85 ± 0.60 GeV⁻⁴ (two-loop chiral perturbation
    theory, Bijnens, Colangelo & Talavera, JHEP 05 (1998) 014). Neither enters the model,
    whose ρ couplings are fixed at the ρ peak and at s = 0; the c_π uncertainty (0.3 %) and
    the O(s³) terms set the 1.5 % tolerance."""
    c_rho, c_rho2, _ = had._rho_parameters()
    assert c_rho + c_rho2 == pytest.approx(1.0)
    s = 4 * M_PI_PLUS**2 * (1 + 1e-9)
    r2 = (0.659 / 0.1973269804) ** 2  # GeV⁻²
    expected = 1 + r2 * s / 6 + 3.85 * s**2
    assert abs(had._pion_form_factor(np.array([s]), 1.0, 1.0)[0]) == pytest.approx(
        expected, rel=0.015
    )


def test_r_continuity_at_joins():
    eps = 1e-7
    for e in (had._E_BLEND_LOW, had._E_BLEND_HIGH):
        lo, hi = had.r_ratio([e - eps, e + eps])
        assert hi == pytest.approx(lo, rel=1e-5)
        # continuous first derivative (smooth-step blend)
        h = 1e-4
        left = (had.r_ratio(e - eps) - had.r_ratio(e - h)) / (h - eps)
        right = (had.r_ratio(e + h) - had.r_ratio(e + eps)) / (h - eps)
        assert right[()] == pytest.approx(left[()], rel=0.05, abs=0.05)


def test_r_open_charm_step(lambdas):
    """At 2 m_D0 charm switches on (documented discontinuity): below, three massless
    flavours with α_s^(3); above, the charm Born term (4/3) v(β) is added and α_s^(4) used.
    α_s^(3) from Λ^(3), itself from decoupling at m̄_c = 1.273 GeV."""
    threshold = 2 * had._M_D_ZERO
    a4_mc = alpha_s_lambda(1.2730, lambdas[4], 4)
    lam3 = lambda_for(a4_mc * (1 + 11 / 72 * (a4_mc / math.pi) ** 2), 1.2730, 3)

    def series(a, nf):
        c2 = 1.9857 - 0.1152 * nf
        c3 = -6.63694 - 1.20013 * nf - 0.00518 * nf**2
        return 1 + a + c2 * a**2 + c3 * a**3

    a3 = alpha_s_lambda(threshold, lam3, 3) / math.pi
    a4 = alpha_s_lambda(threshold, lambdas[4], 4) / math.pi
    beta2 = 1 - 4 * 1.2730**2 / threshold**2
    v_c = math.sqrt(beta2) * (3 - beta2) / 2
    below = 2 * series(a3, 3)
    above = (2 + 4 / 3 * v_c) * series(a4, 4) - 1.2395 * (2 / 3) ** 2 * a4**3
    lo, hi = had.r_ratio([threshold * (1 - 1e-9), threshold * (1 + 1e-9)], charmonium=False)
    assert lo == pytest.approx(below, rel=3e-3)
    assert hi == pytest.approx(above, rel=3e-3)
    assert hi - lo == pytest.approx(1.30, abs=0.01)  # the ΔR quoted in the module docstring


def test_r_below_threshold_and_shape():
    assert had.r_ratio(0.1)[()] == 0.0  # below the π⁰γ threshold
    assert 0.0 < had.r_ratio(0.2)[()] < 1e-3  # π⁰γ only
    r = had.r_ratio(np.array([[0.5, 0.775], [1.019461, 3.0]]))
    assert r.shape == (2, 2)
    assert np.all(r > 0)


@pytest.mark.parametrize("bad", [np.nan, -1.0, 0.0, np.inf, [0.5, np.nan]])
def test_r_bad_input(bad):
    with pytest.raises(NuportalError):
        had.r_ratio(bad)


# ---------------------------------------------------------------------------------------
# vector widths
# ---------------------------------------------------------------------------------------
def test_dark_photon_width_is_muon_width_times_r():
    m = np.array([0.3, 0.775, 1.02, 2.5, 5.0])
    eps = 1e-3
    expected = eps**2 * ALPHA_EM * m / 3 * had.r_ratio(m)
    assert np.allclose(had.vector_hadronic_width(m, eps), expected, rtol=1e-12)


def test_photon_like_chiral_couplings_reproduce_dark_photon():
    chiral = {q: (E_CHARGE * qq, E_CHARGE * qq) for q, qq in QUARK_CHARGE.items()}
    m = np.linspace(0.3, 6.0, 97)
    a = had.vector_hadronic_width(m, 2e-3, chiral=chiral)
    b = had.vector_hadronic_width(m, 2e-3)
    assert np.allclose(a, b, rtol=1e-12)
    # the model layer's VectorBoson is accepted as well
    boson = VectorBoson("Zprime", 1.0, np.zeros((3, 3)), chiral)
    assert np.allclose(had.vector_hadronic_width(m, 2e-3, chiral=boson), b, rtol=1e-12)


def test_z_hadronic_width_from_quark_couplings():
    """Z couplings (g/c_W)(T₃ − Q s²) with the effective s² = 0.23153 (PDG 2024):
    Γ(Z → hadrons) = 1.7444 ± 0.0020 GeV (PDG 2024). Electroweak form factors
    (ρ_f − 1 ≈ 0.5 %) and O(α_s² m_q²) terms are not in the formula: 1 % tolerance."""
    g = math.sqrt(8 * G_F * M_Z**2 / math.sqrt(2))
    s2 = 0.23153
    t3 = {"u": 0.5, "c": 0.5, "t": 0.5, "d": -0.5, "s": -0.5, "b": -0.5}
    chiral = {q: (g * (t3[q] - QUARK_CHARGE[q] * s2), -g * QUARK_CHARGE[q] * s2) for q in t3}
    assert had.vector_quark_width(M_Z, chiral)[()] == pytest.approx(1.7444, rel=0.01)
    # the resonance-aware width equals the perturbative one far above 1.5 GeV
    assert had.vector_hadronic_width(M_Z, chiral=chiral)[()] == pytest.approx(
        had.vector_quark_width(M_Z, chiral)[()], rel=1e-12
    )


def test_isospin_decomposition():
    """A purely isovector current (v_u = −v_d) has no ω and φ; a current coupled to s only
    has only the φ below 1.05 GeV, with weight (3 v_s)²."""
    g = 0.1
    iso = {"u": (g / 2, g / 2), "d": (-g / 2, -g / 2)}
    e = np.array([0.782, 1.0195])
    w_iso = had.vector_hadronic_width(e, chiral=iso)
    r_rho = had._r_resonances(e, g / 2 / E_CHARGE * 2, 0.0, 0.0)["pipi"]
    assert np.allclose(w_iso, ALPHA_EM * e / 3 * r_rho, rtol=1e-12)
    strange = {"s": (g, g)}
    w_s = had.vector_hadronic_width(e, chiral=strange)
    r_phi = had._r_resonances(e, 1.0, 1.0, 1.0)["phi"] * (3 * g / E_CHARGE) ** 2
    assert np.allclose(w_s, ALPHA_EM * e / 3 * r_phi, rtol=1e-12)


def test_vector_bad_input():
    with pytest.raises(NuportalError):
        had.vector_hadronic_width([0.5, -0.1])
    with pytest.raises(NuportalError):
        had.vector_hadronic_width(0.5, float("nan"))
    with pytest.raises(NuportalError):
        had.vector_hadronic_width(0.5, chiral={"x": (1.0, 1.0)})


# ---------------------------------------------------------------------------------------
# scalar widths
# ---------------------------------------------------------------------------------------
def test_loop_amplitude_limits():
    """Heavy-particle limits A_{1/2} → 4/3, A_1 → −7; at τ = 1, f = π²/4 so A_{1/2} = 2 and
    A_1 = −(5 + 3π²/4); for τ → ∞, A_{1/2} → [2 − (ln 4τ − iπ)²/2]/τ."""
    assert had.amplitude_fermion(1e-6)[()] == pytest.approx(4 / 3, rel=1e-5)
    assert had.amplitude_vector(1e-6)[()] == pytest.approx(-7.0, rel=1e-5)
    assert had.amplitude_fermion(1.0)[()] == pytest.approx(2.0, rel=1e-12)
    assert had.amplitude_vector(1.0)[()] == pytest.approx(-(5 + 3 * math.pi**2 / 4), rel=1e-12)
    tau = 1e7
    expected = (2 - (math.log(4 * tau) - 1j * math.pi) ** 2 / 2) / tau
    assert had.amplitude_fermion(tau)[()] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("tau", [0.3, 0.9, 1.5, 4.0, 30.0])
def test_loop_function_against_feynman_parameter_integral(tau):
    """f(τ) = −½ ∫₀¹ dx/x ln[1 − 4τ x(1 − x) − i0], evaluated with mpmath."""

    def integrand(x):
        return mp.log(1 - 4 * tau * x * (1 - x) - 1e-30j) / x

    points = [0, 1]
    if tau > 1:
        root = math.sqrt(1 - 1 / tau)
        points = [0, (1 - root) / 2, (1 + root) / 2, 1]
    f = complex(-0.5 * mp.quad(integrand, points))
    a_half = 2 * (tau + (tau - 1) * f) / tau**2
    assert had.amplitude_fermion(tau)[()] == pytest.approx(a_half, rel=1e-9)


def test_sm_higgs_diphoton_width():
    """m_H = 125 GeV: Γ(H → γγ) = B 2.270e-3 × Γ_H 4.088 MeV = 9.28 keV (YR4,
    arXiv:1610.07922). Leading order here; the neglected NLO electroweak (≈ −2 %) and QCD
    (< 1 %) corrections set the 3 % tolerance."""
    assert had.scalar_diphoton_width(125.0, 1.0)[()] == pytest.approx(9.280e-6, rel=0.03)


def test_sm_higgs_quark_widths():
    """m_H = 125 GeV: Γ(H → b̄b + c̄c) = (0.5824 + 0.02891) × 4.088 MeV = 2.499 MeV (YR4);
    the s̄s part adds 0.04 %. O(α_s³), top-induced and electroweak corrections are
    not included: 3 % tolerance."""
    assert had.scalar_quark_width(125.0, 1.0)[()] == pytest.approx(2.499e-3, rel=0.03)


def test_scalar_pipi_width_from_amplitude():
    """Independent route: A(h' → ππ) = sinθ (2/(9v)) (m² + 11 m_π²/2) for each of π⁺π⁻
    and π⁰π⁰ (Voloshin 1986); Γ = |A|² β/(16π m) × (1 + ½) (identical π⁰)."""
    m, st = 0.45, 1e-3
    amp = st * 2 / (9 * HIGGS_VEV) * (m**2 + 5.5 * M_PI_PLUS**2)
    beta = math.sqrt(1 - 4 * M_PI_PLUS**2 / m**2)
    expected = amp**2 * beta / (16 * math.pi * m) * 1.5
    assert had.scalar_pion_width(m, st)[()] == pytest.approx(expected, rel=1e-12)
    assert had.scalar_hadronic_width(m, st)[()] == pytest.approx(expected, rel=1e-12)
    assert had.scalar_hadronic_width(2 * M_PI_PLUS * (1 - 1e-9), st)[()] == 0.0


def test_scalar_hadronic_width_continuous():
    for e in (had._E_SCALAR_CHPT, had._E_SCALAR_PQCD):
        lo, hi = had.scalar_hadronic_width([e * (1 - 1e-9), e * (1 + 1e-9)], 0.1)
        assert hi == pytest.approx(lo, rel=1e-6)


def test_scalar_sin_theta_scaling_and_broadcast():
    m = np.array([0.5, 1.5, 3.0, 7.0])
    w1 = had.scalar_hadronic_width(m, 1.0)
    w2 = had.scalar_hadronic_width(m, np.full(4, 0.01))
    assert np.allclose(w2, 1e-4 * w1, rtol=1e-12)
    g1 = had.scalar_diphoton_width(m, 1.0)
    assert np.allclose(had.scalar_diphoton_width(m, -0.01), 1e-4 * g1, rtol=1e-12)


@pytest.mark.parametrize(
    ("mass", "sin_theta"), [(np.nan, 0.1), (-0.5, 0.1), (0.5, 1.5), (0.5, np.nan)]
)
def test_scalar_bad_input(mass, sin_theta):
    with pytest.raises(NuportalError):
        had.scalar_hadronic_width(mass, sin_theta)
    with pytest.raises(NuportalError):
        had.scalar_diphoton_width(mass, sin_theta)
