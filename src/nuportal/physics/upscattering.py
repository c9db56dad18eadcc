"""Upscattering ν_α / ν̄_α + T → N_i + T: helicity amplitudes and dσ/dQ².

The amplitude is built from Feynman rules (conventions in :mod:`nuportal.models.couplings`)
and evaluated numerically with explicit helicity spinors (:mod:`nuportal.physics.dirac`),
so that every exchanged boson (Z, Z', h', and the photon through a transition dipole) and
every interference between them is included, for each helicity of the outgoing N, for
Dirac and Majorana N and for neutrinos and antineutrinos:

* neutrino, Dirac or Majorana N: ``ū(k₂, h) Γ[N_i ← ν_α] u(k₁, -)``;
* antineutrino, Majorana N: ``ū(k₂, h) Γ[N_i ← ν_α] u(k₁, +)`` with the Majorana vertex;
* antineutrino, Dirac N (ν̄_α → N̄_i): ``v̄(k₁, +) Γ[ν_α ← N_i] v(k₂, h)``, i.e. the vertex of
  the Hermitian-conjugate operator — the CP conjugate, not a relabelled neutrino amplitude.

Targets: a nucleus scattered coherently (spin 0; vector charges Z v_p F_p(Q²) + N v_n F_n(Q²),
scalar charges 2M(Z y_p F_p + N y_n F_n), electric charge Z F_p), or a nucleon (spin ½; Dirac
and Pauli form factors from isospin symmetry, axial form factors with the pion-pole
induced pseudoscalar), whose spin sum is the trace Tr[Γ (p̸₁ + M) Γ̄ (p̸₂ + M)] / 2.

With all propagators of the unitary gauge, for Q² = -q² and q = k₁ - k₂ = p₂ - p₁:

    M = Σ_V [L_V·H_V - (L_V·q)(q·H_V)/m_V²] / (q² - m_V²) - Σ_S L_S H_S / (q² - m_S²)
        + i e (L_dip·H_γ) / Q²,

and dσ/dQ² = |M|² / (64 π M² E_ν²) for a target of mass M at rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from nuportal.constants import E_CHARGE, G_A
from nuportal.errors import NuportalError
from nuportal.models.couplings import ScalarBoson, VectorBoson, chiral_vertex
from nuportal.models.model import Model
from nuportal.physics import dirac
from nuportal.physics.kinematics import lab_momenta, q2_limits, threshold_energy
from nuportal.physics.nuclei import NEUTRON, PROTON, Nucleus
from nuportal.units import GEV2_TO_CM2

#: incoming flavours by PDG number
FLAVOUR_INDEX = {12: 0, 14: 1, 16: 2}
FLAVOUR_NAME = {12: "nue", -12: "nuebar", 14: "numu", -14: "numubar", 16: "nutau", -16: "nutaubar"}
REGIMES = ("coherent", "elastic")
#: isoscalar axial charge Δu + Δd of the proton, from a₀ = ΔΣ = 0.35 and Δs = -0.08
#: (COMPASS, Phys. Lett. B 647 (2007) 8); enters only for bosons with a_u + a_d ≠ 0
#: (generic couplings; the Z and the kinetic-mixing Z' have a purely isovector u, d axial part).
ISOSCALAR_AXIAL_CHARGE = 0.43


@dataclass(frozen=True)
class Channel:
    """One upscattering channel.

    Attributes
    ----------
    flavour : int
        PDG number of the incoming neutrino (±12, ±14, ±16; negative = antineutrino).
    heavy : str
        Outgoing heavy lepton, ``"N4"``, ``"N5"`` or ``"N6"``.
    target : Nucleus
        The nucleus (coherent) or the nucleon ``PROTON``/``NEUTRON`` (elastic).
    regime : str
        ``"coherent"`` or ``"elastic"``.
    bound_in : Nucleus or None
        For elastic scattering on a nucleon bound in a nucleus: that nucleus. The nucleon
        cross section is then multiplied by 1 - |F(Q²)|², F the form factor of the proton
        (neutron) distribution: the part of the incoherent sum that leaves the nucleus in its
        ground state is the coherent process, so this avoids double counting and suppresses
        low-Q² scattering as Pauli blocking does (Bednyakov & Naumov, Phys. Rev. D 98, 053004
        (2018), arXiv:1806.08768, Eqs. (33)-(35)). ``None`` for free nucleons (hydrogen).
    """

    flavour: int
    heavy: str
    target: Nucleus
    regime: str
    bound_in: Nucleus | None = None

    def __post_init__(self) -> None:
        if abs(self.flavour) not in FLAVOUR_INDEX:
            raise NuportalError(
                f"unknown neutrino flavour {self.flavour}; allowed PDG numbers: ±12, ±14, ±16"
            )
        if self.regime not in REGIMES:
            raise NuportalError(f"unknown regime {self.regime!r}; allowed: {', '.join(REGIMES)}")
        if self.regime == "elastic" and self.target not in (PROTON, NEUTRON):
            raise NuportalError("elastic upscattering needs the target PROTON or NEUTRON")
        if self.bound_in is not None and (self.regime != "elastic" or self.bound_in.a < 2):
            raise NuportalError("bound_in is for elastic scattering on a nucleon inside a nucleus")

    @property
    def label(self) -> str:
        """A short label, e.g. ``numu C12 coherent -> N4``."""
        return f"{FLAVOUR_NAME[self.flavour]} {self.target.name} {self.regime} -> {self.heavy}"


class Upscattering:
    """Differential and total upscattering cross sections for one model and channel.

    Parameters
    ----------
    model : Model
        The model (couplings).
    channel : Channel
        Flavour, heavy lepton, target and regime.

    Examples
    --------
    >>> from nuportal.models import benchmark_model
    >>> from nuportal.physics.nuclei import nucleus
    >>> ups = Upscattering(benchmark_model(), Channel(14, "N4", nucleus("C12"), "coherent"))
    >>> ups.threshold > 0.14
    True
    """

    def __init__(self, model: Model, channel: Channel) -> None:
        self.model = model
        self.channel = channel
        self.m_lepton = model.heavy[model.heavy_index(channel.heavy) - 3].mass
        self.m_target = channel.target.mass
        self._out = model.heavy_index(channel.heavy)
        self._inc = FLAVOUR_INDEX[abs(channel.flavour)]
        self._anti = channel.flavour < 0
        self._dirac_anti = self._anti and not model.majorana

    @property
    def threshold(self) -> float:
        """Neutrino energy threshold in GeV."""
        return threshold_energy(self.m_lepton, self.m_target)

    def q2_limits(self, energy: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(Q²_min, Q²_max) in GeV² (zero below threshold)."""
        return q2_limits(energy, self.m_lepton, self.m_target)

    def _pairs(self, matrix: np.ndarray, kind: str) -> tuple[complex, complex]:
        return chiral_vertex(
            matrix,
            self._out,
            self._inc,
            majorana=self.model.majorana,
            antineutrino=self._anti,
            kind=kind,
        )

    @cached_property
    def _bosons(
        self,
    ) -> tuple[
        list[tuple[VectorBoson, complex, complex]], list[tuple[ScalarBoson, complex, complex]]
    ]:
        cp = self.model.couplings
        vec = [(v, *self._pairs(np.asarray(v.neutral), "vector")) for v in cp.vectors]
        sca = [(s, *self._pairs(np.asarray(s.neutral), "scalar")) for s in cp.scalars]
        return [x for x in vec if x[1] != 0 or x[2] != 0], [
            x for x in sca if x[1] != 0 or x[2] != 0
        ]

    @property
    def vanishes(self) -> bool:
        """Whether no boson and no dipole connects the incoming neutrino to the N (σ ≡ 0)."""
        vectors, scalars = self._bosons
        return not vectors and not scalars and self._dipole == (0, 0)

    @cached_property
    def _dipole(self) -> tuple[complex, complex]:
        return self._pairs(np.asarray(self.model.couplings.dipole), "dipole")

    def _spinors(self, k1: np.ndarray, k2: np.ndarray, hel: int) -> tuple[np.ndarray, np.ndarray]:
        """(left row spinor, right column spinor) of the lepton line."""
        if self._dirac_anti:
            return dirac.bar(dirac.spinor_v(k1, +1)), dirac.spinor_v(k2, hel)
        return dirac.bar(dirac.spinor_u(k2, hel)), dirac.spinor_u(k1, +1 if self._anti else -1)

    def amplitude_squared(self, energy: ArrayLike, q2: ArrayLike, helicity: int) -> np.ndarray:
        """|M|² (spin-averaged over the target) for N helicity ``helicity`` = ±1 (GeV⁰).

        Zero outside the physical region.
        """
        e, q2a = np.broadcast_arrays(_finite(energy, "energy"), _finite(q2, "Q²"))
        shape = e.shape
        k1, k2, p1, p2, ok = lab_momenta(e.ravel(), q2a.ravel(), self.m_lepton, self.m_target)
        q = k1 - k2
        left, right = self._spinors(k1, k2, helicity)
        vectors, scalars = self._bosons
        lv = [(b, dirac.vector_current(left, right, cl, cr)) for b, cl, cr in vectors]
        ls = [(b, dirac.scalar_current(left, right, cl, cr)) for b, cl, cr in scalars]
        dl = self._dipole
        ld = None if dl == (0, 0) else dirac.dipole_current(left, right, q, *dl)
        q2f = q2a.ravel()
        if self.channel.regime == "coherent":
            m2 = self._coherent(q2f, p1 + p2, lv, ls, ld)
        else:
            m2 = self._nucleon(q2f, q, p1, p2, lv, ls, ld)
        return np.where(ok, m2, 0.0).reshape(shape)

    def _coherent(
        self, q2: np.ndarray, psum: np.ndarray, lv: list, ls: list, ld: np.ndarray | None
    ) -> np.ndarray:
        from nuportal.physics.form_factors import nuclear_form_factors

        t = self.channel.target
        f_p, f_n = nuclear_form_factors(t, q2)
        amp = np.zeros(q2.shape, complex)
        for boson, cur in lv:
            v_p, v_n = boson.nucleon_vector_charges()
            charge = t.z * v_p * f_p + t.n * v_n * f_n
            amp += charge * dirac.dot(cur, psum) / (-q2 - boson.mass**2)
        for boson, cur in ls:
            y_p, y_n = boson.nucleon
            charge = 2.0 * t.mass * (t.z * y_p * f_p + t.n * y_n * f_n)
            amp -= cur * charge / (-q2 - boson.mass**2)
        if ld is not None:
            amp += 1j * E_CHARGE * t.z * f_p * dirac.dot(ld, psum) / q2
        return np.abs(amp) ** 2

    def _nucleon(
        self,
        q2: np.ndarray,
        q: np.ndarray,
        p1: np.ndarray,
        p2: np.ndarray,
        lv: list,
        ls: list,
        ld: np.ndarray | None,
    ) -> np.ndarray:
        from nuportal.physics.form_factors import (
            STRANGE_AXIAL_CHARGE,
            axial_form_factor,
            induced_pseudoscalar_form_factor,
            nucleon_form_factors,
        )

        proton = self.channel.target is PROTON
        mass = self.m_target
        ff = nucleon_form_factors(q2)
        f1_same, f1_other = (ff.f1p, ff.f1n) if proton else (ff.f1n, ff.f1p)
        f2_same, f2_other = (ff.f2p, ff.f2n) if proton else (ff.f2n, ff.f2p)
        g_dip = axial_form_factor(q2)
        g_pseudo = induced_pseudoscalar_form_factor(q2)
        isospin = 1.0 if proton else -1.0
        psum = p1 + p2
        # Γ = v̸ + s − a̸γ5 − p γ5 between on-shell nucleons, the Pauli term by the Gordon
        # identity i σ^{νρ} q_ρ/2M → γ^ν − (p₁ + p₂)^ν/2M (q = p₂ − p₁)
        v = np.zeros((q2.size, 4), complex)
        a = np.zeros((q2.size, 4), complex)
        s = np.zeros(q2.size, complex)
        p = np.zeros(q2.size, complex)

        def pauli(cur: np.ndarray, f2: np.ndarray, scale: np.ndarray) -> None:
            nonlocal v, s
            v = v + (f2 * scale)[:, None] * cur
            s = s - f2 * scale * dirac.dot(cur, psum) / (2.0 * mass)

        for boson, cur in lv:
            v_u, v_d = boson.vector("u"), boson.vector("d")  # strange vector form factors vanish
            a_u, a_d, a_s = boson.axial("u"), boson.axial("d"), boson.axial("s")
            f1 = v_u * (2 * f1_same + f1_other) + v_d * (f1_same + 2 * f1_other)
            f2 = v_u * (2 * f2_same + f2_other) + v_d * (f2_same + 2 * f2_other)
            iso = 0.5 * (a_u - a_d) * isospin * G_A
            g_a = (
                iso + 0.5 * (a_u + a_d) * ISOSCALAR_AXIAL_CHARGE + a_s * STRANGE_AXIAL_CHARGE
            ) * g_dip
            g_p = iso * g_pseudo
            # L_ν Γ^ν with Γ^ν = F1 γ^ν + i F2 σ^{νρ}q_ρ/2M − G_A γ^ν γ5 − (G_P/M) q^ν γ5,
            # minus the (L·q) q_ν Γ^ν / m² of the unitary-gauge propagator
            scale = 1.0 / (-q2 - boson.mass**2)
            lq = dirac.dot(cur, q) / boson.mass**2
            v = v + (f1 * scale)[:, None] * (cur - lq[:, None] * q)
            a = a + (g_a * scale)[:, None] * (cur - lq[:, None] * q)
            p = p + g_p / mass * scale * (dirac.dot(cur, q) + lq * q2)
            pauli(cur, f2, scale)
        for boson, cur in ls:
            y_n = boson.nucleon[0] if proton else boson.nucleon[1]
            s = s - cur * y_n / (-q2 - boson.mass**2)
        if ld is not None:
            f1_em, f2_em = (ff.f1p, ff.f2p) if proton else (ff.f1n, ff.f2n)
            scale = 1j * E_CHARGE / q2
            v = v + (f1_em * scale)[:, None] * ld
            pauli(ld, f2_em, scale)
        trace = dirac.bilinear_trace(v, s, a, p, p1, p2, mass)
        m2 = 0.5 * trace.real
        if self.channel.bound_in is not None:
            from nuportal.physics.form_factors import nuclear_form_factors

            f_p, f_n = nuclear_form_factors(self.channel.bound_in, q2)
            m2 = m2 * (1.0 - (f_p if proton else f_n) ** 2)
        return m2

    def dsigma_dq2(
        self, energy: ArrayLike, q2: ArrayLike, helicity: int | None = None
    ) -> np.ndarray:
        """dσ/dQ² in cm²/GeV² at neutrino energy ``energy`` (GeV) and ``q2`` (GeV²).

        ``helicity`` = +1 or -1 selects the helicity of the outgoing N (lab frame); ``None``
        sums both. Zero outside the kinematically allowed region.
        """
        if helicity is None:
            m2 = self.amplitude_squared(energy, q2, +1) + self.amplitude_squared(energy, q2, -1)
        elif helicity in (+1, -1):
            m2 = self.amplitude_squared(energy, q2, helicity)
        else:
            raise NuportalError(f"helicity must be +1, -1 or None, got {helicity!r}")
        e = np.asarray(energy, float)
        return m2 / (64.0 * np.pi * self.m_target**2 * np.where(e > 0, e, 1.0) ** 2) * GEV2_TO_CM2

    def sigma(
        self, energy: ArrayLike, helicity: int | None = None, *, panels: int = 6, order: int = 8
    ) -> np.ndarray:
        """Total cross section σ(E_ν) in cm² (``helicity`` as in :meth:`dsigma_dq2`).

        Composite Gauss–Legendre quadrature in ln Q² over [Q²_min, Q²_max]: ``panels``
        equal panels of ``order`` nodes each (default 6 × 8: relative accuracy better than 1e-5,
        see the tests). The logarithmic variable
        resolves the 1/(Q² + m²)² propagators of light mediators and the nuclear form
        factor at once; tests check it against adaptive quadrature.
        """
        e = np.atleast_1d(_finite(energy, "energy"))
        q2_min, q2_max = self.q2_limits(e)
        above = q2_max > q2_min
        lo = np.log(np.where(above, q2_min, 1.0))
        hi = np.log(np.where(above, q2_max, 1.0))
        nodes, weights = _composite_gauss_legendre(panels, order)
        x = lo[:, None] + (hi - lo)[:, None] * nodes[None, :]
        q2 = np.exp(x)
        integrand = self.dsigma_dq2(np.broadcast_to(e[:, None], q2.shape), q2, helicity) * q2
        result = np.where(above, (hi - lo) * (integrand @ weights), 0.0)
        return result.reshape(np.shape(energy)) if np.ndim(energy) else result[0]


def _finite(values: ArrayLike, what: str) -> np.ndarray:
    """``values`` as a float array; NaN or infinite entries are an input error."""
    array = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(array)):
        raise NuportalError(f"{what} must be finite numbers (GeV units); got NaN or infinity")
    return array


def _composite_gauss_legendre(panels: int, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes in [0, 1] and weights (summing to 1) of a composite Gauss–Legendre rule."""
    x, w = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(0.0, 1.0, panels + 1)
    half = 0.5 * np.diff(edges)
    nodes = (edges[:-1, None] + half[:, None] * (x[None, :] + 1.0)).ravel()
    weights = (half[:, None] * w[None, :]).ravel()
    return nodes, weights
