"""Forced decays along a line of flight that crosses the decay volume twice."""

from __future__ import annotations

import numpy as np

from nuportal.experiments.geometry import SphericalShell
from nuportal.generator.placement import fly, forced_decay
from nuportal.units import C_CM_PER_NS


def test_forced_decay_with_two_intervals():
    """A ray through a shell (hollow 100 cm, outer 150 cm) along a diameter meets it on
    [50, 100] and [300, 350] cm: P = Σ e^{−a/λ}(1 − e^{−50/λ}) exactly; the second interval
    is chosen with probability piece₂/P (binomial error) and every distance lies inside one
    of the intervals, exponentially distributed within it (mean a + λ − 50/(e^{50/λ} − 1))."""
    rng = np.random.default_rng(11)
    shell = SphericalShell(100.0, 150.0)
    n, lam = 200_000, 120.0
    origin = np.tile([0.0, 0.0, -200.0], (n, 1))
    direction = np.tile([0.0, 0.0, 1.0], (n, 1))
    distance, prob = forced_decay(origin, direction, np.full(n, lam), shell, rng)
    pieces = np.exp(-np.array([50.0, 300.0]) / lam) * -np.expm1(-50.0 / lam)
    np.testing.assert_allclose(prob, pieces.sum(), rtol=1e-12)
    second = distance > 200.0
    inside = ((distance >= 50.0) & (distance <= 100.0)) | (second & (distance <= 350.0))
    assert inside.all()
    share = pieces[1] / pieces.sum()
    assert abs(second.mean() - share) < 4 * np.sqrt(share * (1 - share) / n)
    for start, chosen in ((50.0, ~second), (300.0, second)):
        d = distance[chosen]
        mean = start + lam - 50.0 / np.expm1(50.0 / lam)
        assert abs(d.mean() - mean) < 4 * d.std() / np.sqrt(d.size)


def test_fly_moves_along_the_momentum_at_the_particle_speed():
    """x = x₀ + d p̂ and t = t₀ + d/(βc) with β = √(1 − m²/E²) from the mass (independent
    of |p⃗|/E); a particle at rest stays where and when it was made."""
    rng = np.random.default_rng(5)
    n, mass = 1000, 0.42
    p3 = rng.normal(size=(n, 3))
    p4 = np.concatenate([np.sqrt(mass**2 + np.sum(p3**2, axis=1))[:, None], p3], axis=1)
    p4[0] = [mass, 0.0, 0.0, 0.0]
    origin, time, distance = rng.normal(size=(n, 3)), rng.random(n), rng.random(n) * 100
    position, later = fly(origin, time, p4, distance)
    step = position - origin
    np.testing.assert_allclose(np.linalg.norm(step[1:], axis=1), distance[1:], rtol=1e-14)
    np.testing.assert_allclose(np.cross(step[1:], p3[1:]), 0.0, atol=1e-12)
    assert np.all(np.einsum("ij,ij->i", step[1:], p3[1:]) > 0)
    beta = np.sqrt(1 - (mass / p4[1:, 0]) ** 2)
    np.testing.assert_allclose(
        later[1:] - time[1:], distance[1:] / (beta * C_CM_PER_NS), rtol=1e-12
    )
    np.testing.assert_array_equal(position[0], origin[0])
    assert later[0] == time[0]
