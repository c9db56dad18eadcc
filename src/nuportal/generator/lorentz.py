"""Vectorised rotations and boosts of four-momenta (E, px, py, pz), shapes (n, 4)."""

from __future__ import annotations

import numpy as np


def unit(vectors: np.ndarray) -> np.ndarray:
    """Unit three-vectors (n, 3)."""
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)


def rotate_z_to(p4: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Rotate four-vectors so that the +z axis goes to ``direction`` (n, 3), per row.

    The rotation is about the axis ẑ × d̂ (Rodrigues' formula); for d̂ = −ẑ a rotation by π
    about x. Directions need not be normalised.
    """
    d = unit(direction)
    v = p4[:, 1:]
    cos = d[:, 2]
    axis = np.stack([-d[:, 1], d[:, 0], np.zeros_like(cos)], axis=-1)  # ẑ × d̂
    sin = np.linalg.norm(axis, axis=-1)
    flip = sin < 1e-12
    axis = np.where(flip[:, None], [[1.0, 0.0, 0.0]], axis / np.where(flip, 1.0, sin)[:, None])
    sin = np.where(flip, 0.0, sin)
    cos = np.where(flip, np.sign(cos), cos)
    cross = np.cross(axis, v)
    dot = np.sum(axis * v, axis=-1, keepdims=True)
    rotated = v * cos[:, None] + cross * sin[:, None] + axis * dot * (1.0 - cos[:, None])
    return np.concatenate([p4[:, :1], rotated], axis=-1)


def boost(p4: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Boost four-vectors from the rest frame of ``parent`` (n, 4) to the frame where the
    parent has four-momentum ``parent``."""
    mass = np.sqrt(np.clip(parent[:, 0] ** 2 - np.sum(parent[:, 1:] ** 2, axis=-1), 0, None))
    beta = parent[:, 1:] / parent[:, :1]
    gamma = parent[:, 0] / mass
    bp = np.sum(beta * p4[:, 1:], axis=-1)
    b2 = np.sum(beta * beta, axis=-1)
    factor = np.where(b2 > 0, (gamma - 1.0) * bp / np.where(b2 > 0, b2, 1.0), 0.0)
    energy = gamma * (p4[:, 0] + bp)
    space = p4[:, 1:] + (factor + gamma * p4[:, 0])[:, None] * beta
    return np.concatenate([energy[:, None], space], axis=-1)


def rotate_about_z(p4: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Rotate four-vectors (n, 4) by the angles ``phi`` (n,) about the z axis."""
    c, s = np.cos(phi), np.sin(phi)
    x, y = p4[:, 1], p4[:, 2]
    return np.stack([p4[:, 0], c * x - s * y, s * x + c * y, p4[:, 3]], axis=-1)


def rotation_to(direction: np.ndarray) -> np.ndarray:
    """Rotation matrices (n, 3, 3) that take +z to ``direction`` (n, 3), to apply to many
    vectors with :func:`rotate` (cheaper than :func:`rotate_z_to` per vector).

    For d_z ≥ 0 the minimal rotation about ẑ × d̂ (Rodrigues' formula in closed form,
    R_ij = δ_ij − d_i d_j/(1 + d_z) for i, j ∈ {x, y}, R_iz = d_i, R_zj = −d_j); for d_z < 0
    the minimal rotation to −d̂ followed by... composed with a rotation by π about x, which
    avoids the division by 1 + d_z → 0. The two conventions differ by a rotation about d̂,
    which is irrelevant for the azimuthally random configurations of the generator.
    """
    d = unit(direction)
    flip = d[:, 2] < 0.0
    e = np.where(flip[:, None], -d, d)
    k = 1.0 / (1.0 + e[:, 2])
    r = np.empty((len(d), 3, 3))
    r[:, 0, 0] = 1.0 - e[:, 0] ** 2 * k
    r[:, 0, 1] = r[:, 1, 0] = -e[:, 0] * e[:, 1] * k
    r[:, 1, 1] = 1.0 - e[:, 1] ** 2 * k
    r[:, :2, 2] = e[:, :2]
    r[:, 2, :2] = -e[:, :2]
    r[:, 2, 2] = e[:, 2]
    r[flip, :, 1:] *= -1.0  # R(−d̂) · R_x(π): z → d̂
    return r


def rotate(p4: np.ndarray, matrices: np.ndarray) -> np.ndarray:
    """Apply rotation matrices (n, 3, 3) to the space parts of four-vectors (n, 4)."""
    out = np.empty_like(p4)
    out[:, 0] = p4[:, 0]
    out[:, 1:] = np.einsum("nij,nj->ni", matrices, p4[:, 1:])
    return out


def to_lab(rest: list[np.ndarray], direction: np.ndarray, parent: np.ndarray) -> list[np.ndarray]:
    """Decay products given in the parent's rest frame with its spin axis along +z, taken
    to the lab: +z turned to the parent's ``direction`` (its helicity axis), then boosted to
    the parent's four-momentum ``parent`` (n, 4)."""
    matrices = rotation_to(direction)
    return [boost(rotate(p, matrices), parent) for p in rest]
