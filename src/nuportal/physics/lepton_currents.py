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
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from nuportal.errors import NuportalError
from nuportal.physics.kinematics import LabKinematics

#: incoming lines: ``"neutrino"`` ū(k₂, h) Γ u(k₁, -); ``"majorana_antineutrino"``
#: ū(k₂, h) Γ u(k₁, +); ``"dirac_antineutrino"`` v̄(k₁, +) Γ v(k₂, h)
LINES = ("neutrino", "majorana_antineutrino", "dirac_antineutrino")

_Weyl = tuple[np.ndarray, np.ndarray]


def couplings_selected(line: str) -> tuple[int, int]:
    """Which chiral coupling (0 = c_L, 1 = c_R) multiplies (vector, scalar and dipole)
    currents of ``line``.

    ν: u(k₁, -) is left-handed, all c_L. Majorana ν̄: u(k₁, +) is right-handed, all c_R.
    Dirac ν̄: v̄(k₁, +) = v̄ P_R, so γ^μ picks c_L and the chirality-flipping 1, σ^{μν} pick c_R.
    """
    return {"neutrino": (0, 0), "majorana_antineutrino": (1, 1), "dirac_antineutrino": (0, 1)}[line]


def _sigma(x: _Weyl, y: _Weyl, t: float) -> np.ndarray:
    """x† σ_t^μ y for real two-spinors (σ_+ = σ, σ_- = σ̄), shape (n, 4) complex."""
    (x1, x2), (y1, y2) = x, y
    out = np.empty((len(x1), 4), complex)
    out[:, 0] = x1 * y1 + x2 * y2
    out[:, 1] = t * (x1 * y2 + x2 * y1)
    out[:, 2] = (t * (x2 * y1 - x1 * y2)) * 1j
    out[:, 3] = t * (x1 * y1 - x2 * y2)
    return out


def _q_sigma(q0: np.ndarray, qx: np.ndarray, qz: np.ndarray, t: float, y: _Weyl) -> _Weyl:
    """(q·σ_t) y for q_y = 0: q·σ = q⁰ − q⃗·σ⃗ (t = +1), q·σ̄ = q⁰ + q⃗·σ⃗ (t = -1); real."""
    y1, y2 = y
    return (q0 - t * qz) * y1 - t * qx * y2, (q0 + t * qz) * y2 - t * qx * y1


def _dipole(
    zeta: _Weyl, eta: _Weyl, q: tuple[np.ndarray, np.ndarray, np.ndarray], t: float
) -> np.ndarray:
    """(i/2) ζ† [(q·σ_{-t}) σ_t^ν − σ_{-t}^ν (q·σ_t)] η: ψ̄ σ^{μν} q_μ ψ' for η of chirality
    t (σ^{μν} q_μ = (i/2)(q̸ γ^ν − γ^ν q̸)); (q·σ)ᵀ = q·σ for real symmetric q·σ."""
    left = _q_sigma(*q, -t, zeta)
    return 0.5j * (_sigma(left, eta, t) - _sigma(zeta, _q_sigma(*q, t, eta), -t))


class LeptonCurrents:
    """Currents of the lepton line ``line`` (:data:`LINES`) for an outgoing lepton of mass
    ``m_lepton`` (GeV) and helicity ``helicity`` = ±1 at the points of ``kin`` (flattened).

    Attributes (computed on first use; complex, GeV units: currents ∝ √(E E_N))
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
        if line not in LINES:
            raise NuportalError(f"unknown lepton line {line!r}; allowed: {', '.join(LINES)}")
        if helicity not in (+1, -1):
            raise NuportalError(f"helicity must be +1 or -1, got {helicity!r}")
        omc = kin.one_minus_cos.ravel()
        cos_half, sin_half = np.sqrt(1.0 - 0.5 * omc), np.sqrt(0.5 * omc)
        w_plus = np.sqrt(kin.e_n.ravel() + kin.p_n.ravel())
        w_minus = m_lepton / np.where(w_plus > 0, w_plus, 1.0)
        norm = np.sqrt(2.0 * kin.energy.ravel())
        zero = np.zeros_like(norm)
        # χ_h of u(k₂, h), χ_{-h} of v(k₂, h), and the weights of the (L, R) Weyl halves
        chi_plus = helicity > 0 if line != "dirac_antineutrino" else helicity < 0
        chi = (cos_half, sin_half) if chi_plus else (-sin_half, cos_half)
        w_h, w_mh = (w_plus, w_minus) if helicity > 0 else (w_minus, w_plus)
        w_l, w_r = (
            (-helicity * w_h, helicity * w_mh) if line == "dirac_antineutrino" else (w_mh, w_h)
        )
        half_l, half_r = (w_l * chi[0], w_l * chi[1]), (w_r * chi[0], w_r * chi[1])
        self._q = (kin.nu.ravel(), kin.q_x.ravel(), kin.q_z.ravel())
        self._conjugate = line == "dirac_antineutrino"
        if line == "majorana_antineutrino":
            self._eta, self._t, self._xi, self._zeta = (norm, zero), 1.0, half_r, half_l
        else:
            sign = 1.0 if line == "neutrino" else -1.0
            self._eta, self._t, self._xi, self._zeta = (zero, sign * norm), -1.0, half_l, half_r

    def _out(self, value: np.ndarray) -> np.ndarray:
        return np.conj(value) if self._conjugate else value

    @cached_property
    def vector(self) -> np.ndarray:
        """ψ̄ γ^μ ψ, (n, 4)."""
        return self._out(_sigma(self._xi, self._eta, self._t))

    @cached_property
    def scalar(self) -> np.ndarray:
        """ψ̄ ψ, (n,)."""
        (z1, z2), (e1, e2) = self._zeta, self._eta
        return self._out(z1 * e1 + z2 * e2 + 0j)

    @cached_property
    def dipole(self) -> np.ndarray:
        """ψ̄ σ^{μν} q_μ ψ, (n, 4)."""
        return self._out(_dipole(self._zeta, self._eta, self._q, self._t))
