"""Recasts of the invisible dark-photon searches for semi-visible dark photons.

A search for A' → invisible (BaBar mono-photon, NA64 missing energy) counts
N = C(m) ε² events for an A' that always decays invisibly. When the A' decays through
chains A' → ψ_i (ψ_j → ψ_k ℓ⁺ℓ⁻) (arXiv:2302.05410), a signal event passes the selection
only with the probability η(m, ε) that the chain still looks invisible, so

    N_new(m, ε) = C(m) ε² η(m, ε),   η = Σ_chains BR_c(ε) P_c(ε),

and the published limit ε_pub(m) (where N = N_lim) becomes the set of ε with
ε² η(m, ε) ≥ ε²_pub(m). For an ε-independent η this is ε²_new = ε²_pub / η; the ψ_j
lifetime ∝ 1/ε² makes η fall at large ε, so the excluded set is an interval
[ε_lower, ε_upper] (possibly empty), found here self-consistently on a log grid in ε and
refined by bisection.

P_c for one event of a chain: ψ_j flies along a straight line through *zones* (intervals
of flight distance [s_a, s_b) in cm, each with a flag "the event still passes when ψ_j
decays here"); with the lab decay length λ = βγ cτ the exponential law gives

    P = Σ_zones pass × (exp(−s_a/λ) − exp(−s_b/λ)),

averaged over a sample of production and decay kinematics (:mod:`nuportal.generator.
darkphoton`). :func:`sampled_pass` gives the Monte Carlo estimate of the same probability
from exponentially distributed decay points. Invisible chains have P = 1, prompt visible
A' decays P = 0. This closed form serves the chains of one displaced decay
A' → ψ_i (ψ_j → ψ_k ℓ⁺ℓ⁻), ℓ = e, μ (the fixed shapes of
:class:`~nuportal.generator.darkphoton.Chain`).

General chains (several displaced decays: both ψ's of A' → ψ_i ψ_j unstable, ψ_j → ψ_k A'
cascades, hadrons or τ pairs, invisible ψ_j → ψ_a ψ_b ψ_c on the way) use Monte Carlo
events of the generator (:class:`CascadeSample`): an event passes if no visible final
product (e, μ, τ, hadronic system) is produced where the search would see it, judged at
every decay vertex of the chain. The events are drawn once per mass with unit proper decay
lengths and every vertex is placed again for the cτ values at each ε (the same random
numbers at every ε, so η(ε) is a step function without noise between ε values); the
statistical error of η is :func:`efficiency_error`.

Experiments: :mod:`nuportal.analysis.recast.babar`, :mod:`nuportal.analysis.recast.na64`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from nuportal.analysis.limits.curves import LimitCurve
from nuportal.constants import PDG_ELECTRON, PDG_HADRONIC_SYSTEM, PDG_MUON, PDG_TAU
from nuportal.errors import NuportalError
from nuportal.generator.darkphoton import Chain, step_vertices

__all__ = [
    "FLOOR_ETA",
    "VISIBLE_PDGS",
    "CascadeSample",
    "ChainModel",
    "Zones",
    "chain_sampler",
    "efficiency",
    "efficiency_error",
    "excluded_band",
    "excluded_intervals",
    "pass_probability",
    "recast_curve",
    "sampled_pass",
    "visible_rows",
]


#: η at the lower edge below which an excluded interval counts as a large-ε floor region
FLOOR_ETA = 0.1
#: |PDG numbers| of the final products a search can see (charged leptons, hadronic system)
VISIBLE_PDGS = frozenset({PDG_ELECTRON, PDG_MUON, PDG_TAU, PDG_HADRONIC_SYSTEM})


class ChainModel(Protocol):
    """A model's A' decay chains at (m_A' [GeV], ε): same chains, in the same order, at
    every ε of one mass (only branching ratios and cτ may change with ε)."""

    def __call__(self, m_aprime: float, epsilon: float) -> Sequence[Chain]: ...


@dataclass(frozen=True)
class Zones:
    """Flight-distance zones of ψ_j for n events.

    Attributes
    ----------
    edges : numpy.ndarray
        (n, k + 1) increasing distances in cm from the ψ_j production point, first 0, last
        may be ``inf``.
    passes : numpy.ndarray
        (n, k) booleans: the event passes the selection if ψ_j decays in that zone.
    boost : numpy.ndarray
        (n,) βγ = |p|/m of ψ_j in the lab; the lab decay length is βγ cτ.
    """

    edges: np.ndarray
    passes: np.ndarray
    boost: np.ndarray

    def __post_init__(self) -> None:
        n, k = self.passes.shape
        if self.edges.shape != (n, k + 1) or self.boost.shape != (n,):
            raise ValueError("zones: edges (n, k+1), passes (n, k), boost (n,)")
        if np.any(np.diff(self.edges, axis=1) < 0) or np.any(self.edges[:, 0] != 0):
            raise ValueError("zone edges must start at 0 and not decrease")


def pass_probability(zones: Zones, ctau: float) -> np.ndarray:
    """Per-event probability (n,) that ψ_j of proper decay length ``ctau`` (cm) decays in a
    passing zone: Σ pass × (exp(−s_a/λ) − exp(−s_b/λ)), λ = βγ cτ."""
    if not ctau > 0:
        raise NuportalError(f"cτ must be positive (cm); got {ctau}")
    length = zones.boost * ctau
    with np.errstate(over="ignore"):
        survive = np.exp(-zones.edges / length[:, None])
    return np.sum(zones.passes * (survive[:, :-1] - survive[:, 1:]), axis=1)


def sampled_pass(zones: Zones, ctau: float, rng: np.random.Generator) -> np.ndarray:
    """Monte Carlo version of :func:`pass_probability`: booleans (n,) from one exponential
    decay distance per event."""
    distance = rng.exponential(1.0, len(zones.boost)) * zones.boost * ctau
    inside = (distance[:, None] >= zones.edges[:, :-1]) & (distance[:, None] < zones.edges[:, 1:])
    return np.any(inside & zones.passes, axis=1)


def visible_rows(chain: Chain) -> tuple[int, ...]:
    """Rows of ``chain``'s final products that a search can see (:data:`VISIBLE_PDGS`)."""
    decayed = chain.decayed
    return tuple(
        r for r, pdg in enumerate(chain.pdgs) if abs(pdg) in VISIBLE_PDGS and not decayed[r]
    )


@dataclass(frozen=True)
class CascadeSample:
    """Monte Carlo events of one chain for its pass probability (module docstring).

    Attributes
    ----------
    origin : numpy.ndarray
        (n, 3) A' production vertices in cm.
    flights : tuple[numpy.ndarray, ...]
        Per step of the chain, the parent's displacement (n, 3) in units of its cτ
        (:class:`~nuportal.generator.darkphoton.ChainDecay`).
    rows : tuple[int, ...]
        The chain's visible final rows (:func:`visible_rows`).
    judge : callable
        ``judge(points)``: points (n, len(rows), 3) in cm where the visible rows are
        produced → booleans (n,): the event passes the search (the experiment's rule, with
        the event's energies bound in).
    """

    origin: np.ndarray
    flights: tuple[np.ndarray, ...]
    rows: tuple[int, ...]
    judge: Callable[[np.ndarray], np.ndarray]

    def passes(self, chain: Chain) -> np.ndarray:
        """Booleans (n,): the events pass with the decay lengths cτ of ``chain``'s steps."""
        if len(chain.steps) != len(self.flights):
            raise NuportalError(f"chain {chain.label!r} does not have the sampled steps")
        places, _ = step_vertices(chain, self.origin, self.flights)
        origins = chain.origins
        return self.judge(np.stack([places[origins[r]] for r in self.rows], axis=1))


def _pass_moments(chain: Chain, sample: Zones | CascadeSample | None) -> tuple[float, float]:
    """Mean pass probability of one chain and its statistical error (over the sample)."""
    if isinstance(sample, CascadeSample):
        values = sample.passes(chain).astype(float)
    elif chain.kind == "invisible":
        return 1.0, 0.0
    elif chain.kind == "semi-visible" and sample is not None:
        values = pass_probability(sample, chain.ctau)
    else:
        return 0.0, 0.0
    return float(np.mean(values)), float(np.std(values) / np.sqrt(len(values)))


def _efficiency_terms(
    model: ChainModel,
    m_aprime: float,
    epsilons: np.ndarray,
    samples: Sequence[Zones | CascadeSample | None],
) -> tuple[np.ndarray, np.ndarray]:
    """η(ε) and its variance from the samples' finite size."""
    eta, variance = np.zeros(len(epsilons)), np.zeros(len(epsilons))
    for i, eps in enumerate(epsilons):
        chains = model(m_aprime, float(eps))
        if len(chains) != len(samples):
            raise NuportalError("the model must give the same chains at every ε of a mass")
        for chain, sample in zip(chains, samples, strict=True):
            mean, error = _pass_moments(chain, sample)
            eta[i] += chain.branching * mean
            variance[i] += (chain.branching * error) ** 2
    return eta, variance


def efficiency(
    model: ChainModel,
    m_aprime: float,
    epsilons: np.ndarray,
    samples: Sequence[Zones | CascadeSample | None],
) -> np.ndarray:
    """η(ε) = Σ_c BR_c(ε) ⟨P_c(ε)⟩ at one mass for the ε values ``epsilons``.

    ``samples`` are the zones (closed form) or Monte Carlo events (:class:`CascadeSample`)
    of ``model(m_aprime, ·)``'s chains, in order (``None`` for chains without a displaced
    decay or without a visible product: P = 1 for invisible chains, else 0).
    """
    return _efficiency_terms(model, m_aprime, epsilons, samples)[0]


def efficiency_error(
    model: ChainModel,
    m_aprime: float,
    epsilons: np.ndarray,
    samples: Sequence[Zones | CascadeSample | None],
) -> np.ndarray:
    """Statistical error of :func:`efficiency` from the finite samples: per chain the
    standard error of the mean of the per-event pass probability (closed form) or pass
    flag (Monte Carlo), × BR, added in quadrature."""
    return np.sqrt(_efficiency_terms(model, m_aprime, epsilons, samples)[1])


def chain_sampler(
    zones: Callable[[Chain, float, int, np.random.Generator], Zones | None],
    events: Callable[[Chain, float, int, np.random.Generator], CascadeSample | None],
    n_events: int,
    seed: int,
    model: ChainModel | None = None,
    eps_range: tuple[float, float] = (1e-7, 0.3),
) -> Callable[[float, Sequence[Chain]], list[Zones | CascadeSample | None]]:
    """``sampler(m, chains)`` for :func:`excluded_band`: ``zones(chain, m, n, rng)`` for the
    fixed chain shapes (``n_events`` each, one generator from ``seed``),
    ``events(chain, m, n, rng)`` for the general chains (a second generator from
    ``(seed, 1)``, so that the fixed shapes' samples do not depend on which general chains
    a model has). With ``model``, a general chain gets n = max(200, n_events × its largest
    BR at 5 ε values spread over ``eps_range``) events (the variance of η goes as BR²/n),
    else ``n_events``.
    """
    rng = np.random.default_rng(seed)
    rng_events = np.random.default_rng([seed, 1])

    def sampler(m: float, chains: Sequence[Chain]) -> list[Zones | CascadeSample | None]:
        shares = [1.0] * len(chains)
        if model is not None:
            grid = [model(m, float(e)) for e in np.geomspace(*eps_range, 5)]
            shares = [max(c.branching for c in column) for column in zip(*grid, strict=True)]
        return [
            events(c, m, max(200, int(np.ceil(n_events * share))), rng_events)
            if c.cascade
            else zones(c, m, n_events, rng)
            for c, share in zip(chains, shares, strict=True)
        ]

    return sampler


def excluded_intervals(
    signal: Callable[[np.ndarray], np.ndarray],
    target: float,
    eps_range: tuple[float, float] = (1e-7, 0.3),
    points: int = 61,
    steps: int = 24,
) -> list[tuple[float, float]]:
    """The intervals [ε_lower, ε_upper] where ``signal(ε) ≥ target``, in increasing ε.

    ``signal`` is vectorised (here ε² η(ε)). The intervals are those of a log grid of
    ``points`` values in ``eps_range``; their edges are refined by bisection in ln ε
    (``steps`` halvings) and a last secant step in (ln ε, ln signal), exact where the signal
    is a power of ε. An edge at the end of the range is reported as ``inf`` (upper) or the
    range's start (lower). Two intervals appear when η has a floor at large ε (e.g. decays
    whose leptons are too soft to be seen).
    """
    grid = np.geomspace(*eps_range, points)
    above = np.concatenate([[False], signal(grid) >= target, [False]])
    starts = np.flatnonzero(~above[:-1] & above[1:])  # first grid index inside
    stops = np.flatnonzero(above[:-1] & ~above[1:]) - 1  # last grid index inside

    def log_excess(log_eps: float) -> float:
        value = signal(np.array([np.exp(log_eps)]))[0]
        return float(np.log(value / target)) if value > 0 else -np.inf

    def edge(inside: float, outside: float) -> float:
        lo, hi = np.log(inside), np.log(outside)
        for _ in range(steps):
            mid = 0.5 * (lo + hi)
            if log_excess(mid) >= 0:
                lo = mid
            else:
                hi = mid
        f_lo, f_hi = log_excess(lo), log_excess(hi)
        if np.isfinite(f_hi) and f_lo != f_hi:
            return float(np.exp(lo - f_lo * (hi - lo) / (f_hi - f_lo)))
        return float(np.exp(0.5 * (lo + hi)))

    out = []
    for first, last in zip(starts, stops, strict=True):
        lower = grid[0] if first == 0 else edge(grid[first], grid[first - 1])
        upper = np.inf if last == points - 1 else edge(grid[last], grid[last + 1])
        out.append((float(lower), float(upper)))
    return out


def excluded_band(
    model: ChainModel,
    masses: ArrayLike,
    targets: ArrayLike,
    sampler: Callable[[float, Sequence[Chain]], Sequence[Zones | CascadeSample | None]],
    norms: ArrayLike = 1.0,
    eps_range: tuple[float, float] = (1e-7, 0.3),
) -> tuple[np.ndarray, np.ndarray]:
    """Per mass, the ε intervals where ``norm`` ε² η(m, ε) ≥ ``target`` (self-consistent: η
    is evaluated at each ε; :func:`excluded_intervals`). Returns (lower, upper) arrays of
    shape (masses, k), k the largest number of intervals at one mass (at least 1), inf
    where there is no (further) interval or the target is not finite.

    ``sampler(m, chains)`` builds the zones of the chains (experiment-specific); the chain
    structure is taken from ``model(m, 1e-3)``.
    """
    m_arr, t_arr, n_arr = np.broadcast_arrays(
        np.asarray(masses, float), np.asarray(targets, float), np.asarray(norms, float)
    )
    found: list[list[tuple[float, float]]] = []
    for m, target, norm in zip(m_arr, t_arr, n_arr, strict=True):
        if not (np.isfinite(target) and norm > 0):
            found.append([])
            continue
        samples = sampler(float(m), model(float(m), 1e-3))

        def signal(eps: np.ndarray, m: float = float(m), samples=samples, norm=norm):  # type: ignore[no-untyped-def]
            return norm * eps**2 * efficiency(model, m, eps, samples)

        found.append(excluded_intervals(signal, float(target), eps_range))
    k = max(1, *(len(f) for f in found))
    lower = np.full((len(found), k), np.inf)
    upper = np.full((len(found), k), np.inf)
    for i, intervals in enumerate(found):
        for j, (lo, hi) in enumerate(intervals):
            lower[i, j], upper[i, j] = lo, hi
    return lower, upper


def recast_curve(
    model: ChainModel,
    curve: LimitCurve,
    sampler: Callable[[float, Sequence[Chain]], Sequence[Zones | CascadeSample | None]],
    masses: ArrayLike | None = None,
) -> list[LimitCurve]:
    """The published upper-limit ``curve`` recast: ε² η(m, ε) ≥ ε²_pub(m)
    (:func:`excluded_band`), as curves of kind ``"band"`` (``lower < ε < upper`` excluded;
    invalid where nothing is excluded). ``masses`` (GeV): evaluate there (the published
    curve interpolated) instead of at the curve's own points.

    The first curve holds the excluded region that continues the published limit, the
    second (if any) a region at large ε where η has a small floor (e.g. ψ decays with both
    leptons too soft to be seen): an interval goes to the second curve when η at its lower
    edge, (ε_pub/ε_lower)², is below :data:`FLOOR_ETA`, so that each curve is continuous in
    mass.
    """
    if curve.kind != "upper":
        raise NuportalError(f"curve {curve.key!r} is not an upper-limit line (kind {curve.kind})")
    if masses is None:
        grid, eps_pub = curve.mass, np.where(curve.valid, curve.lower, np.inf)
    else:
        grid = np.asarray(masses, float)
        value = curve.evaluate(grid)
        eps_pub = np.where(value.defined, value.lower, np.inf)
    if grid.size < 2:
        raise NuportalError("a recast curve needs at least two masses")
    lower, upper = excluded_band(model, grid, eps_pub**2, sampler)
    slots: list[tuple[np.ndarray, np.ndarray]] = []
    for i in range(grid.size):
        taken: set[int] = set()
        for lo, hi in zip(lower[i], upper[i], strict=True):
            if not np.isfinite(lo):
                continue
            slot = 0 if (eps_pub[i] / lo) ** 2 >= FLOOR_ETA else 1
            while slot in taken:
                slot += 1
            taken.add(slot)
            while len(slots) <= slot:
                slots.append((np.full(grid.size, np.inf), np.full(grid.size, np.inf)))
            slots[slot][0][i], slots[slot][1][i] = lo, hi
    out = []
    for j, (lo_j, hi_j) in enumerate(slots or [(lower[:, 0], upper[:, 0])]):
        found = np.isfinite(lo_j)
        suffix = "" if j == 0 else f" {j + 1}"
        out.append(
            replace(
                curve,
                mass=grid,
                lower=np.where(found, lo_j, 1.0),
                upper=np.where(found, hi_j, 1.0),
                valid=found,
                key=f"{curve.key}_recast{suffix.strip()}",
                label=f"{curve.label} (recast{suffix})",
                category="recast",
                kind="band",
            )
        )
    return out
