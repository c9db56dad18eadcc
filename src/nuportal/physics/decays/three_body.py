"""Three-body decays N_i → ν_a ℓ_β⁻ ℓ_γ⁺ and N_i → N_j ℓ_β⁻ ℓ_γ⁺ with every mediator.

The amplitude is built from the Feynman rules of :mod:`nuportal.models.couplings` and
evaluated with explicit helicity spinors (:mod:`nuportal.physics.dirac`), as the
upscattering amplitudes are, so that all diagrams and their interferences are included:

* neutral currents through every massive vector (Z, Z'; unitary-gauge propagator
  (g_μν − q_μ q_ν/m²)/(q² − m² + i q²Γ/m), q = p_ℓ⁻ + p_ℓ⁺), every scalar (h') and the photon
  coupled to a transition dipole;
* the charged current N_i → ℓ_β⁻ W⁺*, W⁺* → ℓ_γ⁺ ν_a (propagator in s_{νℓ⁺}), with the
  relative sign −1 of the exchanged fermion lines. In the Fermi limit this gives the
  familiar g_L → g_L + 1 for β = γ = α (Bondarenko et al., arXiv:1805.08567, Sec. 3.1.2),
  which the tests check against the closed form.

For particles p(N), k₁(ν or N_j), k₂(ℓ⁻), k₃(ℓ⁺) in the N rest frame,

    M = Σ_V [J₁·J₂ − (J₁·q)(J₂·q)/m_V²]/D_V − Σ_S S₁ S₂/D_S − i (J_d·J_γ)/s₂₃ − M_W,

with J₁ = ū(k₁) γ^μ (c_L P_L + c_R P_R) u(p), J₂ = ū(k₂) γ_μ (g_L P_L + g_R P_R) v(k₃),
J_d = ū(k₁) σ^{μν} q_ν (d_L P_L + d_R P_R) u(p) and J_γ = e Q_ℓ ū(k₂) γ_μ v(k₃). The
width is the Dalitz integral Γ = ∫ |M̄|² ds₂₃ ds₁₃ / (256 π³ M³) (PDG, "Kinematics",
Eq. (49.22)), done with Gauss–Legendre rules in s₂₃ (mapped to follow a Breit–Wigner or a
photon pole) and in s₁₃.

Dirac N decays as a particle (lepton number +1); a Majorana N into a light neutrino has
the width of the Dirac N plus that of its CP conjugate, which are equal (for massless
light neutrinos the two final states ν and ν̄ have opposite helicities and do not
interfere; Balantekin, de Gouvêa & Kayser, Phys. Lett. B 789 (2019) 488). For
N_i → N_j ℓℓ with Majorana N's the Majorana vertex rules are used directly (neutral
currents only; the W exchange between two heavy states, ∝ U_βi U_γj, is neglected).

An on-shell mediator (m_V inside the allowed ℓℓ mass range) is the two-body decay
N → ν V followed by V → ℓℓ, which the decay table lists separately; it is therefore left
out of the three-body width unless ``on_shell=True`` (used to test the narrow-width limit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from nuportal.constants import E_CHARGE, M_W, mass
from nuportal.constants import PDG_W as _PDG_W
from nuportal.constants import PDG_Z as _PDG_Z
from nuportal.models.couplings import chiral_vertex
from nuportal.models.model import Model
from nuportal.physics import dirac
from nuportal.physics.decays.spin_table import SpinTable, sample_point

_LEPTONS = ("e", "mu", "tau")
_NEUTRINOS = ("nu_e", "nu_mu", "nu_tau")


def _width_of(pdgid: int) -> float:
    from particle import Particle

    width = Particle.from_pdgid(pdgid).width
    if width is None:  # pragma: no cover - the W and Z widths are in every PDG table
        raise ValueError(f"the particle table has no width for PDG id {pdgid}")
    return float(width) * 1e-3


#: total widths of the W and Z (GeV), from the particle package's PDG table
W_WIDTH = _width_of(_PDG_W)
Z_WIDTH = _width_of(_PDG_Z)


@dataclass(frozen=True)
class _Mediator:
    kind: str  # "vector", "scalar", "photon", "W"
    mass: float
    width: float
    inner: tuple[complex, complex]  # neutral-lepton vertex (c_L, c_R)
    outer: tuple[complex, complex]  # charged-lepton vertex (g_L, g_R)


def _gauss(order: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(order)
    return 0.5 * (x + 1.0), 0.5 * w


def _kallen(a: np.ndarray, b: float, c: float) -> np.ndarray:
    return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)


class LeptonPairDecay:
    """N_i → X ℓ_β⁻ ℓ_γ⁺ for one model, X a light neutrino (flavour state) or N_j.

    Parameters
    ----------
    model : Model
        The model.
    parent : int
        Basis index of the decaying N (3 for N4, ...; see :mod:`nuportal.models.couplings`).
    daughter : int
        Basis index of the neutral daughter (0, 1, 2 for ν_e, ν_μ, ν_τ; 3.. for N_j).
    minus, plus : str
        Flavours (``"e"``, ``"mu"``, ``"tau"``) of ℓ⁻ and ℓ⁺; or, for a heavy daughter
        N_j only, a light-neutrino pair ν_b ν̄_c (``"nu_e"``, ``"nu_mu"``, ``"nu_tau"``),
        produced by the neutral bosons (no identical particles in the final state).
    widths : dict[str, float], optional
        Total widths (GeV) of the new mediators (``"Zprime"``, ``"hprime"``) for their
        propagators; default 0 (only needed when a mediator can be on shell).
    on_shell : bool
        Keep mediators that can be on shell (default False, see the module docstring).
    """

    def __init__(
        self,
        model: Model,
        parent: int,
        daughter: int,
        minus: str,
        plus: str,
        *,
        widths: dict[str, float] | None = None,
        on_shell: bool = False,
    ) -> None:
        self.model = model
        self.parent, self.daughter = parent, daughter
        self.minus, self.plus = minus, plus
        masses = (0.0, 0.0, 0.0, *model.masses)
        self.m_parent = masses[parent]
        self.m_daughter = masses[daughter]
        self.neutrinos = minus in _NEUTRINOS and plus in _NEUTRINOS
        if not self.neutrinos and not (minus in _LEPTONS and plus in _LEPTONS):
            raise ValueError(
                f"the pair must be two charged leptons or two neutrinos: {minus, plus}"
            )
        if self.neutrinos and daughter < 3:
            raise ValueError("a neutrino pair needs a heavy daughter (no identical neutrinos)")
        self.m_minus = 0.0 if self.neutrinos else mass(11 + 2 * _LEPTONS.index(minus))
        self.m_plus = 0.0 if self.neutrinos else mass(11 + 2 * _LEPTONS.index(plus))
        self.s23_range = (
            (self.m_minus + self.m_plus) ** 2,
            (self.m_parent - self.m_daughter) ** 2,
        )
        self.mediators = self._mediators(widths or {}, on_shell)
        self._masses = (self.m_parent, self.m_daughter, self.m_minus, self.m_plus)
        self._map = self._map_parameters()
        self._envelopes: dict[tuple[int, bool], float] = {}
        self._tables: dict[bool, SpinTable] = {}
        self._charge_state_width: float | None = None

    @property
    def is_open(self) -> bool:
        """Whether the channel is kinematically open."""
        return self.s23_range[1] > self.s23_range[0]

    def _mediators(self, widths: dict[str, float], on_shell: bool) -> list[_Mediator]:
        cp = self.model.couplings
        majorana = self.model.majorana and self.daughter >= 3
        out: list[_Mediator] = []
        lo, hi = self.s23_range
        same = self.minus == self.plus

        def vertex(matrix: np.ndarray, kind: str) -> tuple[complex, complex]:
            return chiral_vertex(
                np.asarray(matrix),
                self.daughter,
                self.parent,
                majorana=majorana,
                antineutrino=False,
                kind=kind,
            )

        def resonant(m: float) -> bool:
            return not on_shell and lo < m**2 < hi

        if self.neutrinos:
            b, c = _NEUTRINOS.index(self.minus), _NEUTRINOS.index(self.plus)
            for v in cp.vectors:
                inner, outer = vertex(v.neutral, "vector"), (complex(v.neutral[b, c]), 0j)
                width = Z_WIDTH if v.name == "Z" else widths.get(v.name, 0.0)
                if inner != (0, 0) and outer[0] != 0 and not resonant(v.mass):
                    out.append(_Mediator("vector", v.mass, width, inner, outer))
            for s in cp.scalars:
                inner = vertex(s.neutral, "scalar")
                outer = (complex(s.neutral[b, c]), complex(np.conj(s.neutral[c, b])))
                if inner != (0, 0) and outer != (0, 0) and not resonant(s.mass):
                    out.append(_Mediator("scalar", s.mass, widths.get(s.name, 0.0), inner, outer))
            return out
        if same:
            for v in cp.vectors:
                inner = vertex(v.neutral, "vector")
                width = Z_WIDTH if v.name == "Z" else widths.get(v.name, 0.0)
                if inner != (0, 0) and not resonant(v.mass):
                    out.append(_Mediator("vector", v.mass, width, inner, v.chiral[self.minus]))
            for s in cp.scalars:
                inner = vertex(s.neutral, "scalar")
                y = s.yukawa[self.minus]
                if inner != (0, 0) and y != 0 and not resonant(s.mass):
                    width = widths.get(s.name, 0.0)
                    out.append(_Mediator("scalar", s.mass, width, inner, (y, y)))
            inner = vertex(cp.dipole, "dipole")
            if inner != (0, 0):
                charge = -E_CHARGE
                out.append(_Mediator("photon", 0.0, 0.0, inner, (charge, charge)))
        if self.daughter < 3:
            w = np.asarray(cp.charged)
            coupling_in = w[_LEPTONS.index(self.minus), self.parent]
            coupling_out = np.conj(w[_LEPTONS.index(self.plus), self.daughter])
            if coupling_in != 0 and coupling_out != 0:
                out.append(_Mediator("W", M_W, W_WIDTH, (coupling_in, 0), (coupling_out, 0)))
        return out

    # ------------------------------------------------------------------ kinematics
    def momenta(
        self, s23: np.ndarray, s13: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Four-momenta (p, k₁, k₂, k₃) in the N rest frame for invariants (s₂₃, s₁₃).

        k₁ along +z, k₂ in the xz-plane. Shapes (n, 4).
        """
        n = len(s23)
        return self.oriented_momenta(s23, s13, np.ones(n), np.zeros(n))

    def s13_limits(self, s23: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dalitz limits of s₁₃ at fixed s₂₃ (PDG Kinematics, Eq. (49.23); one compiled pass
        of :func:`_s13_point`)."""
        x = np.asarray(s23, dtype=np.float64)
        out = np.empty((2, x.size))
        _s13_rows(self._masses, np.ascontiguousarray(x).ravel(), out)
        lo, hi = out.reshape(2, *x.shape)
        return lo[()], hi[()]

    # ------------------------------------------------------------------ amplitude
    def amplitude_squared(
        self, p: np.ndarray, k1: np.ndarray, k2: np.ndarray, k3: np.ndarray, spin: int
    ) -> np.ndarray:
        """Σ over final helicities of |M|² for parent spin ``spin`` = ±1 along its +z axis
        (the helicity basis of a parent at rest). Shapes (n, 4) → (n,).

        The 8 helicity amplitudes of :func:`_helicity_amplitudes` (each mediator's two
        currents computed once per helicity of the particles they contain, 2 + 4 currents,
        not 2 × 8), in one compiled pass over the points.
        """
        momenta, mediators = self._kernel_arguments(p, k1, k2, k3)
        out = np.empty(momenta.shape[1])
        _amplitude_rows(momenta, int(spin), mediators, out)
        return out

    def _kernel_arguments(
        self, p: np.ndarray, k1: np.ndarray, k2: np.ndarray, k3: np.ndarray
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The momenta and mediators as :func:`_helicity_amplitudes` takes them: (p, k₁, k₂,
        k₃) stacked (4, n, 4), and the mediators' codes, (mass, width) and couplings."""
        kinds = np.array([_KINDS.index(m.kind) for m in self.mediators], np.int64)
        masses = np.array([[m.mass, m.width] for m in self.mediators], float).reshape(-1, 2)
        couplings = np.array([[*m.inner, *m.outer] for m in self.mediators], complex)
        shape = np.shape(p)
        momenta = np.stack([np.broadcast_to(k, shape) for k in (p, k1, k2, k3)], dtype=float)
        return momenta, (kinds, masses, couplings.reshape(-1, 4))

    def daughter_polarisation(
        self,
        p: np.ndarray,
        k1: np.ndarray,
        k2: np.ndarray,
        k3: np.ndarray,
        spin: int,
        conjugate: bool = False,
    ) -> np.ndarray:
        """Covariant polarisation four-vector S^μ (n, 4) of the heavy daughter N_j (momentum
        ``k1``), in the frame of the momenta: the N_i rest frame with the N_i spin ``spin``
        = ±1 along +z, the momenta (n, 4) as from :meth:`oriented_momenta`, :meth:`sample` or
        :meth:`sample_weighted` with the same ``conjugate``; summed over the lepton helicities.

        S·k₁ = 0 and −S² = |P⃗|² ≤ 1, with P⃗ the polarisation (twice the mean spin) in the
        N_j rest frame reached from this frame by a pure boost, whose axes are those of this
        frame: the spin-density matrix of N_j is ρ = (1 + P⃗·σ⃗)/2 there and the N_j decay
        distribution follows from P⃗ (Haber, "Spin formalism and applications to new physics
        searches", hep-ph/9405376, Secs. 2–3). S = (k⃗·P⃗/m, P⃗ + (k⃗·P⃗) k⃗/(m(E + m))) is the
        pure boost of (0, P⃗) (:func:`nuportal.generator.lorentz.rest_polarisation` inverts
        it); S goes to another frame like a momentum.

        From the helicity amplitudes M_{λ₁λ₂λ₃} of :meth:`amplitude_squared` (the same
        compiled kernel): the HELAS spinor u(k₁, λ) is the pure boost along k̂₁ of the rest
        spinor √m (χ_λ, χ_λ), χ_λ(k̂₁) the helicity two-spinor (:mod:`nuportal.physics.dirac`),
        so N_j is produced in the rest-frame state ρ ∝ Σ_{λλ'} (Σ_{λ₂λ₃} M_λ M*_λ') χ_λ χ_λ'^†
        and P⃗ = tr(ρσ⃗)/tr ρ. For Majorana N_i, N_j the amplitude uses the Majorana vertex
        rules with the fermion flow from N_i to N_j (module docstring): u(k₁, λ) then
        describes the physical spin state of N_j, so the same formula holds. Where the
        amplitude vanishes (outside the Dalitz region, closed couplings) S = 0.

        ``conjugate=True``: the CP-conjugate channel (a Dirac anti-N_i → anti-N_j ℓ⁺ℓ⁻; the
        momenta are those of anti-N_j, ℓ_β⁺, ℓ_γ⁻). With real couplings CP is a symmetry;
        C keeps momenta and spins, P reverses the momenta and keeps the spins (axial
        vectors) and takes the pure boost along k̂ to the pure boost along −k̂, so the
        rest-frame polarisation of anti-N_j at momenta k is that of N_j at −k for the same
        N_i spin, P⃗_c(k) = P⃗(−k): S_c(k) = (−S⁰, S⃗)(−k), the parity image of an axial
        vector (:meth:`differential_width` uses the same image for the rate).

        Raises
        ------
        ValueError
            For a light daughter (a massless neutrino has only its helicity) or a spin
            other than ±1.
        """
        if self.daughter < 3:
            raise ValueError(
                "the polarisation four-vector needs a heavy (massive) daughter N_j; "
                f"this decay has the light neutrino {_NEUTRINOS[self.daughter]}"
            )
        if spin not in (-1, 1):
            raise ValueError(f"spin must be ±1, got {spin!r}")
        flip = np.array([1.0, -1.0, -1.0, -1.0]) if conjugate else np.ones(4)
        momenta, mediators = self._kernel_arguments(p, k1 * flip, k2 * flip, k3 * flip)
        out = np.empty((momenta.shape[1], 4))
        _polarisation_rows(momenta, spin, mediators, self.m_daughter, out)
        if conjugate:
            out[:, 0] *= -1.0
        return out

    # ------------------------------------------------------------------ width
    def _map_parameters(self) -> tuple[int, float, float, float, float]:
        """The map of :meth:`_s23_map` as (kind, …) for :func:`_s23_point`: flat in arctan
        around a narrow mediator (0, m, Γ, arctan at both ends), flat in s₂₃ when every
        propagator is heavy (1, lo, hi), else flat in ln s₂₃ (2, ln lo, ln hi), which
        follows the photon and light-mediator poles."""
        lo, hi = self.s23_range
        peaks = [m for m in self.mediators if m.kind in ("vector", "scalar") and m.width > 0]
        peaks = [m for m in peaks if lo < m.mass**2 < hi]
        if peaks:
            m, g = peaks[0].mass, peaks[0].width
            a_lo = float(np.arctan((lo - m**2) / (m * g)))
            a_hi = float(np.arctan((hi - m**2) / (m * g)))
            return 0, m, g, a_lo, a_hi
        if lo == 0 or all(m.kind != "photon" and m.mass**2 > hi for m in self.mediators):
            return 1, lo, hi, 0.0, 0.0  # only heavy propagators
        if not self.is_open:  # no map (and no logarithm of a vanishing range)
            return 1, lo, hi, 0.0, 0.0
        return 2, math.log(lo), math.log(hi), 0.0, 0.0

    def _s23_map(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """s₂₃(t) and ds₂₃/dt for t in [0, 1] (:meth:`_map_parameters`; one compiled pass)."""
        x = np.ascontiguousarray(t, dtype=np.float64)
        out = np.empty((2, x.size))
        _s23_rows(self._map, x.ravel(), out)
        s23, jac = out.reshape(2, *x.shape)
        return s23, jac

    def _s23_nodes(self, panels: int, order: int) -> tuple[np.ndarray, np.ndarray]:
        """Composite Gauss–Legendre nodes and weights in s₂₃ (through :meth:`_s23_map`)."""
        x, w = _gauss(order)
        edges = np.linspace(0.0, 1.0, panels + 1)
        t = (edges[:-1, None] + np.diff(edges)[:, None] * x[None, :]).ravel()
        wt = (np.diff(edges)[:, None] * w[None, :]).ravel()
        s23, jac = self._s23_map(t)
        return s23, wt * jac

    def width(self, *, panels: int = 8, order: int = 16, order13: int = 24) -> float:
        """Partial width in GeV (Dirac N as a particle; Majorana N with a light daughter:
        the sum of the two CP-conjugate final states, see the module docstring).

        The default rule (8 × 16 nodes in s₂₃, 24 in s₁₃) reaches 1e-6 relative accuracy
        on smooth integrands; the tests check the convergence.
        """
        if not self.is_open or not self.mediators:
            return 0.0
        s23, w23 = self._s23_nodes(panels, order)
        lo13, hi13 = self.s13_limits(s23)
        x, w = _gauss(order13)
        s13 = lo13[:, None] + (hi13 - lo13)[:, None] * x[None, :]
        weights = (w23 * (hi13 - lo13))[:, None] * w[None, :]
        s23_all = np.broadcast_to(s23[:, None], s13.shape).ravel()
        momenta = self.momenta(s23_all, s13.ravel())
        m2 = 0.5 * (self.amplitude_squared(*momenta, +1) + self.amplitude_squared(*momenta, -1))
        width = float(np.sum(m2 * weights.ravel())) / (256.0 * np.pi**3 * self.m_parent**3)
        if self.model.majorana and self.daughter < 3:
            width *= 2.0
        return width

    # ------------------------------------------------------------------ polarised decays
    def oriented_momenta(
        self,
        s23: np.ndarray,
        s13: np.ndarray,
        cos_theta: np.ndarray,
        chi: np.ndarray,
        phi: np.ndarray | None = None,
        *,
        conjugate: bool = False,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Momenta (p, k₁, k₂, k₃) in the parent rest frame with k₁ at polar angle θ to the
        spin axis +z (azimuth 0) and the decay plane turned by χ about k₁: the standard
        orientation of :meth:`momenta` turned by R_z(φ) R_y(θ) R_z(χ), with ``phi`` (default 0)
        a last turn of the whole about the spin axis; ``conjugate`` gives the parity image
        (the CP-conjugate channel). One compiled pass."""
        n = len(s23)
        angles = np.empty((4, n))
        angles[0], angles[1] = cos_theta, chi
        angles[2] = 0.0 if phi is None else phi
        angles[3] = -1.0 if conjugate else 1.0
        k = np.empty((3, n, 4))
        s23, s13 = (np.ascontiguousarray(a, np.float64) for a in (s23, s13))
        _dalitz_rows(self._masses, s23, s13, angles, k)
        p = np.zeros((n, 4))
        p[:, 0] = self.m_parent
        return p, k[0], k[1], k[2]

    def differential_width(
        self,
        s23: np.ndarray,
        s13: np.ndarray,
        cos_theta: np.ndarray,
        chi: np.ndarray,
        helicity: int,
        *,
        conjugate: bool = False,
    ) -> np.ndarray:
        """dΓ/(ds₂₃ ds₁₃ dcosθ dχ) in GeV⁻³ of a parent with spin ``helicity`` = ±1 along +z.

        θ is the polar angle of the neutral daughter (ν or N_j) to the spin axis and χ the
        rotation of the decay plane about it (:meth:`oriented_momenta`). Integrated over
        everything it gives the width of one charge state, |M_s|²/(256π³M³)/(4π) summed
        over final helicities. ``conjugate=True`` gives the CP-conjugate final state
        (ν̄ ℓ_β⁺ ℓ_γ⁻ for a Majorana N into a light neutrino; the momenta k₁, k₂, k₃ then
        belong to ν̄, ℓ_β⁺, ℓ_γ⁻), whose rate at momenta k equals that of the particle
        channel at −k (CP with real couplings; the spin is axial). For a Majorana N the
        table's width is the sum of both; for a Dirac N only ``conjugate=False`` exists
        (an anti-N decays as the conjugate).
        """
        if helicity not in (-1, 1):
            raise ValueError(f"helicity must be ±1, got {helicity!r}")
        p, k1, k2, k3 = self.oriented_momenta(s23, s13, cos_theta, chi)
        if conjugate:
            flip = np.array([1.0, -1.0, -1.0, -1.0])
            k1, k2, k3 = k1 * flip, k2 * flip, k3 * flip
        m2 = self.amplitude_squared(p, k1, k2, k3, helicity)
        inside = self._inside(s23, s13)
        return np.where(inside, m2, 0.0) / (1024.0 * np.pi**4 * self.m_parent**3)

    def _inside(self, s23: np.ndarray, s13: np.ndarray) -> np.ndarray:
        lo, hi = self.s23_range
        ok = (s23 > lo) & (s23 < hi)
        lo13, hi13 = self.s13_limits(np.where(ok, s23, 0.5 * (lo + hi)))
        return ok & (s13 >= lo13) & (s13 <= hi13)

    def sample(
        self,
        n: int,
        helicity: int,
        rng: np.random.Generator,
        *,
        conjugate: bool = False,
        batch: int = 20_000,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``n`` unweighted decays (k₁, k₂, k₃), each (n, 4), in the parent rest frame with
        the spin along +z, distributed as :meth:`differential_width`.

        Accept–reject against the mapped flat proposal of :meth:`_s23_map` × uniform s₁₃,
        cos θ, χ, with the envelope from a pilot sample raised by 50 % (computed at the first
        call for each helicity and charge state, then kept; if a proposal ever exceeds it,
        the envelope is raised and the call starts again); the azimuth about the spin axis
        is uniform. All random numbers come from ``rng``.
        """
        if not self.is_open or not self.mediators:
            raise ValueError("the channel is closed or has no coupling")
        if n == 0:  # no draw: an empty sample (a group of events may be empty)
            return np.empty((0, 4)), np.empty((0, 4)), np.empty((0, 4))
        out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        key = (helicity, conjugate)
        if key not in self._envelopes:
            pilot = self._proposal(batch, helicity, rng, conjugate)[0]
            self._envelopes[key] = 1.5 * float(np.max(pilot))
        envelope = self._envelopes[key]
        have = 0
        while have < n:
            weight, momenta = self._proposal(batch, helicity, rng, conjugate)
            if weight.max() > envelope:
                # the envelope was too low: raise it and start again (no bias is kept)
                envelope = self._envelopes[key] = 1.5 * float(weight.max())
                out, have = [], 0
                continue
            keep = rng.uniform(0.0, envelope, weight.size) < weight
            out.append(tuple(k[keep] for k in momenta))  # type: ignore[arg-type]
            have += int(keep.sum())
        k1, k2, k3 = (np.concatenate([o[i] for o in out])[:n] for i in range(3))
        phi = rng.uniform(0.0, 2.0 * np.pi, n)
        return _about_z(k1, phi), _about_z(k2, phi), _about_z(k3, phi)

    def sample_weighted(
        self, n: int, helicity: int, rng: np.random.Generator, *, conjugate: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``n`` weighted decays (k₁, k₂, k₃, weight) without rejection: the proposal of
        :meth:`sample` with weights dΓ/dΦ / (Γ₁ p(Φ)), of mean 1, Γ₁ the width of one charge
        state (:attr:`charge_state_width`). Faster than :meth:`sample` by its acceptance,
        at the price of weights, and by evaluating the density from its spin decomposition
        tabulated on the Dalitz plane (:class:`~nuportal.physics.decays.spin_table.SpinTable`,
        built at the first call for each charge state; interpolation error < 1e-3 of the
        density, tested)."""
        if not self.is_open or not self.mediators:
            raise ValueError("the channel is closed or has no coupling")
        rate, (k1, k2, k3) = self._proposal(
            n, helicity, rng, conjugate, tabulated=True, turned=True
        )
        return k1, k2, k3, rate * 4.0 * np.pi / self.charge_state_width

    @property
    def charge_state_width(self) -> float:
        """Width of one charge state in GeV: :meth:`width`, halved for a Majorana N into a
        light neutrino (whose width counts both charge states); computed once."""
        if self._charge_state_width is None:
            halve = self.model.majorana and self.daughter < 3
            self._charge_state_width = self.width() / (2.0 if halve else 1.0)
        return self._charge_state_width

    def mapped_density(
        self,
        t: np.ndarray,
        u: np.ndarray,
        cos_theta: np.ndarray,
        chi: np.ndarray,
        helicity: int,
        *,
        conjugate: bool = False,
    ) -> np.ndarray:
        """:meth:`differential_width` × ds₂₃/dt × ds₁₃/du on the unit square: s₂₃(t) from
        :meth:`_s23_map`, s₁₃ = lo + (hi − lo) u between the Dalitz limits. Its integral over
        t, u ∈ [0, 1], cos θ ∈ [−1, 1], χ ∈ [0, 2π] is the width of one charge state."""
        s23, jac = self._s23_map(t)
        lo13, hi13 = self.s13_limits(s23)
        s13 = lo13 + (hi13 - lo13) * u
        rate = self.differential_width(s23, s13, cos_theta, chi, helicity, conjugate=conjugate)
        return rate * jac * (hi13 - lo13)

    def spin_table(self, conjugate: bool = False) -> SpinTable:
        """The :class:`SpinTable` of :meth:`mapped_density` / (s₁₃⁺ − s₁₃⁻) (built once per
        charge state). Dividing out the length of the s₁₃ range, which vanishes like a square
        root at both ends of the s₂₃ range, leaves a function that is smooth up to the edges of
        the Dalitz plane."""
        if conjugate not in self._tables:

            def density(
                t: np.ndarray, u: np.ndarray, c: np.ndarray, chi: np.ndarray, h: int
            ) -> np.ndarray:
                s23, jac = self._s23_map(t)
                lo13, hi13 = self.s13_limits(s23)
                s13 = lo13 + (hi13 - lo13) * u
                rate = self.differential_width(s23, s13, c, chi, h, conjugate=conjugate)
                return rate * jac

            def length(t: np.ndarray) -> np.ndarray:
                lo13, hi13 = self.s13_limits(self._s23_map(t)[0])
                return hi13 - lo13

            self._tables[conjugate] = SpinTable(density, measure=length)
        return self._tables[conjugate]

    def _proposal(
        self,
        size: int,
        helicity: int,
        rng: np.random.Generator,
        conjugate: bool,
        *,
        tabulated: bool = False,
        turned: bool = False,
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Proposed decays: (rate / proposal density, (k₁, k₂, k₃)); with ``turned`` the
        configuration is also turned by a uniform azimuth about the spin axis."""
        if tabulated:  # the numbers of SpinTable.sample, then the turn: one compiled pass
            uniform = np.empty((5, size))
            rng.random(out=uniform[:4])
            uniform[4] = rng.uniform(0.0, 2.0 * np.pi, size)
            turn = rng.uniform(0.0, 2.0 * np.pi, size) if turned else np.zeros(size)
            k, rate = np.empty((3, size, 4)), np.empty(size)
            arrays = self.spin_table(conjugate).arrays
            sign = -1.0 if conjugate else 1.0
            _tabulated_rows(arrays, helicity, self._map, self._masses, sign, uniform, turn, k, rate)
            return rate, (k[0], k[1], k[2])
        t, u = rng.uniform(0.0, 1.0, size), rng.uniform(0.0, 1.0, size)
        cos_theta = rng.uniform(-1.0, 1.0, size)
        chi = rng.uniform(0.0, 2.0 * np.pi, size)
        rate = self.mapped_density(t, u, cos_theta, chi, helicity, conjugate=conjugate)
        phi = rng.uniform(0.0, 2.0 * np.pi, size) if turned else None
        s23, _ = self._s23_map(t)
        lo13, hi13 = self.s13_limits(s23)
        s13 = lo13 + (hi13 - lo13) * u
        _, k1, k2, k3 = self.oriented_momenta(s23, s13, cos_theta, chi, phi, conjugate=conjugate)
        return rate, (k1, k2, k3)


def _about_z(k: np.ndarray, phi: np.ndarray) -> np.ndarray:
    c, s = np.cos(phi), np.sin(phi)
    return np.stack([k[:, 0], c * k[:, 1] - s * k[:, 2], s * k[:, 1] + c * k[:, 2], k[:, 3]], -1)


@numba.njit(cache=True, inline="always")
def _s13_point(masses: tuple, s23: float) -> tuple[float, float]:  # pragma: no cover
    """Dalitz limits of s₁₃ at s₂₃ (PDG Kinematics, Eq. (49.23)): the energies of particles
    3 and 1 in the (23) rest frame, e₃ = (s₂₃ − m₂² + m₃²)/2√s₂₃, e₁ = (M² − s₂₃ − m₁²)/2√s₂₃,
    and (e₃ + e₁)² − (p₃ ± p₁)²."""
    big, m1, m2, m3 = masses
    e3 = (s23 - m2**2 + m3**2) / (2 * math.sqrt(s23))
    e1 = (big**2 - s23 - m1**2) / (2 * math.sqrt(s23))
    p3 = math.sqrt(max(e3**2 - m3**2, 0.0))
    p1 = math.sqrt(max(e1**2 - m1**2, 0.0))
    base = (e3 + e1) ** 2
    return base - (p3 + p1) ** 2, base - (p3 - p1) ** 2


@numba.njit(cache=True)
def _s13_rows(masses: tuple, s23: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    for i in range(s23.size):
        out[0, i], out[1, i] = _s13_point(masses, s23[i])


@numba.njit(cache=True, inline="always")
def _s23_point(mapping: tuple, t: float) -> tuple[float, float]:  # pragma: no cover
    """s₂₃(t) and ds₂₃/dt of :meth:`LeptonPairDecay._map_parameters` ``mapping``."""
    kind, x0, x1, x2, x3 = mapping
    if kind == 0:  # arctan: x0, x1 = m, Γ; x2, x3 = the angles at both ends
        angle = x2 + (x3 - x2) * t
        return x0**2 + x0 * x1 * math.tan(angle), (x3 - x2) * x0 * x1 / math.cos(angle) ** 2
    if kind == 1:  # flat between x0 and x1
        return x0 + (x1 - x0) * t, x1 - x0
    s23 = math.exp(x0 + (x1 - x0) * t)  # flat in the logarithm, between ln x0 and ln x1
    return s23, (x1 - x0) * s23


@numba.njit(cache=True)
def _s23_rows(mapping: tuple, t: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    for i in range(t.size):
        out[0, i], out[1, i] = _s23_point(mapping, t[i])


@numba.njit(cache=True, inline="always")
def _dalitz_point(
    masses: tuple, s23: float, s13: float, ct: float, c: float, s: float, phi: float,
    sign: float, out: np.ndarray, i: int,
) -> None:  # pragma: no cover - compiled  # fmt: skip
    """Momenta k₁, k₂, k₃ of one decay into ``out[:, i]``: energies from the invariants,
    e₁ = (M² + m₁² − s₂₃)/2M, e₂ = (M² + m₂² − s₁₃)/2M, the angle between k₁ and k₂ from
    |k₃|² (k₁ along +z, k₂ in the xz-plane, k₃ = p − k₁ − k₂), then turned by R_z(φ) R_y(θ)
    R_z(χ) (``ct`` = cos θ, ``c``, ``s`` = cos χ, sin χ) and multiplied by ``sign``."""
    big, m1, m2, m3 = masses
    e1 = (big**2 + m1**2 - s23) / (2 * big)
    e2 = (big**2 + m2**2 - s13) / (2 * big)
    e3 = big - e1 - e2
    p1 = math.sqrt(max(e1**2 - m1**2, 0.0))
    p2 = math.sqrt(max(e2**2 - m2**2, 0.0))
    p3sq = max(e3**2 - m3**2, 0.0)
    denom = 2 * p1 * p2 if p1 * p2 > 0 else 1.0
    cos12 = min(max((p3sq - p1**2 - p2**2) / denom, -1.0), 1.0)
    sin12 = math.sqrt(1.0 - cos12**2)
    st = math.sqrt(max(1.0 - ct * ct, 0.0))
    cp, sp = math.cos(phi), math.sin(phi)
    # (e, k_x, k_z) in the standard orientation (k_y = 0)
    for j, (e, kx, kz) in enumerate(
        ((e1, 0.0, p1), (e2, p2 * sin12, p2 * cos12), (e3, -p2 * sin12, -p1 - p2 * cos12))
    ):
        x, y = c * kx, s * kx  # about z by χ
        x, z = ct * x + st * kz, -st * x + ct * kz  # about y by θ
        out[j, i, 0] = e
        out[j, i, 1] = sign * (cp * x - sp * y)  # about z by φ
        out[j, i, 2] = sign * (sp * x + cp * y)
        out[j, i, 3] = sign * z


@numba.njit(cache=True)
def _dalitz_rows(
    masses: tuple, s23: np.ndarray, s13: np.ndarray, angles: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """The body of :meth:`LeptonPairDecay.oriented_momenta` (``angles``: cos θ, χ, φ, sign)."""
    for i in range(s23.size):
        chi = angles[1, i]
        c, s = math.cos(chi), math.sin(chi)
        _dalitz_point(
            masses, s23[i], s13[i], angles[0, i], c, s, angles[2, i], angles[3, i], out, i
        )


@numba.njit(cache=True)
def _tabulated_rows(
    arrays: tuple, helicity: int, mapping: tuple, masses: tuple, sign: float,
    uniform: np.ndarray, phi: np.ndarray, out: np.ndarray, rate: np.ndarray,
) -> None:  # pragma: no cover - compiled  # fmt: skip
    """The tabulated proposal of :meth:`LeptonPairDecay._proposal` in one pass: a point of
    the spin table (:func:`~nuportal.physics.decays.spin_table.sample_point` from
    ``uniform[0:4]`` and the azimuth ``uniform[4]``), s₂₃ from the map, s₁₃ between its
    Dalitz limits, the momenta turned by ``phi`` about the spin axis, and the rate per unit
    of the uniform proposal's measure."""
    for i in range(phi.size):
        t, u, ct, d0, d1, ratio = sample_point(
            arrays, helicity, uniform[0, i], uniform[1, i], uniform[2, i], uniform[3, i],
            uniform[4, i],
        )  # fmt: skip
        s23 = _s23_point(mapping, t)[0]
        lo13, hi13 = _s13_point(masses, s23)
        rate[i] = (hi13 - lo13) * ratio / (4.0 * math.pi)
        # cos χ, sin χ of χ = atan2(d_y, −d_x) (on the spin axis, where χ is void: χ = π)
        rho = math.sqrt(d0 * d0 + d1 * d1)
        c, s = (-d0 / rho, d1 / rho) if rho > 0.0 else (-1.0, 0.0)
        _dalitz_point(masses, s23, lo13 + (hi13 - lo13) * u, ct, c, s, phi[i], sign, out, i)


#: mediator kinds in the order of their codes in :func:`_amplitude_rows`
_KINDS = ("vector", "scalar", "photon", "W")


@numba.njit(cache=True)
def _denominator(s: float, mass: float, width: float) -> complex:  # pragma: no cover
    """s − m² + i s Γ/m: the Breit–Wigner with the running width of a boson decaying to
    light fermions, which reduces to i mΓ on shell and vanishes far below it (a fixed
    width would shift a Fermi-limit amplitude by Γ²/m², 7e-4 for the W)."""
    return s - mass**2 + 1j * s * width / mass


@numba.njit(cache=True)
def _massive_exchange(
    j1: tuple, j2: tuple, q: tuple, mass: float, width: float, s: float
) -> complex:  # pragma: no cover - compiled
    """[J₁·J₂ − (J₁·q)(J₂·q)/m²] / D(s), the unitary-gauge exchange."""
    numerator = dirac.mdot(j1, j2) - dirac.mdot(j1, q) * dirac.mdot(j2, q) / mass**2
    return numerator / _denominator(s, mass, width)


@numba.njit(cache=True)
def _nonzero(j: tuple) -> bool:  # pragma: no cover - compiled
    return j[0] != 0 or j[1] != 0 or j[2] != 0 or j[3] != 0


@numba.njit(cache=True)
def _helicity_amplitudes(
    momenta: np.ndarray, i: int, spin: int, mediators: tuple, amps: np.ndarray
) -> None:  # pragma: no cover - compiled
    """The amplitudes M of the module docstring at point ``i`` of the four-momenta
    ``momenta`` (4, n, 4) = (p, k₁, k₂, k₃) into ``amps`` (8,); ``mediators`` = (kinds,
    masses, couplings): mediator m of kind ``_KINDS[kinds[m]]`` with (mass, width)
    ``masses[m]`` and couplings ``couplings[m]`` = (c_L, c_R) of the neutral-lepton line,
    (g_L, g_R) of the other; helicities (h₁, h₂, h₃) at index 4 i₁ + 2 i₂ + i₃,
    i = (h + 1)/2. Each mediator's two currents are computed once per helicity of the
    particles they contain (2 + 4 currents, not 2 × 8)."""
    kinds, masses, couplings = mediators
    pp, a1 = dirac.four(momenta[0, i]), dirac.four(momenta[1, i])
    a2, a3 = dirac.four(momenta[2, i]), dirac.four(momenta[3, i])
    q = (a2[0] + a3[0], a2[1] + a3[1], a2[2] + a3[2], a2[3] + a3[3])
    q_w = (a1[0] + a3[0], a1[1] + a3[1], a1[2] + a3[2], a1[3] + a3[3])
    s23, s13 = dirac.mdot(q, q).real, dirac.mdot(q_w, q_w).real
    u_p = dirac.spinor_point(pp, spin, False)
    bar1 = (
        dirac.bar_point(dirac.spinor_point(a1, -1, False)),
        dirac.bar_point(dirac.spinor_point(a1, 1, False)),
    )
    bar2 = (
        dirac.bar_point(dirac.spinor_point(a2, -1, False)),
        dirac.bar_point(dirac.spinor_point(a2, 1, False)),
    )
    v3 = (dirac.spinor_point(a3, -1, True), dirac.spinor_point(a3, 1, True))
    for c in range(8):
        amps[c] = 0.0
    for m in range(kinds.size):
        kind, mass, width = kinds[m], masses[m, 0], masses[m, 1]
        c_l, c_r, g_l, g_r = couplings[m, 0], couplings[m, 1], couplings[m, 2], couplings[m, 3]
        if kind == 3:
            # [ū₂ γ^μ W_βi P_L u_p][ū₁ γ_μ W*_γa P_L v₃], propagator in s₁₃, sign −1
            for h1 in range(2):
                for h3 in range(2):
                    j2 = dirac.sandwich_point(bar1[h1], dirac.chiral_point(v3[h3], g_l, g_r))
                    if not _nonzero(j2):
                        continue
                    for h2 in range(2):
                        j1 = dirac.sandwich_point(bar2[h2], dirac.chiral_point(u_p, c_l, c_r))
                        if _nonzero(j1):
                            term = _massive_exchange(j1, j2, q_w, mass, width, s13)
                            amps[4 * h1 + 2 * h2 + h3] -= term
            continue
        for h1 in range(2):
            if kind == 1:
                chiral = dirac.chiral_point(u_p, c_l, c_r)
                b = bar1[h1]
                first = (
                    b[0] * chiral[0] + b[1] * chiral[1] + b[2] * chiral[2] + b[3] * chiral[3],
                    0j,
                    0j,
                    0j,
                )
            elif kind == 0:
                first = dirac.sandwich_point(bar1[h1], dirac.chiral_point(u_p, c_l, c_r))
            else:  # photon through the dipole
                first = dirac.dipole_point(bar1[h1], u_p, q, c_l, c_r)
            if not _nonzero(first):
                continue
            for h2 in range(2):
                for h3 in range(2):
                    chiral = dirac.chiral_point(v3[h3], g_l, g_r)
                    if kind == 1:
                        b = bar2[h2]
                        second = (
                            b[0] * chiral[0]
                            + b[1] * chiral[1]
                            + b[2] * chiral[2]
                            + b[3] * chiral[3],
                            0j,
                            0j,
                            0j,
                        )
                    else:
                        second = dirac.sandwich_point(bar2[h2], chiral)
                    if not _nonzero(second):
                        continue
                    if kind == 0:
                        term = _massive_exchange(first, second, q, mass, width, s23)
                    elif kind == 1:
                        term = -first[0] * second[0] / _denominator(s23, mass, width)
                    else:
                        term = -1j * dirac.mdot(first, second) / s23
                    amps[4 * h1 + 2 * h2 + h3] += term


@numba.njit(cache=True)
def _amplitude_rows(
    momenta: np.ndarray, spin: int, mediators: tuple, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """The body of :meth:`LeptonPairDecay.amplitude_squared`: Σ |M|² over the 8 helicity
    amplitudes of :func:`_helicity_amplitudes` at each point."""
    amps = np.empty(8, np.complex128)
    for i in range(momenta.shape[1]):
        _helicity_amplitudes(momenta, i, spin, mediators, amps)
        total = 0.0
        for c in range(8):
            total += amps[c].real ** 2 + amps[c].imag ** 2
        out[i] = total


@numba.njit(cache=True)
def _polarisation_rows(
    momenta: np.ndarray, spin: int, mediators: tuple, mass: float, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """The body of :meth:`LeptonPairDecay.daughter_polarisation`: the rest-frame spin state
    ρ = Σ_{λλ'} A_{λλ'} χ_λ χ_λ'^†, A_{λλ'} = Σ_{λ₂λ₃} M_{λλ₂λ₃} M*_{λ'λ₂λ₃}, of the
    daughter k₁ (χ_λ = :func:`~nuportal.physics.dirac.two_spinor_point`), P⃗ = tr(ρσ⃗)/tr ρ
    and its boost S = (k⃗·P⃗/m, P⃗ + (k⃗·P⃗) k⃗/(m(E + m))); S = 0 where tr ρ = 0."""
    amps = np.empty(8, np.complex128)
    for i in range(momenta.shape[1]):
        _helicity_amplitudes(momenta, i, spin, mediators, amps)
        a1 = dirac.four(momenta[1, i])
        chi = (dirac.two_spinor_point(a1, -1), dirac.two_spinor_point(a1, 1))
        r00, r01, r11 = 0.0, 0j, 0.0  # ρ is hermitian: ρ₁₀ = ρ₀₁*
        for h in range(2):
            for g in range(2):
                a = 0j
                for c in range(4):
                    a += amps[4 * h + c] * amps[4 * g + c].conjugate()
                x, y = chi[h], chi[g]
                r00 += (a * x[0] * y[0].conjugate()).real
                r01 += a * x[0] * y[1].conjugate()
                r11 += (a * x[1] * y[1].conjugate()).real
        trace = r00 + r11
        if trace <= 0.0:
            out[i, :] = 0.0
            continue
        px, py, pz = 2.0 * r01.real / trace, -2.0 * r01.imag / trace, (r00 - r11) / trace
        e, kx, ky, kz = a1
        kp = kx * px + ky * py + kz * pz
        out[i, 0] = kp / mass
        shift = kp / (mass * (e + mass))
        out[i, 1], out[i, 2], out[i, 3] = px + shift * kx, py + shift * ky, pz + shift * kz
