"""Tabulated rest-frame decay density of a spin-½ parent: |M|² = A(Φ) + B(Φ)·ŝ.

For a spin-½ parent the squared amplitude summed over final helicities is linear in the
parent's spin vector ŝ (its density matrix is (1 + σ·ŝ)/2), so at every point Φ of the
Dalitz plane

    |M|²(Φ, R, ŝ) = A(Φ) + B(Φ) · (R⁻¹ ŝ),

where A and the vector B are computed once in the standard orientation (daughter k₁ along
+z, k₂ in the xz-plane) and R is the rotation that orients the decay (polar angle θ of k₁ to
the spin axis, then the decay plane turned by χ about k₁; see
:meth:`~nuportal.physics.decays.three_body.LeptonPairDecay.oriented_momenta`). With
R = R_y(θ) R_z(χ), R⁻¹ẑ = (−sin θ cos χ, sin θ sin χ, cos θ), so for helicity h = ±1

    |M|²_h = A + h (B_z cos θ − B_x sin θ cos χ + B_y sin θ sin χ).

This is exact (Haber, "Spin formalism and applications to new physics searches",
hep-ph/9405376, Sec. 3: any observable of a spin-½ state is linear in its polarisation
vector). The generator samples four rest-frame variables per event; the exact amplitude
(explicit spinors, every mediator and interference) is evaluated on a grid in the two Dalitz
variables only and interpolated. The grid is uniform in the angles x = arccos(1 − 2t)/π
(Chebyshev nodes in t, crowding towards the edges of the Dalitz plane, where the density
varies on the scale of the lepton masses and behaves like √t, which is smooth in x); the
interpolation is Keys' cubic convolution (IEEE Trans. ASSP 29 (1981) 1153, a = −1/2, third
order) in x and y, a few times cheaper than a spline per point. The tests bound the
interpolation error against the exact density.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numba
import numpy as np

#: density(t, u, cos θ, χ, helicity) on the unit Dalitz square (t, u) ∈ [0, 1]²
Density = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int], np.ndarray]

#: orientations (cos θ, χ, helicity) that isolate A ± B_z, A + B_x and A + B_y
_STANDARD_UP = (1.0, 0.0, +1)
_STANDARD_DOWN = (1.0, 0.0, -1)
_ALONG_X = (0.0, np.pi, +1)
_ALONG_Y = (0.0, np.pi / 2, +1)
#: ghost cells on each side of the grid (the cubic stencil reaches two cells out)
_PAD = 2


def _pad(values: np.ndarray, axis: int) -> np.ndarray:
    """Add :data:`_PAD` ghost nodes at both ends of ``axis``, extrapolating the cubic through
    the four nodes nearest to each end (f₋₁ = 4f₀ − 6f₁ + 4f₂ − f₃)."""
    v = np.moveaxis(values, axis, 0)

    def ghosts(rows: np.ndarray) -> list[np.ndarray]:  # rows from the edge inwards
        out = list(rows[:4])
        for _ in range(_PAD):
            out.insert(0, 4 * out[0] - 6 * out[1] + 4 * out[2] - out[3])
        return out[:_PAD]  # outermost first

    low, high = ghosts(v), ghosts(v[::-1])[::-1]
    return np.moveaxis(np.concatenate([np.stack(low), v, np.stack(high)]), 0, axis)


class SpinTable:
    """A(t, u) and B(t, u) of a decay density on the unit Dalitz square, interpolated.

    Parameters
    ----------
    density : callable
        ``density(t, u, cos_theta, chi, helicity)`` → array, the exact function to tabulate
        (any normalisation; the table reproduces it).
    measure : callable, optional
        ``measure(t)``: the factor that turns the tabulated function into the density to be
        sampled by :meth:`sample` (default 1).
    nodes : tuple of int
        Grid points in t and u, uniform in x = arccos(1 − 2t)/π at the cell centres (never on
        the boundary of the Dalitz plane, where rounding could put a point outside it).
    """

    def __init__(
        self,
        density: Density,
        nodes: tuple[int, int] = (64, 32),
        measure: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        self._nodes = nodes
        self._measure = measure or np.ones_like
        t, u = (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n) for n in nodes)
        tt, uu = (a.ravel() for a in np.meshgrid(t, u, indexing="ij"))

        def at(orientation: tuple[float, float, int]) -> np.ndarray:
            cos_theta, chi, helicity = orientation
            values = density(tt, uu, np.full_like(tt, cos_theta), np.full_like(tt, chi), helicity)
            return np.asarray(values, float).reshape(nodes)

        up, down = at(_STANDARD_UP), at(_STANDARD_DOWN)
        a = 0.5 * (up + down)
        parts = np.stack([a, 0.5 * (up - down), at(_ALONG_X) - a, at(_ALONG_Y) - a], axis=-1)
        padded = _pad(_pad(parts, 0), 1)  # (nt + 4, nu + 4, 4): A, B_z, B_x, B_y
        self._width = padded.shape[1]
        self._table = padded.reshape(-1, 4)
        # proposal of :meth:`sample`: cells between the midpoints of the angle grid, each
        # with probability ∝ measure × A at its node × its area in (t, u)
        self._edges = [0.5 - 0.5 * np.cos(np.pi * np.arange(n + 1) / n) for n in nodes]
        area = np.outer(*(np.diff(e) for e in self._edges))
        cells = np.clip(a, 0.0, None) * self._measure(t)[:, None] * area
        self._cell_density = (cells / cells.sum() / area).ravel()
        self._cumulative = np.cumsum(cells.ravel()) / cells.sum()
        # guide table: the first cell whose cumulative reaches k/K, to start each search near
        # its answer (the cell drawn for r is the first with cumulative ≥ r, as a bisection)
        self._guide = np.searchsorted(self._cumulative, np.arange(cells.size + 1) / cells.size)

    @property
    def arrays(self) -> tuple:
        """The table as the first argument of the compiled :func:`sample_point` (for kernels
        that sample it inside their own loop)."""
        return (
            self._table, self._width, self._nodes[0], self._nodes[1], self._cumulative,
            self._guide, self._edges[0], self._edges[1], self._cell_density,
        )  # fmt: skip

    def components(self, t: np.ndarray, u: np.ndarray) -> np.ndarray:
        """(A, B_z, B_x, B_y) at (t, u), shape (n, 4)."""
        t = np.ascontiguousarray(t, dtype=np.float64)
        u = np.ascontiguousarray(u, dtype=np.float64)
        out = np.empty((len(t), 4))
        _interpolate(self._table, self._width, self._nodes[0], self._nodes[1], t, u, out)
        return out

    def __call__(
        self,
        t: np.ndarray,
        u: np.ndarray,
        cos_theta: np.ndarray,
        chi: np.ndarray,
        helicity: int,
    ) -> np.ndarray:
        """The interpolated density at (t, u, cos θ, χ) for spin ``helicity`` = ±1 along +z,
        clipped at zero (a density cannot be negative; interpolation may undershoot at
        zeros)."""
        a, bz, bx, by = self.components(t, u).T
        sin_theta = np.sqrt(np.clip(1.0 - cos_theta**2, 0.0, None))
        spin = bz * cos_theta + sin_theta * (by * np.sin(chi) - bx * np.cos(chi))
        return np.clip(a + helicity * spin, 0.0, None)

    def sample(
        self, n: int, helicity: int, rng: np.random.Generator, *, measured: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``n`` points (t, u, cos θ, χ) and their weights density/proposal, where density is
        measure(t) × the interpolated function for spin ``helicity`` along +z (with
        ``measured=False`` the weights lack the factor measure(t), for a caller that has it).

        (t, u) are drawn cell by cell with probability ∝ measure × A at the cell's node and
        uniformly inside it; the orientation d = R⁻¹ẑ = (−sin θ cos χ, sin θ sin χ, cos θ)
        exactly from 1 + b·d, b = h B/A at the drawn point (a linear density on the sphere:
        cos ψ to b from 1 + |b| cos ψ, azimuth uniform). The weights then only carry the
        variation of A inside a cell: their spread is small and their mean is the integral
        of the density over the square and the sphere.
        """
        cell = rng.random(n)
        t, u = rng.random(n), rng.random(n)
        r, phi = rng.random(n), rng.uniform(0.0, 2.0 * np.pi, n)
        cos_theta, chi, ratio = np.empty(n), np.empty(n), np.empty(n)
        _sample_rows(self.arrays, helicity, cell, t, u, r, phi, cos_theta, chi, ratio)
        return t, u, cos_theta, chi, self._measure(t) * ratio if measured else ratio


@numba.njit(cache=True, inline="always")
def _keys(d: float) -> float:  # pragma: no cover - compiled
    """Keys' kernel (a = −1/2) at distance ``d`` ∈ [0, 2) from a node."""
    if d <= 1.0:
        return (1.5 * d - 2.5) * d * d + 1.0
    return ((-0.5 * d + 2.5) * d - 4.0) * d + 2.0


@numba.njit(cache=True, inline="always")
def _stencil(t: float, n: int) -> tuple:  # pragma: no cover - compiled
    """First padded index of the 4-node stencil at t ∈ [0, 1] and the weights of its nodes
    i−1, i, i+1, i+2 for the point at i + frac: nodes sit at x = arccos(1 − 2t)/π = (i + ½)/n."""
    s = math.acos(min(max(1.0 - 2.0 * t, -1.0), 1.0)) / math.pi * n - 0.5
    i = min(max(math.floor(s), -1.0), n - 1.0)
    frac = s - i
    weights = (
        _keys(abs(-1.0 - frac)), _keys(abs(frac)), _keys(abs(1.0 - frac)), _keys(abs(2.0 - frac))
    )  # fmt: skip
    return int(i) - 1 + _PAD, weights


@numba.njit(cache=True, inline="always")
def _point(
    table: np.ndarray, width: int, nt: int, nu: int, t: float, u: float
) -> tuple[float, float, float, float]:  # pragma: no cover - compiled
    """(A, B_z, B_x, B_y) interpolated at (t, u)."""
    row, wx = _stencil(t, nt)
    col, wy = _stencil(u, nu)
    a = bz = bx = by = 0.0
    for i in range(4):
        base = (row + i) * width + col
        for j in range(4):
            w = wx[i] * wy[j]
            a += w * table[base + j, 0]
            bz += w * table[base + j, 1]
            bx += w * table[base + j, 2]
            by += w * table[base + j, 3]
    return a, bz, bx, by


@numba.njit(cache=True)
def _interpolate(
    table: np.ndarray, width: int, nt: int, nu: int, t: np.ndarray, u: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled  # fmt: skip
    for k in range(t.size):
        out[k, 0], out[k, 1], out[k, 2], out[k, 3] = _point(table, width, nt, nu, t[k], u[k])


@numba.njit(cache=True)
def _sample_rows(
    arrays: tuple, helicity: int, cell_r: np.ndarray, t: np.ndarray, u: np.ndarray,
    r: np.ndarray, phi: np.ndarray, cos_theta: np.ndarray, chi: np.ndarray, ratio: np.ndarray,
) -> None:  # pragma: no cover - compiled  # fmt: skip
    """The body of :meth:`SpinTable.sample`: ``t`` and ``u`` (uniform numbers on input)
    become the drawn point, ``ratio`` the interpolated density / proposal."""
    for k in range(t.size):
        t[k], u[k], cos_theta[k], d0, d1, ratio[k] = sample_point(
            arrays, helicity, cell_r[k], t[k], u[k], r[k], phi[k]
        )
        chi[k] = math.atan2(d1, -d0) % (2.0 * math.pi)


@numba.njit(cache=True, inline="always")
def sample_point(
    arrays: tuple, helicity: int, cell_r: float, t: float, u: float, r: float, phi: float
) -> tuple[float, float, float, float, float, float]:  # pragma: no cover - compiled
    """One draw of :meth:`SpinTable.sample` (compiled, for other kernels) from the uniform
    numbers ``cell_r``, ``t``, ``u``, ``r`` and the azimuth ``phi`` ∈ [0, 2π):
    (t, u, cos θ, d_x, d_y, ratio), with d = R⁻¹ẑ = (−sin θ cos χ, sin θ sin χ, cos θ) the
    drawn orientation (χ = atan2(d_y, −d_x)) and ratio = interpolated density / proposal
    (without the measure). ``arrays`` is :attr:`SpinTable.arrays`."""
    table, width, nt, nu, cumulative, guide, t_edges, u_edges, cell_density = arrays
    last = cumulative.size - 1
    cell = guide[int(cell_r * cumulative.size)]
    while cell < last and cumulative[cell] < cell_r:
        cell += 1
    row, col = cell // nu, cell % nu
    t = t_edges[row] + (t_edges[row + 1] - t_edges[row]) * t
    u = u_edges[col] + (u_edges[col + 1] - u_edges[col]) * u
    a, bz, bx, by = _point(table, width, nt, nu, t, u)
    scale = helicity / a if a > 0.0 else float(helicity)
    b0, b1, b2 = bx * scale, by * scale, bz * scale
    size = math.sqrt(b0 * b0 + b1 * b1 + b2 * b2)
    if size > 0.0:
        a0, a1, a2 = b0 / size, b1 / size, b2 / size
    else:
        a0, a1, a2 = 0.0, 0.0, 1.0
    size = min(size, 1.0)
    # cos ψ from (1 + s cos ψ)/2 by inverting its cumulative distribution
    if size < 1e-9:
        cos_psi = 2.0 * r - 1.0
    else:
        root = math.sqrt(max(1.0 - 2.0 * size * (1.0 - 0.5 * size - 2.0 * r), 0.0))
        cos_psi = (root - 1.0) / size
    cos_psi = min(max(cos_psi, -1.0), 1.0)
    # e₁ = axis × helper, e₂ = axis × e₁
    if abs(a0) < 0.9:
        e0, e1, e2 = 0.0, a2, -a1
    else:
        e0, e1, e2 = -a2, 0.0, a0
    norm = math.sqrt(e0 * e0 + e1 * e1 + e2 * e2)
    e0, e1, e2 = e0 / norm, e1 / norm, e2 / norm
    f0, f1, f2 = a1 * e2 - a2 * e1, a2 * e0 - a0 * e2, a0 * e1 - a1 * e0
    sin_psi = math.sqrt(max(1.0 - cos_psi * cos_psi, 0.0))
    cp, sp = math.cos(phi), math.sin(phi)
    d0 = cos_psi * a0 + sin_psi * (cp * e0 + sp * f0)
    d1 = cos_psi * a1 + sin_psi * (cp * e1 + sp * f1)
    d2 = cos_psi * a2 + sin_psi * (cp * e2 + sp * f2)
    spin = helicity * (bx * d0 + by * d1 + bz * d2)
    proposal = cell_density[cell] * (1.0 + size * cos_psi) / (4.0 * math.pi)
    ratio = max(a + spin, 0.0) / proposal if proposal > 0.0 else 0.0
    return t, u, min(max(d2, -1.0), 1.0), d0, d1, ratio
