"""Dark-fermion sectors of semi-visible dark photons: validated, immutable configurations.

Every model below is reduced to one normalised description, a :class:`DarkSector`:

* a dark photon A' (:class:`DarkPhoton`: mass m_A', photon-like kinetic mixing ε, dark
  gauge coupling g_D);
* Majorana mass eigenstates ψ_1 ... ψ_N (N = 2n for n Dirac fermions) with **signed**
  masses m_i (physical mass |m_i|), ordered by increasing |m_i|;
* the hermitian A' coupling matrix G_ij (G = g_D V), defined by

      L ⊃ −A'_μ Σ_ij ψ̄_i γ^μ G_ij P_L ψ_j,

  in the basis where the Majorana mass terms are real, −½ Σ_i m_i ψ̄_i ψ_i. The Feynman rule
  of the vertex A' ψ_i ψ_j is γ^μ (G_ij P_L − G*_ij P_R) (Majorana rules of Denner, Eck,
  Hahn & Küblbeck, Nucl. Phys. B 387 (1992) 467, the convention of
  :mod:`nuportal.models.couplings`). For a real G this is the axial current G_ij γ^μ γ⁵;
  a negative mass sign is equivalent to the rephasing ψ → iγ⁵ψ, which turns the axial
  coupling between states of opposite sign into the vector coupling of the usual
  "positive-mass" form (the two descriptions give identical rates, see
  :mod:`nuportal.physics.darkphoton.widths`).

The mass matrices are written for Weyl fields. A Dirac fermion χ_a of dark charge +1 is a
pair of left-handed Weyl fields (ξ_a, η_a) of charges (+1, −1); its Dirac mass M_ab ξ_a η_b
conserves the charge, the Majorana masses ½ μ^L_ab ξ_a ξ_b + ½ μ^R_ab η_a η_b break it. The
A' current is Σ_a (ξ†_a σ̄ ξ_a − η†_a σ̄ η_a). Diagonalising the real symmetric 2n × 2n mass
matrix with an orthogonal O (eigenvalues = signed masses) gives G = g_D Oᵀ Q O, with
Q = diag(charges).

Charge conjugation C: ξ_a ↔ η_a is a symmetry when μ^L = μ^R = μ and M = Mᵀ (arXiv:2302.05410:
the generalisation of inelastic dark matter by a C symmetry). The C-even and C-odd
combinations ξ ± η then have the mass matrices M + μ and μ − M, and the current connects
only states of opposite C-parity: G = g_D [[0, W], [Wᵀ, 0]] with W = O₊ᵀ O₋ (O_± the
rotations of the two blocks). Each state carries its C-parity (+1, −1; 0 where C is not a
symmetry).

Models
------
:func:`inelastic_dm`
    One Dirac fermion split by a Majorana mass into two Majorana states (Tucker-Smith &
    Weiner, hep-ph/0101138; Izaguirre, Krnjaic, Schuster & Toro, arXiv:1703.06881): masses
    m_1 = M − μ, m_2 = M + μ, splitting δ = 2μ, coupling G_12 = g_D.
:func:`inelastic_dirac_dm`
    Inelastic Dirac dark matter (i2DM; Filimonova, Junius, Lopez Honorez & Westhoff,
    arXiv:2201.08409): two Dirac fermions, a charged χ and a neutral χ₀, mixed
    by a Dirac mass term into mass eigenstates χ_1 (mostly neutral, the dark matter) and
    χ_2 with angle θ, χ = sin θ χ_1 + cos θ χ_2. The A' couples as
    g_D [sin²θ χ̄_1γχ_1 + cos²θ χ̄_2γχ_2 + sin θ cos θ (χ̄_1γχ_2 + h.c.)]. In the Majorana
    description each Dirac χ_k is a pair ψ with signed masses (+m_k, −m_k).
:func:`c_symmetric_sector`
    n ≥ 1 Dirac fermions with a symmetric Dirac mass matrix M and a symmetric Majorana mass
    matrix μ (arXiv:2302.05410). n = 1 is inelastic DM; μ → 0 gives n Dirac
    fermions (pairs of opposite signed masses, coupled with maximal off-diagonal strength).
:func:`weyl_sector`
    Any real symmetric Majorana mass matrix of Weyl fields with given dark charges (no C
    symmetry assumed).
:func:`hnl_sector`
    The heavy neutral leptons of a :class:`~nuportal.models.Model` with a Z' (arXiv:2302.05410):
    the couplings are the Z' couplings of the light neutrinos and N's (through the
    dark-flavour mixing U_Di); a Dirac N is split into two Majorana states of signed
    masses ±m_N.

Dark-fermion PDG-style numbers: :data:`nuportal.constants.PDG_DARK_FERMIONS` (ψ_1 ... ψ_6);
the N's of the HNL realisation keep their numbers (:data:`nuportal.constants.PDG_N4`, ...).
All masses in GeV.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nuportal.constants import COS_THETA_W, PDG_DARK_FERMIONS, PDG_NU_E, PDG_NU_MU, PDG_NU_TAU
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models.model import Model, build_model

#: at most this many Majorana dark fermions (the PDG-style numbers of ψ_1 ... ψ_6)
MAX_STATES = len(PDG_DARK_FERMIONS)


@dataclass(frozen=True)
class DarkPhoton:
    """The dark photon A': mass (GeV), photon-like kinetic mixing ε and dark coupling g_D.

    Build it with :meth:`from_parameters` to give the hypercharge mixing χ = ε / cos θ_W or
    α_D = g_D² / 4π instead.

    Examples
    --------
    >>> a = DarkPhoton.from_parameters(mass=0.5, epsilon=1e-3, alpha_dark=0.1)
    >>> round(a.g_dark, 4), round(a.alpha_dark, 4)
    (1.121, 0.1)
    """

    mass: float
    epsilon: float
    g_dark: float

    def __post_init__(self) -> None:
        for name in ("mass", "epsilon", "g_dark"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
                raise NuportalError(f"dark photon {name} must be a real number, got {value!r}")
            if not math.isfinite(value):
                raise NuportalError(f"dark photon {name} must be finite, got {value!r}")
        if self.mass <= 0:
            raise NuportalError(f"dark photon mass must be > 0 GeV, got {self.mass}")
        if not abs(self.epsilon) < COS_THETA_W:
            raise NuportalError(f"|epsilon| must be < cos θ_W = {COS_THETA_W:.4f}")
        if self.g_dark < 0:
            raise NuportalError(f"g_dark must be >= 0, got {self.g_dark}")

    @classmethod
    def from_parameters(
        cls,
        *,
        mass: float,
        epsilon: float | None = None,
        chi: float | None = None,
        g_dark: float | None = None,
        alpha_dark: float | None = None,
    ) -> DarkPhoton:
        """Build from the mass (GeV), one of ``epsilon`` / ``chi`` (χ = ε / cos θ_W) and one of
        ``g_dark`` / ``alpha_dark`` (α_D = g_D²/4π)."""
        if (epsilon is None) == (chi is None):
            raise NuportalError("give exactly one of 'epsilon' and 'chi' (= epsilon / cos θ_W)")
        if (g_dark is None) == (alpha_dark is None):
            raise NuportalError("give exactly one of 'g_dark' and 'alpha_dark'")
        if alpha_dark is not None and not alpha_dark >= 0:
            raise NuportalError(f"alpha_dark must be >= 0, got {alpha_dark}")
        eps = float(epsilon) if epsilon is not None else float(chi) * COS_THETA_W  # type: ignore[arg-type]
        g = float(g_dark) if g_dark is not None else math.sqrt(4.0 * math.pi * alpha_dark)  # type: ignore[operator]
        return cls(float(mass), eps, g)

    @property
    def alpha_dark(self) -> float:
        """α_D = g_D² / 4π."""
        return self.g_dark**2 / (4.0 * math.pi)

    @property
    def chi(self) -> float:
        """Hypercharge kinetic mixing χ = ε / cos θ_W."""
        return self.epsilon / COS_THETA_W


@dataclass(frozen=True)
class DarkSector:
    """The normalised description of a dark-fermion sector (see the module docstring).

    Build it with :func:`inelastic_dm`, :func:`inelastic_dirac_dm`,
    :func:`c_symmetric_sector` or :func:`hnl_sector`.

    Attributes
    ----------
    name : str
        Which model (``"iDM"``, ``"i2DM"``, ``"C-symmetric"``, ``"HNL"``).
    dark_photon : DarkPhoton
        The A'.
    signed_masses : numpy.ndarray
        Signed Majorana masses m_i in GeV, shape (N,), ordered by increasing |m_i|.
    coupling : numpy.ndarray
        Hermitian A' coupling matrix G_ij = g_D V_ij, shape (N, N), complex.
    c_parity : tuple[int, ...]
        C-parity of each state (+1, −1), or 0 where the model has no C symmetry.
    pdgids : tuple[int, ...]
        PDG-style numbers of the states.
    labels : tuple[str, ...]
        State names (``"psi1"``, ... or the HNL names ``"N4"``, ...).
    """

    name: str
    dark_photon: DarkPhoton
    signed_masses: np.ndarray
    coupling: np.ndarray
    c_parity: tuple[int, ...]
    pdgids: tuple[int, ...]
    labels: tuple[str, ...]

    @property
    def n_states(self) -> int:
        """Number N of Majorana states."""
        return len(self.signed_masses)

    @property
    def masses(self) -> np.ndarray:
        """Physical masses |m_i| in GeV."""
        return np.abs(self.signed_masses)

    @property
    def mixing(self) -> np.ndarray:
        """V = G / g_D (``coupling`` itself if g_D = 0)."""
        g = self.dark_photon.g_dark
        return self.coupling / g if g > 0 else self.coupling

    def index(self, label: str) -> int:
        """Index of the state called ``label``."""
        if label not in self.labels:
            raise NuportalError(unknown_name_message("dark fermion", label, self.labels))
        return self.labels.index(label)

    def vertex(self, i: int, j: int) -> tuple[complex, complex]:
        """Chiral couplings (c_L, c_R) = (G_ij, −G*_ij) of the vertex A' ψ_i ψ_j."""
        g = complex(self.coupling[i, j])
        return g, -g.conjugate()

    def describe(self) -> str:
        """A one-line summary: model, A' parameters and the physical masses."""
        a = self.dark_photon
        states = ", ".join(
            f"{label} = {m:.6g}" for label, m in zip(self.labels, self.signed_masses, strict=True)
        )
        return (
            f"{self.name}: m_A' = {a.mass:g} GeV, ε = {a.epsilon:g}, α_D = {a.alpha_dark:g}; "
            f"signed masses (GeV) {states}"
        )


# ----------------------------------------------------------------------------- core
def _real_symmetric(value: ArrayLike, name: str, n: int | None = None) -> np.ndarray:
    matrix = np.atleast_2d(np.asarray(value))
    if np.iscomplexobj(matrix):
        if np.any(matrix.imag != 0):
            raise NuportalError(f"{name} must be real (complex mass matrices are not supported)")
        matrix = matrix.real
    try:
        matrix = matrix.astype(float)
    except (TypeError, ValueError) as exc:
        raise NuportalError(f"{name} must be a real matrix of numbers") from exc
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise NuportalError(f"{name} must be a square matrix, got shape {matrix.shape}")
    if n is not None and matrix.shape[0] != n:
        raise NuportalError(f"{name} must be {n} x {n}, got {matrix.shape}")
    if not np.all(np.isfinite(matrix)):
        raise NuportalError(f"{name} must be finite")
    if not np.allclose(matrix, matrix.T, rtol=1e-12, atol=0.0):
        raise NuportalError(f"{name} must be symmetric")
    return 0.5 * (matrix + matrix.T)


def _assemble(
    name: str,
    dark_photon: DarkPhoton,
    blocks: Sequence[tuple[np.ndarray, int]],
    current: np.ndarray,
    *,
    pdgids: Sequence[int] | None = None,
    labels: Sequence[str] | None = None,
) -> DarkSector:
    """Diagonalise each real symmetric mass block (with its C-parity) separately and rotate
    the A' current (charge matrix in the same basis) into the mass basis."""
    size = sum(b.shape[0] for b, _ in blocks)
    if size > MAX_STATES and pdgids is None:
        raise NuportalError(
            f"the sector has {size} Majorana states; at most {MAX_STATES} are supported"
        )
    rotation = np.zeros((size, size))
    values: list[float] = []
    parity: list[int] = []
    start = 0
    for block, c in blocks:
        k = block.shape[0]
        w, v = np.linalg.eigh(block)
        rotation[start : start + k, start : start + k] = v
        values.extend(w)
        parity.extend([c] * k)
        start += k
    masses = np.asarray(values)
    order = np.argsort(np.abs(masses), kind="stable")
    rotation = rotation[:, order]
    masses = masses[order]
    if np.any(np.abs(masses) <= 1e-12 * max(1.0, float(np.max(np.abs(masses))))):
        raise NuportalError("the mass matrix has a massless state; all dark fermions need m > 0")
    coupling = dark_photon.g_dark * (rotation.T @ current @ rotation).astype(complex)
    coupling[np.abs(coupling) < 1e-14 * max(dark_photon.g_dark, 1e-300)] = 0.0
    masses.setflags(write=False)
    coupling.setflags(write=False)
    ids = tuple(pdgids) if pdgids is not None else PDG_DARK_FERMIONS[:size]
    names = tuple(labels) if labels is not None else tuple(f"psi{i + 1}" for i in range(size))
    return DarkSector(
        name=name,
        dark_photon=dark_photon,
        signed_masses=masses,
        coupling=coupling,
        c_parity=tuple(int(parity[i]) for i in order),
        pdgids=ids,
        labels=names,
    )


def _c_basis(dirac: np.ndarray, majorana: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """Mass blocks of the C-even (ξ + η)/√2 and C-odd (ξ − η)/√2 states."""
    return [(majorana + dirac, +1), (majorana - dirac, -1)]


def _c_current(n: int) -> np.ndarray:
    """ξ†σ̄ξ − η†σ̄η in the basis (C-even, C-odd): off-diagonal identity blocks."""
    eye = np.eye(n)
    zero = np.zeros((n, n))
    return np.block([[zero, eye], [eye, zero]])


# ----------------------------------------------------------------------------- models
def c_symmetric_sector(
    dirac_masses: ArrayLike, majorana_masses: ArrayLike, dark_photon: DarkPhoton
) -> DarkSector:
    """The C-symmetric sector of n Dirac fermions of dark charge 1 (arXiv:2302.05410).

    Parameters
    ----------
    dirac_masses : array_like
        Real symmetric n × n Dirac mass matrix M in GeV (a number for n = 1).
    majorana_masses : array_like
        Real symmetric n × n Majorana mass matrix μ = μ^L = μ^R in GeV.
    dark_photon : DarkPhoton
        The A'.

    Returns
    -------
    DarkSector
        2n Majorana states: the eigenvalues of M + μ (C-even) and μ − M (C-odd), with
        G = g_D [[0, W], [Wᵀ, 0]], W = O₊ᵀ O₋, ordered by |m|.

    Raises
    ------
    NuportalError
        For non-symmetric, non-finite or mismatched matrices, a massless state or more than
        three Dirac fermions.

    Examples
    --------
    >>> a = DarkPhoton(1.0, 1e-3, 0.5)
    >>> s = c_symmetric_sector([[0.1, 0.0], [0.0, 0.2]], [[0.005, 0.01], [0.01, 0.005]], a)
    >>> s.masses.round(4)
    array([0.094, 0.104, 0.196, 0.206])
    """
    dirac = _real_symmetric(dirac_masses, "the Dirac mass matrix M")
    n = dirac.shape[0]
    majorana = _real_symmetric(majorana_masses, "the Majorana mass matrix μ", n)
    return _assemble("C-symmetric", dark_photon, _c_basis(dirac, majorana), _c_current(n))


def weyl_sector(
    mass_matrix: ArrayLike, charges: ArrayLike, dark_photon: DarkPhoton, *, name: str = "Weyl"
) -> DarkSector:
    """Any sector of left-handed Weyl fields with a real symmetric Majorana mass matrix.

    The most general input: ``mass_matrix`` (GeV) in a basis of Weyl fields with dark
    charges ``charges`` (e.g. ξ and η of a Dirac fermion have +1 and −1); the states are
    the eigenvectors of the mass matrix (signed eigenvalues), G = g_D Oᵀ diag(charges) O.
    Covers models without the C symmetry (μ^L ≠ μ^R, "not-so-inelastic" dark matter with
    diagonal couplings, arXiv:2405.08081) and i2DM. C-parities are reported as 0.

    Examples
    --------
    >>> a = DarkPhoton(1.0, 1e-3, 1.0)
    >>> s = weyl_sector([[0.01, 0.1], [0.1, 0.0]], [1, -1], a)  # μ_L = 0.01, μ_R = 0
    >>> s.masses.round(4), abs(s.coupling.real).round(3)[0]
    (array([0.0951, 0.1051]), array([0.05 , 0.999]))
    """
    matrix = _real_symmetric(mass_matrix, "the Weyl mass matrix")
    q = np.asarray(charges, float)
    if q.shape != (matrix.shape[0],) or not np.all(np.isfinite(q)):
        raise NuportalError(f"charges must be {matrix.shape[0]} finite numbers, one per Weyl field")
    return _assemble(name, dark_photon, [(matrix, 0)], np.diag(q))


def inelastic_dm(
    dark_photon: DarkPhoton,
    *,
    m1: float | None = None,
    delta: float | None = None,
    relative_splitting: float | None = None,
    dirac_mass: float | None = None,
    majorana_mass: float | None = None,
) -> DarkSector:
    """Inelastic (pseudo-Dirac) dark matter: one Dirac fermion split into ψ_1, ψ_2.

    Give the lighter mass ``m1`` (GeV) with the splitting ``delta`` = m_2 − m_1 (GeV) or
    ``relative_splitting`` Δ = (m_2 − m_1)/m_1; or the Dirac mass ``dirac_mass`` M and the
    Majorana mass ``majorana_mass`` μ (μ^L = μ^R = μ), so that m_{1,2} = M ∓ |μ|. The result
    is :func:`c_symmetric_sector` with n = 1: ψ_1 is the C-odd state (signed mass μ − M < 0
    for μ > 0), ψ_2 the C-even one, G_12 = g_D.

    Examples
    --------
    >>> s = inelastic_dm(DarkPhoton(0.3, 1e-3, 1.0), m1=0.1, relative_splitting=0.1)
    >>> s.signed_masses.round(4), float(s.coupling[0, 1].real)
    (array([-0.1 ,  0.11]), 1.0)
    """
    splitting_given = [x is not None for x in (m1, delta, relative_splitting)]
    dirac_given = [x is not None for x in (dirac_mass, majorana_mass)]
    if any(dirac_given):
        if any(splitting_given) or not all(dirac_given):
            raise NuportalError(
                "give either m1 with delta or relative_splitting, or dirac_mass with majorana_mass"
            )
        big, small = float(dirac_mass), float(majorana_mass)  # type: ignore[arg-type]
    else:
        if m1 is None or (delta is None) == (relative_splitting is None):
            raise NuportalError(
                "inelastic DM needs m1 and exactly one of delta (GeV) and relative_splitting "
                "(or dirac_mass and majorana_mass)"
            )
        split = float(delta) if delta is not None else float(relative_splitting) * m1  # type: ignore[arg-type]
        if not (m1 > 0 and split >= 0):
            raise NuportalError(f"need m1 > 0 and a splitting >= 0, got m1 = {m1}, δ = {split}")
        big, small = float(m1) + 0.5 * split, 0.5 * split
    if not (math.isfinite(big) and math.isfinite(small)) or big <= abs(small):
        raise NuportalError(f"need a Dirac mass M > |μ| (both finite), got M = {big}, μ = {small}")
    return replace(c_symmetric_sector(big, small, dark_photon), name="iDM")


def inelastic_dirac_dm(
    dark_photon: DarkPhoton,
    *,
    m1: float,
    delta: float | None = None,
    relative_splitting: float | None = None,
    theta: float | None = None,
    sin_theta: float | None = None,
) -> DarkSector:
    """Inelastic Dirac dark matter (i2DM, arXiv:2201.08409).

    Two Dirac mass eigenstates χ_1 (mass ``m1``, GeV) and χ_2 (m_2 = m_1 + δ, or
    m_1 (1 + Δ) with Δ = ``relative_splitting``) with the charged state
    χ = sin θ χ_1 + cos θ χ_2 (give ``theta`` in radians or ``sin_theta``). In the Majorana
    description (Weyl fields ξ_χ, ξ₀ of charges +1, 0 and their partners η of charges −1, 0)
    each χ_k becomes ψ's of signed masses ±m_k; the result has four states ordered
    (−m_1, +m_1, −m_2, +m_2) up to the sign order within a pair.

    Examples
    --------
    >>> s = inelastic_dirac_dm(DarkPhoton(0.3, 1e-3, 1.0), m1=0.1, delta=0.02, sin_theta=0.1)
    >>> s.masses.round(3)
    array([0.1 , 0.1 , 0.12, 0.12])
    """
    if (delta is None) == (relative_splitting is None):
        raise NuportalError("i2DM needs exactly one of delta (GeV) and relative_splitting")
    if (theta is None) == (sin_theta is None):
        raise NuportalError("i2DM needs exactly one of theta (radians) and sin_theta")
    split = float(delta) if delta is not None else float(relative_splitting) * m1  # type: ignore[arg-type]
    if not (math.isfinite(m1) and m1 > 0 and math.isfinite(split) and split > 0):
        raise NuportalError(f"need m1 > 0 and a splitting > 0, got m1 = {m1}, δ = {split}")
    if sin_theta is not None:
        if not abs(sin_theta) <= 1:
            raise NuportalError(f"sin_theta must lie in [-1, 1], got {sin_theta}")
        angle = math.asin(sin_theta)
    else:
        angle = float(theta)  # type: ignore[arg-type]
        if not math.isfinite(angle):
            raise NuportalError(f"theta must be finite, got {theta}")
    s, c = math.sin(angle), math.cos(angle)
    # Dirac mass matrix in the (neutral, charged) basis: χ₀ = cos θ χ_1 − sin θ χ_2
    rot = np.array([[c, -s], [s, c]])
    dirac = rot @ np.diag([m1, m1 + split]) @ rot.T
    zero = np.zeros((2, 2))
    weyl_mass = np.block([[zero, dirac], [dirac, zero]])  # (ξ₀, ξ_χ, η₀, η_χ)
    charges = [0.0, 1.0, 0.0, -1.0]
    return weyl_sector(weyl_mass, charges, dark_photon, name="i2DM")


def hnl_sector(model: Model) -> DarkSector:
    """The heavy neutral leptons of ``model`` as the dark fermions (arXiv:2302.05410).

    The A' is the model's Z' (mass ``mzprime``, kinetic mixing ``epsilon``, ``gD``); the
    couplings are the model's Z' coupling matrix G_ab (g_D U*_Da U_Db plus the small
    Z-mixing pieces) in its basis: the light flavour states ν_e, ν_μ, ν_τ (massless; labels
    ``"nu_e"``..., PDG 12, 14, 16; they carry the A' → νν̄, νN and N → ν ℓℓ channels) and
    the N's. Majorana N's are states directly (positive masses); a Dirac N of mass m is
    the pair of Majorana states ψ = (ξ ± η)/√2 with signed masses ±m (labels ``"N4+"``,
    ``"N4-"``, both with the PDG number of the N), of which only ξ couples (the left-handed
    N): G/2 in each N–N block, G/√2 between a ν and each of the pair. Only A'-mediated
    decays follow from this description; the N tables with W and Z exchange are those of
    :mod:`nuportal.physics.decays.channels`. As there, the light states are flavour states
    (orthonormal up to O(|U|²)) and the light admixture of the dark flavour is left out.

    Raises
    ------
    NuportalError
        If the model has no Z' or is in the generic mode.
    """
    zp = model.couplings.vector("Zprime")
    if zp is None or model.parameters.get("mode") == "generic":
        raise NuportalError(
            "the HNL realisation needs a model with a Z' in the Lagrangian mode "
            "(parameters mzprime, gD or alphaD, epsilon or chi)"
        )
    dark_photon = DarkPhoton(
        float(zp.mass),
        float(model.parameters.get("epsilon", 0.0)),
        float(model.parameters.get("gD", 0.0)),
    )
    full = np.asarray(zp.neutral)
    light, cross, heavy = full[:3, :3], full[:3, 3:], full[3:, 3:]
    masses = np.asarray(model.masses)
    names = ["nu_e", "nu_mu", "nu_tau"] + [n.name for n in model.heavy]
    ids = [PDG_NU_E, PDG_NU_MU, PDG_NU_TAU] + [n.pdgid for n in model.heavy]
    if model.majorana:
        signed, coupling = np.concatenate([np.zeros(3), masses]), full
        labels, pdgids = names, ids
    else:
        signed = np.concatenate([np.zeros(3), masses, -masses])
        half, root = 0.5 * heavy, cross / math.sqrt(2.0)
        back = root.conj().T
        coupling = np.block([[light, root, root], [back, half, half], [back, half, half]])
        labels = names[:3] + [f"{x}+" for x in names[3:]] + [f"{x}-" for x in names[3:]]
        pdgids = ids + ids[3:]
    order = np.argsort(np.abs(signed), kind="stable")
    m = np.asarray(signed, float)[order]
    g = np.array(coupling, complex)[np.ix_(order, order)]
    m.setflags(write=False)
    g.setflags(write=False)
    return DarkSector(
        name="HNL",
        dark_photon=dark_photon,
        signed_masses=m,
        coupling=g,
        c_parity=(0,) * len(m),
        pdgids=tuple(int(pdgids[i]) for i in order),
        labels=tuple(labels[i] for i in order),
    )


# ----------------------------------------------------------------------------- specs
#: the ``model`` values of :func:`build_dark_sector`
SECTOR_MODELS = ("iDM", "i2DM", "C-symmetric", "HNL")
_APRIME_KEYS = ("maprime", "epsilon", "chi", "gD", "alphaD")
_SECTOR_KEYS = {
    "iDM": ("m1", "delta", "Delta", "M", "mu"),
    "i2DM": ("m1", "delta", "Delta", "theta", "sin_theta"),
    "C-symmetric": ("dirac_masses", "majorana_masses"),
}


def _matrix(value: Any, key: str) -> np.ndarray:
    """A matrix from nested lists, a number, or the text ``"a,b;c,d"`` (rows split by ';')."""
    if isinstance(value, str):
        try:
            return np.array([[float(x) for x in row.split(",")] for row in value.split(";")])
        except ValueError as exc:
            raise NuportalError(
                f"{key} must be a matrix like '0.1,0.02;0.02,0.15' (rows separated by ';')"
            ) from exc
    return np.atleast_2d(np.asarray(value, float))


def build_dark_sector(spec: Mapping[str, Any]) -> DarkSector:
    """A :class:`DarkSector` from a flat parameter mapping (run cards, ``--set KEY=VALUE``).

    Keys: ``model`` (one of :data:`SECTOR_MODELS`); the A': ``maprime`` (GeV), ``epsilon``
    or ``chi``, ``gD`` or ``alphaD``; then per model

    * ``iDM``: ``m1`` with ``delta`` (GeV) or ``Delta`` = δ/m_1; or ``M`` and ``mu``;
    * ``i2DM``: ``m1``, ``delta`` or ``Delta``, ``theta`` or ``sin_theta``;
    * ``C-symmetric``: ``dirac_masses`` and ``majorana_masses`` (nested lists or text
      ``"a,b;c,d"``);
    * ``HNL``: the parameters of :func:`nuportal.models.build_model` (``m4``, ``UD4``,
      ``mzprime``, ``gD``/``alphaD``, ``epsilon``/``chi``, ``fermion``, ...).

    Examples
    --------
    >>> spec = {"model": "iDM", "maprime": 0.5, "epsilon": 1e-2, "alphaD": 0.1,
    ...         "m1": 0.1, "Delta": 1.0}
    >>> build_dark_sector(spec).masses.round(3)
    array([0.1, 0.2])
    """
    params = dict(spec)
    model = params.pop("model", None)
    if model not in SECTOR_MODELS:
        raise NuportalError(unknown_name_message("dark-sector model", str(model), SECTOR_MODELS))
    if model == "HNL":
        return hnl_sector(build_model(params))
    allowed = (*_APRIME_KEYS, *_SECTOR_KEYS[model])
    for key in params:
        if key not in allowed:
            raise NuportalError(unknown_name_message(f"{model} parameter", key, allowed))
    if "maprime" not in params:
        raise NuportalError("the dark photon mass 'maprime' (GeV) is required")
    a = DarkPhoton.from_parameters(
        mass=params.pop("maprime"),
        epsilon=params.pop("epsilon", None),
        chi=params.pop("chi", None),
        g_dark=params.pop("gD", None),
        alpha_dark=params.pop("alphaD", None),
    )
    if model == "C-symmetric":
        missing = [k for k in _SECTOR_KEYS[model] if k not in params]
        if missing:
            raise NuportalError(f"the C-symmetric sector needs {missing}")
        return c_symmetric_sector(
            _matrix(params["dirac_masses"], "dirac_masses"),
            _matrix(params["majorana_masses"], "majorana_masses"),
            a,
        )
    names = {"Delta": "relative_splitting", "M": "dirac_mass", "mu": "majorana_mass"}
    kwargs = {names.get(k, k): float(v) for k, v in params.items()}
    if model == "iDM":
        return inelastic_dm(a, **kwargs)
    if "m1" not in kwargs:
        raise NuportalError("i2DM needs m1 (GeV)")
    return inelastic_dirac_dm(a, **kwargs)
