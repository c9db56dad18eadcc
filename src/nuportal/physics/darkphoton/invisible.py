"""Invisible three-body decays ψ_j → ψ_a ψ_b ψ_c of a dark fermion through the off-shell A',
with every diagram and their interference (helicity amplitudes).

The A' couples the Majorana states of :mod:`nuportal.models.dark_sector` with the vertex
Γ_xy = γ^μ (G_xy P_L − G*_xy P_R) for fermion flow from ψ_y to ψ_x (Denner, Eck, Hahn &
Küblbeck, Nucl. Phys. B 387 (1992) 467, whose continuous fermion-flow rules are used).
A final state (a, b, c) is reached by three diagrams, one for each daughter x attached to
the parent line while the A' makes the other two (y, z):

    M_(x|yz) = σ [ū_x Γ_xj u_j]_μ (−g^{μν} + q^μ q^ν/m_A'²) [ū_y Γ_yz v_z]_ν / D(q²),
    q = p_y + p_z,   D(s) = s − m_A'² + i √s Γ_A'(√s),

with the sign σ = +1, −1, +1 of the permutation of the external spinors (a, j, b, c) →
(x, j, y, z) for x = a, b, c. The spinors of every Majorana state obey v = C ūᵀ
(C = iγ²γ⁰), which the interference between diagrams requires; they are built from the
helicity spinors u of :mod:`nuportal.physics.dirac`. A state with a negative mass is
written as ψ = −iγ⁵ψ' with ψ' of positive mass, so that every external spinor belongs to a
positive mass and the vertex becomes η̄_x Γ_xy η_y (η = −iγ⁵ for negative masses, 1
otherwise).

The width is Γ = S ∫ ½ Σ|M|² ds dt / (256 π³ |m_j|³) (PDG 2024 "Kinematics", Eq. (49.22))
with s = (p_b + p_c)², t = (p_a + p_b)² and the symmetry factor S = 1/∏ n_i! of identical
daughters, by Gauss–Legendre rules in s (endpoint map x = (1 − cos πy)/2) and t. The
A' must be off shell in every diagram (m_A' > |m_j| − |m_x| for each daughter x); otherwise
the decay is the two-body ψ_j → ψ_x A' followed by the A' decay. With a single
contributing diagram and distinct daughters the width equals the factorised form of
:class:`~nuportal.physics.darkphoton.fermions.OffShellDecay` (tested).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from nuportal.errors import NuportalError
from nuportal.models.dark_sector import DarkSector
from nuportal.physics import dirac
from nuportal.physics.darkphoton.fermions import _gauss
from nuportal.physics.darkphoton.widths import aprime_total_width

#: charge conjugation C = iγ²γ⁰ (ψᶜ = C ψ̄ᵀ)
_C = 1j * dirac.GAMMA[2] @ dirac.GAMMA[0]
#: −iγ⁵ in the chiral basis: the rephasing of a negative-mass Majorana field
_ETA = np.array([1j, 1j, -1j, -1j])
#: (attached to the parent, A' pair) positions and permutation sign of the three diagrams
_DIAGRAMS = ((0, 1, 2, 1.0), (1, 0, 2, -1.0), (2, 0, 1, 1.0))


def _majorana_v(u: np.ndarray) -> np.ndarray:
    """v = C ūᵀ for spinors u (n, 4)."""
    return np.einsum("ab,nb->na", _C, dirac.bar(u))


class InvisibleDecay:
    """ψ_j → ψ_a ψ_b ψ_c through the off-shell A' with all diagrams (module docstring).

    Parameters
    ----------
    sector : DarkSector
        The dark sector.
    parent : int
        Index j of the decaying state.
    daughters : tuple[int, int, int]
        Indices of the three daughters (any order; identical ones allowed).
    """

    def __init__(self, sector: DarkSector, parent: int, daughters: tuple[int, int, int]) -> None:
        n = sector.n_states
        if len(daughters) != 3 or not all(0 <= i < n for i in (parent, *daughters)):
            raise NuportalError(
                f"need a parent and three daughters among the states 0..{n - 1}, "
                f"got {parent}, {daughters}"
            )
        self.sector = sector
        self.parent = parent
        self.daughters = tuple(sorted(daughters))
        masses = sector.masses
        self.m_parent = float(masses[parent])
        self.m = tuple(float(masses[i]) for i in self.daughters)
        self.symmetry = 1.0 / math.prod(math.factorial(c) for c in Counter(daughters).values())
        m_aprime = sector.dark_photon.mass
        if any(m_aprime <= self.m_parent - mx for mx in self.m) and self.is_open:
            raise NuportalError(
                "the A' can be on shell in this decay (m_A' <= m_j - m_x): use the two-body "
                "decay psi_j -> psi_x A' and the A' decay table instead"
            )

    @property
    def is_open(self) -> bool:
        """Whether the decay is kinematically open with a non-zero coupling chain."""
        if sum(self.m) >= self.m_parent:
            return False
        g = self.sector.coupling
        j, d = self.parent, self.daughters
        return any(g[d[x], j] != 0 and g[d[y], d[z]] != 0 for x, y, z, _ in _DIAGRAMS)

    # ------------------------------------------------------------------ kinematics
    def t_limits(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Limits of t = (p_a + p_b)² at s = (p_b + p_c)² in GeV² (PDG Eq. (49.23))."""
        big = self.m_parent
        m_a, m_b, m_c = self.m
        root = np.sqrt(s)
        e_b = (s + m_b**2 - m_c**2) / (2.0 * root)
        e_a = (big**2 - s - m_a**2) / (2.0 * root)
        p_b = np.sqrt(np.clip(e_b**2 - m_b**2, 0.0, None))
        p_a = np.sqrt(np.clip(e_a**2 - m_a**2, 0.0, None))
        base = (e_a + e_b) ** 2
        return base - (p_a + p_b) ** 2, base - (p_a - p_b) ** 2

    def momenta(self, s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
        """(P, p_a, p_b, p_c) in the parent rest frame, each (n, 4); p_a along +z."""
        big = self.m_parent
        m_a, m_b, m_c = self.m
        s_ac = big**2 + m_a**2 + m_b**2 + m_c**2 - s - t
        e_a = (big**2 + m_a**2 - s) / (2.0 * big)
        e_b = (big**2 + m_b**2 - s_ac) / (2.0 * big)
        k_a = np.sqrt(np.clip(e_a**2 - m_a**2, 0.0, None))
        k_b = np.sqrt(np.clip(e_b**2 - m_b**2, 0.0, None))
        denom = np.where(k_a * k_b > 0, 2.0 * k_a * k_b, 1.0)
        cos = np.clip((2.0 * e_a * e_b + m_a**2 + m_b**2 - t) / denom, -1.0, 1.0)
        sin = np.sqrt(1.0 - cos**2)
        zero = np.zeros_like(s)
        parent = np.stack([np.full_like(s, big), zero, zero, zero], axis=-1)
        p_a = np.stack([e_a, zero, zero, k_a], axis=-1)
        p_b = np.stack([e_b, k_b * sin, zero, k_b * cos], axis=-1)
        return parent, p_a, p_b, parent - p_a - p_b

    # ------------------------------------------------------------------ amplitude
    def _spinors(self, index: int, p: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Helicity → (ū η̄, η v) of the state ``index`` (rephased if its mass is negative)."""
        eta = _ETA if self.sector.signed_masses[index] < 0 else np.ones(4)
        out = {}
        for lam in (-1, 1):
            u = dirac.spinor_u(p, lam)
            out[lam] = (dirac.bar(u) * eta, _majorana_v(u) * eta)
        return out

    def amplitude_squared(self, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        """½ Σ_spins |M|² at Dalitz points (s, t) (parent spin averaged)."""
        parent, *final = self.momenta(np.asarray(s, float), np.asarray(t, float))
        g = self.sector.coupling
        a = self.sector.dark_photon
        j = self.parent
        eta_j = _ETA if self.sector.signed_masses[j] < 0 else np.ones(4)
        u_parent = {lam: dirac.spinor_u(parent, lam) * eta_j for lam in (-1, 1)}
        spinors = [self._spinors(i, p) for i, p in zip(self.daughters, final, strict=True)]
        total = np.zeros(len(parent))
        helicities = [(h0, h1, h2, h3) for h0 in (-1, 1) for h1 in (-1, 1)
                      for h2 in (-1, 1) for h3 in (-1, 1)]  # fmt: skip
        terms = []
        for x, y, z, sign in _DIAGRAMS:
            dx, dy, dz = (self.daughters[i] for i in (x, y, z))
            if g[dx, j] == 0 or g[dy, dz] == 0:
                continue
            q = final[y] + final[z]
            q2 = dirac.dot(q, q)
            root = np.sqrt(q2)
            denom = q2 - a.mass**2 + 1j * root * aprime_total_width(self.sector, root)
            terms.append((x, y, z, sign, complex(g[dx, j]), complex(g[dy, dz]), q, denom))
        for h0, h1, h2, h3 in helicities:
            hel = (h1, h2, h3)
            amp = np.zeros(len(parent), complex)
            for x, y, z, sign, g1, g2, q, denom in terms:
                j1 = dirac.vector_current(spinors[x][hel[x]][0], u_parent[h0], g1, -np.conj(g1))
                j2 = dirac.vector_current(
                    spinors[y][hel[y]][0], spinors[z][hel[z]][1], g2, -np.conj(g2)
                )
                exchange = dirac.dot(j1, j2) - dirac.dot(j1, q) * dirac.dot(j2, q) / a.mass**2
                amp += sign * exchange / denom
            total += np.abs(amp) ** 2
        return 0.5 * total

    def width(self, *, order_s: int = 32, order_t: int = 16) -> float:
        """Partial width in GeV (0 if closed)."""
        if not self.is_open:
            return 0.0
        m_a, m_b, m_c = self.m
        lo, hi = (m_b + m_c) ** 2, (self.m_parent - m_a) ** 2
        y, wy = _gauss(order_s)
        x = 0.5 * (1.0 - np.cos(np.pi * y))
        s = lo + (hi - lo) * x
        ws = wy * (hi - lo) * 0.5 * np.pi * np.sin(np.pi * y)
        t_lo, t_hi = self.t_limits(s)
        xt, wt = _gauss(order_t)
        t = t_lo[:, None] + (t_hi - t_lo)[:, None] * xt[None, :]
        weights = (ws * (t_hi - t_lo))[:, None] * wt[None, :]
        s_all = np.broadcast_to(s[:, None], t.shape).ravel()
        m2 = self.amplitude_squared(s_all, t.ravel())
        integral = float(np.sum(m2 * weights.ravel()))
        return self.symmetry * integral / (256.0 * np.pi**3 * self.m_parent**3)
