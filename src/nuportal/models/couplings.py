"""Vertex couplings: the interface between a model and the physics kernels.

Neutral leptons are indexed in one basis throughout: ``0, 1, 2`` are the *flavour* states
ν_e, ν_μ, ν_τ in which beams are produced, ``3, 4, 5`` the heavy mass states N4, N5, N6
(only as many as the model has). All couplings below are Feynman-rule coefficients with
the conventions

* vector bosons V (Z, Z'):
  ``L = -V_μ [Σ_ab ν̄_a γ^μ G_ab P_L ν_b + Σ_f f̄ γ^μ (c_L P_L + c_R P_R) f]``,
  G hermitian; the photon is the case ``c_L = c_R = e Q_f``;
* scalars (h'):  ``L = -φ [Σ_ab ν̄_a (S_ab P_L + S*_ba P_R) ν_b + Σ_f y_f f̄ f]``;
* transition dipoles: ``L = ½ Σ_ab ν̄_a σ^{μν} (D_ab P_L + D*_ba P_R) ν_b F_μν`` (D in GeV⁻¹);
* the W: ``L = -W⁻_μ Σ_{α,a} W_αa ℓ̄_α γ^μ P_L ν_a + h.c.`` (α = e, μ, τ).

For Majorana neutral leptons the same matrices define the Majorana Feynman rules
(Denner, Eck, Hahn & Küblbeck, Nucl. Phys. B 387 (1992) 467): vector vertex
``γ^μ (G_ab P_L - G*_ab P_R)``, scalar vertex ``S_ab P_L + S*_ab P_R`` (S symmetrised) and
dipole vertex ``σ^{μν} (D_ab - D_ba) P_L - σ^{μν} (D_ab - D_ba)* P_R``.

Nucleon couplings follow from the quark couplings by isospin symmetry: the vector charges
of the proton and neutron are ``2 v_u + v_d`` and ``v_u + 2 v_d`` with ``v_q = (c_L + c_R)/2``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

#: charged fermions whose couplings every boson carries
FERMIONS = ("e", "mu", "tau", "u", "d", "s", "c", "b", "t")
#: electric charges (units of e)
CHARGE = {"e": -1.0, "mu": -1.0, "tau": -1.0, "u": 2 / 3, "c": 2 / 3, "t": 2 / 3}
CHARGE.update({"d": -1 / 3, "s": -1 / 3, "b": -1 / 3})
#: weak isospin of the left-handed component
T3 = {"e": -0.5, "mu": -0.5, "tau": -0.5, "u": 0.5, "c": 0.5, "t": 0.5}
T3.update({"d": -0.5, "s": -0.5, "b": -0.5})


def _frozen(array: np.ndarray) -> np.ndarray:
    out = np.array(array, dtype=complex)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class VectorBoson:
    """Couplings of one massive neutral vector boson (Z or Z').

    Attributes
    ----------
    name : str
        ``"Z"`` or ``"Zprime"``.
    mass : float
        Mass in GeV.
    neutral : numpy.ndarray
        Complex matrix G_ab (see module docstring), shape (3 + n_heavy, 3 + n_heavy).
    chiral : Mapping[str, tuple[float, float]]
        (c_L, c_R) for each charged fermion of :data:`FERMIONS`.
    """

    name: str
    mass: float
    neutral: np.ndarray
    chiral: Mapping[str, tuple[float, float]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "neutral", _frozen(self.neutral))
        object.__setattr__(self, "chiral", MappingProxyType(dict(self.chiral)))

    def vector(self, fermion: str) -> float:
        """Vector coupling (c_L + c_R)/2 to ``fermion``."""
        c_l, c_r = self.chiral[fermion]
        return 0.5 * (c_l + c_r)

    def axial(self, fermion: str) -> float:
        """Axial coupling a of ``f̄ γ^μ (v - a γ5) f``: a = (c_L - c_R)/2."""
        c_l, c_r = self.chiral[fermion]
        return 0.5 * (c_l - c_r)

    def nucleon_vector_charges(self) -> tuple[float, float]:
        """Vector charges (proton, neutron) at Q² = 0: (2 v_u + v_d, v_u + 2 v_d)."""
        v_u, v_d = self.vector("u"), self.vector("d")
        return 2.0 * v_u + v_d, v_u + 2.0 * v_d

    def nuclear_vector_charge(self, z: int, n: int) -> float:
        """Coherent vector charge Z v_p + N v_n of a nucleus (the weak charge for the Z)."""
        v_p, v_n = self.nucleon_vector_charges()
        return z * v_p + n * v_n


@dataclass(frozen=True)
class ScalarBoson:
    """Couplings of a neutral scalar (h').

    Attributes
    ----------
    name : str
        ``"hprime"``.
    mass : float
        Mass in GeV.
    neutral : numpy.ndarray
        Complex matrix S_ab (see module docstring).
    yukawa : Mapping[str, float]
        y_f for charged fermions.
    nucleon : tuple[float, float]
        Effective Yukawa couplings (proton, neutron) of ``-φ ψ̄_N ψ_N``.
    """

    name: str
    mass: float
    neutral: np.ndarray
    yukawa: Mapping[str, float]
    nucleon: tuple[float, float]

    def __post_init__(self) -> None:
        object.__setattr__(self, "neutral", _frozen(self.neutral))
        object.__setattr__(self, "yukawa", MappingProxyType(dict(self.yukawa)))

    def nuclear_scalar_charge(self, z: int, n: int) -> float:
        """Coherent scalar charge Z y_p + N y_n of a nucleus."""
        return z * self.nucleon[0] + n * self.nucleon[1]


@dataclass(frozen=True)
class Couplings:
    """All vertex couplings of a model, in the basis (ν_e, ν_μ, ν_τ, N4, ...).

    Attributes
    ----------
    n_heavy : int
        Number of heavy neutral leptons.
    majorana : bool
        Whether the neutral leptons are Majorana fermions.
    vectors : tuple[VectorBoson, ...]
        Massive neutral vector bosons (the Z always; the Z' if the model has one).
    scalars : tuple[ScalarBoson, ...]
        Neutral scalars (the h' if the model has one).
    dipole : numpy.ndarray
        Transition dipole matrix D_ab in GeV⁻¹.
    charged : numpy.ndarray
        W couplings W_αa, shape (3, 3 + n_heavy): rows e, μ, τ; columns the neutral basis.
    """

    n_heavy: int
    majorana: bool
    vectors: tuple[VectorBoson, ...]
    scalars: tuple[ScalarBoson, ...]
    dipole: np.ndarray
    charged: np.ndarray

    def __post_init__(self) -> None:
        size = 3 + self.n_heavy
        object.__setattr__(self, "dipole", _frozen(self.dipole))
        object.__setattr__(self, "charged", _frozen(self.charged))
        if self.charged.shape != (3, size):
            raise ValueError(f"W couplings must be 3x{size}")
        matrices = [(b.name, b.neutral) for b in self.vectors]
        matrices += [(b.name, b.neutral) for b in self.scalars] + [("dipole", self.dipole)]
        for name, matrix in matrices:
            if matrix.shape != (size, size):
                raise ValueError(f"{name} couplings must be {size}x{size}")

    def vector(self, name: str) -> VectorBoson | None:
        """The vector boson called ``name``, or ``None``."""
        return next((v for v in self.vectors if v.name == name), None)

    def scalar(self, name: str) -> ScalarBoson | None:
        """The scalar called ``name``, or ``None``."""
        return next((s for s in self.scalars if s.name == name), None)


def chiral_vertex(
    matrix: np.ndarray, out: int, inc: int, *, majorana: bool, antineutrino: bool, kind: str
) -> tuple[complex, complex]:
    """(P_L, P_R) coefficients of the neutral-lepton vertex ``inc`` → ``out``.

    ``matrix`` is a coupling matrix of :class:`Couplings` (``kind`` = ``"vector"``,
    ``"scalar"`` or ``"dipole"``); the vertex is ψ̄_out Γ (c_L P_L + c_R P_R) ψ_inc with
    Γ = γ^μ, 1 or σ^{μν} q_μ. Dirac: the coefficients of the module docstring, read for the
    particle line (``antineutrino=False``) or for the conjugate line ψ̄_inc ... ψ_out of an
    antiparticle (``antineutrino=True``). Majorana: the rules of Denner et al. (module
    docstring): vector (G, -G*), dipole (D_oi - D_io, its negative conjugate), scalar with
    the symmetrised S/2 so that a left-handed neutrino couples as in the Dirac case.
    """
    if majorana:
        if kind == "vector":
            c = matrix[out, inc]
            return c, -np.conj(c)
        if kind == "scalar":
            c = 0.5 * (matrix[out, inc] + matrix[inc, out])
            return c, np.conj(c)
        c = matrix[out, inc] - matrix[inc, out]  # dipole
        return c, -np.conj(c)
    a, b = (inc, out) if antineutrino else (out, inc)
    if kind == "vector":
        return matrix[a, b], 0.0
    return matrix[a, b], np.conj(matrix[b, a])
