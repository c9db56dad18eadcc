"""Dark-photon decay chains with every step (nuportal.generator.darkphoton general chains) and
their recasts on Monte Carlo events (nuportal.analysis.recast.CascadeSample)."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import quad

from nuportal.analysis.recast import (
    CascadeSample,
    babar,
    efficiency,
    efficiency_error,
    na64,
    pass_probability,
)
from nuportal.constants import PDG_DARK_FERMIONS, PDG_HADRONIC_SYSTEM, PDG_ZPRIME
from nuportal.generator import darkphoton as gen
from nuportal.io import read_parquet, write_events
from nuportal.models.dark_sector import DarkPhoton, DarkSector, c_symmetric_sector, inelastic_dm
from nuportal.physics.darkphoton.fermions import OffShellDecay
from nuportal.physics.darkphoton.invisible import InvisibleDecay
from nuportal.physics.darkphoton.table import decay_chains, decay_tables

#: n = 2 sector with invisible ψ3 → ψ1 ψ2 ψ2, ψ4 → ψ1 ψ1 ψ2 and A' → ψ3 ψ4 (both unstable)
M_TWO, MU_TWO = [[0.11, 0.0], [0.0, 0.5]], [[0.01, 0.1], [0.1, 0.01]]
#: n = 2 sector with ψ3 → ψ2 A' and ψ4 → ψ1 A' on shell (light A')
M_LIGHT, MU_LIGHT = [[0.1, 0.0], [0.0, 0.2]], [[0.02, 0.01], [0.01, 0.02]]


def heavy(m_aprime: float = 1.2, epsilon: float = 1e-3) -> DarkSector:
    aprime = DarkPhoton.from_parameters(mass=m_aprime, epsilon=epsilon, alpha_dark=0.5)
    return c_symmetric_sector(M_TWO, MU_TWO, aprime)


def light() -> DarkSector:
    return c_symmetric_sector(M_LIGHT, MU_LIGHT, DarkPhoton(0.05, 1e-3, 0.1))


BOTH_UNSTABLE = (
    "Aprime -> psi3 psi4 ; psi3 -> psi1 psi2 psi2 ; psi2 -> psi1 e- e+ ; psi2 -> psi1 e- e+ ; "
    "psi4 -> psi1 psi1 psi2 ; psi2 -> psi1 e- e+"
)


def _ctau_by_pdg(sector: DarkSector) -> dict[int, float]:
    tables = decay_tables(sector)
    out = {sector.pdgids[i]: tables[label].ctau_cm for i, label in enumerate(sector.labels)}
    out[PDG_ZPRIME] = tables["Aprime"].ctau_cm
    return out


def _rows(events: gen.Events) -> tuple[np.ndarray, np.ndarray]:
    """Global row of each particle's mother (−1 if none) and each row's event index."""
    p = {**events.particles, **events.positions()}
    start = np.repeat(events.offsets[:-1], events.multiplicity)
    return np.where(p["mother"] >= 0, start + p["mother"], -1), np.repeat(
        np.arange(len(events)), events.multiplicity
    )


def check_vertices(events: gen.Events, ctau: dict[int, float]) -> dict[int, np.ndarray]:
    """Four-momentum balance at every decay (1e-9), daughters produced at the mother's decay
    vertex, times consistent with the flight; returns the flight distances / (βγ cτ) by
    PDG number of the decaying particle (excluding the prompt first A')."""
    p = {**events.particles, **events.positions()}
    mother, _ = _rows(events)
    decayed = np.flatnonzero(p["status"] == 2)
    has = mother >= 0
    for column in ("e", "px", "py", "pz"):
        sums = np.bincount(mother[has], weights=p[column][has], minlength=len(p["pdg"]))
        scale = p["e"][decayed]
        assert np.max(np.abs(sums[decayed] - p[column][decayed]) / scale) < 1e-9
    # each decayed row has daughters, each final row none
    n_daughters = np.bincount(mother[has], minlength=len(p["pdg"]))
    assert np.all(n_daughters[decayed] >= 1)
    assert np.all(n_daughters[p["status"] == 1] == 0)
    # daughters of one mother share one vertex; flight along the mother's momentum
    child = np.flatnonzero(has & np.isin(mother, decayed))
    first = np.full(len(p["pdg"]), -1)
    first[mother[child[::-1]]] = child[::-1]
    rows = decayed[first[decayed] >= 0]
    kids = first[rows]
    for c in ("x", "y", "z", "t"):
        assert np.allclose(p[c][child], p[c][first[mother[child]]], rtol=0, atol=1e-12)
    start = np.stack([p[c][rows] for c in "xyz"], axis=-1)
    end = np.stack([p[c][kids] for c in "xyz"], axis=-1)
    mom = np.stack([p[c][rows] for c in ("px", "py", "pz")], axis=-1)
    p_abs = np.linalg.norm(mom, axis=-1)
    mass = np.sqrt(np.clip(p["e"][rows] ** 2 - p_abs**2, 0, None))
    distance = np.linalg.norm(end - start, axis=-1)
    dt = p["t"][kids] - p["t"][rows]
    assert np.allclose(dt * 29.9792458, distance * p["e"][rows] / p_abs, rtol=1e-9, atol=1e-12)
    along = np.sum((end - start) * mom, axis=-1) / p_abs
    assert np.allclose(along, distance, rtol=1e-9, atol=1e-12)
    out = {}
    for pdg in np.unique(p["pdg"][rows]):
        sel = (p["pdg"][rows] == pdg) & (ctau.get(int(pdg), 0.0) > 0)
        sel &= ~((pdg == PDG_ZPRIME) & (p["mother"][rows] <= 1))  # the produced A' is prompt
        if np.any(sel):
            out[int(pdg)] = distance[sel] / (p_abs[sel] / mass[sel] * ctau[int(pdg)])
    return out


def check_exponential(ratio: np.ndarray) -> None:
    """Exp(1): mean 1 and P(> 1) = 1/e within 4σ, and a KS distance below 1.63/√n (1 %)."""
    n = len(ratio)
    assert np.mean(ratio) == pytest.approx(1.0, abs=4 / math.sqrt(n))
    assert np.mean(ratio > 1) == pytest.approx(math.exp(-1), abs=4 * 0.482 / math.sqrt(n))
    x = np.sort(ratio)
    cdf = 1 - np.exp(-x)
    ks = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    assert ks < 1.63 / math.sqrt(n)


def test_every_chain_is_simulated() -> None:
    """Σ BR of the simulated chains = Σ BR of the table chains = 1: nothing is dropped."""
    for sector in (heavy(), light(), heavy(0.6, 0.1)):
        chains = gen.sector_chains(sector)
        table = decay_chains(sector)
        assert len(chains) == len(table)
        assert sum(c.branching for c in chains) == pytest.approx(1.0, rel=1e-12)
    labels = {c.label: c for c in gen.sector_chains(heavy())}
    chain = labels[BOTH_UNSTABLE]
    assert chain.kind == "semi-visible"
    assert len(chain.steps) == 6
    assert chain.decayed[:2] == (True, True)  # both ψ3 and ψ4 decay


@pytest.mark.parametrize("experiment", ["babar", "na64"])
def test_both_unstable_and_invisible_three_body(experiment: str) -> None:
    sector = heavy()
    chains = gen.sector_chains(sector)
    chosen = [c for c in chains if c.label == BOTH_UNSTABLE or c.branching > 0.05]
    events = gen.generate(experiment, 1.2, 1e-3, chosen, 20000, seed=4)
    flights = check_vertices(events, _ctau_by_pdg(sector))
    assert set(flights) >= {PDG_DARK_FERMIONS[1], PDG_DARK_FERMIONS[2], PDG_DARK_FERMIONS[3]}
    for ratio in flights.values():
        check_exponential(ratio)
    # global conservation: final = initial
    p = {**events.particles, **events.positions()}
    _, ids = _rows(events)
    initial = np.isin(p["status"], [4, 20])
    sign = np.where(initial, -1.0, np.where(p["status"] == 1, 1.0, 0.0))
    energy = np.bincount(ids, weights=p["e"] * initial)
    for column in ("e", "px", "py", "pz"):
        assert np.max(np.abs(np.bincount(ids, weights=sign * p[column])) / energy) < 1e-9


def test_on_shell_aprime_cascade() -> None:
    """ψ4 → ψ1 A' (on shell), A' → e⁻e⁺: the A' has mass m_A', flies Exp(1) × βγ cτ_A' from
    the ψ4 vertex; ψ4 itself flies its own cτ."""
    sector = light()
    chains = gen.particle_chains(sector, "psi4")
    labels = [c.label for c in chains]
    assert "psi4 -> psi1 Aprime ; Aprime -> e- e+" in labels
    assert sum(c.branching for c in chains) == pytest.approx(1.0, rel=1e-12)
    chain = chains[labels.index("psi4 -> psi1 Aprime ; Aprime -> e- e+")]
    tables = decay_tables(sector)
    assert chain.steps[0].ctau == tables["psi4"].ctau_cm
    assert chain.steps[1].ctau == tables["Aprime"].ctau_cm
    n, m4 = 40000, float(sector.masses[3])
    rng = np.random.default_rng(8)
    pz = rng.uniform(0.5, 5.0, n)
    parent = np.stack([np.sqrt(pz**2 + m4**2), np.zeros(n), np.zeros(n), pz], axis=-1)
    decay = gen.decay_chain(parent, np.zeros((n, 3)), chain, rng)
    psi1, aprime, lm, lp = decay.momenta
    assert np.allclose(psi1 + aprime, parent, rtol=1e-12, atol=1e-12)
    assert np.allclose(lm + lp, aprime, rtol=1e-12, atol=1e-12)
    mass = np.sqrt(aprime[:, 0] ** 2 - np.sum(aprime[:, 1:] ** 2, axis=-1))
    assert mass == pytest.approx(0.05, rel=1e-9)
    places, times = gen.step_vertices(chain, np.zeros((n, 3)), decay.flights, decay.delays)
    for index, momentum, own in ((0, parent, m4), (1, aprime, 0.05)):
        start = np.zeros((n, 3)) if index == 0 else places[0]
        p_abs = np.linalg.norm(momentum[:, 1:], axis=-1)
        distance = np.linalg.norm(places[index] - start, axis=-1)
        check_exponential(distance / (p_abs / own * chain.steps[index].ctau))
    assert np.all(times[1] >= times[0])


def _dalitz_chi2(s: np.ndarray, density, lo: float, hi: float, bins: int = 20) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    edges = np.linspace(lo, hi, bins + 1)
    counts, _ = np.histogram(s, edges)
    expected = np.array([quad(density, a, b, limit=200)[0] for a, b in itertools.pairwise(edges)])
    expected *= len(s) / expected.sum()
    keep = expected > 5
    return float(np.sum((counts[keep] - expected[keep]) ** 2 / expected[keep])), int(keep.sum())


def test_invisible_three_body_sampler_follows_matrix_element() -> None:
    """s = (p_b + p_c)² of ψ4 → ψ1 ψ1 ψ2 against ∫ dt |M|² (exact amplitude), χ² ≤ ndf + 5√(2 ndf);
    the momenta conserve four-momentum and are on shell."""
    sector = heavy()
    decay = InvisibleDecay(sector, 3, (0, 0, 1))
    sampler = gen.InvisibleDalitz(decay)
    s, t = sampler.sample(30000, np.random.default_rng(3))
    lo = (decay.m[1] + decay.m[2]) ** 2
    hi = (decay.m_parent - decay.m[0]) ** 2

    def density(x: float) -> float:
        t_lo, t_hi = decay.t_limits(np.array([x]))
        tt = np.linspace(t_lo[0], t_hi[0], 33)
        return float(np.trapezoid(decay.amplitude_squared(np.full(33, x), tt), tt))

    chi2, ndf = _dalitz_chi2(s, density, lo, hi)
    assert chi2 < ndf + 5 * math.sqrt(2 * ndf)
    a, b, c = sampler.momenta(s, t)
    assert np.allclose(a + b + c, [decay.m_parent, 0, 0, 0], atol=1e-12)
    for p, m in zip((a, b, c), decay.m, strict=True):
        assert np.allclose(p[:, 0] ** 2 - np.sum(p[:, 1:] ** 2, axis=1), m**2, atol=1e-12)


def test_hadronic_system_mass_follows_dgamma_ds() -> None:
    """ψ2 → ψ1 hadrons of iDM (δ = 0.27 GeV): m² of the hadronic system from dΓ/ds."""
    aprime = DarkPhoton.from_parameters(mass=2.0, epsilon=1e-2, alpha_dark=0.1)
    sector = inelastic_dm(aprime, m1=2 / 3, relative_splitting=0.4)
    decay = OffShellDecay(sector, 1, 0, "hadrons")
    sampler = gen.HadronicSystem(decay)
    s, t = sampler.sample(30000, np.random.default_rng(5))
    chi2, ndf = _dalitz_chi2(s, lambda x: float(decay.dgamma_ds(np.array([x]))[0]), *decay.s_range)
    assert chi2 < ndf + 5 * math.sqrt(2 * ndf)
    k, system = sampler.momenta(s, t)
    assert np.allclose(system[:, 0] ** 2 - system[:, 3] ** 2, s, rtol=1e-9)
    assert np.allclose(k + system, [abs(decay.m_parent), 0, 0, 0], atol=1e-12)
    chains = {c.label: c for c in gen.sector_chains(sector)}
    assert chains["Aprime -> psi1 psi2 ; psi2 -> psi1 hadrons"].pdgs[-1] == PDG_HADRONIC_SYSTEM


def test_hadrons_written_and_read_back(tmp_path: Path) -> None:
    aprime = DarkPhoton.from_parameters(mass=2.0, epsilon=1e-2, alpha_dark=0.1)
    sector = inelastic_dm(aprime, m1=2 / 3, relative_splitting=0.4)
    chains = [c for c in gen.sector_chains(sector) if "hadrons" in c.label]
    events = gen.generate("babar", 2.0, 1e-2, chains, 300, seed=2)
    assert np.any(events.particles["pdg"] == PDG_HADRONIC_SYSTEM)
    path = tmp_path / "ev.parquet"
    write_events(events, path, "parquet")
    back = read_parquet(path)
    assert np.array_equal(back.particles["pdg"], events.particles["pdg"])


def test_bad_cascade() -> None:
    from nuportal.errors import NuportalError

    with pytest.raises(NuportalError, match="earlier step"):
        gen.Chain("x", 0.5, "invisible", (1, 2, 3, 4), (0.1,) * 4,
                  cascade=(gen.Step(-1, 2), gen.Step(5, 2, 1.0)))  # fmt: skip
    with pytest.raises(NuportalError, match="products"):
        gen.Chain("x", 0.5, "invisible", (1, 2, 3), (0.1,) * 3, cascade=(gen.Step(-1, 2),))
    with pytest.raises(NuportalError, match="sampler"):
        gen.Chain("x", 0.5, "invisible", (1, 2, 3), (0.1,) * 3, cascade=(gen.Step(-1, 3),))


FIXED = [("babar", {}), ("na64", {}), ("na64", {"modified": True})]


def _fixed_chain() -> gen.Chain:
    aprime = DarkPhoton.from_parameters(mass=0.3, epsilon=1e-3, alpha_dark=0.1)
    sector = inelastic_dm(aprime, m1=0.1, relative_splitting=0.4)
    return next(c for c in gen.sector_chains(sector) if c.kind == "semi-visible")


@pytest.mark.parametrize(("experiment", "detector"), FIXED)
@pytest.mark.parametrize("ctau", [3.0, 300.0])
def test_monte_carlo_events_agree_with_closed_form(
    experiment: str, detector: dict, ctau: float
) -> None:
    """On the fixed shape A' → ψ1 (ψ2 → ψ1 e⁺e⁻) the Monte Carlo pass fraction of
    :class:`CascadeSample` (re-placed at the chain's cτ) equals the closed-form zones η of
    independent kinematics within 4σ (σ of both samples)."""
    module = babar if experiment == "babar" else na64
    det = (babar.BabarDetector if experiment == "babar" else na64.NA64Detector)(**detector)
    chain = replace(_fixed_chain(), ctau=ctau)
    n = 20000
    sample = module.chain_events(chain, 0.3, n, np.random.default_rng(1), det)  # type: ignore[attr-defined]
    zones = module.chain_zones(chain, 0.3, n, np.random.default_rng(2), det)  # type: ignore[attr-defined]
    assert isinstance(sample, CascadeSample)
    assert zones is not None
    mc = float(np.mean(sample.passes(chain)))
    per_event = pass_probability(zones, chain.ctau)
    analytic = float(np.mean(per_event))
    sigma = math.hypot(math.sqrt(mc * (1 - mc) / n), float(np.std(per_event)) / math.sqrt(n))
    assert abs(mc - analytic) < 4 * sigma + 1e-12


def test_replacing_vertices_at_another_ctau_matches_generated_events() -> None:
    """BaBar, chain with both ψ's unstable: CascadeSample made at cτ and re-placed at 30 cτ
    agrees with events generated directly at 30 cτ (vertices from the event record), 4σ."""
    chain = next(c for c in gen.sector_chains(heavy()) if c.label == BOTH_UNSTABLE)
    scaled = replace(chain, cascade=tuple(replace(s, ctau=s.ctau * 3e-4) for s in chain.steps))
    longer = replace(chain, cascade=tuple(replace(s, ctau=s.ctau * 1e-2) for s in chain.steps))
    det = babar.BabarDetector()
    n = 20000
    sample = babar.chain_events(scaled, 1.2, n, np.random.default_rng(6), det)
    assert sample is not None
    mc = float(np.mean(sample.passes(longer)))
    rng = np.random.default_rng(7)
    production = gen.babar_production(1.2, 1e-3, n, rng, cos_window=det.cos_window)
    events = gen.assemble(production, [longer], rng)
    p = {**events.particles, **events.positions()}
    visible = (p["status"] == 1) & np.isin(np.abs(p["pdg"]), [11, 13, 15, PDG_HADRONIC_SYSTEM])
    points = np.stack([p["x"], p["y"], p["z"]], axis=-1)
    seen = visible & det.contains(points) & (p["e"] >= det.lepton_threshold)
    _, ids = _rows(events)
    record = 1.0 - float(np.mean(np.bincount(ids, weights=seen, minlength=n) > 0))
    assert 0.05 < record < 0.95
    sigma = math.sqrt(2 * record * (1 - record) / n)
    assert abs(mc - record) < 4 * sigma


def test_efficiency_of_general_chains_in_unit_interval() -> None:
    """η ∈ [0, 1] with its statistical error; → the invisible + long-lived share at tiny ε,
    falls at large ε (prompt visible decays)."""
    model = gen.SectorModel(heavy)
    m = 1.2
    chains = model(m, 1e-3)
    sampler = babar_sampler(model)
    samples = sampler(m, chains)
    eps = np.geomspace(1e-6, 0.3, 7)
    eta = efficiency(model, m, eps, samples)
    error = efficiency_error(model, m, eps, samples)
    assert np.all((eta >= 0) & (eta <= 1 + 1e-12))
    assert np.all((error >= 0) & (error < 0.02))
    assert eta[0] > 0.999
    assert eta[-1] < 0.5


def babar_sampler(model: gen.SectorModel):  # type: ignore[no-untyped-def]
    from functools import partial

    from nuportal.analysis.recast import chain_sampler

    return chain_sampler(
        partial(babar.chain_zones, detector=babar.BabarDetector()),
        partial(babar.chain_events, detector=babar.BabarDetector()),
        2000,
        1,
        model,
    )


#: iDM recast edges (m_A' = 0.02, 0.1, 0.3 GeV; 5000 samples, seed 1) from the code before the
#: general chains (commit 823a053): the fixed shapes must give them unchanged
IDM_BEFORE = {
    "babar": (
        [0.0009473208640340364, 0.0009518263107028471, 0.0010053873561161005],
        [0.22644131860951286, math.inf, 0.006362436158499834],
    ),
    "na64": (
        [6.184884443847033e-05, 0.0003463186299609023, 0.0016491911579822602],
        [math.inf, 0.047755292341865076, 0.008331593927466107],
    ),
}


@pytest.mark.data
@pytest.mark.parametrize(
    ("module", "key"),
    [(babar, "babar2017_monophoton_invisible"), (na64, "na64_2019_invisible")],
)
def test_inelastic_dm_recasts_unchanged(module: object, key: str, data_dir: Path) -> None:
    from nuportal.analysis.limits.curves import load_curve

    def idm(m: float, e: float) -> DarkSector:
        aprime = DarkPhoton.from_parameters(mass=m, epsilon=e, alpha_dark=0.1)
        return inelastic_dm(aprime, m1=m / 3, relative_splitting=0.4)

    curve = load_curve(key, data_dir)
    first = module.recast(  # type: ignore[attr-defined]
        gen.SectorModel(idm), curve, n_events=5000, seed=1, masses=[0.02, 0.1, 0.3]
    )[0]
    lower, upper = IDM_BEFORE["babar" if module is babar else "na64"]
    assert first.lower == pytest.approx(lower, rel=1e-12)
    assert first.upper == pytest.approx(upper, rel=1e-12)
