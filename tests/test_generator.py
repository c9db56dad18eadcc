"""Event generator: normalisation against independent calculations, sampled shapes against
the analytic distributions (χ² with fixed seeds), conservation laws, geometry, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from nuportal.errors import NuportalError
from nuportal.experiments.catalogue import get_experiment
from nuportal.experiments.geometry import Sphere
from nuportal.generator import lorentz, run
from nuportal.generator.chain import sample_decay
from nuportal.generator.events import STATUS_BEAM, STATUS_FINAL, STATUS_TARGET
from nuportal.generator.placement import forced_decay
from nuportal.generator.production import ProductionSampler
from nuportal.generator.run import EventGenerator
from nuportal.models import benchmark_model, build_model
from nuportal.physics.decays.channels import decay_table
from nuportal.physics.nuclei import nucleus
from nuportal.physics.upscattering import Channel, Upscattering
from nuportal.rates import flux_folded_cross_section, upscattering_rates
from nuportal.units import C_CM_PER_NS


@pytest.fixture(scope="module")
def benchmark_events(data_dir):
    gen = EventGenerator(benchmark_model(), "miniboone_numode", seed=11, data_dir=data_dir)
    return gen, gen.generate(6000)


def test_total_weight_equals_rate_times_branching_ratios(benchmark_events, data_dir):
    """Light-Z' benchmark: N4 and Z' decay promptly (cτ ~ 1e-8 and 1e-2 cm), so events made
    in the oil decay there (P = 1 up to a 1e-6 boundary layer) and events made in the dirt
    never reach it (P underflows). Σ w must equal the oil upscattering rate of
    :func:`nuportal.rates.upscattering_rates` (Gauss quadrature, an independent integration)
    × BR(N4 → ν Z') × BR(Z' → e⁺e⁻), within the Monte Carlo error."""
    gen, events = benchmark_events
    model = gen.model
    rate = upscattering_rates(model, "miniboone_numode", roles=("detector",), data_dir=data_dir)
    branching = decay_table(model, "N4").branching_ratio("nu_mu Zprime")
    branching *= decay_table(model, "Zprime").branching_ratio("e- e+")
    expected = rate.total * branching
    w = events.event["weight"]
    error = np.sqrt(np.sum(w**2))
    assert abs(events.total_weight - expected) < 4 * error
    assert error < 0.02 * expected


def test_energy_momentum_and_invariant_masses(benchmark_events):
    _, events = benchmark_events
    p = events.particles
    p4 = np.stack([p["e"], p["px"], p["py"], p["pz"]], axis=1).reshape(len(events), -1, 4)
    status = p["status"].reshape(len(events), -1)
    assert np.all(status[:, 0] == STATUS_BEAM)
    assert np.all(status[:, 1] == STATUS_TARGET)
    initial = p4[:, 0] + p4[:, 1]
    final = np.where((status == STATUS_FINAL)[..., None], p4, 0.0).sum(axis=1)
    scale = initial[:, :1]
    np.testing.assert_allclose((final - initial) / scale, 0.0, atol=1e-9)
    # N4 → ν Z'(→ e e): the Z' is (ℓ⁻ + ℓ⁺), the N4 its daughters' sum
    assert np.max(np.abs(p4[:, 3] - p4[:, 4] - p4[:, 5]) / scale) < 1e-9
    m_n = np.sqrt(p4[:, 3, 0] ** 2 - np.sum(p4[:, 3, 1:] ** 2, axis=1))
    np.testing.assert_allclose(m_n, 0.42, rtol=1e-7)
    m_e = np.sqrt(np.clip(p4[:, 6, 0] ** 2 - np.sum(p4[:, 6, 1:] ** 2, axis=1), 0, None))
    np.testing.assert_allclose(m_e, 0.000511, rtol=2e-3)
    # the stored N4 is its daughters' sum: it must reproduce the sampled Q² = −(k₁ − k₂)²
    q = p4[:, 0] - p4[:, 3]
    q2 = np.sum(q[:, 1:] ** 2, axis=1) - q[:, 0] ** 2
    np.testing.assert_allclose((q2 - events.event["q2"]) / scale[:, 0] ** 2, 0.0, atol=1e-9)


def test_the_event_record_holds_under_300_bytes_per_event(benchmark_events):
    """Issue 4's memory target: the benchmark stores ν_in, ν_out, e⁻, e⁺ (4 × 32 B), three
    vertices (96 B), 29 B of per-event columns and a 2-byte layout index."""
    _, events = benchmark_events
    assert events.nbytes / len(events) == 255


def test_vertices_times_and_volumes(benchmark_events):
    gen, events = benchmark_events
    ev = events.event
    vertex = np.stack([ev["vertex_x"], ev["vertex_y"], ev["vertex_z"]], axis=1)
    decay = np.stack([ev["decay_x"], ev["decay_y"], ev["decay_z"]], axis=1)
    assert np.all(gen.decay_volume.shape.contains(decay))
    source = np.asarray(gen.experiment.source_position)
    np.testing.assert_allclose(
        ev["vertex_t"], np.linalg.norm(vertex - source, axis=1) / C_CM_PER_NS, rtol=1e-12
    )
    p = events.particles
    n_e, n_p = p["e"][3::8], np.sqrt(p["px"][3::8] ** 2 + p["py"][3::8] ** 2 + p["pz"][3::8] ** 2)
    flight = np.linalg.norm(decay - vertex, axis=1)
    np.testing.assert_allclose(
        flight, (ev["decay_t"] - ev["vertex_t"]) * C_CM_PER_NS * n_p / n_e, rtol=1e-6, atol=1e-9
    )
    assert np.all(ev["weight"] > 0)
    assert np.all(np.isfinite(ev["weight"]))


def test_same_seed_same_events_and_other_seed_compatible(data_dir, benchmark_events):
    _, reference = benchmark_events
    again = EventGenerator(benchmark_model(), "miniboone_numode", seed=11, data_dir=data_dir)
    repeat = again.generate(6000)
    for name, column in reference.event.items():
        np.testing.assert_array_equal(repeat.event[name], column)
    other = EventGenerator(benchmark_model(), "miniboone_numode", seed=12, data_dir=data_dir)
    events = other.generate(6000)
    err = np.hypot(
        np.sqrt(np.sum(events.event["weight"] ** 2)),
        np.sqrt(np.sum(reference.event["weight"] ** 2)),
    )
    assert abs(events.total_weight - reference.total_weight) < 4 * err


def _energy_threshold(ups: Upscattering, q2: np.ndarray) -> np.ndarray:
    """Lowest E_ν at which Q² is allowed (Q²_min falls and Q²_max rises with E): bisection."""
    lo = np.full_like(q2, ups.threshold)
    hi = np.full_like(q2, 1e3)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        q_lo, q_hi = ups.q2_limits(mid)
        inside = (q_lo <= q2) & (q2 <= q_hi)
        hi = np.where(inside, mid, hi)
        lo = np.where(inside, lo, mid)
    return hi


def test_q2_distribution_follows_the_cross_section(data_dir):
    """Weighted Q² histogram of the production sampler against ∫ φ dσ/dQ² dE, computed in
    the other order (for each Q², E from its kinematic threshold; Gauss–Legendre in ln Q²
    and in each flux bin): χ² with the per-bin Monte Carlo errors (fixed seeds)."""
    model = benchmark_model()
    flux = get_experiment("miniboone_numode").flux(data_dir)
    ups = Upscattering(model, Channel(14, "N4", nucleus("C12"), "coherent"))
    sampler = ProductionSampler(ups, flux, -1, np.random.default_rng(3))
    sample = sampler.sample(100_000, np.random.default_rng(4))
    edges = np.geomspace(3e-4, 0.1, 11)
    hist, _ = np.histogram(sample.q2, edges, weights=sample.weight)
    err2, _ = np.histogram(sample.q2, edges, weights=sample.weight**2)
    x, w = np.polynomial.legendre.leggauss(8)
    e_edges, density = flux.edges(14), flux.bin_densities(14)
    reference = np.zeros(len(edges) - 1)
    for b in range(len(edges) - 1):
        log_a, log_c = np.log(edges[b]), np.log(edges[b + 1])
        q2 = np.exp(log_a + 0.5 * (log_c - log_a) * (x + 1))
        e_min = _energy_threshold(ups, q2)
        for q, wq, e0 in zip(q2, w * 0.5 * (log_c - log_a) * q2, e_min, strict=True):
            lo = np.maximum(e_edges[:-1], e0)
            keep = e_edges[1:] > lo
            half = 0.5 * (e_edges[1:][keep] - lo[keep])
            energies = (lo[keep] + half)[:, None] + half[:, None] * x[None, :]
            values = ups.dsigma_dq2(energies, np.full_like(energies, q), -1)
            reference[b] += wq * np.sum(density[keep][:, None] * half[:, None] * w * values)
    chi2 = np.sum((hist - reference) ** 2 / err2)
    assert stats.chi2.sf(chi2, len(hist)) > 1e-3
    # and the integral is the quadrature of nuportal.rates
    total = flux_folded_cross_section(ups, flux, 14, -1)
    assert abs(sample.weight.sum() - total) < 4 * np.sqrt(np.sum(sample.weight**2))
    # no point is spent where the flux vanishes (the BNB table is empty above 7.2 GeV)
    assert sample.energy.max() <= flux.energy_range(14)[1] < flux.edges(14)[-1]
    assert np.all(sample.weight > 0)


def test_forced_decay_probability_and_distances():
    """From the centre of a sphere of radius R: P = 1 − e^{−R/λ}; the forced distances
    follow the truncated exponential (mean λ − R/(e^{R/λ} − 1))."""
    rng = np.random.default_rng(5)
    sphere = Sphere(100.0)
    n = 100_000
    origin = np.zeros((n, 3))
    direction = rng.normal(size=(n, 3))
    for lam in (10.0, 100.0, 1e6):
        dist, prob = forced_decay(origin, direction, np.full(n, lam), sphere, rng)
        np.testing.assert_allclose(prob, -np.expm1(-100.0 / lam), rtol=1e-12)
        mean = lam - 100.0 / np.expm1(100.0 / lam)
        assert abs(dist.mean() - mean) < 4 * dist.std() / np.sqrt(n)
        assert np.all((dist >= 0) & (dist <= 100.0))
    # a ray that misses: P = 0
    _, prob = forced_decay(
        np.array([[0.0, 500.0, 0.0]]), np.array([[0.0, 0.0, 1.0]]), np.array([10.0]), sphere, rng
    )
    assert prob[0] == 0.0


def test_unknown_final_state_is_an_error():
    with pytest.raises(NuportalError, match="final state"):
        EventGenerator(build_model({"m4": 0.3, "Umu4": 1e-3}), final_state="tau+tau-")


def test_unweighting_keeps_the_total_and_the_distributions(benchmark_events):
    """Accept–reject: equal weights summing to Σw; ⟨E_ν⟩ of the unweighted sample equals
    the weighted mean within the statistical error."""
    from nuportal.generator.run import unweight

    _, events = benchmark_events
    rng = np.random.default_rng(8)
    w = events.event["weight"]
    n = int(0.5 * w.sum() / w.max())
    out = unweight(events, n, rng)
    assert len(out) == n
    assert np.all(out.event["weight"] == out.event["weight"][0])
    assert out.total_weight == pytest.approx(events.total_weight, rel=1e-12)
    weighted_mean = np.average(events.event["enu"], weights=w)
    enu = out.event["enu"]
    assert abs(enu.mean() - weighted_mean) < 4 * enu.std() / np.sqrt(n)
    with pytest.raises(NuportalError, match="survive"):
        unweight(events, len(events), rng)


def test_heavy_daughter_decays_in_the_chain(data_dir):
    """3+2 with a light Z': N5 → N4 Z'(→ e⁺e⁻), then the prompt N4 → ν Z'(→ e⁺e⁻) inside the
    detector: 12 particles with the right mothers, energy-momentum conserved at every
    vertex, the N4 products placed at the N4 decay point."""
    model = build_model(
        {
            "m4": 0.15,
            "m5": 0.4,
            "Umu4": 1e-3,
            "Umu5": 1e-3,
            "UD4": 0.5,
            "UD5": 0.8,
            "mzprime": 0.03,
            "alphaD": 0.3,
            "epsilon": 1e-4,
        }
    )
    gen = EventGenerator(
        model, "miniboone_numode", seed=4, flavours=[14], roles=("detector",), data_dir=data_dir
    )
    events = gen.generate(400)
    chain = np.diff(events.offsets) == 12
    assert chain.sum() > 50
    sub = events.select(chain)
    p = {**sub.particles, **sub.positions()}
    pdg = p["pdg"].reshape(-1, 12)
    np.testing.assert_array_equal(
        pdg[0], [14, 1000060120, 1000060120, 5915, 5914, 5921, 11, -11, 14, 5921, 11, -11]
    )
    np.testing.assert_array_equal(
        p["mother"].reshape(-1, 12)[0], [-1, -1, 0, 0, 3, 3, 5, 5, 4, 4, 9, 9]
    )
    p4 = np.stack([p["e"], p["px"], p["py"], p["pz"]], axis=1).reshape(-1, 12, 4)
    scale = p4[:, 0, :1]
    assert np.max(np.abs(p4[:, 4] - p4[:, 8] - p4[:, 9]) / scale) < 1e-9  # N4 → ν Z'
    assert np.max(np.abs(p4[:, 9] - p4[:, 10] - p4[:, 11]) / scale) < 1e-9  # Z' → e e
    x = p["x"].reshape(-1, 12)
    assert np.all(x[:, 8] == x[:, 9])  # N4 products share the N4 decay vertex
    # the Z' (cτ ~ 1e-3 cm here) decays downstream along its momentum, after its flight time
    pos = np.stack([p[c].reshape(-1, 12) for c in ("x", "y", "z")], axis=-1)
    t = p["t"].reshape(-1, 12)
    flight = pos[:, 10] - pos[:, 9]
    speed = p4[:, 9, 1:] / p4[:, 9, :1] * C_CM_PER_NS  # cm/ns
    np.testing.assert_allclose(flight, speed * (t[:, 10] - t[:, 9])[:, None], atol=1e-9)
    assert np.all(np.sum(flight * p4[:, 9, 1:], axis=1) >= 0)
    position = np.stack([p[c].reshape(-1, 12)[:, 8] for c in ("x", "y", "z")], axis=1)
    assert np.all(gen.decay_volume.shape.contains(position))


def test_generated_decay_angle_follows_the_polarised_distribution(benchmark_events):
    """ν_μ → N4 with helicity −1, N4 → ν Z': in the N4 rest frame the ν direction relative
    to the N4 flight direction follows 1 + h α cos θ with α = −(m² − 2m_Z'²)/(m² + 2m_Z'²)
    (the t → bW analysing power, Jeżabek & Kühn 1989): χ² of the weighted histogram."""
    from nuportal.generator import lorentz

    _, events = benchmark_events
    p = events.particles
    p4 = np.stack([p["e"], p["px"], p["py"], p["pz"]], axis=1).reshape(len(events), -1, 4)
    pdg = p["pdg"].reshape(len(events), -1)
    sel = (pdg[:, 0] == 14) & (events.event["helicity"] == -1)
    n4, nu = p4[sel, 3], p4[sel, 4]
    rest = lorentz.boost(nu, n4 * np.array([1.0, -1.0, -1.0, -1.0]))
    direction = n4[:, 1:] / np.linalg.norm(n4[:, 1:], axis=1, keepdims=True)
    cos = np.sum(rest[:, 1:] * direction, axis=1) / np.linalg.norm(rest[:, 1:], axis=1)
    w = events.event["weight"][sel]
    m, mz = 0.42, 0.03
    alpha = -(m**2 - 2 * mz**2) / (m**2 + 2 * mz**2)
    edges = np.linspace(-1, 1, 11)
    hist, _ = np.histogram(cos, edges, weights=w)
    err2, _ = np.histogram(cos, edges, weights=w**2)
    shape = np.diff(edges + (-1) * alpha * edges**2 / 2) / 2  # ∫ (1 + hα c)/2 dc, h = −1
    chi2 = np.sum((hist - w.sum() * shape) ** 2 / err2)
    assert stats.chi2.sf(chi2, len(hist) - 1) > 1e-3


def _rest_frame_cosine(events, row: int, parent_row: int = 3) -> np.ndarray:
    """cos θ of particle ``row`` in the rest frame of ``parent_row`` to its flight direction."""
    from nuportal.generator import lorentz

    p = events.particles
    p4 = np.stack([p["e"], p["px"], p["py"], p["pz"]], axis=1)
    first = events.offsets[:-1]
    parent, child = p4[first + parent_row], p4[first + row]
    rest = lorentz.boost(child, parent * np.array([1.0, -1.0, -1.0, -1.0]))
    direction = parent[:, 1:] / np.linalg.norm(parent[:, 1:], axis=1, keepdims=True)
    return np.sum(rest[:, 1:] * direction, axis=1) / np.linalg.norm(rest[:, 1:], axis=1)


@pytest.fixture(scope="module")
def hnl_events(data_dir):
    """Minimal Dirac HNL of 500 MeV (U_μ4 only), every simulated final state."""
    model = benchmark_model("minimal_hnl", m4=0.5)
    gen = EventGenerator(
        model,
        "miniboone_numode",
        final_state="any",
        seed=3,
        roles=("detector",),
        data_dir=data_dir,
    )
    return gen, gen.generate(30_000)


def test_meson_and_mixed_modes_carry_their_branching_ratios(hnl_events):
    """Each mode is drawn with probability BR/ΣBR and weighted by ΣBR, so its share of Σw is
    BR/ΣBR within the multinomial error; the modes include N → μ⁻π⁺, ν π⁰, ν_e μ⁻ e⁺ and
    ν_μ e⁻e⁺ with the widths of the decay table."""
    gen, events = hnl_events
    table = decay_table(gen.model, "N4")
    modes = {m.label: m.branching for m in gen.modes["N4"]}
    assert {"N4 -> mu- pi+", "N4 -> nu_mu pi0", "N4 -> nu_e mu- e+"} <= set(modes)
    assert modes["N4 -> mu- pi+"] == pytest.approx(table.branching_ratio("mu- pi+"), rel=1e-12)
    label = np.asarray(events.processes)[events.event["process"]]
    mode_of = np.array([s.split("; ")[1] for s in label])
    w = events.event["weight"]
    for name in ("N4 -> mu- pi+", "N4 -> nu_mu pi0", "N4 -> nu_e mu- e+"):
        share = modes[name] / sum(modes.values())
        sel = mode_of == name
        # Σw(mode)/Σw has variance ≈ Σ_i w_i² (1_sel − share)² / (Σw)²
        error = np.sqrt(np.sum(w**2 * ((sel - share) ** 2))) / w.sum()
        assert abs(w[sel].sum() / w.sum() - share) < 4 * error


def test_charged_pion_mode_follows_the_polarised_distribution(hnl_events):
    """N(h) → μ⁻ π⁺: the μ direction in the N rest frame follows 1 + h α cos θ with, from the
    trace of ū_μ (m_N P_R − m_μ P_L) u_N with the spin projector,
    α = −(m_N² − m_μ²) p / [(m_N² + m_μ²) E_μ − 2 m_N m_μ²] (χ² of the weighted histogram,
    both helicities; a Dirac N from ν_μ)."""
    _, events = hnl_events
    pdg = events.particles["pdg"]
    first = events.offsets[:-1]
    sel = (pdg[first + 4] == 13) & (pdg[first + 5] == 211)
    sub_rows = np.flatnonzero(sel)
    assert len(sub_rows) > 2000
    m_n, m_mu, m_pi = 0.5, 0.1056583755, 0.13957039
    e_mu = (m_n**2 + m_mu**2 - m_pi**2) / (2 * m_n)
    p = np.sqrt(e_mu**2 - m_mu**2)
    alpha = -(m_n**2 - m_mu**2) * p / ((m_n**2 + m_mu**2) * e_mu - 2 * m_n * m_mu**2)
    cos_all = _rest_frame_cosine(events, 4)
    edges = np.linspace(-1, 1, 11)
    for h in (-1, 1):
        rows = sub_rows[events.event["helicity"][sub_rows] == h]
        w = events.event["weight"][rows]
        hist, _ = np.histogram(cos_all[rows], edges, weights=w)
        err2, _ = np.histogram(cos_all[rows], edges, weights=w**2)
        shape = np.diff(edges + h * alpha * edges**2 / 2) / 2
        chi2 = np.sum((hist - w.sum() * shape) ** 2 / err2)
        assert stats.chi2.sf(chi2, len(hist) - 1) > 1e-3


def test_meson_events_conserve_four_momentum_and_masses(hnl_events):
    _, events = hnl_events
    p = events.particles
    first = events.offsets[:-1]
    sel = np.flatnonzero(np.diff(events.offsets) == 6)  # N → two products
    n4 = np.stack([p[c][first[sel] + 3] for c in ("e", "px", "py", "pz")], axis=1)
    a = np.stack([p[c][first[sel] + 4] for c in ("e", "px", "py", "pz")], axis=1)
    b = np.stack([p[c][first[sel] + 5] for c in ("e", "px", "py", "pz")], axis=1)
    assert np.max(np.abs(n4 - a - b) / n4[:, :1]) < 1e-9
    meson_mass = np.sqrt(np.clip(b[:, 0] ** 2 - np.sum(b[:, 1:] ** 2, axis=1), 0, None))
    pion = p["pdg"][first[sel] + 5] == 211
    assert meson_mass[pion] == pytest.approx(0.13957039, rel=1e-6)


def test_statistical_error_of_the_total_matches_the_spread_of_repeated_runs(data_dir):
    """The stratified error Var = Σ_cases (Σw² − (Σw)²/N) against the scatter of the totals of
    50 independent samples from the same adapted maps and allocation: the ratio is 1 within
    3σ of a 50-sample standard deviation (±30 %); the Poisson-count error √Σw² is several
    times larger here (nearly uniform weights)."""
    gen = EventGenerator(
        benchmark_model(),
        "miniboone_numode",
        seed=9,
        flavours=[14],
        roles=("detector",),
        data_dir=data_dir,
    )
    gen.allocate(2000)
    totals, errors, poisson = [], [], []
    for _ in range(50):
        batches = list(gen.batches())
        w = np.concatenate([b.event["weight"] for b in batches])
        totals.append(w.sum())
        errors.append(gen.statistical_error)
        poisson.append(np.sqrt(np.sum(w**2)))
    ratio = np.std(totals, ddof=1) / np.mean(errors)
    assert 0.7 < ratio < 1.3
    assert np.mean(poisson) > 2 * np.mean(errors)


def test_displaced_mediator_decays_are_forced_with_the_exact_probability(data_dir):
    """A Z' with cτ = 16 cm (ε = 1.6e-6) from a prompt N4: the generator forces the Z' decay
    into the oil (N decays freely) with weight P(Z' decays in the oil). A second method: the
    unforced sample, keeping the events whose e⁺e⁻ vertex lies in the oil. The totals agree
    within 4σ; every e⁺e⁻ vertex of the forced sample is in the oil, on the Z' line of flight
    from the N4 decay point."""
    model = benchmark_model(epsilon=1.6e-6)
    options = {"flavours": [14], "roles": ("detector",), "data_dir": data_dir}
    forced = EventGenerator(model, "miniboone_numode", seed=21, **options)
    assert forced._displaced_mediator(forced.modes["N4"][0])
    a = forced.generate(20_000)
    free = EventGenerator(model, "miniboone_numode", seed=22, forced=False, **options)
    b = free.generate(40_000)
    shape = forced.decay_volume.shape

    def pair_vertex(events):
        first = events.offsets[:-1]
        return np.stack([events.positions()[c][first + 6] for c in "xyz"], axis=1)

    assert np.all(shape.contains(pair_vertex(a)))
    inside = shape.contains(pair_vertex(b))
    w_a, w_b = a.event["weight"], np.where(inside, b.event["weight"], 0.0)
    assert inside.mean() > 0.05
    sigma = np.hypot(forced.statistical_error, np.sqrt(np.sum(w_b**2)))
    assert abs(w_a.sum() - w_b.sum()) < 4 * sigma
    assert sigma < 0.05 * w_a.sum()
    first = a.offsets[:-1]
    start = np.stack([a.positions()[c][first + 5] for c in "xyz"], axis=1)  # Z' production
    zp = np.stack([a.particles[c][first + 5] for c in ("px", "py", "pz")], axis=1)
    step = pair_vertex(a) - start
    cross = np.cross(step, zp)
    assert np.max(np.linalg.norm(cross, axis=1) / np.linalg.norm(zp, axis=1)) < 1e-6


def test_heavy_daughter_decays_with_the_spin_the_first_decay_left_it(data_dir):
    """3+2 chain N5 → N4 Z'(→ e⁺e⁻), N4 → ν Z'(→ e⁺e⁻). Given N4's polarisation P⃗ (rest
    frame), its decay ν goes along n̂ with density (1 + α P⃗·n̂)/4π, α = −(m² − 2m_Z'²)/(m² +
    2m_Z'²) as for the primary N; so the weighted mean of P⃗·n̂ must be α⟨|P|²⟩/3 (zero for
    an unpolarised N4). P⃗ is rebuilt here from each event's N5 decay: the N5 rest frame with
    its helicity axis along +z, then :meth:`LeptonPairDecay.daughter_polarisation`."""
    from nuportal.generator import lorentz
    from nuportal.generator.chain import decay_modes, pair_decay

    model = build_model(
        {"m4": 0.15, "m5": 0.4, "Umu4": 1e-3, "Umu5": 1e-3, "UD4": 0.5, "UD5": 0.8,
         "mzprime": 0.03, "alphaD": 0.3, "epsilon": 1e-4}
    )  # fmt: skip
    gen = EventGenerator(
        model, "miniboone_numode", seed=8, flavours=[14], roles=("detector",), data_dir=data_dir
    )
    events = gen.generate(6000)
    sub = events.select(np.diff(events.offsets) == 12)
    p = sub.particles
    p4 = np.stack([p["e"], p["px"], p["py"], p["pz"]], axis=1).reshape(-1, 12, 4)
    n5, n4 = p4[:, 3], p4[:, 4]
    # the N5 rest frame turned as the generator turns it (+z to the N5 flight direction)
    axis = n5[:, 1:] / np.linalg.norm(n5[:, 1:], axis=1, keepdims=True)
    basis = [lorentz.orient(np.tile(e, (len(sub), 1)), np.zeros(len(sub)), axis)[:, 1:]
             for e in np.eye(4)[1:]]  # fmt: skip

    def to_rest(k):
        k = lorentz.boost(k, n5 * np.array([1.0, -1.0, -1.0, -1.0]))
        return np.column_stack([k[:, 0], *(np.sum(k[:, 1:] * b, axis=1) for b in basis)])

    (mode,) = [m for m in decay_modes(model, "N5", "e+e-") if m.daughter >= 3]  # N5 → N4 Z'(→ ee)
    decay = pair_decay(model, "N5", mode)
    rest = np.tile([0.4, 0.0, 0.0, 0.0], (len(sub), 1))
    spin = np.zeros((len(sub), 4))
    k1, k2, k3 = (to_rest(p4[:, r]) for r in (4, 6, 7))
    for h in (-1, 1):
        mine = sub.event["helicity"] == h
        spin[mine] = decay.daughter_polarisation(rest[mine], k1[mine], k2[mine], k3[mine], h)
    (spin_lab,) = lorentz.to_lab([spin], axis, n5)
    polarisation = lorentz.rest_polarisation(spin_lab, n4)
    nu = lorentz.boost(p4[:, 8], n4 * np.array([1.0, -1.0, -1.0, -1.0]))[:, 1:]
    projection = np.sum(polarisation * nu, axis=1) / np.linalg.norm(nu, axis=1)
    w = sub.event["weight"]
    mean = np.sum(w * projection) / w.sum()
    error = np.sqrt(np.sum(w**2 * (projection - mean) ** 2)) / w.sum()
    alpha = -(0.15**2 - 2 * 0.03**2) / (0.15**2 + 2 * 0.03**2)
    expected = alpha * np.sum(w * np.sum(polarisation**2, axis=1)) / w.sum() / 3
    assert len(sub) > 1000
    assert abs(expected) > 10 * error  # an unpolarised N4 fails
    assert abs(mean - expected) < 4 * error


def test_the_one_pass_record_equals_the_general_path(data_dir):
    """Second method for the compiled pass of the common case (``_record``: N → ν Z'(→ e⁺e⁻)
    taken to the lab and written into the record with the Z' flight, here made long): the
    general path
    (``lorentz.to_lab``, the Z' free flight of ``_product_places``, ``vertex_places`` and
    ``pack``) from the same random numbers. Momenta agree bit for bit (the same operations);
    the Z' decay vertices to rounding (|p| summed in another order: a few ulp of the
    coordinates, ≤ 1e-13 of the vertex scale)."""
    gen = EventGenerator(benchmark_model(), "miniboone_numode", seed=5, data_dir=data_dir)
    case = gen.cases[0]
    (mode,) = case.modes
    assert mode.mediator_pdg
    assert not gen._displaced_mediator(mode)
    _, m_med = gen._mediators[mode.mediator_pdg]
    gen._mediators[mode.mediator_pdg] = (30.0, m_med)  # Z' flights of metres
    n, rng = 3000, np.random.default_rng(8)
    mass = benchmark_model().heavy[0].mass
    p3 = rng.normal(size=(n, 3)) * rng.uniform(0.0, 3.0, (n, 1))
    k2 = np.concatenate([np.sqrt(mass**2 + np.sum(p3**2, axis=1))[:, None], p3], axis=1)
    k1 = np.concatenate([np.full((n, 1), 2.0), 2.0 * p3 / np.linalg.norm(p3, axis=1)[:, None]], 1)
    places = [(rng.uniform(-500, 500, (n, 3)), rng.uniform(0, 2000, n)) for _ in range(2)]
    state = run._State(np.ones(n), k1[:, 0], np.ones(n), *places[0], *places[1], k1, k2)
    sampled = sample_decay(gen.model, case.heavy, mode, np.where(rng.random(n) < 0.5, 1, -1), rng)
    direction = p3 / np.linalg.norm(p3, axis=1)[:, None]
    gen.rng = np.random.default_rng(9)
    fused = gen._assemble(case, mode, state, gen._record(mode, state, sampled, direction, k2), 0)
    gen.rng = np.random.default_rng(9)
    products = lorentz.to_lab(sampled.momenta, direction, k2)
    where, _ = gen._product_places(mode, products, state.decay, state.t_dec, False)
    decay = run._Decay(products, sampled.pdgs, sampled.conjugate, where)
    general = gen._assemble(case, mode, state, decay, 0)
    assert np.array_equal(fused.momenta, general.momenta)
    assert [k.key for k in fused.layouts] == [k.key for k in general.layouts]
    assert np.array_equal(fused.layout, general.layout)
    assert np.array_equal(fused.vertices[:, :2], general.vertices[:, :2])
    scale = np.max(np.abs(general.vertices), axis=(0, 1))
    assert np.all(np.abs(fused.vertices - general.vertices) <= 1e-13 * scale)
    assert fused.vertices.shape == general.vertices.shape == (n, 3, 4)
    flight = np.linalg.norm(general.vertices[:, 2, :3] - general.vertices[:, 1, :3], axis=1)
    assert np.median(flight) > 100.0  # cm: the comparison sees the flight
