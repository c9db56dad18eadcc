"""Polarised two-body decays of a heavy neutral lepton: F(spin) → f + boson.

:func:`two_body_angular` gives dΓ/dcos θ of a fermion of mass M at rest with spin ±½ along
+z decaying to a fermion f (mass m, direction at polar angle θ to the spin) and a vector,
scalar or photon, for a vertex ψ̄_f Γ (c_L P_L + c_R P_R) ψ_F with Γ = γ^μ, 1 or
σ^{μν} q_ν (conventions of :mod:`nuportal.models.couplings`). The amplitude is summed
numerically over explicit helicity spinors (:mod:`nuportal.physics.dirac`) and boson
polarisations, so any coupling works; integrated over cos θ it is the width of
:mod:`~nuportal.physics.decays.two_body`. For a left-handed massless daughter the
distributions are 1 + α cos θ with the analysing powers α = +1 (photon), −1 (scalar) and
−(M² − 2m_V²)/(M² + 2m_V²) (vector), the last as for t → b W (Jeżabek & Kühn,
Nucl. Phys. B 320 (1989) 20). The fermion of F → f γ is polarised along its direction only,
:func:`photon_daughter_helicity`.

The cascade N → ν Z' → ν ℓ⁺ℓ⁻ (or through h') keeps the spin correlation between the two
decays when it is generated as the three-body decay through the on-shell mediator
(:class:`~nuportal.physics.decays.three_body.LeptonPairDecay` with ``on_shell=True`` and
the mediator's total width): its rate is Γ(N → ν Z') BR(Z' → ℓℓ) in the narrow-width
limit (tested), and its distribution is that of the polarised Z' produced by the N.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nuportal.physics import dirac

KINDS = ("vector", "scalar", "photon")


def _polarisations(direction: np.ndarray, momentum: float, energy: float, mass: float) -> list:
    """Polarisation vectors (n, 4) of a boson moving along unit vectors ``direction`` (n, 3)."""
    helper = np.where(np.abs(direction[:, 1:2]) < 0.9, [[0.0, 1.0, 0.0]], [[1.0, 0.0, 0.0]])
    e1 = np.cross(direction, helper)
    e1 /= np.linalg.norm(e1, axis=1)[:, None]
    e2 = np.cross(direction, e1)
    zero = np.zeros((len(direction), 1))
    pols = [np.hstack([zero, e1]), np.hstack([zero, e2])]
    if mass > 0:
        pols.append(np.hstack([zero + momentum / mass, energy / mass * direction]))
    return pols


def two_body_angular(
    kind: str,
    mass: float,
    m_fermion: float,
    m_boson: float,
    c_l: complex,
    c_r: complex,
    helicity: int,
    cos_theta: ArrayLike,
) -> np.ndarray:
    """dΓ/dcos θ in GeV for F(spin ``helicity``/2 along +z) → f(θ) + boson.

    ``kind`` is ``"vector"``, ``"scalar"`` or ``"photon"`` (dipole, ``m_boson`` ignored).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    ct = np.atleast_1d(np.asarray(cos_theta, float))
    m_b = 0.0 if kind == "photon" else m_boson
    if mass <= m_fermion + m_b:
        return np.zeros_like(ct)
    lam = (mass**2 - (m_fermion + m_b) ** 2) * (mass**2 - (m_fermion - m_b) ** 2)
    p = np.sqrt(lam) / (2 * mass)
    st = np.sqrt(np.clip(1 - ct**2, 0, None))
    direction = np.stack([st, np.zeros_like(ct), ct], axis=-1)
    k = np.hstack([np.full((len(ct), 1), np.hypot(p, m_fermion)), p * direction])
    q = np.hstack([np.full((len(ct), 1), np.hypot(p, m_b)), -p * direction])
    rest = np.zeros((len(ct), 4))
    rest[:, 0] = mass
    chiral = c_l * dirac.P_LEFT + c_r * dirac.P_RIGHT
    u_parent = dirac.spinor_u(rest, helicity)
    total = np.zeros(len(ct))
    for h in (-1, 1):
        bar_f = dirac.bar(dirac.spinor_u(k, h))
        if kind == "scalar":
            amp = np.einsum("na,ab,nb->n", bar_f, chiral, u_parent)
            total += np.abs(amp) ** 2
            continue
        for eps in _polarisations(-direction, p, q[0, 0], m_b):
            vertex = dirac.slash(np.conj(eps))
            if kind == "photon":
                q_slash = dirac.slash(q)
                vertex = 0.5j * (vertex @ q_slash - q_slash @ vertex)
            amp = np.einsum("na,nab,bc,nc->n", bar_f, vertex, chiral, u_parent)
            total += np.abs(amp) ** 2
    # dΓ/dcosθ = |M|² p / (16π M²) (two-body phase space, ∫dφ = 2π)
    return total * p / (16.0 * np.pi * mass**2)


def analysing_power(
    kind: str, mass: float, m_fermion: float, m_boson: float, c_l: complex, c_r: complex
) -> float:
    """α of dΓ/dcos θ ∝ 1 + α cos θ for spin +½ along +z (a spin-½ parent's two-body
    distribution is linear in cos θ; spin −½ has −α)."""
    ends = two_body_angular(kind, mass, m_fermion, m_boson, c_l, c_r, +1, [-1.0, 1.0])
    total = ends[1] + ends[0]
    return float((ends[1] - ends[0]) / total) if total > 0 else 0.0


def photon_daughter_helicity(
    alpha: ArrayLike, helicity: ArrayLike, cos_theta: ArrayLike
) -> np.ndarray:
    """Longitudinal polarisation P_L (twice the helicity) of the fermion f of F → f γ, for
    F at rest with spin ``helicity``/2 = ±½ along +z and f at polar angle θ to it.

    Only two helicity amplitudes A_λ exist (Jacob & Wick, Ann. Phys. 7 (1959) 404): the
    photon, moving along −k̂_f, has helicity λ_γ = ±1 and the projection λ − λ_γ of the
    total spin on k̂_f must be ±½, so λ_γ = 2λ for the f helicity λ = ±½ and the projection
    is −λ. The two amplitudes lead to different photon states and do not interfere, so f is
    polarised along k̂_f only, and with the rotation d^{1/2}_{h/2, −λ}(θ) from the spin
    axis, |d|² = (1 − 2λ h cos θ)/2,

        dΓ_λ/dcos θ ∝ |A_λ|² (1 − 2λ h cos θ),
        α = (|A₋|² − |A₊|²)/(|A₋|² + |A₊|²),        (dΓ/dcos θ ∝ 1 + h α cos θ)
        P_L = (dΓ₊ − dΓ₋)/(dΓ₊ + dΓ₋) = −(α + h cos θ)/(1 + h α cos θ),

    with α the analysing power of :func:`analysing_power` for the decay's own couplings
    (that of the CP-conjugate decay for an anti-F). Averaged over the two spins of F,
    P_L = −α at every angle, as for the baryon of a radiative hyperon decay (J. D. Jackson,
    "Radiative hyperon decays", Review of Particle Physics, PDG). A single amplitude
    (|α| = 1, e.g. a pure σ^{μν} P_R or P_L dipole, any masses) gives P_L = −α everywhere,
    also at the zero of the rate.

    Parameters
    ----------
    alpha : array_like
        Analysing power of the decay (dimensionless, −1 ≤ α ≤ 1).
    helicity : array_like
        Spin of F along +z (±1).
    cos_theta : array_like
        cos θ of the direction of f.

    Returns
    -------
    numpy.ndarray
        P_L in [−1, 1], broadcast over the arguments.
    """
    a, h, c = np.broadcast_arrays(*(np.asarray(x, float) for x in (alpha, helicity, cos_theta)))
    rate = 1.0 + h * a * c
    open_ = rate > 0.0  # the rate vanishes only for |α| = 1, where P_L = −α
    ratio = -(a + h * c) / np.where(open_, rate, 1.0)
    return np.clip(np.where(open_, ratio, -a), -1.0, 1.0)


def sample_cos_theta(alpha: float, helicity: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` values of cos θ distributed as 1 + h α cos θ (inverse of the cumulative
    distribution), for a parent of helicity ``h`` = ±1 and analysing power ``alpha``."""
    a = helicity * alpha
    u = rng.uniform(0.0, 1.0, n)
    if abs(a) < 1e-12:
        return 2.0 * u - 1.0
    # F(c) = [c + 1 + a (c² − 1)/2] / 2 = u  ⇒  a c²/2 + c + 1 − a/2 − 2u = 0
    disc = np.clip(1.0 - 2.0 * a * (1.0 - 0.5 * a - 2.0 * u), 0.0, None)
    return np.clip((np.sqrt(disc) - 1.0) / a, -1.0, 1.0)
