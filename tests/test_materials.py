"""Tests of nuportal.experiments.materials."""

from __future__ import annotations

import pytest

from nuportal.errors import NuportalError
from nuportal.experiments import Material, material
from nuportal.experiments.materials import (
    ATOMIC_WEIGHTS,
    MATERIALS,
    atomic_weight,
    from_formula,
    list_materials,
)
from nuportal.physics.nuclei import nucleus
from nuportal.units import AVOGADRO

REQUIRED = (
    "mineral_oil",
    "liquid_argon",
    "dirt",
    "polystyrene",
    "water",
    "lead",
    "iron",
    "nova_nd_effective",
    "t2k_nd280_effective",
)


def test_registry_contains_the_required_materials() -> None:
    assert set(REQUIRED) <= set(list_materials())


@pytest.mark.parametrize("name", sorted(MATERIALS))
def test_every_material_is_valid(name: str) -> None:
    m = material(name)
    assert m.name == name
    assert m.density_g_cm3 > 0
    assert sum(f for _, f in m.components) == pytest.approx(1.0, abs=1e-6)
    assert m.description
    # atoms per gram: Σ n_i A_i / N_A = 1 g
    per_gram = m.targets_per_gram()
    grams = sum(n * atomic_weight(nucleus(k)) / AVOGADRO for k, n in per_gram.items())
    assert grams == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize(
    ("name", "density"),
    [
        ("mineral_oil", 0.845),  # MiniBooNE NIM A599 (2009) 28
        ("liquid_argon", 1.3954),
        ("dirt", 2.15),  # DarkNews
        ("polystyrene", 1.05),
        ("water", 1.0),
        ("lead", 11.35),
        ("iron", 7.874),
    ],
)
def test_documented_densities(name: str, density: float) -> None:
    assert material(name).density_g_cm3 == density


def test_elemental_mass_fractions_from_atomic_weights() -> None:
    oil = material("mineral_oil")
    c, h = ATOMIC_WEIGHTS["C"], ATOMIC_WEIGHTS["H"]
    assert oil.mass_fraction("C12") == pytest.approx(c / (c + 2 * h), rel=1e-12)
    assert oil.mass_fraction("H1") == pytest.approx(2 * h / (c + 2 * h), rel=1e-12)
    # DarkNews's nucleon-count fractions 12/14, 2/14 differ by about 0.1 %
    assert oil.mass_fraction("C12") == pytest.approx(12 / 14, rel=2e-3)
    dirt = material("dirt")
    assert dirt.mass_fraction("Si28") == pytest.approx(28.085 / (28.085 + 2 * 15.999))
    assert dirt.mass_fraction("Si28") == pytest.approx(28 / 60, rel=2e-3)
    ch = material("ch_scintillator")
    assert ch is material("polystyrene")
    assert ch.mass_fraction("C12") == pytest.approx(12.011 / 13.019, rel=1e-12)
    assert ch.mass_fraction("Fe56") == 0.0


def test_targets_and_electrons_per_gram_of_water() -> None:
    water = material("water")
    m_h2o = 2 * 1.008 + 15.999
    t = water.targets_per_gram()
    assert t["H1"] == pytest.approx(2 * AVOGADRO / m_h2o, rel=1e-12)
    assert t["O16"] == pytest.approx(AVOGADRO / m_h2o, rel=1e-12)
    assert water.electrons_per_gram() == pytest.approx(10 * AVOGADRO / m_h2o, rel=1e-12)


def test_argon_nuclei_per_tonne() -> None:
    # 1 t of argon holds 1e6 / 39.95 mol of nuclei
    lar = material("lar")
    assert lar.targets_per_gram()["Ar40"] * 1e6 == pytest.approx(1e6 / 39.95 * AVOGADRO)
    assert lar.mass_g(1000.0) == pytest.approx(1395.4)


def test_effective_materials_are_renormalised() -> None:
    nova = material("nova_nd_effective")
    assert nova.mass_fraction("C12") == pytest.approx(0.667 / 0.998)
    nd280 = material("t2k_nd280_effective")
    assert nd280.mass_fraction("Pb208") == pytest.approx(12.0 / 22.34)


def test_untabulated_element_uses_the_nuclide_mass() -> None:
    # beryllium-9 is tabulated; an element outside the table falls back to the nuclide mass
    assert atomic_weight(nucleus("Be9")) == 9.0122
    assert atomic_weight(nucleus("Au197")) == pytest.approx(196.97, rel=5e-4)


def test_material_is_frozen() -> None:
    with pytest.raises(AttributeError):
        material("water").density_g_cm3 = 2.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("density", "components", "message"),
    [
        (1.0, ((nucleus("C12"), 0.5), (nucleus("H1"), 0.4)), "sum to"),
        (1.0, ((nucleus("C12"), 1.0 + 2e-6),), "sum to"),
        (0.0, ((nucleus("C12"), 1.0),), "density"),
        (-1.0, ((nucleus("C12"), 1.0),), "density"),
        (float("nan"), ((nucleus("C12"), 1.0),), "density"),
        (1.0, ((nucleus("C12"), 1.2), (nucleus("H1"), -0.2)), "positive"),
        (1.0, ((nucleus("C12"), 0.5), (nucleus("C12"), 0.5)), "twice"),
        (1.0, (), "no components"),
    ],
)
def test_invalid_materials_raise(density: float, components: tuple, message: str) -> None:
    with pytest.raises(NuportalError, match=message):
        Material("bad", density, components)


def test_fractions_within_tolerance_are_accepted() -> None:
    m = Material("ok", 1.0, ((nucleus("C12"), 0.5 + 4e-7), (nucleus("H1"), 0.5)))
    assert m.nuclei[0].name == "C12"


def test_from_formula() -> None:
    m = from_formula("methane", 0.000657, {"C12": 1, "H1": 4})
    assert m.mass_fraction("H1") == pytest.approx(4 * 1.008 / (12.011 + 4 * 1.008))


def test_unknown_material_suggests_the_closest() -> None:
    with pytest.raises(NuportalError, match="Did you mean 'mineral_oil'"):
        material("mineral_oli")
