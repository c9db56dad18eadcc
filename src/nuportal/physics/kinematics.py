"""Exact two-body kinematics of upscattering ν(k₁) + T(p₁) → N(k₂) + T(p₂), T at rest.

The projectile is massless, the target has mass M and the outgoing lepton mass m. With
s = M² + 2 M E_ν and Q² = -(k₁ - k₂)²:

* threshold: √s ≥ M + m, i.e. E_ν ≥ E_th = m + m²/(2M);
* Q²_max = -m² + 2 E₁* (E₂* + p₂*) with the centre-of-mass energies E₁* = (s - M²)/(2√s),
  E₂* = (s + m² - M²)/(2√s) and p₂* = λ^{1/2}(s, m², M²)/(2√s);
* Q²_min = m⁴ M² / (s Q²_max), from the product Q²_min Q²_max = m⁴ M²/s, which avoids
  the cancellation of the textbook expression -m² + 2 E₁*(E₂* - p₂*).

Energies in GeV, Q² in GeV². The per-point formulas are compiled (numba, cached on disk):
:func:`q2_limits_point`, :func:`lab_point` and :func:`lepton_momenta_point` are the single
implementation, used by the array functions here and by the kernels of
:mod:`nuportal.physics.upscattering` and :mod:`nuportal.generator.production`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import ArrayLike


def threshold_energy(m_lepton: float, m_target: float) -> float:
    """Neutrino energy threshold E_th = m + m²/(2M) in GeV."""
    return m_lepton + m_lepton**2 / (2.0 * m_target)


@numba.njit(cache=True, error_model="numpy")
def q2_limits_point(e: float, m: float, big_m: float) -> tuple[float, float]:  # pragma: no cover
    """(Q²_min, Q²_max) in GeV² at one neutrino energy ``e`` (GeV) for lepton and target
    masses ``m``, ``big_m``; both 0 below threshold. Compiled, for other kernels; the formulas
    of the module docstring with λ(s, m², M²) = s² + m⁴ + M⁴ − 2(s m² + s M² + m² M²)."""
    m2, big_m2 = m * m, big_m * big_m
    s = big_m2 + 2.0 * big_m * e
    lam = s * s + m2 * m2 + big_m2 * big_m2 - 2.0 * (s * m2 + s * big_m2 + m2 * big_m2)
    if not (e > m + m2 / (2.0 * big_m) and lam > 0.0):
        return 0.0, 0.0
    root_s = math.sqrt(s)
    e1 = (s - big_m2) / (2.0 * root_s)
    e2 = (s + m2 - big_m2) / (2.0 * root_s)
    q2_max = -m2 + 2.0 * e1 * (e2 + math.sqrt(lam) / (2.0 * root_s))
    return m2 * m2 * big_m2 / (s * q2_max), q2_max


@numba.njit(cache=True)
def _q2_limits_rows(e: np.ndarray, m: float, big_m: float, out: np.ndarray) -> None:
    for i in range(e.size):  # pragma: no cover - compiled
        out[0, i], out[1, i] = q2_limits_point(e[i], m, big_m)


def q2_limits(energy: ArrayLike, m_lepton: float, m_target: float) -> tuple[np.ndarray, np.ndarray]:
    """(Q²_min, Q²_max) in GeV² for neutrino energies ``energy`` (GeV).

    Below threshold both limits are 0 (an empty range).
    """
    e = np.asarray(energy, dtype=float)
    limits = np.empty((2, e.size))
    _q2_limits_rows(e.ravel(), float(m_lepton), float(m_target), limits)
    return limits[0].reshape(e.shape), limits[1].reshape(e.shape)


#: rows of :attr:`LabKinematics.columns`
COLUMNS = ("energy", "nu", "e_n", "p_n", "one_minus_cos", "q_x", "q_z")


@dataclass(frozen=True)
class LabKinematics:
    """Lab-frame scalars of ν(k₁) + T(p₁) → N(k₂) + T(p₂): ν along +z, N in the xz plane
    (x ≥ 0), T at rest; q = k₁ - k₂ = (ν, q_x, 0, q_z). GeV.

    Attributes
    ----------
    columns : numpy.ndarray
        Shape (7, ...): the rows :data:`COLUMNS`, each also a property of the same name.
    ok : numpy.ndarray
        Physical points (Q²_min ≤ Q² ≤ Q²_max); the others hold the forward configuration.
    """

    columns: np.ndarray
    ok: np.ndarray

    @property
    def energy(self) -> np.ndarray:
        """Neutrino energy E_ν."""
        return self.columns[0]

    @property
    def nu(self) -> np.ndarray:
        """Energy transfer ν = E_ν - E_N = Q²/2M."""
        return self.columns[1]

    @property
    def e_n(self) -> np.ndarray:
        """Energy of N."""
        return self.columns[2]

    @property
    def p_n(self) -> np.ndarray:
        """Momentum of N."""
        return self.columns[3]

    @property
    def one_minus_cos(self) -> np.ndarray:
        """1 - cos θ, θ the angle of N to the neutrino (accurate down to θ → 0)."""
        return self.columns[4]

    @property
    def q_x(self) -> np.ndarray:
        """x component of q: -p_N sin θ."""
        return self.columns[5]

    @property
    def q_z(self) -> np.ndarray:
        """z component of q: E_ν - p_N cos θ."""
        return self.columns[6]


@numba.njit(cache=True, error_model="numpy")
def lab_point(
    e: float, q2: float, m: float, big_m: float
) -> tuple[float, float, float, float, float, float, bool]:  # pragma: no cover
    """(ν, E_N, p_N, 1 - cos θ, q_x, q_z, physical) at one point (GeV, GeV²); compiled.

    Unphysical points get Q² = 0 (the forward configuration). Every component is written
    without cancellations so that Q² down to Q²_min ~ m⁴/E² stays accurate: E - E_N = Q²/2M,
    E - p_N = ((E - E_N)(E + E_N) + m²)/(E + p_N), and
    1 - cos θ = [Q² + m² (E_N + p_N - 2E)/(E_N + p_N)] / (2 E p_N).
    """
    q2_min, q2_max = q2_limits_point(e, m, big_m)
    ok = q2 >= q2_min and q2 <= q2_max and q2_max > 0.0
    if not ok:
        q2 = 0.0
    m2 = m * m
    nu = q2 / (2.0 * big_m)
    e_n = e - nu
    p_n = math.sqrt(max(e_n * e_n - m2, 0.0))
    e_minus_p = (nu * (e + e_n) + m2) / (e + p_n)
    e_plus_p = e_n + p_n
    numerator = q2 + m2 * (-nu - e_minus_p) / (e_plus_p if e_plus_p > 0.0 else 1.0)
    omc = numerator / (2.0 * e * p_n) if ok and p_n > 0.0 else 0.0
    omc = min(max(omc, 0.0), 2.0)
    sin_t = math.sqrt(omc * (2.0 - omc))
    return nu, e_n, p_n, omc, -p_n * sin_t, e_minus_p + p_n * omc, ok


@numba.njit(cache=True)
def _lab_rows(
    e: np.ndarray, q2: np.ndarray, m: float, big_m: float, columns: np.ndarray, ok: np.ndarray
) -> None:  # pragma: no cover - compiled
    for i in range(e.size):
        nu, e_n, p_n, omc, q_x, q_z, ok[i] = lab_point(e[i], q2[i], m, big_m)
        columns[0, i], columns[1, i], columns[2, i], columns[3, i] = e[i], nu, e_n, p_n
        columns[4, i], columns[5, i], columns[6, i] = omc, q_x, q_z


def _flat_points(energy: ArrayLike, q2: ArrayLike) -> tuple[np.ndarray, np.ndarray, tuple]:
    e, q2a = np.broadcast_arrays(np.asarray(energy, dtype=float), np.asarray(q2, dtype=float))
    return np.ascontiguousarray(e).ravel(), np.ascontiguousarray(q2a).ravel(), e.shape


def lab_kinematics(
    energy: ArrayLike, q2: ArrayLike, m_lepton: float, m_target: float
) -> LabKinematics:
    """The lab-frame scalars of :class:`LabKinematics` at ``energy`` (GeV) and ``q2`` (GeV²)
    (one compiled pass of :func:`lab_point`)."""
    e, q2a, shape = _flat_points(energy, q2)
    columns, ok = np.empty((7, e.size)), np.empty(e.size, bool)
    _lab_rows(e, q2a, float(m_lepton), float(m_target), columns, ok)
    return LabKinematics(columns.reshape(7, *shape), ok.reshape(shape))


@numba.njit(cache=True)
def lepton_momenta_point(
    out: np.ndarray, i: int, e: float, e_n: float, q_x: float, q_z: float
) -> None:  # pragma: no cover - compiled
    """out[0, i], out[1, i] = k₁ = (E, 0, 0, E), k₂ = k₁ − q = (E_N, −q_x, 0, E − q_z) from the
    scalars of :func:`lab_point` (every component written); compiled, for other kernels."""
    out[0, i, 0], out[0, i, 1], out[0, i, 2], out[0, i, 3] = e, 0.0, 0.0, e
    out[1, i, 0], out[1, i, 1], out[1, i, 2], out[1, i, 3] = e_n, -q_x, 0.0, e - q_z


@numba.njit(cache=True)
def _momenta_rows(
    e: np.ndarray, q2: np.ndarray, m: float, big_m: float, out: np.ndarray, ok: np.ndarray
) -> None:  # pragma: no cover - compiled
    """out[0..3, i] = k₁, k₂, p₁, p₂ of point i (every component written)."""
    for i in range(e.size):
        nu, e_n, _, _, q_x, q_z, ok[i] = lab_point(e[i], q2[i], m, big_m)
        lepton_momenta_point(out, i, e[i], e_n, q_x, q_z)
        out[2, i, 0], out[2, i, 1], out[2, i, 2], out[2, i, 3] = big_m, 0.0, 0.0, 0.0
        out[3, i, 0], out[3, i, 1], out[3, i, 2], out[3, i, 3] = big_m + nu, q_x, 0.0, q_z


@numba.njit(cache=True)
def _lepton_rows(columns: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    for i in range(columns.shape[1]):
        e, e_n, q_x, q_z = columns[0, i], columns[2, i], columns[5, i], columns[6, i]
        lepton_momenta_point(out, i, e, e_n, q_x, q_z)


def lepton_momenta(kin: LabKinematics) -> tuple[np.ndarray, np.ndarray]:
    """The four-momenta (k₁, k₂) of :func:`lab_momenta` (GeV, shape (..., 4)) from lab-frame
    scalars already computed, without recomputing the kinematics."""
    columns = np.ascontiguousarray(kin.columns).reshape(7, -1)
    out = np.empty((2, columns.shape[1], 4))
    _lepton_rows(columns, out)
    shape = kin.ok.shape
    return out[0].reshape(*shape, 4), out[1].reshape(*shape, 4)


def lab_momenta(
    energy: np.ndarray, q2: np.ndarray, m_lepton: float, m_target: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lab-frame four-momenta (k₁, k₂, p₁, p₂) for the neutrino along +z, N in the xz plane
    (GeV; one compiled pass of :func:`lab_point`).

    Returns the four arrays of shape (..., 4) and a boolean mask of physical points
    (Q²_min ≤ Q² ≤ Q²_max); unphysical points get the forward configuration.
    """
    e, q2a, shape = _flat_points(energy, q2)
    out, ok = np.empty((4, e.size, 4)), np.empty(e.size, bool)
    _momenta_rows(e, q2a, float(m_lepton), float(m_target), out, ok)
    k1, k2, p1, p2 = (x.reshape(*shape, 4) for x in out)
    return k1, k2, p1, p2, ok.reshape(shape)
