"""``nuportal fit miniboone``: options and run card, results file, best fit, plots, errors."""

from __future__ import annotations

import pytest

from nuportal.analysis.scan import read_results
from nuportal.cli.main import main

pytestmark = pytest.mark.data

TINY = ["--events", "300", "--nodes", "2", "--no-dirt", "--serial"]


def test_fit_command_with_plots(tmp_path, capsys, data_dir) -> None:  # type: ignore[no-untyped-def]
    results = tmp_path / "fit.jsonl"
    argv = ["fit", "miniboone", "--grid", "m4:0.3,0.42", "--grid", "mzprime:0.03,0.35", *TINY,
            "--results", str(results), "--plots", str(tmp_path / "fit"),
            "--data-dir", str(data_dir)]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "best point" in out
    assert "Umu4sq (profiled)" in out
    header, records = read_results(results)
    assert header["config"]["family"] == "3+1-light-zprime"
    assert [r["result"]["allowed"] for r in records] == [True, False, True, True]
    assert (tmp_path / "fit_contours.png").stat().st_size > 0
    assert (tmp_path / "fit_spectra.png").stat().st_size > 0


def test_fit_run_card(tmp_path, capsys, data_dir) -> None:  # type: ignore[no-untyped-def]
    card = tmp_path / "run.toml"
    results = tmp_path / "card.jsonl"
    card.write_text(
        '[fit]\nfamily = "3+1-heavy-zprime"\ngrid = ["m4:0.3", "Umu4sq:1e-5,1e-4"]\n'
        f'events = 300\nnodes = 2\ndirt = false\nserial = true\nresults = "{results}"\n'
    )
    assert main(["fit", "miniboone", str(card), "--data-dir", str(data_dir)]) == 0
    assert "Umu4sq" in capsys.readouterr().out
    assert len(read_results(results)[1]) == 2


def test_fit_errors(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    card = tmp_path / "bad.toml"
    card.write_text('[fit]\nfamilly = "3+1-light-zprime"\n')
    assert main(["fit", "miniboone", str(card)]) == 2
    assert "unknown keys in the fit table of the run card: familly" in capsys.readouterr().err
    assert main(["fit", "miniboone", "--grid", "m4:0.3", "--grid", "m5:0.4", *TINY]) == 2
    assert "two axes among m4, mzprime, Umu4sq" in capsys.readouterr().err


def test_predict_from_fit(tmp_path, capsys, data_dir) -> None:  # type: ignore[no-untyped-def]
    """Best point of a tiny fit at MicroBooNE: events in the fiducial volume and their
    distributions (each histogram of the angles holds every counted event)."""
    from nuportal.analysis.predict import predict_from_fit

    results = tmp_path / "fit.jsonl"
    argv = ["fit", "miniboone", "--grid", "m4:0.42", "--grid", "mzprime:0.03", *TINY,
            "--results", str(results), "--data-dir", str(data_dir)]  # fmt: skip
    assert main(argv) == 0
    (best,) = predict_from_fit(results, "microboone", sigma=None, n_events=500)
    assert best.point["Umu4sq"] > 0
    assert best.events > 0
    for name in ("opening_angle", "asymmetry", "beam_angle"):
        assert best.histograms[name].sum() == pytest.approx(best.events, rel=1e-12)
    out = tmp_path / "pred.json"
    argv = ["predict", "--experiment", "sbnd", "--from-fit", str(results), "--events", "300",
            "--json", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert "sbnd: expected events" in capsys.readouterr().out
    assert out.stat().st_size > 0
    assert main(["predict", "--experiment", "sbnd", "--from-fit", str(tmp_path / "no")]) == 2
