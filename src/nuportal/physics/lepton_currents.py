"""Lepton currents of upscattering ν(k₁) → N(k₂, h) in closed form, lab frame.

In the frame of :func:`nuportal.physics.kinematics.lab_kinematics` (ν along +z, N in the xz
plane at angle θ with x ≥ 0) the helicity spinors of :mod:`nuportal.physics.dirac` (HELAS,
Murayama, Watanabe & Hagiwara, KEK Report 91-11 (1992), Eqs. (2.5)–(2.8)) are real:

    u(k₂, h) = (ω_{-h} χ_h, ω_h χ_h),    v(k₂, h) = (-h ω_h χ_{-h}, h ω_{-h} χ_{-h}),

with χ_+ = (cos θ/2, sin θ/2), χ_- = (-sin θ/2, cos θ/2), ω_± = √(E_N ± p_N), and for the
massless neutrino along +z ``u(k₁, ∓) = √(2E) × (0, 1, 0, 0) / (0, 0, 1, 0)`` and
``v(k₁, +) = √(2E) × (0, -1, 0, 0)``. The currents are then sums of products of Weyl
components. With ψ = (ψ_L, ψ_R), γ^μ = [[0, σ^μ], [σ̄^μ, 0]], σ^μ = (1, σ⃗), σ̄^μ = (1, -σ⃗)
and an incoming spinor η of chirality L (t = -1) or R (t = +1), whose row partner ξ has the
same chirality and ζ the opposite one (Dreiner, Haber & Martin, Phys. Rept. 494 (2010) 1,
arXiv:0812.1594, Sect. 2):

    ψ̄ γ^μ ψ' = ξ† σ_t^μ η,    ψ̄ ψ' = ζ† η,
    ψ̄ σ^{μν} q_μ ψ' = (i/2) ζ† [(q·σ_{-t}) σ_t^ν − σ_{-t}^ν (q·σ_t)] η,

σ_+ = σ, σ_- = σ̄. The ν̄ line of a Dirac N, v̄(k₁, +) Γ v(k₂, h), is the complex conjugate of
the same expressions with ξ, ζ the Weyl halves of v(k₂, h) and η of v(k₁, +) (Γ̄ = Γ for
γ^μ, 1 and σ^{μν}). Nothing is summed over spins, so a current is exact to rounding; the
tests compare it with the explicit spinors of :mod:`nuportal.physics.dirac`.

:func:`currents_point` (compiled, numba) is the one implementation: the amplitude kernels of
:mod:`nuportal.physics.upscattering` call it per event, :class:`LeptonCurrents` fills arrays
with it.
"""

from __future__ import annotations

import numba
import numpy as np

from nuportal.errors import NuportalError
from nuportal.physics.kinematics import LabKinematics

#: incoming lines: ``"neutrino"`` ū(k₂, h) Γ u(k₁, -); ``"majorana_antineutrino"``
#: ū(k₂, h) Γ u(k₁, +); ``"dirac_antineutrino"`` v̄(k₁, +) Γ v(k₂, h); the position in this
#: tuple is the ``line`` code of :func:`currents_point`
LINES = ("neutrino", "majorana_antineutrino", "dirac_antineutrino")

_Four = tuple[complex, complex, complex, complex]


def couplings_selected(line: str) -> tuple[int, int]:
    """Which chiral coupling (0 = c_L, 1 = c_R) multiplies (vector, scalar and dipole)
    currents of ``line``.

    ν: u(k₁, -) is left-handed, all c_L. Majorana ν̄: u(k₁, +) is right-handed, all c_R.
    Dirac ν̄: v̄(k₁, +) = v̄ P_R, so γ^μ picks c_L and the chirality-flipping 1, σ^{μν} pick c_R.
    """
    return {"neutrino": (0, 0), "majorana_antineutrino": (1, 1), "dirac_antineutrino": (0, 1)}[line]


def line_code(line: str, helicity: int) -> int:
    """The ``line`` code of :func:`currents_point` for a line of :data:`LINES`, after checking
    ``line`` and ``helicity`` (±1)."""
    if line not in LINES:
        raise NuportalError(f"unknown lepton line {line!r}; allowed: {', '.join(LINES)}")
    if helicity not in (+1, -1):
        raise NuportalError(f"helicity must be +1 or -1, got {helicity!r}")
    return LINES.index(line)


@numba.njit(cache=True)
def _sigma(
    x1: float, x2: float, y1: float, y2: float, t: float
) -> tuple[float, float, float, float]:  # pragma: no cover - compiled
    """x† σ_t^μ y for real two-spinors (σ_+ = σ, σ_- = σ̄) as (a⁰, a¹, a², a³) with
    x† σ_t^μ y = (a⁰, a¹, i a², a³)."""
    return (
        x1 * y1 + x2 * y2,
        t * (x1 * y2 + x2 * y1),
        t * (x2 * y1 - x1 * y2),
        t * (x1 * y1 - x2 * y2),
    )


@numba.njit(cache=True)
def _q_sigma(
    q0: float, qx: float, qz: float, t: float, y1: float, y2: float
) -> tuple[float, float]:  # pragma: no cover - compiled
    """(q·σ_t) y for q_y = 0: q·σ = q⁰ − q⃗·σ⃗ (t = +1), q·σ̄ = q⁰ + q⃗·σ⃗ (t = -1); real."""
    return (q0 - t * qz) * y1 - t * qx * y2, (q0 + t * qz) * y2 - t * qx * y1


@numba.njit(cache=True, error_model="numpy")
def currents_point(
    energy: float,
    nu: float,
    e_n: float,
    p_n: float,
    one_minus_cos: float,
    q_x: float,
    q_z: float,
    m_lepton: float,
    helicity: int,
    line: int,
) -> tuple[_Four, complex, _Four]:  # pragma: no cover - compiled
    """(ψ̄ γ^μ ψ, ψ̄ ψ, ψ̄ σ^{μν} q_μ ψ) at one point of :class:`LabKinematics` (its columns in
    order), upper indices, for the line ``LINES[line]`` and N helicity ``helicity``.

    The dipole current is ψ̄ σ^{μν} q_μ ψ = (i/2) ζ† [(q·σ_{-t}) σ_t^ν − σ_{-t}^ν (q·σ_t)] η
    (σ^{μν} q_μ = (i/2)(q̸ γ^ν − γ^ν q̸); (q·σ)ᵀ = q·σ for real symmetric q·σ).
    """
    cos_half, sin_half = np.sqrt(1.0 - 0.5 * one_minus_cos), np.sqrt(0.5 * one_minus_cos)
    w_plus = np.sqrt(e_n + p_n)
    w_minus = m_lepton / (w_plus if w_plus > 0.0 else 1.0)
    norm = np.sqrt(2.0 * energy)
    # χ_h of u(k₂, h), χ_{-h} of v(k₂, h), and the weights of the (L, R) Weyl halves
    dirac_anti = line == 2
    chi_plus = helicity > 0 if not dirac_anti else helicity < 0
    chi1, chi2 = (cos_half, sin_half) if chi_plus else (-sin_half, cos_half)
    w_h, w_mh = (w_plus, w_minus) if helicity > 0 else (w_minus, w_plus)
    w_l, w_r = (-helicity * w_h, helicity * w_mh) if dirac_anti else (w_mh, w_h)
    if line == 1:  # η = u(k₁, +) is right-handed: ξ = R half, ζ = L half
        t, eta1, eta2 = 1.0, norm, 0.0
        xi1, xi2, zeta1, zeta2 = w_r * chi1, w_r * chi2, w_l * chi1, w_l * chi2
    else:
        t, eta1, eta2 = -1.0, 0.0, (norm if line == 0 else -norm)
        xi1, xi2, zeta1, zeta2 = w_l * chi1, w_l * chi2, w_r * chi1, w_r * chi2
    # the ν̄ line of a Dirac N is the complex conjugate: the imaginary parts change sign
    phase = -1.0 if dirac_anti else 1.0
    v0, v1, v2, v3 = _sigma(xi1, xi2, eta1, eta2, t)
    vector = (complex(v0), complex(v1), complex(0.0, phase * v2), complex(v3))
    scalar = complex(zeta1 * eta1 + zeta2 * eta2)
    l1, l2 = _q_sigma(nu, q_x, q_z, -t, zeta1, zeta2)
    a0, a1, a2, a3 = _sigma(l1, l2, eta1, eta2, t)
    r1, r2 = _q_sigma(nu, q_x, q_z, t, eta1, eta2)
    b0, b1, b2, b3 = _sigma(zeta1, zeta2, r1, r2, -t)
    dipole = (
        complex(0.0, phase * 0.5 * (a0 - b0)),
        complex(0.0, phase * 0.5 * (a1 - b1)),
        complex(-0.5 * (a2 - b2)),
        complex(0.0, phase * 0.5 * (a3 - b3)),
    )
    return vector, scalar, dipole


@numba.njit(cache=True)
def _currents_rows(
    columns: np.ndarray, m_lepton: float, helicity: int, line: int, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    for i in range(columns.shape[1]):
        e, nu, e_n, p_n, omc, q_x, q_z = columns[:, i]
        vector, out[i, 4], dipole = currents_point(
            e, nu, e_n, p_n, omc, q_x, q_z, m_lepton, helicity, line
        )
        for mu in range(4):
            out[i, mu], out[i, 5 + mu] = vector[mu], dipole[mu]


class LeptonCurrents:
    """Currents of the lepton line ``line`` (:data:`LINES`) for an outgoing lepton of mass
    ``m_lepton`` (GeV) and helicity ``helicity`` = ±1 at the points of ``kin`` (flattened),
    from :func:`currents_point`.

    Attributes (complex, GeV units: currents ∝ √(E E_N))
    ----------
    vector : numpy.ndarray
        ψ̄ γ^μ ψ, shape (n, 4), upper index.
    scalar : numpy.ndarray
        ψ̄ ψ, shape (n,).
    dipole : numpy.ndarray
        ψ̄ σ^{μν} q_μ ψ with q = k₁ - k₂, shape (n, 4), upper index ν.

    The incoming massless spinor has definite chirality, so ψ̄ Γ (c_L P_L + c_R P_R) ψ is
    c_L or c_R times these: see :func:`couplings_selected`.
    """

    def __init__(self, kin: LabKinematics, m_lepton: float, helicity: int, line: str) -> None:
        code = line_code(line, helicity)
        columns = np.ascontiguousarray(kin.columns.reshape(7, -1))
        rows = np.empty((columns.shape[1], 9), complex)
        _currents_rows(columns, float(m_lepton), int(helicity), code, rows)
        self.vector, self.scalar, self.dipole = rows[:, :4], rows[:, 4], rows[:, 5:]
