"""A realistic synthetic batch of events for the writer tests and benchmarks.

ν_μ + C12 → N4 + C12 (coherent, forward-peaked two-body scattering) with
N4 → ν_μ e⁺ e⁻ (sequential isotropic two-body decays through an e⁺e⁻ system of random
mass); four-momentum is conserved at both vertices, the decay vertex lies along the N4
direction at an exponentially distributed distance. Not physics: only the shape of the
record the generator produces (7 particles per event, statuses, mothers, vertices).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nuportal import constants
from nuportal.generator.events import (
    STATUS_BEAM,
    STATUS_DECAYED,
    STATUS_FINAL,
    STATUS_TARGET,
    Events,
)

C_CM_PER_NS = 29.9792458
M4 = 0.14
PDG_C12 = constants.nucleus_pdgid(6, 12)
LABELS = (
    "numu C12 coherent -> N4(-) ; N4 -> nu_mu e- e+",
    "numu C12 coherent -> N4(+) ; N4 -> nu_mu e- e+",
)
#: metadata keys of a run card as the writers expect them (synthetic values)
METADATA: dict[str, Any] = {
    "model": {"m4": M4, "Umu4": 9.5e-4, "UD4": 0.9999, "mzprime": 0.03, "alphaD": 0.25},
    "experiment": "miniboone_numode",
    "pot": 18.75e20,
    "flux_averaged_total_cross_section": 3.2e-40,
    "units": {"energy": "GeV", "length": "cm", "time": "ns", "cross_section": "cm2"},
}


def _boost(p: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Boost four-vectors ``p`` (..., 4: px, py, pz, E) by velocity ``beta`` (..., 3)."""
    b2 = np.sum(beta**2, axis=-1, keepdims=True)
    gamma = 1.0 / np.sqrt(1.0 - b2)
    bp = np.sum(beta * p[..., :3], axis=-1, keepdims=True)
    safe = np.where(b2 > 0, b2, 1.0)
    coef = np.where(b2 > 0, (gamma - 1.0) * bp / safe, 0.0) + gamma * p[..., 3:]
    space = p[..., :3] + coef * beta
    energy = gamma * (p[..., 3:] + bp)
    return np.concatenate([space, energy], axis=-1)


def _two_body(
    rng: np.random.Generator, mass: np.ndarray, m1: np.ndarray, m2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic two-body decay at rest: the two four-momenta (n, 4)."""
    n = len(mass)
    pstar = np.sqrt(np.maximum((mass**2 - (m1 + m2) ** 2) * (mass**2 - (m1 - m2) ** 2), 0.0)) / (
        2 * mass
    )
    cos = rng.uniform(-1, 1, n)
    phi = rng.uniform(0, 2 * np.pi, n)
    sin = np.sqrt(1 - cos**2)
    direction = np.stack([sin * np.cos(phi), sin * np.sin(phi), cos], axis=-1)
    p1 = np.concatenate([pstar[:, None] * direction, np.sqrt(pstar**2 + m1**2)[:, None]], axis=-1)
    p2 = np.concatenate([-pstar[:, None] * direction, np.sqrt(pstar**2 + m2**2)[:, None]], axis=-1)
    return p1, p2


def synthetic_events(n: int, seed: int = 12345) -> Events:
    """``n`` synthetic events (7 particles each) with conserved four-momenta and vertices."""
    rng = np.random.default_rng(seed)
    big_m = constants.mass(PDG_C12)
    me = constants.M_E
    zeros = np.zeros(n)
    enu = rng.uniform(0.3, 2.0, n)
    p_nu = np.stack([zeros, zeros, enu, enu], axis=-1)
    p_target = np.stack([zeros, zeros, zeros, np.full(n, big_m)], axis=-1)
    # two-body scattering in the centre-of-mass frame, forward peaked
    s = big_m**2 + 2 * big_m * enu
    rs = np.sqrt(s)
    pcm = np.sqrt((s - (M4 + big_m) ** 2) * (s - (M4 - big_m) ** 2)) / (2 * rs)
    cos = np.clip(1 - rng.exponential(0.01, n), -1, 1)
    phi = rng.uniform(0, 2 * np.pi, n)
    sin = np.sqrt(1 - cos**2)
    direction = np.stack([sin * np.cos(phi), sin * np.sin(phi), cos], axis=-1)
    n4_cm = np.concatenate([pcm[:, None] * direction, np.sqrt(pcm**2 + M4**2)[:, None]], axis=-1)
    beta_cm = np.stack([zeros, zeros, enu / (enu + big_m)], axis=-1)
    p_n4 = _boost(n4_cm, beta_cm)
    p_recoil = p_nu + p_target - p_n4  # exact conservation at the primary vertex
    # N4 -> nu (e+ e-) -> nu e+ e-
    mee = rng.uniform(2 * me + 1e-4, M4 - 1e-3, n)
    nu_rest, ee_rest = _two_body(rng, np.full(n, M4), zeros, mee)
    ep_ee, _ = _two_body(rng, mee, np.full(n, me), np.full(n, me))
    ep_rest = _boost(ep_ee, ee_rest[:, :3] / ee_rest[:, 3:])
    beta_n4 = p_n4[:, :3] / p_n4[:, 3:]
    p_nu_out = _boost(nu_rest, beta_n4)
    p_ep = _boost(ep_rest, beta_n4)
    p_em = p_n4 - p_nu_out - p_ep  # exact conservation at the decay vertex
    # vertices: uniform in a sphere of 500 cm, decay along the N4 flight direction
    r = 500 * rng.uniform(0, 1, n) ** (1 / 3)
    u = rng.normal(size=(n, 3))
    vertex = r[:, None] * u / np.linalg.norm(u, axis=1, keepdims=True)
    t0 = rng.uniform(0, 1600, n)
    speed = np.linalg.norm(beta_n4, axis=1)
    length = rng.exponential(200.0, n)
    decay = vertex + length[:, None] * beta_n4 / speed[:, None]
    t_decay = t0 + length / (speed * C_CM_PER_NS)

    helicity = rng.choice(np.array([-1, 1], np.int8), n)
    q = p_target - p_recoil
    q2 = np.sum(q[:, :3] ** 2, axis=1) - q[:, 3] ** 2  # Q^2 = -q^2
    event = {
        "weight": rng.lognormal(-9, 1, n),
        "process": (helicity > 0).astype(np.int32),
        "helicity": helicity,
        "enu": enu,
        "q2": q2,
        "vertex_x": vertex[:, 0],
        "vertex_y": vertex[:, 1],
        "vertex_z": vertex[:, 2],
        "vertex_t": t0,
        "decay_x": decay[:, 0],
        "decay_y": decay[:, 1],
        "decay_z": decay[:, 2],
        "decay_t": t_decay,
    }
    four = np.stack([p_nu, p_target, p_recoil, p_n4, p_nu_out, p_ep, p_em], axis=1)  # (n, 7, 4)
    at_primary = np.stack([*vertex.T, t0], axis=-1)
    at_decay = np.stack([*decay.T, t_decay], axis=-1)
    where = np.stack([at_primary] * 4 + [at_decay] * 3, axis=1)  # (n, 7, 4)
    particles = {
        "pdg": np.tile([14, PDG_C12, PDG_C12, constants.PDG_N4, 14, -11, 11], n),
        "status": np.tile(
            [STATUS_BEAM, STATUS_TARGET, STATUS_FINAL, STATUS_DECAYED] + [STATUS_FINAL] * 3,
            n,
        ),
        "mother": np.tile([-1, -1, 0, 0, 3, 3, 3], n),
        **{k: four[:, :, i].ravel() for i, k in enumerate(("px", "py", "pz", "e"))},
        **{k: where[:, :, i].ravel() for i, k in enumerate(("x", "y", "z", "t"))},
    }
    offsets = np.arange(0, 7 * n + 1, 7, dtype=np.int64)
    metadata = dict(METADATA, seed=seed, total_rate=float(event["weight"].sum()))
    return Events.from_table(event, particles, offsets, LABELS, metadata)
