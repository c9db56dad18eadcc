"""Profiling a coupling: the minimum of a statistic along one parameter, per scan point.

At each mass point of a fit the coupling is not scanned but *profiled*: the statistic (χ² or
−2 ln L) is minimised over it. :func:`profile_minimum` brackets the minimum on a coarse grid
(log or linear) and refines it with Brent's bounded method (scipy), so the answer does not
depend on the coarse grid's resolution; a minimum on the edge of the range is reported as
such (``at_edge``), not extrapolated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from nuportal.errors import NuportalError

__all__ = ["ProfileMinimum", "profile_minimum"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ProfileMinimum:
    """The minimum of a statistic along one parameter.

    Attributes
    ----------
    x : float
        Where the statistic is smallest.
    value : float
        The statistic there.
    at_edge : bool
        Whether the minimum is at an end of the range (the true minimum may lie outside).
    """

    x: float
    value: float
    at_edge: bool


def profile_minimum(
    statistic: Callable[[FloatArray], FloatArray],
    low: float,
    high: float,
    *,
    points: int = 41,
    log: bool = True,
    xtol: float = 1e-6,
) -> ProfileMinimum:
    """Minimise ``statistic`` over ``[low, high]``.

    Parameters
    ----------
    statistic : callable
        Vectorised: an array of parameter values → the statistic at each.
    low, high : float
        The range (``0 < low`` for ``log``).
    points : int
        Coarse grid points (log- or linearly spaced) that bracket the minimum.
    log : bool
        Work in ln x (couplings spanning decades) or in x.
    xtol : float
        Tolerance of the refinement in the working variable (ln x or x/(high − low)).
    """
    if not (low < high) or points < 3 or (log and low <= 0):
        raise NuportalError(
            f"a profile needs low < high (0 < low on a log axis) and >= 3 points, got "
            f"low={low}, high={high}, points={points}"
        )
    forward: Callable[[FloatArray], FloatArray] = np.log if log else (lambda x: x)
    backward: Callable[[FloatArray], FloatArray] = np.exp if log else (lambda t: t)
    start, stop = forward(np.array([low, high]))
    t = np.linspace(float(start), float(stop), points)
    values = np.asarray(statistic(backward(t)), dtype=np.float64)
    if values.shape != t.shape or not np.all(np.isfinite(values)):
        raise NuportalError("the profiled statistic must return one finite value per point")
    k = int(np.argmin(values))
    if k in (0, points - 1):
        return ProfileMinimum(float(backward(t[k])), float(values[k]), True)
    scale = 1.0 if log else high - low
    best = optimize.minimize_scalar(
        lambda u: float(np.asarray(statistic(backward(np.array([u]))))[0]),
        bounds=(t[k - 1], t[k + 1]),
        method="bounded",
        options={"xatol": xtol * scale},
    )
    if best.fun > values[k]:
        return ProfileMinimum(float(backward(t[k])), float(values[k]), False)
    return ProfileMinimum(float(backward(np.array(best.x))), float(best.fun), False)
