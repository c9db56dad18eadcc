"""Unit conversions.

Internal conventions (``DESIGN.md``): energies and masses in GeV, lengths in cm, times in
ns, cross sections in cm² at the API boundary (GeV⁻² inside physics kernels), fluxes in
ν / cm² / GeV / POT.  Multiply a quantity expressed in the unit on the left by the
constant to obtain it in the internal unit, e.g. ``500 * MeV`` is 0.5 (GeV).

The natural-unit conversions use ħc and ħ from CODATA 2018 as quoted by the PDG
(R.L. Workman et al., Review of Particle Physics, PTEP 2022, 083C01, and the 2024 edition).
"""

from __future__ import annotations

# energy (internal unit: GeV)
GeV = 1.0
MeV = 1e-3
keV = 1e-6
eV = 1e-9
TeV = 1e3

# length (internal unit: cm)
cm = 1.0
mm = 0.1
m = 100.0
km = 1e5
fm = 1e-13

# time (internal unit: ns)
ns = 1.0
s = 1e9

# mass (for detector masses: metric tons)
gram = 1.0
kg = 1e3
tonne = 1e6  # grams

#: ħc in GeV cm (exact value of CODATA 2018: 197.3269804 MeV fm)
HBARC_GEV_CM = 1.973269804e-14
#: ħ in GeV ns (6.582119569e-25 GeV s)
HBAR_GEV_NS = 6.582119569e-16
#: speed of light in cm/ns
C_CM_PER_NS = 29.9792458
#: (ħc)² in GeV² cm²: multiply a cross section in GeV⁻² by this to get cm²
GEV2_TO_CM2 = HBARC_GEV_CM**2
#: fm⁻¹ expressed in GeV (ħc = 0.1973269804 GeV fm)
FM_INV_IN_GEV = 0.1973269804
#: Avogadro constant (mol⁻¹), exact SI value
AVOGADRO = 6.02214076e23
#: atomic mass unit in grams (1 g / N_A)
AMU_GRAM = 1.0 / AVOGADRO
#: atomic mass unit in GeV (CODATA 2018: 931.49410242 MeV)
AMU_GEV = 0.93149410242


def gev2_to_cm2(x: float) -> float:
    """Convert a cross section from GeV⁻² (natural units) to cm²."""
    return x * GEV2_TO_CM2


def width_to_ctau_cm(width_gev: float) -> float:
    """Proper decay length cτ in cm of a particle of total width ``width_gev`` (GeV)."""
    return HBARC_GEV_CM / width_gev
