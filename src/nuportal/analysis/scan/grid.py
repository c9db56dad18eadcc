"""Scan grids: named axes (log or linear), their Cartesian product, and point keys.

A scan point is a plain ``dict`` ``{axis name: value}`` (floats; no live objects), so that it
can be sent to any worker process and written to a results file. Its *key* is a canonical
string of the values rounded to :data:`KEY_DIGITS` significant digits: the same physical
point always has the same key, whatever floating-point noise produced it (``0.1 * 3`` and
``0.3``), which is what the results file uses to decide which points are already done.

Examples
--------
>>> from nuportal.analysis.scan.grid import Axis, Grid, point_key
>>> grid = Grid([Axis.log("m4", 0.1, 1.0, 3), Axis.linear("s", 0.0, 1.0, 2)])
>>> grid.shape
(3, 2)
>>> grid.points()[1]
{'m4': 0.1, 's': 1.0}
>>> point_key({"s": 1.0, "m4": 0.1})
'{"m4":0.1,"s":1}'
>>> Axis.parse("m4:log:0.01:1:3").values
(0.01, 0.1, 1.0)
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.errors import NuportalError

__all__ = ["KEY_DIGITS", "SCALES", "Axis", "Grid", "point_key", "point_seed"]

#: significant digits of the values in a point key
KEY_DIGITS = 12
#: axis spacings
SCALES = ("log", "linear")

FloatArray = NDArray[np.float64]


def _rounded(value: float) -> float:
    return float(f"{value:.{KEY_DIGITS}g}")


def point_key(point: Mapping[str, float]) -> str:
    """Canonical key of a point: its values rounded to :data:`KEY_DIGITS` significant digits,
    names sorted, compact JSON (integral values written without a decimal point)."""
    values = {}
    for name in sorted(point):
        value = _rounded(float(point[name]))
        values[name] = int(value) if value.is_integer() and abs(value) < 2**53 else value
    return json.dumps(values, separators=(",", ":"))


def point_seed(point: Mapping[str, float], seed: int) -> int:
    """A seed for the random generator of one point, from the run's ``seed`` and the point's
    key: the same point gets the same random numbers on any worker, in any order."""
    digest = hashlib.sha256(f"{int(seed)}|{point_key(point)}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


@dataclass(frozen=True)
class Axis:
    """One scanned parameter: its name and the values it takes.

    Build it with :meth:`log`, :meth:`linear`, :meth:`parse` or from explicit ``values``.
    """

    name: str
    values: tuple[float, ...]
    scale: str = "linear"

    def __post_init__(self) -> None:
        if not self.name or not self.name.isidentifier():
            raise NuportalError(f"an axis name must be an identifier, got {self.name!r}")
        values = tuple(float(v) for v in self.values)
        if not values or not all(math.isfinite(v) for v in values):
            raise NuportalError(f"axis {self.name!r} needs at least one finite value")
        if len({_rounded(v) for v in values}) != len(values):
            raise NuportalError(f"axis {self.name!r} has repeated values")
        if self.scale not in SCALES:
            raise NuportalError(f"axis scale must be one of {SCALES}, got {self.scale!r}")
        if self.scale == "log" and min(values) <= 0:
            raise NuportalError(f"log axis {self.name!r} needs positive values")
        object.__setattr__(self, "values", values)

    @classmethod
    def log(cls, name: str, low: float, high: float, n: int) -> Axis:
        """``n`` values from ``low`` to ``high`` (both included), equally spaced in log."""
        _check_range(name, low, high, n)
        if low <= 0:
            raise NuportalError(f"log axis {name!r} needs 0 < low, got {low}")
        return cls(name, tuple(np.geomspace(low, high, n)), "log")

    @classmethod
    def linear(cls, name: str, low: float, high: float, n: int) -> Axis:
        """``n`` values from ``low`` to ``high`` (both included), equally spaced."""
        _check_range(name, low, high, n)
        return cls(name, tuple(np.linspace(low, high, n)), "linear")

    @classmethod
    def parse(cls, text: str) -> Axis:
        """An axis from ``"NAME:log|linear:LOW:HIGH:N"`` or ``"NAME:V1,V2,..."`` (CLI form)."""
        parts = text.split(":")
        try:
            if len(parts) == 5 and parts[1] in SCALES:
                maker = cls.log if parts[1] == "log" else cls.linear
                return maker(parts[0], float(parts[2]), float(parts[3]), int(parts[4]))
            if len(parts) == 2:
                return cls(parts[0], tuple(float(v) for v in parts[1].split(",")))
        except NuportalError:
            raise
        except ValueError:
            pass  # not numbers: the message below
        raise NuportalError(
            f"cannot read the axis {text!r}; write NAME:log:LOW:HIGH:N, "
            "NAME:linear:LOW:HIGH:N or NAME:V1,V2,..."
        )

    def __len__(self) -> int:
        return len(self.values)

    @property
    def array(self) -> FloatArray:
        """The values as a float array."""
        return np.asarray(self.values)


def _check_range(name: str, low: float, high: float, n: int) -> None:
    if int(n) != n or n < 1 or (n > 1 and not low < high) or (n == 1 and low != high):
        raise NuportalError(
            f"axis {name!r}: need n >= 1 values with low < high (low == high for n = 1), "
            f"got low={low}, high={high}, n={n}"
        )


@dataclass(frozen=True)
class Grid:
    """The Cartesian product of axes (first axis slowest), e.g. m4 × m_Z' or m4 × coupling.

    ``fixed`` parameters are added to every point (constant across the scan but part of
    each point, e.g. the coupling of a mass × mass scan at fixed coupling).
    """

    axes: tuple[Axis, ...]
    fixed: Mapping[str, float] | None = None

    def __init__(self, axes: Sequence[Axis], fixed: Mapping[str, float] | None = None):
        names = [a.name for a in axes]
        if not names:
            raise NuportalError("a grid needs at least one axis")
        clash = set(names) & set(fixed or {})
        if len(set(names)) != len(names) or clash:
            raise NuportalError(f"axis names must be distinct and not fixed: {names}")
        object.__setattr__(self, "axes", tuple(axes))
        object.__setattr__(self, "fixed", {k: float(v) for k, v in (fixed or {}).items()})

    @property
    def names(self) -> tuple[str, ...]:
        """Axis names in order."""
        return tuple(a.name for a in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of values along each axis."""
        return tuple(len(a) for a in self.axes)

    @property
    def size(self) -> int:
        """Number of points."""
        return math.prod(self.shape)

    def points(self) -> list[dict[str, float]]:
        """All points in C order (last axis fastest), each with the fixed parameters."""
        fixed = dict(self.fixed or {})
        return [
            {**dict(zip(self.names, values, strict=True)), **fixed}
            for values in itertools.product(*(a.values for a in self.axes))
        ]

    def reshape(self, values: ArrayLike) -> FloatArray:
        """Per-point values (in :meth:`points` order) as an array of shape :attr:`shape`."""
        arr = np.asarray(values, dtype=np.float64)
        if arr.shape[:1] != (self.size,):
            raise NuportalError(f"need {self.size} values (one per point), got {arr.shape}")
        return arr.reshape(self.shape + arr.shape[1:])
