"""Dark-sector two- and three-body decay widths against independent references.

* N → ν ℓ⁺ℓ⁻ and N → ℓ_α⁻ ℓ_β⁺ ν_β of a minimal HNL: the closed formulae of Bondarenko,
  Boyarsky, Gorbunov & Ruchayskiy, arXiv:1805.08567, Sec. 3.1 (implemented separately in
  :mod:`nuportal.physics.decays.hnl_leptonic` from the paper's formulas, in the Fermi limit);
  the helicity-amplitude integration must agree up to the W/Z propagator corrections
  O(m_N²/m_W²);
* two-body widths: a direct sum over explicit helicity spinors and polarisation vectors of
  the amplitude (no trace algebra), and the textbook limits quoted in each docstring;
* the narrow-width limit: the three-body width through a nearly on-shell Z' equals
  Γ(N → ν Z') × BR(Z' → e⁺e⁻).
"""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.constants import M_E, M_MU
from nuportal.models import build_model
from nuportal.physics import dirac
from nuportal.physics.decays import hnl_leptonic
from nuportal.physics.decays.three_body import LeptonPairDecay
from nuportal.physics.decays.two_body import (
    fermion_to_photon,
    fermion_to_scalar,
    fermion_to_vector,
    scalar_to_fermions,
    vector_to_fermions,
)

U2 = 1e-6
FLAVOUR_INDEX = {"e": 0, "mu": 1}


@pytest.mark.parametrize("m_n", [0.15, 0.4, 1.0])
@pytest.mark.parametrize("alpha", ["e", "mu"])
@pytest.mark.parametrize("beta", ["e", "mu"])
def test_minimal_hnl_nu_lepton_pair_matches_closed_form(m_n, alpha, beta):
    """CC + NC with their interference (β = α) and NC only (β ≠ α), to 1e-3; the residual
    is the propagator correction ~ m_N²/m_W² (1.5e-4 at 1 GeV)."""
    model = build_model({"m4": m_n, f"U{alpha}4": np.sqrt(U2)})
    decay = LeptonPairDecay(model, 3, FLAVOUR_INDEX[alpha], beta, beta)
    reference = U2 * hnl_leptonic.width_nu_lepton_pair(m_n, alpha, beta)
    if reference == 0:
        assert decay.width() == 0.0
    else:
        assert decay.width() == pytest.approx(reference, rel=1e-3)


@pytest.mark.parametrize("m_n", [0.3, 1.0])
def test_minimal_hnl_charged_current_matches_closed_form(m_n):
    """N → e⁻ μ⁺ ν_μ (W only), both leptons massive: the I(x, y, z) integral."""
    model = build_model({"m4": m_n, "Ue4": np.sqrt(U2)})
    decay = LeptonPairDecay(model, 3, FLAVOUR_INDEX["mu"], "e", "mu")
    reference = U2 * hnl_leptonic.width_charged_current_leptons(m_n, "e", "mu")
    assert decay.width() == pytest.approx(reference, rel=1e-3)


def test_majorana_is_twice_dirac_for_light_daughters():
    params = {"m4": 0.5, "Umu4": 1e-3}
    dirac_width = LeptonPairDecay(build_model(params), 3, 1, "e", "e").width()
    majorana = build_model({**params, "fermion": "majorana"})
    assert LeptonPairDecay(majorana, 3, 1, "e", "e").width() == pytest.approx(
        2 * dirac_width, rel=1e-12
    )


def test_quadrature_converges():
    model = build_model(
        {"m4": 0.42, "Umu4": 1e-3, "UD4": 0.9, "mzprime": 1.25, "alphaD": 0.25, "epsilon": 1e-3}
    )
    decay = LeptonPairDecay(model, 3, 1, "e", "e")
    coarse = decay.width(panels=4, order=8, order13=12)
    assert decay.width() == pytest.approx(coarse, rel=1e-6)


def test_narrow_zprime_equals_two_body_times_branching_ratio():
    """Γ(N → ν_μ e⁺e⁻) through a Z' of width Γ' ≪ m' equals Γ(N → ν_μ Z') BR(Z' → ee)."""
    model = build_model(
        {"m4": 0.3, "Umu4": 1e-2, "UD4": 0.9, "mzprime": 0.05, "alphaD": 0.25, "epsilon": 1e-4}
    )
    zp = model.couplings.vector("Zprime")
    c_l, c_r = zp.chiral["e"]
    gamma_ee = vector_to_fermions(zp.mass, M_E, M_E, c_l, c_r)
    g = zp.neutral
    gamma_nu = sum(
        vector_to_fermions(zp.mass, 0.0, 0.0, g[a, b], 0.0) for a in range(3) for b in range(3)
    )
    total = gamma_ee + gamma_nu
    two_body = sum(fermion_to_vector(0.3, 0.0, zp.mass, g[a, 3], 0.0) for a in range(3))
    three_body = sum(
        LeptonPairDecay(
            model, 3, a, "e", "e", widths={"Zprime": float(total)}, on_shell=True
        ).width(panels=16, order=32)
        for a in range(3)
    )
    # off-shell Z' tails and the Z/W background are O(Γ'/m') and O(G_F² / g'²) here
    assert three_body == pytest.approx(two_body * gamma_ee / total, rel=2e-3)


# ---------------------------------------------------------------- two-body, explicit spinors
def _polarisations(k: np.ndarray, mass: float) -> list[np.ndarray]:
    """Three (or two, massless) polarisation vectors of a vector boson of momentum k."""
    kvec = k[1:]
    kabs = np.linalg.norm(kvec)
    n = kvec / kabs
    e1 = np.cross(n, [0.0, 1.0, 0.0] if abs(n[1]) < 0.9 else [1.0, 0.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(n, e1)
    pols = [np.concatenate([[0.0], e1]), np.concatenate([[0.0], e2])]
    if mass > 0:
        pols.append(np.concatenate([[kabs / mass], k[0] / mass * n]))
    return pols


def _two_body_momenta(big, m1, m2):
    p = np.sqrt((big**2 - (m1 + m2) ** 2) * (big**2 - (m1 - m2) ** 2)) / (2 * big)
    direction = np.array([0.3, -0.5, 0.81])
    direction /= np.linalg.norm(direction)
    k1 = np.concatenate([[np.hypot(p, m1)], p * direction])
    k2 = np.concatenate([[np.hypot(p, m2)], -p * direction])
    return p, k1, k2


def _spinor_sum(left_fn, right_fn, matrix_fn):
    total = 0.0
    for h_l in (-1, 1):
        for h_r in (-1, 1):
            amp = dirac.bar(left_fn(h_l)) @ matrix_fn() @ right_fn(h_r)
            total += abs(amp) ** 2
    return total


@pytest.mark.parametrize(("c_l", "c_r"), [(0.3, 0.0), (0.2, -0.5), (0.1 + 0.2j, 0.4)])
def test_vector_and_scalar_to_fermions_against_spinor_sum(c_l, c_r):
    big, m1, m2 = 1.1, 0.2, 0.35
    p, k1, k2 = _two_body_momenta(big, m1, m2)
    chiral = c_l * dirac.P_LEFT + c_r * dirac.P_RIGHT
    # the vector at rest: polarisations along x, y, z
    vec = 0.0
    for axis in range(1, 4):
        eps = np.zeros(4)
        eps[axis] = 1.0
        vec += _spinor_sum(
            lambda h: dirac.spinor_u(k1, h),
            lambda h: dirac.spinor_v(k2, h),
            lambda eps=eps: dirac.slash(eps) @ chiral,
        )
    expected = vec / 3 * p / (8 * np.pi * big**2)
    assert vector_to_fermions(big, m1, m2, c_l, c_r) == pytest.approx(expected, rel=1e-12)
    sca = _spinor_sum(
        lambda h: dirac.spinor_u(k1, h), lambda h: dirac.spinor_v(k2, h), lambda: chiral
    )
    expected = sca * p / (8 * np.pi * big**2)
    assert scalar_to_fermions(big, m1, m2, c_l, c_r) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("c_l", "c_r"), [(0.3, 0.0), (0.2, -0.5), (0.1 + 0.2j, 0.4)])
@pytest.mark.parametrize("m_f", [0.0, 0.15])
def test_fermion_to_boson_against_spinor_sum(c_l, c_r, m_f):
    big, m_x = 0.9, 0.3
    chiral = c_l * dirac.P_LEFT + c_r * dirac.P_RIGHT
    p, k, q = _two_body_momenta(big, m_f, m_x)
    rest = np.array([big, 0.0, 0.0, 0.0])
    vec = sum(
        _spinor_sum(
            lambda h: dirac.spinor_u(k, h),
            lambda h: dirac.spinor_u(rest, h),
            lambda eps=eps: dirac.slash(np.conj(eps)) @ chiral,
        )
        for eps in _polarisations(q, m_x)
    )
    expected = 0.5 * vec * p / (8 * np.pi * big**2)
    assert fermion_to_vector(big, m_f, m_x, c_l, c_r) == pytest.approx(expected, rel=1e-12)
    sca = _spinor_sum(
        lambda h: dirac.spinor_u(k, h), lambda h: dirac.spinor_u(rest, h), lambda: chiral
    )
    expected = 0.5 * sca * p / (8 * np.pi * big**2)
    assert fermion_to_scalar(big, m_f, m_x, c_l, c_r) == pytest.approx(expected, rel=1e-12)
    # photon through σ^{μν} q_ν: vertex (i/2)[ε̸*, q̸] ... summed over the two transverse ε
    p, k, q = _two_body_momenta(big, m_f, 0.0)
    dip = sum(
        _spinor_sum(
            lambda h: dirac.spinor_u(k, h),
            lambda h: dirac.spinor_u(rest, h),
            lambda eps=eps: (
                0.5j
                * (dirac.slash(eps) @ dirac.slash(q) - dirac.slash(q) @ dirac.slash(eps))
                @ chiral
            ),
        )
        for eps in _polarisations(q, 0.0)
    )
    expected = 0.5 * dip * p / (8 * np.pi * big**2)
    assert fermion_to_photon(big, m_f, c_l, c_r) == pytest.approx(expected, rel=1e-12)


def test_textbook_limits():
    """Γ(V → ℓℓ) = g² m (1 + 2r) β / 12π; Γ(S → ℓℓ) = y² m β³ / 8π (the threshold power
    3/2 of a scalar); Γ(N → ν γ) = μ² m³ / 8π (Giunti & Studenikin, Rev. Mod. Phys. 87, 531,
    Eq. (3.42)) for the non-chiral dipole, c_L = c_R = μ."""
    m, g = 0.5, 0.01
    r = M_MU**2 / m**2
    beta = np.sqrt(1 - 4 * r)
    assert vector_to_fermions(m, M_MU, M_MU, g, g) == pytest.approx(
        g**2 * m * (1 + 2 * r) * beta / (12 * np.pi), rel=1e-12
    )
    assert scalar_to_fermions(m, M_MU, M_MU, g, g) == pytest.approx(
        g**2 * m * beta**3 / (8 * np.pi), rel=1e-12
    )
    mu = 1e-6
    assert fermion_to_photon(m, 0.0, mu, mu) == pytest.approx(mu**2 * m**3 / (8 * np.pi))
    assert vector_to_fermions(0.2, M_MU, M_MU, g, g) == 0.0


def test_heavy_daughter_neutrino_pair_against_charged_lepton_pair():
    """N5 → N4 ν_e ν̄_e and N5 → N4 e⁻e⁺ through the Z alone have the same phase space for
    massless pairs, so their ratio is g_L(ν)² / (g_L(e)² + g_R(e)²) with the Standard-Model
    charges g_L(ν) = 1/2, g_L(e) = −1/2 + s², g_R(e) = s² (here s² = ŝ²(0), the value the
    model uses); m_e/m_N5 = 1e-3 corrections are O(1e-6)."""
    from nuportal.constants import SIN2_THETA_W

    model = build_model({"m4": 0.01, "m5": 0.5, "Umu4": 0.1, "Umu5": 0.1})
    nunu = LeptonPairDecay(model, 4, 3, "nu_e", "nu_e").width()
    ee = LeptonPairDecay(model, 4, 3, "e", "e").width()
    expected = 0.25 / ((-0.5 + SIN2_THETA_W) ** 2 + SIN2_THETA_W**2)
    assert nunu / ee == pytest.approx(expected, rel=1e-4)
    with pytest.raises(ValueError, match="heavy daughter"):
        LeptonPairDecay(model, 4, 0, "nu_e", "nu_e")
