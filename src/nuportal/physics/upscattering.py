"""Upscattering ν_α / ν̄_α + T → N_i + T: helicity amplitudes and dσ/dQ².

The amplitude is built from Feynman rules (conventions in :mod:`nuportal.models.couplings`)
and evaluated numerically from the helicity spinors' lepton currents in closed form
(:mod:`nuportal.physics.lepton_currents`), so that every exchanged boson (Z, Z', h', and
the photon through a transition dipole) and every interference between them is included,
for each helicity of the outgoing N, for Dirac and Majorana N and for neutrinos and
antineutrinos:

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

and dσ/dQ² = |M|² / (64 π M² E_ν²) for a target of mass M at rest. The kinematics, the
currents and the sum over bosons run in one compiled pass over the points per target kind
(numba, cached on disk), after the form factors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numba
import numpy as np
from numpy.typing import ArrayLike

from nuportal.constants import E_CHARGE, G_A
from nuportal.errors import NuportalError
from nuportal.models.couplings import ScalarBoson, VectorBoson, chiral_vertex
from nuportal.models.model import Model
from nuportal.physics import dirac
from nuportal.physics.form_factors import (
    STRANGE_AXIAL_CHARGE,
    axial_form_factor,
    induced_pseudoscalar_form_factor,
    nuclear_form_factors,
    nucleon_form_factors,
)
from nuportal.physics.kinematics import (
    LabKinematics,
    lab_kinematics,
    lepton_momenta,
    q2_limits,
    threshold_energy,
)
from nuportal.physics.lepton_currents import couplings_selected, currents_point, line_code
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

#: arguments of the compiled |M|² kernels: (kinematics columns (7, n), physical mask, Q²) and
#: (vector couplings, vector rows, scalar couplings, scalar rows, dipole coefficient)
_Points = tuple[np.ndarray, np.ndarray, np.ndarray]
_Couplings = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, complex]


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

    @cached_property
    def _couplings(self) -> _Couplings:
        """The selected couplings (:attr:`_selected`) as tables for the compiled kernels:
        (vector c, vector rows, scalar c, scalar rows, dipole coefficient).

        Coherent: vector rows (m², Z v_p, N v_n), scalar rows (m², 2M Z y_p, 2M N y_n), dipole
        i e Z μ. Nucleon: vector rows (m², 2v_u + v_d, v_u + 2v_d, G_A(0), G_P(0)), where
        F1 = (2v_u + v_d) F1_same + (v_u + 2v_d) F1_other (the same for F2; strange vector form
        factors vanish), G_A(0) = ½(a_u − a_d)(±g_A) + ½(a_u + a_d)(Δu + Δd) + a_s Δs and
        G_P(0) its isovector part; scalar rows (m², y_N, 0); dipole i e μ.
        """
        t = self.channel.target
        lv, ls, dipole = self._selected
        vec: list[tuple[float, ...]]
        if self.channel.regime == "coherent":
            vec = [
                (b.mass**2, t.z * v_p, t.n * v_n)
                for b, _ in lv
                for v_p, v_n in [b.nucleon_vector_charges()]
            ]
            sca = [
                (b.mass**2, 2.0 * t.mass * t.z * b.nucleon[0], 2.0 * t.mass * t.n * b.nucleon[1])
                for b, _ in ls
            ]
            charge, width = float(t.z), 3
        else:
            proton = t is PROTON
            vec = []
            for b, _ in lv:
                v_u, v_d = b.vector("u"), b.vector("d")
                a_u, a_d, a_s = b.axial("u"), b.axial("d"), b.axial("s")
                iso = 0.5 * (a_u - a_d) * (1.0 if proton else -1.0) * G_A
                g_a = iso + 0.5 * (a_u + a_d) * ISOSCALAR_AXIAL_CHARGE + a_s * STRANGE_AXIAL_CHARGE
                vec.append((b.mass**2, 2 * v_u + v_d, v_u + 2 * v_d, g_a, iso))
            sca = [(b.mass**2, b.nucleon[0 if proton else 1], 0.0) for b, _ in ls]
            charge, width = 1.0, 5
        return (
            np.array([c for _, c in lv], complex),
            np.array(vec, float).reshape(len(lv), width),
            np.array([c for _, c in ls], complex),
            np.array(sca, float).reshape(len(ls), 3),
            1j * E_CHARGE * charge * dipole,
        )

    def _amplitude(
        self, energy: ArrayLike, q2: ArrayLike, helicity: int
    ) -> tuple[np.ndarray, np.ndarray, LabKinematics]:
        """(energy, |M|², lab kinematics of the points)."""
        line = line_code(self._line, helicity)
        e, q2a = np.broadcast_arrays(_finite(energy, "energy"), _finite(q2, "Q²"))
        kin = lab_kinematics(e, q2a, self.m_lepton, self.m_target)
        ok = kin.ok.ravel()
        q2f = np.where(ok, q2a.ravel(), 0.0)
        lepton = (self.m_lepton, int(helicity), line)
        m2 = np.empty(q2f.size)
        points = (kin.columns.reshape(7, -1), ok, q2f)
        if self.channel.regime == "coherent":
            form = nuclear_form_factors(self.channel.target, q2f)
            _coherent_rows(points, form, lepton, self.m_target, self._couplings, m2)
        else:
            _nucleon_rows(
                points, _nucleon_form(self.channel, q2f), lepton, self.m_target, self._couplings, m2
            )
        if self.channel.bound_in is not None:
            f_p, f_n = nuclear_form_factors(self.channel.bound_in, q2f)
            m2 *= 1.0 - (f_p if self.channel.target is PROTON else f_n) ** 2
        return e, m2.reshape(e.shape), kin

    def amplitude_squared(self, energy: ArrayLike, q2: ArrayLike, helicity: int) -> np.ndarray:
        """|M|² (spin-averaged over the target) for N helicity ``helicity`` = ±1 (GeV⁰).

        Zero outside the physical region. One compiled pass over the points
        (:func:`_coherent_rows`, :func:`_nucleon_rows`) after the kinematics and the form
        factors.
        """
        return self._amplitude(energy, q2, helicity)[1]

    def _per_area(self, m2: np.ndarray, energy: np.ndarray) -> np.ndarray:
        """dσ/dQ² = |M|² / (64 π M² E_ν²) in cm²/GeV² (0 where E_ν ≤ 0)."""
        e = np.asarray(energy, float)
        return m2 / (64.0 * np.pi * self.m_target**2 * np.where(e > 0, e, 1.0) ** 2) * GEV2_TO_CM2

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
        return self._per_area(m2, np.asarray(energy, float))

    def dsigma_dq2_lab(
        self, energy: ArrayLike, q2: ArrayLike, helicity: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`dsigma_dq2` for one N helicity (±1) and the lab four-momenta (k₁, k₂) of
        the neutrino and N, copied from the kinematics that the amplitude used (no second
        evaluation of :func:`~nuportal.physics.kinematics.lab_point`).

        The momenta (GeV, shape (..., 4), components (E, p_x, p_y, p_z)) are those of
        :func:`~nuportal.physics.kinematics.lab_momenta`: ν along +z, N in the xz plane with
        p_x ≥ 0, the forward configuration at unphysical points.
        """
        e, m2, kin = self._amplitude(energy, q2, helicity)
        return (self._per_area(m2, e), *lepton_momenta(kin))

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


def _nucleon_form(channel: Channel, q2: np.ndarray) -> tuple[np.ndarray, ...]:
    """(F1, F1 of the other nucleon, F2, F2 of the other, F_A, G_P/G_A(0)) at ``q2``."""
    ff = nucleon_form_factors(q2)
    same, other = ((ff.f1p, ff.f2p), (ff.f1n, ff.f2n))[:: 1 if channel.target is PROTON else -1]
    return (
        same[0],
        other[0],
        same[1],
        other[1],
        axial_form_factor(q2),
        induced_pseudoscalar_form_factor(q2),
    )


@numba.njit(cache=True, error_model="numpy")
def _photon(coefficient: complex, q2: float) -> complex:  # pragma: no cover - compiled
    """The photon propagator times its coupling, coefficient/Q² (Q² = 0 only off-shell)."""
    return coefficient / (q2 if q2 > 0.0 else 1.0)


@numba.njit(cache=True)
def _combination(
    cx: complex, x: tuple, cy: complex, y: tuple, cz: complex, z: tuple
) -> tuple[complex, complex, complex, complex]:  # pragma: no cover - compiled
    """The four-vector cx x + cy y + cz z (tuples)."""
    return (
        cx * x[0] + cy * y[0] + cz * z[0],
        cx * x[1] + cy * y[1] + cz * z[1],
        cx * x[2] + cy * y[2] + cz * z[2],
        cx * x[3] + cy * y[3] + cz * z[3],
    )


@numba.njit(cache=True, error_model="numpy")
def _coherent_rows(
    points: _Points,
    form: tuple[np.ndarray, np.ndarray],
    lepton: tuple[float, int, int],
    mass: float,
    couplings: _Couplings,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """|M|² on a spin-0 nucleus: vector charges Z v_p F_p + N v_n F_n against (p₁ + p₂)·J,
    scalar charges 2M (Z y_p F_p + N y_n F_n) against S, the photon Z F_p against (p₁ + p₂)·D.
    """
    columns, ok, q2s = points
    f_ps, f_ns = form
    vec_c, vec, sca_c, sca, dipole = couplings
    for i in range(q2s.size):
        if not ok[i]:
            out[i] = 0.0
            continue
        e, nu, e_n, p_n, omc, q_x, q_z = columns[:, i]
        q2, f_p, f_n = q2s[i], f_ps[i], f_ns[i]
        j, s, d = currents_point(e, nu, e_n, p_n, omc, q_x, q_z, *lepton)
        p_sum = (2.0 * mass + nu, q_x, 0.0, q_z)  # p₁ + p₂
        amp = 0j
        if vec_c.size:
            coupling = 0j
            for b in range(vec_c.size):
                coupling += vec_c[b] * (vec[b, 1] * f_p + vec[b, 2] * f_n) / (-q2 - vec[b, 0])
            amp += coupling * dirac.mdot(j, p_sum)
        if sca_c.size:
            coupling = 0j
            for b in range(sca_c.size):
                coupling += sca_c[b] * (sca[b, 1] * f_p + sca[b, 2] * f_n) / (-q2 - sca[b, 0])
            amp -= coupling * s
        if dipole != 0:
            amp += _photon(dipole, q2) * f_p * dirac.mdot(d, p_sum)
        out[i] = amp.real**2 + amp.imag**2


@numba.njit(cache=True, error_model="numpy")
def _nucleon_rows(
    points: _Points,
    form: tuple[np.ndarray, ...],
    lepton: tuple[float, int, int],
    mass: float,
    couplings: _Couplings,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """|M|² on a nucleon, ½ Tr[Γ (p̸₁ + M) Γ̄ (p̸₂ + M)] (:func:`dirac.bilinear_trace_point`)
    for Γ = v̸ + s − a̸γ5 − p γ5 contracted with the lepton currents J, S, D.

    The hadronic vertex of a vector boson is F1 γ^ν + i F2 σ^{νρ}q_ρ/2M − G_A γ^ν γ5 −
    (G_P/M) q^ν γ5 (Llewellyn Smith 1972), the Pauli term by the Gordon identity
    i σ^{νρ} q_ρ/2M → γ^ν − (p₁ + p₂)^ν/2M; the unitary-gauge propagator subtracts
    (J·q) q_ν Γ^ν / m². Every current is then a multiple of J, S, D or q:
    v = v_J J + v_q q + v_D D, a = a_J J + a_q q.
    """
    columns, ok, q2s = points
    f1s, f1o, f2s, f2o, g_dip, g_pseudo = form
    vec_c, vec, sca_c, sca, dipole = couplings
    k1 = (mass, 0.0, 0.0, 0.0)
    for i in range(q2s.size):
        if not ok[i]:
            out[i] = 0.0
            continue
        e, nu, e_n, p_n, omc, q_x, q_z = columns[:, i]
        q2 = q2s[i]
        j, cur_s, d = currents_point(e, nu, e_n, p_n, omc, q_x, q_z, *lepton)
        q = (nu, q_x, 0.0, q_z)
        p_sum = (2.0 * mass + nu, q_x, 0.0, q_z)
        j_q, j_p = dirac.mdot(j, q), dirac.mdot(j, p_sum)
        v_j, v_q, v_d, a_j, a_q, s, p = 0j, 0j, 0j, 0j, 0j, 0j, 0j
        for b in range(vec_c.size):
            m2, w_same, w_other, g_a, g_p = vec[b]
            f1 = w_same * f1s[i] + w_other * f1o[i]
            f2 = w_same * f2s[i] + w_other * f2o[i]
            scale = vec_c[b] / (-q2 - m2)
            lq = j_q / m2
            v_j += (f1 + f2) * scale
            v_q -= f1 * scale * lq
            a_j += g_a * g_dip[i] * scale
            a_q -= g_a * g_dip[i] * scale * lq
            p += g_p * g_pseudo[i] / mass * scale * (j_q + lq * q2)
            s -= f2 * scale * j_p / (2.0 * mass)
        for b in range(sca_c.size):
            s -= sca_c[b] * sca[b, 1] * cur_s / (-q2 - sca[b, 0])
        if dipole != 0:
            photon = _photon(dipole, q2)
            v_d = (f1s[i] + f2s[i]) * photon
            s -= f2s[i] * photon * dirac.mdot(d, p_sum) / (2.0 * mass)
        v = _combination(v_j, j, v_q, q, v_d, d)
        a = _combination(a_j, j, a_q, q, 0j, d)
        k2 = (mass + nu, q_x, 0.0, q_z)
        out[i] = 0.5 * dirac.bilinear_trace_point(v, a, s, p, k1, k2, mass).real


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
