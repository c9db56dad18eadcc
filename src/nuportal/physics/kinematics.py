"""Exact two-body kinematics of upscattering ν(k₁) + T(p₁) → N(k₂) + T(p₂), T at rest.

The projectile is massless, the target has mass M and the outgoing lepton mass m. With
s = M² + 2 M E_ν and Q² = -(k₁ - k₂)²:

* threshold: √s ≥ M + m, i.e. E_ν ≥ E_th = m + m²/(2M);
* Q²_max = -m² + 2 E₁* (E₂* + p₂*) with the centre-of-mass energies E₁* = (s - M²)/(2√s),
  E₂* = (s + m² - M²)/(2√s) and p₂* = λ^{1/2}(s, m², M²)/(2√s);
* Q²_min = m⁴ M² / (s Q²_max), from the product Q²_min Q²_max = m⁴ M²/s, which avoids
  the cancellation of the textbook expression -m² + 2 E₁*(E₂* - p₂*).

Energies in GeV, Q² in GeV².
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


def threshold_energy(m_lepton: float, m_target: float) -> float:
    """Neutrino energy threshold E_th = m + m²/(2M) in GeV."""
    return m_lepton + m_lepton**2 / (2.0 * m_target)


def _kallen(a: np.ndarray, b: float, c: float) -> np.ndarray:
    return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)


def q2_limits(energy: ArrayLike, m_lepton: float, m_target: float) -> tuple[np.ndarray, np.ndarray]:
    """(Q²_min, Q²_max) in GeV² for neutrino energies ``energy`` (GeV).

    Below threshold both limits are 0 (an empty range).
    """
    e = np.asarray(energy, dtype=float)
    s = m_target**2 + 2.0 * m_target * e
    root_s = np.sqrt(s)
    e1 = (s - m_target**2) / (2.0 * root_s)
    e2 = (s + m_lepton**2 - m_target**2) / (2.0 * root_s)
    lam = _kallen(s, m_lepton**2, m_target**2)
    above = (e > threshold_energy(m_lepton, m_target)) & (lam > 0)
    p2 = np.sqrt(np.where(above, lam, 0.0)) / (2.0 * root_s)
    q2_max = np.where(above, -(m_lepton**2) + 2.0 * e1 * (e2 + p2), 0.0)
    q2_min = np.where(above, m_lepton**4 * m_target**2 / (s * np.where(above, q2_max, 1.0)), 0.0)
    return q2_min, q2_max


@dataclass(frozen=True)
class LabKinematics:
    """Lab-frame scalars of ν(k₁) + T(p₁) → N(k₂) + T(p₂): ν along +z, N in the xz plane
    (x ≥ 0), T at rest; q = k₁ - k₂ = (ν, q_x, 0, q_z). Arrays of one shape, GeV.

    Attributes
    ----------
    energy : numpy.ndarray
        Neutrino energy E_ν.
    nu : numpy.ndarray
        Energy transfer ν = E_ν - E_N = Q²/2M.
    e_n, p_n : numpy.ndarray
        Energy and momentum of N.
    one_minus_cos : numpy.ndarray
        1 - cos θ, θ the angle of N to the neutrino (accurate down to θ → 0).
    q_x, q_z : numpy.ndarray
        Spatial components of q: -p_N sin θ and E_ν - p_N cos θ.
    ok : numpy.ndarray
        Physical points (Q²_min ≤ Q² ≤ Q²_max); the others hold the forward configuration.
    """

    energy: np.ndarray
    nu: np.ndarray
    e_n: np.ndarray
    p_n: np.ndarray
    one_minus_cos: np.ndarray
    q_x: np.ndarray
    q_z: np.ndarray
    ok: np.ndarray


def lab_kinematics(
    energy: ArrayLike, q2: ArrayLike, m_lepton: float, m_target: float
) -> LabKinematics:
    """The lab-frame scalars of :class:`LabKinematics` at ``energy`` (GeV) and ``q2`` (GeV²).

    Every component is written without cancellations so that Q² down to Q²_min ~ m⁴/E²
    stays accurate: E - E_N = Q²/2M, E - p_N = ((E - E_N)(E + E_N) + m²)/(E + p_N), and
    1 - cos θ = [Q² + m² (E_N + p_N - 2E)/(E_N + p_N)] / (2 E p_N).
    """
    e, q2a = np.broadcast_arrays(np.asarray(energy, dtype=float), np.asarray(q2, dtype=float))
    q2_min, q2_max = q2_limits(e, m_lepton, m_target)
    ok = (q2a >= q2_min) & (q2a <= q2_max) & (q2_max > 0)
    m2 = m_lepton**2
    q2a = np.where(ok, q2a, 0.0)  # unphysical points: forward placeholder, masked by the caller
    nu = q2a / (2.0 * m_target)
    e_n = e - nu
    p_n = np.sqrt(np.maximum(e_n * e_n - m2, 0.0))
    e_minus_p = (nu * (e + e_n) + m2) / (e + p_n)
    excess = -nu - e_minus_p  # E_N + p_N - 2E
    e_plus_p = e_n + p_n
    numerator = q2a + m2 * excess / np.where(e_plus_p > 0, e_plus_p, 1.0)
    physical = ok & (p_n > 0)
    one_minus_cos = np.where(physical, numerator / np.where(physical, 2.0 * e * p_n, 1.0), 0.0)
    one_minus_cos = np.minimum(np.maximum(one_minus_cos, 0.0), 2.0)
    sin_t = np.sqrt(one_minus_cos * (2.0 - one_minus_cos))
    return LabKinematics(
        e, nu, e_n, p_n, one_minus_cos, -p_n * sin_t, e_minus_p + p_n * one_minus_cos, ok
    )


def lab_momenta(
    energy: np.ndarray, q2: np.ndarray, m_lepton: float, m_target: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lab-frame four-momenta (k₁, k₂, p₁, p₂) for the neutrino along +z, N in the xz plane
    (GeV; from :func:`lab_kinematics`).

    Returns the four arrays of shape (..., 4) and a boolean mask of physical points
    (Q²_min ≤ Q² ≤ Q²_max); unphysical points get the forward configuration.
    """
    kin = lab_kinematics(energy, q2, m_lepton, m_target)
    e = kin.energy
    k1 = np.zeros((*e.shape, 4))
    k1[..., 0] = e
    k1[..., 3] = e
    k2 = np.zeros_like(k1)
    k2[..., 0] = kin.e_n
    k2[..., 1] = -kin.q_x
    k2[..., 3] = e - kin.q_z
    p1 = np.zeros_like(k1)
    p1[..., 0] = m_target
    p2 = np.zeros_like(k1)
    p2[..., 0] = m_target + kin.nu
    p2[..., 1] = kin.q_x
    p2[..., 3] = kin.q_z
    return k1, k2, p1, p2, kin.ok
