"""Speed and memory of the event generator (run by hand, not by CI).

    NUPORTAL_DATA=../shared/data python benchmarks/bench_generate.py [N ...]

For the default benchmark (MiniBooNE ν mode, e⁺e⁻, decays forced into the oil) and each N
(default 3e3 1e4 1e5 1e6), in a fresh process each:

* streaming: CPU time of the set-up (vegas adaptation), of the pilots, of the generation
  after adaptation (weighted events per CPU-second) and of writing the batches to Parquet;
  the relative Monte Carlo error of the total; the peak RSS;
* in memory: ``EventGenerator.generate(N)``: bytes of the event record per event and the
  growth of the peak RSS per event held.

Then the top entries of the profile of the generation of the largest N (a separate run: the
profiler slows it down).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nuportal.generator.run import EventGenerator
from nuportal.io import open_writer
from nuportal.models import benchmark_model


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def streaming(n: int, profile: bool) -> None:
    cpu = time.process_time
    start = cpu()
    gen = EventGenerator(benchmark_model(), "miniboone_numode", seed=1)
    setup = cpu() - start
    gen.allocate(n)
    pilot = cpu() - start - setup
    generation = writing = 0.0
    count, total = 0, 0.0
    profiler = cProfile.Profile()
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_writer(Path(tmp) / "bench.parquet", "parquet") as out,
    ):
        batches = gen.batches()
        while True:
            t0 = cpu()
            if profile:
                profiler.enable()
            batch = next(batches, None)
            profiler.disable()
            t1 = cpu()
            generation += t1 - t0
            if batch is None:
                break
            out.write(batch)
            writing += cpu() - t1
            count, total = count + len(batch), total + batch.total_weight
    print(
        f"N={n:>8d}: set-up {setup:5.2f} s, pilots {pilot:5.2f} s, generation {generation:6.2f} s "
        f"= {count / generation:8.0f} events/CPU-s, Parquet writing {writing:6.2f} s; "
        f"total {total:.5g} ± {gen.statistical_error / total:.3%} "
        f"(CPU to here {setup + pilot + generation:.2f} s); peak RSS {_rss_mb():.0f} MB"
    )
    if profile:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
        print(text.getvalue())


def in_memory(n: int) -> None:
    gen = EventGenerator(benchmark_model(), "miniboone_numode", seed=1)
    before = _rss_mb()
    events = gen.generate(n)
    grown = (_rss_mb() - before) * 2**20 / len(events)
    record = events.nbytes / len(events)
    rows = np.mean(events.multiplicity)
    print(
        f"N={n:>8d} in memory: {len(events)} events, {rows:.2f} particles and "
        f"{events.vertices.shape[1]} vertex slots per event; record {record:.0f} B/event; "
        f"peak RSS growth {grown:.0f} B/event"
    )


def main() -> None:
    if sys.argv[1:2] in (["--streaming"], ["--in-memory"]):
        n = int(sys.argv[2])
        if sys.argv[1] == "--streaming":
            streaming(n, profile=sys.argv[3:4] == ["--profile"])
        else:
            in_memory(n)
        return
    sizes = [int(float(a)) for a in sys.argv[1:]] or [3_000, 10_000, 100_000, 1_000_000]
    for n in sizes:
        subprocess.run([sys.executable, __file__, "--streaming", str(n)], check=True)
    print("profiled (cProfile slows the generation by about 5 %):")
    subprocess.run(
        [sys.executable, __file__, "--streaming", str(max(sizes)), "--profile"], check=True
    )
    for n in sizes[-2:]:
        subprocess.run([sys.executable, __file__, "--in-memory", str(n)], check=True)


if __name__ == "__main__":
    main()
