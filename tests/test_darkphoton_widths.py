"""Widths of the dark photon and of the dark fermions: closed forms, limits, the exact
three-body width through the off-shell A' against its independent forms, the Dalitz sampler,
decay tables and the classification of the A' decay chains."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.integrate import quad

from nuportal.constants import ALPHA_EM, CHARGED_LEPTON_MASS
from nuportal.errors import NuportalError
from nuportal.models.dark_sector import DarkPhoton, DarkSector, c_symmetric_sector, inelastic_dm
from nuportal.physics import dirac
from nuportal.physics.darkphoton import (
    OffShellDecay,
    aprime_table,
    aprime_to_fermions,
    aprime_to_hadrons,
    aprime_to_leptons,
    chain_fractions,
    decay_chains,
    decay_tables,
    fermion_table,
    fermion_to_aprime,
)
from nuportal.physics.darkphoton.invisible import InvisibleDecay
from nuportal.physics.darkphoton.widths import aprime_total_width
from nuportal.physics.decays.hadrons import r_ratio


def _p(big, m1, m2):
    lam = (big**2 - (m1 + m2) ** 2) * (big**2 - (m1 - m2) ** 2)
    return np.sqrt(np.clip(lam, 0.0, None)) / (2 * big)


def _small_splitting(a: DarkPhoton, delta: float) -> float:
    """4 ε² α α_D δ⁵ / (15 π m_A'⁴), the small-splitting iDM width (e.g. arXiv:1703.06881)."""
    return 4 * a.epsilon**2 * ALPHA_EM * a.alpha_dark * delta**5 / (15 * math.pi * a.mass**4)


# ----------------------------------------------------------------------------- A' widths
@pytest.mark.parametrize("lepton", ["e", "mu", "tau"])
def test_aprime_to_leptons_closed_form(lepton):
    """Γ = α ε² m (1 + 2r) √(1 − 4r) / 3, r = m_ℓ²/m², zero below threshold."""
    m = np.array([0.05, 0.3, 1.0, 3.0, 3.5, 9.0])
    r = CHARGED_LEPTON_MASS[lepton] ** 2 / m**2
    expected = np.where(
        r < 0.25, ALPHA_EM * 1e-6 * m * (1 + 2 * r) * np.sqrt(np.clip(1 - 4 * r, 0, None)) / 3, 0
    )
    np.testing.assert_allclose(aprime_to_leptons(m, 1e-3, lepton), expected, rtol=1e-13)


def test_aprime_to_hadrons_is_the_r_ratio():
    m = np.array([0.5, 0.775, 1.02, 2.0, 5.0])
    expected = ALPHA_EM * 4e-6 * m * r_ratio(m) / 3
    np.testing.assert_allclose(aprime_to_hadrons(m, 2e-3), expected, rtol=1e-13)


def test_aprime_to_dirac_pair_closed_form():
    """n = 1 at μ → 0 is a Dirac fermion of charge g_D: Γ = α_D m (1 + 2r) √(1 − 4r) / 3."""
    a = DarkPhoton(0.4, 1e-3, 0.9)
    s = c_symmetric_sector([[0.12]], [[0.0]], a)
    m = np.array([0.25, 0.4, 1.0, 2.0])
    width = aprime_to_fermions(
        m, s.signed_masses[0], s.signed_masses[1], s.coupling[0, 1], identical=False
    )
    r = 0.12**2 / m**2
    expected = a.alpha_dark * m * (1 + 2 * r) * np.sqrt(1 - 4 * r) / 3
    np.testing.assert_allclose(width, expected, rtol=1e-13)


def test_aprime_to_unequal_pair_is_vector_like_for_opposite_signs():
    """Opposite signed masses with the axial Majorana vertex = the vector-coupling width of
    unequal masses, Γ = g² p [2M² − m₁² − m₂² − (m₁² − m₂²)²/M² + 6 m₁m₂] / (12π M²); equal
    signs flip the sign of the 6 m₁m₂ term."""
    m, m1, m2, g = np.array([0.4, 0.7]), 0.1, 0.15, 0.8
    core = 2 * m**2 - m1**2 - m2**2 - (m1**2 - m2**2) ** 2 / m**2
    p = _p(m, m1, m2)
    vector = g**2 * p * (core + 6 * m1 * m2) / (12 * math.pi * m**2)
    axial = g**2 * p * (core - 6 * m1 * m2) / (12 * math.pi * m**2)
    np.testing.assert_allclose(
        aprime_to_fermions(m, m1, -m2, g, identical=False), vector, rtol=1e-13
    )
    np.testing.assert_allclose(
        aprime_to_fermions(m, -m1, m2, g, identical=False), vector, rtol=1e-13
    )
    np.testing.assert_allclose(aprime_to_fermions(m, m1, m2, g, identical=False), axial, rtol=1e-13)


def test_aprime_to_identical_majorana_pair_is_p_wave():
    """ψ_i ψ_i: only the axial current survives, Γ = G² m β³ / (24π) (with the factor ½)."""
    m, mi, g = np.array([0.3, 1.0]), 0.1, 0.5
    beta = np.sqrt(1 - 4 * mi**2 / m**2)
    for sign in (1.0, -1.0):
        width = aprime_to_fermions(m, sign * mi, sign * mi, g, identical=True)
        np.testing.assert_allclose(width, g**2 * m * beta**3 / (24 * math.pi), rtol=1e-13)


def test_fermion_to_aprime_closed_form():
    """ψ_2 → ψ_1 A' for iDM (opposite signs: vector-like coupling g_D), from the trace
    Σ|M|²/2 = 2g² [k·P − 3 m M + 2 (q·k)(q·P)/m_V²] with positive masses."""
    a = DarkPhoton(0.05, 1e-3, 0.6)
    s = inelastic_dm(a, m1=0.1, delta=0.1)
    big, m = 0.2, 0.1
    mv = np.array([0.01, 0.05, 0.09])
    kp = (big**2 + m**2 - mv**2) / 2
    qk = (big**2 - m**2 - mv**2) / 2
    qp = (big**2 - m**2 + mv**2) / 2
    summed = 2 * a.g_dark**2 * (kp - 3 * m * big + 2 * qk * qp / mv**2)
    expected = _p(big, m, mv) * summed / (8 * math.pi * big**2)
    width = fermion_to_aprime(s.signed_masses[1], s.signed_masses[0], mv, s.coupling[1, 0])
    np.testing.assert_allclose(width, expected, rtol=1e-12)
    assert fermion_to_aprime(0.2, -0.1, 0.11, 1.0) == 0.0  # closed


# ----------------------------------------------------------------------------- ψ_2 → ψ_1 ℓℓ
def test_small_splitting_limit():
    """Γ(ψ_2 → ψ_1 e⁺e⁻) → 4 ε² α α_D δ⁵ / (15π m_A'⁴) for m_e ≪ δ ≪ m_1, m_A'. The leading
    corrections are O(δ/m_1) and O(m_e²/δ²): at δ/m_1 = 2e-3, δ/m_e = 200 they are < 1 %,
    and they grow linearly with δ/m_1."""
    a = DarkPhoton(50.0, 1e-3, 0.5)
    close = OffShellDecay(inelastic_dm(a, m1=50.0, delta=0.1), 1, 0, "e").width()
    ratio = close / _small_splitting(a, 0.1)
    assert abs(ratio - 1) < 0.01
    wider = OffShellDecay(inelastic_dm(a, m1=10.0, delta=0.1), 1, 0, "e").width()
    deviation = 1 - wider / _small_splitting(a, 0.1)
    assert 0.01 < deviation < 6 * (1 - ratio)  # ~ 5x the splitting ratio: ~ linear in δ/m_1


def test_large_splitting_deviates_by_tens_of_percent():
    """At δ = m_1, m_A' = 3 m_1 (a typical semi-visible benchmark) the δ⁵ formula is wrong by
    tens of per cent (the statement of issue 6 and arXiv:2302.05410)."""
    a = DarkPhoton(0.3, 1e-3, 0.5)
    exact = OffShellDecay(inelastic_dm(a, m1=0.1, delta=0.1), 1, 0, "e").width()
    ratio = exact / _small_splitting(a, 0.1)
    assert 0.3 < ratio < 0.8


CASES = [  # (m1, δ, m_A', final): pole far above, near above, inside, below; muons
    (0.1, 0.1, 0.3, "e"),
    (1.0, 0.01, 1.0, "e"),
    (0.2, 0.1, 0.1001, "e"),
    (0.2, 0.1, 0.05, "e"),
    (0.3, 0.4, 0.9, "mu"),
    (0.3, 0.4, 0.3, "mu"),
]


@pytest.mark.parametrize(("m1", "delta", "m_aprime", "final"), CASES)
def test_dalitz_equals_factorised_and_converges(m1, delta, m_aprime, final):
    """The exact Dalitz integral of the trace formula equals the factorised
    Γ(ψ → ψ V(√s)) · √s Γ(V → ℓℓ)(√s) / (π|D|²) (an independent derivation through the
    two-body widths) to rounding (1e-8: the resonant node values cancel to ~1e-9), and the
    default rule is converged (doubling)."""
    a = DarkPhoton(m_aprime, 1e-3, 0.5)
    decay = OffShellDecay(inelastic_dm(a, m1=m1, delta=delta), 1, 0, final)
    dalitz = decay.width()
    assert dalitz > 0
    assert decay.width(method="factorised") == pytest.approx(dalitz, rel=1e-8)
    assert decay.width(panels=128, order=24) == pytest.approx(dalitz, rel=1e-5)


@pytest.mark.parametrize(("m1", "delta", "m_aprime", "final"), [CASES[0], CASES[1], CASES[4]])
def test_width_against_adaptive_quadrature(m1, delta, m_aprime, final):
    """A second integration method: adaptive QUADPACK on dΓ/ds (pole off the range)."""
    a = DarkPhoton(m_aprime, 1e-3, 0.5)
    decay = OffShellDecay(inelastic_dm(a, m1=m1, delta=delta), 1, 0, final)
    lo, hi = decay.s_range
    value, error = quad(
        lambda s: float(decay.dgamma_ds(np.array([s]))[0]),
        lo,
        hi,
        epsabs=0.0,
        epsrel=1e-10,
        limit=400,
    )
    assert error < 1e-9 * value
    assert decay.width() == pytest.approx(value, rel=1e-7)


def test_differential_width_integrates_to_the_total(rng):
    """Plain Monte Carlo over the Dalitz plane (uniform in s and t inside the region):
    the mean of d²Γ/(ds dt) times the area equals the width within its statistical error."""
    a = DarkPhoton(0.3, 1e-3, 0.5)
    decay = OffShellDecay(inelastic_dm(a, m1=0.1, delta=0.1), 1, 0, "e")
    lo, hi = decay.s_range
    n = 400_000
    s = rng.uniform(lo, hi, n)
    t_lo, t_hi = decay.t_limits(s)
    t_min, t_max = t_lo.min(), t_hi.max()
    t = rng.uniform(t_min, t_max, n)
    values = decay.differential_width(s, t) * (hi - lo) * (t_max - t_min)
    estimate, sigma = values.mean(), values.std() / math.sqrt(n)
    assert abs(estimate - decay.width()) < 4 * sigma
    assert sigma < 0.01 * estimate


def test_narrow_width_limit():
    """m_A' < m_2 − m_1 and Γ_A'/m_A' ~ 1e-9: the exact three-body width through the
    resonance equals Γ(ψ_2 → ψ_1 A') BR(A' → ℓℓ); the off-shell remainder is O(Γ_A'/m_A')."""
    a = DarkPhoton(0.3, 1e-3, 0.3)
    s = inelastic_dm(a, m1=1.0, delta=0.5)  # A' → ψψ closed: only ℓℓ, hadrons
    table = aprime_table(s)
    two_body = float(
        fermion_to_aprime(s.signed_masses[1], s.signed_masses[0], a.mass, s.coupling[1, 0])
    )
    for final, label in (("e", "e- e+"), ("mu", "mu- mu+")):
        three_body = OffShellDecay(s, 1, 0, final).width()
        expected = two_body * table.branching_ratio(label)
        assert three_body == pytest.approx(expected, rel=1e-5)
    hadrons = OffShellDecay(s, 1, 0, "hadrons").width()
    assert hadrons == pytest.approx(two_body * table.branching_ratio("hadrons"), rel=1e-5)


def test_hadronic_channel_below_and_above_the_rho():
    """ψ_j → ψ_k hadrons: zero below the hadronic threshold; well above the ρ, with the pole
    far away, the ratio to ψ_k μ⁺μ⁻ is close to the R ratio at the relevant √s."""
    a = DarkPhoton(10.0, 1e-3, 0.5)
    below = OffShellDecay(inelastic_dm(a, m1=1.0, delta=0.1), 1, 0, "hadrons")
    assert below.width() == 0.0
    s = inelastic_dm(a, m1=1.0, delta=3.0)
    hadrons = OffShellDecay(s, 1, 0, "hadrons").width()
    muons = OffShellDecay(s, 1, 0, "mu").width()
    # dΓ/ds peaks near the top of the range, √s ~ 2-3 GeV where R ≈ 2.1-2.3
    assert 1.8 < hadrons / muons < 2.6


# ----------------------------------------------------------------------------- sampler
@pytest.mark.parametrize(
    ("m_aprime", "delta", "final"),
    [(0.25, 0.3, "mu"), (1.0, 0.1, "e")],  # pole inside the range; far above it
)
def test_dalitz_sampler_follows_the_differential_width(rng, m_aprime, delta, final):
    """χ² of the sampled m²_ℓℓ histogram against ∫ dΓ/ds per bin; the momenta conserve
    energy-momentum and reproduce (s, t)."""
    a = DarkPhoton(m_aprime, 1e-3, 0.5)
    decay = OffShellDecay(inelastic_dm(a, m1=0.1, delta=delta), 1, 0, final)
    n = 40_000
    s, t = decay.sample(n, rng)
    lo, hi = decay.s_range
    assert np.all((s > lo) & (s < hi))
    t_lo, t_hi = decay.t_limits(s)
    assert np.all((t >= t_lo) & (t <= t_hi))
    # s: 20 bins equally spaced in the Breit–Wigner angle (the resonance spreads over them);
    # expected contents from a 32-point Gauss rule per bin
    x_edges = np.linspace(0.0, 1.0, 21)
    edges = decay._map(x_edges)[0]
    edges[0], edges[-1] = lo, hi
    gx, gw = np.polynomial.legendre.leggauss(32)
    xs = x_edges[:-1, None] + 0.05 * 0.5 * (gx + 1)[None, :]
    nodes, jac = decay._map(xs)
    probs = np.sum(decay.dgamma_ds(nodes) * jac * 0.05 * 0.5 * gw, axis=1) / decay.width()
    # (per-bin rule without the endpoint map: 1e-5, far below the 2 % statistical error)
    assert probs.sum() == pytest.approx(1.0, rel=1e-4)
    counts = np.histogram(s, edges)[0]
    chi2 = np.sum((counts - n * probs) ** 2 / (n * probs))
    ndf = len(counts) - 1
    assert chi2 < ndf + 5 * math.sqrt(2 * ndf)
    # momenta
    k, p1, p2 = decay.momenta(s, t)
    total = k + p1 + p2
    np.testing.assert_allclose(total[:, 0], abs(decay.m_parent), rtol=1e-12)
    np.testing.assert_allclose(total[:, 1:], 0.0, atol=1e-12)
    q = p1 + p2
    np.testing.assert_allclose(q[:, 0] ** 2 - np.sum(q[:, 1:] ** 2, axis=1), s, rtol=1e-8)
    kl = k + p1
    np.testing.assert_allclose(kl[:, 0] ** 2 - np.sum(kl[:, 1:] ** 2, axis=1), t, rtol=1e-8)
    m_l2 = CHARGED_LEPTON_MASS[final] ** 2
    np.testing.assert_allclose(p2[:, 0] ** 2 - np.sum(p2[:, 1:] ** 2, axis=1), m_l2, rtol=1e-6)


def test_dalitz_sampler_t_distribution(rng):
    """At fixed s the bracket is quadratic in t; the mean of t over the sample equals
    ∫ t d²Γ / Γ from the exact 2-point Gauss rule (3 points for t·quadratic) within 4σ."""
    a = DarkPhoton(0.5, 1e-3, 0.5)
    decay = OffShellDecay(inelastic_dm(a, m1=0.1, delta=0.15), 1, 0, "e")
    _, t = decay.sample(20_000, rng)
    nodes, weights = decay._nodes(64, 16)
    t_lo, t_hi = decay.t_limits(nodes)
    x, w = np.polynomial.legendre.leggauss(3)
    tt = t_lo[:, None] + (t_hi - t_lo)[:, None] * 0.5 * (x + 1)
    dens = decay.differential_width(nodes[:, None], tt) * 0.5 * w * (t_hi - t_lo)[:, None]
    mean_t = np.sum(tt * dens * weights[:, None]) / np.sum(dens * weights[:, None])
    assert abs(t.mean() - mean_t) < 4 * t.std() / math.sqrt(t.size)


def test_sampler_is_deterministic():
    a = DarkPhoton(0.3, 1e-3, 0.5)
    decay = OffShellDecay(inelastic_dm(a, m1=0.1, delta=0.1), 1, 0, "e")
    first = decay.sample(500, np.random.default_rng(7))
    second = decay.sample(500, np.random.default_rng(7))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


# ----------------------------------------------------------------------------- tables, chains
def test_tables_branching_ratios_and_lengths():
    a = DarkPhoton(0.5, 1e-2, math.sqrt(0.4 * math.pi))
    tables = decay_tables(
        c_symmetric_sector([[0.08, 0.02], [0.02, 0.15]], [[0.01, 0.005], [0.005, 0.02]], a)
    )
    assert set(tables) == {"Aprime", "psi1", "psi2", "psi3", "psi4"}
    assert tables["psi1"].stable
    for table in tables.values():
        if not table.stable:
            assert sum(c.width / table.total_width for c in table) == pytest.approx(1, abs=1e-12)
    psi2 = tables["psi2"]
    p = np.array([1.0, 5.0])
    np.testing.assert_allclose(psi2.decay_length_cm(p), p / psi2.mass * psi2.ctau_cm)


def test_on_shell_aprime_replaces_the_three_body_channels():
    a = DarkPhoton(0.05, 1e-3, 0.5)
    table = fermion_table(inelastic_dm(a, m1=0.1, delta=0.1), 1)
    assert table.labels == ("psi1 Aprime",)


def test_chain_classification():
    """A' → ψ_1ψ_2, ψ_2 → ψ_1 ℓℓ is semi-visible; with δ < 2 m_e ψ_2 is stable (no channel in
    this description) and the A' invisible; below the ψ_1ψ_2 threshold everything is visible."""
    a = DarkPhoton(0.5, 1e-2, 1.0)
    semi = inelastic_dm(a, m1=0.1, relative_splitting=1.0)
    chains = decay_chains(semi)
    assert sum(c.branching_ratio for c in chains) == pytest.approx(1, abs=1e-12)
    top = chains[0]
    assert top.kind == "semi-visible"
    assert top.steps == ("Aprime -> psi1 psi2", "psi2 -> psi1 e- e+")
    fractions = chain_fractions(semi)
    assert fractions["semi-visible"] == pytest.approx(
        aprime_table(semi).branching_ratio("psi1 psi2"), rel=1e-12
    )
    invisible = chain_fractions(inelastic_dm(a, m1=0.1, delta=5e-4))
    assert invisible["semi-visible"] == 0
    assert invisible["invisible"] > 0.999
    visible = chain_fractions(inelastic_dm(a, m1=0.3, delta=0.01))
    assert visible == {"invisible": 0.0, "semi-visible": 0.0, "visible": 1.0}


def test_bad_arguments_raise():
    a = DarkPhoton(0.3, 1e-3, 0.5)
    s = inelastic_dm(a, m1=0.1, delta=0.1)
    with pytest.raises(NuportalError, match="Allowed: e, hadrons, mu, tau"):
        OffShellDecay(s, 1, 0, "gamma")
    with pytest.raises(NuportalError, match=r"0\.\.1"):
        OffShellDecay(s, 2, 0, "e")
    with pytest.raises(NuportalError, match="factorised form"):
        OffShellDecay(s, 1, 0, "hadrons").sample(10, np.random.default_rng(1))
    with pytest.raises(NuportalError, match="method"):
        OffShellDecay(s, 1, 0, "e").width(method="vegas")
    with pytest.raises(NuportalError, match="closed"):
        OffShellDecay(s, 1, 0, "tau").sample(10, np.random.default_rng(1))
    with pytest.raises(NuportalError, match="lepton"):
        aprime_to_leptons(1.0, 1e-3, "nu")
    with pytest.raises(NuportalError, match="dark photon mass"):
        aprime_to_leptons(-1.0, 1e-3, "e")


WIDE = ([[0.05, 0.0], [0.0, 0.3]], [[0.005, 0.01], [0.01, 0.005]])


def test_invisible_three_body_narrow_width():
    """ψ_4 → ψ_1 (A' → ψ_1 ψ_2) through a narrow on-shell A' (g_D = 2e-3, Γ_A'/m_A' ~ 1e-7):
    the factorised s integral equals Γ(ψ_4 → ψ_1 A') BR(A' → ψ_1 ψ_2)."""
    a = DarkPhoton(0.2, 1e-3, 2e-3)
    s = c_symmetric_sector(*WIDE, a)
    assert s.coupling[0, 3] != 0
    assert s.coupling[0, 1] != 0
    two_body = float(
        fermion_to_aprime(s.signed_masses[3], s.signed_masses[0], a.mass, s.coupling[0, 3])
    )
    br = aprime_table(s).branching_ratio("psi1 psi2")
    assert br > 0.9
    width = OffShellDecay(s, 3, 0, (0, 1)).width()
    assert width == pytest.approx(two_body * br, rel=1e-5)


def test_invisible_three_body_dominates_a_wide_sector():
    """With m_A' above the splittings, ψ_4 → ψ_1 ψ_1 ψ_2 (∝ α_D²) beats ψ_4 → ψ_1 ℓℓ
    (∝ α_D α ε²) by ~ α_D/(α ε²); with long-lived ψ_2 counted as stable every chain that
    starts with two dark fermions is then invisible."""
    a = DarkPhoton(1.0, 1e-3, math.sqrt(0.4 * math.pi))
    s = c_symmetric_sector(*WIDE, a)
    psi4 = fermion_table(s, 3)
    assert psi4.labels[0] == "psi1 psi1 psi2"
    ratio = psi4.channel("psi1 psi1 psi2").width / psi4.channel("psi1 e- e+").width
    assert 1e5 < ratio < 1e9
    assert chain_fractions(s)["semi-visible"] > 0.99  # ψ_2 → ψ_1 ee with cτ ~ 40 km
    fractions = chain_fractions(s, stable_ctau_cm=1e5)
    assert fractions["invisible"] > 0.9999
    assert sum(fractions.values()) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(NuportalError, match="only the factorised form"):
        OffShellDecay(s, 3, 0, (0, 1)).sample(10, np.random.default_rng(1))


# ----------------------------------------------------------------------------- invisible
def _sector(masses, coupling, a=None) -> DarkSector:
    """A DarkSector with given signed masses and couplings (test helper)."""
    a = a or DarkPhoton(2.0, 1e-3, 1.0)
    n = len(masses)
    labels = tuple(f"psi{i + 1}" for i in range(n))
    return DarkSector("test", a, np.asarray(masses, float), np.asarray(coupling, complex),
                      (0,) * n, tuple(range(1, n + 1)), labels)  # fmt: skip


def _dirac_sector(dirac_masses, currents, a=None) -> DarkSector:
    """Dirac fermions χ_a of masses M_a with the vector current Σ g_ab χ̄_a γ χ_b, in the
    Majorana description: Weyl mass matrix [[0, M], [M, 0]], current diag(g, −gᵀ)."""
    m, g = np.diag(dirac_masses), np.asarray(currents, float)
    zero = np.zeros_like(m)
    values, rotation = np.linalg.eigh(np.block([[zero, m], [m, zero]]))
    order = np.argsort(np.abs(values), kind="stable")
    rotation = rotation[:, order]
    current = np.block([[g, zero], [zero, -g.T]])
    coupling = rotation.T @ current @ rotation
    coupling[np.abs(coupling) < 1e-14] = 0.0
    return _sector(values[order], coupling, a)


@pytest.mark.parametrize("signs", [(1, 1, -1, 1), (1, -1, 1, -1), (-1, 1, -1, -1)])
def test_invisible_single_diagram_equals_the_factorised_form(signs):
    """One diagram and a conserved pair current (equal masses of opposite sign): the
    helicity amplitude with Majorana spinors and the rephasing of negative masses gives the
    factorised width of :class:`OffShellDecay` exactly (a complex parent coupling; the pair
    coupling is real, as an imaginary part is an axial, non-conserved current between states
    of opposite sign, whose scalar part the factorised form does not have)."""
    g = np.zeros((4, 4), complex)
    g[0, 3], g[1, 2] = 0.6 + 0.3j, 0.8
    s = _sector(np.array([0.05, 0.08, 0.08, 0.4]) * signs, g + g.conj().T)
    exact = InvisibleDecay(s, 3, (0, 1, 2)).width()
    assert exact == pytest.approx(OffShellDecay(s, 3, 0, (1, 2)).width(), rel=1e-10)
    # a pair of equal signs (axial, not conserved): the factorised form lacks the scalar part
    axial = _sector(np.abs(s.signed_masses), s.coupling)
    ratio = InvisibleDecay(axial, 3, (0, 1, 2)).width() / OffShellDecay(axial, 3, 0, (1, 2)).width()
    assert ratio > 1.1


def test_invisible_majorana_sum_is_the_dirac_width_with_identical_fermions():
    """χ_2 → χ_1 χ_1 χ̄_1 of Dirac fermions (vector couplings g_12, g_11), computed with Dirac
    spinors and the exchange sign −1 of the identical χ_1's, equals the sum over the
    Majorana final states ψ_1^± ψ_1^± ψ_1^± of a Majorana half ψ_2^+ of χ_2: this tests the
    interference signs, the symmetry factors and the Majorana spinors (v = C ūᵀ)."""
    m1, m2, g12, g11 = 0.1, 0.5, 0.7, 0.9
    sector = _dirac_sector([m1, m2], [[g11, g12], [g12, 0.3]])
    majorana = sum(
        InvisibleDecay(sector, 3, combo).width()
        for combo in itertools.combinations_with_replacement((0, 1), 3)
    )
    # Dirac amplitude on the Dalitz grid of the same masses
    grid = InvisibleDecay(sector, 3, (0, 0, 1))
    nodes, weights = _dalitz_grid(grid)
    parent, p1, p2, p3 = grid.momenta(*nodes)
    a = sector.dark_photon

    def exchange(out_a, out_b, anti, h):
        q = out_b + anti
        q2 = dirac.dot(q, q)
        width = aprime_total_width(sector, np.sqrt(q2))
        first = dirac.vector_current(
            dirac.bar(dirac.spinor_u(out_a, h[1])), dirac.spinor_u(parent, h[0]), g12, g12
        )
        second = dirac.vector_current(
            dirac.bar(dirac.spinor_u(out_b, h[2])), dirac.spinor_v(anti, h[3]), g11, g11
        )
        return dirac.dot(first, second) / (q2 - a.mass**2 + 1j * np.sqrt(q2) * width)

    total = np.zeros(len(parent))
    for h in itertools.product((-1, 1), repeat=4):
        swapped = (h[0], h[2], h[1], h[3])
        total += np.abs(exchange(p1, p2, p3, h) - exchange(p2, p1, p3, swapped)) ** 2
    dirac_width = 0.5 * np.sum(0.5 * total * weights) / (256 * math.pi**3 * m2**3)
    assert majorana == pytest.approx(dirac_width, rel=1e-10)


def _dalitz_grid(decay):
    """(s, t) nodes and weights of InvisibleDecay.width's rule (32 x 16)."""
    m_a, m_b, m_c = decay.m
    lo, hi = (m_b + m_c) ** 2, (decay.m_parent - m_a) ** 2
    y, wy = np.polynomial.legendre.leggauss(32)
    y, wy = 0.5 * (y + 1), 0.5 * wy
    x = 0.5 * (1 - np.cos(np.pi * y))
    s = lo + (hi - lo) * x
    ws = wy * (hi - lo) * 0.5 * np.pi * np.sin(np.pi * y)
    t_lo, t_hi = decay.t_limits(s)
    xt, wt = np.polynomial.legendre.leggauss(16)
    t = t_lo[:, None] + (t_hi - t_lo)[:, None] * 0.5 * (xt + 1)[None, :]
    w = (ws * (t_hi - t_lo))[:, None] * 0.5 * wt[None, :]
    return (np.broadcast_to(s[:, None], t.shape).ravel(), t.ravel()), w.ravel()


def test_invisible_basis_invariance():
    """Rotating two degenerate states into each other mixes the diagrams (interference,
    identical daughters); the width summed over the rotated final states is unchanged."""
    g = np.zeros((4, 4), complex)
    g[0, 3], g[1, 2] = 0.6 + 0.3j, 0.8 - 0.1j
    g = g + g.conj().T
    masses = [0.06, 0.06, -0.09, 0.4]
    widths = []
    for phi in (0.0, 0.3, 1.1):
        rot = np.eye(4)
        rot[:2, :2] = [[math.cos(phi), -math.sin(phi)], [math.sin(phi), math.cos(phi)]]
        s = _sector(masses, rot.T @ g @ rot)
        widths.append(
            sum(InvisibleDecay(s, 3, d).width() for d in [(0, 1, 2), (0, 0, 2), (1, 1, 2)])
        )
    np.testing.assert_allclose(widths, widths[0], rtol=1e-12)
