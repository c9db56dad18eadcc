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

from collections.abc import Callable

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


def _angle(t: np.ndarray) -> np.ndarray:
    """x = arccos(1 − 2t)/π ∈ [0, 1] for t ∈ [0, 1] (clipped)."""
    return np.arccos(np.clip(1.0 - 2.0 * t, -1.0, 1.0)) / np.pi


def _keys_weights(frac: np.ndarray) -> np.ndarray:
    """Weights (n, 4) of the nodes i−1, i, i+1, i+2 for a point at i + frac (a = −1/2)."""
    f = frac[:, None]
    d = np.abs(np.array([-1.0, 0.0, 1.0, 2.0]) - f)
    inner = (1.5 * d - 2.5) * d * d + 1.0
    outer = ((-0.5 * d + 2.5) * d - 4.0) * d + 2.0
    return np.where(d <= 1.0, inner, outer)


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

    def components(self, t: np.ndarray, u: np.ndarray) -> np.ndarray:
        """(A, B_z, B_x, B_y) at (t, u), shape (n, 4)."""
        rows, wx = self._stencil(_angle(np.asarray(t, float)), self._nodes[0])
        cols, wy = self._stencil(_angle(np.asarray(u, float)), self._nodes[1])
        out = np.zeros((len(rows), 4))
        for i in range(4):
            line = np.zeros((len(rows), 4))
            base = (rows + i) * self._width + cols
            for j in range(4):
                line += wy[:, j : j + 1] * np.take(self._table, base + j, axis=0)
            out += wx[:, i : i + 1] * line
        return out

    @staticmethod
    def _stencil(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """First padded index of the 4-node stencil and its weights for x ∈ [0, 1]."""
        s = x * n - 0.5  # node i sits at s = i
        i = np.clip(np.floor(s), -1, n - 1)
        return (i - 1 + _PAD).astype(np.intp), _keys_weights(s - i)

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
        self, n: int, helicity: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``n`` points (t, u, cos θ, χ) and their weights density/proposal, where density is
        measure(t) × the interpolated function for spin ``helicity`` along +z.

        (t, u) are drawn cell by cell with probability ∝ measure × A at the cell's node and
        uniformly inside it; the orientation d = R⁻¹ẑ = (−sin θ cos χ, sin θ sin χ, cos θ)
        exactly from 1 + b·d, b = h B/A at the drawn point (a linear density on the sphere:
        cos ψ to b from 1 + |b| cos ψ, azimuth uniform). The weights then only carry the
        variation of A inside a cell: their spread is small and their mean is the integral
        of the density over the square and the sphere.
        """
        last = self._cumulative.size - 1
        cell = np.minimum(np.searchsorted(self._cumulative, rng.random(n)), last)
        row, col = np.divmod(cell, self._nodes[1])
        te, ue = self._edges
        t = te[row] + (te[row + 1] - te[row]) * rng.random(n)
        u = ue[col] + (ue[col + 1] - ue[col]) * rng.random(n)
        a, bz, bx, by = self.components(t, u).T
        b = helicity * np.stack([bx, by, bz], axis=-1) / np.where(a > 0, a, 1.0)[:, None]
        size = np.linalg.norm(b, axis=1)
        axis = b / np.where(size > 0, size, 1.0)[:, None]
        axis[size == 0] = (0.0, 0.0, 1.0)
        size = np.minimum(size, 1.0)
        # cos ψ from (1 + s cos ψ)/2 by inverting its cumulative distribution
        r = rng.random(n)
        small = size < 1e-9
        s_safe = np.where(small, 1.0, size)
        root = np.sqrt(np.clip(1.0 - 2.0 * s_safe * (1.0 - 0.5 * s_safe - 2.0 * r), 0.0, None))
        cos_psi = np.clip(np.where(small, 2.0 * r - 1.0, (root - 1.0) / s_safe), -1.0, 1.0)
        phi = rng.uniform(0.0, 2.0 * np.pi, n)
        helper = np.where(np.abs(axis[:, :1]) < 0.9, [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
        e1 = np.cross(axis, helper)
        e1 /= np.linalg.norm(e1, axis=1)[:, None]
        e2 = np.cross(axis, e1)
        sin_psi = np.sqrt(np.clip(1.0 - cos_psi**2, 0.0, None))
        d = cos_psi[:, None] * axis + sin_psi[:, None] * (
            np.cos(phi)[:, None] * e1 + np.sin(phi)[:, None] * e2
        )
        cos_theta = np.clip(d[:, 2], -1.0, 1.0)
        chi = np.arctan2(d[:, 1], -d[:, 0]) % (2.0 * np.pi)
        spin = helicity * (bx * d[:, 0] + by * d[:, 1] + bz * d[:, 2])
        density = self._measure(t) * np.clip(a + spin, 0.0, None)
        proposal = self._cell_density[cell] * (1.0 + size * cos_psi) / (4.0 * np.pi)
        return t, u, cos_theta, chi, density / np.where(proposal > 0, proposal, np.inf)
