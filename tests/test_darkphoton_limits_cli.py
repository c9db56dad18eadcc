"""``nuportal darkphoton limits`` and its API, nuportal.analysis.limits.semivisible."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from nuportal.analysis.limits.curves import NA64_MASS_RATIO, LimitCurve, load_curve
from nuportal.analysis.limits.semivisible import RecastResult, recast_all, sector_at
from nuportal.analysis.recast.na64 import NA64Detector
from nuportal.cli.main import main
from nuportal.constants import CHARGED_LEPTON_MASS
from nuportal.datadir import data_file, read_table
from nuportal.errors import NuportalError
from nuportal.generator.darkphoton import sector_chains
from nuportal.models.dark_sector import build_dark_sector

#: the benchmark of arXiv:2302.05410's plane: iDM, α_D = 0.1, m_1 = m_A'/3, Δ = 0.4
IDM = {"model": "iDM", "maprime": 0.3, "epsilon": 1e-2, "alphaD": 0.1, "m1": 0.1, "Delta": 0.4}
#: Δ = 0: ψ_1 and ψ_2 degenerate and stable, every A' → ψψ decay is invisible
INVISIBLE = {**IDM, "Delta": 0.0}


def _argv(spec: dict[str, object]) -> list[str]:
    argv = ["darkphoton", "limits", "--sector", str(spec["model"])]
    for key, value in spec.items():
        if key != "model":
            argv += ["--set", f"{key}={value}"]
    return argv


@pytest.mark.data
def test_cli_writes_figure_and_json_equal_to_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    figure, numbers = tmp_path / "limits.pdf", tmp_path / "limits.json"
    argv = [*_argv(IDM), "--mass-range", "0.05", "0.5", "--points", "3", "--events", "1000"]
    argv += ["--experiment", "babar", "--experiment", "visible", "--na64-reach", "9.37e11"]
    argv += ["-o", str(figure), "--json", str(numbers), "--data-dir", str(data_dir)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "BaBar (recast)" in out
    assert "NA64 modified" in out
    head = figure.read_bytes()[:5]
    assert head == b"%PDF-"
    assert figure.stat().st_size > 10_000
    doc = json.loads(numbers.read_text())
    api = recast_all(
        build_dark_sector(IDM), np.geomspace(0.05, 0.5, 3), experiments=["babar", "visible"],
        na64_reach=9.37e11, n_events=1000, data_dir=data_dir,
    ).to_dict()  # fmt: skip
    assert doc["curves"] == api["curves"]
    assert doc["gminus2"] == api["gminus2"]
    roles = {c["role"] for c in doc["curves"]}
    assert roles == {"recast", "reach", "rescaled"}
    assert doc["anomaly"]["name"] == "wp2025"


@pytest.mark.data
def test_invisible_sector_reproduces_published_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """Every A' → ψψ decay invisible: the recast is the published curve, up to the tiny
    visible branching ratio BR(A' → ℓℓ) ∝ ε² (ε²_new BR_inv(ε_new) = ε²_pub, solved here by
    fixed-point iteration with the chain BRs of the same sector)."""
    numbers = tmp_path / "invisible.json"
    argv = [*_argv(INVISIBLE), "--mass-range", "0.01", "0.5", "--points", "3", "--events", "50"]
    argv += ["--experiment", "babar", "--experiment", "na64", "--json", str(numbers)]
    argv += ["-o", str(tmp_path / "invisible.png"), "--data-dir", str(data_dir)]
    assert main(argv) == 0
    capsys.readouterr()
    doc = json.loads(numbers.read_text())
    masses = np.geomspace(0.01, 0.5, 3)
    sector = build_dark_sector(INVISIBLE)
    recast = {c["key"]: c for c in doc["curves"] if c["role"] == "recast"}
    for key in ("babar2017_monophoton_invisible", "na64_2019_invisible"):
        published = load_curve(key, data_dir).evaluate(masses)
        assert np.all(published.defined)
        curve = recast[f"{key}_recast"]
        assert curve["valid"] == [True] * 3
        assert curve["upper"] == [None] * 3  # excluded up to the top of the ε range
        expected = published.lower.copy()
        for _ in range(4):
            points = zip(masses, expected, strict=True)
            chains = [sector_chains(sector_at(sector, m, e)) for m, e in points]
            invisible = [sum(c.branching for c in cs if c.kind == "invisible") for cs in chains]
            expected = published.lower / np.sqrt(invisible)
        assert 0 < np.max(expected / published.lower - 1) < 1e-5
        # edges: 24 bisections of a 1/4-decade grid step and a secant step (exact for ε²)
        assert curve["lower"] == pytest.approx(expected, rel=1e-9)
    assert len(recast) == 2  # no floor region without visible decays


def test_sector_at_scales_or_keeps_the_dark_masses() -> None:
    sector = build_dark_sector(IDM)
    scaled = sector_at(sector, 0.6, 3e-3)
    direct = build_dark_sector({**IDM, "maprime": 0.6, "epsilon": 3e-3, "m1": 0.2})
    assert scaled.dark_photon == direct.dark_photon
    np.testing.assert_allclose(scaled.signed_masses, direct.signed_masses, rtol=1e-14)
    np.testing.assert_allclose(scaled.coupling, direct.coupling, rtol=1e-14)
    kept = sector_at(sector, 0.6, 3e-3, scaling="masses")
    np.testing.assert_array_equal(kept.signed_masses, sector.signed_masses)
    assert kept.dark_photon.mass == 0.6
    with pytest.raises(NuportalError, match="mass scaling"):
        sector_at(sector, 0.6, 3e-3, scaling="both")


@pytest.mark.data
def test_na64_2023_dip_is_in_the_source_data(data_dir: Path) -> None:
    """The NA64 2016–2022 curve's dip near 0.24 GeV: the conversion m_A' = 3 m_χ,
    ε = √(810 Y) reproduces the raw rows exactly, and the raw Y has the dip itself, inside
    the window of resonant e⁺e⁻ → A' annihilation of shower positrons (E₊ from the 50 GeV
    missing-energy cut to the 100 GeV beam, arXiv:2108.04195)."""
    curve = load_curve("na64e_2016-2022_invisible", data_dir)
    _, rows = read_table(
        data_file("limits/invisible/na64e_2016-2022_invisible_Y_alphaD0.1.txt", data_dir)
    )
    m_chi, y = np.array(rows, float).T
    np.testing.assert_allclose(curve.mass, m_chi / NA64_MASS_RATIO, rtol=1e-15)
    np.testing.assert_allclose(curve.lower, np.sqrt(810.0 * y), rtol=1e-14)
    region = (curve.mass > 0.15) & (curve.mass < 0.4)
    i = np.flatnonzero(region)[np.argmin(curve.lower[region])]
    assert y[i] == np.min(y[region])  # the minimum is a raw data point
    det = NA64Detector()
    window = [
        math.sqrt(2 * CHARGED_LEPTON_MASS["e"] * e)
        for e in (det.beam_energy - det.energy_cut, det.beam_energy)
    ]
    assert window[0] < curve.mass[i] < window[1]
    # a dip of the raw numbers: Y rises by > 5x on both sides within 0.1 GeV
    near = np.abs(curve.mass - curve.mass[i]) < 0.1
    assert np.max(y[near & (curve.mass < curve.mass[i])]) > 5 * y[i]
    assert np.max(y[near & (curve.mass > curve.mass[i])]) > 5 * y[i]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--mass-range", "1", "0.1"], "LOW < HIGH"),
        (["--points", "1"], "at least 2 points"),
        (["-o", "limits.txt"], "unknown format '.txt'"),
        (["-o", "/no/such/dir/limits.pdf"], "does not exist"),
        (["--na64-reach", "-1"], "electrons on target"),
        (["--probe", "2"], "probe ε"),
        (["--events", "0"], "positive integer"),
        (["--set", "bogus=1"], "unknown iDM parameter"),
        (["--anomaly", "rb"], "Invalid value for '--anomaly'"),
        (["--experiment", "lep"], "Invalid value for '--experiment'"),
    ],
)
def test_bad_options_give_one_clear_error(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = [*_argv(IDM), "--points", "3", "--experiment", "visible"]
    if "-o" not in extra:
        argv += ["-o", str(tmp_path / "x.pdf")]
    assert main(argv + extra) != 0
    err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_api_rejects_bad_input() -> None:
    sector = build_dark_sector(IDM)
    cases = [
        ({"masses": [0.1]}, "two increasing"),
        ({"masses": [0.3, 0.1]}, "two increasing"),
        ({"masses": [-0.1, 0.1]}, "positive"),
        ({"experiments": ["lep"]}, "unknown experiment"),
        ({"experiments": []}, "at least one"),
        ({"scaling": "both"}, "mass scaling"),
        ({"anomaly": "rb"}, "anomaly"),
        ({"na64_reach": 0.0}, "electrons on target"),
    ]
    for kwargs, message in cases:
        args = {"masses": [0.1, 0.2], **kwargs}
        masses = args.pop("masses")
        with pytest.raises(NuportalError, match=message):
            recast_all(sector, masses, **args)  # type: ignore[arg-type]


def test_summary_separates_not_excluded_from_no_limit() -> None:
    """ε is "not excluded" only where the source gives a limit at all."""
    masses = np.array([0.1, 0.2, 0.3, 0.4])
    curve = LimitCurve(
        key="toy_recast", label="toy", experiment="toy", arxiv="", cl="90%", kind="band",
        category="recast", channel="invisible", mass=masses, lower=np.full(4, 1e-3),
        upper=np.array([np.inf, 0.05, 1.0, 1.0]), valid=np.array([True, True, False, False]),
    )  # fmt: skip
    result = RecastResult(
        build_dark_sector(IDM), "ratios", masses, (curve,), (), (), (), "wp2025",
        {"toy_recast": np.array([True, True, True, False])},
    )  # fmt: skip
    (row,) = result.summary(1e-2)
    assert row.excluded == [(0.1, 0.2)]
    assert row.allowed == [(0.3, 0.3)]
    (row,) = result.summary(0.1)  # above the closed band at 0.2 GeV
    assert row.excluded == [(0.1, 0.1)]
    assert row.allowed == [(0.2, 0.3)]
