"""Speed of a MiniBooNE fit scan of the 3+1 light-Z' family (run by hand, not by CI).

    NUPORTAL_DATA=../shared/data python benchmarks/bench_scan_miniboone.py \
        [N] [EVENTS] [NODES] [SAMPLE]

Runs an N × N scan (default 30 × 30: m4 log 0.05–1 GeV × m_Z' log 0.01–0.5 GeV, |U_μ4|²
profiled) on a local process pool with all cores, into a fresh results file, and prints the
wall time, the time per allowed point (m_Z' < m4; the others cost nothing) and the best fit.
For N < 30 it also prints the wall time a 30 × 30 scan would take at the same rate.

On a machine shared with other jobs wall times are unreliable, so it then measures in this
process the **CPU time** (``time.process_time``) of SAMPLE (default 40) allowed points of the
30 × 30 grid drawn at random (fixed seed), after one warm-up point; the pool overhead (a
scan of trivial tasks: worker start-up by spawn and imports, pickling, result writing); and,
in a fresh worker, the extra CPU of its first fit point (data files, compiled kernels loaded
from numba's cache, numba typed containers compiled per process). Their sum over the cores
estimates the 30 × 30 wall time on a quiet machine. Last, a profile (CPU time) of SAMPLE
points shows where the time goes.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import nuportal.analysis.miniboone.fit as fit_module
from nuportal.analysis.miniboone.fit import fit_config, fit_point, scan
from nuportal.analysis.scan import Axis, Grid, available_cores, open_executor, run_scan


def _grid(n: int) -> Grid:
    return Grid([Axis.log("m4", 0.05, 1.0, n), Axis.log("mzprime", 0.01, 0.5, n)])


def trivial(point: dict[str, float], config: dict[str, Any]) -> dict[str, Any]:
    """A scan task that only imports the fit module: the pool's own cost."""
    return {"module": fit_module.__name__, **point}


def pool_overhead(points: int) -> float:
    """Wall seconds of a scan of ``points`` trivial tasks on the local pool."""
    grid = Grid([Axis.linear("x", 0.0, 1.0, points)])
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        run_scan(trivial, grid, {}, Path(tmp) / "pool.jsonl", progress=False)
        return time.perf_counter() - start


def _sample_points(sample: int) -> list[dict[str, float]]:
    allowed = [p for p in _grid(30).points() if p["mzprime"] < p["m4"]]
    chosen = np.random.default_rng(11).choice(len(allowed), sample, replace=False)
    return [allowed[k] for k in chosen]


def cpu_per_point(config: dict[str, Any], sample: int) -> np.ndarray:
    """CPU seconds of ``sample`` random allowed points of the 30 × 30 grid, in this process."""
    fit_point({"m4": 0.2, "mzprime": 0.03}, config)  # warm-up: data files, caches
    times = []
    for point in _sample_points(sample):
        start = time.process_time()
        fit_point(point, config)
        times.append(time.process_time() - start)
    return np.array(times)


def first_point(config: dict[str, Any]) -> tuple[float, float, float]:
    """In a fresh worker: CPU seconds (before its first task, of a first fit point, of a
    second one at other masses)."""
    before = time.process_time()
    fit_point({"m4": 0.3, "mzprime": 0.05}, config)
    first = time.process_time()
    fit_point({"m4": 0.31, "mzprime": 0.051}, config)
    return before, first - before, time.process_time() - first


def first_call_extra(config: dict[str, Any]) -> float:
    """Extra CPU seconds of a worker's first fit point (see the module docstring)."""
    with open_executor(workers=1) as pool:
        _, first, second = pool.submit(first_point, config).result()
    return first - second


def main(n: int = 30, events: int = 3000, nodes: int = 7, sample: int = 40) -> None:
    config = fit_config("3+1-light-zprime", events=events, nodes=nodes)
    cores = available_cores()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        done = scan(config, _grid(n), Path(tmp) / "scan.jsonl", progress=False)
        wall = time.perf_counter() - start
    allowed = int(done.values("allowed").sum())
    full_allowed = sum(p["mzprime"] < p["m4"] for p in _grid(30).points())
    point, best = done.best()
    print(f"{n} x {n} scan, {events} events and {nodes} coupling nodes per point, "
          f"{cores} cores: {wall:.1f} s wall, {allowed} allowed points, "
          f"{wall / max(allowed, 1):.2f} s wall per allowed point")  # fmt: skip
    if n != 30:
        print(f"30 x 30 at this rate ({full_allowed} allowed points): "
              f"{wall / max(allowed, 1) * full_allowed:.0f} s wall")  # fmt: skip
    print(
        f"best fit: {point}, |U_mu4|^2 = {best['coupling']:.3g}, chi2 = {best['chi2']:.2f} "
        f"(background only {best['chi2_null']:.2f}), {best['signal_events']:.0f} signal events"
    )
    times = cpu_per_point(config, sample)
    overhead = pool_overhead(full_allowed)
    extra = first_call_extra(config)
    mean, median = times.mean(), np.median(times)
    print(f"CPU per allowed point ({sample} random points of 30 x 30, in-process): "
          f"mean {mean:.3f} s, median {median:.3f} s, max {times.max():.2f} s")  # fmt: skip
    print(f"pool overhead ({full_allowed} trivial tasks, {cores} workers): {overhead:.1f} s wall")
    print(f"extra CPU of a fresh worker's first fit point: {extra:.2f} s")
    estimate = mean * full_allowed / cores + overhead + extra
    print(f"estimated 30 x 30 wall on a quiet machine: {estimate:.0f} s")
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for point in _sample_points(sample):
        fit_point(point, config)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:5]))
