"""Results files: resume after an interruption, configuration guard; grids and point keys."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_scan_executor import CONFIG, GRID, toy_task

from nuportal.analysis.scan import Axis, Grid, point_key, point_seed, read_results, run_scan
from nuportal.errors import NuportalError


def _full(tmp_path: Path) -> list[dict]:
    return run_scan(toy_task, GRID, CONFIG, tmp_path / "full.jsonl", serial=True,
                    progress=False).results  # fmt: skip


@pytest.mark.parametrize("mode", ["serial", "pool"])
def test_resume_after_kill_computes_only_missing_points(tmp_path: Path, mode: str) -> None:
    """Simulate a scan killed while writing: 5 complete lines and half of the 6th."""
    reference = _full(tmp_path)
    lines = (tmp_path / "full.jsonl").read_text().splitlines(keepends=True)
    partial = tmp_path / "partial.jsonl"
    partial.write_text("".join(lines[:6]) + lines[6][: len(lines[6]) // 2])
    options = {"serial": True} if mode == "serial" else {"workers": 2}
    resumed = run_scan(toy_task, GRID, CONFIG, partial, progress=False, **options)
    assert resumed.computed == GRID.size - 5
    assert resumed.results == reference
    header, records = read_results(partial)
    assert header["config"] == CONFIG
    assert sorted(r["key"] for r in records) == sorted(point_key(p) for p in GRID.points())


def test_truncated_line_without_newline_is_dropped(tmp_path: Path) -> None:
    _full(tmp_path)
    path = tmp_path / "full.jsonl"
    text = path.read_text()
    path.write_text(text[:-1])  # the last record lost its newline: not known to be complete
    resumed = run_scan(toy_task, GRID, CONFIG, path, serial=True, progress=False)
    assert resumed.computed == 1
    assert len(path.read_text().splitlines()) == GRID.size + 1


def test_other_configuration_is_refused(tmp_path: Path) -> None:
    _full(tmp_path)
    with pytest.raises(NuportalError, match="another scan configuration"):
        run_scan(toy_task, GRID, {**CONFIG, "seed": 8}, tmp_path / "full.jsonl", progress=False)


def test_damaged_middle_line_and_foreign_file(tmp_path: Path) -> None:
    _full(tmp_path)
    path = tmp_path / "full.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    lines[3] = "{broken\n"
    path.write_text("".join(lines))
    with pytest.raises(NuportalError, match="line 4 is damaged"):
        read_results(path)
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"hello": 1}) + "\n")
    with pytest.raises(NuportalError, match="not a nuportal scan"):
        run_scan(toy_task, GRID, CONFIG, other, progress=False)
    with pytest.raises(NuportalError, match="no scan results"):
        read_results(tmp_path / "missing.jsonl")


def test_resume_on_a_finer_grid_reuses_shared_points(tmp_path: Path) -> None:
    _full(tmp_path)
    finer = Grid([Axis.log("mass", 0.01, 1.0, 7), Axis.linear("coupling", 0.0, 2.0, 3)])
    resumed = run_scan(toy_task, finer, CONFIG, tmp_path / "full.jsonl", serial=True,
                       progress=False)  # fmt: skip
    assert resumed.computed == finer.size - GRID.size  # the 4 old masses are among the 7


def test_point_keys_and_seeds() -> None:
    assert point_key({"a": 0.1 * 3, "b": 2.0}) == point_key({"b": 2, "a": 0.3})
    assert point_key({"a": 0.3}) != point_key({"a": 0.3 + 1e-9})
    assert point_seed({"a": 0.3}, 1) == point_seed({"a": 0.1 * 3}, 1)
    assert point_seed({"a": 0.3}, 1) != point_seed({"a": 0.3}, 2)


def test_axes_and_grids() -> None:
    log = Axis.log("m4", 0.01, 1.0, 5)
    assert np.allclose(np.diff(np.log(log.array)), np.log(10) / 2)
    assert Axis.parse("g:linear:0:1:3").values == (0.0, 0.5, 1.0)
    assert Axis.parse("g:1,3,2").values == (1.0, 3.0, 2.0)
    grid = Grid([log, Axis.linear("g", 0, 1, 3)], fixed={"mzprime": 0.03})
    assert grid.size == 15
    assert grid.points()[4] == {"m4": log.values[1], "g": 0.5, "mzprime": 0.03}
    assert grid.reshape(np.arange(15))[1, 1] == 4
    for text in ("g:log:0:1:3", "g:linear:1:0:3", "g:cubic:0:1:3", "g", "g:a,b", "1x:1,2"):
        with pytest.raises(NuportalError):
            Axis.parse(text)
    with pytest.raises(NuportalError, match="repeated"):
        Axis("g", (1.0, 1.0))
    with pytest.raises(NuportalError, match="distinct"):
        Grid([log, log])
    with pytest.raises(NuportalError, match="values"):
        grid.reshape(np.arange(3))
