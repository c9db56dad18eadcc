"""CPU time of the upscattering sampling of the event generator (run by hand, not by CI).

    NUPORTAL_DATA=../shared/data python benchmarks/bench_production.py [N]

For the default generator (benchmark model, MiniBooNE ν mode, e⁺e⁻, forced decays) and
N events in total (default 1e6, shared among the cases as :meth:`EventGenerator.allocate`
does): the CPU time (``time.process_time``, median of 3) of ``ProductionSampler.sample``
over all cases in chunks of the generator's size, of ``lab_momenta`` on the sampled points,
and of ``q2_limits``; then the per-case split of the sampling time.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from nuportal.generator.run import CHUNK, EventGenerator
from nuportal.models import benchmark_model
from nuportal.physics.kinematics import lab_momenta, q2_limits

REPEATS = 3


def _cpu(task: Callable[[], object]) -> float:
    """Median CPU time of ``task`` over :data:`REPEATS` runs, in s."""
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        task()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    n_total = int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000
    gen = EventGenerator(benchmark_model(), "miniboone_numode", seed=1)
    gen.allocate(n_total)
    chunks = [
        (case, min(CHUNK, case.events - start))
        for case in gen.cases
        for start in range(0, case.events, CHUNK)
    ]
    events = sum(n for _, n in chunks)

    def sample_all() -> list:
        rng = np.random.default_rng(2)
        return [(case, case.sampler.sample(n, rng)) for case, n in chunks]

    samples = sample_all()
    t_sample = _cpu(sample_all)
    t_lab = _cpu(
        lambda: [
            lab_momenta(s.energy, s.q2, c.sampler.ups.m_lepton, c.sampler.ups.m_target)
            for c, s in samples
        ]
    )
    t_lim = _cpu(
        lambda: [
            q2_limits(s.energy, c.sampler.ups.m_lepton, c.sampler.ups.m_target) for c, s in samples
        ]
    )
    per = 1e6 / events
    print(f"{len(gen.cases)} cases, {events} events (CPU s per 1e6 events, median of {REPEATS})")
    print(f"  ProductionSampler.sample: {t_sample * per:.3f} s")
    print(f"  lab_momenta:              {t_lab * per:.3f} s")
    print(f"  q2_limits:                {t_lim * per:.3f} s")
    by_regime: dict[str, float] = {}
    for case, n in chunks:
        rng = np.random.default_rng(3)
        t = _cpu(lambda c=case, k=n, r=rng: c.sampler.sample(k, r))
        key = case.sampler.ups.channel.regime
        by_regime[key] = by_regime.get(key, 0.0) + t
    for key, t in by_regime.items():
        share = sum(n for c, n in chunks if c.sampler.ups.channel.regime == key) / events
        print(f"  sample, {key:9s} cases: {t * per:.3f} s ({share:.0%} of the events)")


if __name__ == "__main__":
    main()
