"""Speed of a MiniBooNE fit scan of the 3+1 light-Z' family (run by hand, not by CI).

    NUPORTAL_DATA=../shared/data python benchmarks/bench_scan_miniboone.py [N] [EVENTS] [NODES]

Runs an N × N scan (default 30 × 30: m4 log 0.05–1 GeV × m_Z' log 0.01–0.5 GeV, |U_μ4|²
profiled) on a local process pool with all cores, into a fresh results file, and prints the
wall time, the time per allowed point (m_Z' < m4; the others cost nothing) and the best fit.
For N < 30 it also prints the wall time a 30 × 30 scan would take at the same rate. Then a
profile of one point in this process shows where the time goes.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

from nuportal.analysis.miniboone.fit import fit_config, fit_point, scan
from nuportal.analysis.scan import Axis, Grid, available_cores


def main(n: int = 30, events: int = 3000, nodes: int = 7) -> None:
    config = fit_config("3+1-light-zprime", events=events, nodes=nodes)
    grid = Grid([Axis.log("m4", 0.05, 1.0, n), Axis.log("mzprime", 0.01, 0.5, n)])
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        done = scan(config, grid, Path(tmp) / "scan.jsonl", progress=False)
        wall = time.perf_counter() - start
    allowed = int(done.values("allowed").sum())
    full = Grid([Axis.log("m4", 0.05, 1.0, 30), Axis.log("mzprime", 0.01, 0.5, 30)])
    full_allowed = sum(p["mzprime"] < p["m4"] for p in full.points())
    point, best = done.best()
    print(f"{n} x {n} scan, {events} events and {nodes} coupling nodes per point, "
          f"{available_cores()} cores: {wall:.1f} s wall, {allowed} allowed points, "
          f"{wall / max(allowed, 1):.2f} s wall per allowed point")  # fmt: skip
    if n != 30:
        print(f"30 x 30 at this rate ({full_allowed} allowed points): "
              f"{wall / max(allowed, 1) * full_allowed:.0f} s wall")  # fmt: skip
    print(
        f"best fit: {point}, |U_mu4|^2 = {best['coupling']:.3g}, chi2 = {best['chi2']:.2f} "
        f"(background only {best['chi2_null']:.2f}), {best['signal_events']:.0f} signal events"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    fit_point({"m4": 0.3, "mzprime": 0.05}, config)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
    print(out.getvalue())


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
