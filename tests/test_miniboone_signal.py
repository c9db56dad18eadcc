"""MiniBooNE signal predictions from generated events (generate → response → histograms).

* The coupling-independent folding of :class:`ResponseSample` is the arithmetic of
  :func:`reconstruct_pairs` with a vertex (second method, same random numbers): equal to
  rounding.
* Reweighted and regenerated predictions, binned and response-folded, agree within the
  Monte Carlo error at three couplings from long-lived to short-lived N4 (3+1 heavy Z',
  m4 = 0.3 GeV, reweighted from |U_μ4|² = 1e-5 (cτ = 2.7e3 cm) to 1e-6, 1e-4 and 1e-3
  (cτ = 2.7e4, 270 and 27 cm).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import stats

from nuportal.analysis.miniboone.families import get_family
from nuportal.analysis.miniboone.response import reconstruct_pairs
from nuportal.analysis.miniboone.reweight import reweight
from nuportal.analysis.miniboone.signal import (
    EXPOSURE_POT,
    fold_response,
    generate_sample,
)
from nuportal.errors import NuportalError
from nuportal.generator.events import STATUS_FINAL
from nuportal.models.benchmarks import benchmark_model

pytestmark = pytest.mark.data

HEAVY = get_family("3+1-heavy-zprime")
M4 = 0.3


@functools.cache
def _sample(u2: float, events: int, seed: int):  # type: ignore[no-untyped-def]
    model = HEAVY.model({"m4": M4, "Umu4sq": u2})
    return model, generate_sample(model, "e+e-", events, seed, roles=("detector",))


def test_exposure_is_the_2020_nu_mode() -> None:
    assert pytest.approx(18.75e20) == EXPOSURE_POT


def test_folding_equals_reconstruct_pairs(data_dir) -> None:  # type: ignore[no-untyped-def]
    events = generate_sample(benchmark_model(), "e+e-", 1500, 3, roles=("detector",))
    folded = fold_response(events, "e+e-", np.random.default_rng(5), data_dir=data_dir)
    p = events.particles
    final = p["status"] == STATUS_FINAL
    first = events.offsets[:-1]
    owner = np.repeat(np.arange(len(events)), events.multiplicity)

    def momenta(pdg: int) -> np.ndarray:
        rows = np.nonzero(final & (p["pdg"] == pdg))[0]
        _, k = np.unique(owner[rows], return_index=True)
        assert len(k) == len(events)  # one pair per event in this model
        return np.stack([p[c][rows[k]] for c in ("e", "px", "py", "pz")], axis=1)

    ev = events.event
    vertex = np.stack([ev[f"decay_{a}"] for a in "xyz"], axis=1)
    reco = reconstruct_pairs(
        momenta(-11), momenta(11), np.random.default_rng(5), vertex=vertex,
        weights=ev["weight"], data_dir=data_dir,
    )  # fmt: skip
    assert len(first) == len(events)
    h = folded.histograms()
    for name in ("enu_qe", "evis", "cos_theta"):
        np.testing.assert_allclose(getattr(h, name), reco.histogram(name), rtol=1e-12, atol=0)


def test_photon_final_state_of_the_dipole(data_dir) -> None:  # type: ignore[no-untyped-def]
    model = get_family("transition-magnetic-moment").model({"m4": 0.4, "mu_tr_mu4": 1e-6})
    events = generate_sample(model, "photon", 500, 2, roles=("detector",))
    h = fold_response(events, "photon", np.random.default_rng(1)).histograms()
    assert h.selected > 0
    assert np.all(h.enu_qe >= 0)


def test_unknown_final_state() -> None:
    _model, events = _sample(1e-5, 300, 9)
    with pytest.raises(NuportalError, match="signal final state"):
        fold_response(events, "mu+mu-", np.random.default_rng(1))


@pytest.mark.parametrize("u2", [1e-6, 1e-4, 1e-3])
def test_reweighted_equals_regenerated(u2: float, data_dir) -> None:  # type: ignore[no-untyped-def]
    """Binned, folded signal at |U_μ4|² = u2: reweighted from 1e-5 vs generated at u2.

    Compared per E_QE bin (bins with at least 5 % of the total) and in total with the
    combined Monte Carlo errors; the bin test is a χ² with a 0.1 % tail threshold.
    """
    reference, events = _sample(1e-5, 6000, 11)
    model, direct = _sample(u2, 6000, 12)
    folded = fold_response(events, "e+e-", np.random.default_rng(1), data_dir=data_dir)
    new = reweight(events, reference, model, np.random.default_rng(2))
    a = folded.histograms(new.weight, new.decay)
    b = fold_response(direct, "e+e-", np.random.default_rng(3), data_dir=data_dir).histograms()
    total_error = np.hypot(np.sqrt(np.sum(a.enu_qe_error**2)), np.sqrt(np.sum(b.enu_qe_error**2)))
    assert abs(a.enu_qe.sum() - b.enu_qe.sum()) < 3.5 * total_error
    keep = (a.enu_qe + b.enu_qe) > 0.1 * (a.enu_qe.sum() + b.enu_qe.sum()) / 2
    pull2 = (a.enu_qe - b.enu_qe) ** 2 / (a.enu_qe_error**2 + b.enu_qe_error**2)
    assert stats.chi2.sf(pull2[keep].sum(), keep.sum()) > 1e-3
