"""NA64 missing-energy search (arXiv:1906.00176, arXiv:2307.02404) recast for semi-visible
dark photons, and the reach of a modified search that accepts decays inside the ECAL.

NA64 sends 100 GeV electrons into an active lead calorimeter (ECAL) followed by a veto and
hadron calorimeters (HCAL) and selects events with E_ECAL < 50 GeV and nothing in the veto
and HCAL. In A' → ψ_i (ψ_j → ψ_k ℓ⁺ℓ⁻) the ψ_j flies from the production point in the
ECAL; along its straight path (zones of :mod:`nuportal.analysis.recast`, planes
perpendicular to the beam, transverse extent taken as unlimited: the products of a
> 50 GeV ψ_j are within mrad of the axis):

* [0, s_ECAL): decay inside the ECAL. The published search rejects it (the displaced
  shower spoils the single-shower shape and adds energy); the **modified search** of
  arXiv:2302.05410 accepts it if E_ECAL = E₀ − E_ψi − E_ψk (everything but the two
  invisible fermions is absorbed) stays below the cut.
* [s_ECAL, s_end): decay between the ECAL and the end of the HCAL: the pair is seen.
* [s_end, ∞): decay beyond the HCAL: the event looks invisible (both searches).

General chains (:func:`chain_events`, Monte Carlo events): each visible final product (e,
μ, τ, hadronic system) is judged by the zone of its production point (z): in the ECAL it
deposits its energy there (published search: rejected; modified search: accepted if
E_ECAL = E₀ − E_A' + Σ E of the visible products made in the ECAL stays below the cut,
which for the fixed shape is E₀ − E_ψi − E_ψk), between the ECAL and the end of the HCAL
it is seen, beyond it it is not.

Default zones (distances in cm from the ECAL front face; *unverified* — the data README
lists them as not found in stored pages, "check sec. II of arXiv:1710.00971"): ECAL 45 cm
(40 X₀ Pb–Sc shashlik, 150 layers of 1.5 mm Pb + 1.5 mm Sc as commonly quoted), veto and
four HCAL modules (≈ 7.5 λ_int each, ≈ 1.4 m of Fe–Sc) ending 650 cm downstream.
Exposures: 2.84e11 electrons on target (2016–2018, arXiv:1906.00176) and 9.37e11
(2016–2022, arXiv:2307.02404), both from the data README; cut E_ECAL < 50 GeV
(arXiv:1906.00176). Production: :func:`~nuportal.generator.darkphoton.na64_production`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
from numpy.typing import ArrayLike

from nuportal.analysis.limits.curves import LimitCurve
from nuportal.analysis.recast import (
    CascadeSample,
    ChainModel,
    Zones,
    chain_sampler,
    excluded_band,
    recast_curve,
    visible_rows,
)
from nuportal.errors import NuportalError
from nuportal.generator.darkphoton import Chain, Production, decay_chain, na64_production
from nuportal.physics.darkphoton.production import NA64_ECAL, ShowerTarget, yield_per_electron

#: signal events of a 90 % CL upper limit with no observed event and no background
N90 = 2.3
#: electrons on target of the 2016–2018 (arXiv:1906.00176) and 2016–2022 (arXiv:2307.02404) data
EOT_2019 = 2.84e11
EOT_2023 = 9.37e11


@dataclass(frozen=True)
class NA64Detector:
    """Zones and cuts of the NA64 recast (cm from the ECAL front, GeV; module docstring).

    Attributes
    ----------
    ecal_end : float
        Downstream face of the ECAL (45 cm).
    hcal_end : float
        Downstream end of the last HCAL module (650 cm).
    beam_energy : float
        E₀ (100 GeV).
    energy_cut : float
        E_ECAL must be below this (50 GeV); the A' is produced with E > E₀ − cut.
    modified : bool
        Accept ψ_j decays inside the ECAL whose energy keeps E_ECAL below the cut.
    ecal : ShowerTarget
        The active target (material, depth in X₀, X₀ in cm, recoil threshold).
    """

    ecal_end: float = 45.0
    hcal_end: float = 650.0
    beam_energy: float = 100.0
    energy_cut: float = 50.0
    modified: bool = False
    ecal: ShowerTarget = field(default=NA64_ECAL)

    def __post_init__(self) -> None:
        if not 0 < self.ecal_end < self.hcal_end:
            raise NuportalError("need 0 < ecal_end < hcal_end (cm)")
        if not 0 < self.energy_cut < self.beam_energy:
            raise NuportalError("need 0 < energy_cut < beam_energy (GeV)")


def chain_zones(
    chain: Chain,
    m_aprime: float,
    n: int,
    rng: np.random.Generator,
    detector: NA64Detector = NA64Detector(),
) -> Zones | None:
    """Zones of ``n`` sampled events of a semi-visible ``chain`` of the fixed shape (None for
    other chains; general chains: :func:`chain_events`)."""
    if chain.kind != "semi-visible" or chain.cascade:
        return None
    production = _production(m_aprime, n, rng, detector)
    decay = decay_chain(production.aprime, production.vertex, replace(chain, ctau=1.0), rng)
    psi_i, psi_j, psi_k = decay.momenta[0], decay.momenta[1], decay.momenta[2]
    p_abs = np.linalg.norm(psi_j[:, 1:], axis=-1)
    cos = psi_j[:, 3] / p_abs
    z0 = production.vertex[:, 2]
    with np.errstate(divide="ignore"):
        s_ecal = np.where(cos > 0, (detector.ecal_end - z0) / cos, np.inf)
        s_end = np.where(cos > 0, (detector.hcal_end - z0) / cos, np.inf)
    e_ecal = detector.beam_energy - psi_i[:, 0] - psi_k[:, 0]
    in_ecal = detector.modified & (e_ecal < detector.energy_cut)
    edges = np.stack([np.zeros(n), s_ecal, s_end, np.full(n, np.inf)], axis=1)
    passes = np.stack([in_ecal, np.zeros(n, bool), np.ones(n, bool)], axis=1)
    return Zones(edges, passes, p_abs / chain.masses[1])


def _production(
    m_aprime: float, n: int, rng: np.random.Generator, detector: NA64Detector
) -> Production:
    return na64_production(
        m_aprime,
        1.0,
        n,
        rng,
        detector.beam_energy,
        detector.beam_energy - detector.energy_cut,
        detector.ecal,
        electrons_on_target=1.0,
    )


def chain_events(
    chain: Chain,
    m_aprime: float,
    n: int,
    rng: np.random.Generator,
    detector: NA64Detector = NA64Detector(),
) -> CascadeSample | None:
    """Monte Carlo events of ``chain`` (any shape) for its pass probability (module
    docstring); None for chains without a visible product or without a dark fermion."""
    rows = visible_rows(chain)
    if chain.kind != "semi-visible" or not rows:
        return None
    production = _production(m_aprime, n, rng, detector)
    decay = decay_chain(production.aprime, production.vertex, chain, rng)
    energies = np.stack([decay.momenta[r][:, 0] for r in rows], axis=1)
    missing = detector.beam_energy - production.aprime[:, 0]

    def judge(points: np.ndarray) -> np.ndarray:
        in_ecal = points[..., 2] < detector.ecal_end
        seen = points[..., 2] < detector.hcal_end
        if not detector.modified:
            return ~np.any(seen, axis=1)
        e_ecal = missing + np.sum(energies * in_ecal, axis=1)
        return ~np.any(seen & ~in_ecal, axis=1) & (e_ecal < detector.energy_cut)

    return CascadeSample(production.vertex, tuple(decay.flights), rows, judge)


def _sampler(detector: NA64Detector, n_events: int, seed: int, model: ChainModel):  # type: ignore[no-untyped-def]
    return chain_sampler(
        partial(chain_zones, detector=detector),
        partial(chain_events, detector=detector),
        n_events,
        seed,
        model,
    )


def recast(
    model: ChainModel,
    curve: LimitCurve,
    detector: NA64Detector = NA64Detector(),
    n_events: int = 20000,
    seed: int = 1,
    masses: ArrayLike | None = None,
) -> list[LimitCurve]:
    """The NA64 invisible limit ``curve`` recast for ``model`` (self-consistent in ε), at the
    curve's masses or at ``masses`` (GeV).

    ``detector.modified`` should stay ``False`` here (the published search rejected decays
    in the ECAL); for the modified search use :func:`reach`.
    """
    return recast_curve(model, curve, _sampler(detector, n_events, seed, model), masses)


def _yield(masses: np.ndarray, detector: NA64Detector) -> np.ndarray:
    """A' per electron on target at ε = 1 (E_A' > E₀ − cut) at each mass."""
    return np.array(
        [
            yield_per_electron(
                float(m),
                1.0,
                detector.beam_energy,
                detector.beam_energy - detector.energy_cut,
                detector.ecal,
            )
            for m in masses
        ]
    )


def calibrated_efficiency(
    curve: LimitCurve,
    masses: ArrayLike,
    electrons_on_target: float,
    detector: NA64Detector = NA64Detector(),
) -> np.ndarray:
    """NA64's signal efficiency implied by its published invisible limit ``curve``:
    N_90 / (EOT × Y(m) × ε²_pub(m)), clipped to [0, 1]; 0 where the curve has no limit.

    With it, :func:`reach` for an invisible A' reproduces ``curve`` (below ~100 MeV it is
    0.6–0.9 with the yield of :mod:`~nuportal.physics.darkphoton.production`; above, it
    also absorbs the limitations of the IWW yield).
    """
    m = np.asarray(masses, float)
    value = curve.evaluate(m)
    eps = np.where(value.defined, value.lower, np.inf)
    return np.clip(N90 / (electrons_on_target * _yield(m, detector) * eps**2), 0.0, 1.0)


def reach(
    model: ChainModel,
    masses: ArrayLike,
    electrons_on_target: float = EOT_2019,
    detector: NA64Detector = NA64Detector(modified=True),
    signal_efficiency: ArrayLike = 1.0,
    n_events: int = 20000,
    seed: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Excluded ε intervals (lower, upper), arrays (masses, k) as in
    :func:`~nuportal.analysis.recast.excluded_band`, for a search with no event observed:
    N(ε) = EOT × Y(m) ε² × ``signal_efficiency`` × η(m, ε) ≥ N_90 = 2.3.

    Y(m) is :func:`~nuportal.physics.darkphoton.production.yield_per_electron` at ε = 1,
    η the pass probability of the chains with ``detector`` (by default the modified
    search that accepts decays inside the ECAL); ``signal_efficiency`` a number or one per
    mass (e.g. :func:`calibrated_efficiency`).
    """
    m = np.asarray(masses, float)
    if not electrons_on_target > 0:
        raise NuportalError(f"electrons_on_target must be positive; got {electrons_on_target}")
    efficiency = np.broadcast_to(np.asarray(signal_efficiency, float), m.shape)
    if np.any((efficiency < 0) | (efficiency > 1)):
        raise NuportalError("the signal efficiency must lie in [0, 1]")
    norms = electrons_on_target * efficiency * _yield(m, detector)
    return excluded_band(model, m, N90, _sampler(detector, n_events, seed, model), norms)
