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
from nuportal.physics.kinematics import (
    LabKinematics,
    lab_kinematics,
    q2_limits,
    threshold_energy,
)
from nuportal.physics.lepton_currents import LeptonCurrents, couplings_selected
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

    @cached_property
    def _selected(
        self,
    ) -> tuple[list[tuple[VectorBoson, complex]], list[tuple[ScalarBoson, complex]], complex]:
        """(vector bosons, scalar bosons, dipole) with the one chiral coupling that the
        incoming neutrino's chirality selects (:func:`couplings_selected`)."""
        i_vector, i_flip = couplings_selected(self._line)
        vectors, scalars = self._bosons
        return (
            [(b, (cl, cr)[i_vector]) for b, cl, cr in vectors],
            [(b, (cl, cr)[i_flip]) for b, cl, cr in scalars],
            self._dipole[i_flip],
        )

    @property
    def _line(self) -> str:
        """The lepton line of :mod:`nuportal.physics.lepton_currents`."""
        if not self._anti:
            return "neutrino"
        return "majorana_antineutrino" if self.model.majorana else "dirac_antineutrino"

    def amplitude_squared(self, energy: ArrayLike, q2: ArrayLike, helicity: int) -> np.ndarray:
        """|M|² (spin-averaged over the target) for N helicity ``helicity`` = ±1 (GeV⁰).

        Zero outside the physical region.
        """
        e, q2a = np.broadcast_arrays(_finite(energy, "energy"), _finite(q2, "Q²"))
        shape = e.shape
        kin = lab_kinematics(e.ravel(), q2a.ravel(), self.m_lepton, self.m_target)
        currents = LeptonCurrents(kin, self.m_lepton, helicity, self._line)
        q2f = np.where(kin.ok, q2a.ravel(), 0.0)
        if self.channel.regime == "coherent":
            m2 = self._coherent(q2f, kin, currents)
        else:
            m2 = self._nucleon(q2f, kin, currents)
        return np.where(kin.ok, m2, 0.0).reshape(shape)

    def _coherent(self, q2: np.ndarray, kin: LabKinematics, cur: LeptonCurrents) -> np.ndarray:
        from nuportal.physics.form_factors import nuclear_form_factors

        t = self.channel.target
        lv, ls, dipole = self._selected
        f_p, f_n = nuclear_form_factors(t, q2)
        # (p₁ + p₂)·current with p₁ + p₂ = (2M + ν, q_x, 0, q_z)
        psum = (2.0 * t.mass + kin.nu, kin.q_x, kin.q_z)
        amp = np.zeros(q2.shape, complex)
        if lv:
            charges = [(c, *b.nucleon_vector_charges(), b.mass) for b, c in lv]
            coupling = sum(
                c * (t.z * v_p * f_p + t.n * v_n * f_n) / (-q2 - m**2) for c, v_p, v_n, m in charges
            )
            amp += coupling * _dot_planar(cur.vector, psum)
        if ls:
            coupling = sum(
                c
                * 2.0
                * t.mass
                * (t.z * b.nucleon[0] * f_p + t.n * b.nucleon[1] * f_n)
                / (-q2 - b.mass**2)
                for b, c in ls
            )
            amp -= coupling * cur.scalar
        if dipole != 0:
            photon = 1j * E_CHARGE * t.z * dipole * f_p / np.where(q2 > 0, q2, 1.0)
            amp += photon * _dot_planar(cur.dipole, psum)
        return amp.real**2 + amp.imag**2

    def _nucleon(self, q2: np.ndarray, kin: LabKinematics, cur: LeptonCurrents) -> np.ndarray:
        from nuportal.physics.form_factors import (
            STRANGE_AXIAL_CHARGE,
            axial_form_factor,
            induced_pseudoscalar_form_factor,
            nucleon_form_factors,
        )

        proton = self.channel.target is PROTON
        mass = self.m_target
        lv, ls, dipole = self._selected
        ff = nucleon_form_factors(q2)
        f1_same, f1_other = (ff.f1p, ff.f1n) if proton else (ff.f1n, ff.f1p)
        f2_same, f2_other = (ff.f2p, ff.f2n) if proton else (ff.f2n, ff.f2p)
        g_dip = axial_form_factor(q2)
        g_pseudo = induced_pseudoscalar_form_factor(q2)
        isospin = 1.0 if proton else -1.0
        q = np.zeros((q2.size, 4))
        q[:, 0], q[:, 1], q[:, 3] = kin.nu, kin.q_x, kin.q_z
        p1 = np.zeros_like(q)
        p1[:, 0] = mass
        p2 = p1 + q
        psum = (2.0 * mass + kin.nu, kin.q_x, kin.q_z)
        # Γ = v̸ + s − a̸γ5 − p γ5 between on-shell nucleons, the Pauli term by the Gordon
        # identity i σ^{νρ} q_ρ/2M → γ^ν − (p₁ + p₂)^ν/2M (q = p₂ − p₁); every current is a
        # multiple of the lepton currents J (vector), S (scalar), D (dipole) or of q:
        # v = v_J J + v_q q + v_D D, a = a_J J + a_q q
        zero = np.zeros(q2.size, complex)
        v_j, v_q, a_j, a_q, s, p = zero, zero, zero, zero, zero, zero
        if lv:
            j_q = dirac.dot(cur.vector, q)
            j_p = _dot_planar(cur.vector, psum)
        for boson, c in lv:
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
            scale = c / (-q2 - boson.mass**2)
            lq = j_q / boson.mass**2
            v_j = v_j + (f1 + f2) * scale
            v_q = v_q - f1 * scale * lq
            a_j = a_j + g_a * scale
            a_q = a_q - g_a * scale * lq
            p = p + g_p / mass * scale * (j_q + lq * q2)
            s = s - f2 * scale * j_p / (2.0 * mass)
        for scalar, c in ls:
            y_n = scalar.nucleon[0] if proton else scalar.nucleon[1]
            s = s - c * y_n * cur.scalar / (-q2 - scalar.mass**2)
        v = v_j[:, None] * cur.vector if lv else np.zeros((q2.size, 4), complex)
        v += v_q[:, None] * q
        if dipole != 0:
            f1_em, f2_em = (ff.f1p, ff.f2p) if proton else (ff.f1n, ff.f2n)
            scale = 1j * E_CHARGE * dipole / np.where(q2 > 0, q2, 1.0)
            v += ((f1_em + f2_em) * scale)[:, None] * cur.dipole
            s = s - f2_em * scale * _dot_planar(cur.dipole, psum) / (2.0 * mass)
        a = a_j[:, None] * cur.vector + a_q[:, None] * q if lv else np.zeros_like(v)
        m2 = 0.5 * dirac.bilinear_trace(v, s, a, p, p1, p2, mass).real
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


def _dot_planar(current: np.ndarray, vector: tuple[np.ndarray, ...]) -> np.ndarray:
    """current·x for currents (n, 4) and x = (x⁰, x¹, 0, x³) given as (x⁰, x¹, x³)."""
    return current[:, 0] * vector[0] - current[:, 1] * vector[1] - current[:, 3] * vector[2]


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
