"""The command line: help, outputs and one-line errors with a non-zero exit."""

from __future__ import annotations

import json

import pytest

from nuportal.cli.main import main


def test_help_and_version(capsys):
    assert main(["--help"]) == 0
    assert "rates" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert "0.1.0" in capsys.readouterr().out


def test_rates_json_to_stdout(capsys, data_dir):
    assert main(["rates", "--data-dir", str(data_dir), "--json", "-"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["experiment"] == "miniboone_numode"
    assert doc["total_events"] == pytest.approx(sum(r["events"] for r in doc["rows"]))
    assert not doc["flux_is_approximate"]


def test_rates_from_run_card(tmp_path, capsys, data_dir):
    card = tmp_path / "run.toml"
    card.write_text(
        '[model]\nbenchmark = "minimal_hnl"\nm4 = 0.3\n'
        '[rates]\nexperiment = "miniboone_numode"\nflavours = ["numu"]\n'
    )
    out = tmp_path / "rates.csv"
    assert main(["rates", "--card", str(card), "--csv", str(out), "--data-dir", str(data_dir)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("volume,flavour,target")
    assert all(",numu," in line for line in lines[1:])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rates", "--set", "m4=-1"], "positive mass"),
        (["rates", "--set", "mm4=0.1"], "Did you mean 'm4'"),
        (["rates", "--set", "m4"], "KEY=VALUE"),
        (["rates", "--experiment", "minibone"], "Did you mean"),
        (["rates", "--card", "/nonexistent.toml"], "does not exist"),
        (["experiments", "show", "nosuch"], "unknown"),
    ],
)
def test_errors_are_one_line_with_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_experiments_and_models_listing(capsys):
    assert main(["experiments"]) == 0
    assert "miniboone_numode" in capsys.readouterr().out
    assert main(["experiments", "show", "miniboone_numode"]) == 0
    assert "oil" in capsys.readouterr().out
    assert main(["models"]) == 0
    assert "light_zprime_3p1" in capsys.readouterr().out
