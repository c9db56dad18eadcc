"""Dark-photon events at BaBar and NA64 with the A' decay chain (nuportal.generator.darkphoton)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from nuportal.constants import PDG_DARK_FERMIONS, PDG_HADRONIC_SYSTEM
from nuportal.errors import NuportalError
from nuportal.generator import darkphoton as gen
from nuportal.generator.lorentz import boost
from nuportal.io import read_parquet, write_events
from nuportal.models.dark_sector import DarkPhoton, DarkSector, inelastic_dm
from nuportal.physics.darkphoton import production as prod
from nuportal.physics.darkphoton.table import chain_fractions, decay_chains, fermion_table

M_E = prod.M_ELECTRON


class ToyDecay:
    """ψ_j → ψ_k ℓ⁻ℓ⁺ with m²_ℓℓ uniform and a fixed orientation (the generator rotates it)."""

    def __init__(self, m_parent: float, m_daughter: float, m_lepton: float = M_E) -> None:
        self.big, self.m_k, self.m_l = m_parent, m_daughter, m_lepton

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        s = rng.uniform((2 * self.m_l) ** 2, (self.big - self.m_k) ** 2, n)
        return s, np.zeros(n)

    def momenta(self, s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        big, m_k = self.big, self.m_k
        p = np.sqrt((big**2 - (m_k + np.sqrt(s)) ** 2) * (big**2 - (m_k - np.sqrt(s)) ** 2))
        p /= 2 * big
        zero = np.zeros_like(s)
        k = np.stack([np.sqrt(p**2 + m_k**2), zero, zero, p], axis=-1)
        pair = np.stack([big - k[:, 0], zero, zero, -p], axis=-1)
        q = np.sqrt(s / 4 - self.m_l**2)
        half = np.sqrt(s) / 2
        l1 = boost(np.stack([half, q, zero, zero], axis=-1), pair)
        return k, l1, pair - l1


PSI1, PSI2 = PDG_DARK_FERMIONS[:2]


def toy_chains(ctau: float = 10.0, m1: float = 0.05, m2: float = 0.1) -> list[gen.Chain]:
    """A' → ψ1 (ψ2 → ψ1 e⁻e⁺) (BR 0.7), A' → ψ1 ψ1 (0.2), A' → e⁻e⁺ (0.1)."""
    return [
        gen.Chain(
            "A' -> psi1 (psi2 -> psi1 e- e+)",
            0.7,
            "semi-visible",
            (PSI1, PSI2, PSI1, 11, -11),
            (m1, m2, m1, M_E, M_E),
            ctau=ctau,
            decay=ToyDecay(m2, m1),
        ),
        gen.Chain("A' -> psi1 psi1", 0.2, "invisible", (PSI1, PSI1), (m1, m1)),
        gen.Chain("A' -> e- e+", 0.1, "visible", (11, -11), (M_E, M_E)),
    ]


@pytest.fixture(scope="module", params=["babar", "na64"])
def events(request: pytest.FixtureRequest) -> gen.Events:
    return gen.generate(request.param, 0.3, 1e-3, toy_chains(), 20000, seed=7)


@pytest.mark.parametrize("column", ["e", "px", "py", "pz"])
def test_energy_momentum_conserved(events: gen.Events, column: str) -> None:
    """Σ final − Σ initial (beams, target) per event, relative to the initial energy."""
    p = events.particles
    ids = np.repeat(np.arange(len(events)), events.multiplicity)
    initial = np.isin(p["status"], [4, 20])
    sign = np.where(initial, -1.0, np.where(p["status"] == 1, 1.0, 0.0))
    net = np.bincount(ids, weights=sign * p[column], minlength=len(events))
    energy = np.bincount(ids, weights=p["e"] * initial, minlength=len(events))
    assert np.max(np.abs(net) / energy) < 1e-9


def test_every_decayed_particle_balances(events: gen.Events) -> None:
    """Each status-2 particle's four-momentum is the sum of its daughters'."""
    p = events.particles
    start = np.repeat(events.offsets[:-1], events.multiplicity)
    mother_row = np.where(p["mother"] >= 0, start + p["mother"], -1)
    decayed = np.flatnonzero(p["status"] == 2)
    for column in ("e", "px", "py", "pz"):
        has_mother = mother_row >= 0
        sums = np.bincount(
            mother_row[has_mother],
            weights=p[column][has_mother] * np.isin(p["status"][has_mother], [1, 2]),
            minlength=len(p["pdg"]),
        )
        # beam-mothered rows are production products; check only the decays
        assert np.allclose(sums[decayed], p[column][decayed], rtol=1e-9, atol=1e-12)


def test_weights_sum_to_expected_events(events: gen.Events) -> None:
    expected = events.metadata["expected_events"]
    assert events.total_weight == pytest.approx(expected, rel=1e-12)
    assert np.all(events.event["weight"] > 0)


def test_chain_fractions_follow_branching_ratios(events: gen.Events) -> None:
    counts = np.bincount(events.event["process"], minlength=3) / len(events)
    expected = np.array([0.7, 0.2, 0.1])
    sigma = np.sqrt(expected * (1 - expected) / len(events))
    assert np.all(np.abs(counts - expected) < 4 * sigma)


def test_decay_lengths_are_exponential(events: gen.Events) -> None:
    """Lab flight distance / (βγ cτ) of ψ2 is Exp(1): mean 1 ± 4/√n, P(> 1) = 1/e."""
    semi = events.select(events.event["process"] == 0)
    p = semi.particles
    rows = semi.offsets[:-1] + (5 if semi.particles["pdg"][1] == -11 else 6)
    mom = np.stack([p[c][rows] for c in ("px", "py", "pz")], axis=-1)
    boost_factor = np.linalg.norm(mom, axis=-1) / 0.1
    start = np.stack([semi.event[f"vertex_{c}"] for c in "xyz"], axis=-1)
    end = np.stack([semi.event[f"decay_{c}"] for c in "xyz"], axis=-1)
    ratio = np.linalg.norm(end - start, axis=-1) / (boost_factor * 10.0)
    n = len(ratio)
    assert np.mean(ratio) == pytest.approx(1.0, abs=4 / math.sqrt(n))
    assert np.mean(ratio > 1) == pytest.approx(math.exp(-1), abs=4 * 0.48 / math.sqrt(n))
    # the decay vertex lies along the ψ2 direction
    along = np.sum((end - start) * mom, axis=-1) / np.linalg.norm(mom, axis=-1)
    assert np.allclose(along, np.linalg.norm(end - start, axis=-1), rtol=1e-9)


def test_same_seed_same_events() -> None:
    a = gen.generate("babar", 1.0, 1e-3, toy_chains(), 500, seed=3)
    b = gen.generate("babar", 1.0, 1e-3, toy_chains(), 500, seed=3)
    for key in a.particles:
        assert np.array_equal(a.particles[key], b.particles[key])


def test_babar_photon_window_and_boost() -> None:
    """Photon energy in the CM frame is (s − m²)/(2√s); cos θ* inside the window."""
    m = 2.0
    rng = np.random.default_rng(1)
    production = gen.babar_production(m, 1e-3, 5000, rng, cos_window=(-0.4, 0.6))
    photon = production.momenta[2]
    total = production.momenta[0] + production.momenta[1]
    back = total * np.array([1.0, -1.0, -1.0, -1.0])  # boost to the CM frame
    cm = boost(photon, back)
    root_s = math.sqrt(total[0, 0] ** 2 - total[0, 3] ** 2)
    assert np.allclose(cm[:, 0], (root_s**2 - m**2) / (2 * root_s), rtol=1e-12)
    cos = cm[:, 3] / cm[:, 0]
    assert cos.min() > -0.4
    assert cos.max() < 0.6


def test_babar_angular_distribution_matches_cross_section() -> None:
    """Histogram of cos θ* vs dσ/dcos θ* (χ² per bin, 20 bins)."""
    m, lo, hi, n = 1.0, -0.9, 0.9, 200000
    rng = np.random.default_rng(2)
    production = gen.babar_production(m, 1e-3, n, rng, cos_window=(lo, hi))
    total = production.momenta[0] + production.momenta[1]
    cm = boost(production.momenta[2], total * np.array([1.0, -1.0, -1.0, -1.0]))
    edges = np.linspace(lo, hi, 21)
    counts, _ = np.histogram(cm[:, 3] / cm[:, 0], edges)
    cdf = prod.radiative_cdf(m, edges, lo)
    expected = n * np.diff(cdf) / cdf[-1]
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    assert chi2 < 20 + 5 * math.sqrt(40)


def test_na64_x_distribution_matches_cross_section() -> None:
    """Events from a thin target (depth → 0: no energy loss) follow dσ/dx."""
    m, n = 0.05, 100000
    thin = prod.ShowerTarget(depth=0.02)
    rng = np.random.default_rng(4)
    production = gen.na64_production(m, 1e-3, n, rng, ecal=thin, bins=1)
    energy = production.energy[0]
    x = production.aprime[:, 0] / energy
    edges = np.array([50 / energy, 0.8, 0.9, 0.97, 0.99, 1 - thin.recoil_min / energy])
    counts, _ = np.histogram(x, edges)
    expected = np.array(
        [prod.sigma_brems(m, 1.0, energy, a, b) for a, b in itertools.pairwise(edges)]
    )
    expected *= n / expected.sum()
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    assert chi2 < 4 + 5 * math.sqrt(8)


@pytest.mark.parametrize("fmt", ["parquet", "hepmc3"])
def test_written_through_the_event_writers(tmp_path: Path, fmt: str) -> None:
    events = gen.generate("na64", 0.3, 1e-3, toy_chains(), 200, seed=5)
    path = tmp_path / f"events.{fmt}"
    write_events(events, path, fmt)
    assert path.stat().st_size > 0
    if fmt == "parquet":
        back = read_parquet(path)
        assert np.array_equal(back.particles["pdg"], events.particles["pdg"])
        assert back.total_weight == pytest.approx(events.total_weight, rel=1e-12)


def test_bad_input() -> None:
    with pytest.raises(NuportalError, match="experiment"):
        gen.generate("belle", 0.3, 1e-3, toy_chains(), 10, seed=1)
    with pytest.raises(NuportalError, match="threshold"):
        gen.generate("babar", 0.05, 1e-3, toy_chains(), 10, seed=1)
    with pytest.raises(NuportalError, match="kind"):
        gen.Chain("x", 0.5, "dark", (1, 2), (0.1, 0.1))
    with pytest.raises(NuportalError, match="three-body"):
        gen.Chain("x", 0.5, "semi-visible", (1, 2, 1, 11, -11), (0.05, 0.1, 0.05, M_E, M_E))


def idm(m_aprime: float, epsilon: float) -> DarkSector:
    """Inelastic DM with α_D = 0.1, m_1 = m_A'/3, 40 % splitting."""
    aprime = DarkPhoton.from_parameters(mass=m_aprime, epsilon=epsilon, alpha_dark=0.1)
    return inelastic_dm(aprime, m1=m_aprime / 3, relative_splitting=0.4)


def test_sector_chains_of_inelastic_dm() -> None:
    sector = idm(0.3, 1e-2)
    chains = gen.SectorModel(idm)(0.3, 1e-2)
    by_kind = {c.kind: c for c in chains}
    semi = by_kind["semi-visible"]
    assert semi.ctau == pytest.approx(fermion_table(sector, 1).ctau_cm, rel=1e-12)
    assert semi.pdgs == (PSI1, PSI2, PSI1, 11, -11)
    # every chain is simulated (hadronic A' decays as one hadronic system): BRs sum to 1
    fractions = chain_fractions(sector)
    hadrons = [c for c in chains if c.label == "Aprime -> hadrons"]
    assert hadrons[0].pdgs == (PDG_HADRONIC_SYSTEM,)
    assert hadrons[0].branching == pytest.approx(
        sum(c.branching_ratio for c in decay_chains(sector) if "hadrons" in c.steps[0]), rel=1e-12
    )
    total = sum(c.branching for c in chains)
    assert total == pytest.approx(sum(fractions.values()), rel=1e-12)
    assert total == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("experiment", ["babar", "na64"])
def test_inelastic_dm_events_conserve_and_decay_exponentially(experiment: str) -> None:
    chains = [c for c in gen.SectorModel(idm)(0.3, 1e-2) if c.kind == "semi-visible"]
    ev = gen.generate(experiment, 0.3, 1e-2, chains, 20000, seed=2)
    p = ev.particles
    ids = np.repeat(np.arange(len(ev)), ev.multiplicity)
    initial = np.isin(p["status"], [4, 20])
    sign = np.where(initial, -1.0, np.where(p["status"] == 1, 1.0, 0.0))
    energy = np.bincount(ids, weights=p["e"] * initial)
    for column in ("e", "px", "py", "pz"):
        assert np.max(np.abs(np.bincount(ids, weights=sign * p[column])) / energy) < 1e-9
    # ψ2 flight distance in units of βγcτ is Exp(1)
    row = ev.offsets[:-1] + (5 if experiment == "babar" else 6)
    mom = np.linalg.norm(np.stack([p[c][row] for c in ("px", "py", "pz")], axis=-1), axis=-1)
    start = np.stack([ev.event[f"vertex_{c}"] for c in "xyz"], axis=-1)
    end = np.stack([ev.event[f"decay_{c}"] for c in "xyz"], axis=-1)
    ratio = np.linalg.norm(end - start, axis=-1) / (mom / chains[0].masses[1] * chains[0].ctau)
    assert np.mean(ratio) == pytest.approx(1.0, abs=4 / math.sqrt(len(ev)))


IDM_ARGS = ["--sector", "iDM", "--set", "maprime=0.3", "--set", "epsilon=1e-2"]
IDM_ARGS += ["--set", "alphaD=0.1", "--set", "m1=0.1", "--set", "Delta=0.4"]


@pytest.mark.parametrize(("experiment", "fmt"), [("babar", "parquet"), ("na64", "hepmc3")])
def test_cli_generate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], experiment: str, fmt: str
) -> None:
    from nuportal.cli.main import main

    out = tmp_path / f"ev.{fmt}"
    argv = ["darkphoton", "generate", *IDM_ARGS, "--experiment", experiment]
    argv += ["--events", "300", "--format", fmt, "-o", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "semi-visible" in text
    assert out.stat().st_size > 0
    assert main(argv) == 2  # the file exists: refused without --overwrite
    assert "error" in capsys.readouterr().err
