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
        ``density(t, u, cos_theta, chi, helicity)`` → array, the exact density to tabulate
        (any normalisation; the table reproduces it).
    nodes : tuple of int
        Grid points in t and u, uniform in x = arccos(1 − 2t)/π at the cell centres (never on
        the boundary of the Dalitz plane, where rounding could put a point outside it).
    """

    def __init__(self, density: Density, nodes: tuple[int, int] = (128, 64)) -> None:
        self._nodes = nodes
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
