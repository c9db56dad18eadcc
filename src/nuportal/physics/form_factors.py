"""Nuclear and nucleon form factors.

Everything here is a function of the squared four-momentum transfer ``Q² = -q² ≥ 0`` in
GeV² and is vectorised: an array in gives an array of the same shape out (a scalar gives a
0-d array). Lengths inside this module are in fm and are converted with
ħc = 0.1973269804 GeV fm (:data:`nuportal.units.FM_INV_IN_GEV`), so that the momentum
transfer in fm⁻¹ is ``q = sqrt(Q²) / ħc``.

Nuclear form factors (coherent scattering on a nucleus)
    * :func:`helm_form_factor` -- Helm's form factor with the Lewin & Smith radius.
    * :func:`fourier_bessel_form_factor` -- the analytic transform of a Fourier–Bessel
      charge density (De Vries, De Jager & De Vries 1987).
    * :func:`nuclear_form_factors` -- ``(F_p, F_n)`` of the proton and neutron distributions
      of a :class:`~nuportal.physics.nuclei.Nucleus`, both normalised to 1 at ``Q² = 0``.

Nucleon form factors (incoherent scattering on a nucleon)
    * :func:`sachs_form_factors` -- Kelly's (2004) fits of ``G_E``, ``G_M`` of both nucleons.
    * :func:`nucleon_form_factors` -- the Dirac and Pauli form factors ``F1``, ``F2``.
    * :func:`axial_form_factor`, :data:`STRANGE_AXIAL_CHARGE`,
      :func:`induced_pseudoscalar_form_factor` -- the axial current.

References
----------
.. [Helm1956] R. H. Helm, Phys. Rev. 104, 1466 (1956).
.. [LS1996] J. D. Lewin and P. F. Smith, Astropart. Phys. 6, 87 (1996), Sect. 4.
.. [DeVries1987] H. De Vries, C. W. De Jager and C. De Vries, At. Data Nucl. Data Tables 36,
   495 (1987), Table IV (Fourier–Bessel coefficients).
.. [Trzcinska2001] A. Trzcińska et al., Phys. Rev. Lett. 87, 082501 (2001).
.. [Kelly2004] J. J. Kelly, Phys. Rev. C 70, 068202 (2004), Table I.
.. [Galster1971] S. Galster et al., Nucl. Phys. B 32, 221 (1971).
.. [Bodek2008] A. Bodek, S. Avvakumov, R. Bradford and H. Budd, Eur. Phys. J. C 53, 349
   (2008), arXiv:0708.1946.
.. [HERMES2007] A. Airapetian et al. (HERMES), Phys. Rev. D 75, 012007 (2007),
   arXiv:hep-ex/0609039.
.. [LlewellynSmith1972] C. H. Llewellyn Smith, Phys. Rep. 3, 261 (1972), Sect. 3.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import numba
import numpy as np
from numpy.typing import ArrayLike

from nuportal.constants import (
    KAPPA_N,
    KAPPA_P,
    M_NEUTRON,
    M_NUCLEON,
    M_PI_PLUS,
    M_PROTON,
)
from nuportal.errors import NuportalError
from nuportal.physics.nuclei import Nucleus
from nuportal.units import FM_INV_IN_GEV

__all__ = [
    "AXIAL_MASS",
    "FOURIER_BESSEL_CHARGE_DENSITIES",
    "HELM_SKIN_THICKNESS_FM",
    "MU_N",
    "MU_P",
    "STRANGE_AXIAL_CHARGE",
    "VECTOR_DIPOLE_MASS2",
    "FourierBesselDensity",
    "NucleonFormFactors",
    "axial_form_factor",
    "fourier_bessel_form_factor",
    "fourier_bessel_rms_radius",
    "helm_form_factor",
    "helm_rms_radius",
    "induced_pseudoscalar_form_factor",
    "lewin_smith_radius",
    "neutron_skin",
    "nuclear_form_factors",
    "nucleon_form_factors",
    "sachs_form_factors",
]

#: ħc in GeV fm: ``q[fm⁻¹] = q[GeV] / HBARC_GEV_FM``
HBARC_GEV_FM = FM_INV_IN_GEV

#: Q² values in (-_Q2_TOLERANCE, 0) GeV² are rounding noise of the kinematics and are read as 0
_Q2_TOLERANCE = 1e-12


def _as_q2(q2: ArrayLike) -> np.ndarray:
    """Return ``q2`` as a float array of spacelike ``Q² ≥ 0`` (GeV²), or raise."""
    arr = np.asarray(q2, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise NuportalError("Q² must be finite (GeV²); got NaN or infinity")
    if np.any(arr < -_Q2_TOLERANCE):
        raise NuportalError(
            f"Q² = -q² must be >= 0 GeV² (spacelike momentum transfer); got {arr.min():g}"
        )
    return np.asarray(np.maximum(arr, 0.0), dtype=float)


def _q_fm(q2: np.ndarray) -> np.ndarray:
    """Momentum transfer |q| in fm⁻¹ from Q² in GeV²."""
    return np.sqrt(q2) / HBARC_GEV_FM


# ---------------------------------------------------------------------------------------------
# Helm form factor
# ---------------------------------------------------------------------------------------------

#: Helm surface thickness s in fm (Lewin & Smith 1996, Sect. 4.4: s ≈ 0.9 fm)
HELM_SKIN_THICKNESS_FM = 0.9
# Lewin & Smith (1996), Sect. 4.4: c = 1.23 A^(1/3) - 0.60 fm, a = 0.52 fm
_LS_C_SLOPE_FM = 1.23
_LS_C_OFFSET_FM = 0.60
_LS_A_FM = 0.52


def lewin_smith_radius(a: int, *, s: float = HELM_SKIN_THICKNESS_FM) -> float:
    """Helm box radius ``R`` in fm from the Lewin & Smith (1996) parametrisation.

    ``R² = c² + (7/3) π² a² - 5 s²`` with ``c = 1.23 A^(1/3) - 0.60 fm`` and ``a = 0.52 fm``
    (Lewin & Smith, Astropart. Phys. 6, 87 (1996), Sect. 4.4, the radius used with their
    Helm form, Eq. (4.7)). ``c`` and ``a`` are the half-density radius and the diffuseness of
    a Fermi distribution fitted to nuclear radii; the relation makes the Helm distribution
    reproduce that distribution's second moment.

    Parameters
    ----------
    a : int
        Mass number A (≥ 1).
    s : float
        Helm surface thickness in fm.

    Returns
    -------
    float
        ``R`` in fm.
    """
    if a < 1:
        raise NuportalError(f"mass number A must be >= 1; got {a}")
    c = _LS_C_SLOPE_FM * a ** (1.0 / 3.0) - _LS_C_OFFSET_FM
    r2 = c * c + (7.0 / 3.0) * math.pi**2 * _LS_A_FM**2 - 5.0 * s * s
    if r2 <= 0.0:
        raise NuportalError(
            f"the Lewin-Smith Helm radius is not real for A = {a} and s = {s} fm "
            "(R² <= 0); use a smaller surface thickness s"
        )
    return math.sqrt(r2)


def helm_rms_radius(radius_fm: float, s: float = HELM_SKIN_THICKNESS_FM) -> float:
    """RMS radius in fm of the Helm distribution: ``sqrt(3/5 R² + 3 s²)``.

    The Helm density is a uniform sphere of radius ``R`` folded with a Gaussian of width
    ``s`` (Helm 1956); second moments add: ``3R²/5`` for the sphere, ``3s²`` for the Gaussian.
    """
    return math.sqrt(0.6 * radius_fm**2 + 3.0 * s * s)


def _helm_shape(q_fm: np.ndarray, radius_fm: float, s: float) -> np.ndarray:
    """``3 j1(qR)/(qR) exp(-(qs)²/2)`` at ``q_fm`` (fm⁻¹), one compiled pass."""
    q = np.asarray(q_fm, dtype=float)
    out = np.empty(q.shape)
    _helm_rows(q.ravel(), float(radius_fm), float(s), out.reshape(-1))
    return out


@numba.njit(cache=True, error_model="numpy")
def _helm_rows(q: np.ndarray, radius: float, s: float, out: np.ndarray) -> None:
    """:func:`_helm_shape` with the series 1 - x²/10 + x⁴/280 of 3 j1(x)/x for x = qR < 0.01
    (no 0/0)."""
    for i in range(q.size):  # pragma: no cover - compiled
        x = q[i] * radius
        if x < 1e-2:
            x2 = x * x
            shape = 1.0 - x2 / 10.0 + x2 * x2 / 280.0
        else:
            shape = 3.0 * (math.sin(x) - x * math.cos(x)) / (x * x * x)
        out[i] = shape * math.exp(-0.5 * (q[i] * s) ** 2)


def helm_form_factor(
    q2: ArrayLike,
    a: int,
    *,
    s: float = HELM_SKIN_THICKNESS_FM,
    radius_fm: float | None = None,
) -> np.ndarray:
    """Helm form factor, normalised to ``F(0) = 1``.

    ``F(q) = 3 j1(qR)/(qR) · exp(-q² s²/2)`` (Helm, Phys. Rev. 104, 1466 (1956); in the
    notation of Lewin & Smith, Astropart. Phys. 6, 87 (1996), Eq. (4.7)), the transform of a
    uniform sphere of radius ``R`` folded with a Gaussian of width ``s``. By default ``R`` is
    the Lewin & Smith parametrisation :func:`lewin_smith_radius`. Its rms radius is
    :func:`helm_rms_radius`, i.e. ``F ≈ 1 - Q² <r²>/6`` at small ``Q²``.

    Parameters
    ----------
    q2 : array_like
        ``Q² = -q² ≥ 0`` in GeV².
    a : int
        Mass number A (used only when ``radius_fm`` is not given).
    s : float, optional
        Surface thickness in fm (default 0.9 fm, Lewin & Smith).
    radius_fm : float, optional
        Box radius ``R`` in fm, overriding the Lewin & Smith value (``R = 0`` is a Gaussian).

    Returns
    -------
    numpy.ndarray
        ``F(Q²)``, same shape as ``q2``; ``|F| ≤ 1``, decreasing up to its first zero
        at ``qR ≈ 4.493``.
    """
    q2a = _as_q2(q2)
    if s < 0.0:
        raise NuportalError(f"Helm surface thickness s must be >= 0 fm; got {s}")
    r = lewin_smith_radius(a, s=s) if radius_fm is None else float(radius_fm)
    if r < 0.0:
        raise NuportalError(f"Helm radius must be >= 0 fm; got {r}")
    return np.asarray(_helm_shape(_q_fm(q2a), r, s), dtype=float)


def _helm_with_rms(q2: np.ndarray, rms_fm: float, s: float) -> np.ndarray:
    """Helm form factor whose distribution has the rms radius ``rms_fm`` (fm).

    ``R² = (5/3)(<r²> - 3 s²)``; when ``<r²> ≤ 3 s²`` (very light nuclei) the box radius
    is set to 0 and the Gaussian width to ``rms/√3``, which keeps the rms radius.
    """
    r2 = (5.0 / 3.0) * (rms_fm**2 - 3.0 * s * s)
    if r2 > 0.0:
        return _helm_shape(_q_fm(q2), math.sqrt(r2), s)
    return _helm_shape(_q_fm(q2), 0.0, rms_fm / math.sqrt(3.0))


# ---------------------------------------------------------------------------------------------
# Fourier-Bessel charge densities
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FourierBesselDensity:
    """A Fourier–Bessel charge density of De Vries, De Jager & De Vries (1987), Table IV.

    ``ρ(r) = Σ_ν a_ν j0(νπ r/R)`` for ``r ≤ R`` and 0 beyond, with ``j0(x) = sin x / x``.

    Attributes
    ----------
    radius_fm : float
        Cut-off radius ``R`` in fm.
    coefficients : tuple of float
        ``a_1, a_2, ...`` in fm⁻³ (the density is normalised to ``∫ρ d³r = Z``).
    rms_radius_fm : float or None
        The rms charge radius in fm tabulated with this fit (``None`` where we have not
        verified the published value). :func:`fourier_bessel_rms_radius` computes it from
        the coefficients.
    """

    radius_fm: float
    coefficients: tuple[float, ...]
    rms_radius_fm: float | None


# De Vries, De Jager & De Vries, At. Data Nucl. Data Tables 36, 495 (1987), Table IV (R in
# fm, a_ν in fm⁻³). The coefficients were cross-checked between independent transcriptions of
# the table and against two properties of the published fits: ∫ρ d³r reproduces Z to 1e-4 and
# the rms radius computed from them reproduces the tabulated one (tests/test_form_factors.py).
# The rms radii are those listed with the same fits by G. Duda, A. Kemper and P. Gondolo,
# JCAP 04 (2007) 012, arXiv:hep-ph/0608035, from De Vries et al.
# 12C has two entries in Table IV; this is the one with <r²>^(1/2) = 2.464 fm.
_FB = FourierBesselDensity
# fmt: off
FOURIER_BESSEL_CHARGE_DENSITIES: Mapping[tuple[int, int], FourierBesselDensity] = (
    MappingProxyType(
        {
            (6, 12): _FB(
                8.0,
                (
                    0.15737e-1, 0.38897e-1, 0.37085e-1, 0.14795e-1, -0.44831e-2,
                    -0.10057e-1, -0.68696e-2, -0.28813e-2, -0.77229e-3, 0.66908e-4,
                    0.10636e-3, -0.36864e-4, -0.50135e-5, 0.94550e-5, -0.47687e-5,
                ),
                2.464,
            ),
            (8, 16): _FB(
                8.0,
                (
                    0.20238e-1, 0.44793e-1, 0.33533e-1, 0.35030e-2, -0.12293e-1,
                    -0.10329e-1, -0.34036e-2, -0.41627e-3, -0.94435e-3, -0.25771e-3,
                    0.23759e-3, -0.10603e-3, 0.41480e-4,
                ),
                2.737,
            ),
            (14, 28): _FB(
                8.0,
                (
                    0.33495e-1, 0.59533e-1, 0.20979e-1, -0.16900e-1, -0.14998e-1,
                    -0.93248e-3, 0.33266e-2, 0.59244e-3, -0.40013e-3, 0.12242e-3,
                    -0.12994e-4, -0.92784e-5, 0.72595e-5, -0.42096e-5,
                ),
                3.085,
            ),
            (18, 40): _FB(
                9.0,
                (
                    0.30451e-1, 0.55337e-1, 0.20203e-1, -0.16765e-1, -0.13578e-1,
                    -0.43204e-4, 0.91988e-3, -0.41205e-3, 0.11971e-3, -0.19801e-4,
                    -0.43204e-5, 0.61205e-5, -0.37803e-5, 0.18001e-5, -0.77407e-6,
                ),
                3.423,
            ),
            (20, 40): _FB(
                8.0,
                (
                    0.44846e-1, 0.61326e-1, -0.16818e-2, -0.26217e-1, -0.29725e-2,
                    0.85534e-2, 0.35322e-2, -0.48258e-3, -0.39346e-3, 0.20338e-3,
                    0.25461e-4, -0.17794e-4, 0.67394e-5, -0.21033e-5,
                ),
                3.450,
            ),
            (26, 56): _FB(
                9.0,
                (
                    0.42018e-1, 0.62337e-1, 0.23995e-3, -0.32776e-1, -0.79941e-2,
                    0.10844e-1, 0.49123e-2, -0.22144e-2, -0.18146e-3, 0.37261e-3,
                    -0.23296e-3, 0.11494e-3, -0.50596e-4, 0.20652e-4, -0.79428e-5,
                    0.28986e-5, -0.10075e-5,
                ),
                # published rms not verified; these coefficients give 3.714 fm (Angeli &
                # Marinova, At. Data Nucl. Data Tables 99, 69 (2013): 3.7377 fm)
                None,
            ),
            (82, 208): _FB(
                11.0,
                (
                    0.62732e-1, 0.38542e-1, -0.55105e-1, -0.26990e-2, 0.31016e-1,
                    -0.99486e-2, -0.93012e-2, 0.76653e-2, 0.20885e-2, -0.17840e-2,
                    0.74876e-4, 0.32278e-3, -0.11353e-3,
                ),
                5.499,
            ),
        }
    )
)
# fmt: on
"""Fourier–Bessel charge densities by ``(Z, A)`` (De Vries et al. 1987, Table IV)."""
del _FB


def _fb_arrays(radius_fm: float, coefficients: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Validate a Fourier–Bessel fit; return ``(a_ν, νπ)``."""
    coeffs = np.asarray(coefficients, dtype=float)
    if coeffs.ndim != 1 or coeffs.size == 0 or not np.all(np.isfinite(coeffs)):
        raise NuportalError("Fourier-Bessel coefficients must be a non-empty list of numbers")
    if not radius_fm > 0.0:
        raise NuportalError(f"Fourier-Bessel cut-off radius must be > 0 fm; got {radius_fm}")
    return coeffs, np.pi * np.arange(1, coeffs.size + 1)


def _fb_moments(radius_fm: float, coefficients: Sequence[float]) -> tuple[float, float]:
    """``(∫ρ d³r, ∫ρ r² d³r)`` of a Fourier–Bessel density (units fm⁻³ · fm³ [· fm²]).

    Uses ``∫_0^R j0(kr) r² dr = (-1)^(ν+1) R³/(νπ)²`` and
    ``∫_0^R j0(kr) r⁴ dr = (-1)^(ν+1) R⁵ ((νπ)² - 6)/(νπ)⁴`` for ``k = νπ/R``.
    """
    coeffs, npi = _fb_arrays(radius_fm, coefficients)
    sign = np.where(np.arange(1, coeffs.size + 1) % 2 == 1, 1.0, -1.0)
    m0 = 4.0 * np.pi * radius_fm**3 * np.sum(sign * coeffs / npi**2)
    m2 = 4.0 * np.pi * radius_fm**5 * np.sum(sign * coeffs * (npi**2 - 6.0) / npi**4)
    return float(m0), float(m2)


def fourier_bessel_rms_radius(radius_fm: float, coefficients: Sequence[float]) -> float:
    """RMS radius in fm of a Fourier–Bessel density (De Vries et al. 1987), analytically.

    ``<r²> = ∫ρ r² d³r / ∫ρ d³r`` evaluated term by term (see :func:`_fb_moments`).
    """
    m0, m2 = _fb_moments(radius_fm, coefficients)
    if m0 == 0.0 or m2 / m0 <= 0.0:
        raise NuportalError("the Fourier-Bessel density has no positive charge or <r²>")
    return math.sqrt(m2 / m0)


def fourier_bessel_form_factor(
    q2: ArrayLike, radius_fm: float, coefficients: Sequence[float]
) -> np.ndarray:
    """Normalised form factor of a Fourier–Bessel charge density, ``F(0) = 1``.

    De Vries, De Jager & De Vries, At. Data Nucl. Data Tables 36, 495 (1987) expand the
    charge density inside a cut-off radius ``R`` as ``ρ(r) = Σ_ν a_ν j0(νπ r/R)`` (``ρ = 0``
    for ``r > R``; coefficients in their Table IV). Its Fourier transform
    ``4π ∫_0^R ρ(r) j0(qr) r² dr`` is, term by term,

    ``F(q) ∝ j0(qR) Σ_ν (-1)^(ν+1) a_ν / ((νπ)² - (qR)²)``,

    normalised here by its value at ``q = 0`` (the total charge ``Z``). The apparent poles at
    ``qR = νπ`` cancel against the zeros of ``j0(qR)``; they are evaluated in the equivalent
    form ``a_ν sin(qR - νπ)/(qR - νπ) / (qR (qR + νπ))``, which is finite there.

    Parameters
    ----------
    q2 : array_like
        ``Q² = -q² ≥ 0`` in GeV².
    radius_fm : float
        Cut-off radius ``R`` in fm.
    coefficients : sequence of float
        ``a_1, a_2, ...`` (any common unit; fm⁻³ in De Vries et al.).

    Returns
    -------
    numpy.ndarray
        ``F(Q²)``, same shape as ``q2``; it changes sign at the diffraction minima.
    """
    q2a = _as_q2(q2)
    coeffs, npi = _fb_arrays(radius_fm, coefficients)
    sign = np.where(np.arange(1, coeffs.size + 1) % 2 == 1, 1.0, -1.0)
    norm = float(np.sum(sign * coeffs / npi**2))
    if norm == 0.0:
        raise NuportalError("the Fourier-Bessel density has zero total charge")

    x = _q_fm(q2a) * radius_fm
    out = np.empty(x.shape)
    _fourier_bessel_sum(x.ravel(), coeffs, npi, sign, out.reshape(-1))
    return out / norm


@numba.njit(cache=True, error_model="numpy")
def _fourier_bessel_sum(
    x: np.ndarray, coeffs: np.ndarray, npi: np.ndarray, sign: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """j0(x) Σ_ν (−1)^{ν+1} a_ν / ((νπ)² − x²) at x = qR, one sine per point; the term of
    the nearest pole ν₀ (x ≥ π/2 only) in the shifted form a_ν₀ sinc(x − ν₀π)/(x(x + ν₀π)).
    The sum runs over ν outside and over the points inside, so that the divisions vectorise;
    each point still adds its terms in the order of ν (the skipped pole term, possibly 1/0,
    is computed and discarded)."""
    nearest = np.empty(x.size, np.int64)
    for i in range(x.size):
        xi = x[i]
        nearest[i] = -1
        if xi >= 0.5 * np.pi:
            nearest[i] = min(max(int(np.rint(xi / np.pi)), 1), coeffs.size) - 1
        out[i] = 0.0
    for k in range(coeffs.size):
        weight, pole = sign[k] * coeffs[k], npi[k] * npi[k]
        for i in range(x.size):
            term = weight / (pole - x[i] * x[i])
            out[i] += term if nearest[i] != k else 0.0
    for i in range(x.size):
        xi = x[i]
        value = out[i] * (np.sin(xi) / xi if xi != 0.0 else 1.0)
        k = nearest[i]
        if k >= 0:
            gap = xi - npi[k]
            shifted = np.sin(gap) / gap if gap != 0.0 else 1.0
            value += coeffs[k] * shifted / (xi * (xi + npi[k]))
        out[i] = value


# ---------------------------------------------------------------------------------------------
# Nuclear proton and neutron form factors
# ---------------------------------------------------------------------------------------------

# Neutron skin systematics from antiprotonic atoms, Trzcińska et al., PRL 87, 082501 (2001):
# Δr_np = (-0.04 ± 0.03) + (1.01 ± 0.15) (N - Z)/A fm (fit to 26 stable nuclei, 40 ≤ A ≤ 238).
_SKIN_INTERCEPT_FM = -0.04
_SKIN_SLOPE_FM = 1.01


def neutron_skin(target: Nucleus) -> float:
    """Neutron skin ``Δr_np = r_n - r_p`` in fm from the antiprotonic-atom systematics.

    ``Δr_np = -0.04 fm + 1.01 fm · (N - Z)/A``: the linear fit of Trzcińska et al.,
    Phys. Rev. Lett. 87, 082501 (2001) to the difference of neutron and proton rms radii
    measured with antiprotonic atoms for 26 stable nuclei from 40Ca to 238U. Outside that
    range (light nuclei) it is an extrapolation; it gives -0.04 fm for ``N = Z``.
    """
    return _skin_fm(target.z, target.a)


def _skin_fm(z: int, a: int) -> float:
    return _SKIN_INTERCEPT_FM + _SKIN_SLOPE_FM * (a - 2 * z) / a


@dataclass(frozen=True)
class _NuclearShape:
    fourier_bessel: FourierBesselDensity | None
    proton_rms_fm: float
    neutron_rms_fm: float


@cache
def _nuclear_shape(z: int, a: int) -> _NuclearShape:
    fb = FOURIER_BESSEL_CHARGE_DENSITIES.get((z, a))
    if fb is not None:
        rms_p = fourier_bessel_rms_radius(fb.radius_fm, fb.coefficients)
    else:
        rms_p = helm_rms_radius(lewin_smith_radius(a))
    return _NuclearShape(fb, rms_p, rms_p + _skin_fm(z, a))


def nuclear_form_factors(target: Nucleus, q2: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Form factors ``(F_p, F_n)`` of the proton and neutron distributions of a nucleus.

    Both are 1 at ``Q² = 0``; a coherent amplitude is ``Z g_p F_p + N g_n F_n``.

    Protons
        The measured charge distribution: the Fourier–Bessel fit of De Vries, De Jager &
        De Vries (1987, Table IV) where we tabulate it (:data:`FOURIER_BESSEL_CHARGE_DENSITIES`:
        12C, 16O, 28Si, 40Ar, 40Ca, 56Fe, 208Pb), via :func:`fourier_bessel_form_factor`;
        otherwise :func:`helm_form_factor` with the Lewin & Smith (1996) radius. Being a
        charge distribution it includes the finite size of the proton.
    Neutrons
        A Helm distribution (surface thickness ``s = 0.9 fm``) whose rms radius is
        ``r_n = r_p + Δr_np``: ``r_p`` the rms radius of the proton distribution above and
        ``Δr_np`` the neutron skin of :func:`neutron_skin` (Trzcińska et al. 2001,
        ``-0.04 + 1.01 (N-Z)/A`` fm). Adding the point-nucleon skin to the charge radius
        treats both distributions as smeared by about the same single-nucleon size; the
        error this makes in ``r_n`` is well below the 0.03 fm uncertainty of the skin fit.
        The Helm box radius follows from ``r_n² = 3R²/5 + 3s²``.

    For the free nucleons (``target.a == 1``, e.g. :data:`~nuportal.physics.nuclei.PROTON`,
    :data:`~nuportal.physics.nuclei.NEUTRON`) both are 1: their structure is in
    :func:`nucleon_form_factors`.

    Parameters
    ----------
    target : Nucleus
        The nucleus.
    q2 : array_like
        ``Q² = -q² ≥ 0`` in GeV².

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``F_p(Q²)`` and ``F_n(Q²)``, each of the shape of ``q2``.
    """
    q2a = _as_q2(q2)
    if target.a == 1:
        return np.ones(q2a.shape), np.ones(q2a.shape)
    shape = _nuclear_shape(target.z, target.a)
    if shape.fourier_bessel is not None:
        fp = fourier_bessel_form_factor(
            q2a, shape.fourier_bessel.radius_fm, shape.fourier_bessel.coefficients
        )
    else:
        fp = helm_form_factor(q2a, target.a)
    fn = _helm_with_rms(q2a, shape.neutron_rms_fm, HELM_SKIN_THICKNESS_FM)
    return fp, np.asarray(fn, dtype=float)


# ---------------------------------------------------------------------------------------------
# Nucleon electromagnetic form factors (Kelly 2004)
# ---------------------------------------------------------------------------------------------

#: proton magnetic moment μ_p = 1 + κ_p in nuclear magnetons
MU_P = 1.0 + KAPPA_P
#: neutron magnetic moment μ_n = κ_n in nuclear magnetons
MU_N = KAPPA_N
#: dipole mass squared Λ² = 0.71 GeV² of G_D = (1 + Q²/Λ²)⁻² used in Kelly's G_E^n
VECTOR_DIPOLE_MASS2 = 0.71

# Kelly, PRC 70, 068202 (2004), Table I: G(τ) = (1 + a1 τ) / (1 + b1 τ + b2 τ² + b3 τ³)
# for G_E^p, G_M^p/μ_p and G_M^n/μ_n, with τ = Q²/(4M²).
_KELLY_GEP = (-0.24, (10.98, 12.82, 21.97))
_KELLY_GMP = (0.12, (10.97, 18.86, 6.55))
_KELLY_GMN = (2.33, (14.72, 24.20, 84.1))
# Kelly (2004), Table I: G_E^n = A τ / (1 + B τ) · G_D (the Galster (1971) form)
_KELLY_GEN_A = 1.70
_KELLY_GEN_B = 3.30


def _kelly_rational(tau: np.ndarray, fit: tuple[float, tuple[float, float, float]]) -> np.ndarray:
    a1, (b1, b2, b3) = fit
    return (1.0 + a1 * tau) / (1.0 + tau * (b1 + tau * (b2 + tau * b3)))


def sachs_form_factors(q2: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sachs form factors ``(G_E^p, G_M^p, G_E^n, G_M^n)`` of Kelly (2004).

    J. J. Kelly, Phys. Rev. C 70, 068202 (2004), parameters of his Table I:

    * ``G_E^p``, ``G_M^p/μ_p``, ``G_M^n/μ_n`` are each
      ``(1 + a1 τ) / (1 + b1 τ + b2 τ² + b3 τ³)``, with ``(a1; b1, b2, b3)`` =
      ``(-0.24; 10.98, 12.82, 21.97)``, ``(0.12; 10.97, 18.86, 6.55)`` and
      ``(2.33; 14.72, 24.20, 84.1)``;
    * ``G_E^n = A τ/(1 + B τ) · G_D(Q²)`` with ``A = 1.70``, ``B = 3.30`` (the Galster form,
      Nucl. Phys. B 32, 221 (1971)) and ``G_D = (1 + Q²/Λ²)⁻²``, ``Λ² = 0.71 GeV²``.

    ``τ = Q²/(4M²)`` with ``M`` the mass of the nucleon in question (``M_p`` or ``M_n``; the
    0.14 % difference is far below the fit uncertainties). The magnetic moments are
    ``μ_p = 1 + κ_p``, ``μ_n = κ_n`` (PDG, :mod:`nuportal.constants`), so that
    ``G_E^p(0) = 1``, ``G_M^p(0) = μ_p``, ``G_E^n(0) = 0``, ``G_M^n(0) = μ_n`` exactly.

    Parameters
    ----------
    q2 : array_like
        ``Q² = -q² ≥ 0`` in GeV².

    Returns
    -------
    tuple of numpy.ndarray
        ``(G_E^p, G_M^p, G_E^n, G_M^n)``, each of the shape of ``q2``.
    """
    q2a = _as_q2(q2)
    tau_p = q2a / (4.0 * M_PROTON**2)
    tau_n = q2a / (4.0 * M_NEUTRON**2)
    g_dipole = (1.0 + q2a / VECTOR_DIPOLE_MASS2) ** -2
    gep = _kelly_rational(tau_p, _KELLY_GEP)
    gmp = MU_P * _kelly_rational(tau_p, _KELLY_GMP)
    gen = _KELLY_GEN_A * tau_n / (1.0 + _KELLY_GEN_B * tau_n) * g_dipole
    gmn = MU_N * _kelly_rational(tau_n, _KELLY_GMN)
    return (
        np.asarray(gep, dtype=float),
        np.asarray(gmp, dtype=float),
        np.asarray(gen, dtype=float),
        np.asarray(gmn, dtype=float),
    )


@dataclass(frozen=True, eq=False)
class NucleonFormFactors:
    """Dirac (``F1``) and Pauli (``F2``) electromagnetic form factors of the nucleons.

    The electromagnetic current of nucleon N is
    ``ū(p') [γ^μ F1(Q²) + i σ^{μν} q_ν F2(Q²) / (2M)] u(p)``, with ``F1p(0) = 1``,
    ``F2p(0) = κ_p``, ``F1n(0) = 0``, ``F2n(0) = κ_n``. Each field is an array of the shape
    of the ``Q²`` it was computed for.
    """

    f1p: np.ndarray
    f2p: np.ndarray
    f1n: np.ndarray
    f2n: np.ndarray


def nucleon_form_factors(q2: ArrayLike) -> NucleonFormFactors:
    """Dirac and Pauli form factors ``F1``, ``F2`` of proton and neutron from Kelly (2004).

    From the Sachs form factors of :func:`sachs_form_factors`:
    ``F1 = (G_E + τ G_M)/(1 + τ)`` and ``F2 = (G_M - G_E)/(1 + τ)``, ``τ = Q²/(4M²)`` with
    the nucleon's own mass.

    Parameters
    ----------
    q2 : array_like
        ``Q² = -q² ≥ 0`` in GeV².

    Returns
    -------
    NucleonFormFactors
        ``f1p, f2p, f1n, f2n``, each of the shape of ``q2``.
    """
    q2a = _as_q2(q2)
    gep, gmp, gen, gmn = sachs_form_factors(q2a)
    tau_p = q2a / (4.0 * M_PROTON**2)
    tau_n = q2a / (4.0 * M_NEUTRON**2)
    return NucleonFormFactors(
        f1p=np.asarray((gep + tau_p * gmp) / (1.0 + tau_p), dtype=float),
        f2p=np.asarray((gmp - gep) / (1.0 + tau_p), dtype=float),
        f1n=np.asarray((gen + tau_n * gmn) / (1.0 + tau_n), dtype=float),
        f2n=np.asarray((gmn - gen) / (1.0 + tau_n), dtype=float),
    )


# ---------------------------------------------------------------------------------------------
# Axial form factors
# ---------------------------------------------------------------------------------------------

#: nucleon axial mass M_A in GeV: the world average of Bodek et al., Eur. Phys. J. C 53, 349
#: (2008) from neutrino quasielastic scattering on deuterium and pion electroproduction,
#: M_A = 1.014 ± 0.014 GeV
AXIAL_MASS = 1.014

#: Strange-quark axial charge Δs (the strange axial form factor is
#: ``G_A^s(Q²) = Δs · axial_form_factor(Q²)``): HERMES, Phys. Rev. D 75, 012007 (2007),
#: Δs = -0.085 ± 0.013 (theo.) ± 0.008 (exp.) ± 0.009 (evol.) at Q² = 5 GeV² (MS-bar),
#: from the first moment of g1^d.
STRANGE_AXIAL_CHARGE = -0.085


def axial_form_factor(q2: ArrayLike, axial_mass: float = AXIAL_MASS) -> np.ndarray:
    """Dipole axial form factor ``F_A(Q²) = (1 + Q²/M_A²)⁻²``, normalised to 1 at Q² = 0.

    The dipole form of Llewellyn Smith, Phys. Rep. 3, 261 (1972), Sect. 3. The caller
    multiplies by the axial charge of the current: ``G_A(Q²) = g_A F_A(Q²)`` for the
    isovector (charged) current, ``Δs F_A`` (:data:`STRANGE_AXIAL_CHARGE`) for the strange
    part of the neutral current. Default ``M_A = 1.014 GeV`` (:data:`AXIAL_MASS`, Bodek et
    al. 2008).

    Parameters
    ----------
    q2 : array_like
        ``Q² = -q² ≥ 0`` in GeV².
    axial_mass : float
        ``M_A`` in GeV.

    Returns
    -------
    numpy.ndarray
        ``F_A(Q²)``, same shape as ``q2``.
    """
    q2a = _as_q2(q2)
    if not axial_mass > 0.0:
        raise NuportalError(f"axial mass must be > 0 GeV; got {axial_mass}")
    return np.asarray((1.0 + q2a / axial_mass**2) ** -2, dtype=float)


def induced_pseudoscalar_form_factor(q2: ArrayLike, axial_mass: float = AXIAL_MASS) -> np.ndarray:
    """Induced pseudoscalar form factor from pion-pole dominance, per unit axial charge.

    Returns ``2 M² F_A(Q²) / (m_π² + Q²)`` (dimensionless), with ``F_A`` the normalised
    dipole of :func:`axial_form_factor`, ``M`` the average nucleon mass and ``m_π`` the
    charged-pion mass. Multiplied by the axial charge ``G_A(0)`` it is ``G_P(Q²) =
    2 M² G_A(Q²)/(m_π² + Q²)`` (partial conservation of the axial current with the pion
    pole; Llewellyn Smith, Phys. Rep. 3, 261 (1972), Sect. 3), the form factor of the
    axial current in the convention

    ``⟨N'| A^μ |N⟩ = ū' [γ^μ γ5 G_A(Q²) + (q^μ/M) γ5 G_P(Q²)] u``,  ``q = p' - p``.

    With the other common convention ``q^μ γ5 G_P/(2M)`` the value is twice this one. In
    cross sections it enters multiplied by the charged-lepton mass squared.

    Parameters
    ----------
    q2 : array_like
        ``Q² = -q² ≥ 0`` in GeV².
    axial_mass : float
        ``M_A`` in GeV of the dipole ``F_A``.

    Returns
    -------
    numpy.ndarray
        ``G_P(Q²)/G_A(0)``, same shape as ``q2``.
    """
    q2a = _as_q2(q2)
    value = 2.0 * M_NUCLEON**2 * axial_form_factor(q2a, axial_mass) / (M_PI_PLUS**2 + q2a)
    return np.asarray(value, dtype=float)
