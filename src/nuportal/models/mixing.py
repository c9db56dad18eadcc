"""Z–Z' mixing: exact diagonalisation of the neutral massive gauge bosons.

The dark photon X of a U(1)_D mixes with the Standard-Model bosons through kinetic mixing
with hypercharge, ``(χ/2) B̂_μν X̂^μν``, and optionally through mass mixing with the Z. After
the kinetic terms are made canonical (B̂ = B + η X, X̂ = X/√(1-χ²), η = χ/√(1-χ²)), the
photon stays massless and couples to e·Q, while the mass matrix of (Z₀, X) reads

    M² = [[m_Z₀²,          m_Z₀² κ            ],
          [m_Z₀² κ,   m_X² + m_Z₀² s_W² η²    ]],   κ = -s_W η + ε_Z,

(Babu, Kolda & March-Russell, Phys. Rev. D 57, 6788 (1998), arXiv:hep-ph/9710441, Sec. II;
Davoudiasl, Lee & Marciano, Phys. Rev. D 85, 115019 (2012), arXiv:1203.2947, for the mass
mixing ε_Z). The currents coupled to Z₀ and X are

    Z₀:  g_Z (T₃ - s_W² Q),        X:  (e η / c_W) Y + g_D/√(1-χ²) Q_D.

The sign of η is chosen so that a light Z' couples to charged fermions as +ε e Q, the same
sign as the photon (ε = χ c_W is the "photon-like" kinetic mixing).

We take the *physical* masses m_Z (PDG) and m_Z' as inputs and solve for the bare
parameters (m_Z₀², m_X²) exactly: with T = m_Z² + m_Z'² and P = m_Z² m_Z'²,
trace and determinant of M² give (1 + κ²) a² - T a + P = 0 for a = m_Z₀². The physical
states are then the eigenvectors of M² *with those eigenvalues*: the Z' is by
construction the state of mass m_Z', for every m_Z' below or above m_Z (no label swap).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nuportal.constants import COS_THETA_W, M_Z, SIN_THETA_W
from nuportal.errors import NuportalError


@dataclass(frozen=True)
class NeutralBosonMixing:
    """Result of the Z–Z' diagonalisation.

    Attributes
    ----------
    z_components, zprime_components : tuple[float, float]
        Components (along Z₀, along X) of the physical Z and Z'; each is a unit vector and
        they are orthogonal. The interaction of a physical boson is the same combination of
        the Z₀ and X currents.
    eta : float
        η = χ/√(1-χ²), χ = ε / c_W the hypercharge kinetic mixing.
    dark_gauge_coupling : float
        g_D/√(1-χ²), the coupling of X to the dark charge.
    mz0_squared, mx_squared : float
        Bare mass parameters in GeV².
    """

    z_components: tuple[float, float]
    zprime_components: tuple[float, float]
    eta: float
    dark_gauge_coupling: float
    mz0_squared: float
    mx_squared: float


def diagonalise_z_zprime(
    m_zprime: float, epsilon: float, g_dark: float, epsilon_z: float = 0.0
) -> NeutralBosonMixing:
    """Diagonalise the (Z₀, X) mass matrix for physical masses m_Z (PDG) and ``m_zprime``.

    Parameters
    ----------
    m_zprime : float
        Physical Z' mass in GeV.
    epsilon : float
        Photon-like kinetic mixing ε (hypercharge mixing χ = ε / cos θ_W).
    g_dark : float
        Dark gauge coupling g_D.
    epsilon_z : float
        Mass mixing: the off-diagonal element of M² is shifted by ε_Z m_Z₀², so that a light
        Z' couples to the weak neutral current as ε_Z g_Z (T₃ - s_W² Q) (a "dark Z").

    Raises
    ------
    NuportalError
        If no real bare parameters reproduce the physical masses (m_Z' too close to m_Z for
        the given mixing: the levels repel and m_Z' cannot be reached).
    """
    chi = epsilon / COS_THETA_W
    if not abs(chi) < 1.0:
        raise NuportalError(f"kinetic mixing epsilon = {epsilon} is too large: need |ε| < cos θ_W")
    eta = chi / math.sqrt(1.0 - chi * chi)
    kappa = -SIN_THETA_W * eta + epsilon_z
    lam_z, lam_zp = M_Z**2, m_zprime**2
    trace, prod = lam_z + lam_zp, lam_z * lam_zp
    disc = trace * trace - 4.0 * (1.0 + kappa * kappa) * prod
    if disc < 0.0:
        raise NuportalError(
            f"m_Z' = {m_zprime} GeV cannot be reached with ε = {epsilon}, ε_Z = {epsilon_z}: "
            "the Z and Z' levels repel; choose m_Z' further from m_Z or smaller mixing"
        )
    roots = [(trace + sign * math.sqrt(disc)) / (2.0 * (1.0 + kappa * kappa)) for sign in (1, -1)]
    a = min(roots, key=lambda r: abs(r - lam_z))  # the bare Z mass stays closest to m_Z
    b_total = trace - a  # M²_22 = m_X² + a s² η²
    mass2 = np.array([[a, a * kappa], [a * kappa, b_total]])
    # Z eigenvector (eigenvalue m_Z²): orthogonal to the larger row of M² - m_Z²
    row0 = np.array([mass2[0, 0] - lam_z, mass2[0, 1]])
    row1 = np.array([mass2[1, 0], mass2[1, 1] - lam_z])
    row = row0 if np.hypot(*row0) >= np.hypot(*row1) else row1
    z_vec = np.array([-row[1], row[0]])
    norm = float(np.hypot(*z_vec))
    z_vec = np.array([1.0, 0.0]) if norm == 0.0 else z_vec / norm
    z_vec = z_vec if z_vec[0] > 0 else -z_vec
    # the Z' is the orthogonal eigenvector (eigenvalue m_Z'²), signed with a positive X part
    zp_vec = np.array([-z_vec[1], z_vec[0]])
    mx2 = b_total - a * SIN_THETA_W**2 * eta**2
    return NeutralBosonMixing(
        z_components=(float(z_vec[0]), float(z_vec[1])),
        zprime_components=(float(zp_vec[0]), float(zp_vec[1])),
        eta=eta,
        dark_gauge_coupling=g_dark / math.sqrt(1.0 - chi * chi),
        mz0_squared=a,
        mx_squared=mx2,
    )
