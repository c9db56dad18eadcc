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
variables only and interpolated with bicubic splines, which is ~15 times cheaper per event
than the spinor algebra. The tests bound the interpolation error against the exact density.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.interpolate import RectBivariateSpline

#: density(t, u, cos θ, χ, helicity) on the unit Dalitz square (t, u) ∈ [0, 1]²
Density = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int], np.ndarray]

#: orientations (cos θ, χ, helicity) that isolate A ± B_z, A + B_x and A + B_y
_STANDARD_UP = (1.0, 0.0, +1)
_STANDARD_DOWN = (1.0, 0.0, -1)
_ALONG_X = (0.0, np.pi, +1)
_ALONG_Y = (0.0, np.pi / 2, +1)


class SpinTable:
    """A(t, u) and B(t, u) of a decay density on the unit Dalitz square, as splines.

    Parameters
    ----------
    density : callable
        ``density(t, u, cos_theta, chi, helicity)`` → array, the exact density to tabulate
        (any normalisation; the table reproduces it).
    nodes : tuple of int
        Grid points in t and u: Chebyshev nodes, which crowd towards the edges of the square
        (where the density varies on the scale of the lepton masses) and never lie on them
        (where rounding could put a point outside the Dalitz plane); the splines cover the
        whole square.
    """

    def __init__(self, density: Density, nodes: tuple[int, int] = (128, 64)) -> None:
        t, u = (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n) for n in nodes)
        tt, uu = (a.ravel() for a in np.meshgrid(t, u, indexing="ij"))

        def at(orientation: tuple[float, float, int]) -> np.ndarray:
            cos_theta, chi, helicity = orientation
            values = density(tt, uu, np.full_like(tt, cos_theta), np.full_like(tt, chi), helicity)
            return np.asarray(values, float).reshape(nodes)

        up, down = at(_STANDARD_UP), at(_STANDARD_DOWN)
        a = 0.5 * (up + down)
        parts = {"a": a, "bz": 0.5 * (up - down), "bx": at(_ALONG_X) - a, "by": at(_ALONG_Y) - a}
        self._splines = {
            k: RectBivariateSpline(t, u, v, bbox=[0, 1, 0, 1], kx=3, ky=3) for k, v in parts.items()
        }

    def __call__(
        self,
        t: np.ndarray,
        u: np.ndarray,
        cos_theta: np.ndarray,
        chi: np.ndarray,
        helicity: int,
    ) -> np.ndarray:
        """The interpolated density at (t, u, cos θ, χ) for spin ``helicity`` = ±1 along +z,
        clipped at zero (a density cannot be negative; splines may undershoot at zeros)."""
        s = self._splines
        sin_theta = np.sqrt(np.clip(1.0 - cos_theta**2, 0.0, None))
        spin = s["bz"].ev(t, u) * cos_theta + sin_theta * (
            s["by"].ev(t, u) * np.sin(chi) - s["bx"].ev(t, u) * np.cos(chi)
        )
        return np.clip(s["a"].ev(t, u) + helicity * spin, 0.0, None)
