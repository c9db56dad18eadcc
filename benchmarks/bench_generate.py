"""Speed and memory of the event generator (run by hand, not by CI).

    NUPORTAL_DATA=../shared/data python benchmarks/bench_generate.py [N ...]

For the default benchmark (MiniBooNE ν mode, e⁺e⁻, decays forced into the oil) and each N
(default 1e4 1e5): set-up time (vegas adaptation), pilot and generation time, weighted
events per CPU-second, the relative statistical error of the total, the peak RSS, and the
top entries of the profile of the smallest run. Events stream to a Parquet file in a
temporary directory.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nuportal.generator.run import EventGenerator
from nuportal.io import open_writer
from nuportal.models import benchmark_model


def run(n: int, directory: Path) -> None:
    cpu0 = time.process_time()
    gen = EventGenerator(benchmark_model(), "miniboone_numode", seed=1)
    setup = time.process_time() - cpu0
    gen.allocate(n)
    pilot = time.process_time() - cpu0 - setup
    total = sq = 0.0
    count = 0
    with open_writer(directory / f"bench_{n}.parquet", "parquet", overwrite=True) as out:
        for batch in gen.batches():
            out.write(batch)
            w = batch.event["weight"]
            total, sq, count = total + w.sum(), sq + np.sum(w**2), count + len(batch)
    cpu = time.process_time() - cpu0 - setup - pilot
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"N={n:>8d}: set-up {setup:6.2f} s, pilots {pilot:6.2f} s, generation {cpu:7.2f} s "
        f"CPU = {count / cpu:9.0f} events/CPU-s; total {total:.5g} ± "
        f"{gen.statistical_error / total:.3%} (√Σw²: {np.sqrt(sq) / total:.3%}); "
        f"peak RSS {rss:.0f} MB"
    )


def main() -> None:
    sizes = [int(float(a)) for a in sys.argv[1:]] or [10_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        profile = cProfile.Profile()
        profile.enable()
        run(sizes[0], Path(tmp))
        profile.disable()
        for n in sizes[1:]:
            run(n, Path(tmp))
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(12)
    print(text.getvalue())


if __name__ == "__main__":
    main()
