"""Two-neutrino νμ → νe (ν̄μ → ν̄e) appearance signal from the fully oscillated ntuples.

The probability is the two-flavour short-baseline formula

.. math:: P(L, E) = \\sin^2 2\\theta \\, \\sin^2\\!\\left(k\\,
          \\frac{\\Delta m^2[\\mathrm{eV}^2]\\, L[\\mathrm{km}]}{E[\\mathrm{GeV}]}\\right),

evaluated per ntuple event at its true energy and flight distance, and the expected signal in
reconstructed-energy bin *i* is ``S_i = Σ_{events in i} w P / n_rows`` (data release notes of
arXiv:2006.16883). The ntuples store L in cm and E in MeV; :mod:`.release` converts E to GeV,
and :data:`nuportal.units.km` converts L from cm to km here.

The phase constant
------------------
``k = 1.26693`` for ħ = c = 1 (often written 1.267). The official MiniBooNE likelihood
surfaces are reproduced best with the rounded **k = 1.27** (:data:`PHASE_CONSTANT`, the
default): over the full 190 × 190 grids of the 2020 and 2018 ν-only surfaces the largest
deviation of −2 ln L is 0.15 with k = 1.27 but 0.87 with k = 1.267, and scanning k the
agreement is best at 1.269–1.270 (for the combined surfaces too, within Δ(−2 ln L) < 100 of
the minimum: 0.25 vs 0.88). Both give the minima to ±0.01. Pass ``phase_constant=1.267`` for
the exact value.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.analysis.miniboone.release import (
    OscillationNtuple,
    PathLike,
    fit_modes,
    load_ntuple,
    load_release,
)
from nuportal.errors import NuportalError
from nuportal.units import km

__all__ = ["PHASE_CONSTANT", "OscillationSignal", "oscillation_probability"]

FloatArray = NDArray[np.float64]

#: k of the phase k Δm²[eV²] L[km] / E[GeV] used by the official MiniBooNE fits (see above)
PHASE_CONSTANT = 1.27
#: number of (Δm² value × event) products evaluated at once (memory bound)
_CHUNK = 4_000_000


def oscillation_probability(
    dm2: ArrayLike,
    sin2_2theta: ArrayLike,
    length: ArrayLike,
    energy: ArrayLike,
    phase_constant: float = PHASE_CONSTANT,
) -> FloatArray:
    """Two-flavour appearance probability.

    Parameters
    ----------
    dm2 : array_like
        Δm² [eV²].
    sin2_2theta : array_like
        sin²2θ (the amplitude), in [0, 1].
    length : array_like
        Baseline [cm].
    energy : array_like
        Neutrino energy [GeV].
    phase_constant : float
        k in the phase (default :data:`PHASE_CONSTANT` = 1.27).

    Returns
    -------
    ndarray
        ``sin2_2theta * sin(k dm2 L[km] / E[GeV])**2`` (broadcast).
    """
    phase = phase_constant / km * np.asarray(dm2, float) * np.asarray(length, float)
    return np.asarray(sin2_2theta, float) * np.sin(phase / np.asarray(energy, float)) ** 2


class OscillationSignal:
    """The 3+1 (two-neutrino) appearance signal of a MiniBooNE fit, from the official ntuples.

    Parameters
    ----------
    release : {"2020", "2018", "2012"}
    fit : {"nu", "nubar", "combined"}
        For ``"combined"`` the ν̄-mode signal comes from the combined-fit ntuple
        (``fullosc_ntuple_nubarmode_combinedfit.txt``); for ``"nubar"`` from the ν̄-only one.
    data_dir : path, optional
    phase_constant : float
        k of the oscillation phase (default 1.27, see the module docstring).

    Examples
    --------
    >>> signal = OscillationSignal("2020", "combined")          # doctest: +SKIP
    >>> signal(0.0431696, 0.807239).shape                         # doctest: +SKIP
    (22,)
    """

    def __init__(
        self,
        release: str | int = "2020",
        fit: str = "combined",
        data_dir: PathLike = None,
        *,
        phase_constant: float = PHASE_CONSTANT,
    ):
        self.phase_per_cm = phase_constant / km
        self.modes = fit_modes(fit)
        self.fit = fit
        rel = load_release(release, data_dir)
        self.release = rel.name
        self.edges = rel.edges
        self.ntuples: tuple[OscillationNtuple, ...] = tuple(
            load_ntuple(rel.name, mode, fit, data_dir) for mode in self.modes
        )
        # per mode: the events inside the binning, their L/E [cm/GeV] and their (bin, weight)
        self._l_over_e: list[FloatArray] = []
        self._onehot: list[FloatArray] = []
        n_bins = len(self.edges) - 1
        for nt in self.ntuples:
            inside = (nt.e_reco >= self.edges[0]) & (nt.e_reco < self.edges[-1])
            index = np.searchsorted(self.edges, nt.e_reco[inside], side="right") - 1
            onehot = np.zeros((int(inside.sum()), n_bins))
            onehot[np.arange(len(index)), index] = nt.weight[inside] / nt.n_rows
            self._l_over_e.append(nt.length[inside] / nt.e_true[inside])
            self._onehot.append(onehot)

    @property
    def size(self) -> int:
        """Length of the signal vector: 11 E_QE bins per mode."""
        return sum(o.shape[1] for o in self._onehot)

    def full_transmutation(self) -> FloatArray:
        """Signal for P = 1 in every event (events per bin, modes concatenated)."""
        return np.concatenate([o.sum(axis=0) for o in self._onehot])

    def shape(self, dm2: ArrayLike) -> FloatArray:
        """Signal for sin²2θ = 1 at each Δm² [eV²]: shape ``dm2.shape + (size,)``."""
        d = np.asarray(dm2, dtype=np.float64)
        if not np.all(np.isfinite(d)) or np.any(d < 0):
            raise NuportalError("Δm² must be finite and non-negative (in eV²)")
        flat = d.reshape(-1)
        parts = []
        for l_over_e, onehot in zip(self._l_over_e, self._onehot, strict=True):
            out = np.empty((len(flat), onehot.shape[1]))
            step = max(1, _CHUNK // max(len(l_over_e), 1))
            for start in range(0, len(flat), step):
                phase = self.phase_per_cm * flat[start : start + step, None] * l_over_e
                out[start : start + step] = np.sin(phase) ** 2 @ onehot
            parts.append(out)
        return np.concatenate(parts, axis=-1).reshape((*d.shape, self.size))

    def __call__(self, dm2: ArrayLike, sin2_2theta: ArrayLike) -> FloatArray:
        """Expected signal events per E_QE bin for (Δm² [eV²], sin²2θ), broadcast.

        Returns an array of shape ``broadcast(dm2, sin2_2theta).shape + (11 × n_modes,)``,
        the ν-mode bins first for the combined fit.
        """
        s2 = np.asarray(sin2_2theta, dtype=np.float64)
        if not np.all(np.isfinite(s2)) or np.any(s2 < 0) or np.any(s2 > 1):
            raise NuportalError("sin²2θ must be in [0, 1]")
        d, s2 = np.broadcast_arrays(np.asarray(dm2, dtype=np.float64), s2)
        unique, inverse = np.unique(d, return_inverse=True)
        shapes = self.shape(unique)[inverse.reshape(d.shape)]
        return s2[..., None] * shapes
