"""Recasts of the BaBar mono-photon and NA64 missing-energy limits (nuportal.analysis.recast)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from test_darkphoton_events import M_E, PSI1, PSI2, ToyDecay

from nuportal.analysis.limits.curves import load_curve
from nuportal.analysis.recast import (
    Zones,
    babar,
    efficiency,
    excluded_intervals,
    na64,
    pass_probability,
    sampled_pass,
)
from nuportal.generator.darkphoton import Chain
from nuportal.physics.darkphoton.production import yield_per_electron

EPS_REF = 1e-3


class ToyModel:
    """A' → ψ1 (ψ2 → ψ1 e⁺e⁻) with BR ``semi`` and the rest invisible; cτ(ψ2) ∝ 1/ε²."""

    def __init__(self, ctau_ref: float, semi: float = 1.0, visible: float = 0.0) -> None:
        self.ctau_ref, self.semi, self.visible = ctau_ref, semi, visible

    def __call__(self, m_aprime: float, epsilon: float) -> Sequence[Chain]:
        m2 = 0.6 * m_aprime
        m1 = 0.3 * m_aprime
        semi = Chain(
            "A' -> psi1 (psi2 -> psi1 e- e+)",
            self.semi,
            "semi-visible",
            (PSI1, PSI2, PSI1, 11, -11),
            (m1, m2, m1, M_E, M_E),
            ctau=self.ctau_ref * (EPS_REF / epsilon) ** 2,
            decay=ToyDecay(m2, m1),
        )
        rest = 1.0 - self.semi - self.visible
        return [
            semi,
            Chain("A' -> psi1 psi1", rest, "invisible", (PSI1, PSI1), (m1, m1)),
            Chain("A' -> e- e+", self.visible, "visible", (11, -11), (M_E, M_E)),
        ]


def _zones(experiment: str, m: float = 0.3, n: int = 20000, **detector: object) -> Zones:
    chain = ToyModel(1.0)(m, EPS_REF)[0]
    rng = np.random.default_rng(11)
    if experiment == "babar":
        zones = babar.chain_zones(chain, m, n, rng, babar.BabarDetector(**detector))  # type: ignore[arg-type]
    else:
        zones = na64.chain_zones(chain, m, n, rng, na64.NA64Detector(**detector))  # type: ignore[arg-type]
    assert zones is not None
    return zones


CASES = [("babar", {}), ("na64", {}), ("na64", {"modified": True})]


@pytest.mark.parametrize(("experiment", "detector"), CASES)
@pytest.mark.parametrize("ctau", [0.3, 30.0, 3000.0])
def test_monte_carlo_agrees_with_analytic_integral(
    experiment: str, detector: dict, ctau: float
) -> None:
    zones = _zones(experiment, **detector)
    analytic = float(np.mean(pass_probability(zones, ctau)))
    mc = sampled_pass(zones, ctau, np.random.default_rng(5))
    sigma = math.sqrt(max(analytic * (1 - analytic), 1e-12) / len(mc))
    assert abs(mc.mean() - analytic) < 4 * sigma + 1e-12


@pytest.mark.parametrize(("experiment", "detector"), CASES)
def test_probabilities_in_unit_interval_and_monotonic(experiment: str, detector: dict) -> None:
    zones = _zones(experiment, **detector)
    ctaus = np.geomspace(1e-4, 1e6, 41)
    eff = np.array([np.mean(pass_probability(zones, c)) for c in ctaus])
    assert np.all((eff >= 0) & (eff <= 1))
    per_event = np.array([pass_probability(zones, c) for c in ctaus])
    assert np.all((per_event >= 0) & (per_event <= 1 + 1e-12))
    if not detector.get("modified"):
        # only "decay beyond the detector" passes (leptons are above threshold): η rises with cτ
        assert np.all(np.diff(eff) >= 0)
        assert eff[0] < 1e-6
        assert eff[-1] > 0.99


def test_babar_exit_distance_of_a_cylinder() -> None:
    det = babar.BabarDetector(radius=80.0, z_forward=170.0, z_backward=100.0)
    theta = np.array([math.pi / 2, 0.0, math.pi, 0.3, 2.5])
    direction = np.stack([np.sin(theta), np.zeros(5), np.cos(theta)], axis=1)
    expected = [
        80.0,
        170.0,
        100.0,
        min(80 / math.sin(0.3), 170 / math.cos(0.3)),
        100 / -math.cos(2.5),
    ]
    assert det.exit_distance(direction) == pytest.approx(expected, rel=1e-12)


def test_soft_leptons_stay_invisible() -> None:
    """With a lepton threshold above the beam energy every decay looks invisible."""
    zones = _zones("babar", lepton_threshold=20.0)
    assert np.mean(pass_probability(zones, 1e-6)) == pytest.approx(1.0, abs=1e-12)


def test_excluded_interval_closed_form() -> None:
    """ε² η with η = exp(−ε²/a²): excluded where ε² exp(−ε²/a²) ≥ T (Lambert-W edges)."""
    from scipy.special import lambertw

    a, target = 1e-2, 1e-6

    def signal(eps: np.ndarray) -> np.ndarray:
        return eps**2 * np.exp(-(eps**2) / a**2)

    ((lower, upper),) = excluded_intervals(signal, target)
    # bisection precision: grid step ln(0.3/1e-7)/60 halved 25 times ≈ 7e-9
    z = -target / a**2
    lo = math.sqrt(-(a**2) * lambertw(z, 0).real)
    hi = math.sqrt(-(a**2) * lambertw(z, -1).real)
    assert lower == pytest.approx(lo, rel=1.5e-8)
    assert upper == pytest.approx(hi, rel=1.5e-8)
    assert excluded_intervals(signal, 1.0) == []


def test_invisible_model_reproduces_published_limit() -> None:
    model = ToyModel(1.0, semi=0.0)
    masses = np.array([0.1, 0.5, 2.0])
    eps_pub = np.array([1e-3, 2e-3, 5e-4])
    lower, upper = babar_rescaled(model, masses, eps_pub)
    assert lower == pytest.approx(eps_pub, rel=1e-12)
    assert np.all(np.isinf(upper))


def babar_rescaled(model: ToyModel, masses: np.ndarray, eps_pub: np.ndarray):  # type: ignore[no-untyped-def]
    from nuportal.analysis.recast import excluded_band

    rng = np.random.default_rng(3)

    def sampler(m: float, chains: Sequence[Chain]) -> list[Zones | None]:
        return [babar.chain_zones(c, m, 5000, rng) for c in chains]

    lower, upper = excluded_band(model, masses, eps_pub**2, sampler)
    return lower[:, 0], upper[:, 0]


def test_prompt_visible_model_gives_no_limit() -> None:
    """cτ → 0 and leptons above threshold: nothing looks invisible, no exclusion."""
    for model in (ToyModel(1e-12), ToyModel(1.0, semi=0.0, visible=1.0)):
        lower, upper = babar_rescaled(model, np.array([0.5]), np.array([1e-3]))
        assert np.isinf(lower[0])
        assert np.isinf(upper[0])


@pytest.mark.parametrize("semi", [1.0, 0.8])
def test_self_consistent_edges(semi: float) -> None:
    """At the returned edges ε² η(ε) = ε²_pub, with η evaluated at that ε (cτ ∝ 1/ε²)."""
    model = ToyModel(ctau_ref=500.0, semi=semi)
    m, eps_pub = 0.5, 1e-3
    rng = np.random.default_rng(3)
    samples = [babar.chain_zones(c, m, 5000, rng) for c in model(m, eps_pub)]
    ((lower, upper),) = excluded_intervals(
        lambda e: e**2 * efficiency(model, m, e, samples), eps_pub**2
    )
    edges = [lower, upper] if semi == 1.0 else [lower]
    for edge in edges:
        value = edge**2 * efficiency(model, m, np.array([edge]), samples)[0]
        assert value == pytest.approx(eps_pub**2, rel=1e-6)
    if semi == 1.0:  # short lifetimes at large ε: the exclusion closes
        assert eps_pub < lower < upper < 0.3
    else:  # the invisible 20 % alone excludes ε > ε_pub/√0.2 at any ε
        assert eps_pub < lower < eps_pub / math.sqrt(0.2)
        assert math.isinf(upper)


def test_na64_reach_of_invisible_chain_closed_form() -> None:
    """η = 1: N = EOT Y ε² ≥ 2.3 gives ε = √(2.3/(EOT Y))."""
    model = ToyModel(1.0, semi=0.0)
    m = 0.05
    lower, upper = na64.reach(model, [m], 9.37e11, signal_efficiency=0.7, n_events=100)
    expected = math.sqrt(2.3 / (9.37e11 * 0.7 * yield_per_electron(m, 1.0)))
    assert lower.shape == (1, 1)
    assert lower[0, 0] == pytest.approx(expected, rel=1e-12)
    assert np.isinf(upper[0, 0])


def test_modified_search_covers_prompt_semi_visible() -> None:
    """Short-lived ψ2: the published search sees nothing invisible, the modified one (decays
    inside the ECAL accepted) keeps the events with enough missing energy."""
    model = ToyModel(1e-6)
    m = 0.05
    rng = np.random.default_rng(9)
    chain = model(m, EPS_REF)[0]
    published = na64.chain_zones(chain, m, 5000, rng)
    modified = na64.chain_zones(chain, m, 5000, rng, na64.NA64Detector(modified=True))
    assert published is not None
    assert modified is not None
    assert np.mean(pass_probability(published, chain.ctau)) == 0.0
    accepted = float(np.mean(pass_probability(modified, chain.ctau)))
    assert 0.1 < accepted <= 1.0
    lower, _ = na64.reach(model, [m], 2.84e11, n_events=5000)
    assert np.isfinite(lower[0, 0])


@pytest.mark.data
@pytest.mark.parametrize(
    ("module", "key"),
    [(babar, "babar2017_monophoton_invisible"), (na64, "na64_2019_invisible")],
)
def test_published_curves_recast(module: object, key: str, data_dir: Path) -> None:
    curve = load_curve(key, data_dir)
    usable = np.flatnonzero(curve.valid & (curve.mass > 0.02) & (curve.mass < 1.0))
    pick = usable[:: max(1, len(usable) // 6)]  # the toy chain needs m_A' > 2 MeV / 0.3
    short = replace(curve, mass=curve.mass[pick], lower=curve.lower[pick],
                    upper=curve.upper[pick], valid=curve.valid[pick])  # fmt: skip
    (invisible,) = module.recast(ToyModel(1.0, semi=0.0), short, n_events=200)  # type: ignore[attr-defined]
    assert np.all(invisible.valid)
    assert invisible.lower == pytest.approx(short.lower, rel=1e-12)
    (visible,) = module.recast(ToyModel(1e-12), short, n_events=500)  # type: ignore[attr-defined]
    assert not np.any(visible.valid)


@pytest.mark.data
def test_calibrated_reach_reproduces_published_na64(data_dir: Path) -> None:
    """With the efficiency implied by the 2019 curve, an invisible A' at 2.84e11 EOT gives
    back the published limit; at 9.37e11 EOT it improves by √(9.37/2.84)."""
    curve = load_curve("na64_2019_invisible", data_dir)
    masses = np.array([0.005, 0.05, 0.3])
    eff = na64.calibrated_efficiency(curve, masses, na64.EOT_2019)
    assert np.all((eff > 0.3) & (eff <= 1))
    model = ToyModel(1.0, semi=0.0)
    lower, _ = na64.reach(model, masses, na64.EOT_2019, signal_efficiency=eff, n_events=10)
    assert lower[:, 0] == pytest.approx(curve.evaluate(masses).lower, rel=1e-12)
    more, _ = na64.reach(model, masses, na64.EOT_2023, signal_efficiency=eff, n_events=10)
    assert more == pytest.approx(lower * math.sqrt(na64.EOT_2019 / na64.EOT_2023), rel=1e-12)


def test_recast_on_chosen_masses() -> None:
    from nuportal.analysis.limits.curves import LimitCurve

    curve = LimitCurve(
        key="toy", label="toy", experiment="toy", arxiv="", cl="90%", kind="upper",
        category="invisible", channel="invisible", mass=np.array([0.01, 1.0]),
        lower=np.array([1e-4, 1e-2]), upper=np.full(2, np.inf), valid=np.ones(2, bool),
    )  # fmt: skip
    (out,) = babar.recast(ToyModel(1.0, semi=0.0), curve, n_events=10, masses=[0.05, 0.1, 0.5])
    assert out.mass.tolist() == [0.05, 0.1, 0.5]
    assert out.lower == pytest.approx(np.array([0.05, 0.1, 0.5]) * 1e-2, rel=1e-12)  # ε ∝ m
    assert out.kind == "band"


def test_two_excluded_regions_when_soft_leptons_set_a_floor() -> None:
    """η = f + (1 − f) exp(−ε²/a²): excluded near ε_pub, not in between, again above
    ε_pub/√f; both intervals found, edges from the closed form at the large-ε end."""
    f, a, target = 1e-3, 2e-3, 1e-6

    def signal(eps: np.ndarray) -> np.ndarray:
        return eps**2 * (f + (1 - f) * np.exp(-(eps**2) / a**2))

    (lo1, hi1), (lo2, hi2) = excluded_intervals(signal, target)
    assert lo1 < hi1 < lo2
    assert math.isinf(hi2)
    assert lo2 == pytest.approx(math.sqrt(target / f), rel=1e-6)  # exp(−ε²/a²) ≈ 0 there
    for edge in (lo1, hi1, lo2):
        assert signal(np.array([edge]))[0] == pytest.approx(target, rel=1e-8)


def test_generated_babar_events_agree_with_analytic_efficiency() -> None:
    """End to end: the fraction of generated events (displaced vertices from the generator)
    that look invisible equals the analytic η of independent kinematics within 4σ."""
    from nuportal.generator.darkphoton import assemble, babar_production

    m, n = 0.5, 40000
    chain = replace(ToyModel(1.0)(m, EPS_REF)[0], ctau=40.0)
    det = babar.BabarDetector()
    rng = np.random.default_rng(21)
    production = babar_production(m, EPS_REF, n, rng, cos_window=det.cos_window)
    events = assemble(production, [chain], rng)
    vertex = np.stack([events.event[f"decay_{c}"] for c in "xyz"], axis=-1)
    outside = (np.hypot(vertex[:, 0], vertex[:, 1]) > det.radius) | (
        (vertex[:, 2] > det.z_forward) | (vertex[:, 2] < -det.z_backward)
    )
    energy = events.particles["e"].reshape(n, -1)
    soft = (energy[:, -2] < det.lepton_threshold) & (energy[:, -1] < det.lepton_threshold)
    mc = float(np.mean(outside | soft))
    zones = babar.chain_zones(chain, m, n, np.random.default_rng(22), det)
    assert zones is not None
    analytic = float(np.mean(pass_probability(zones, chain.ctau)))
    sigma = math.sqrt(2 * analytic * (1 - analytic) / n)  # two independent samples
    assert 0.05 < analytic < 0.95
    assert abs(mc - analytic) < 4 * sigma


def test_recast_curves_split_published_region_and_floor() -> None:
    """η = f + (1 − f) exp(−(ε/a)²) with f = 1e-3, a = 1e-2 (one soft event in 1000, ψ2
    at distance 1 cm with βγ = 1): at ε_pub = 3e-3 the published region survives up to
    ~2e-2 and a floor region starts at ε_pub/√f; at ε_pub = 8e-3 only the floor remains,
    which goes to the second curve."""
    from nuportal.analysis.limits.curves import LimitCurve
    from nuportal.analysis.recast import recast_curve

    n = 1000
    soft = np.zeros(n, bool)
    soft[0] = True
    zones = Zones(
        np.stack([np.zeros(n), np.ones(n), np.full(n, np.inf)], axis=1),
        np.stack([soft, np.ones(n, bool)], axis=1),
        np.ones(n),
    )
    curve = LimitCurve(
        key="toy", label="toy", experiment="toy", arxiv="", cl="90%", kind="upper",
        category="invisible", channel="invisible", mass=np.array([0.1, 0.2]),
        lower=np.array([3e-3, 8e-3]), upper=np.full(2, np.inf), valid=np.ones(2, bool),
    )  # fmt: skip
    first, floor = recast_curve(ToyModel(100.0), curve, lambda m, chains: [zones, None, None])
    assert first.valid.tolist() == [True, False]
    f = 1e-3

    def signal(eps: float) -> float:
        return eps**2 * (f + (1 - f) * math.exp(-((eps / 1e-2) ** 2)))

    assert signal(first.lower[0]) == pytest.approx(9e-6, rel=1e-8)
    assert signal(first.upper[0]) == pytest.approx(9e-6, rel=1e-8)
    assert 0.015 < first.upper[0] < 0.025
    assert floor.valid.tolist() == [True, True]
    expected = np.array([3e-3, 8e-3]) / math.sqrt(f)  # exp(−(ε/a)²) ≈ 0 there
    assert floor.lower == pytest.approx(expected, rel=1e-3)
    assert np.all(np.isinf(floor.upper))


@pytest.mark.parametrize("modified", [False, True])
def test_generated_na64_events_agree_with_analytic_efficiency(modified: bool) -> None:
    """End to end for NA64: decay z of generated events beyond the HCAL (or, modified, inside
    the ECAL with E_ECAL = E₀ − E_ψ1 − E_ψk below the cut) vs the analytic η, within 4σ."""
    from nuportal.generator.darkphoton import assemble, na64_production

    m, n = 0.1, 40000
    chain = replace(ToyModel(1.0)(m, EPS_REF)[0], ctau=3.0 if modified else 1.0)
    det = na64.NA64Detector(modified=modified)
    rng = np.random.default_rng(31)
    production = na64_production(m, EPS_REF, n, rng)
    events = assemble(production, [chain], rng)
    z = events.event["decay_z"]
    energy = events.particles["e"].reshape(n, -1)  # rows: e, Z, e', Z', A', ψ1, ψ2, ψ1, ℓ, ℓ
    e_ecal = det.beam_energy - energy[:, 5] - energy[:, 7]
    passing = z > det.hcal_end
    if modified:
        passing |= (z < det.ecal_end) & (e_ecal < det.energy_cut)
    zones = na64.chain_zones(chain, m, n, np.random.default_rng(32), det)
    assert zones is not None
    analytic = float(np.mean(pass_probability(zones, chain.ctau)))
    sigma = math.sqrt(2 * analytic * (1 - analytic) / n)
    assert 0.05 < analytic < 0.95
    assert abs(float(np.mean(passing)) - analytic) < 4 * sigma
