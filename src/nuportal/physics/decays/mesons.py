"""Meson data for heavy-neutral-lepton decays: decay constants, CKM elements, masses.

Every number carries its source. Masses come from the ``particle`` package through
:func:`nuportal.constants.mass` (current PDG table); decay constants are in GeV.

Conventions
-----------
Pseudoscalar decay constants use the "130 MeV" normalisation of the charged currents,

    ⟨0| q̄_1 γ^μ γ5 q_2 |P(p)⟩ = i f_P p^μ,

and vector-meson constants ⟨0| q̄_1 γ^μ q_2 |V(p, ε)⟩ = f_V m_V ε^μ (so g_V ≡ f_V m_V is the
constant in GeV² tabulated by Bondarenko, Boyarsky, Gorbunov & Ruchayskiy, arXiv:1805.08567,
Sec. 3.2, which we quote as f_V = g_V / m_V).

For the *neutral* mesons the flavour-diagonal states are ρ⁰ = (uū - dd̄)/√2,
ω = (uū + dd̄)/√2, φ = ss̄. The effective neutral-current constants of η and η' are those of
arXiv:1805.08567 (their neutral-meson table), defined so that N → ν η has the same formula as
N → ν π⁰ with f_π replaced by f_η. In the quark-flavour mixing scheme of Feldmann, Kroll &
Stech (FKS, Phys. Rev. D 58, 114006 (1998), arXiv:hep-ph/9802409: f_q = 1.07 f_π,
f_s = 1.34 f_π, φ = 39.3°) only the s̄s component couples (the ūu - d̄d part is
isovector), giving f_η = f_s sin φ / √2 ≈ 78 MeV and f_η' = -f_s cos φ / √2 ≈ -96 MeV, within
5 % of the tabulated 81.7 MeV and -94.7 MeV (checked in the tests).

The neutral-current couplings κ of the vector mesons (the coefficient multiplying f_V in the
amplitude, normalised like the π⁰) are derived in
:func:`nuportal.physics.decays.hnl_hadronic.width_neutral_vector`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from nuportal.constants import V_UD, mass
from nuportal.errors import NuportalError, unknown_name_message

#: |V_ij| of the CKM matrix from the individual measurements quoted in the PDG 2024 review
#: "CKM quark-mixing matrix" (S. Navas et al., Phys. Rev. D 110, 030001 (2024)), keyed by
#: (up-type, down-type) quark name; |V_ud| is :data:`nuportal.constants.V_UD`.
CKM = MappingProxyType(
    {
        ("u", "d"): V_UD,
        ("u", "s"): 0.22431,
        ("u", "b"): 3.82e-3,
        ("c", "d"): 0.221,
        ("c", "s"): 0.975,
        ("c", "b"): 41.1e-3,
        ("t", "d"): 8.6e-3,
        ("t", "s"): 41.5e-3,
        ("t", "b"): 1.010,
    }
)


@dataclass(frozen=True)
class Meson:
    """One meson as seen by the minimal-HNL decay formulae.

    Attributes
    ----------
    name : str
        Short name used in channel labels (``"pi+"``, ``"K*+"``, ``"eta'"``).
    pdgid : int
        PDG Monte Carlo number of the positive (or neutral) state.
    kind : str
        ``"pseudoscalar"`` or ``"vector"``.
    decay_constant : float
        f_P or f_V in GeV (see the module conventions).
    quarks : tuple[str, str] or None
        (up-type, down-type) valence quarks of a charged meson ``u_i d̄_j``; ``None`` for
        neutral mesons.
    source : str
        Where the decay constant comes from.
    """

    name: str
    pdgid: int
    kind: str
    decay_constant: float
    quarks: tuple[str, str] | None
    source: str

    @property
    def mass(self) -> float:
        """Mass in GeV (PDG, via the ``particle`` package)."""
        return mass(self.pdgid)

    @property
    def charged(self) -> bool:
        """True for the charged mesons u_i d̄_j."""
        return self.quarks is not None

    @property
    def ckm(self) -> float:
        """|V_ij| of the charged meson's valence quarks (1 for neutral mesons)."""
        return CKM[self.quarks] if self.quarks is not None else 1.0


_BBGR = "arXiv:1805.08567 (Bondarenko et al.), Sec. 3.2 decay-constant tables"

_MESON_LIST = (
    # charged pseudoscalars (f_P from FLAG, as tabulated by Bondarenko et al.)
    Meson("pi+", 211, "pseudoscalar", 0.1302, ("u", "d"), _BBGR),
    Meson("K+", 321, "pseudoscalar", 0.1556, ("u", "s"), _BBGR),
    Meson("D+", 411, "pseudoscalar", 0.212, ("c", "d"), _BBGR),
    Meson("D_s+", 431, "pseudoscalar", 0.249, ("c", "s"), _BBGR),
    # neutral pseudoscalars (effective neutral-current constants, see module docstring)
    Meson("pi0", 111, "pseudoscalar", 0.1302, None, _BBGR),
    Meson("eta", 221, "pseudoscalar", 0.0817, None, _BBGR),
    Meson("eta'", 331, "pseudoscalar", -0.0947, None, _BBGR),
    # charged vectors: f_V = g_V / m_V with g_V in GeV² from Bondarenko et al.
    Meson("rho+", 213, "vector", 0.162 / 0.77511, ("u", "d"), _BBGR + ", g_rho = 0.162 GeV²"),
    Meson(
        "K*+",
        323,
        "vector",
        0.2057,
        ("u", "s"),
        "tree-level extraction from B(τ⁻ → K*(892)⁻ ν_τ) = 1.20 %, τ_τ = 290.3 fs and "
        "|V_us| (PDG 2024); the tests re-derive the branching ratio",
    ),
    Meson("D*+", 413, "vector", 0.535 / 2.01026, ("c", "d"), _BBGR + ", g_D* = 0.535 GeV²"),
    Meson("D_s*+", 433, "vector", 0.650 / 2.1121, ("c", "s"), _BBGR + ", g_Ds* = 0.650 GeV²"),
    # neutral vectors (flavour states as in the module docstring)
    Meson("rho0", 113, "vector", 0.162 / 0.77526, None, _BBGR + ", g_rho = 0.162 GeV²"),
    Meson("omega", 223, "vector", 0.153 / 0.78265, None, _BBGR + ", g_omega = 0.153 GeV²"),
    Meson("phi", 333, "vector", 0.234 / 1.019461, None, _BBGR + ", g_phi = 0.234 GeV²"),
)

#: all mesons of the exclusive minimal-HNL channels, by short name
MESONS = MappingProxyType({m.name: m for m in _MESON_LIST})
#: N → ℓ⁻ P⁺
CHARGED_PSEUDOSCALARS = ("pi+", "K+", "D+", "D_s+")
#: N → ν P⁰
NEUTRAL_PSEUDOSCALARS = ("pi0", "eta", "eta'")
#: N → ℓ⁻ V⁺
CHARGED_VECTORS = ("rho+", "K*+", "D*+", "D_s*+")
#: N → ν V⁰
NEUTRAL_VECTORS = ("rho0", "omega", "phi")


def meson(name: str) -> Meson:
    """The :class:`Meson` called ``name`` (``"pi+"``, ``"eta'"``, ``"K*+"``, ...).

    Raises
    ------
    NuportalError
        If the name is unknown; the message lists the allowed names.
    """
    try:
        return MESONS[name]
    except KeyError:
        raise NuportalError(unknown_name_message("meson", name, MESONS)) from None
