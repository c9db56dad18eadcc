"""Model layer: validation, unitarity-derived couplings and the Z–Z' diagonalisation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nuportal.constants import COS_THETA_W, E_CHARGE, M_Z, SIN_THETA_W
from nuportal.errors import NuportalError
from nuportal.models import benchmark_model, build_model
from nuportal.models.mixing import diagonalise_z_zprime
from nuportal.models.model import G_Z, Z_NORMALISATION


def test_light_zprime_couples_like_a_photon():
    eps = 1e-3
    m = build_model({"m4": 0.1, "mzprime": 0.03, "epsilon": eps, "gD": 1.0, "UD4": 0.5})
    zp = m.couplings.vector("Zprime")
    for f, q in (("e", -1.0), ("u", 2 / 3), ("d", -1 / 3)):
        assert zp.vector(f) == pytest.approx(eps * E_CHARGE * q, rel=1e-6)
        assert abs(zp.axial(f)) < 1e-6 * eps * E_CHARGE
    # kinetic mixing alone gives no Z' coupling to active neutrinos (up to m_Z'^2/m_Z^2)
    assert abs(zp.neutral[1, 1]) < 1e-6 * eps * E_CHARGE


def test_heavy_zprime_couples_to_hypercharge():
    eps = 1e-3
    m = build_model({"m4": 0.1, "mzprime": 3000.0, "epsilon": eps, "gD": 0.0})
    zp = m.couplings.vector("Zprime")
    c_l, c_r = zp.chiral["e"]
    assert c_l / c_r == pytest.approx(0.5, rel=1e-3)  # Y_L / Y_R = (-1/2) / (-1)
    assert c_r == pytest.approx(E_CHARGE * eps / COS_THETA_W**2 * (-1.0), rel=1e-3)


@pytest.mark.parametrize("m_zprime", [0.01, 10.0, 80.0, 88.0, 95.0, 100.0, 500.0])
def test_no_label_swap_and_exact_masses(m_zprime):
    eps, g_d = 1e-3, 0.5
    mix = diagonalise_z_zprime(m_zprime, eps, g_d)
    chi = eps / COS_THETA_W
    eta = chi / math.sqrt(1 - chi**2)
    kappa = -SIN_THETA_W * eta
    a = mix.mz0_squared
    m2 = np.array([[a, a * kappa], [a * kappa, mix.mx_squared + a * SIN_THETA_W**2 * eta**2]])
    z, zp = np.array(mix.z_components), np.array(mix.zprime_components)
    np.testing.assert_allclose(m2 @ z, M_Z**2 * z, rtol=1e-9, atol=1e-9 * M_Z**2)
    np.testing.assert_allclose(m2 @ zp, m_zprime**2 * zp, rtol=1e-9, atol=1e-9 * M_Z**2)
    assert abs(z[0]) > 0.9
    assert abs(zp[1]) > 0.9
    model = build_model({"m4": 0.1, "mzprime": m_zprime, "epsilon": eps, "gD": g_d})
    z_e = model.couplings.vector("Z").chiral["e"]
    sm = (Z_NORMALISATION * G_Z * (-0.5 + SIN_THETA_W**2), Z_NORMALISATION * G_Z * SIN_THETA_W**2)
    np.testing.assert_allclose(z_e, sm, rtol=2e-2)


def test_level_repulsion_is_an_error():
    with pytest.raises(NuportalError, match="cannot be reached"):
        diagonalise_z_zprime(M_Z, 0.3, 1.0)


def test_unitarity_fixes_light_neutrino_couplings():
    u_mu, u_d = 0.1, 0.6
    m = build_model(
        {"m4": 0.1, "Umu4": u_mu, "UD4": u_d, "mzprime": 0.05, "gD": 2.0, "epsilon": 0.0}
    )
    z = m.couplings.vector("Z")
    assert z.neutral[3, 1] == pytest.approx(0.5 * G_Z * Z_NORMALISATION * u_mu * (1 - u_mu**2))
    zp = m.couplings.vector("Zprime")
    assert zp.neutral[3, 1] == pytest.approx(-2.0 * u_d**2 * u_mu)
    np.testing.assert_allclose(m.light_admixture, [1, 1 - u_mu**2, 1, 1 - u_d**2])
    np.testing.assert_allclose(z.neutral, z.neutral.conj().T)


def test_generic_mode_nucleon_couplings():
    m = build_model(
        {
            "m4": 0.1,
            "mode": "generic",
            "mzprime": 0.1,
            "zprime_nu_mu4": 1e-3,
            "zprime_proton_V": 2e-4,
            "zprime_neutron_V": -1e-4,
        }
    )
    zp = m.couplings.vector("Zprime")
    np.testing.assert_allclose(zp.nucleon_vector_charges(), (2e-4, -1e-4))
    assert zp.neutral[3, 1] == 1e-3
    assert zp.neutral[1, 3] == 1e-3


def test_model_is_immutable():
    m = benchmark_model()
    with pytest.raises(ValueError, match="read-only"):
        m.mixing[0, 0] = 1.0
    with pytest.raises(AttributeError):
        m.majorana = True  # type: ignore[misc]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"m4": 0.1, "Umu44": 1e-3}, "Did you mean 'Umu4'"),
        ({"m4": -0.1}, "positive mass"),
        ({"m4": 0.2, "m5": 0.1}, "must increase"),
        ({"m5": 0.2}, "m4 first"),
        ({"m4": 0.1, "Umu4": 0.8, "Umu5": 0.8, "m5": 0.2}, "unitarity"),
        ({"m4": 0.1, "Umu4": 0.8, "UD4": 0.8}, "unitarity"),
        ({"m4": float("nan")}, "finite"),
        ({"m4": 0.1, "gD": 1.0}, "mzprime"),
        ({"m4": 0.1, "mzprime": 0.1, "gD": 1.0, "alphaD": 0.1}, "either"),
        ({"m4": 0.1, "fermion": "weyl"}, "dirac"),
        ({"m4": 0.1, "Umu5": 0.1}, "does not have"),
        ({"m4": 0.1, "mzprime": 0.1, "zprime_e_V": 1.0}, "generic"),
        ({}, "m4"),
    ],
)
def test_invalid_parameters(params, message):
    with pytest.raises(NuportalError, match=message):
        build_model(params)


def test_majorana_flag_and_dipoles():
    m = build_model(
        {"m4": 0.1, "m5": 0.2, "fermion": "majorana", "mu_tr_mu4": 1e-6, "mu_tr_45": 2e-6}
    )
    assert m.majorana
    assert m.n_heavy == 2
    assert m.couplings.dipole[3, 1] == 1e-6
    assert m.couplings.dipole[4, 3] == 2e-6


def test_w_couplings_follow_mixing_and_fermi_constant():
    from nuportal.constants import G_F, M_W
    from nuportal.models.model import G_W_OVER_SQRT2

    fermi = G_W_OVER_SQRT2**2 / (4 * M_W**2)
    assert fermi == pytest.approx(G_F / math.sqrt(2))
    u = 0.05
    w = build_model({"m4": 0.1, "Ue4": u}).couplings.charged
    assert w[0, 3] == pytest.approx(G_W_OVER_SQRT2 * u)  # e - N4
    assert w[0, 0] == pytest.approx(G_W_OVER_SQRT2 * (1 - u**2))  # e - ν_e flavour state
    assert w[1, 1] == pytest.approx(G_W_OVER_SQRT2)
    assert w[1, 3] == 0
