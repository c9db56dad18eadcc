"""Vectorised rotations and boosts of four-momenta (E, px, py, pz), shapes (n, 4).

The row-by-row work of :func:`boost`, :func:`orient` and :func:`to_lab` runs in compiled
loops (numba, cached on disk): one pass over the rows with no numpy temporaries.
"""

from __future__ import annotations

import math

import numba
import numpy as np


def norm(vectors: np.ndarray) -> np.ndarray:
    """Lengths of vectors along the last axis (3× faster than ``np.linalg.norm(v, axis=-1)``
    for (n, 3) arrays)."""
    return np.sqrt(np.einsum("...i,...i->...", vectors, vectors))


def unit(vectors: np.ndarray) -> np.ndarray:
    """Unit three-vectors (n, 3)."""
    return vectors / norm(vectors)[..., None]


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


def rotate_about_z(p4: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Rotate four-vectors (n, 4) by the angles ``phi`` (n,) about the z axis."""
    c, s = np.cos(phi), np.sin(phi)
    x, y = p4[:, 1], p4[:, 2]
    return np.stack([p4[:, 0], c * x - s * y, s * x + c * y, p4[:, 3]], axis=-1)


def boost(p4: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Boost four-vectors from the rest frame of ``parent`` (n, 4) to the frame where the
    parent has four-momentum ``parent``."""
    p4, parent = rows(p4), rows(parent)
    out = np.empty_like(p4)
    _boost_rows(p4, parent, out)
    return out


def orient(p4: np.ndarray, phi: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Four-vectors (n, 4) turned by ``phi`` about z, then by the rotation R that takes +z
    to ``direction`` (n, 3; need not be normalised), in one pass.

    For d_z ≥ 0, R is the minimal rotation about ẑ × d̂ (Rodrigues' formula in closed form,
    R_ij = δ_ij − d_i d_j/(1 + d_z) for i, j ∈ {x, y}, R_iz = d_i, R_zj = −d_j); for d_z < 0
    the minimal rotation to −d̂ composed with a rotation by π about x, which avoids the
    division by 1 + d_z → 0. The two conventions differ by a rotation about d̂, which is
    irrelevant for the azimuthally random configurations of the generator.
    """
    p4 = rows(p4)
    out = np.empty_like(p4)
    _orient_rows(p4, rows(phi), rows(direction), out)
    return out


def to_lab(rest: list[np.ndarray], direction: np.ndarray, parent: np.ndarray) -> list[np.ndarray]:
    """Decay products given in the parent's rest frame with its spin axis along +z, taken
    to the lab: +z turned to the parent's ``direction`` (its helicity axis), then boosted to
    the parent's four-momentum ``parent`` (n, 4)."""
    if not rest:
        return []
    products = tuple(rows(p) for p in rest)  # read in place, not stacked into one copy
    out = np.empty((len(products), *products[0].shape))
    _to_lab_rows(products, rows(direction), rows(parent), out)
    return list(out)


def rest_polarisation(s4: np.ndarray, p4: np.ndarray) -> np.ndarray:
    """Polarisation three-vectors P⃗ (n, 3) in the rest frames of particles of four-momenta
    ``p4`` (n, 4) reached from the frame of ``p4`` by a pure boost (whose axes are those of
    this frame), from their covariant polarisation four-vectors ``s4`` (n, 4), S·p = 0:
    P⃗ = S⃗ − S⁰ p⃗/(E + m), the inverse of the pure boost S = (p⃗·P⃗/m, P⃗ + (p⃗·P⃗) p⃗/(m(E + m)))
    of (0, P⃗) (Haber, hep-ph/9405376, Sec. 2); |P⃗|² = −S².

    S goes from frame to frame like a momentum (:func:`to_lab`); a rest frame reached by a
    pure boost from the lab has the lab's axes, so with S and p in the lab, P⃗ is the spin
    axis of the particle's decay there (turn its +z to P̂ with :func:`to_lab`)."""
    s4, p4 = rows(s4), rows(p4)
    energy = p4[:, 0]
    mass = np.sqrt(np.maximum(energy**2 - np.einsum("ij,ij->i", p4[:, 1:], p4[:, 1:]), 0.0))
    return s4[:, 1:] - (s4[:, 0] / (energy + mass))[:, None] * p4[:, 1:]


def rows(a: np.ndarray) -> np.ndarray:
    """``a`` as the compiled kernels take it: C-contiguous float64 (no copy if it is)."""
    return np.ascontiguousarray(a, dtype=np.float64)


@numba.njit(cache=True, inline="always")
def _rotation(d: np.ndarray, r: np.ndarray) -> None:  # pragma: no cover - compiled
    norm = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
    e0, e1, e2 = d[0] / norm, d[1] / norm, d[2] / norm
    sign = 1.0
    if e2 < 0.0:
        e0, e1, e2, sign = -e0, -e1, -e2, -1.0
    k = 1.0 / (1.0 + e2)
    r[0, 0] = 1.0 - e0 * e0 * k
    r[1, 0] = -e0 * e1 * k
    r[2, 0] = -e0
    r[0, 1] = sign * r[1, 0]
    r[1, 1] = sign * (1.0 - e1 * e1 * k)
    r[2, 1] = -sign * e1
    r[0, 2] = sign * e0
    r[1, 2] = sign * e1
    r[2, 2] = sign * e2


@numba.njit(cache=True, inline="always")
def _rotate_into(
    r: np.ndarray, x: float, y: float, z: float, out: np.ndarray
) -> None:  # pragma: no cover
    out[1] = r[0, 0] * x + r[0, 1] * y + r[0, 2] * z
    out[2] = r[1, 0] * x + r[1, 1] * y + r[1, 2] * z
    out[3] = r[2, 0] * x + r[2, 1] * y + r[2, 2] * z


@numba.njit(cache=True, inline="always")
def _boost_into(p: np.ndarray, parent: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    e = parent[0]
    mass = math.sqrt(max(e * e - parent[1] ** 2 - parent[2] ** 2 - parent[3] ** 2, 0.0))
    bx, by, bz = parent[1] / e, parent[2] / e, parent[3] / e
    b2 = bx * bx + by * by + bz * bz
    gamma = e / mass
    _boost_by(p, bx, by, bz, gamma, (gamma - 1.0) / b2 if b2 > 0.0 else 0.0, out)


@numba.njit(cache=True, inline="always")
def _boost_by(
    p: np.ndarray, bx: float, by: float, bz: float, gamma: float, g: float, out: np.ndarray
) -> None:  # pragma: no cover
    """Boost by velocity β with γ and g = (γ − 1)/β² (0 at rest)."""
    bp = bx * p[1] + by * p[2] + bz * p[3]
    shift = g * bp + gamma * p[0]
    out[0] = gamma * (p[0] + bp)
    out[1] = p[1] + shift * bx
    out[2] = p[2] + shift * by
    out[3] = p[3] + shift * bz


@numba.njit(cache=True)
def _boost_rows(p4: np.ndarray, parent: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    for i in range(p4.shape[0]):
        _boost_into(p4[i], parent[i], out[i])


@numba.njit(cache=True)
def _orient_rows(
    p4: np.ndarray, phi: np.ndarray, direction: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover
    r = np.empty((3, 3))
    for i in range(p4.shape[0]):
        orient_point(p4[i], phi[i], direction[i], r, out[i])


@numba.njit(cache=True, inline="always")
def orient_point(
    p: np.ndarray, phi: float, direction: np.ndarray, r: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """:func:`orient` for one four-vector ``p`` (4,) into ``out`` (4,; may be ``p``);
    ``r`` is scratch (3, 3)."""
    _rotation(direction, r)
    c, s = math.cos(phi), math.sin(phi)
    x, y = c * p[1] - s * p[2], s * p[1] + c * p[2]
    out[0] = p[0]
    _rotate_into(r, x, y, p[3], out)


@numba.njit(cache=True, inline="always")
def length3(v: np.ndarray) -> float:  # pragma: no cover - compiled
    """The length of the three-vector ``v`` (3,), summed as :func:`norm` sums (numpy's
    einsum adds x² + z², then y²), so that compiled and numpy lengths agree bit for bit."""
    return math.sqrt((v[0] * v[0] + v[2] * v[2]) + v[1] * v[1])


@numba.njit(cache=True, inline="always")
def lab_frame(
    direction: np.ndarray, parent: np.ndarray, r: np.ndarray
) -> tuple:  # pragma: no cover
    """The frame change of :func:`to_lab` for one parent: the rotation taking +z to
    ``direction`` into ``r`` (3, 3), and the boost to ``parent`` (4,) returned as
    (β_x, β_y, β_z, γ, (γ − 1)/β²) for :func:`lab_point`."""
    _rotation(direction, r)
    e = parent[0]
    mass = math.sqrt(max(e * e - parent[1] ** 2 - parent[2] ** 2 - parent[3] ** 2, 0.0))
    bx, by, bz = parent[1] / e, parent[2] / e, parent[3] / e
    b2 = bx * bx + by * by + bz * bz
    gamma = e / mass
    return bx, by, bz, gamma, (gamma - 1.0) / b2 if b2 > 0.0 else 0.0


@numba.njit(cache=True, inline="always")
def lab_point(
    p: np.ndarray, r: np.ndarray, frame: tuple, turned: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """One rest-frame four-vector ``p`` (4,) to the lab into ``out`` (4,): turned by ``r``,
    then boosted by ``frame`` (both from :func:`lab_frame`; ``turned`` is scratch (4,))."""
    turned[0] = p[0]
    _rotate_into(r, p[1], p[2], p[3], turned)
    bx, by, bz, gamma, g = frame
    _boost_by(turned, bx, by, bz, gamma, g, out)


@numba.njit(cache=True)
def _to_lab_rows(
    rest: tuple, direction: np.ndarray, parent: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover
    r = np.empty((3, 3))
    turned = np.empty(4)
    for i in range(direction.shape[0]):
        frame = lab_frame(direction[i], parent[i], r)
        for j in range(len(rest)):
            lab_point(rest[j][i], r, frame, turned, out[j, i])
