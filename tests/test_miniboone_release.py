"""MiniBooNE release loaders: check totals of the data-directory README, units, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.analysis.miniboone import release as mbr
from nuportal.errors import DataFileNotFoundError, NuportalError

pytestmark = pytest.mark.data


@pytest.mark.parametrize(
    ("release", "mode", "data", "bkg", "data_lee", "bkg_lee"),
    [
        ("2020", "nu", 3202, 2668.12, 2870, 2322.68),
        ("2020", "nubar", 551, 467.41, 478, 398.20),
        ("2018", "nu", 2187, 1827.13, 1959, 1590.57),
        ("2012", "nu", 1068, 916.69, 964, 808.72),
        ("2012", "nubar", 551, 467.41, 482, 404.61),
    ],
)
def test_nue_sample_totals(data_dir, release, mode, data, bkg, data_lee, bkg_lee):
    sample = mbr.load_release(release, data_dir).nue[mode]
    assert sample.data.sum() == data
    assert sample.background.sum() == pytest.approx(bkg, abs=0.01)
    assert sample.data[sample.lee_bins].sum() == data_lee
    assert sample.background[sample.lee_bins].sum() == pytest.approx(bkg_lee, abs=0.01)
    assert sample.pot == mbr.POT[release][mode]


def test_binning_in_gev(data_dir):
    rel = mbr.load_release("2020", data_dir)
    assert rel.edges == pytest.approx(
        [0.2, 0.3, 0.375, 0.475, 0.55, 0.675, 0.8, 0.95, 1.1, 1.25, 1.5, 3.0]
    )
    assert rel.numu["nu"].edges == pytest.approx([0, 0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.7, 1.9])
    assert rel.numu["nu"].data.sum() == 334417
    assert rel.numu["nubar"].prediction.sum() == pytest.approx(50049.09, abs=0.01)
    # 2012 binning: 1300 MeV edge
    assert mbr.load_release("2012", data_dir).edges[9] == pytest.approx(1.3)


def test_covariances_ntuples_surfaces(data_dir):
    cov = mbr.load_fractional_covariance("2020", "combined", data_dir)
    assert cov.matrix.shape == (60, 60)
    assert np.allclose(cov.matrix, cov.matrix.T, atol=1e-6)
    assert cov.labels[30].startswith("sig_nuebar")
    assert mbr.load_fractional_covariance("2012", "nu", data_dir).matrix.shape == (30, 30)
    nt = mbr.load_ntuple("2020", "nubar", "combined", data_dir)
    assert nt.n_rows == 117949
    assert nt.weight.mean() == pytest.approx(45424.23, abs=0.01)
    assert mbr.load_ntuple("2020", "nubar", data_dir=data_dir).n_rows == 86403
    numode = mbr.load_ntuple("2020", "nu", data_dir=data_dir)
    assert numode.weight.mean() == pytest.approx(305119.47, abs=0.01)
    assert np.median(numode.length) == pytest.approx(520e2, rel=0.05)  # cm, ~520 m
    surf = mbr.load_likelihood_surface("2020", "combined", data_dir)
    assert surf.m2lnl.shape == (190, 190)
    value, dm2, s2 = surf.minimum()
    assert (value, dm2, s2) == pytest.approx((344.519, 0.0431696, 0.807239))


def test_companion_tables(data_dir):
    bd = mbr.load_background_breakdown("nu", data_dir)
    summed = sum(bd.categories.values())
    assert summed == pytest.approx(bd.total, rel=2e-3, abs=0.1)
    assert bd.categories["NCpi0_misid"][:9].sum() == pytest.approx(732.4, abs=0.1)
    table = mbr.load_evis_costheta(data_dir)
    assert table.data.shape == (22, 20)
    assert table.data.sum() == 3235
    assert table.background.sum() == pytest.approx(2638.3, abs=0.05)
    assert table.evis_edges[[0, -1]] == pytest.approx([0.15, 1.25])
    eff = mbr.load_single_shower_efficiency(data_dir)
    assert eff(0.35) == pytest.approx(0.139)
    assert eff(0.3) == pytest.approx(0.137)
    assert eff(5.0) == 0.0
    events = mbr.load_data_events("nu", data_dir)
    counts = np.histogram(events, mbr.load_release("2020", data_dir).edges)[0]
    assert counts.tolist() == [732, 426, 444, 248, 281, 236, 201, 164, 138, 144, 188]


def test_missing_file_and_bad_names(tmp_path):
    with pytest.raises(DataFileNotFoundError, match=r"nue_numode\.txt"):
        mbr.load_release("2020", tmp_path)
    with pytest.raises(NuportalError, match="Did you mean '2020'"):
        mbr.load_release("2021", tmp_path)
    with pytest.raises(NuportalError, match="MiniBooNE mode"):
        mbr.load_fractional_covariance("2020", "neutrino", tmp_path)
    with pytest.raises(NuportalError, match="no combined covariance"):
        mbr.load_fractional_covariance("2012", "combined", tmp_path)
