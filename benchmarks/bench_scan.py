"""Timing of the scan machinery and of coupling reweighting (run by hand, not by CI).

    NUPORTAL_DATA=../shared/data python benchmarks/bench_scan.py

1. Overhead of :func:`nuportal.analysis.scan.run_scan` for a 30 × 30 scan of a cheap task
   (χ² of a scaled MiniBooNE excess template, 2020 ν mode): serial, local pool with all
   cores, Dask ``LocalCluster`` (processes), and a resume that finds every point done.
2. Coupling reweighting at one mass point of the light-Z' family: generate once, then per
   coupling :func:`~nuportal.analysis.miniboone.reweight.reweight` + MiniBooNE response +
   E_QE histogram + χ² — the inner loop of a profiled-coupling scan.
"""

from __future__ import annotations

import functools
import math
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from nuportal.analysis.miniboone import MiniBooNEFit
from nuportal.analysis.miniboone.response import reconstruct_pairs
from nuportal.analysis.miniboone.reweight import Reweighter
from nuportal.analysis.scan import Axis, Grid, available_cores, run_scan
from nuportal.generator.events import STATUS_FINAL
from nuportal.generator.run import EventGenerator
from nuportal.models import benchmark_model
from nuportal.models.model import Model


@functools.cache
def _fit() -> tuple[MiniBooNEFit, np.ndarray]:
    fit = MiniBooNEFit("2020", "nu")
    return fit, np.clip(fit.data[: fit.signal_size] - fit.background, 0.0, None)


def template_task(point: dict[str, float], config: dict[str, Any]) -> dict[str, float]:
    """χ² of signal = s × m × excess template."""
    fit, template = _fit()
    return {"chi2": float(fit.chi2(point["s"] * point["m"] * template))}


def _timed(label: str, **options: Any) -> float:
    grid = Grid([Axis.log("m", 0.1, 10.0, 30), Axis.log("s", 0.01, 10.0, 30)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scan.jsonl"
        start = time.perf_counter()
        run_scan(template_task, grid, {}, path, progress=False, **options)
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        again = run_scan(template_task, grid, {}, path, progress=False, **options)
        resumed = time.perf_counter() - start
    assert again.computed == 0
    per_point = 1e3 * elapsed / grid.size
    print(
        f"{label:28s}: {elapsed:6.2f} s for {grid.size} points ({per_point:.2f} ms/point); "
        f"resume with all done {resumed:.2f} s"
    )
    return elapsed


def scan_overhead() -> None:
    from distributed import LocalCluster

    _timed("serial")
    _timed(f"local pool ({available_cores()} workers)")
    with LocalCluster(n_workers=available_cores(), threads_per_worker=1,
                      dashboard_address=None) as cluster:  # fmt: skip
        _timed("dask LocalCluster", scheduler=cluster)


def reweighting(events: int = 100_000, couplings: int = 30) -> None:
    def model(u2: float) -> Model:
        return benchmark_model(Umu4=math.sqrt(u2), UD4=math.sqrt(1.0 - u2))

    start = time.perf_counter()
    generated = model(7.65e-17)
    sample = EventGenerator(generated, seed=1).generate(events)
    print(f"generate {len(sample)} events: {time.perf_counter() - start:.2f} s")
    p = sample.particles
    final = p["status"] == STATUS_FINAL
    p4 = np.stack([p["e"], p["px"], p["py"], p["pz"]], axis=1)
    minus, plus = p4[final & (p["pdg"] == 11)], p4[final & (p["pdg"] == -11)]
    fit, _ = _fit()
    start = time.perf_counter()
    reweighter = Reweighter(sample, generated)
    print(f"Reweighter set-up: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    for k, u2 in enumerate(np.geomspace(1e-20, 1e-12, couplings)):
        new = reweighter(model(float(u2)), np.random.default_rng(k))
        rng = np.random.default_rng(100 + k)
        reco = reconstruct_pairs(plus, minus, rng, new.visible, new.weight)
        fit.chi2(reco.histogram("enu_qe"))
    per = (time.perf_counter() - start) / couplings
    print(f"reweight + response + χ², {len(sample)} events: {per * 1e3:.0f} ms per coupling")


if __name__ == "__main__":
    scan_overhead()
    reweighting()
