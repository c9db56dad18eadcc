"""Reweighting generated events to new couplings at fixed masses.

The required validation: for the light-Z' benchmark family (arXiv:1807.09877) with the mixing
U_μ4 changed, the reweighted prediction — total and E_QE histogram after the MiniBooNE
response — agrees with a direct regeneration within the combined Monte Carlo error, at three
couplings spanning prompt (cτ = 0.01 cm), intermediate (1 m) and long-lived (1 km) N4
decays. One sample generated at the longest lifetime is reweighted to all three.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from nuportal.analysis.miniboone.response import histogram, reconstruct_pairs
from nuportal.analysis.miniboone.reweight import Reweighter, reweight
from nuportal.errors import NuportalError
from nuportal.generator.events import STATUS_FINAL, Events
from nuportal.generator.run import EventGenerator
from nuportal.models import benchmark_model
from nuportal.physics.decays.channels import decay_table
from nuportal.rates import upscattering_rates

pytestmark = pytest.mark.data

#: |U_μ4|² of the generated sample (cτ ≈ 1 m) and of the three targets
GENERATED = 7.65e-17
TARGETS = {"prompt": 7.65e-13, "intermediate": 7.65e-18, "long-lived": 7.65e-20}
EVENTS = 20_000
#: events of the reweighted sample: reweighting spreads its weights (max/mean ≈ 50 for the
#: intermediate target), and with 20k events some E_QE bins hold only 3–10 effective events,
#: where Σw² is too uncertain a variance for the χ² (its tails are then heavier than χ²'s)
SAMPLE_EVENTS = 100_000


def model(u2: float):
    return benchmark_model(Umu4=math.sqrt(u2), UD4=math.sqrt(1.0 - u2))


def generate(u2: float, seed: int, data_dir, events: int = EVENTS) -> Events:
    return EventGenerator(model(u2), seed=seed, data_dir=data_dir).generate(events)


@pytest.fixture(scope="module")
def sample(data_dir) -> Events:
    return generate(GENERATED, 5, data_dir, SAMPLE_EVENTS)


def _pairs(events: Events) -> tuple[np.ndarray, np.ndarray]:
    p = events.particles
    final = p["status"] == STATUS_FINAL
    p4 = np.stack([p["e"], p["px"], p["py"], p["pz"]], axis=1)
    minus, plus = p4[final & (p["pdg"] == 11)], p4[final & (p["pdg"] == -11)]
    assert len(minus) == len(plus) == len(events)
    return plus, minus


def _histogram(events: Events, seed: int, data_dir) -> tuple[np.ndarray, np.ndarray]:
    """MiniBooNE E_QE histogram, release binning (expected selected events, Σ w²)."""
    plus, minus = _pairs(events)
    decay = np.stack([events.event[f"decay_{a}"] for a in "xyz"], axis=1)
    reco = reconstruct_pairs(
        plus, minus, np.random.default_rng(seed), decay, events.event["weight"],
        data_dir=data_dir,
    )  # fmt: skip
    return histogram(reco.enu_qe, reco.weight)


def _compare(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple:
    (ha, va), (hb, vb) = a, b
    total_z = (ha.sum() - hb.sum()) / math.sqrt(va.sum() + vb.sum())
    used = (va + vb) > 0
    chi2 = float(np.sum((ha - hb)[used] ** 2 / (va + vb)[used]))
    return total_z, chi2, int(used.sum())


@pytest.mark.parametrize("name", list(TARGETS))
def test_reweighted_equals_regenerated(sample, data_dir, name) -> None:
    """Totals within 4σ of the combined MC error (two-sided p = 6e-5 for a fixed-seed test);
    E_QE bins by a χ² with the combined per-bin variances, p > 1e-3."""
    u2 = TARGETS[name]
    direct = generate(u2, 17, data_dir)
    result = reweight(sample, model(GENERATED), model(u2), np.random.default_rng(3))
    moved = result.apply(sample)
    # before the detector response: all events with the decay in the tank
    w_new, w_dir = moved.event["weight"], direct.event["weight"]
    z_all = (w_new.sum() - w_dir.sum()) / math.sqrt(np.sum(w_new**2) + np.sum(w_dir**2))
    assert abs(z_all) < 4
    total_z, chi2, dof = _compare(_histogram(moved, 8, data_dir), _histogram(direct, 9, data_dir))
    assert abs(total_z) < 4
    assert stats.chi2.sf(chi2, dof) > 1e-3
    # the reweighted sample has a useful precision (not a handful of events)
    assert result.effective_events > 1000
    assert result.effective_events == pytest.approx(w_new.sum() ** 2 / np.sum(w_new**2))


def test_same_model_gives_the_same_weights(sample) -> None:
    """The same couplings: P is recomputed with the same decay length (weights unchanged to
    rounding); the forced decay distance is redrawn inside the tank; the decay products move
    with the decay vertex, the primary particles stay."""
    m = model(GENERATED)
    result = reweight(sample, m, m, np.random.default_rng(1))
    np.testing.assert_allclose(result.weight, sample.event["weight"], rtol=1e-12)
    assert np.all(np.linalg.norm(result.decay, axis=1) <= 610.6 * (1 + 1e-12))
    moved = result.apply(sample)
    first = moved.offsets[:-1]
    for axis in "xyz":
        products = moved.positions()[axis][first + 4]
        np.testing.assert_array_equal(products, moved.event[f"decay_{axis}"])
        primary = moved.positions()[axis][first + 3]
        np.testing.assert_array_equal(primary, sample.positions()[axis][first + 3])


def test_production_rescaling_is_the_closed_form(sample) -> None:
    """Z and Z' exchange both couple ν_μ → N4 through U_μ4 |U_D4|² (unitarity,
    nuportal.models.model): production scales as [U²(1 − U²)]_new / [U²(1 − U²)]_old
    exactly, in every channel."""
    u_old, u_new = GENERATED, TARGETS["prompt"]
    factor = Reweighter(sample, model(u_old)).production(model(u_new))
    expected = (u_new * (1 - u_new)) / (u_old * (1 - u_old))
    np.testing.assert_allclose(factor, expected, rtol=1e-9)


def test_production_event_by_event_against_the_rate(data_dir) -> None:
    """Doubling ε is not a pure rescaling (the Z part stays; neutrons see mostly the Z): the
    ratio is evaluated event by event. Validated against the independent quadrature of
    :func:`nuportal.rates.upscattering_rates` for the new model: with the benchmark's prompt
    decays (P = 1 in the oil, 0 from the dirt) Σ w × factor must equal the oil rate ×
    BR(N4 → ν Z') × BR(Z' → e⁺e⁻) of the new model within 4σ of the MC error."""
    base = benchmark_model()
    events = EventGenerator(base, seed=2, data_dir=data_dir).generate(10_000)
    other = benchmark_model(epsilon=2 * base.parameters["epsilon"])
    factor = Reweighter(events, base).production(other)
    assert np.ptp(factor) > 0.1
    w = events.event["weight"] * factor
    rate = upscattering_rates(other, "miniboone_numode", roles=("detector",), data_dir=data_dir)
    expected = rate.total * decay_table(other, "N4").branching_ratio("nu_mu Zprime")
    expected *= decay_table(other, "Zprime").branching_ratio("e- e+")
    assert abs(w.sum() - expected) < 4 * np.sqrt(np.sum(w**2))
    assert w.sum() == pytest.approx(4 * events.total_weight, rel=0.05)  # Z' dominates


def test_refused_changes(sample) -> None:
    m = model(GENERATED)
    rng = np.random.default_rng(0)
    with pytest.raises(NuportalError, match="same particles, masses"):
        reweight(sample, m, benchmark_model(m4=0.5), rng)
    with pytest.raises(NuportalError, match="same particles, masses"):
        reweight(sample, m, benchmark_model(fermion="majorana"), rng)
    with pytest.raises(NuportalError, match="not with the model given"):
        reweight(sample, benchmark_model(), m, rng)
    eps = benchmark_model().parameters["epsilon"]
    other = benchmark_model(Umu4=math.sqrt(GENERATED), UD4=math.sqrt(1 - GENERATED),
                            epsilon=2 * eps)  # fmt: skip
    with pytest.raises(NuportalError, match="change the decay distribution"):
        reweight(sample, m, other, rng)


def test_dipole_family_photons(data_dir) -> None:
    """Transition magnetic moment (N4 → ν γ): production (photon exchange) and the width
    both scale as μ²; from μ = 1e-6 to 3e-6 GeV⁻¹ (cτ 15 cm → 1.7 cm) the reweighted total
    and the E_QE histogram of single photons agree with a regeneration (4σ; χ² p > 1e-3)."""
    from nuportal.analysis.miniboone.response import reconstruct_showers

    old, new = benchmark_model("dipole"), benchmark_model("dipole", mu_tr_mu4=3e-6)
    sample = EventGenerator(old, final_state="photon", seed=21, data_dir=data_dir).generate(8000)
    direct = EventGenerator(new, final_state="photon", seed=22, data_dir=data_dir).generate(8000)
    moved = reweight(sample, old, new, np.random.default_rng(4)).apply(sample)
    histograms = []
    for k, events in enumerate((moved, direct)):
        p = events.particles
        photon = (p["pdg"] == 22) & (p["status"] == STATUS_FINAL)
        p4 = np.stack([p["e"], p["px"], p["py"], p["pz"]], axis=1)[photon]
        decay = np.stack([events.event[f"decay_{a}"] for a in "xyz"], axis=1)
        reco = reconstruct_showers(p4, np.random.default_rng(30 + k), decay,
                                   events.event["weight"], data_dir=data_dir)  # fmt: skip
        histograms.append(histogram(reco.enu_qe, reco.weight))
    total_z, chi2, dof = _compare(*histograms)
    assert abs(total_z) < 4
    assert stats.chi2.sf(chi2, dof) > 1e-3


def test_free_decays(data_dir) -> None:
    """Unforced decays: the weight holds no decay probability, so it scales by production ×
    BR only, and the new decay distances are exponential with the new mean (p/m) cτ_new:
    ⟨d/ℓ⟩ = 1 and ⟨(d/ℓ)²⟩ = 2 within 5σ."""
    old, new = model(GENERATED), model(TARGETS["intermediate"])
    gen = EventGenerator(old, seed=6, forced=False, roles=("detector",), data_dir=data_dir)
    events = gen.generate(4000)
    result = reweight(events, old, new, np.random.default_rng(2))
    factor = result.weight / events.event["weight"]
    br = [decay_table(m, "N4").branching_ratio("nu_mu Zprime") for m in (old, new)]
    expected = (
        TARGETS["intermediate"] * (1 - TARGETS["intermediate"]) / (GENERATED * (1 - GENERATED))
    )
    np.testing.assert_allclose(factor, expected * br[1] / br[0], rtol=1e-9)
    first = events.offsets[:-1]
    p = np.stack([events.particles[k][first + 3] for k in ("px", "py", "pz")], axis=1)
    length = np.linalg.norm(p, axis=1) / new.heavy[0].mass * decay_table(new, "N4").ctau_cm
    vertex = np.stack([events.event[f"vertex_{a}"] for a in "xyz"], axis=1)
    x = np.linalg.norm(result.decay - vertex, axis=1) / length
    n = len(x)
    assert abs(x.mean() - 1) < 5 / np.sqrt(n)
    assert abs((x**2).mean() - 2) < 5 * np.sqrt(20 / n)  # Var(x²) = 24 - 4 = 20


def _displaced(model_, seed: int, data_dir, roles=("detector",), n: int = 4000) -> Events:
    return EventGenerator(
        model_, "miniboone_numode", seed=seed, flavours=[14], roles=roles, data_dir=data_dir
    ).generate(n)


def _pair_histogram(events: Events, seed: int, data_dir) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_histogram`, with the fiducial cut on the e⁻ production vertex (for a
    cascade, where the mediator decays)."""
    p = events.particles
    minus = (p["status"] == STATUS_FINAL) & (p["pdg"] == 11)
    vertex = np.stack([events.positions()[a][minus] for a in "xyz"], axis=1)
    plus, electrons = _pairs(events)
    reco = reconstruct_pairs(
        plus, electrons, np.random.default_rng(seed), vertex, events.event["weight"],
        data_dir=data_dir,
    )  # fmt: skip
    return histogram(reco.enu_qe, reco.weight)


def test_displaced_mediator_reweighted_equals_regenerated(data_dir) -> None:
    """A long-lived Z' (ε = 1.6e-6: the generator forces the Z' decay into the tank and lets
    N decay freely) made in the tank: reweighted to |U_μ4| × 3 (production × 9, N 9× shorter-
    lived; ε cannot change: it changes the N → ν Z' distribution), it agrees with a regeneration
    — totals within 4σ of the combined MC error, E_QE after the response with the fiducial
    cut on the pair vertex by χ² (p > 1e-3)."""
    old = benchmark_model(epsilon=1.6e-6)
    u = 3 * old.parameters["Umu4"]
    new = benchmark_model(epsilon=1.6e-6, Umu4=u, UD4=math.sqrt(1 - u**2))
    events = _displaced(old, 2, data_dir)
    direct = _displaced(new, 5, data_dir)
    assert (
        events.metadata["displaced_mediator_modes"] == direct.metadata["displaced_mediator_modes"]
    )
    assert events.metadata["displaced_mediator_modes"]
    result = reweight(events, old, new, np.random.default_rng(4))
    moved = result.apply(events)
    w_new, w_dir = moved.event["weight"], direct.event["weight"]
    z_all = (w_new.sum() - w_dir.sum()) / math.sqrt(np.sum(w_new**2) + np.sum(w_dir**2))
    assert abs(z_all) < 4
    a, b = _pair_histogram(moved, 8, data_dir), _pair_histogram(direct, 9, data_dir)
    total_z, chi2, dof = _compare(a, b)
    assert abs(total_z) < 4
    assert stats.chi2.sf(chi2, dof) > 1e-3
    # the pair is made where the Z' decays: inside the tank, away from the N decay point
    assert np.all(np.linalg.norm(result.visible, axis=1) <= 610.6 * (1 + 1e-12))
    assert np.median(np.linalg.norm(result.visible - result.decay, axis=1)) > 1.0


def test_displaced_mediator_from_the_dirt_is_refused(data_dir) -> None:
    """N made upstream of the tank whose Z' missed it were not written: such a sample does
    not hold the events other couplings need, and reweighting refuses it."""
    slow = benchmark_model(epsilon=1.6e-6)
    events = _displaced(slow, 2, data_dir, roles=("detector", "dirt"), n=500)
    assert events.metadata["displaced_mediator_modes"]
    with pytest.raises(NuportalError, match="outside the decay volume"):
        reweight(events, slow, slow, np.random.default_rng(0))
