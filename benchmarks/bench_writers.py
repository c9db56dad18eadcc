"""Write (and read) speed of the event writers: events/s at 1e4, 1e5, 1e6 events, peak RSS.

Usage: ``python benchmarks/bench_writers.py [--sizes 1e4,1e5,1e6]
[--formats parquet,hepmc3,hepevt]``. Peak RSS is the process's (cumulative).
Synthetic events: ν_μ C12 → N4 C12, N4 → ν_μ e⁺ e⁻ (7 particles per event).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from nuportal.io import read_hepevt, read_hepmc, read_parquet, write_events
from nuportal.io._synthetic import synthetic_events

READERS = {"parquet": read_parquet, "hepmc3": read_hepmc, "hepevt": read_hepevt}
#: largest sample read back per format (the HepMC3 reader loops over events in Python)
READ_LIMIT = {"parquet": 10**6, "hepmc3": 10**5, "hepevt": 10**6}


def peak_rss_mb() -> float:
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024**2
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1e4,1e5,1e6")
    parser.add_argument("--formats", default="parquet,hepmc3,hepevt")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    formats = args.formats.split(",")
    print(
        f"{'format':8} {'events':>9} {'write ev/s':>12} {'read ev/s':>12} {'MB':>9} "
        f"{'peak RSS MB':>12}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            events = synthetic_events(n, seed=1)
            for fmt in formats:
                options = {"unweighted": True} if fmt == "hepevt" else {}
                if fmt == "hepevt":
                    events.event["weight"][:] = events.event["weight"].mean()
                path = Path(tmp) / f"bench.{fmt}"
                start = time.perf_counter()
                write_events(events, path, fmt, overwrite=True, **options)
                write_rate = n / (time.perf_counter() - start)
                read_rate = float("nan")
                if n <= READ_LIMIT[fmt]:
                    start = time.perf_counter()
                    READERS[fmt](path)
                    read_rate = n / (time.perf_counter() - start)
                size = path.stat().st_size / 1e6
                print(
                    f"{fmt:8} {n:9d} {write_rate:12.0f} {read_rate:12.0f} {size:9.1f} "
                    f"{peak_rss_mb():12.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
