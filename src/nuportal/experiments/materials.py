"""Detector materials: density and elemental composition by mass.

A :class:`Material` is a density (g/cm³) and a list of (nucleus, mass fraction) pairs. Each
chemical element is represented by one nuclide (carbon by C12, argon by Ar40, ...), the one the
cross-section code uses as the scattering target. Mass fractions are the *elemental* fractions
computed from the chemical formula with the standard atomic weights of the natural elements
(IUPAC/CIAAW, "Standard atomic weights of the elements 2021", Pure Appl. Chem. 94 (2022) 573,
abridged/conventional values, table :data:`ATOMIC_WEIGHTS`): e.g. mineral oil (CH2)n is
C 12.011 / 14.027 = 0.8563 and H 0.1437 by mass. (DarkNews-generator uses the nucleon-count
approximation 12/14, 2/14 = 0.857, 0.143, which differs by 0.1 %.)

:meth:`Material.targets_per_gram` counts atoms of each element per gram with the same atomic
weights, i.e. it counts natural carbon atoms, attributed to the representative nuclide.

Densities and their sources are listed with each entry of :data:`MATERIALS`; the composite
"effective" materials (a detector's average over plastic, liquid, metal and air) say how
their density was derived.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from nuportal.errors import NuportalError, unknown_name_message
from nuportal.physics.nuclei import Nucleus, nucleus
from nuportal.units import AMU_GEV, AVOGADRO

__all__ = ["ATOMIC_WEIGHTS", "MATERIALS", "Material", "list_materials", "material"]

#: Standard atomic weights (g/mol) of the natural elements, IUPAC/CIAAW 2021 abridged
#: (conventional) values, Pure Appl. Chem. 94 (2022) 573.
ATOMIC_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "H": 1.008,
        "He": 4.0026,
        "Li": 6.94,
        "Be": 9.0122,
        "B": 10.81,
        "C": 12.011,
        "N": 14.007,
        "O": 15.999,
        "F": 18.998,
        "Na": 22.990,
        "Mg": 24.305,
        "Al": 26.982,
        "Si": 28.085,
        "S": 32.06,
        "Cl": 35.45,
        "Ar": 39.95,
        "K": 39.098,
        "Ca": 40.078,
        "Ti": 47.867,
        "Cr": 51.996,
        "Mn": 54.938,
        "Fe": 55.845,
        "Ni": 58.693,
        "Cu": 63.546,
        "Zn": 65.38,
        "Ge": 72.630,
        "I": 126.90,
        "Xe": 131.29,
        "Cs": 132.91,
        "W": 183.84,
        "Pb": 207.2,
    }
)


def _element(nuc: Nucleus) -> str:
    return nuc.name.rstrip("0123456789")


def atomic_weight(nuc: Nucleus) -> float:
    """Atomic weight (g/mol) used for the element that ``nuc`` represents.

    The standard atomic weight of the natural element (:data:`ATOMIC_WEIGHTS`) when tabulated,
    otherwise the mass of the nuclide itself in u (``Nucleus.mass`` / 0.93149410242 GeV; good
    to the electron masses, < 3e-4 relative, for a single-isotope element).
    """
    symbol = _element(nuc)
    if symbol in ATOMIC_WEIGHTS:
        return ATOMIC_WEIGHTS[symbol]
    return nuc.mass / AMU_GEV


@dataclass(frozen=True)
class Material:
    """A homogeneous material: density and composition by mass.

    Parameters
    ----------
    name : str
        Identifier, e.g. ``"mineral_oil"``.
    density_g_cm3 : float
        Density in g/cm³ (positive, finite).
    components : tuple of (Nucleus, float)
        Each element's representative nucleus and its mass fraction; fractions are positive and
        sum to 1 within 1e-6; each nucleus appears once.
    description : str, optional
        What it is and where the numbers come from.

    Raises
    ------
    NuportalError
        If the density or the fractions are invalid.
    """

    name: str
    density_g_cm3: float
    components: tuple[tuple[Nucleus, float], ...]
    description: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.density_g_cm3) and self.density_g_cm3 > 0):
            raise NuportalError(
                f"material {self.name!r}: the density must be positive, not {self.density_g_cm3!r}"
            )
        components = tuple((c[0], float(c[1])) for c in self.components)
        object.__setattr__(self, "components", components)
        if not components:
            raise NuportalError(f"material {self.name!r} has no components")
        names = [n.name for n, _ in components]
        if len(set(names)) != len(names):
            raise NuportalError(f"material {self.name!r}: a nucleus is listed twice ({names})")
        for nuc, frac in components:
            if not isinstance(nuc, Nucleus):
                raise NuportalError(f"material {self.name!r}: {nuc!r} is not a Nucleus")
            if not (math.isfinite(frac) and frac > 0):
                raise NuportalError(
                    f"material {self.name!r}: mass fraction of {nuc.name} must be positive, "
                    f"not {frac!r}"
                )
        total = sum(f for _, f in components)
        if abs(total - 1.0) > 1e-6:
            raise NuportalError(
                f"material {self.name!r}: mass fractions sum to {total!r}, not 1 (within 1e-6)"
            )

    @property
    def nuclei(self) -> tuple[Nucleus, ...]:
        """The representative nuclei, in the order of :attr:`components`."""
        return tuple(n for n, _ in self.components)

    def mass_fraction(self, nucleus_name: str) -> float:
        """Mass fraction of the element represented by ``nucleus_name`` (0 if absent)."""
        return sum(f for n, f in self.components if n.name == nucleus_name)

    def targets_per_gram(self) -> dict[str, float]:
        """Number of nuclei (atoms) of each element per gram of material.

        ``w_i N_A / A_i`` with ``w_i`` the mass fraction and ``A_i`` the atomic weight (g/mol)
        of :func:`atomic_weight`. Keys are the nucleus names (e.g. ``"C12"``).
        """
        return {n.name: f * AVOGADRO / atomic_weight(n) for n, f in self.components}

    def electrons_per_gram(self) -> float:
        """Number of electrons per gram, ``Σ w_i Z_i N_A / A_i``."""
        return sum(f * n.z * AVOGADRO / atomic_weight(n) for n, f in self.components)

    def mass_g(self, volume_cm3: float) -> float:
        """Mass in grams of ``volume_cm3`` cm³ of this material."""
        return self.density_g_cm3 * volume_cm3


def from_formula(
    name: str, density_g_cm3: float, atoms: Mapping[str, float], description: str = ""
) -> Material:
    """Build a material from atom counts per formula unit, e.g. ``{"C12": 1, "H1": 2}``.

    Mass fractions are ``n_i A_i / Σ n_j A_j`` with the atomic weights of :func:`atomic_weight`.
    """
    nuclei = [(nucleus(k), float(v)) for k, v in atoms.items()]
    masses = [n * atomic_weight(nuc) for nuc, n in nuclei]
    total = sum(masses)
    comps = tuple((nuc, m / total) for (nuc, _), m in zip(nuclei, masses, strict=True))
    return Material(name, density_g_cm3, comps, description)


def from_mass_fractions(
    name: str,
    density_g_cm3: float,
    fractions: Mapping[str, float],
    description: str = "",
    *,
    renormalise: bool = False,
) -> Material:
    """Build a material from mass fractions per nucleus name (optionally renormalised to 1)."""
    items = [(nucleus(k), float(v)) for k, v in fractions.items()]
    if renormalise:
        total = sum(v for _, v in items)
        items = [(k, v / total) for k, v in items]
    return Material(name, density_g_cm3, tuple(items), description)


def _build() -> dict[str, Material]:
    mats = [
        from_formula(
            "mineral_oil",
            0.845,
            {"C12": 1, "H1": 2},
            "MiniBooNE mineral oil (Marcol 7), (CH2)n; density 0.845 ± 0.001 g/cm³, "
            "A.A. Aguilar-Arevalo et al. (MiniBooNE), 'The MiniBooNE detector', "
            "Nucl. Instrum. Meth. A599 (2009) 28, arXiv:0806.4201 (also the MiniBooNE detector "
            "web page).",
        ),
        from_formula(
            "liquid_argon",
            1.3954,
            {"Ar40": 1},
            "Liquid argon at its normal boiling point (87.3 K), 1.3954 g/cm³ (PDG 'Atomic and "
            "nuclear properties of materials' gives 1.396; 1.3954 is the value used by "
            "DarkNews-generator for MicroBooNE, experiments.csv). Natural argon is 99.6 % Ar40.",
        ),
        from_formula(
            "dirt",
            2.15,
            {"Si28": 1, "O16": 2},
            "Soil/rock upstream of the BNB detectors modelled as SiO2 with density 2.15 g/cm³, "
            "as in DarkNews-generator (mhostert/DarkNews-generator@54d63a6b9c10 detector files "
            "*_dirt.txt and geom.py; shared/data/detectors/experiments.csv). Elemental mass "
            "fractions Si 0.4674, O 0.5326 (DarkNews: 28/60, 32/60).",
        ),
        from_formula(
            "polystyrene",
            1.05,
            {"C12": 1, "H1": 1},
            "Polystyrene-based plastic scintillator, (CH)n (C8H8 units), nominal 1.05 g/cm³ "
            "(PDG 'Atomic and nuclear properties of materials': polystyrene 1.060, "
            "polyvinyltoluene scintillator 1.032 g/cm³).",
        ),
        from_formula(
            "water",
            1.0,
            {"H1": 2, "O16": 1},
            "Liquid water, 1.000 g/cm³ (PDG 'Atomic and nuclear properties of materials').",
        ),
        from_formula(
            "lead",
            11.35,
            {"Pb208": 1},
            "Lead, 11.35 g/cm³ (PDG 'Atomic and nuclear properties of materials'); Pb208 "
            "represents natural lead.",
        ),
        from_formula(
            "iron",
            7.874,
            {"Fe56": 1},
            "Iron, 7.874 g/cm³ (PDG 'Atomic and nuclear properties of materials').",
        ),
        from_mass_fractions(
            "nova_nd_effective",
            0.9913,
            {"H1": 0.108, "C12": 0.667, "O16": 0.030, "Cl35": 0.161, "Ti48": 0.032},
            "Effective homogeneous material of the NOvA detectors (PVC cells filled with liquid "
            "scintillator). Mass fractions H 10.8 %, C 66.7 %, O 3.0 %, Cl 16.1 %, Ti 3.2 % as "
            "in DarkNews-generator nova_le_fhc.txt (experiments.csv); they sum to 99.8 % and "
            "are renormalised to 1. Density DERIVED: the 193 t fully active ND mass "
            "(DarkNews/experiments.csv) in a 390 cm × 390 cm × 1280 cm box (approximate public "
            "ND dimensions), 193e6 g / 1.94688e8 cm³ = 0.9913 g/cm³.",
            renormalise=True,
        ),
        from_mass_fractions(
            "t2k_nd280_effective",
            0.6602,
            {"H1": 0.42, "C12": 5.4, "O16": 3.32, "Cu63": 0.4, "Zn64": 0.8, "Pb208": 12.0},
            "Effective homogeneous material of the T2K ND280 target region (P0D water/brass/"
            "lead/scintillator, FGDs, TPC gas), with the target masses of DarkNews-generator "
            "nd280_fhc.txt (H 0.42, C 5.4, O 3.32, Cu 0.4, Zn 0.8, Pb 12.0 t; total 22.34 t) "
            "as mass fractions. Density DERIVED: 22.34 t in the 230 cm × 240 cm × 613 cm "
            "envelope of the catalogue's ND280 box, 22.34e6 g / 3.38376e7 cm³ = 0.6602 g/cm³.",
            renormalise=True,
        ),
    ]
    return {m.name: m for m in mats}


#: the registry of named materials (read-only)
MATERIALS: Mapping[str, Material] = MappingProxyType(_build())

_ALIASES = {
    "ch_scintillator": "polystyrene",
    "scintillator": "polystyrene",
    "oil": "mineral_oil",
    "ch2": "mineral_oil",
    "lar": "liquid_argon",
    "argon": "liquid_argon",
    "sio2": "dirt",
}


def list_materials() -> list[str]:
    """Names accepted by :func:`material` (aliases not included), sorted."""
    return sorted(MATERIALS)


def material(name: str) -> Material:
    """Return the registered material called ``name`` (or one of its aliases).

    Registered: ``mineral_oil`` (alias ``oil``, ``ch2``), ``liquid_argon`` (``lar``,
    ``argon``), ``dirt`` (``sio2``), ``polystyrene`` (``ch_scintillator``, ``scintillator``),
    ``water``, ``lead``, ``iron``, ``nova_nd_effective``, ``t2k_nd280_effective``.

    Raises
    ------
    NuportalError
        If the name is unknown (the message suggests the closest name).
    """
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in MATERIALS:
        raise NuportalError(
            unknown_name_message("material", name, _names(MATERIALS, _ALIASES.keys()))
        )
    return MATERIALS[key]


def _names(mats: Mapping[str, Material], aliases: Iterable[str]) -> list[str]:
    return [*mats, *aliases]
