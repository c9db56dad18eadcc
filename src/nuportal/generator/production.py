"""Weighted sampling of upscattering (E_ν, Q²) with a vegas-adapted map.

For one case — incoming flavour, target, regime, heavy lepton and its helicity — the
integrand is the flux-weighted differential cross section

    f(E, Q²) = φ(E) dσ_h/dQ²(E, Q²)        [ν / GeV / POT × cm² / GeV²]

over E from the threshold (or the first non-empty flux bin) to the end of the last non-empty
flux bin and ln Q² between its kinematic limits, mapped from the unit square. A
:class:`vegas.AdaptiveMap` is adapted to f in a few iterations (G. P. Lepage, J. Comput.
Phys. 439 (2021) 110386, arXiv:2009.05112: the map is trained on f² of uniform samples);
events are then drawn uniformly in the map's y-space, so that each carries the weight
f(x(y)) J(y) / n — an unbiased estimate whose sum is ∫ φ σ dE in cm² per target per POT.
Every random number comes from the ``numpy.random.Generator`` passed in (vegas's own
generator is never used), so the same seed gives the same events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import vegas

from nuportal.experiments.fluxes import Flux
from nuportal.physics.upscattering import Upscattering

#: adaptation: iterations × points per iteration, and the vegas damping parameter α
ADAPT_ITERATIONS = 4
ADAPT_POINTS = 1000
ADAPT_ALPHA = 1.0
#: increments per axis of the map
INCREMENTS = 100


@dataclass
class ProductionSample:
    """Sampled upscattering kinematics of one case.

    Attributes
    ----------
    energy, q2 : numpy.ndarray
        Neutrino energy (GeV) and Q² (GeV²).
    weight : numpy.ndarray
        ∫ φ σ dE contribution of each event in cm² per target per POT (Σ = the integral).
    k1, k2 : numpy.ndarray
        Shape (n, 4): lab four-momenta (GeV) of the neutrino and N in the standard frame of
        :func:`~nuportal.physics.kinematics.lab_momenta` (ν along +z, N in the xz plane),
        computed in the same pass as the weights.
    """

    energy: np.ndarray
    q2: np.ndarray
    weight: np.ndarray
    k1: np.ndarray
    k2: np.ndarray


class ProductionSampler:
    """vegas-adapted sampler of (E_ν, Q²) for one upscattering case and N helicity.

    Parameters
    ----------
    ups : Upscattering
        The cross section (model and channel).
    flux : Flux
        The flux; its density for the channel's flavour is used.
    helicity : int
        Helicity of the outgoing N (±1).
    rng : numpy.random.Generator
        Source of every random number (adaptation included).
    """

    def __init__(
        self, ups: Upscattering, flux: Flux, helicity: int, rng: np.random.Generator
    ) -> None:
        self.ups = ups
        self.flux = flux
        self.helicity = helicity
        self.flavour = ups.channel.flavour
        low, self.e_max = flux.energy_range(self.flavour)  # where the flux is not zero
        self.e_min = max(ups.threshold, low)
        self.map = vegas.AdaptiveMap([[0.0, 1.0], [0.0, 1.0]], ninc=INCREMENTS)
        self.open = self.e_max > self.e_min and not ups.vanishes
        if self.open:
            self._adapt(rng)

    def _physical(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(E, Q², Jacobian d(E, Q²)/d(y₀, y₁)) for points y of the unit square.

        Numpy on purpose: its vectorised log and exp are several times faster than a compiled
        loop calling them per point."""
        energy = self.e_min + (self.e_max - self.e_min) * y[:, 0]
        lo, hi = self.ups.q2_limits(energy)
        closed = hi <= lo  # an empty range: ln Q² spans 0, so the Jacobian is 0
        lo[closed] = hi[closed] = 1.0
        log_lo = np.log(lo, out=lo)
        span = np.subtract(np.log(hi, out=hi), log_lo, out=hi)
        q2 = span * y[:, 1]
        np.exp(np.add(log_lo, q2, out=q2), out=q2)
        jac = np.multiply(span, self.e_max - self.e_min, out=span)
        return energy, q2, np.multiply(jac, q2, out=jac)

    def _integrand(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
        """(E, Q², f J_physical, (k₁, k₂)) at points x of the unit square."""
        energy, q2, jac = self._physical(x)
        value = self.flux.density(self.flavour, energy) * jac
        dsigma, k1, k2 = self.ups.dsigma_dq2_lab(energy, q2, self.helicity)
        return energy, q2, value * dsigma, (k1, k2)

    def _mapped(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.empty_like(y)
        jac = np.empty(len(y))
        self.map.map(y, x, jac)
        return x, jac

    def _adapt(self, rng: np.random.Generator) -> None:
        for _ in range(ADAPT_ITERATIONS):
            y = rng.random((ADAPT_POINTS, 2))
            x, jac = self._mapped(y)
            f = self._integrand(x)[2] * jac
            self.map.add_training_data(y, f**2)
            self.map.adapt(alpha=ADAPT_ALPHA)

    def sample(self, n: int, rng: np.random.Generator) -> ProductionSample:
        """``n`` weighted points; Σ weight estimates ∫ φ σ_h dE (cm² / target / POT)."""
        if not self.open or n <= 0:
            empty = np.zeros(0)
            return ProductionSample(empty, empty, empty, np.zeros((0, 4)), np.zeros((0, 4)))
        y = rng.random((n, 2))
        x, jac = self._mapped(y)
        energy, q2, f, (k1, k2) = self._integrand(x)
        return ProductionSample(energy, q2, f * jac / n, k1, k2)
