"""``nuportal miniboone``: excess, chi2, plot; signal files; errors with exit status 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nuportal.analysis.miniboone import MiniBooNEFit
from nuportal.analysis.miniboone.histograms import read_signal
from nuportal.cli.main import main
from nuportal.errors import NuportalError

pytestmark = pytest.mark.data


def test_excess_command(capsys, data_dir):
    assert main(["miniboone", "excess", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "560.6 ± 48.1 (stat) ± 109.5 (syst)" in out
    assert main(["miniboone", "excess", "--mode", "combined", "--json", "-"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["region_200_1250_MeV"]["excess"] == pytest.approx(638.0, abs=1.0)
    assert len(doc["constrained_background"]) == 2


def test_chi2_command_file_and_oscillation(tmp_path, capsys, data_dir):
    signal = np.linspace(40.0, 0.0, 11)
    csv = tmp_path / "signal.csv"
    csv.write_text("E_lo,E_hi,events\n" + "".join(f"0,0,{s}\n" for s in signal))
    assert main(["miniboone", "chi2", str(csv), "--mode", "nu", "--normalise"]) == 0
    out = capsys.readouterr().out
    expected = MiniBooNEFit("2020", "nu", data_dir).evaluate(signal)
    assert f"χ² = {expected.chi2:.3f}" in out
    assert "best-fit normalisation" in out
    js = tmp_path / "signal.json"
    js.write_text(json.dumps({"nu": signal.tolist(), "nubar": (signal / 5).tolist()}))
    assert main(["miniboone", "chi2", str(js)]) == 0
    assert "combined fit" in capsys.readouterr().out
    assert main(["miniboone", "chi2", "--dm2", "0.0431696", "--sin2theta", "0.807239"]) == 0
    assert "−2 ln L = 344.519" in capsys.readouterr().out


def test_read_signal_formats(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("nu nubar\n" + "".join(f"{i} {10 * i}\n" for i in range(11)))
    values = read_signal(path, ("nu", "nubar"))
    assert values[:11].tolist() == list(range(11))
    assert values[11:].tolist() == [10.0 * i for i in range(11)]
    bad = tmp_path / "bad.json"
    bad.write_text('{"nu": [1, 2], ')
    with pytest.raises(NuportalError, match="not valid JSON"):
        read_signal(bad)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["miniboone", "chi2", "SIGNAL.csv"], "does not exist"),
        (["miniboone", "chi2", "--dm2", "1.0"], "both --dm2 and --sin2theta"),
        (["miniboone", "chi2", "--dm2", "1.0", "--sin2theta", "2"], "sin²2θ must be in [0, 1]"),
        (["miniboone", "excess", "--release", "2012", "--covariance", "combined"], "2012"),
        (["miniboone", "plot", "--variable", "evis", "--release", "2018"], "2020 ν mode only"),
    ],
)
def test_errors(argv, message, capsys, data_dir):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_chi2_wrong_bins(tmp_path, capsys, data_dir):
    path = tmp_path / "short.json"
    path.write_text(json.dumps([1.0] * 10))
    assert main(["miniboone", "chi2", str(path), "--mode", "nu"]) == 2
    assert "11 E_QE bins" in capsys.readouterr().err
    path.write_text(json.dumps([1.0] * 10 + [float("nan")]))
    assert main(["miniboone", "chi2", str(path), "--mode", "nu"]) == 2
    assert "NaN" in capsys.readouterr().err
    assert main(["miniboone", "excess", "--mode", "neutrino"]) == 2


def test_plot(tmp_path, capsys, data_dir):
    pytest.importorskip("matplotlib")
    png = tmp_path / "eqe.png"
    argv = ["miniboone", "plot", "-o", str(png), "--dm2", "0.04", "--sin2theta", "0.8"]
    assert main(argv) == 0
    assert png.stat().st_size > 10_000
    pdf = tmp_path / "evis.pdf"
    assert main(["miniboone", "plot", "--variable", "evis", "-o", str(pdf)]) == 0
    assert pdf.read_bytes()[:4] == b"%PDF"
    combined = tmp_path / "combined.png"
    assert main(["miniboone", "plot", "--mode", "combined", "-o", str(combined)]) == 0
    assert combined.exists()
