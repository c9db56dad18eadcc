"""Timing of the upscattering kernels and of `nuportal rates` (run by hand, not by CI).

    NUPORTAL_DATA=../shared/data python benchmarks/bench_rates.py

Prints the throughput of dσ/dQ² (points per second) for coherent and nucleon targets and the
wall time of the default rate table at MiniBooNE (median of 5 runs).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from nuportal.models import benchmark_model
from nuportal.physics.nuclei import PROTON, nucleus
from nuportal.physics.upscattering import Channel, Upscattering
from nuportal.rates import upscattering_rates


def _throughput(ups: Upscattering, n: int = 200_000) -> float:
    rng = np.random.default_rng(1)
    energy = rng.uniform(ups.threshold * 1.01, 3.0, n)
    lo, hi = ups.q2_limits(energy)
    q2 = np.exp(rng.uniform(np.log(lo), np.log(hi)))
    start = time.perf_counter()
    ups.dsigma_dq2(energy, q2)
    return n / (time.perf_counter() - start)


def main() -> None:
    model = benchmark_model()
    for label, target, regime in (
        ("coherent C12", nucleus("C12"), "coherent"),
        ("proton", PROTON, "elastic"),
    ):
        ups = Upscattering(model, Channel(14, "N4", target, regime))
        print(f"dσ/dQ² {label:13s}: {_throughput(ups):.3g} points/s (both helicities)")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        table = upscattering_rates(model, "miniboone_numode")
        times.append(time.perf_counter() - start)
    print(
        f"rates miniboone_numode: {statistics.median(times):.2f} s (median of 5), "
        f"{len(table.rows)} channels"
    )


if __name__ == "__main__":
    main()
