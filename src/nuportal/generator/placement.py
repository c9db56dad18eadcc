"""Where the heavy lepton decays: forced into a volume with its exact probability, or free.

For a heavy lepton of lab momentum p, mass m and proper decay length cτ, the decay distance
along its line of flight is exponential with mean λ = (p/m) cτ. With the intervals
[a_j, b_j] where the ray from the production point lies inside the decay volume
(:meth:`nuportal.experiments.geometry.Volume.ray_intervals`), the probability to decay
inside is P = Σ_j e^{−a_j/λ} (1 − e^{−(b_j − a_j)/λ}); a forced decay distance is drawn
from the exponential restricted to the intervals, and the event weight is multiplied by P.
Both use ``expm1``/``log1p`` so that λ ≫ detector size (long-lived N, P ≈ Σ(b−a)/λ) and
λ ≪ a (P underflows to 0, the event is dropped) stay exact.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from nuportal.experiments.geometry import Volume
from nuportal.generator.lorentz import rows
from nuportal.units import C_CM_PER_NS


def forced_decay(
    origin: np.ndarray,
    direction: np.ndarray,
    decay_length: np.ndarray,
    volume: Volume,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Decay distances (cm) forced into ``volume`` and their probabilities P.

    Parameters
    ----------
    origin, direction : numpy.ndarray
        Production points (n, 3) in cm and flight directions (n, 3).
    decay_length : numpy.ndarray
        Mean lab decay lengths λ (n,) in cm.
    volume : Volume
        The decay volume.

    Returns
    -------
    distance, probability : numpy.ndarray
        Where P = 0 (the line of flight misses the volume) the distance is 0.
    """
    intervals = volume.ray_intervals(origin, direction)  # (n, k, 2), unused = inf
    n = len(origin)
    pick_r, inverse_r = rng.random(n), rng.random(n)
    distance, probability = np.empty(n), np.empty(n)
    lam = rows(decay_length)
    _forced_rows(intervals, lam, pick_r, inverse_r, distance, probability)
    return distance, probability


@numba.njit(cache=True)
def _forced_rows(
    intervals: np.ndarray,
    lam: np.ndarray,
    pick_r: np.ndarray,
    inverse_r: np.ndarray,
    distance: np.ndarray,
    probability: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """The body of :func:`forced_decay`: P = Σ_j e^{−a_j/λ}(1 − e^{−ℓ_j/λ}) over the used
    intervals (a_j, a_j + ℓ_j); interval j drawn with probability ∝ its piece (the first
    whose running sum reaches ``pick_r`` × P), then a = a_j − λ ln(1 + v (e^{−ℓ_j/λ} − 1)),
    the inverse of the exponential truncated to it; 0 where P = 0."""
    k = intervals.shape[1]
    pieces, shrink = np.empty(k), np.empty(k)  # per interval: its piece, e^{−ℓ/λ} − 1
    for i in range(lam.size):
        total = 0.0
        for j in range(k):
            start = intervals[i, j, 0]
            if math.isfinite(start):
                shrink[j] = math.expm1(-(intervals[i, j, 1] - start) / lam[i])
                pieces[j] = math.exp(-start / lam[i]) * -shrink[j]
            else:  # an unused slot
                shrink[j], pieces[j] = 0.0, 0.0
            total += pieces[j]
        probability[i] = total
        target = pick_r[i] * total
        running, pick = 0.0, 0
        for j in range(k - 1):
            running += pieces[j]
            if not running < target:
                break
            pick = j + 1
        if total > 0.0:
            start = intervals[i, pick, 0] if math.isfinite(intervals[i, pick, 0]) else 0.0
            distance[i] = start - lam[i] * math.log1p(inverse_r[i] * shrink[pick])
        else:
            distance[i] = 0.0


def free_decay(decay_length: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exponential decay distances (cm) with means ``decay_length``."""
    return rng.exponential(decay_length)


def fly(
    origin: np.ndarray, time: np.ndarray, p4: np.ndarray, distance: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where and when a particle of four-momentum ``p4`` (n, 4) made at ``origin`` (n, 3; cm)
    and ``time`` (n,; ns) is after flying ``distance`` (n,; cm) along its momentum:
    x = x₀ + d p⃗/|p⃗|, t = t₀ + d E/(|p⃗| c) (one compiled pass; at rest it stays put)."""
    position, later = np.empty((len(distance), 3)), np.empty(len(distance))
    _fly_rows(rows(origin), rows(time), rows(p4), rows(distance), position, later)
    return position, later


@numba.njit(cache=True)
def _fly_rows(
    origin: np.ndarray,
    time: np.ndarray,
    p4: np.ndarray,
    distance: np.ndarray,
    position: np.ndarray,
    later: np.ndarray,
) -> None:  # pragma: no cover - compiled
    for i in range(distance.size):
        later[i] = fly_point(origin[i], time[i], p4[i], distance[i], position[i])


@numba.njit(cache=True, inline="always")
def fly_point(
    origin: np.ndarray, time: float, p4: np.ndarray, distance: float, position: np.ndarray
) -> float:  # pragma: no cover - compiled
    """:func:`fly` for one particle: its position into ``position`` (the first 3 entries),
    its time returned."""
    p = math.sqrt(p4[1] ** 2 + p4[2] ** 2 + p4[3] ** 2)
    step = distance / p if p > 0.0 else 0.0
    for a in range(3):
        position[a] = origin[a] + step * p4[a + 1]
    return time + step * p4[0] / C_CM_PER_NS
