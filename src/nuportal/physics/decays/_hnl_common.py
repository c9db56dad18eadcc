"""Shared helpers of the minimal-HNL width kernels: input checks and kinematic functions."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from nuportal.constants import CHARGED_LEPTON_MASS, G_F
from nuportal.errors import NuportalError, unknown_name_message

#: flavours an HNL can mix with in the minimal model
LEPTON_FLAVOURS = ("e", "mu", "tau")


def hnl_masses(m_n: npt.ArrayLike) -> np.ndarray:
    """Return ``m_n`` as a float array after checking it is finite and positive (GeV).

    Raises
    ------
    NuportalError
        If any mass is NaN, infinite, zero or negative.
    """
    m = np.asarray(m_n, dtype=float)
    if not np.all(np.isfinite(m)):
        raise NuportalError("the HNL mass must be a finite number of GeV (got NaN or inf)")
    if np.any(m <= 0.0):
        raise NuportalError(f"the HNL mass must be positive (GeV); got {np.min(m)!r}")
    return m


def lepton_mass(flavour: str) -> float:
    """Charged-lepton mass (GeV) of flavour ``"e"``, ``"mu"`` or ``"tau"``.

    Raises
    ------
    NuportalError
        For an unknown flavour name.
    """
    check_flavour(flavour)
    return CHARGED_LEPTON_MASS[flavour]


def check_flavour(flavour: str) -> None:
    """Raise :class:`NuportalError` unless ``flavour`` is ``"e"``, ``"mu"`` or ``"tau"``."""
    if flavour not in LEPTON_FLAVOURS:
        raise NuportalError(unknown_name_message("lepton flavour", str(flavour), LEPTON_FLAVOURS))


def sqrt_kallen(a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike) -> np.ndarray:
    """√λ(a, b, c) of the Källén function λ = a² + b² + c² - 2ab - 2bc - 2ca, 0 where λ < 0.

    Written as λ = (a - b - c)² - 4bc so that the common case b, c ≪ a keeps its precision.
    """
    a, b, c = (np.asarray(v, dtype=float) for v in (a, b, c))
    lam = (a - b - c) ** 2 - 4.0 * b * c
    return np.sqrt(np.clip(lam, 0.0, None))


def muon_decay_unit(m_n: np.ndarray) -> np.ndarray:
    """G_F² m_N⁵ / (192 π³) in GeV, the width unit of all three-body channels."""
    return G_F**2 * m_n**5 / (192.0 * math.pi**3)
