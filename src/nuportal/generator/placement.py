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

import numpy as np

from nuportal.experiments.geometry import Volume


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
    lam = decay_length[:, None]
    start, end = intervals[..., 0], intervals[..., 1]
    used = np.isfinite(start)
    a = np.where(used, start, 0.0)
    length = np.where(used, end, 0.0) - a
    pieces = np.where(used, np.exp(-a / lam) * -np.expm1(-length / lam), 0.0)
    probability = pieces.sum(axis=1)
    # choose an interval with probability ∝ its piece, then invert its truncated exponential
    cumulative = np.cumsum(pieces, axis=1)
    u = rng.random(len(origin)) * probability
    pick = np.minimum((cumulative < u[:, None]).sum(axis=1), pieces.shape[1] - 1)
    rows = np.arange(len(origin))
    a_pick, len_pick = a[rows, pick], length[rows, pick]
    v = rng.random(len(origin))
    distance = a_pick - decay_length * np.log1p(v * np.expm1(-len_pick / decay_length))
    return np.where(probability > 0, distance, 0.0), probability


def free_decay(decay_length: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exponential decay distances (cm) with means ``decay_length``."""
    return rng.exponential(decay_length)
