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


def lab_momenta(
    energy: np.ndarray, q2: np.ndarray, m_lepton: float, m_target: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lab-frame four-momenta (k₁, k₂, p₁, p₂) for the neutrino along +z, N in the xz plane.

    Returns the four arrays of shape (..., 4) and a boolean mask of physical points
    (Q²_min ≤ Q² ≤ Q²_max); unphysical points get the forward configuration.
    """
    e = np.asarray(energy, dtype=float)
    q2 = np.asarray(q2, dtype=float)
    e, q2 = np.broadcast_arrays(e, q2)
    q2_min, q2_max = q2_limits(e, m_lepton, m_target)
    ok = (q2 >= q2_min) & (q2 <= q2_max) & (q2_max > 0)
    # Every component is written without cancellations so that Q² down to Q²_min ~ m⁴/E²
    # stays accurate: E - E_N = Q²/2M, E - p_N = ((E - E_N)(E + E_N) + m²)/(E + p_N), and
    # 1 - cos θ = [Q² + m² (E_N + p_N - 2E)/(E_N + p_N)] / (2 E p_N).
    m2 = m_lepton**2
    q2 = np.where(ok, q2, 0.0)  # unphysical points: forward placeholder, masked by the caller
    nu = q2 / (2.0 * m_target)
    e_n = e - nu
    p_n = np.sqrt(np.clip(e_n * e_n - m2, 0.0, None))
    e_minus_p = (nu * (e + e_n) + m2) / (e + p_n)
    excess = -nu - (nu * (e_n + e) + m2) / (p_n + e)  # E_N + p_N - 2E
    numerator = q2 + m2 * excess / np.where(e_n + p_n > 0, e_n + p_n, 1.0)
    denom = np.where(ok & (p_n > 0), 2.0 * e * p_n, 1.0)
    one_minus_cos = np.clip(np.where(ok, numerator / denom, 0.0), 0.0, 2.0)
    sin_t = np.sqrt(one_minus_cos * (2.0 - one_minus_cos))
    zeros = np.zeros_like(e)
    k1 = np.stack([e, zeros, zeros, e], axis=-1)
    q = np.stack([nu, -p_n * sin_t, zeros, e_minus_p + p_n * one_minus_cos], axis=-1)
    k2 = k1 - q
    p1 = np.stack([np.full_like(e, m_target), zeros, zeros, zeros], axis=-1)
    p2 = p1 + q
    return k1, k2, p1, p2, ok
