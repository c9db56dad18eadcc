"""Flux-folded upscattering rates against an independent integration."""

from __future__ import annotations

import time

import numpy as np
import pytest
from scipy import integrate

from nuportal.constants import PDG_NU_MU
from nuportal.experiments.catalogue import get_experiment
from nuportal.models import benchmark_model
from nuportal.physics.nuclei import nucleus
from nuportal.physics.upscattering import Channel, Upscattering
from nuportal.rates import upscattering_rates


def test_coherent_carbon_rate_matches_direct_integration(data_dir):
    model = benchmark_model()
    exp = get_experiment("miniboone_numode")
    table = upscattering_rates(model, exp, flavours=[PDG_NU_MU], data_dir=data_dir)
    got = sum(r.events for r in table.rows if r.volume == "oil" and r.regime == "coherent")
    # independent: N_C12 from the mass fraction 12/14 of CH2 and the tank volume, flux density
    # integrated with adaptive quadrature bin by bin
    oil = exp.volume("oil")
    n_carbon = (
        oil.material.mass_g(oil.volume_cm3)
        * oil.material.mass_fraction("C12")
        / (12.0 / 6.02214076e23)
    )
    ups = Upscattering(model, Channel(PDG_NU_MU, "N4", nucleus("C12"), "coherent"))
    flux = exp.flux(data_dir)
    edges, dens = flux.edges(PDG_NU_MU), flux.bin_densities(PDG_NU_MU)
    folded = 0.0
    for lo, hi, d in zip(edges[:-1], edges[1:], dens, strict=True):
        lo = max(lo, ups.threshold)
        if hi > lo:
            folded += d * integrate.quad(lambda e: float(ups.sigma(e)), lo, hi, epsrel=1e-8)[0]
    assert got == pytest.approx(exp.pot * n_carbon * folded, rel=2e-3)


def test_rows_sum_to_total_and_helicities(data_dir):
    table = upscattering_rates(benchmark_model(), "miniboone_numode", data_dir=data_dir)
    assert table.total == pytest.approx(sum(r.events for r in table.rows))
    by_hel = table.grouped("helicity")
    assert by_hel[(-1,)] > by_hel[(1,)] > 0  # vector exchange: mostly left-handed N
    assert all(np.isfinite(r.events) and r.events > 0 for r in table.rows)
    assert {r.regime for r in table.rows} == {"coherent", "p-elastic", "n-elastic"}


def test_rates_are_fast(data_dir):
    start = time.process_time()
    upscattering_rates(benchmark_model(), "miniboone_numode", data_dir=data_dir)
    assert time.process_time() - start < 5.0


def test_approximate_flux_without_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("NUPORTAL_DATA", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    table = upscattering_rates(benchmark_model(), "miniboone_numode")
    assert table.flux_is_approximate
    assert table.total > 0
