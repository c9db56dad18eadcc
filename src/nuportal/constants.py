"""Physical constants and Standard-Model particle data.

Electroweak inputs are taken from the Review of Particle Physics, S. Navas et al.
(Particle Data Group), Phys. Rev. D 110, 030001 (2024) ("PDG 2024"): Fermi constant,
fine-structure constant at q² = 0, the low-energy MS-bar weak mixing angle used for
neutrino scattering at Q² ≪ m_Z², and the axial coupling g_A. Particle masses and PDG
identifiers come from the ``particle`` package (scikit-hep), which bundles the current PDG
mass table; :func:`mass` returns them in GeV.

All energies and masses are in GeV.
"""

from __future__ import annotations

import math
from functools import cache

from particle import Particle

#: Fermi constant G_F / (ħc)³ in GeV⁻² (PDG 2024)
G_F = 1.1663788e-5
#: fine-structure constant at q² = 0 (PDG 2024, from CODATA 2018)
ALPHA_EM = 1.0 / 137.035999084
#: positron charge in natural (Heaviside-Lorentz) units
E_CHARGE = math.sqrt(4.0 * math.pi * ALPHA_EM)
#: weak mixing angle sin²θ_W in the MS-bar scheme at low energy, ŝ²(0) (PDG 2024
#: electroweak review, "sin²θ̂_W(0) = 0.23857"); used for all low-Q² neutral currents.
SIN2_THETA_W = 0.23857
SIN_THETA_W = math.sqrt(SIN2_THETA_W)
COS_THETA_W = math.sqrt(1.0 - SIN2_THETA_W)
#: nucleon axial coupling g_A = G_A(0) (PDG 2024: λ = g_A/g_V = -1.2754; sign convention
#: here: G_A(0) = +1.2754 for the isovector current ū γ^μ γ5 u - d̄ γ^μ γ5 d in the proton)
G_A = 1.2754
#: Higgs vacuum expectation value v = (√2 G_F)^(-1/2) in GeV
HIGGS_VEV = (math.sqrt(2.0) * G_F) ** -0.5
#: |V_ud| (PDG 2024 CKM review)
V_UD = 0.97367
#: neutron magnetic moment and proton anomalous magnetic moment in nuclear magnetons (PDG 2024)
KAPPA_P = 1.79284734
KAPPA_N = -1.91304276


# PDG Monte Carlo identifiers of the Standard-Model particles used throughout.
PDG_ELECTRON = 11
PDG_NU_E = 12
PDG_MUON = 13
PDG_NU_MU = 14
PDG_TAU = 15
PDG_NU_TAU = 16
PDG_PHOTON = 22
PDG_Z = 23
PDG_W = 24
PDG_HIGGS = 25
PDG_PROTON = 2212
PDG_NEUTRON = 2112
PDG_PI_PLUS = 211
PDG_PI_ZERO = 111

#: nuportal's fixed PDG-style numbers for new states (the PDG reserves 81-100 and
#: 9900000+ for generator-specific states; we follow the common choices for HNLs).
PDG_N4 = 5914
PDG_N5 = 5915
PDG_N6 = 5916
PDG_ZPRIME = 5921
PDG_DARK_SCALAR = 5925
#: dark-sector Majorana fermions ψ_1 ... ψ_6 of the semi-visible dark-photon models
#: (:mod:`nuportal.models.dark_sector`), ordered by increasing physical mass |m|; the dark
#: photon A' of those models carries :data:`PDG_ZPRIME`.
PDG_DARK_FERMIONS = (5931, 5932, 5933, 5934, 5935, 5936)
#: an inclusive hadronic system (A' → hadrons, ψ_j → ψ_k hadrons) written as one
#: pseudo-particle; 90 is in the PDG's generator-specific range 81-100 (as Pythia's "system")
PDG_HADRONIC_SYSTEM = 90


@cache
def mass(pdgid: int) -> float:
    """Mass in GeV of the particle with PDG Monte Carlo number ``pdgid``.

    Uses the mass table bundled with the ``particle`` package (current PDG edition). Nuclei
    (``100ZZZAAAI``) are included, with nuclear (not atomic) masses.
    """
    value = Particle.from_pdgid(pdgid).mass
    if value is None:
        raise ValueError(f"the particle table has no mass for PDG id {pdgid}")
    return float(value) * 1e-3


def nucleus_pdgid(z: int, a: int) -> int:
    """PDG Monte Carlo number 10LZZZAAAI of the ground-state nucleus (Z, A)."""
    return 1_000_000_000 + 10_000 * z + 10 * a


M_E = mass(PDG_ELECTRON)
M_MU = mass(PDG_MUON)
M_TAU = mass(PDG_TAU)
M_PROTON = mass(PDG_PROTON)
M_NEUTRON = mass(PDG_NEUTRON)
#: average nucleon mass
M_NUCLEON = 0.5 * (M_PROTON + M_NEUTRON)
M_PI_PLUS = mass(PDG_PI_PLUS)
M_PI_ZERO = mass(PDG_PI_ZERO)
M_Z = mass(PDG_Z)
M_W = mass(PDG_W)
M_HIGGS = mass(PDG_HIGGS)

#: charged-lepton masses by flavour name
CHARGED_LEPTON_MASS = {"e": M_E, "mu": M_MU, "tau": M_TAU}
