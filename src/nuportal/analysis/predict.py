"""What other experiments should see if a MiniBooNE fit point is right.

For the best-fit point of a fit scan and the points of its 1σ (or 2σ, 3σ) region
(:func:`fit_points`), :func:`predict_experiment` generates the model's events at MicroBooNE,
SBND or ICARUS (the catalogue experiment, its flux and exposure; upscattering in the
detector and the dirt, decays forced into the detector volume) and counts the e⁺e⁻ pairs
(or single photons) made in the experiment's fiducial volume (the catalogue's ``fiducial``
shape; the whole detector volume where none is defined, e.g. SBND). Where a pair or photon
is made is its production vertex
(:func:`~nuportal.analysis.miniboone.signal.visible_vertices`): the Z' decay point of a
cascade N → ν Z', Z' → e⁺e⁻ (metres from the N decay for a long-lived Z'), else the N
decay vertex. It histograms, with the event weights (expected events), what an analysis of these
events needs (true quantities, no detector response):

* ``opening_angle``: angle between e⁺ and e⁻ [degrees];
* ``asymmetry``: energy asymmetry |E₊ − E₋| / (E₊ + E₋);
* ``beam_angle``: angle of the total visible momentum to the beam axis (+z) [degrees];
* ``energy``: total visible energy [GeV].

For photons only ``beam_angle`` and ``energy`` exist.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nuportal.analysis.miniboone.families import get_family
from nuportal.analysis.miniboone.fit import SIGMA_LEVELS
from nuportal.analysis.miniboone.response import histogram
from nuportal.analysis.miniboone.signal import visible_particles, visible_vertices
from nuportal.analysis.scan import read_results
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.experiments.catalogue import get_experiment
from nuportal.generator.events import Events
from nuportal.generator.run import EventGenerator
from nuportal.models.model import Model

__all__ = [
    "EDGES",
    "PREDICT_EXPERIMENTS",
    "ExperimentPrediction",
    "fit_points",
    "predict_experiment",
    "predict_from_fit",
]

FloatArray = NDArray[np.float64]

#: experiments of :func:`predict_from_fit`
PREDICT_EXPERIMENTS = ("microboone", "sbnd", "icarus")
#: bin edges of the distributions
EDGES: Mapping[str, FloatArray] = {
    "opening_angle": np.linspace(0.0, 180.0, 37),
    "asymmetry": np.linspace(0.0, 1.0, 21),
    "beam_angle": np.linspace(0.0, 180.0, 37),
    "energy": np.linspace(0.0, 2.0, 41),
}


@dataclass(frozen=True)
class ExperimentPrediction:
    """Expected events of one model point at one experiment.

    Attributes
    ----------
    experiment : str
    point : dict
        The fit point (masses and the coupling).
    events : float
        Expected events with the visible final state in the fiducial volume.
    mc_error : float
        Its Monte Carlo error.
    histograms : dict of ndarray
        Expected events per bin of :data:`EDGES` (see the module docstring).
    """

    experiment: str
    point: dict[str, float]
    events: float
    mc_error: float
    histograms: dict[str, FloatArray]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (the edges included)."""
        return {
            "experiment": self.experiment,
            "point": self.point,
            "events": self.events,
            "mc_error": self.mc_error,
            "histograms": {k: v.tolist() for k, v in self.histograms.items()},
            "edges": {k: EDGES[k].tolist() for k in self.histograms},
        }


def _angle(a: FloatArray, b: FloatArray) -> FloatArray:
    norm = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    cos = np.einsum("ij,ij->i", a, b) / np.where(norm > 0, norm, 1.0)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _distributions(
    events: Events, final_state: str
) -> tuple[dict[str, FloatArray], NDArray[np.bool_]]:
    first, second, present = visible_particles(events, final_state)
    total = first if second is None else first + second
    beam = np.zeros_like(total[:, 1:])
    beam[:, 2] = 1.0
    values = {"beam_angle": _angle(total[:, 1:], beam), "energy": total[:, 0]}
    if second is not None:
        values["opening_angle"] = _angle(first[:, 1:], second[:, 1:])
        energy = np.where(total[:, 0] > 0, total[:, 0], 1.0)
        values["asymmetry"] = np.abs(first[:, 0] - second[:, 0]) / energy
    return values, present


def predict_experiment(
    model: Model,
    experiment: str,
    final_state: str = "e+e-",
    *,
    point: Mapping[str, float] | None = None,
    n_events: int = 3000,
    seed: int = 1,
    data_dir: str | os.PathLike[str] | None = None,
) -> ExperimentPrediction:
    """Expected events of ``model`` at ``experiment`` (see the module docstring)."""
    if experiment not in PREDICT_EXPERIMENTS:
        raise NuportalError(unknown_name_message("experiment", experiment, PREDICT_EXPERIMENTS))
    exp = get_experiment(experiment)
    generator = EventGenerator(model, exp, final_state=final_state, seed=seed, data_dir=data_dir)
    generator.allocate(n_events)
    parts = list(generator.batches())
    if not parts:
        return ExperimentPrediction(experiment, dict(point or {}), 0.0, 0.0, {})
    events = Events.concatenate(parts)
    values, present = _distributions(events, final_state)
    if exp.fiducial is not None:
        present &= exp.fiducial.contains(visible_vertices(events, final_state))
    weight = np.where(present, events.event["weight"], 0.0)
    return ExperimentPrediction(
        experiment,
        dict(point or {}),
        float(weight.sum()),
        float(np.sqrt(np.sum(weight**2))),
        {k: histogram(v, weight, EDGES[k])[0] for k, v in values.items()},
    )


def fit_points(
    results: str | os.PathLike[str], sigma: int | None = 1
) -> tuple[dict[str, Any], list[tuple[dict[str, float], dict[str, Any]]]]:
    """The configuration of a fit results file and its points ordered by the statistic: the best
    point, then (for ``sigma`` 1, 2 or 3) every point with a signal inside that region."""
    header, records = read_results(results)
    config = header.get("config", {})
    if "family" not in config or not records:
        raise NuportalError(f"{results} is not a finished MiniBooNE fit results file")
    statistic = config.get("statistic", "chi2")
    ordered = sorted(records, key=lambda r: r["result"][statistic])
    best = ordered[0]["result"][statistic]
    if sigma is not None and sigma not in SIGMA_LEVELS:
        raise NuportalError(f"sigma must be one of {sorted(SIGMA_LEVELS)}, got {sigma}")
    level = 0.0 if sigma is None else SIGMA_LEVELS[sigma]
    chosen = [
        (r["point"], r["result"])
        for k, r in enumerate(ordered)
        if k == 0 or (r["result"]["allowed"] and r["result"][statistic] - best <= level)
    ]
    return config, chosen


def predict_from_fit(
    results: str | os.PathLike[str],
    experiment: str,
    *,
    sigma: int | None = 1,
    max_points: int = 10,
    n_events: int = 3000,
    seed: int = 1,
    data_dir: str | os.PathLike[str] | None = None,
) -> list[ExperimentPrediction]:
    """Predictions at ``experiment`` for the best point of a fit and up to ``max_points − 1``
    more of its ``sigma`` region (in order of the statistic); the coupling of each point is
    its best-fit (profiled) value."""
    config, points = fit_points(results, sigma)
    family = get_family(config["family"])
    out = []
    for point, result in points[:max_points]:
        full = {**point, family.coupling: point.get(family.coupling, result["coupling"])}
        model = family.model(full, config.get("fermion", "dirac"))
        out.append(
            predict_experiment(
                model,
                experiment,
                family.final_state,
                point=full,
                n_events=n_events,
                seed=seed,
                data_dir=data_dir,
            )
        )
    return out
