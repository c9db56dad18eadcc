"""Dark-photon production at BaBar (e⁺e⁻ → γ A') and NA64 (e⁻ Z → e⁻ Z A').

Both processes go through the photon-like coupling ε e of the A' to the electron, so every
cross section here is ε² times a QED quantity. Masses and energies in GeV, angles in
radians, cross sections in cm² (GeV⁻² inside, converted with (ħc)² at the return).

e⁺e⁻ → γ A' (radiative return, massless electrons)
    For a vector V coupled with g to the electron, the spin-averaged squared amplitude of
    e⁺e⁻ → γ V is 2 e² g² [t/u + u/t + 2 m² s/(t u)] (the QED analogue of q q̄ → γ Z; the
    test suite checks it against an explicit Dirac trace). With t, u = −(s − m²)(1 ∓ c)/2,
    c = cos θ* of the photon to the e⁻ beam in the centre-of-mass frame,

        dσ/dc = (2π α² ε² / s) (1 − m²/s) [1 + c² + 4 m² s/(s − m²)²] / (1 − c²),

    the form of Borodatchenkova, Choudhury and Drees, PRL 96, 141802 (2006),
    arXiv:hep-ph/0510147, Eq. (2), used by Essig, Schuster and Toro, arXiv:0903.3941, and by
    BaBar, arXiv:1702.03327. At m → 0 it is 2ε² times the e⁺e⁻ → γγ cross section of one
    ordered photon pair, dσ_γγ/dc = (π α²/s)(1 + c²)/(1 − c²) (Peskin & Schroeder Eq. 5.105
    with the ½ for identical photons taken out of the angular integral). The A' energy in
    the centre-of-mass frame is fixed, E* = (s + m²)/(2√s).

e⁻ Z → e⁻ Z A' (bremsstrahlung on a nucleus)
    Improved Weizsäcker–Williams (IWW) approximation: the double-differential cross section
    of Bjorken, Essig, Schuster and Toro (BEST), arXiv:0906.0580, Eq. (A12),

        dσ/(dx d cos θ) = 8 α³ ε² E₀² x β χ / U² [1 − x + x²/2 − x (1 − x) m² E₀² x θ² / U²],

    U = E₀² x θ² + m² (1 − x)/x + m_e² x, β = (1 − m²/E₀²)^½, x = E_A'/E₀, θ the A' angle
    to the beam, integrated analytically over θ (small angles, θ_max → ∞):

        dσ/dx = 4 α³ ε² β χ(x) [(1 − x + x²/2)/U₀ − x (1 − x) m²/(6 U₀²)],  U₀ = U(θ = 0),

    which for m ≫ m_e is BEST's Eq. (A16), 4 α³ ε² β χ x (1 + x²/(3(1 − x)))/m². The
    effective photon flux χ = ∫ dt (t − t_min)/t² G₂(t) from t_min to t_max = m² + m_e²
    (BEST Eq. (A17)) is evaluated at each x with t_min = (U₀/(2E₀(1 − x)))² (BEST Eq. (A15)
    at θ = 0) rather than with the x-independent t_min = m⁴/(4E₀²) of the plain WW
    approximation. This is the IWW prescription of Liu, Miller et al., arXiv:1609.06781
    (and arXiv:1705.01633), chosen because the x-dependent t_min keeps the kinematics of the
    x → 1 region, where the NA64 signal (E_A' > E₀/2) lives, which the x-independent flux
    misses; it stays an approximation to the exact tree-level cross section, from which the
    WW family differs by −20 % to +80 % for electron beams (arXiv:2409.12748, abstract).
    G₂ is the elastic (coherent) form factor of Tsai, Rev. Mod. Phys. 46, 815 (1974),
    Eq. (3.38), as written in BEST Eq. (A18): atomic screening a = 111 Z^(−1/3)/m_e and
    nuclear size d = 0.164 GeV² A^(−2/3),

        G₂(t) = Z² [a² t/(1 + a² t)]² [1/(1 + t/d)]²;

    the inelastic (∝ Z) atomic term is neglected (1/Z ≈ 1 % for lead).

NA64 yield per electron on target
    The thick active target (the ECAL) is treated as a thin target times the track length of
    the primary electron: at depth t (radiation lengths) the primary has the Bethe–Heitler
    energy distribution, ln(E₀/E) Gamma-distributed with shape (4/3) t (Bethe & Heitler,
    Proc. R. Soc. A 146, 83 (1934); Rossi's approximation A), so its track length with
    energy above E is X₀ ∫ dt P(ln(E₀/E_e) < ln(E₀/E)). Secondary electrons and positrons
    (from photons that convert after a hard bremsstrahlung) and the ≈ 1 % share of the
    scintillator in the radiation length of a Pb–Sc shashlik are neglected, so the yield
    is per radiation length of lead. This is the "thin target × effective radiation length"
    approximation (validated in the tests against the NA64 2019 limit). The recoil
    electron must keep a minimum energy (NA64's pre-shower trigger), which removes the
    x → 1 end of the spectrum (about half of the A' at m_A' ≳ 100 MeV).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import trapezoid
from scipy.special import gammainc

from nuportal.constants import ALPHA_EM, PDG_ELECTRON, mass
from nuportal.errors import NuportalError
from nuportal.units import AVOGADRO, GEV2_TO_CM2

#: electron mass in GeV
M_ELECTRON = mass(PDG_ELECTRON)

# Gauss–Legendre nodes on [-1, 1] for the flux integral in ln t (smooth integrand)
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(96)


# --------------------------------------------------------------------------- e+e- -> gamma A'


@dataclass(frozen=True)
class Collider:
    """Asymmetric e⁺e⁻ collider, e⁻ beam along +z.

    Attributes
    ----------
    sqrt_s : float
        Centre-of-mass energy in GeV (default 10.58, the Υ(4S) of PEP-II/BaBar).
    e_electron : float
        e⁻ beam energy in GeV (default 9.0; PEP-II "9 GeV electrons collide with 3.1 GeV
        positrons", so the e⁺ energy s/(4 E₋) = 3.109 GeV).
    """

    sqrt_s: float = 10.58
    e_electron: float = 9.0

    def __post_init__(self) -> None:
        if not (self.sqrt_s > 0 and self.e_electron > 0):
            raise NuportalError("collider energies must be positive (GeV)")

    @property
    def s(self) -> float:
        """Squared centre-of-mass energy in GeV²."""
        return self.sqrt_s**2

    @property
    def e_positron(self) -> float:
        """e⁺ beam energy s/(4 E₋) in GeV (massless beams)."""
        return self.s / (4.0 * self.e_electron)

    @property
    def beta_gamma(self) -> float:
        """βγ of the centre-of-mass frame along +z, (E₋ − E₊)/√s (0.558 for BaBar)."""
        return (self.e_electron - self.e_positron) / self.sqrt_s


BABAR = Collider()


def _check_mass(m_aprime: ArrayLike, limit: float, what: str) -> np.ndarray:
    m = np.asarray(m_aprime, float)
    if np.any(~np.isfinite(m)) or np.any(m <= 0) or np.any(m >= limit):
        raise NuportalError(f"m_A' must lie in (0, {limit:g}) GeV for {what}; got {m_aprime!r}")
    return m


def _radiative_k(m: np.ndarray, s: float) -> np.ndarray:
    """K = 4 m² s/(s − m²)², the mass term of the e⁺e⁻ → γ A' angular distribution."""
    return 4.0 * m**2 * s / (s - m**2) ** 2


def _radiative_norm(m: np.ndarray, epsilon: ArrayLike, s: float) -> np.ndarray:
    """2π α² ε² (1 − m²/s)/s in GeV⁻²."""
    return 2.0 * math.pi * ALPHA_EM**2 * np.asarray(epsilon, float) ** 2 * (1.0 - m**2 / s) / s


def dsigma_dcos_gamma_aprime(
    m_aprime: ArrayLike, epsilon: ArrayLike, cos_theta: ArrayLike, collider: Collider = BABAR
) -> np.ndarray:
    """dσ/d cos θ*(e⁺e⁻ → γ A') in cm² (see the module docstring for the formula).

    Parameters
    ----------
    m_aprime : array_like
        A' mass in GeV, 0 < m < √s.
    epsilon : array_like
        Photon-like kinetic mixing ε.
    cos_theta : array_like
        cos θ* of the photon to the e⁻ beam in the centre-of-mass frame, |c| < 1.
    collider : Collider
        Beams (default BaBar).
    """
    s = collider.s
    m = _check_mass(m_aprime, collider.sqrt_s, "e+e- -> gamma A'")
    c = np.asarray(cos_theta, float)
    if np.any(np.abs(c) >= 1):
        raise NuportalError("cos θ* must lie in (-1, 1) (the massless-electron formula diverges)")
    value = _radiative_norm(m, epsilon, s) * (1.0 + c**2 + _radiative_k(m, s)) / (1.0 - c**2)
    return value * GEV2_TO_CM2


def radiative_cdf(
    m_aprime: ArrayLike, cos_theta: ArrayLike, cos_min: float, collider: Collider = BABAR
) -> np.ndarray:
    """∫ from ``cos_min`` to ``cos_theta`` of dσ/dc divided by the normalisation 2πα²ε²(1−m²/s)/s.

    The closed form of ∫ (1 + c² + K)/(1 − c²) dc = −c + (2 + K) artanh c (dimensionless).
    """
    k = _radiative_k(np.asarray(m_aprime, float), collider.s)
    c = np.asarray(cos_theta, float)
    return -(c - cos_min) + (2.0 + k) * (np.arctanh(c) - np.arctanh(cos_min))


def sigma_gamma_aprime(
    m_aprime: ArrayLike,
    epsilon: ArrayLike,
    cos_min: float = -0.9,
    cos_max: float = 0.9,
    collider: Collider = BABAR,
) -> np.ndarray:
    """σ(e⁺e⁻ → γ A') in cm² with the photon in cos_min < cos θ* < cos_max (CM frame).

    Closed-form integral of :func:`dsigma_dcos_gamma_aprime`.
    """
    if not -1.0 < cos_min < cos_max < 1.0:
        raise NuportalError(f"need -1 < cos_min < cos_max < 1; got {cos_min}, {cos_max}")
    m = _check_mass(m_aprime, collider.sqrt_s, "e+e- -> gamma A'")
    norm = _radiative_norm(m, epsilon, collider.s)
    return norm * radiative_cdf(m, cos_max, cos_min, collider) * GEV2_TO_CM2


def sigma_gamma_gamma(cos_min: float, cos_max: float, collider: Collider = BABAR) -> float:
    """σ(e⁺e⁻ → γγ) in cm² with one photon in cos_min < cos θ* < cos_max, the other opposite.

    Lowest-order QED for massless electrons, Peskin & Schroeder Eq. (5.105):
    dσ/dc = (π α²/s)(1 + c²)/(1 − c²) per ordered pair (identical-photon factor ½).
    """
    if not -1.0 < cos_min < cos_max < 1.0:
        raise NuportalError(f"need -1 < cos_min < cos_max < 1; got {cos_min}, {cos_max}")
    integral = -(cos_max - cos_min) + 2.0 * (np.arctanh(cos_max) - np.arctanh(cos_min))
    return float(math.pi * ALPHA_EM**2 / collider.s * integral * GEV2_TO_CM2)


# --------------------------------------------------------------------------- e- Z -> e- Z A'


@dataclass(frozen=True)
class Target:
    """Target material of electron bremsstrahlung.

    Attributes
    ----------
    z : int
        Atomic number.
    a : float
        Atomic weight in g/mol (also used as the mass number in the nuclear size d).
    radiation_length : float
        X₀ in g/cm².
    nucleus : str
        Nucleus name for event records (e.g. ``"Pb208"``).
    """

    z: int
    a: float
    radiation_length: float
    nucleus: str

    @property
    def atoms_per_radiation_length(self) -> float:
        """Atoms per cm² in one radiation length, N_A X₀/A."""
        return AVOGADRO * self.radiation_length / self.a


#: lead: Z = 82, A = 207.2 g/mol, X₀ = 6.37 g/cm² (PDG "Atomic and nuclear properties", Pb)
LEAD = Target(82, 207.2, 6.37, "Pb208")


def form_factor_g2(t: ArrayLike, target: Target = LEAD) -> np.ndarray:
    """Elastic G₂(t) of Tsai (1974) Eq. (3.38) / BEST Eq. (A18), t in GeV² (dimensionless)."""
    tt = np.asarray(t, float)
    a2 = (111.0 * target.z ** (-1.0 / 3.0) / M_ELECTRON) ** 2
    d = 0.164 * target.a ** (-2.0 / 3.0)
    return target.z**2 * (a2 * tt / (1.0 + a2 * tt)) ** 2 / (1.0 + tt / d) ** 2


def photon_flux(t_min: ArrayLike, t_max: ArrayLike, target: Target = LEAD) -> np.ndarray:
    """Effective photon flux χ = ∫ dt (t − t_min)/t² G₂(t) over [t_min, t_max] (BEST Eq. (A17)).

    Gauss–Legendre quadrature (96 nodes) in ln t, vectorised over the limits (GeV²);
    zero where t_min ≥ t_max.
    """
    lo, hi = np.broadcast_arrays(np.asarray(t_min, float), np.asarray(t_max, float))
    ok = hi > lo
    log_lo = np.log(np.where(ok, lo, 1.0))
    half = 0.5 * (np.log(np.where(ok, hi, 2.0)) - log_lo)
    log_t = log_lo[..., None] + half[..., None] * (_GL_NODES + 1.0)
    t = np.exp(log_t)
    integrand = (t - lo[..., None]) / t * form_factor_g2(t, target)
    return np.where(ok, half * np.sum(integrand * _GL_WEIGHTS, axis=-1), 0.0)


def _u0(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    return m**2 * (1.0 - x) / x + M_ELECTRON**2 * x


def brems_t_min(x: ArrayLike, m_aprime: ArrayLike, e0: float) -> np.ndarray:
    """t_min = (U₀/(2 E₀ (1 − x)))² in GeV² at θ = 0 (BEST Eq. (A15)); the IWW flux limit."""
    xx, m = np.asarray(x, float), np.asarray(m_aprime, float)
    return (_u0(xx, m) / (2.0 * e0 * (1.0 - xx))) ** 2


def _check_brems(m_aprime: ArrayLike, e0: float) -> np.ndarray:
    if not e0 > 0:
        raise NuportalError(f"the beam energy must be positive (GeV); got {e0}")
    return _check_mass(m_aprime, e0, "e- Z -> e- Z A'")


def dsigma_dx_brems(
    x: ArrayLike, m_aprime: ArrayLike, epsilon: ArrayLike, e0: float, target: Target = LEAD
) -> np.ndarray:
    """dσ/dx(e⁻ Z → e⁻ Z A') in cm², x = E_A'/E₀, IWW approximation (module docstring).

    Parameters
    ----------
    x : array_like
        Energy fraction of the A', 0 < x < 1 (zero outside the physical range
        m/E₀ < x < 1 − m_e/E₀).
    m_aprime : array_like
        A' mass in GeV (m_e ≪ m < E₀ assumed by the approximation).
    epsilon : array_like
        Kinetic mixing ε.
    e0 : float
        Electron beam energy in GeV.
    target : Target
        Target material (default lead).
    """
    m = _check_brems(m_aprime, e0)
    xx = np.asarray(x, float)
    inside = (xx > m / e0) & (xx < 1.0 - M_ELECTRON / e0)
    xs = np.where(inside, xx, 0.5)
    u0 = _u0(xs, m)
    chi = photon_flux(brems_t_min(xs, m, e0), m**2 + M_ELECTRON**2, target)
    beta = np.sqrt(1.0 - m**2 / e0**2)
    shape = (1.0 - xs + xs**2 / 2.0) / u0 - xs * (1.0 - xs) * m**2 / (6.0 * u0**2)
    value = 4.0 * ALPHA_EM**3 * np.asarray(epsilon, float) ** 2 * beta * chi * shape
    return np.where(inside, value, 0.0) * GEV2_TO_CM2


def brems_angular_cdf(w: ArrayLike, x: ArrayLike, m_aprime: ArrayLike) -> np.ndarray:
    """Unnormalised CDF in w = E₀² x θ² of the A' angle at fixed x (BEST Eq. (A12), χ fixed).

    ∫₀^w dw' [(1 − x + x²/2)/(w' + U₀)² − x(1 − x) m² w'/(w' + U₀)⁴]; its limit w → ∞
    times 4α³ε²βχ is :func:`dsigma_dx_brems`. Units GeV⁻².
    """
    ww, xx, m = (np.asarray(v, float) for v in (w, x, m_aprime))
    u0 = _u0(xx, m)
    first = 1.0 / u0 - 1.0 / (ww + u0)
    second = 1.0 / (6.0 * u0**2) - 1.0 / (2.0 * (ww + u0) ** 2) + u0 / (3.0 * (ww + u0) ** 3)
    return (1.0 - xx + xx**2 / 2.0) * first - xx * (1.0 - xx) * m**2 * second


def x_grid(
    m_aprime: float, e0: float, x_min: float, x_max: float = 1.0, points: int = 400
) -> np.ndarray:
    """Integration nodes in x on [max(x_min, m/E₀), min(x_max, 1 − m_e/E₀)], dense towards 1."""
    lo = max(x_min, m_aprime / e0)
    hi = min(x_max, 1.0 - M_ELECTRON / e0)
    if lo >= hi:
        return np.array([hi, hi])
    return 1.0 - np.geomspace(1.0 - lo, 1.0 - hi, points)


def sigma_brems(
    m_aprime: float,
    epsilon: float,
    e0: float,
    x_min: float = 0.0,
    x_max: float = 1.0,
    target: Target = LEAD,
) -> float:
    """σ(e⁻ Z → e⁻ Z A'; x_min < x < x_max) in cm² (trapezoid in ln(1 − x), :func:`x_grid`)."""
    _check_brems(m_aprime, e0)
    x = x_grid(m_aprime, e0, x_min, x_max)
    weight = dsigma_dx_brems(x, m_aprime, epsilon, e0, target) * (1.0 - x)
    return float(trapezoid(weight, -np.log1p(-x)))


@dataclass(frozen=True)
class ShowerTarget:
    """Thick active target (NA64's ECAL) for :func:`yield_per_electron`.

    Attributes
    ----------
    material : Target
        The converter (default lead).
    depth : float
        Thickness in radiation lengths (default 40 X₀; NA64 ECAL, *unverified*: see the
        data README).
    recoil_min : float
        Minimum energy in GeV of the recoil electron (default 0.3: the NA64 trigger asks
        for E > 0.3 GeV in the pre-shower, the first 4 X₀ of the ECAL, where the recoil
        electron showers; *unverified*, recalled from arXiv:1610.02988 and not found in
        a stored page).
    radiation_length_cm : float
        Radiation length of the calorimeter in cm, to place vertices (default 45/40: a
        45 cm Pb–Sc shashlik of 40 X₀, *unverified*).
    """

    material: Target = LEAD
    depth: float = 40.0
    recoil_min: float = 0.3
    radiation_length_cm: float = 45.0 / 40.0


NA64_ECAL = ShowerTarget()


def primary_track_length(log_ratio: ArrayLike, depth: float, points: int = 2001) -> np.ndarray:
    """Track length (radiation lengths) of the primary electron with ln(E₀/E) < ``log_ratio``.

    X₀ ∫₀^depth dt P(ln(E₀/E_e(t)) < L) with the Bethe–Heitler distribution
    (Gamma of shape 4t/3; regularised lower incomplete gamma), trapezoid in t.
    """
    lr = np.asarray(log_ratio, float)
    t = np.linspace(0.0, depth, points)[1:]
    prob = gammainc(4.0 * t / 3.0, lr[..., None])
    start = (lr > 0).astype(float)[..., None]  # the beam energy itself at t = 0
    full = np.concatenate([start, prob], axis=-1)
    return trapezoid(full, np.linspace(0.0, depth, points), axis=-1)


def yield_per_electron(
    m_aprime: float,
    epsilon: float,
    e0: float = 100.0,
    energy_cut: float = 50.0,
    target: ShowerTarget = NA64_ECAL,
    bins: int = 24,
) -> float:
    """A' produced with E_A' > ``energy_cut`` per electron on target (thin target × track length).

    Σ over bins in ln(E₀/E_e) of the primary track length in the bin (radiation lengths)
    × atoms per radiation length × σ(E_e; energy_cut/E_e < x < 1 − recoil_min/E_e) at the
    bin centre. Multiply by the number of electrons on target for the number of A'.
    """
    if not 0 < energy_cut < e0:
        raise NuportalError(f"need 0 < energy_cut < E0; got {energy_cut}, {e0}")
    edges = np.linspace(0.0, math.log(e0 / energy_cut), bins + 1)
    lengths = np.diff(primary_track_length(edges, target.depth))
    energies = e0 * np.exp(-0.5 * (edges[1:] + edges[:-1]))
    sigmas = np.array(
        [
            sigma_brems(
                m_aprime,
                epsilon,
                float(e),
                energy_cut / e,
                1.0 - target.recoil_min / e,
                target.material,
            )
            if e > m_aprime
            else 0.0
            for e in energies
        ]
    )
    return float(np.sum(lengths * sigmas) * target.material.atoms_per_radiation_length)
