"""Decay tables of whole models: consistency relations, limits and the ``decays`` command."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nuportal.cli.main import main
from nuportal.constants import M_MU, M_PI_PLUS
from nuportal.errors import NuportalError
from nuportal.models import benchmark_model, build_model
from nuportal.physics.decays.channels import decay_table, particles
from nuportal.units import HBARC_GEV_CM

MODELS = [
    {"m4": 0.5, "Umu4": 1e-3},
    {"m4": 1.5, "Ue4": 1e-3, "Utau4": 1e-3},
    {"m4": 0.42, "Umu4": 1e-3, "UD4": 0.99, "mzprime": 0.03, "alphaD": 0.25, "epsilon": 1e-4},
    {"m4": 0.15, "Umu4": 1e-3, "UD4": 0.99, "mzprime": 1.25, "alphaD": 0.25, "epsilon": 1e-3},
    {
        "m4": 0.1,
        "m5": 0.3,
        "Umu4": 1e-3,
        "UD4": 0.5,
        "UD5": 0.8,
        "mzprime": 1.0,
        "alphaD": 0.3,
        "epsilon": 1e-3,
    },
    {"m4": 0.3, "Umu4": 1e-4, "mu_tr_mu4": 1e-6},
    {"m4": 0.3, "Umu4": 1e-3, "UD4": 0.9, "mhprime": 0.1, "theta": 1e-3, "yD": 0.1},
]


@pytest.mark.parametrize("params", MODELS)
@pytest.mark.parametrize("fermion", ["dirac", "majorana"])
def test_branching_ratios_sum_to_one_and_lifetime_from_total(params, fermion):
    model = build_model({**params, "fermion": fermion})
    for name in particles(model):
        table = decay_table(model, name)
        assert not table.stable, name
        brs = [table.branching_ratio(label) for label in table.labels]
        assert np.all(np.isfinite(brs))
        assert sum(brs) == pytest.approx(1.0, abs=1e-12)
        assert table.ctau_cm == pytest.approx(HBARC_GEV_CM / table.total_width, rel=1e-15)


@pytest.mark.parametrize("params", [MODELS[0], MODELS[1], MODELS[5]])
def test_majorana_total_width_is_twice_dirac(params):
    """For light-neutrino final states every Majorana channel is the Dirac channel plus its
    charge conjugate (arXiv:1805.08567, Sec. 3), so Γ_Maj = 2 Γ_Dirac."""
    dirac = decay_table(build_model(params), "N4").total_width
    majorana = decay_table(build_model({**params, "fermion": "majorana"}), "N4").total_width
    assert majorana == pytest.approx(2 * dirac, rel=1e-9)


def test_widths_continuous_across_the_mu_pi_threshold():
    threshold = M_MU + M_PI_PLUS
    below = decay_table(build_model({"m4": threshold * (1 - 1e-7), "Umu4": 1e-3}), "N4")
    above = decay_table(build_model({"m4": threshold * (1 + 1e-7), "Umu4": 1e-3}), "N4")
    assert "mu- pi+" not in below.labels
    assert above.branching_ratio("mu- pi+") < 1e-3
    assert above.total_width == pytest.approx(below.total_width, rel=1e-3)


def test_light_hnl_has_no_nan():
    """m_N = 1.2 MeV: the e⁺e⁻ channel just open, m_e/m_N ≈ 0.43; and at 50 MeV, m_e/m_N ≈ 0.01."""
    for m4 in (1.2e-3, 0.05):
        table = decay_table(build_model({"m4": m4, "Ue4": 1e-2}), "N4")
        assert np.isfinite(table.total_width)
        assert table.branching_ratio("nu_e e- e+") > 0


def test_light_zprime_benchmark():
    """arXiv:1807.09877: N4 → ν Z' is the only channel, Z' → e⁺e⁻ for m_Z' < 2 m_μ."""
    model = benchmark_model()
    assert decay_table(model, "N4").labels == ("nu_mu Zprime",)
    assert decay_table(model, "Zprime").branching_ratio("e- e+") > 0.99


def test_heavy_zprime_three_plus_two_cascade():
    """N5 → N4 ℓℓ exists and N4 has its own table for the generator."""
    model = build_model(MODELS[4])
    n5 = decay_table(model, "N5")
    assert any(label.startswith("N4 ") for label in n5.labels)
    assert not decay_table(model, "N4").stable


def test_unknown_particle_is_an_error():
    with pytest.raises(NuportalError, match="Did you mean 'Zprime'"):
        decay_table(benchmark_model(), "Zp")


def test_cli_json_and_errors(capsys):
    assert main(["decays", "--set", "m4=0.5", "--set", "Umu4=1e-3", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    (n4,) = out["tables"]
    assert sum(c["branching_ratio"] for c in n4["channels"]) == pytest.approx(1.0, abs=1e-12)
    assert main(["decays", "--particle", "N7"]) == 2
    assert "unknown particle" in capsys.readouterr().err


def test_cli_plot(tmp_path, capsys):
    path = tmp_path / "n4.png"
    argv = ["decays", "--set", "m4=0.5", "--set", "Umu4=1e-3", "--particle", "N4"]
    assert main([*argv, "--plot", str(path), "--range", "0.2,1.0", "--points", "4"]) == 0
    assert path.stat().st_size > 1000
    assert main([*argv, "--plot", str(path), "--range", "1.0"]) == 2
    assert "LO,HI" in capsys.readouterr().err


def test_kinetic_mixing_zprime_hadrons_follow_the_r_ratio():
    """A light kinetically mixed Z' couples like ε e Q (up to m_Z'²/m_Z²), so
    Γ(hadrons)/Γ(μμ) = R(m_Z') / [β_μ (1 + 2m_μ²/m²)] (arXiv:1801.04847, Sec. 2)."""
    from nuportal.physics.decays.hadrons import r_ratio

    m = 0.9
    model = build_model(
        {"m4": 2.0, "Umu4": 1e-3, "UD4": 0.9, "mzprime": m, "alphaD": 0.1, "epsilon": 1e-3}
    )
    table = decay_table(model, "Zprime")
    ratio = table.channel("hadrons").width / table.channel("mu- mu+").width
    r = M_MU**2 / m**2
    assert ratio == pytest.approx(r_ratio(m) / (np.sqrt(1 - 4 * r) * (1 + 2 * r)), rel=1e-3)
    light = build_model({**model.parameters, "mzprime": 0.13})
    assert "hadrons" not in decay_table(light, "Zprime").labels  # below π⁰γ


@pytest.mark.parametrize("m4", [0.3, 1.5, 3.0])
@pytest.mark.parametrize("flavour", ["e", "mu", "tau"])
def test_minimal_hnl_total_width_agrees_with_the_closed_form_route(m4, flavour):
    """The table's leptonic channels come from helicity amplitudes with W and Z
    propagators; hnl_widths sums the Fermi-limit closed forms of arXiv:1805.08567. They
    differ only by O(m_N²/m_W²) in the leptonic part (< 1.5e-3 at 3 GeV)."""
    from nuportal.physics.decays import hnl_widths

    u = 1e-3
    table = decay_table(build_model({"m4": m4, f"U{flavour}4": u}), "N4")
    closed = hnl_widths.total_width(m4, {flavour: u**2})
    assert table.total_width == pytest.approx(float(closed), rel=1.5e-3)


def test_tables_are_cached_by_exact_parameters():
    """Equal parameters give the same (immutable) table object; any change gives a new one."""
    first = decay_table(benchmark_model(), "N4")
    assert decay_table(benchmark_model(), "N4") is first
    u = 1.0000001 * benchmark_model().parameters["Umu4"]
    other = decay_table(benchmark_model(Umu4=u), "N4")
    assert other is not first
    assert other.total_width != first.total_width
