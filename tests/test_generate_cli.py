"""`nuportal generate` and `nuportal plot` end to end: files, metadata, formats, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.cli.main import main
from nuportal.io import read_hepmc, read_metadata, read_parquet


@pytest.fixture(scope="module")
def parquet_file(tmp_path_factory, data_dir):
    path = tmp_path_factory.mktemp("gen") / "events.parquet"
    argv = ["generate", "--events", "400", "--seed", "3", "--output", str(path)]
    assert main([*argv, "--data-dir", str(data_dir)]) == 0
    return path


def test_parquet_output_and_metadata(parquet_file):
    events = read_parquet(parquet_file)
    meta = read_metadata(parquet_file)
    run = meta["metadata"]
    assert len(events) >= 400
    assert run["seed"] == 3
    assert run["experiment"] == "miniboone_numode"
    assert run["model_parameters"]["m4"] == 0.42
    assert meta["sum_weights"] == pytest.approx(events.total_weight, rel=1e-12)
    # the pilot estimate and the sample agree within the sample's statistical error
    w = events.event["weight"]
    assert abs(events.total_weight - run["expected_events"]) < 5 * np.sqrt(np.sum(w**2))
    assert np.all(events.event["weight"] > 0)


def test_dirac_antineutrinos_make_anti_n(parquet_file):
    events = read_parquet(parquet_file)
    pdg = events.particles["pdg"].reshape(len(events), -1)
    anti = pdg[:, 0] < 0
    assert anti.any()
    assert not anti.all()
    # ν̄_μ → anti-N4 → ν̄_μ Z'(→ e⁻ e⁺); ν_μ → N4 → ν_μ Z'
    assert np.all(pdg[anti, 3] == -5914)
    assert np.all(pdg[anti, 4] == -14)
    assert np.all(pdg[~anti, 3] == 5914)
    assert np.all(pdg[~anti, 4] == 14)
    np.testing.assert_array_equal(pdg[:, 6:], np.tile([11, -11], (len(events), 1)))


def test_no_overwrite_and_plot(parquet_file, capsys, tmp_path):
    assert main(["generate", "--events", "10", "--output", str(parquet_file)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    figure = tmp_path / "kinematics.png"
    assert main(["plot", str(parquet_file), "--output", str(figure)]) == 0
    assert figure.stat().st_size > 10_000
    assert main(["plot", str(tmp_path / "missing.parquet")]) == 2


def test_hepmc3_output_reads_back(tmp_path, data_dir):
    path = tmp_path / "events.hepmc3"
    argv = ["generate", "--events", "100", "--format", "hepmc3", "--flavour", "numu"]
    assert main([*argv, "--output", str(path), "--data-dir", str(data_dir)]) == 0
    events = read_hepmc(path)
    assert len(events) >= 100
    assert np.all(events.event["weight"] > 0)


def test_bad_options_are_errors(capsys):
    assert main(["generate", "--events", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err
    assert (
        main(
            [
                "generate",
                "--set",
                "m4=0.3",
                "--set",
                "Umu4=1e-3",
                "--final-state",
                "photon",
                "--events",
                "10",
                "--output",
                "/nonexistent/x.parquet",
            ]
        )
        == 2
    )


def test_run_card_as_argument(tmp_path, data_dir):
    card = tmp_path / "run.toml"
    out = tmp_path / "card.parquet"
    card.write_text(
        '[model]\nbenchmark = "light_zprime_3p1"\n\n'
        f'[generate]\nevents = 50\nseed = 9\nflavours = ["numu"]\noutput = "{out}"\n'
    )
    assert main(["generate", str(card), "--data-dir", str(data_dir)]) == 0
    assert read_metadata(out)["metadata"]["seed"] == 9
    card.write_text("[generate]\nevent = 50\n")
    assert main(["generate", str(card)]) == 2
