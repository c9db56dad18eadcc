"""Nuclear targets: charge, mass number, nuclear mass and PDG number.

Nuclear masses are the atomic masses of the table bundled with the ``particle`` package
(scikit-hep; AME evaluation, e.g. exactly 12 u for ¹²C) minus Z electron masses; the total
electron binding energy (≈ 14.4 eV · Z^2.39, below 10⁻⁵ of the mass for every nucleus up to
lead) is neglected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nuportal.constants import M_E, M_NEUTRON, M_PROTON, mass, nucleus_pdgid
from nuportal.errors import NuportalError

_ELEMENTS = [
    "H",
    "He",
    "Li",
    "Be",
    "B",
    "C",
    "N",
    "O",
    "F",
    "Ne",
    "Na",
    "Mg",
    "Al",
    "Si",
    "P",
    "S",
    "Cl",
    "Ar",
    "K",
    "Ca",
    "Sc",
    "Ti",
    "V",
    "Cr",
    "Mn",
    "Fe",
    "Co",
    "Ni",
    "Cu",
    "Zn",
    "Ga",
    "Ge",
    "As",
    "Se",
    "Br",
    "Kr",
    "Rb",
    "Sr",
    "Y",
    "Zr",
    "Nb",
    "Mo",
    "Tc",
    "Ru",
    "Rh",
    "Pd",
    "Ag",
    "Cd",
    "In",
    "Sn",
    "Sb",
    "Te",
    "I",
    "Xe",
    "Cs",
    "Ba",
    "La",
    "Ce",
    "Pr",
    "Nd",
    "Pm",
    "Sm",
    "Eu",
    "Gd",
    "Tb",
    "Dy",
    "Ho",
    "Er",
    "Tm",
    "Yb",
    "Lu",
    "Hf",
    "Ta",
    "W",
    "Re",
    "Os",
    "Ir",
    "Pt",
    "Au",
    "Hg",
    "Tl",
    "Pb",
    "Bi",
]
_NAME = re.compile(r"^([A-Z][a-z]?)(\d+)$")


@dataclass(frozen=True)
class Nucleus:
    """A nucleus (Z, A) in its ground state.

    Attributes
    ----------
    name : str
        Element symbol and mass number, e.g. ``"Ar40"``.
    z, a : int
        Proton number and mass number; ``n = a - z`` neutrons.
    mass : float
        Nuclear mass in GeV.
    pdgid : int
        PDG Monte Carlo number ``100ZZZAAA0`` (the proton is ``2212``).
    """

    name: str
    z: int
    a: int
    mass: float
    pdgid: int

    @property
    def n(self) -> int:
        """Number of neutrons."""
        return self.a - self.z


@cache
def nucleus(name: str) -> Nucleus:
    """Return the nucleus called ``name`` (element symbol + mass number, e.g. ``"C12"``).

    ``"H1"`` is the free proton.
    """
    match = _NAME.match(name)
    if match is None or match.group(1) not in _ELEMENTS:
        raise NuportalError(
            f"unknown nucleus {name!r}: write the element symbol followed by the mass number, "
            "e.g. 'C12', 'Ar40', 'H1'"
        )
    z = _ELEMENTS.index(match.group(1)) + 1
    a = int(match.group(2))
    if a < z:
        raise NuportalError(f"nucleus {name!r} has A = {a} smaller than Z = {z}")
    if (z, a) == (1, 1):
        return Nucleus(name, 1, 1, M_PROTON, 2212)
    pdg = nucleus_pdgid(z, a)
    try:
        m = mass(pdg) - z * M_E  # atomic -> nuclear
    except Exception as exc:
        raise NuportalError(f"no mass is known for nucleus {name!r} (PDG id {pdg})") from exc
    return Nucleus(name, z, a, m, pdg)


#: the free nucleons, as targets of elastic (incoherent) scattering
PROTON = Nucleus("p", 1, 1, M_PROTON, 2212)
NEUTRON = Nucleus("n", 0, 1, M_NEUTRON, 2112)
