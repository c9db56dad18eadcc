"""Scan execution: serial, local process pool and Dask give identical results; errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nuportal.analysis.scan import Axis, Grid, point_seed, run_scan
from nuportal.analysis.scan.executor import available_cores, open_executor
from nuportal.errors import NuportalError

CONFIG = {"seed": 7, "events": 1000}
GRID = Grid([Axis.log("mass", 0.01, 1.0, 4), Axis.linear("coupling", 0.0, 2.0, 3)])


def toy_task(point: dict[str, float], config: dict[str, Any]) -> dict[str, Any]:
    """A seeded Monte Carlo at each point: mean of exponentials, a histogram and a χ²."""
    rng = np.random.default_rng(point_seed(point, config["seed"]))
    x = rng.exponential(point["mass"], config["events"])
    hist = np.histogram(x, bins=5, range=(0, 1))[0]
    return {
        "mean": float(x.mean()),
        "hist": hist.tolist(),
        "chi2": float((point["coupling"] - 1.0) ** 2 + x.mean()),
    }


def failing_task(point: dict[str, float], config: dict[str, Any]) -> dict[str, Any]:
    """Fails at the largest mass."""
    if point["mass"] > 0.5:
        raise NuportalError("no events at this mass")
    return toy_task(point, config)


def nan_task(point: dict[str, float], config: dict[str, Any]) -> dict[str, Any]:
    return {"chi2": float("nan")}


def _scan(tmp_path: Path, name: str, **options: Any) -> Any:
    return run_scan(toy_task, GRID, CONFIG, tmp_path / name, progress=False, **options)


def test_serial_pool_and_dask_agree(tmp_path: Path) -> None:
    from distributed import Client

    serial = _scan(tmp_path, "serial.jsonl", serial=True)
    pool = _scan(tmp_path, "pool.jsonl", workers=2)
    with Client(processes=False, n_workers=1, dashboard_address=None) as client:
        dask = _scan(tmp_path, "dask.jsonl", scheduler=client)
    assert serial.computed == pool.computed == dask.computed == GRID.size
    assert serial.results == pool.results == dask.results
    assert serial.points == GRID.points()
    assert serial.values("chi2").shape == GRID.shape
    assert serial.values("hist").shape == (*GRID.shape, 5)
    best, result = serial.best("chi2")
    assert result == serial.results[1]
    assert best["coupling"] == 1.0
    assert best["mass"] == 0.01
    # every file has its header and one line per point
    for name in ("serial", "pool", "dask"):
        lines = (tmp_path / f"{name}.jsonl").read_text().splitlines()
        assert len(lines) == GRID.size + 1
        assert json.loads(lines[0])["task"].endswith(":toy_task")


def test_dask_cluster_object(tmp_path: Path) -> None:
    """A cluster object (as dask-jobqueue gives) or a scheduler address is accepted: the scan
    opens and closes its own client."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        result = _scan(tmp_path, "cluster.jsonl", scheduler=cluster)
        by_address = _scan(tmp_path, "address.jsonl", scheduler=cluster.scheduler_address)
    serial = _scan(tmp_path, "serial.jsonl", serial=True)
    assert result.results == by_address.results == serial.results


def test_explicit_points_and_rerun(tmp_path: Path) -> None:
    points = [{"mass": 0.1, "coupling": 1.0}, {"mass": 0.2, "coupling": 0.5}]
    first = run_scan(toy_task, points, CONFIG, tmp_path / "p.jsonl", serial=True, progress=False)
    again = run_scan(toy_task, points, CONFIG, tmp_path / "p.jsonl", serial=True, progress=False)
    assert first.computed == 2
    assert again.computed == 0
    assert again.results == first.results
    assert first.values("mean").shape == (2,)


def test_task_failure_keeps_finished_points(tmp_path: Path) -> None:
    path = tmp_path / "fail.jsonl"
    with pytest.raises(NuportalError, match=r"failed at the point.*no events at this mass"):
        run_scan(failing_task, GRID, CONFIG, path, serial=True, progress=False)
    lines = path.read_text().splitlines()
    assert len(lines) == 1 + 9  # the first three masses (3 couplings each) are saved


def test_task_failure_in_pool(tmp_path: Path) -> None:
    with pytest.raises(NuportalError, match="no events at this mass"):
        run_scan(failing_task, GRID, CONFIG, tmp_path / "f.jsonl", workers=2, progress=False)


def test_bad_tasks_and_options(tmp_path: Path) -> None:
    with pytest.raises(NuportalError, match="top-level function"):
        run_scan(lambda p, c: {}, GRID, CONFIG, tmp_path / "a.jsonl", progress=False)
    with pytest.raises(NuportalError, match="NaN"):
        run_scan(nan_task, GRID, CONFIG, tmp_path / "b.jsonl", serial=True, progress=False)
    with pytest.raises(NuportalError, match="JSON"):
        run_scan(toy_task, GRID, {"model": object()}, tmp_path / "c.jsonl", progress=False)
    with pytest.raises(NuportalError, match="repeated"):
        run_scan(toy_task, [{"mass": 0.1}, {"mass": 0.1 + 1e-15}], CONFIG, tmp_path / "d.jsonl")
    with pytest.raises(NuportalError, match="scheduler must be"), open_executor(scheduler=3):
        pass
    with pytest.raises(NuportalError, match="workers"), open_executor(workers=0):
        pass
    assert available_cores() >= 1
