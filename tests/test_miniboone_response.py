"""MiniBooNE detector response for new-physics final states."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.analysis.miniboone import response as rs
from nuportal.constants import M_E, M_NEUTRON, M_PROTON
from nuportal.errors import NuportalError


def _along(direction, energy, mass=0.0):
    """Four-momenta of particles of ``energy`` [GeV] along unit vectors ``direction``."""
    d = np.asarray(direction, float)
    d = d / np.linalg.norm(d, axis=1, keepdims=True)
    e = np.broadcast_to(np.asarray(energy, float), (len(d),))
    return np.column_stack([e, np.sqrt(e**2 - mass**2)[:, None] * d])


def test_resolutions():
    assert rs.energy_resolution(1.0) == pytest.approx(0.13)
    assert rs.energy_resolution(0.25) == pytest.approx(0.07)
    assert np.rad2deg(rs.angular_resolution(1.0)) == pytest.approx(2.7)
    assert np.rad2deg(rs.angular_resolution(0.1)) == pytest.approx(2.7 + np.log(10))
    assert rs.angular_resolution(100.0) == 0.0


def test_smearing_widths_and_reproducibility(rng):
    n = 40_000
    p = _along(np.tile([0.0, 0.0, 1.0], (n, 1)), 0.5)
    out = rs.smear(p, rng)
    assert out[:, 0].mean() == pytest.approx(0.5, abs=3e-3)
    assert out[:, 0].std() == pytest.approx(rs.energy_resolution(0.5), rel=0.02)
    assert np.allclose(np.linalg.norm(out[:, 1:], axis=1), out[:, 0])
    # per-projection angular width = sigma_theta
    sigma = rs.angular_resolution(0.5)
    proj = out[:, 1] / out[:, 0]
    assert proj.std() == pytest.approx(sigma, rel=0.03)
    again = rs.smear(p, np.random.default_rng(20261125))
    assert np.array_equal(again, out)


def test_kelly_kopp(data_dir):
    cuts = rs.load_kelly_kopp_cuts(data_dir)
    assert cuts.cut("r_circle1", 0.15) == pytest.approx(0.541)
    assert cuts.cut("r_circle1", 0.05) == pytest.approx(0.541)  # below the table: first bin
    assert cuts.cut("r_diag", 0.31, "100C1S") == pytest.approx(0.159)
    z = np.tile([0.0, 0.0, 1.0], (3, 1))
    # asymmetric collinear pair (one ring), symmetric back-to-back pair (two rings),
    # symmetric small-angle pair at 30 degrees
    hard = _along(z, [0.45, 0.3, 0.3], M_E)
    soft_dirs = [[0, 0, 1.0], [0, 0, -1.0], [np.sin(np.pi / 6), 0, np.cos(np.pi / 6)]]
    soft = _along(soft_dirs, [0.01, 0.3, 0.3], M_E)
    for criterion in rs.CRITERIA:
        one = rs.looks_like_single_ring(hard, soft, criterion, cuts=cuts)
        assert one.tolist() == [True, False, False]
    with pytest.raises(NuportalError, match="criterion"):
        rs.looks_like_single_ring(hard, soft, "r_circle2", cuts=cuts)


def test_efficiency_and_fiducial_volume(data_dir):
    assert rs.selection_efficiency(0.35, data_dir=data_dir) == pytest.approx(0.139)
    vertices = np.array([[0.0, 0.0, 0.0], [0.0, 499.0, 0.0], [300.0, 300.0, 300.0]])
    assert rs.in_fiducial_volume(vertices).tolist() == [True, True, False]
    eff = rs.selection_efficiency([0.35] * 3, vertices, data_dir=data_dir)
    assert eff == pytest.approx([0.139 / rs.FIDUCIAL_FRACTION] * 2 + [0.0])
    fraction = rs.FIDUCIAL_FRACTION
    assert fraction == pytest.approx((500 / 610.6) ** 3, rel=0.01)


@pytest.mark.parametrize("antineutrino", [False, True])
def test_enu_qe_is_two_body_kinematics(antineutrino):
    """For E_B = 0 the formula gives the ν energy that puts the recoil nucleon on shell."""
    e_l = np.linspace(0.1, 1.5, 8)
    cos = np.linspace(-0.9, 1.0, 8)
    enu = rs.enu_qe(e_l, cos, binding_energy=0.0, antineutrino=antineutrino)
    m_i, m_f = (M_PROTON, M_NEUTRON) if antineutrino else (M_NEUTRON, M_PROTON)
    p_l = np.sqrt(e_l**2 - M_E**2)
    e_f = enu + m_i - e_l
    p_f2 = enu**2 + p_l**2 - 2 * enu * p_l * cos
    assert np.sqrt(e_f**2 - p_f2) == pytest.approx(np.full(8, m_f), rel=1e-9)


def test_histogram():
    counts, sumw2 = rs.histogram([0.25, 0.26, 0.7, 5.0], [1.0, 2.0, 0.5, 9.0])
    assert counts.shape == (11,)
    assert counts[0] == 3.0
    assert sumw2[0] == 5.0
    assert counts.sum() == 3.5
    with pytest.raises(NuportalError, match="non-negative"):
        rs.histogram([0.3], [-1.0])
    with pytest.raises(NuportalError, match="non-negative"):
        rs.histogram([0.3], [np.nan])


def test_reconstruct_pairs_and_showers(data_dir, rng):
    n = 5000
    z = np.tile([0.0, 0.0, 1.0], (n, 1))
    angle = rng.uniform(0.0, 0.3, n)
    e_plus = _along(z, 0.6, M_E)
    tilted = np.column_stack([np.sin(angle), np.zeros(n), np.cos(angle)])
    e_minus = _along(tilted, rng.uniform(0.003, 0.3, n), M_E)
    vertex = rng.uniform(-600, 600, (n, 3))
    rec = rs.reconstruct_pairs(e_plus, e_minus, rng, vertex, weights=2.0, data_dir=data_dir)
    assert 0 < rec.selected.sum() < n
    assert np.all(rec.weight[~rec.selected] == 0)
    assert np.all(rec.weight <= 2.0)
    assert np.all(rec.cos_theta[rec.selected] > 0.8)
    h = rec.histogram("enu_qe")
    assert h.shape == (11,)
    assert rec.histogram("evis").shape == (22,)
    assert rec.histogram("cos_theta").sum() == pytest.approx(rec.weight.sum())
    photons = rs.reconstruct_showers(e_plus, rng, data_dir=data_dir)
    assert photons.selected.all()
    assert photons.weight.mean() == pytest.approx(
        rs.selection_efficiency(0.6, data_dir=data_dir), rel=0.05
    )
    with pytest.raises(NuportalError, match="same shape"):
        rs.reconstruct_pairs(e_plus, e_minus[:10], rng, data_dir=data_dir)
    with pytest.raises(NuportalError, match="shape"):
        rs.reconstruct_showers(e_plus[:, :3], rng, data_dir=data_dir)
    with pytest.raises(NuportalError, match="variable"):
        rec.histogram("energy")


@pytest.mark.data
def test_efficiency_table_is_for_events_spread_over_the_whole_tank(data_dir, rng):
    """The release's single e/γ table is the probability for a shower anywhere in the 818 t
    tank (fiducial fraction 450/818 included): with vertices uniform in the tank
    (R < 610.6 cm) and the explicit R < 500 cm cut, the mean efficiency is the table again,
    up to (500/610.6)³ / (450/818) = 0.9982. Binomial error of the inside fraction for
    2e5 vertices: 0.2 %; tolerance 4σ."""
    n = 200_000
    radius = 610.6 * np.cbrt(rng.random(n))
    direction = rng.normal(size=(n, 3))
    vertex = radius[:, None] * direction / np.linalg.norm(direction, axis=1, keepdims=True)
    energy = np.full(n, 0.35)
    mean = rs.selection_efficiency(energy, vertex, data_dir=data_dir).mean()
    expected = 0.139 * (500 / 610.6) ** 3 / rs.FIDUCIAL_FRACTION
    assert mean == pytest.approx(expected, rel=4 * 0.0011 / 0.549)
    assert expected == pytest.approx(0.139, rel=0.002)


@pytest.mark.data
def test_efficiency_normalisation_from_the_fully_oscillated_sample(data_dir):
    """Which volume the table refers to, from the release itself: the fully oscillated
    ν-mode ntuple holds the selected νe events for 100 % νμ → νe at 18.75e20 POT. Divided by
    the νe CCQE interactions in the whole 818 t tank (νμ flux × MiniBooNE's flux-averaged
    CCQE cross section 9.429e-39 cm² per neutron, arXiv:1002.2680, ±11 %, × 6/14 neutrons per
    nucleon mass of CH₂), it must be the table's flux-averaged efficiency times (all νe CC
    selected) / (CCQE), a factor between 1 and 2. If the table referred to the 450 t
    fiducial volume instead, that factor would be 1/0.55 larger (2.6), beyond 2.

    The value 9.429e-39 cm² is **unverified**: it was quoted from memory of arXiv:1002.2680
    (MiniBooNE's flux-integrated νμ CCQE cross section on carbon, per neutron); the stored
    copies of that paper reachable with the search tools show only its abstract and
    introduction. The conclusion does not hang on it: the factor stays in (1, 2) and the
    fiducial reading above 2 for any σ between 0.71 and 1.30 times this value (the window
    the two bounds allow: factor 1.43 now), far wider than a CCQE cross-section uncertainty."""
    from nuportal.analysis.miniboone.release import POT, load_ntuple
    from nuportal.experiments.catalogue import get_experiment

    flux = get_experiment("miniboone_numode").flux(data_dir)
    neutrons = 818e6 * 6 / 14 * 6.02214076e23
    ccqe = flux.total(14) * POT["2020"]["nu"] * 9.429e-39 * neutrons
    selected = load_ntuple("2020", "nu", data_dir=data_dir).weight.mean()
    # flux-averaged table efficiency at the CCQE electron energy E_e ≈ 0.85 E_ν
    edges = flux.edges(14)
    centre = 0.5 * (edges[1:] + edges[:-1])
    weight = flux.bin_contents(14) * (centre > 0.2) * (centre < 3.0)
    efficiency = rs.selection_efficiency(0.85 * centre, data_dir=data_dir)
    mean_efficiency = float(np.sum(weight * efficiency) / np.sum(weight))
    factor = selected / ccqe / mean_efficiency
    assert 1.0 < factor < 2.0
    assert factor / rs.FIDUCIAL_FRACTION > 2.0
