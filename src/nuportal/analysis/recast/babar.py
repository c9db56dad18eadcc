"""BaBar mono-photon search (arXiv:1702.03327) recast for semi-visible dark photons.

BaBar looked for e⁺e⁻ → γ A', A' → invisible, in 53 fb⁻¹ at √s = 10.58 GeV: one photon
and nothing else. A semi-visible event A' → ψ_i (ψ_j → ψ_k ℓ⁺ℓ⁻) still passes when ψ_j
decays outside the detector volume, or inside it with both leptons below the detection
threshold. The detector volume is a cylinder around the beam axis through the interaction
point (:class:`BabarDetector`); the straight flight of the neutral ψ_j (the 1.5 T field
does not bend it) gives the zones of :mod:`nuportal.analysis.recast`:
[0, d_out) passes only if both leptons are soft, [d_out, ∞) passes. General chains
(:func:`chain_events`): Monte Carlo events pass if every visible final product (e, μ, τ,
hadronic system) produced inside the volume, at any vertex of the chain, is below the
lepton threshold (a hadronic system, heavier than 135 MeV, never is).

Default geometry (sources: the data README, ``limits/README.md``): the drift chamber, the
innermost detector that would see the pair, "cylindrical chamber with a length of 280 cm
and outer radius of 81 cm" (SLAC-PUB-7779), "forward length of 174.9 cm ... backward ...
101.5 cm" from the interaction point (design book; *uncertain* whether as built). A
pair produced beyond the drift chamber but inside the calorimeter (inner radius ≈ 92 cm,
*unverified*) would also be seen: pass a larger ``radius`` to include it. Lepton
threshold 20 MeV, the lower end of the calorimeter's range ("from 20 MeV to 9 GeV",
hep-ex/0105044). Photon window −0.4 < cos θ*_γ < 0.6 (centre-of-mass frame; *unverified*,
recalled from arXiv:1702.03327 and not found in a stored page): it only selects the
production kinematics that enter the average.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np
from numpy.typing import ArrayLike

from nuportal.analysis.limits.curves import LimitCurve
from nuportal.analysis.recast import (
    CascadeSample,
    ChainModel,
    Zones,
    chain_sampler,
    recast_curve,
    visible_rows,
)
from nuportal.errors import NuportalError
from nuportal.generator.darkphoton import Chain, Production, babar_production, decay_chain
from nuportal.physics.darkphoton.production import BABAR, Collider


@dataclass(frozen=True)
class BabarDetector:
    """Veto volume of the BaBar mono-photon recast (cm, GeV; defaults in the module docstring).

    Attributes
    ----------
    radius : float
        Radius of the cylinder around the beam axis (81 cm).
    z_forward, z_backward : float
        Its extent along the e⁻ direction and opposite, from the interaction point.
    lepton_threshold : float
        A lepton below this lab energy is not detected.
    cos_window : tuple of float
        Photon acceptance in cos θ* (centre-of-mass frame).
    collider : Collider
        Beam energies.
    """

    radius: float = 81.0
    z_forward: float = 174.9
    z_backward: float = 101.5
    lepton_threshold: float = 0.02
    cos_window: tuple[float, float] = (-0.4, 0.6)
    collider: Collider = BABAR

    def __post_init__(self) -> None:
        if min(self.radius, self.z_forward, self.z_backward) <= 0:
            raise NuportalError("the BaBar detector dimensions must be positive (cm)")
        if self.lepton_threshold < 0:
            raise NuportalError("the lepton threshold must be >= 0 GeV")

    def contains(self, points: np.ndarray) -> np.ndarray:
        """Whether points (..., 3) in cm lie inside the cylinder (strictly)."""
        radial = np.hypot(points[..., 0], points[..., 1]) < self.radius
        return radial & (points[..., 2] < self.z_forward) & (points[..., 2] > -self.z_backward)

    def exit_distance(self, direction: np.ndarray) -> np.ndarray:
        """Distance (cm) from the interaction point to the cylinder's surface along unit
        vectors (n, 3)."""
        sin = np.hypot(direction[:, 0], direction[:, 1])
        cos = direction[:, 2]
        with np.errstate(divide="ignore"):
            radial = np.where(sin > 0, self.radius / sin, np.inf)
            along = np.where(
                cos > 0, self.z_forward / cos, np.where(cos < 0, -self.z_backward / cos, np.inf)
            )
        return np.minimum(radial, along)


def chain_zones(
    chain: Chain,
    m_aprime: float,
    n: int,
    rng: np.random.Generator,
    detector: BabarDetector = BabarDetector(),
) -> Zones | None:
    """Zones of ``n`` sampled events of a semi-visible ``chain`` of the fixed shape (None for
    other chains; general chains: :func:`chain_events`)."""
    if chain.kind != "semi-visible" or chain.cascade:
        return None
    production = _production(m_aprime, n, rng, detector)
    decay = decay_chain(production.aprime, production.vertex, replace(chain, ctau=1.0), rng)
    psi_j, lepton_minus, lepton_plus = decay.momenta[1], decay.momenta[3], decay.momenta[4]
    p_abs = np.linalg.norm(psi_j[:, 1:], axis=-1)
    exit_at = detector.exit_distance(psi_j[:, 1:] / p_abs[:, None])
    soft = (lepton_minus[:, 0] < detector.lepton_threshold) & (
        lepton_plus[:, 0] < detector.lepton_threshold
    )
    edges = np.stack([np.zeros(n), exit_at, np.full(n, np.inf)], axis=1)
    passes = np.stack([soft, np.ones(n, bool)], axis=1)
    return Zones(edges, passes, p_abs / chain.masses[1])


def _production(
    m_aprime: float, n: int, rng: np.random.Generator, detector: BabarDetector
) -> Production:
    return babar_production(
        m_aprime, 1.0, n, rng, detector.collider, detector.cos_window, luminosity=1.0
    )


def chain_events(
    chain: Chain,
    m_aprime: float,
    n: int,
    rng: np.random.Generator,
    detector: BabarDetector = BabarDetector(),
) -> CascadeSample | None:
    """Monte Carlo events of ``chain`` (any shape) for its pass probability; None for chains
    without a visible product or without a dark fermion (P = 1 or 0)."""
    rows = visible_rows(chain)
    if chain.kind != "semi-visible" or not rows:
        return None
    production = _production(m_aprime, n, rng, detector)
    decay = decay_chain(production.aprime, production.vertex, chain, rng)
    seen = np.stack([decay.momenta[r][:, 0] for r in rows], axis=1) >= detector.lepton_threshold

    def judge(points: np.ndarray) -> np.ndarray:
        return ~np.any(seen & detector.contains(points), axis=1)

    return CascadeSample(production.vertex, tuple(decay.flights), rows, judge)


def recast(
    model: ChainModel,
    curve: LimitCurve,
    detector: BabarDetector = BabarDetector(),
    n_events: int = 20000,
    seed: int = 1,
    masses: ArrayLike | None = None,
) -> list[LimitCurve]:
    """The BaBar mono-photon limit ``curve`` recast for ``model`` (self-consistent in ε).

    Per mass of the curve (or of ``masses``, GeV), ``n_events`` kinematic samples per
    semi-visible chain (closed form for the fixed shapes, Monte Carlo events for general
    chains: :func:`~nuportal.analysis.recast.chain_sampler` with ``seed``); about 1–3 s per
    mass for a dark sector. Masses where nothing is excluded are flagged invalid; see
    :func:`~nuportal.analysis.recast.recast_curve` for the list returned.
    """
    sampler = chain_sampler(
        partial(chain_zones, detector=detector),
        partial(chain_events, detector=detector),
        n_events,
        seed,
        model,
    )
    return recast_curve(model, curve, sampler, masses)
