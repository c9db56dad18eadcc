"""Tests of nuportal.experiments.fluxes and the built-in approximate BNB flux."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from nuportal.errors import DataFileNotFoundError, NuportalError
from nuportal.experiments import FLUX_FILES, Flux, approximate_bnb_flux, load_flux
from nuportal.experiments.bnb_approx import parametrised_density
from nuportal.experiments.fluxes import flavour_pdg, list_fluxes

# Conversion from nuportal's integrated flux [ν/cm²/POT] to the unit of each file's check values.
TO_FILE_UNIT = {
    "bnb_miniboone_numode": 1.0,
    "bnb_miniboone_nubarmode": 1.0,
    "bnb_microboone_numode": 1.0,
    "numi_minerva_le_fhc": 1e4,  # ν/m²/POT
    "numi_minerva_le_rhc": 1e4,
    "dune_nd_fhc": 1e4,  # ν/m²/POT
    "dune_nd_rhc": 1e4,
    "dune_fd_fhc": 1e4,
    "dune_fd_rhc": 1e4,
    "t2k_nd280_plus250ka": 1e21,  # ν/cm²/1e21 POT
    "t2k_nd280_minus250ka": 1e21,
}

# Check values quoted in shared/data/README.md (integrated flux, file units), digits as quoted.
README_CHECK_VALUES = {
    "bnb_miniboone_numode": {
        "numu": "5.1936e-10",
        "numubar": "3.2600e-11",
        "nue": "2.8691e-12",
        "nuebar": "2.9985e-13",
    },
    "bnb_miniboone_nubarmode": {
        "numu": "5.4228e-11",
        "numubar": "2.9282e-10",
        "nue": "6.7071e-13",
        "nuebar": "1.2663e-12",
    },
    "bnb_microboone_numode": {
        "numu": "7.3762e-10",
        "numubar": "4.5589e-11",
        "nue": "3.9779e-12",
        "nuebar": "4.0255e-13",
    },
    "numi_minerva_le_fhc": {
        "numu": "2.8589e-4",
        "numubar": "3.2539e-5",
        "nue": "4.2349e-6",
        "nuebar": "5.5027e-7",
    },
    "numi_minerva_le_rhc": {"numu": "5.0664e-5", "numubar": "2.3123e-4"},
    "dune_nd_fhc": {"numu": "1.0489e-3"},
    "dune_nd_rhc": {"numubar": "9.4424e-4"},
    "dune_fd_fhc": {"numu": "1.5480e-10"},
    "t2k_nd280_plus250ka": {"numu": "1.9169e13", "numubar": "1.2162e12", "nue": "2.2574e11"},
    "t2k_nd280_minus250ka": {"numubar": "1.5443e13", "numu": "1.6032e12"},
}


def assert_to_quoted_precision(value: float, quoted: str) -> None:
    """``value`` rounds to ``quoted``: it lies within half a unit of the last quoted digit."""
    d = Decimal(quoted)
    half_unit = Decimal(1).scaleb(d.as_tuple().exponent) / 2
    assert abs(Decimal(repr(value)) - d) <= half_unit, (value, quoted)


def header_check_values(path: Path) -> dict[str, str]:
    """The 'flavour=value' pairs of the file's '# Integrated ...' / '# Integral ...' comment."""
    for line in path.read_text().splitlines():
        if line.startswith("# Integra"):
            return dict(re.findall(r"(\w+)=(\d+(?:\.\d+)?[eE][+-]?\d+)", line))
    return {}


# ----------------------------------------------------------------------------------------------
# check values of every file
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(README_CHECK_VALUES))
def test_integrals_match_readme_check_values(key: str, data_dir: Path) -> None:
    flux = load_flux(key, data_dir=data_dir)
    for flavour, quoted in README_CHECK_VALUES[key].items():
        assert_to_quoted_precision(flux.integral(flavour) * TO_FILE_UNIT[key], quoted)


@pytest.mark.parametrize("key", sorted(TO_FILE_UNIT))
def test_integrals_match_file_header_check_values(key: str, data_dir: Path) -> None:
    flux = load_flux(key, data_dir=data_dir)
    checks = header_check_values(data_dir / FLUX_FILES[key])
    assert len(checks) == 4  # every file quotes νμ, ν̄μ, νe, ν̄e
    for flavour, quoted in checks.items():
        assert_to_quoted_precision(flux.integral(flavour) * TO_FILE_UNIT[key], quoted)


@pytest.mark.parametrize("horn", ["FHC", "RHC"])
def test_nova_integrals_equal_the_sum_of_the_file(horn: str, data_dir: Path) -> None:
    # no check value is quoted for NOvA: compare with an independent sum over the rows
    flux = load_flux(f"nova_nd_{horn.lower()}", data_dir=data_dir)
    rows = [
        line.split()
        for line in (data_dir / FLUX_FILES["nova_nd_fhc"]).read_text().splitlines()
        if line and not line.startswith("#") and line.split()[0] == horn
    ]
    for flavour in ("numu", "numubar", "nue", "nuebar"):
        total = sum(float(r[4]) for r in rows if r[1] == flavour)  # ν/m²/1e6 POT
        assert flux.integral(flavour) == pytest.approx(total * 1e-4 * 1e-6, rel=1e-12)


def test_every_registered_file_loads(data_dir: Path) -> None:
    assert set(list_fluxes()) == set(FLUX_FILES)
    for key in FLUX_FILES:
        flux = load_flux(key, data_dir=data_dir)
        assert flux.name == key
        assert not flux.is_approximate
        assert set(flux.flavours) == {14, -14, 12, -12}
        for fl in flux.flavours:
            assert flux.integral(fl) > 0


# ----------------------------------------------------------------------------------------------
# unit conversions
# ----------------------------------------------------------------------------------------------


def test_bnb_per_50mev_conversion(data_dir: Path) -> None:
    flux = load_flux("bnb_miniboone_numode", data_dir=data_dir)
    # first row: 0.00 0.05 numu 2.272e-12 ν/cm²/POT per 50 MeV
    assert flux.density("numu", 0.025) == pytest.approx(2.272e-12 / 0.05, rel=1e-12)
    assert flux.edges(14)[0] == 0.0
    assert flux.edges(14)[-1] == pytest.approx(10.0)
    assert flux.integral("numu", 0.0, 0.05) == pytest.approx(2.272e-12, rel=1e-12)


def test_minerva_per_m2_per_half_gev_conversion(data_dir: Path) -> None:
    flux = load_flux("numi_minerva_le_fhc", data_dir=data_dir)
    # first row: 0 0.5 numu 2.57268e-06 ν/m²/POT per 0.5 GeV
    assert flux.density("numu", 0.25) == pytest.approx(2.57268e-6 * 1e-4 / 0.5, rel=1e-12)
    assert flux.integral("numu", 0.0, 0.5) == pytest.approx(2.57268e-10, rel=1e-12)


def test_nova_per_m2_per_1e6_pot_per_bin_conversion(data_dir: Path) -> None:
    flux = load_flux("nova_nd_fhc", data_dir=data_dir)
    # first FHC numu row: 0.0 0.6 4.6503 ν/m²/1e6 POT in the bin
    assert flux.density("numu", 0.3) == pytest.approx(4.6503e-4 * 1e-6 / 0.6, rel=1e-12)
    assert flux.integral("numu", 0.0, 0.6) == pytest.approx(4.6503e-10, rel=1e-12)
    # variable bins: the FHC νμ table has 38 bins, the others 20
    assert flux.edges("numu").size == 39
    assert flux.edges("nue").size == 21


def test_dune_bin_centres_per_gev_conversion(data_dir: Path) -> None:
    flux = load_flux("dune_nd_fhc", data_dir=data_dir)
    edges = flux.edges("numu")
    assert edges[0] == 0.0
    assert edges[-1] == pytest.approx(125.25)
    np.testing.assert_allclose(np.diff(edges), 0.25)
    # first row: centre 0.125, numu 4.22490612e-05 ν/m²/POT/GeV
    assert flux.density("numu", 0.125) == pytest.approx(4.22490612e-9, rel=1e-12)
    assert 16 not in flux.flavours  # the ν_τ columns are identically zero
    with pytest.raises(NuportalError, match="no nutau"):
        flux.density("nutau", 1.0)


def test_t2k_1e21_pot_and_wide_bin_conversion(data_dir: Path) -> None:
    flux = load_flux("t2k_nd280_plus250ka", data_dir=data_dir)
    # first row: 0.00 0.05 numu 1.76e+10 ν/cm²/1e21 POT/50 MeV
    assert flux.density("numu", 0.01) == pytest.approx(1.76e10 * 1e-21 / 0.05, rel=1e-12)
    rows = [
        line.split()
        for line in (data_dir / FLUX_FILES["t2k_nd280_plus250ka"]).read_text().splitlines()
        if line and line[0].isdigit()
    ]
    wide = next(r for r in rows if float(r[1]) == 10.0)  # the 10-11 GeV bin, still per 50 MeV
    assert float(wide[2]) == 11.0
    value = float(wide[3])
    assert value > 0
    assert flux.density("numu", 10.5) == pytest.approx(value * 1e-21 / 0.05, rel=1e-12)
    assert flux.integral("numu", 10.0, 11.0) == pytest.approx(value * 1e-21 * 20, rel=1e-12)
    # the density is continuous across 10 GeV within the table's fluctuations (not ×20)
    ratio = flux.density("numu", 10.01) / flux.density("numu", 9.99)
    assert 0.5 < ratio < 2.0


# ----------------------------------------------------------------------------------------------
# histogram semantics (no data needed)
# ----------------------------------------------------------------------------------------------


@pytest.fixture
def toy() -> Flux:
    return Flux("toy", {14: ([0.0, 1.0, 3.0, 4.0], [2.0, 1.0, 0.0]), "nue": ([1.0, 2.0], [5.0])})


def test_density_is_piecewise_constant_and_zero_outside(toy: Flux) -> None:
    e = np.array([[-1.0, 0.0, 0.5], [1.0, 2.9, 3.5], [4.0, 10.0, 0.999]])
    expected = np.array([[0.0, 2.0, 2.0], [1.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(toy.density("numu", e), expected)
    assert toy.density(12, 1.5) == 5.0


def _searchsorted_density(edges: np.ndarray, dens: np.ndarray, e: np.ndarray) -> np.ndarray:
    """The definition: the bin with edges[k] <= e < edges[k + 1], by binary search."""
    idx = np.searchsorted(edges, e, side="right") - 1
    inside = (idx >= 0) & (idx < dens.size)
    return np.where(inside, dens[np.clip(idx, 0, dens.size - 1)], 0.0)


def _probe_energies(edges: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random energies over and beyond the table, every edge and its neighbouring doubles."""
    span = edges[-1] - edges[0]
    random = rng.uniform(edges[0] - 0.1 * span, edges[-1] + 0.1 * span, 20_000)
    near = [edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf)]
    return np.concatenate([random, *near, [np.nan, np.inf, -np.inf]])


@pytest.mark.parametrize("equal_bins", [True, False])
def test_density_lookup_is_the_bin_of_a_binary_search(
    equal_bins: bool, rng: np.random.Generator
) -> None:
    """The compiled lookup guesses the bin as for equal bins and walks to the right one: the
    same bin as a binary search, also for strongly unequal bins and at every edge."""
    widths = np.full(200, 0.05) if equal_bins else rng.exponential(1.0, 200) ** 3 + 1e-6
    edges = np.concatenate([[0.1], 0.1 + np.cumsum(widths)])
    dens = rng.uniform(0.5, 2.0, edges.size - 1)
    e = _probe_energies(edges, rng)
    got = Flux("toy", {14: (edges, dens)}).density(14, e)
    np.testing.assert_array_equal(got, _searchsorted_density(edges, dens, e))


def test_density_lookup_of_every_flux_table(data_dir: Path, rng: np.random.Generator) -> None:
    for key in FLUX_FILES:
        flux = load_flux(key)
        for flavour in flux.flavours:
            edges, dens = flux.edges(flavour), flux.bin_densities(flavour)
            e = _probe_energies(edges, rng)
            expected = _searchsorted_density(edges, dens, e)
            np.testing.assert_array_equal(flux.density(flavour, e), expected, err_msg=key)


def test_partial_bin_integrals_are_exact(toy: Flux) -> None:
    assert toy.integral(14) == pytest.approx(4.0)
    assert toy.integral(14, 0.5, 2.0) == pytest.approx(0.5 * 2.0 + 1.0 * 1.0)
    assert toy.integral(14, 1.2, 1.7) == pytest.approx(0.5)
    assert toy.integral(14, -5.0, 50.0) == pytest.approx(4.0)
    assert toy.integral(14, emax=0.25) == pytest.approx(0.5)
    assert toy.integral(14, emin=2.5) == pytest.approx(0.5)
    assert toy.integral(14, 3.2, 3.8) == 0.0
    np.testing.assert_allclose(toy.cumulative(14, [0.0, 1.0, 2.0, 9.0]), [0.0, 2.0, 3.0, 4.0])
    with pytest.raises(NuportalError, match="emin"):
        toy.integral(14, 2.0, 1.0)


def test_partial_bin_integral_of_a_real_table(data_dir: Path) -> None:
    flux = load_flux("bnb_miniboone_numode", data_dir=data_dir)
    contents = flux.bin_contents("numu")
    # bins 4 (0.20-0.25) and 5 (0.25-0.30), half of each
    assert flux.integral("numu", 0.225, 0.275) == pytest.approx(
        0.5 * contents[4] + 0.5 * contents[5], rel=1e-12
    )
    # 200-1250 MeV is bins 4..24 exactly
    assert flux.integral("numu", 0.2, 1.25) == pytest.approx(contents[4:25].sum(), rel=1e-12)


def test_energy_range_mean_and_metadata(toy: Flux) -> None:
    assert toy.flavours == (14, 12)
    assert toy.energy_range("numu") == (0.0, 3.0)  # the last bin is empty
    assert toy.energy_range("nue") == (1.0, 2.0)
    # mean energy: (2 × 0.5 × 1 + 1 × (9 - 1)/2) / 4
    assert toy.mean_energy(14) == pytest.approx((1.0 + 4.0) / 4.0)
    assert "numu" in repr(toy)


def test_scaled(toy: Flux) -> None:
    scaled = toy.scaled((470.0 / 110.0) ** 2)
    assert scaled.integral(14) == pytest.approx(4.0 * (470.0 / 110.0) ** 2)
    assert toy.integral(14) == pytest.approx(4.0)  # unchanged
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(NuportalError, match="positive"):
            toy.scaled(bad)


def test_flux_is_immutable(toy: Flux) -> None:
    with pytest.raises(AttributeError):
        toy.name = "other"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        toy.edges(14)[0] = 5.0


@pytest.mark.parametrize(
    ("hist", "message"),
    [
        ({14: ([0.0, 1.0], [-1.0])}, "non-negative"),
        ({14: ([1.0, 0.0], [1.0])}, "increasing"),
        ({14: ([0.0, 1.0, 2.0], [1.0])}, "density values"),
        ({14: ([0.0, 1.0], [np.nan])}, "finite"),
        ({11: ([0.0, 1.0], [1.0])}, "neutrino flavour"),
        ({"numuu": ([0.0, 1.0], [1.0])}, "Did you mean 'numu'"),
        ({}, "at least one"),
    ],
)
def test_invalid_histograms_raise(hist: dict, message: str) -> None:
    with pytest.raises(NuportalError, match=message):
        Flux("bad", hist)


def test_flavour_names() -> None:
    assert flavour_pdg("numubar") == -14
    assert flavour_pdg(-12) == -12
    with pytest.raises(NuportalError):
        flavour_pdg(True)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------
# sampling
# ----------------------------------------------------------------------------------------------


def test_sample_mean_and_bin_fractions_match_the_histogram(
    data_dir: Path, rng: np.random.Generator
) -> None:
    flux = load_flux("bnb_miniboone_numode", data_dir=data_dir)
    n = 200_000
    for flavour in ("numu", "nuebar"):
        e = flux.sample(flavour, n, rng)
        assert e.shape == (n,)
        lo, hi = flux.energy_range(flavour)
        assert np.all((e >= lo) & (e < hi))
        # mean within 4 statistical standard deviations
        assert abs(e.mean() - flux.mean_energy(flavour)) < 4 * e.std() / np.sqrt(n)
        # fraction in 200-1250 MeV within 4 binomial standard deviations
        p = flux.integral(flavour, 0.2, 1.25) / flux.integral(flavour)
        frac = np.mean((e >= 0.2) & (e < 1.25))
        assert abs(frac - p) < 4 * np.sqrt(p * (1 - p) / n)


def test_sample_within_bins_is_uniform_and_reproducible(toy: Flux) -> None:
    e1 = toy.sample("numu", 100_000, np.random.default_rng(1))
    e2 = toy.sample("numu", 100_000, np.random.default_rng(1))
    np.testing.assert_array_equal(e1, e2)
    assert np.all(e1 < 3.0)  # never in the empty last bin
    # P(E < 1) = 2/4, P(1 < E < 2) = 1/4
    assert np.mean(e1 < 1.0) == pytest.approx(0.5, abs=0.01)
    assert np.mean((e1 > 1.0) & (e1 < 2.0)) == pytest.approx(0.25, abs=0.01)
    sub = toy.sample("numu", 10_000, np.random.default_rng(2), emin=0.5, emax=1.5)
    assert np.all((sub >= 0.5) & (sub < 1.5))
    # density 2 on [0.5, 1) and 1 on [1, 1.5): 2/3 of the sample below 1 GeV
    assert np.mean(sub < 1.0) == pytest.approx(2 / 3, abs=0.02)
    with pytest.raises(NuportalError, match="vanishes"):
        toy.sample("numu", 10, np.random.default_rng(3), emin=3.1, emax=3.9)
    assert toy.sample("numu", 0, np.random.default_rng(4)).shape == (0,)


# ----------------------------------------------------------------------------------------------
# errors of the loader
# ----------------------------------------------------------------------------------------------


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileNotFoundError, match=r"fluxes/bnb_miniboone_numode\.txt"):
        load_flux("bnb_miniboone_numode", data_dir=tmp_path)


def test_unknown_flux_key_suggests_the_closest() -> None:
    with pytest.raises(NuportalError, match="Did you mean 'bnb_miniboone_numode'"):
        load_flux("bnb_minibone_numode")


# ----------------------------------------------------------------------------------------------
# the built-in approximate BNB flux
# ----------------------------------------------------------------------------------------------


def test_approximate_bnb_flux_needs_no_data() -> None:
    flux = approximate_bnb_flux()
    assert flux.is_approximate
    assert "APPROXIMATE" in flux.description
    assert flux.flavours == (14, -14, 12, -12)
    np.testing.assert_allclose(flux.edges(14), np.linspace(0.0, 10.0, 201))
    assert flux.integral("numu") == pytest.approx(5.19e-10, rel=0.02)  # PRD 79, 072002
    assert parametrised_density("numu", -1.0) == 0.0
    assert parametrised_density("numu", 20.0) == 0.0


@pytest.mark.parametrize("flavour", ["numu", "numubar", "nue", "nuebar"])
def test_approximate_bnb_flux_agrees_with_the_table(flavour: str, data_dir: Path) -> None:
    table = load_flux("bnb_miniboone_numode", data_dir=data_dir)
    approx = approximate_bnb_flux()
    np.testing.assert_allclose(approx.edges(flavour), table.edges(flavour), atol=1e-12)
    t = table.bin_densities(flavour)
    a = approx.bin_densities(flavour)
    mask = t > 0.01 * t.max()
    assert mask.sum() > 10
    assert np.max(np.abs(a[mask] / t[mask] - 1.0)) < 0.10
    assert approx.integral(flavour) == pytest.approx(table.integral(flavour), rel=0.02)
