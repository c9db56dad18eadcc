"""Dark-fermion sectors: the normalised description (signed masses, A' couplings) of iDM,
i2DM, the C-symmetric sector and the HNL realisation, their limits and input checks."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nuportal.cli.main import main
from nuportal.constants import COS_THETA_W, PDG_DARK_FERMIONS, PDG_N4
from nuportal.errors import NuportalError
from nuportal.models import build_model
from nuportal.models.dark_sector import (
    DarkPhoton,
    build_dark_sector,
    c_symmetric_sector,
    hnl_sector,
    inelastic_dirac_dm,
    inelastic_dm,
    weyl_sector,
)
from nuportal.physics.darkphoton import aprime_channels, fermion_table
from nuportal.physics.decays.channels import decay_table
from nuportal.physics.decays.two_body import vector_to_fermions

A = DarkPhoton(0.5, 1e-3, 0.7)
M_TWO = [[0.08, 0.02], [0.02, 0.15]]
MU_TWO = [[0.01, 0.005], [0.005, 0.02]]


def test_dark_photon_parameters():
    a = DarkPhoton.from_parameters(mass=0.3, chi=2e-3, alpha_dark=0.1)
    assert a.epsilon == pytest.approx(2e-3 * COS_THETA_W, rel=1e-15)
    assert a.chi == pytest.approx(2e-3, rel=1e-15)
    assert a.g_dark == pytest.approx(math.sqrt(0.4 * math.pi), rel=1e-15)
    assert a.alpha_dark == pytest.approx(0.1, rel=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mass": 0.3, "epsilon": 1e-3, "chi": 1e-3, "g_dark": 1.0}, "exactly one of 'epsilon'"),
        ({"mass": 0.3, "epsilon": 1e-3}, "exactly one of 'g_dark'"),
        ({"mass": -0.3, "epsilon": 1e-3, "g_dark": 1.0}, "mass must be > 0"),
        ({"mass": 0.3, "epsilon": 0.95, "g_dark": 1.0}, "cos θ_W"),
        ({"mass": 0.3, "epsilon": 1e-3, "alpha_dark": -1.0}, "alpha_dark must be >= 0"),
        ({"mass": float("nan"), "epsilon": 1e-3, "g_dark": 1.0}, "finite"),
    ],
)
def test_dark_photon_rejects_bad_input(kwargs, match):
    with pytest.raises(NuportalError, match=match):
        DarkPhoton.from_parameters(**kwargs)


def test_inelastic_dm_parametrisations_agree():
    by_delta = inelastic_dm(A, m1=0.1, delta=0.01)
    by_ratio = inelastic_dm(A, m1=0.1, relative_splitting=0.1)
    by_mass = inelastic_dm(A, dirac_mass=0.105, majorana_mass=0.005)
    for s in (by_ratio, by_mass):
        np.testing.assert_allclose(s.signed_masses, by_delta.signed_masses, rtol=1e-14)
        np.testing.assert_allclose(s.coupling, by_delta.coupling, atol=1e-15)
    # ψ_1 C-odd with m = μ − M < 0, ψ_2 C-even; only the off-diagonal coupling g_D
    np.testing.assert_allclose(by_delta.signed_masses, [-0.1, 0.11], rtol=1e-14)
    assert by_delta.c_parity == (-1, 1)
    np.testing.assert_allclose(by_delta.coupling, [[0, 0.7], [0.7, 0]], atol=1e-15)
    assert by_delta.pdgids == PDG_DARK_FERMIONS[:2]
    assert by_delta.labels == ("psi1", "psi2")


def test_c_symmetric_n1_is_inelastic_dm():
    general = c_symmetric_sector([[0.3]], [[0.02]], A)
    idm = inelastic_dm(A, dirac_mass=0.3, majorana_mass=0.02)
    np.testing.assert_array_equal(general.signed_masses, idm.signed_masses)
    np.testing.assert_array_equal(general.coupling, idm.coupling)
    for a, b in zip(aprime_channels(general), aprime_channels(idm), strict=True):
        assert a.label == b.label
        np.testing.assert_array_equal(a.width, b.width)


def test_c_symmetric_spectrum_and_coupling_structure():
    """Masses are the eigenvalues of M + μ (C-even) and μ − M (C-odd); the A' couples only
    states of opposite C-parity, with G = g_D [[0, W], [Wᵀ, 0]], W orthogonal, so each
    state's couplings satisfy Σ_j |G_ij|² = g_D²."""
    s = c_symmetric_sector(M_TWO, MU_TWO, A)
    m, mu = np.array(M_TWO), np.array(MU_TWO)
    expected = np.concatenate([np.linalg.eigvalsh(m + mu), np.linalg.eigvalsh(mu - m)])
    np.testing.assert_allclose(np.sort(s.signed_masses), np.sort(expected), rtol=1e-13, atol=1e-15)
    assert np.all(np.diff(s.masses) >= 0)
    np.testing.assert_allclose(s.coupling, s.coupling.conj().T, atol=1e-15)
    parity = np.array(s.c_parity)
    same = parity[:, None] == parity[None, :]
    assert np.all(s.coupling[same] == 0)
    np.testing.assert_allclose(np.sum(np.abs(s.coupling) ** 2, axis=1), A.g_dark**2, rtol=1e-13)


def test_dirac_limit_mu_to_zero():
    """μ → 0: each Dirac fermion is a pair (+M_a, −M_a) coupled only to its partner with g_D
    (a Dirac fermion of charge g_D); for μ ≠ 0 small, the pairs split by 2μ."""
    m = [[0.1, 0.0], [0.0, 0.25]]
    dirac = c_symmetric_sector(m, np.zeros((2, 2)), A)
    np.testing.assert_allclose(dirac.masses, [0.1, 0.1, 0.25, 0.25], rtol=1e-14)
    pair_sum = dirac.signed_masses[0::2] + dirac.signed_masses[1::2]
    np.testing.assert_allclose(pair_sum, 0.0, atol=1e-15)
    coupling = np.abs(dirac.coupling)
    np.testing.assert_allclose(coupling[0, 1], A.g_dark, rtol=1e-14)
    np.testing.assert_allclose(coupling[2, 3], A.g_dark, rtol=1e-14)
    assert coupling[0, 2] == coupling[0, 3] == coupling[1, 2] == coupling[1, 3] == 0
    split = c_symmetric_sector(m, 1e-4 * np.eye(2), A)
    np.testing.assert_allclose(split.masses, [0.0999, 0.1001, 0.2499, 0.2501], rtol=1e-12)


def test_weyl_sector_reproduces_the_c_symmetric_sector():
    """The same sector written in the Weyl basis (ξ_a, η_a) with charges (+1, −1): equal
    masses, |couplings| and widths (eigenvector signs are conventions)."""
    m, mu = np.array(M_TWO), np.array(MU_TWO)
    weyl = weyl_sector(np.block([[mu, m], [m, mu]]), [1, 1, -1, -1], A)
    c_sym = c_symmetric_sector(M_TWO, MU_TWO, A)
    np.testing.assert_allclose(weyl.signed_masses, c_sym.signed_masses, rtol=1e-13)
    np.testing.assert_allclose(np.abs(weyl.coupling), np.abs(c_sym.coupling), atol=1e-14)
    for a, b in zip(aprime_channels(weyl), aprime_channels(c_sym), strict=True):
        np.testing.assert_allclose(a.width, b.width, rtol=1e-12)


def test_weyl_sector_without_c_symmetry_has_diagonal_couplings():
    """μ_L ≠ μ_R (arXiv:2405.08081): |G_11| = |G_22| = g_D |μ_L − μ_R| / (|m_1| + |m_2|),
    |G_12| = 2 g_D M / (|m_1| + |m_2|), from the 2 x 2 rotation (tan 2θ = 2M/(μ_L − μ_R))."""
    big, mu_l, mu_r = 0.1, 0.012, 0.004
    s = weyl_sector([[mu_l, big], [big, mu_r]], [1, -1], A)
    total = s.masses.sum()
    g = np.abs(s.coupling)
    np.testing.assert_allclose(np.diag(g), A.g_dark * (mu_l - mu_r) / total, rtol=1e-12)
    assert g[0, 1] == pytest.approx(2 * A.g_dark * big / total, rel=1e-12)
    assert s.c_parity == (0, 0)


def test_inelastic_dirac_dm_couplings():
    """i2DM (arXiv:2201.08409): Dirac χ_1, χ_2 = pairs of opposite signed masses; the A'
    couples χ_1χ_1 with g_D sin²θ, χ_2χ_2 with g_D cos²θ and χ_1χ_2 with g_D sinθ cosθ."""
    sin = 0.2
    cos = math.sqrt(1 - sin**2)
    s = inelastic_dirac_dm(A, m1=0.1, relative_splitting=0.5, sin_theta=sin)
    np.testing.assert_allclose(s.masses, [0.1, 0.1, 0.15, 0.15], rtol=1e-13)
    assert s.signed_masses[0] == pytest.approx(-s.signed_masses[1], rel=1e-13)
    g = np.abs(s.coupling) / A.g_dark
    assert g[0, 1] == pytest.approx(sin**2, rel=1e-12)
    assert g[2, 3] == pytest.approx(cos**2, rel=1e-12)
    # between the pairs: a Dirac χ̄_1 γ χ_2 current spreads over the 2 x 2 Majorana block
    assert np.sum(g[:2, 2:] ** 2) == pytest.approx(2 * (sin * cos) ** 2, rel=1e-12)
    same = inelastic_dirac_dm(A, m1=0.1, delta=0.05, theta=math.asin(sin))
    np.testing.assert_allclose(same.coupling, s.coupling, atol=1e-14)


def test_hnl_sector_majorana_uses_the_model_couplings():
    params = {"m4": 0.1, "m5": 0.3, "UD4": 0.5, "UD5": 0.8, "Umu4": 1e-3}
    params |= {"mzprime": 1.0, "alphaD": 0.3, "epsilon": 1e-3, "fermion": "majorana"}
    model = build_model(params)
    s = hnl_sector(model)
    assert s.labels == ("nu_e", "nu_mu", "nu_tau", "N4", "N5")
    assert s.pdgids == (12, 14, 16, PDG_N4, PDG_N4 + 1)
    np.testing.assert_allclose(s.signed_masses, [0, 0, 0, 0.1, 0.3])
    zp = model.couplings.vector("Zprime")
    np.testing.assert_array_equal(s.coupling, np.asarray(zp.neutral))
    g_d = math.sqrt(4 * math.pi * 0.3)
    assert abs(s.coupling[3, 4]) == pytest.approx(g_d * 0.5 * 0.8, rel=1e-4)
    assert s.dark_photon.mass == 1.0
    assert s.dark_photon.epsilon == 1e-3


@pytest.mark.parametrize("fermion", ["dirac", "majorana"])
def test_hnl_sector_widths_match_the_model_decay_table(fermion):
    """A' → N N and the neutrino channels through the Majorana description equal the Z'
    table of :mod:`nuportal.physics.decays.channels` (an independent enumeration); for a
    Dirac N the three Majorana pairs (N+N+, N+N−, N−N−) sum to Γ(Z' → N N̄)."""
    params = {"m4": 0.15, "UD4": 0.9, "Umu4": 1e-3, "mzprime": 0.6, "alphaD": 0.2}
    model = build_model({**params, "epsilon": 1e-3, "fermion": fermion})
    reference = decay_table(model, "Zprime")
    label = "N4 N4" if fermion == "majorana" else "N4 N4bar"
    s = hnl_sector(model)
    heavy = {i for i, name in enumerate(s.labels) if name.startswith("N4")}
    channels = [c for c in aprime_channels(s) if c.states]
    pair = sum(float(c.width) for c in channels if set(c.states) <= heavy)
    assert pair == pytest.approx(reference.channel(label).width, rel=1e-12)
    neutral = {12, 14, 16, PDG_N4}
    expected = sum(
        c.width for c in reference if c.daughters and {abs(d) for d in c.daughters} <= neutral
    )
    total = sum(float(c.width) for c in channels)
    assert total == pytest.approx(expected, rel=1e-8)  # the table drops channels < 1e-9


@pytest.mark.parametrize("fermion", ["dirac", "majorana"])
def test_hnl_sector_n_to_nu_leptons_matches_the_helicity_amplitudes(fermion):
    """N4 → ν_μ ℓ⁺ℓ⁻ through the off-shell A' (trace formula of this package, Majorana
    description of the N and ν) against the helicity-amplitude three-body decays of
    :mod:`nuportal.physics.decays.three_body`, which add W and Z exchange: those interfere
    at the level G_F m_Z'² / (g_D ε e U_D4) ~ 1e-3, the tolerance."""
    params = {"m4": 0.3, "Umu4": 1e-3, "UD4": 0.9, "mzprime": 0.5, "alphaD": 0.25}
    model = build_model({**params, "epsilon": 1e-2, "fermion": fermion})
    reference = decay_table(model, "N4")
    s = hnl_sector(model)
    table = fermion_table(s, 3)  # N4 (Majorana) or N4+ (one Majorana half of the Dirac N)
    suffix = " + c.c." if fermion == "majorana" else ""
    for pair in ("e- e+", "mu- mu+"):
        mine = table.channel(f"nu_mu {pair}").width
        assert mine == pytest.approx(reference.channel(f"nu_mu {pair}{suffix}").width, rel=3e-3)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: c_symmetric_sector([[0.1, 0.2], [0.0, 0.1]], np.zeros((2, 2)), A), "symmetric"),
        (lambda: c_symmetric_sector([[0.1]], [[0.0, 0.0], [0.0, 0.0]], A), "must be 1 x 1"),
        (lambda: c_symmetric_sector([[0.1]], [[0.1]], A), "massless"),
        (lambda: c_symmetric_sector(np.eye(4), np.zeros((4, 4)), A), "at most 6"),
        (lambda: c_symmetric_sector([[0.1j]], [[0.0]], A), "must be real"),
        (lambda: inelastic_dm(A, m1=0.1), "exactly one of delta"),
        (lambda: inelastic_dm(A, m1=0.1, delta=0.01, dirac_mass=0.1), "either m1"),
        (lambda: inelastic_dm(A, dirac_mass=0.1, majorana_mass=0.2), "M > |μ|"),
        (lambda: inelastic_dirac_dm(A, m1=0.1, delta=0.01), "theta"),
        (lambda: inelastic_dirac_dm(A, m1=0.1, delta=0.01, sin_theta=2.0), r"\[-1, 1\]"),
        (lambda: hnl_sector(build_model({"m4": 0.1, "Umu4": 1e-3})), "needs a model with a Z'"),
        (lambda: weyl_sector([[0.0, 0.1], [0.1, 0.0]], [1, -1, 0], A), "2 finite numbers"),
    ],
)
def test_bad_sectors_raise(call, match):
    with pytest.raises(NuportalError, match=match):
        call()


def test_sector_is_immutable_and_describes_itself():
    s = inelastic_dm(A, m1=0.1, delta=0.01)
    with pytest.raises(ValueError, match="read-only"):
        s.signed_masses[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        s.coupling[0, 1] = 0.0
    assert "iDM" in s.describe()
    assert s.index("psi2") == 1
    with pytest.raises(NuportalError, match="psi2"):
        s.index("psi3")
    c_l, c_r = s.vertex(0, 1)
    assert c_l == pytest.approx(A.g_dark)
    assert c_r == pytest.approx(-A.g_dark)


def test_build_dark_sector_from_a_flat_spec():
    base = {"maprime": 0.5, "epsilon": 1e-2, "alphaD": 0.1}
    idm = build_dark_sector({"model": "iDM", **base, "m1": 0.1, "Delta": 1.0})
    a = DarkPhoton.from_parameters(mass=0.5, epsilon=1e-2, alpha_dark=0.1)
    np.testing.assert_array_equal(
        idm.signed_masses, inelastic_dm(a, m1=0.1, relative_splitting=1.0).signed_masses
    )
    text = build_dark_sector(
        {
            "model": "C-symmetric",
            **base,
            "dirac_masses": "0.08,0.02;0.02,0.15",
            "majorana_masses": [[0.01, 0.005], [0.005, 0.02]],
        }
    )
    np.testing.assert_array_equal(
        text.signed_masses, c_symmetric_sector(M_TWO, MU_TWO, a).signed_masses
    )
    i2dm = build_dark_sector({"model": "i2DM", **base, "m1": 0.1, "delta": 0.02, "sin_theta": 0.1})
    assert i2dm.name == "i2DM"
    hnl = build_dark_sector(
        {"model": "HNL", "m4": 0.1, "UD4": 0.9, "mzprime": 0.5, "alphaD": 0.1, "epsilon": 1e-2}
    )
    assert hnl.labels == ("nu_e", "nu_mu", "nu_tau", "N4+", "N4-")
    for spec, match in (
        ({"model": "iDm", **base}, "Did you mean 'iDM'"),
        ({"model": "iDM", **base, "m1": 0.1, "Deltaa": 1.0}, "Did you mean 'Delta'"),
        ({"model": "iDM", "epsilon": 1e-2, "alphaD": 0.1, "m1": 0.1, "Delta": 1.0}, "maprime"),
        (
            {"model": "C-symmetric", **base, "dirac_masses": "0.1;x", "majorana_masses": 0.0},
            "rows separated by",
        ),
        ({"model": "C-symmetric", **base, "dirac_masses": "0.1"}, "needs"),
    ):
        with pytest.raises(NuportalError, match=match):
            build_dark_sector(spec)


def test_cli_darkphoton_decays(capsys):
    args = [
        "darkphoton",
        "decays",
        "--sector",
        "iDM",
        "--set",
        "maprime=0.5",
        "--set",
        "epsilon=1e-2",
        "--set",
        "alphaD=0.1",
        "--set",
        "m1=0.1",
        "--set",
        "Delta=1",
    ]
    assert main([*args, "--json", "-"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["chains"][0]["kind"] == "semi-visible"
    assert sum(payload["fractions"].values()) == pytest.approx(1.0, abs=1e-12)
    assert [t["particle"] for t in payload["tables"]] == ["Aprime", "psi1", "psi2"]
    assert main(args) == 0
    assert "psi2 -> psi1 e- e+" in capsys.readouterr().out
    assert main([*args[:-1], "Deltaa=1"]) == 2
    assert "Did you mean 'Delta'" in capsys.readouterr().err


def test_inelastic_dirac_dm_widths_are_dirac_widths():
    """i2DM: the Majorana pairs of χ_1 and χ_2 add up to the Dirac widths
    Γ(A' → χ_1 χ̄_1) with g_D sin²θ, Γ(A' → χ_2 χ̄_2) with g_D cos²θ, and
    Γ(A' → χ_1 χ̄_2 + χ_2 χ̄_1) = 2 Γ_V(g_D sinθ cosθ) for the vector coupling of unequal
    masses (:func:`nuportal.physics.decays.two_body.vector_to_fermions`)."""
    sin, m1, m2 = 0.3, 0.1, 0.16
    cos = math.sqrt(1 - sin**2)
    a = DarkPhoton(0.7, 1e-3, 0.8)
    s = inelastic_dirac_dm(a, m1=m1, delta=m2 - m1, sin_theta=sin)
    block = {0: 1, 1: 1, 2: 2, 3: 2}
    sums = {(1, 1): 0.0, (1, 2): 0.0, (2, 2): 0.0}
    for c in aprime_channels(s):
        if c.states:
            sums[tuple(sorted(block[i] for i in c.states))] += float(c.width)

    def dirac(g, ma, mb):
        return float(vector_to_fermions(a.mass, ma, mb, g, g))

    g = a.g_dark
    assert sums[(1, 1)] == pytest.approx(dirac(g * sin**2, m1, m1), rel=1e-12)
    assert sums[(2, 2)] == pytest.approx(dirac(g * cos**2, m2, m2), rel=1e-12)
    assert sums[(1, 2)] == pytest.approx(2 * dirac(g * sin * cos, m1, m2), rel=1e-12)
