"""Two-body widths of the dark photon A' and of the dark fermions ψ_i (GeV, vectorised).

One implementation with the rest of nuportal: the closed forms are those of
:mod:`nuportal.physics.decays.two_body` (trace technique, general chiral couplings) and the
hadronic width is the R-ratio description of :mod:`nuportal.physics.decays.hadrons`.

* A' → ℓ⁺ℓ⁻ with the photon-like coupling ε e Q_ℓ:
  Γ = α ε² m_A' (1 + 2r) √(1 − 4r) / 3, r = m_ℓ²/m_A'² (e.g. Batell, Pospelov & Ritz,
  arXiv:0906.5614, Sec. 2); A' → hadrons: Γ = α ε² m_A' R(m_A') / 3.
* A' → ψ_i ψ_j with the Majorana vertex γ^μ (G_ij P_L − G*_ij P_R) and signed masses m_i, m_j
  (:mod:`nuportal.models.dark_sector`), A = |c_L|² + |c_R|² = 2|G_ij|²,
  B = Re(c_L c_R*) = −Re(G_ij²):

      Γ = |p| [A (2m_A'² − m_i² − m_j² − (m_i² − m_j²)²/m_A'²) + 12 B m_i m_j] / (24π m_A'²)
          × (½ if i = j),

  with the *signed* product m_i m_j. A negative sign is the rephasing ψ → iγ⁵ψ, which maps
  (m, c_R) → (−m, −c_R); the formula depends on m_i m_j only through B m_i m_j, so the
  signed-mass form equals the positive-mass form with c_R → sign(m_i m_j) c_R, which is how it
  is evaluated. For real G and opposite signs this is the vector-like width
  Γ = g² |p| (2m_A'² − ... + 6|m_i m_j|)/(12π m_A'²): n = 1, μ = 0 gives the Dirac fermion
  width α_D m_A' (1 + 2r) √(1 − 4r)/3. For i = j the ½ is the identical-particle factor;
  the vector current ψ̄_i γ^μ ψ_i of a Majorana state vanishes, and G_ii is real (G is
  hermitian), so only the axial coupling G_ii γ^μ γ⁵ remains: Γ = G_ii² m_A' β³/(24π), a
  P-wave, β = (1 − 4m_i²/m_A'²)^{1/2}.
* ψ_j → ψ_k A' (on shell), parent spin averaged, unitary gauge, the same sign rule:

      Γ = |p| [2A p·k + 4A (q·k)(q·p)/m_A'² − 12 B m_j m_k] / (16π m_j²).

arXiv:2302.05410 likewise describes its dark fermions as Majorana states with
signed masses. All masses in GeV, widths in GeV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from nuportal.constants import CHARGED_LEPTON_MASS, E_CHARGE
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models.dark_sector import DarkSector
from nuportal.physics.decays.hadrons import vector_hadronic_width
from nuportal.physics.decays.two_body import fermion_to_vector, vector_to_fermions

#: the A' → ℓℓ channels, by flavour
LEPTONS = tuple(CHARGED_LEPTON_MASS)


def _positive_masses(mass: ArrayLike, what: str) -> np.ndarray:
    m = np.asarray(mass, float)
    if not np.all(np.isfinite(m)) or np.any(m <= 0):
        raise NuportalError(f"{what} must be finite and > 0 GeV")
    return m


def _signed_chiral(coupling: complex, m_i: float, m_j: float) -> tuple[complex, complex]:
    """(c_L, c_R) of the Majorana vertex with the mass sign folded into c_R."""
    g = complex(coupling)
    sign = 1.0 if m_i * m_j >= 0 else -1.0
    return g, -sign * g.conjugate()


def aprime_to_leptons(mass: ArrayLike, epsilon: float, lepton: str) -> np.ndarray:
    """Γ(A' → ℓ⁺ℓ⁻) in GeV for A' masses ``mass`` (GeV), ε and ℓ = ``"e"``, ``"mu"``, ``"tau"``.

    Examples
    --------
    >>> round(float(aprime_to_leptons(1.0, 1e-3, "e")) / 1e-9, 4)  # ≈ α ε² m / 3
    2.4325
    """
    if lepton not in CHARGED_LEPTON_MASS:
        raise NuportalError(unknown_name_message("lepton", lepton, LEPTONS))
    m = _positive_masses(mass, "the dark photon mass")
    m_l = CHARGED_LEPTON_MASS[lepton]
    coupling = -epsilon * E_CHARGE
    return vector_to_fermions(m, m_l, m_l, coupling, coupling)


def aprime_to_hadrons(mass: ArrayLike, epsilon: float) -> np.ndarray:
    """Γ(A' → hadrons) = α ε² m_A' R(m_A') / 3 in GeV (R-ratio parametrisation of
    :func:`nuportal.physics.decays.hadrons.vector_hadronic_width`)."""
    return vector_hadronic_width(_positive_masses(mass, "the dark photon mass"), epsilon)


def aprime_to_fermions(
    mass: ArrayLike, m_i: float, m_j: float, coupling: complex, *, identical: bool
) -> np.ndarray:
    """Γ(A' → ψ_i ψ_j) in GeV for signed masses ``m_i``, ``m_j`` (GeV) and coupling G_ij.

    ``identical`` (i = j) applies the identical-particle factor ½. Zero below threshold.
    """
    m = _positive_masses(mass, "the dark photon mass")
    c_l, c_r = _signed_chiral(coupling, m_i, m_j)
    width = vector_to_fermions(m, abs(m_i), abs(m_j), c_l, c_r)
    return np.clip(0.5 * width if identical else width, 0.0, None)


def fermion_to_aprime(
    m_parent: float, m_daughter: float, m_aprime: ArrayLike, coupling: complex
) -> np.ndarray:
    """Γ(ψ_j → ψ_k A') in GeV for an on-shell A' of mass ``m_aprime`` (GeV, array allowed),
    signed masses ``m_parent`` = m_j and ``m_daughter`` = m_k, coupling G_jk."""
    m_v = _positive_masses(m_aprime, "the dark photon mass")
    c_l, c_r = _signed_chiral(coupling, m_parent, m_daughter)
    # the closed form broadcasts over the vector mass as well
    return fermion_to_vector(abs(m_parent), abs(m_daughter), cast(float, m_v), c_l, c_r)


@dataclass(frozen=True)
class AprimeChannel:
    """One decay channel of the A'.

    Attributes
    ----------
    label : str
        ``"e- e+"``, ``"mu- mu+"``, ``"tau- tau+"``, ``"hadrons"`` or ``"psi1 psi2"`` (the
        sector's state labels).
    daughters : tuple[int, ...]
        PDG-style numbers of the daughters (empty for the inclusive hadrons).
    states : tuple[int, ...]
        Indices of the dark fermions among the daughters (empty for visible channels).
    width : numpy.ndarray
        Partial width in GeV, the shape of the A' masses it was evaluated at.
    """

    label: str
    daughters: tuple[int, ...]
    states: tuple[int, ...]
    width: np.ndarray


_LEPTON_PDG = {"e": 11, "mu": 13, "tau": 15}


def aprime_channels(sector: DarkSector, mass: ArrayLike | None = None) -> list[AprimeChannel]:
    """Every A' decay channel of ``sector`` with its partial width (GeV) at the A' mass
    ``mass`` (GeV, array allowed; default the sector's m_A'): ℓ⁺ℓ⁻, hadrons and every
    unordered pair ψ_i ψ_j with a non-zero coupling (channels closed at all masses are kept
    with zero width)."""
    a = sector.dark_photon
    m = _positive_masses(a.mass if mass is None else mass, "the dark photon mass")
    out = [
        AprimeChannel(
            f"{f}- {f}+", (_LEPTON_PDG[f], -_LEPTON_PDG[f]), (), aprime_to_leptons(m, a.epsilon, f)
        )
        for f in LEPTONS
    ]
    out.append(AprimeChannel("hadrons", (), (), aprime_to_hadrons(m, a.epsilon)))
    signed = sector.signed_masses
    for i in range(sector.n_states):
        for j in range(i, sector.n_states):
            g = complex(sector.coupling[i, j])
            if g == 0:
                continue
            width = aprime_to_fermions(m, signed[i], signed[j], g, identical=i == j)
            label = f"{sector.labels[i]} {sector.labels[j]}"
            out.append(AprimeChannel(label, (sector.pdgids[i], sector.pdgids[j]), (i, j), width))
    return out


def aprime_total_width(sector: DarkSector, mass: ArrayLike | None = None) -> np.ndarray:
    """Total A' width in GeV at the A' mass ``mass`` (GeV, array allowed; default m_A')."""
    return np.sum([c.width for c in aprime_channels(sector, mass)], axis=0)
