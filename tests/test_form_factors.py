"""Tests of nuportal.physics.form_factors: normalisations, radii, second methods, shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from nuportal.constants import KAPPA_N, KAPPA_P, M_NEUTRON, M_NUCLEON, M_PI_PLUS, M_PROTON
from nuportal.errors import NuportalError
from nuportal.physics.form_factors import (
    FOURIER_BESSEL_CHARGE_DENSITIES,
    HELM_SKIN_THICKNESS_FM,
    MU_N,
    MU_P,
    VECTOR_DIPOLE_MASS2,
    axial_form_factor,
    fourier_bessel_form_factor,
    fourier_bessel_rms_radius,
    helm_form_factor,
    helm_rms_radius,
    induced_pseudoscalar_form_factor,
    lewin_smith_radius,
    neutron_skin,
    nuclear_form_factors,
    nucleon_form_factors,
    sachs_form_factors,
)
from nuportal.physics.nuclei import NEUTRON, PROTON, Nucleus, nucleus

HBARC = 0.1973269804  # GeV fm
FB_NUCLEI = ["C12", "O16", "Si28", "Ar40", "Ca40", "Fe56", "Pb208"]
ALL_NUCLEI = [*FB_NUCLEI, "H2", "He4", "Li7", "Ne20", "Ge76", "Xe131", "I127", "Cs133"]


def fb(name: str):
    target = nucleus(name)
    return FOURIER_BESSEL_CHARGE_DENSITIES[(target.z, target.a)]


def rms_from_slope(form_factor, h: float = 1e-7) -> float:
    """RMS radius in fm from F ≈ 1 - Q² <r²>/6 (Q² in GeV²), a second-order difference."""
    f1, f2 = form_factor(h), form_factor(2 * h)
    slope = (4.0 * (f1 - 1.0) - (f2 - 1.0)) / (2.0 * h)  # dF/dQ² at 0, error O(h²)
    return math.sqrt(-6.0 * slope) * HBARC


# --- normalisations at Q² = 0 ------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_NUCLEI)
def test_nuclear_form_factors_are_one_at_zero(name: str) -> None:
    fp, fn = nuclear_form_factors(nucleus(name), 0.0)
    assert fp == pytest.approx(1.0, abs=1e-14)
    assert fn == pytest.approx(1.0, abs=1e-14)


def test_helm_and_fourier_bessel_are_one_at_zero() -> None:
    assert helm_form_factor(0.0, 40) == pytest.approx(1.0, abs=1e-15)
    dens = fb("Ar40")
    assert fourier_bessel_form_factor(0.0, dens.radius_fm, dens.coefficients) == pytest.approx(
        1.0, abs=1e-14
    )


def test_nucleon_form_factors_at_zero() -> None:
    ff = nucleon_form_factors(0.0)
    assert ff.f1p == pytest.approx(1.0, abs=1e-15)
    assert ff.f2p == pytest.approx(KAPPA_P, abs=1e-12)
    assert ff.f1n == 0.0
    assert ff.f2n == pytest.approx(KAPPA_N, abs=1e-12)
    gep, gmp, gen, gmn = sachs_form_factors(0.0)
    assert gep == pytest.approx(1.0, abs=1e-15)
    assert gmp == pytest.approx(1.0 + KAPPA_P, abs=1e-12)
    assert gen == 0.0  # exactly
    assert gmn == pytest.approx(KAPPA_N, abs=1e-12)
    assert pytest.approx(1.0 + KAPPA_P) == MU_P
    assert pytest.approx(KAPPA_N) == MU_N


def test_axial_and_pseudoscalar_normalisation() -> None:
    assert axial_form_factor(0.0) == 1.0
    assert axial_form_factor(1.014**2) == pytest.approx(0.25)
    expected = 2.0 * M_NUCLEON**2 / M_PI_PLUS**2
    assert induced_pseudoscalar_form_factor(0.0) == pytest.approx(expected, rel=1e-14)
    q2 = np.array([0.1, 0.5, 2.0])
    expected = 2.0 * M_NUCLEON**2 * (1 + q2 / 1.1**2) ** -2 / (M_PI_PLUS**2 + q2)
    np.testing.assert_allclose(induced_pseudoscalar_form_factor(q2, 1.1), expected, rtol=1e-14)


@pytest.mark.parametrize("free", [PROTON, NEUTRON, nucleus("H1")])
def test_free_nucleons_have_unit_nuclear_form_factors(free: Nucleus) -> None:
    q2 = np.array([[0.0, 0.1], [1.0, 10.0]])
    fp, fn = nuclear_form_factors(free, q2)
    assert fp.shape == fn.shape == q2.shape
    assert np.all(fp == 1.0)
    assert np.all(fn == 1.0)


# --- radii ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["C12", "O16", "Si28", "Ar40", "Ca40", "Pb208"])
def test_fourier_bessel_rms_matches_de_vries(name: str) -> None:
    """The slope of F gives the rms charge radius De Vries et al. (1987) tabulate (3 decimals)."""
    dens = fb(name)
    assert dens.rms_radius_fm is not None
    rms = rms_from_slope(
        lambda q2: fourier_bessel_form_factor(q2, dens.radius_fm, dens.coefficients)
    )
    assert rms == pytest.approx(
        fourier_bessel_rms_radius(dens.radius_fm, dens.coefficients), abs=1e-5
    )
    assert rms == pytest.approx(dens.rms_radius_fm, abs=1e-3)


def test_fourier_bessel_rms_iron_against_modern_table() -> None:
    """56Fe: within 1 % of the charge radius 3.7377 fm of Angeli & Marinova (2013)."""
    dens = fb("Fe56")
    rms = rms_from_slope(
        lambda q2: fourier_bessel_form_factor(q2, dens.radius_fm, dens.coefficients)
    )
    assert rms == pytest.approx(3.7377, rel=0.01)


@pytest.mark.parametrize("name", FB_NUCLEI)
def test_fourier_bessel_charge_is_z(name: str) -> None:
    """The tabulated densities integrate to Z: a check of the transcribed coefficients."""
    target = nucleus(name)
    dens = fb(name)
    coeffs = np.asarray(dens.coefficients)
    nu = np.arange(1, coeffs.size + 1)

    def rho(r: float) -> float:
        return float(np.sum(coeffs * np.sinc(nu * r / dens.radius_fm)))

    charge = 4.0 * math.pi * quad(lambda r: rho(r) * r * r, 0.0, dens.radius_fm, limit=200)[0]
    assert charge == pytest.approx(target.z, rel=2e-4)


@pytest.mark.parametrize("a", [4, 12, 40, 131, 208])
@pytest.mark.parametrize("s", [0.9, 0.5])
def test_helm_rms_closed_form(a: int, s: float) -> None:
    radius = lewin_smith_radius(a, s=s)
    rms = rms_from_slope(lambda q2: helm_form_factor(q2, a, s=s))
    assert rms == pytest.approx(math.sqrt(0.6 * radius**2 + 3.0 * s**2), rel=1e-6)
    assert rms == pytest.approx(helm_rms_radius(radius, s), rel=1e-6)


def test_lewin_smith_radius_formula() -> None:
    c = 1.23 * 40 ** (1 / 3) - 0.60
    expected = math.sqrt(c**2 + 7 / 3 * math.pi**2 * 0.52**2 - 5 * 0.9**2)
    assert lewin_smith_radius(40) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("name", ALL_NUCLEI)
def test_proton_and_neutron_radii(name: str) -> None:
    """F_n's rms radius is F_p's plus the skin -0.04 + 1.01 (N-Z)/A fm (Trzcinska 2001)."""
    target = nucleus(name)
    rms_p = rms_from_slope(lambda q2: nuclear_form_factors(target, q2)[0])
    rms_n = rms_from_slope(lambda q2: nuclear_form_factors(target, q2)[1])
    skin = -0.04 + 1.01 * (target.n - target.z) / target.a
    assert neutron_skin(target) == pytest.approx(skin, rel=1e-14)
    assert rms_n == pytest.approx(rms_p + skin, abs=1e-4)


def test_fourier_bessel_nuclei_use_fourier_bessel_others_helm() -> None:
    q2 = np.linspace(0.0, 0.1, 7)
    dens = fb("Ar40")
    fp, _ = nuclear_form_factors(nucleus("Ar40"), q2)
    np.testing.assert_array_equal(
        fp, fourier_bessel_form_factor(q2, dens.radius_fm, dens.coefficients)
    )
    fp, _ = nuclear_form_factors(nucleus("Xe131"), q2)
    np.testing.assert_array_equal(fp, helm_form_factor(q2, 131))


def test_kelly_proton_radius_and_neutron_charge_radius() -> None:
    gep = rms_from_slope(lambda q2: sachs_form_factors(q2)[0])
    tau_slope = 1.0 / (4.0 * M_PROTON**2)
    # G_E^p = (1 - 0.24 τ)/(1 + 10.98 τ + ...):  <r²> = 6 (10.98 + 0.24) / (4 M_p²)
    assert gep == pytest.approx(math.sqrt(6.0 * 11.22 * tau_slope) * HBARC, rel=1e-6)
    assert 0.84 < gep < 0.89  # 0.863 fm, within the electron-scattering determinations
    gmp = rms_from_slope(lambda q2: sachs_form_factors(q2)[1] / MU_P)
    assert gmp == pytest.approx(math.sqrt(6.0 * 10.85 * tau_slope) * HBARC, rel=1e-6)
    # G_E^n ≈ A τ: <r²>_n = -6 A/(4 M_n²), cf. PDG -0.1155(17) fm²
    h = 1e-7
    r2n = -6.0 * sachs_form_factors(h)[2] / h * HBARC**2
    assert r2n == pytest.approx(-6.0 * 1.70 / (4.0 * M_NEUTRON**2) * HBARC**2, rel=1e-5)
    assert r2n == pytest.approx(-0.1155, rel=0.05)


# --- second method: direct numerical Fourier transform -------------------------------------


@pytest.mark.parametrize("name", FB_NUCLEI)
def test_fourier_bessel_equals_numerical_transform(name: str) -> None:
    dens = fb(name)
    big_r = dens.radius_fm
    coeffs = np.asarray(dens.coefficients)
    nu = np.arange(1, coeffs.size + 1)

    def rho(r: float) -> float:
        return float(np.sum(coeffs * np.sinc(nu * r / big_r)))

    def transform(q: float) -> float:
        integrand = lambda r: rho(r) * np.sinc(q * r / math.pi) * r * r  # noqa: E731
        return quad(integrand, 0.0, big_r, limit=400, epsabs=1e-13, epsrel=1e-12)[0]

    norm = transform(0.0)
    # include qR = π and 2π, where the analytic form has removable poles
    q_fm = np.array([0.05, 0.3, math.pi / big_r, 0.7, 2 * math.pi / big_r, 1.2, 2.0, 3.0])
    q2 = (q_fm * HBARC) ** 2
    analytic = fourier_bessel_form_factor(q2, big_r, coeffs)
    numeric = np.array([transform(q) for q in q_fm]) / norm
    np.testing.assert_allclose(analytic, numeric, rtol=0, atol=1e-6)


def test_fourier_bessel_is_continuous_at_the_poles() -> None:
    dens = fb("Pb208")
    for n in (1, 2, 5):
        x = n * math.pi
        q2 = (np.array([x - 1e-6, x, x + 1e-6]) / dens.radius_fm * HBARC) ** 2
        values = fourier_bessel_form_factor(q2, dens.radius_fm, dens.coefficients)
        assert np.all(np.isfinite(values))
        # the value at the pole is the midpoint of its neighbours (smooth to O(1e-12))
        assert values[1] == pytest.approx(0.5 * (values[0] + values[2]), abs=1e-10)


# --- nucleon form factors against the dipole --------------------------------------------------


@pytest.mark.parametrize("q2", [0.05, 0.2, 0.5, 1.0])
def test_kelly_proton_close_to_dipole_below_1gev2(q2: float) -> None:
    """Kelly's G_E^p and G_M^p/μ_p stay within 5 % of the dipole for Q² ≤ 1 GeV²."""
    gd = (1.0 + q2 / VECTOR_DIPOLE_MASS2) ** -2
    gep, gmp, _, gmn = sachs_form_factors(q2)
    assert gep / gd == pytest.approx(1.0, abs=0.05)
    assert gmp / (MU_P * gd) == pytest.approx(1.0, abs=0.05)
    assert gmn / (MU_N * gd) == pytest.approx(1.0, abs=0.1)


def test_kelly_ratio_decreases_with_q2() -> None:
    """μ_p G_E^p/G_M^p falls below 1 with Q² (the polarisation-transfer result Kelly fits)."""
    q2 = np.array([0.0, 0.5, 1.0, 2.0, 3.0, 5.0])
    gep, gmp, _, _ = sachs_form_factors(q2)
    ratio = MU_P * gep / gmp
    assert ratio[0] == pytest.approx(1.0)
    assert np.all(np.diff(ratio) < 0.0)
    assert 0.3 < ratio[-1] < 0.5


def test_dirac_pauli_from_sachs() -> None:
    q2 = np.array([0.0, 0.3, 1.7])
    gep, gmp, gen, gmn = sachs_form_factors(q2)
    ff = nucleon_form_factors(q2)
    tau = q2 / (4 * M_PROTON**2)
    np.testing.assert_allclose(ff.f1p + ff.f2p, gmp, rtol=1e-13)  # G_M = F1 + F2
    np.testing.assert_allclose(ff.f1p - tau * ff.f2p, gep, rtol=1e-13)  # G_E = F1 - τ F2
    tau = q2 / (4 * M_NEUTRON**2)
    np.testing.assert_allclose(ff.f1n + ff.f2n, gmn, rtol=1e-13)
    np.testing.assert_allclose(ff.f1n - tau * ff.f2n, gen, atol=1e-15)


# --- shapes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("a", [4, 12, 40, 131, 208])
def test_helm_bounded_and_monotone_to_first_zero(a: int) -> None:
    radius = lewin_smith_radius(a)
    first_zero = 4.493409457909064 / radius  # fm⁻¹: first zero of j1
    q_fm = np.linspace(0.0, first_zero, 2001)
    f = helm_form_factor((q_fm * HBARC) ** 2, a)
    assert np.all(np.diff(f) < 0.0)
    assert f[-1] == pytest.approx(0.0, abs=1e-12)
    wide = helm_form_factor(np.linspace(0.0, 5.0, 5001), a)
    assert np.all(np.abs(wide) <= 1.0)


def test_vectorised_shapes() -> None:
    q2 = np.array([[0.0, 1e-4, 1e-3], [0.01, 0.1, 1.0]])
    dens = fb("C12")
    assert helm_form_factor(q2, 12).shape == q2.shape
    assert fourier_bessel_form_factor(q2, dens.radius_fm, dens.coefficients).shape == q2.shape
    for name in ("C12", "Xe131"):
        fp, fn = nuclear_form_factors(nucleus(name), q2)
        assert fp.shape == fn.shape == q2.shape
    assert all(g.shape == q2.shape for g in sachs_form_factors(q2))
    ff = nucleon_form_factors(q2)
    assert ff.f1p.shape == ff.f2p.shape == ff.f1n.shape == ff.f2n.shape == q2.shape
    assert axial_form_factor(q2).shape == q2.shape
    assert induced_pseudoscalar_form_factor(q2).shape == q2.shape
    # a scalar gives a 0-d array; a list works like an array
    assert isinstance(helm_form_factor(0.1, 12), np.ndarray)
    assert helm_form_factor(0.1, 12).shape == ()
    np.testing.assert_array_equal(
        helm_form_factor([0.0, 0.1], 12), helm_form_factor(np.array([0.0, 0.1]), 12)
    )
    # elementwise: the array result equals the scalar results
    flat = q2.ravel()
    np.testing.assert_allclose(
        nuclear_form_factors(nucleus("Ar40"), q2)[0].ravel(),
        [nuclear_form_factors(nucleus("Ar40"), x)[0] for x in flat],
        rtol=1e-12,
        atol=1e-15,
    )


def test_no_nan_at_zero_and_large_q2() -> None:
    q2 = np.array([0.0, 1e-30, 1e-12, 1.0, 1e2, 1e4, 1e8])
    dens = fb("Pb208")
    outputs = [
        helm_form_factor(q2, 208),
        fourier_bessel_form_factor(q2, dens.radius_fm, dens.coefficients),
        *nuclear_form_factors(nucleus("Pb208"), q2),
        *nuclear_form_factors(nucleus("Xe131"), q2),
        *sachs_form_factors(q2),
        axial_form_factor(q2),
        induced_pseudoscalar_form_factor(q2),
    ]
    ff = nucleon_form_factors(q2)
    outputs += [ff.f1p, ff.f2p, ff.f1n, ff.f2n]
    for values in outputs:
        assert np.all(np.isfinite(values))
    assert abs(helm_form_factor(1e4, 208)) < 1e-12
    assert abs(fourier_bessel_form_factor(1e4, dens.radius_fm, dens.coefficients)) < 1e-6


def test_helm_default_skin_thickness() -> None:
    assert HELM_SKIN_THICKNESS_FM == 0.9
    assert helm_form_factor(0.01, 40) == helm_form_factor(0.01, 40, s=0.9)
    # radius override: R = 0 is a Gaussian of width s
    q2 = 0.02
    q = math.sqrt(q2) / HBARC
    assert helm_form_factor(q2, 40, radius_fm=0.0) == pytest.approx(math.exp(-0.5 * (q * 0.9) ** 2))


# --- input validation ---------------------------------------------------------------------------


def test_negative_q2_is_an_error() -> None:
    with pytest.raises(NuportalError, match="Q²"):
        helm_form_factor([0.1, -0.01], 12)
    with pytest.raises(NuportalError, match="Q²"):
        sachs_form_factors(-1.0)
    with pytest.raises(NuportalError, match="finite"):
        axial_form_factor(np.nan)
    # rounding noise below zero is read as Q² = 0
    assert helm_form_factor(-1e-16, 12) == 1.0


def test_invalid_fourier_bessel_input() -> None:
    with pytest.raises(NuportalError):
        fourier_bessel_form_factor(0.1, 8.0, [])
    with pytest.raises(NuportalError):
        fourier_bessel_form_factor(0.1, -1.0, [0.1])


def test_nuclear_masses_are_atomic_minus_electrons():
    """¹²C: 12 u (AME definition) minus 6 electron masses (u differs by 1.4e-9 between CODATA
    2018 and 2022)."""
    from nuportal.constants import M_E
    from nuportal.units import AMU_GEV

    assert nucleus("C12").mass == pytest.approx(12 * AMU_GEV - 6 * M_E, rel=1e-8)
    assert nucleus("Ar40").mass == pytest.approx(39.9623831237 * AMU_GEV - 18 * M_E, rel=1e-8)
