"""MiniBooNE's published statistical prescription: χ², −2 ln L and the νμ-constrained excess.

The likelihood (arXiv:2006.16883, Sec. VI, and its data release notes)
-----------------------------------------------------------------------
For each mode the prediction vector is ``P = [S (11), B (11), N_μ (8)]``: νe signal,
unconstrained νe background and νμ CCQE prediction (a combined fit stacks the ν and ν̄
vectors). With the fractional covariance F of the release,

1. ``M_ij = F_ij P_i P_j`` (absolute covariance);
2. ``M_ii += S_i`` on the signal bins: the signal's own Poisson variance. Nothing else is
   added: F already holds the statistical terms of the background and νμ predictions;
3. the signal and background blocks are *collapsed* (their rows and columns summed) into one
   νe block, giving the ``19 × 19`` (ν or ν̄) or ``38 × 38`` (combined) matrix C, and the
   prediction into ``p = [S + B, N_μ]`` per mode;
4. ``χ² = rᵀ C⁻¹ r`` with ``r = d − p`` (d: observed νe and νμ events), and the test
   statistic of the official fits ``−2 ln L = χ² + ln det C``.

This reproduces the official likelihood surfaces of the 2020 release (tests
``test_miniboone_statistics.py``): minimum 344.519 (combined) and 199.290 (ν only).

The excess
----------
The νμ-constrained background is the conditional Gaussian mean of the νe background given
the observed νμ samples, ``b_c = b + Σ_bμ Σ_μμ⁻¹ (d_μ − p_μ)``, with covariance
``Σ_c = Σ_bb − Σ_bμ Σ_μμ⁻¹ Σ_μb``, where Σ is the absolute covariance of ``[B, N_μ]`` and
the νμ *data* Poisson variance is added to Σ_μμ (the measurement's statistical error). The
published numbers of 2018 and 2020 (ν: 560.6 ± 119.6; ν+ν̄: 638.0 ± 52.1 (stat) ± 122.2
(syst); 2018 ν: 381.2 ± 85.2) are reproduced to 0.3 events with:

* the **combined 60×60** matrix and both νμ and ν̄μ samples, also for the ν-mode-only excess
  (the ν block of the combined matrix alone, or the 30×30 ν matrix, gives 514.5 for 2020);
* total error ``sqrt(Σ_{ij ∈ region} Σ_c,ij)`` (F includes the background's statistical
  terms), statistical error ``sqrt(Σ_{i ∈ region} b_c,i)`` (Poisson of the constrained
  background, not of the data), systematic error ``sqrt(total² − stat²)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

from nuportal.analysis.miniboone.release import (
    LEE_BINS,
    N_NUE_BINS,
    N_NUMU_BINS,
    FractionalCovariance,
    PathLike,
    Release,
    check_fit,
    fit_modes,
    load_fractional_covariance,
    load_release,
)
from nuportal.errors import NuportalError, unknown_name_message

__all__ = [
    "Excess",
    "FitResult",
    "MiniBooNEFit",
    "NormalisationFit",
    "delta_chi2_level",
    "excess",
    "p_value",
]

FloatArray = NDArray[np.float64]
_BLOCK = 2 * N_NUE_BINS + N_NUMU_BINS  # 30: [signal, background, numu] of one mode
_COLLAPSED = N_NUE_BINS + N_NUMU_BINS  # 19: [signal + background, numu]
#: number of signal hypotheses evaluated at once (memory: chunk × 60 × 60 doubles)
_CHUNK = 2048


def p_value(chi2: ArrayLike, dof: int) -> FloatArray:
    """Probability of a χ² at least as large for ``dof`` degrees of freedom (χ² survival)."""
    if int(dof) < 1:
        raise NuportalError(f"the number of degrees of freedom must be >= 1, got {dof}")
    return np.asarray(special.chdtrc(int(dof), np.asarray(chi2, dtype=np.float64)))


def delta_chi2_level(
    confidence: float | None = None, n_params: int = 2, sigma: float | None = None
) -> float:
    """Δχ² threshold of a confidence region for ``n_params`` parameters (Wilks).

    Give either ``confidence`` (e.g. 0.9) or ``sigma`` (Gaussian two-sided equivalent:
    1σ = 0.6827). Examples: 1 parameter, 1σ → 1.00; 2 parameters, 1σ → 2.30, 90 % → 4.61,
    3σ → 11.83.
    """
    if (confidence is None) == (sigma is None):
        raise NuportalError("give exactly one of confidence and sigma")
    if sigma is not None:
        confidence = float(special.chdtr(1, float(sigma) ** 2))
    assert confidence is not None
    if not 0 < confidence < 1 or int(n_params) < 1:
        raise NuportalError("confidence must be in (0, 1) and n_params >= 1")
    return float(2.0 * special.gammaincinv(int(n_params) / 2, confidence))  # χ² quantile


@dataclass(frozen=True)
class FitResult:
    """χ², −2 ln L = χ² + ln det C, degrees of freedom and p-value of one signal hypothesis.

    ``dof`` is the number of bins (19 per mode, νe and νμ) minus the fitted parameters;
    note that MiniBooNE quotes effective degrees of freedom from fake-data studies.
    """

    chi2: float
    m2lnl: float
    dof: int
    p_value: float


@dataclass(frozen=True)
class NormalisationFit:
    """Best-fit normalisation μ ≥ 0 of a signal shape (signal = μ × shape).

    Attributes
    ----------
    mu : float
        Best-fit normalisation.
    value, value_null : float
        Test statistic at μ and at μ = 0 (background only).
    statistic : {"chi2", "m2lnl"}
    """

    mu: float
    value: float
    value_null: float
    statistic: str

    @property
    def delta(self) -> float:
        """Improvement over background only (``value_null − value`` ≥ 0)."""
        return self.value_null - self.value


class MiniBooNEFit:
    """χ² and −2 ln L of νe signals against one MiniBooNE release (official prescription).

    Parameters
    ----------
    release : {"2020", "2018", "2012"}
    fit : {"combined", "nu", "nubar"}
        ``"combined"`` (ν + ν̄, the 60×60 matrix, 2018 and 2020) or one mode (its 30×30
        matrix). A signal is then a vector of ``11 × n_modes`` expected events in the E_QE
        bins, the ν-mode bins first.
    data_dir : path, optional

    Examples
    --------
    >>> from nuportal.analysis.miniboone import MiniBooNEFit, OscillationSignal
    >>> fit = MiniBooNEFit("2020", "combined")                            # doctest: +SKIP
    >>> s = OscillationSignal("2020", "combined")(0.0431696, 0.807239)   # doctest: +SKIP
    >>> round(fit.m2lnl(s), 3)                                            # doctest: +SKIP
    344.519
    """

    def __init__(
        self,
        release: str | int = "2020",
        fit: str = "combined",
        data_dir: PathLike = None,
        *,
        covariance: FractionalCovariance | None = None,
    ):
        self.fit = check_fit(fit)
        self.modes = fit_modes(fit)
        self.samples: Release = load_release(release, data_dir)
        self.release = self.samples.name
        self.covariance_fractional = covariance or load_fractional_covariance(
            self.release, fit, data_dir
        )
        if self.covariance_fractional.fit != fit:
            raise NuportalError(f"a {fit} fit needs a {fit} covariance matrix")
        n = len(self.modes)
        self.fractional = self.covariance_fractional.matrix
        self.background = np.concatenate([self.samples.nue[m].background for m in self.modes])
        self.numu_prediction = np.concatenate([self.samples.numu[m].prediction for m in self.modes])
        self.data = np.concatenate(
            [
                np.concatenate([self.samples.nue[m].data, self.samples.numu[m].data])
                for m in self.modes
            ]
        )
        self._signal_index = np.concatenate([_BLOCK * k + np.arange(N_NUE_BINS) for k in range(n)])
        self._background_index = self._signal_index + N_NUE_BINS
        self._numu_index = np.concatenate(
            [_BLOCK * k + 2 * N_NUE_BINS + np.arange(N_NUMU_BINS) for k in range(n)]
        )
        # collapse: row r of the collapsed vector sums columns of the full vector
        collapse = np.zeros((_COLLAPSED * n, _BLOCK * n))
        for k in range(n):
            rows = _COLLAPSED * k + np.arange(_COLLAPSED)
            collapse[rows[:N_NUE_BINS], _BLOCK * k + np.arange(N_NUE_BINS)] = 1.0
            collapse[rows[:N_NUE_BINS], _BLOCK * k + N_NUE_BINS + np.arange(N_NUE_BINS)] = 1.0
            collapse[rows[N_NUE_BINS:], _BLOCK * k + 2 * N_NUE_BINS + np.arange(N_NUMU_BINS)] = 1
        self._collapse = collapse

    # ------------------------------------------------------------------ building blocks
    @property
    def signal_size(self) -> int:
        """Length of a signal vector (11 per mode)."""
        return N_NUE_BINS * len(self.modes)

    @property
    def n_bins(self) -> int:
        """Number of bins of the collapsed prediction (19 per mode)."""
        return len(self.data)

    def check_signal(self, signal: ArrayLike) -> FloatArray:
        """Return ``signal`` as an array of shape ``(..., signal_size)`` or raise."""
        s = np.asarray(signal, dtype=np.float64)
        if s.ndim == 0 or s.shape[-1] != self.signal_size:
            raise NuportalError(
                f"a MiniBooNE {self.fit} signal has {self.signal_size} E_QE bins "
                f"(11 per mode: {', '.join(self.modes)}), got shape {s.shape}"
            )
        if not np.all(np.isfinite(s)):
            raise NuportalError("the signal histogram contains NaN or infinite values")
        if np.any(s < 0):
            raise NuportalError("the signal histogram has negative bins (events must be >= 0)")
        return s

    def full_prediction(self, signal: ArrayLike) -> FloatArray:
        """The uncollapsed vector ``[S, B, N_μ]`` per mode, shape ``(..., 30 × n_modes)``."""
        s = self.check_signal(signal)
        full = np.empty((*s.shape[:-1], _BLOCK * len(self.modes)))
        full[..., self._signal_index] = s
        full[..., self._background_index] = self.background
        full[..., self._numu_index] = self.numu_prediction
        return full

    def prediction(self, signal: ArrayLike) -> FloatArray:
        """Collapsed prediction ``[S + B, N_μ]`` per mode, shape ``(..., 19 × n_modes)``."""
        return self.full_prediction(signal) @ self._collapse.T

    def covariance(self, signal: ArrayLike) -> FloatArray:
        """Collapsed absolute covariance C (events²) for ``signal``: steps 1–3 of the module."""
        full = self.full_prediction(signal)
        m = self.fractional * full[..., :, None] * full[..., None, :]
        idx = self._signal_index
        m[..., idx, idx] += full[..., idx]
        return self._collapse @ m @ self._collapse.T

    # ------------------------------------------------------------------ statistics
    def _chi2_logdet(self, signal: ArrayLike) -> tuple[FloatArray, FloatArray]:
        s = self.check_signal(signal)
        flat = s.reshape(-1, self.signal_size)
        chi2 = np.empty(len(flat))
        logdet = np.empty(len(flat))
        for start in range(0, len(flat), _CHUNK):
            part = flat[start : start + _CHUNK]
            cov = self.covariance(part)
            r = self.data - self.prediction(part)
            chi2[start : start + _CHUNK] = np.einsum(
                "...i,...i->...", r, np.linalg.solve(cov, r[..., None])[..., 0]
            )
            sign, logdet[start : start + _CHUNK] = np.linalg.slogdet(cov)
            if np.any(sign <= 0):
                raise NuportalError("the covariance matrix is not positive definite")
        return chi2.reshape(s.shape[:-1]), logdet.reshape(s.shape[:-1])

    def chi2(self, signal: ArrayLike) -> FloatArray:
        """χ² = rᵀ C⁻¹ r for a signal (or a batch, shape ``(..., signal_size)``)."""
        return self._chi2_logdet(signal)[0]

    def m2lnl(self, signal: ArrayLike) -> FloatArray:
        """−2 ln L = χ² + ln det C, the test statistic of the official MiniBooNE fits."""
        chi2, logdet = self._chi2_logdet(signal)
        return chi2 + logdet

    def evaluate(self, signal: ArrayLike, n_params: int = 0) -> FitResult:
        """χ², −2 ln L and p-value of one signal for ``n_bins − n_params`` degrees of freedom."""
        chi2, logdet = self._chi2_logdet(signal)
        if chi2.ndim:
            raise NuportalError("evaluate() takes one signal; use chi2()/m2lnl() for a batch")
        dof = self.n_bins - int(n_params)
        return FitResult(float(chi2), float(chi2 + logdet), dof, float(p_value(chi2, dof)))

    def best_fit_normalisation(
        self, shape: ArrayLike, statistic: str = "chi2", max_events: float = 1e5
    ) -> NormalisationFit:
        """Best-fit normalisation μ ≥ 0 of ``μ × shape``, minimising χ² or −2 ln L.

        A log-spaced scan in μ (signal totals from 0.01 to ``max_events`` events) brackets the
        minimum, which is then refined by Brent's bounded method.
        """
        if statistic not in ("chi2", "m2lnl"):
            raise NuportalError(unknown_name_message("statistic", statistic, ("chi2", "m2lnl")))
        s = self.check_signal(shape)
        if s.ndim != 1 or s.sum() <= 0:
            raise NuportalError("the signal shape must be one histogram with a positive total")
        func = self.chi2 if statistic == "chi2" else self.m2lnl
        mus = np.concatenate([[0.0], np.geomspace(1e-2, max_events, 141)]) / s.sum()
        values = func(mus[:, None] * s)
        k = int(np.argmin(values))
        lo, hi = mus[max(k - 1, 0)], mus[min(k + 1, len(mus) - 1)]
        best = optimize.minimize_scalar(
            lambda mu: float(func(mu * s)), bounds=(lo, hi), method="bounded",
            options={"xatol": 1e-6 * max(hi, 1e-12)},
        )  # fmt: skip
        mu, value = (float(best.x), float(best.fun))
        if values[k] < value:
            mu, value = float(mus[k]), float(values[k])
        return NormalisationFit(mu, value, float(values[0]), statistic)


# ---------------------------------------------------------------------- the excess
@dataclass(frozen=True)
class Excess:
    """Observed events minus the νμ-constrained background, per bin and in the LEE region.

    Arrays have shape ``(n_modes, 11)`` (modes in ``modes`` order). ``stat`` is the Poisson
    error of the constrained background, ``syst`` the rest of the constrained covariance's
    diagonal; the region totals use the full covariance (bin-to-bin correlations).

    Attributes
    ----------
    release : str
    mode : {"nu", "nubar", "combined"}
    covariance : {"combined", "mode"}
        Which fractional matrix built the constraint (see :func:`excess`).
    edges : ndarray, shape (12,)
        E_QE bin edges [GeV].
    data, background, constrained_background, constrained_covariance
        Observed events, unconstrained and constrained background (events per bin), and the
        constrained background's absolute covariance (``11 n × 11 n``, events²).
    """

    release: str
    mode: str
    covariance: str
    modes: tuple[str, ...]
    edges: FloatArray
    data: FloatArray
    background: FloatArray
    constrained_background: FloatArray
    constrained_covariance: FloatArray

    @property
    def excess(self) -> FloatArray:
        """Data minus constrained background, per bin."""
        return self.data - self.constrained_background

    @property
    def stat(self) -> FloatArray:
        """Statistical error per bin: sqrt(constrained background)."""
        return np.sqrt(self.constrained_background)

    @property
    def syst(self) -> FloatArray:
        """Systematic error per bin: sqrt(diag Σ_c − b_c), clipped at 0."""
        diag = np.diag(self.constrained_covariance).reshape(self.data.shape)
        return np.sqrt(np.clip(diag - self.constrained_background, 0.0, None))

    @property
    def error(self) -> FloatArray:
        """Total error per bin: sqrt(diag Σ_c)."""
        return np.sqrt(np.diag(self.constrained_covariance)).reshape(self.data.shape)

    def region(self, bins: slice | None = None) -> dict[str, float]:
        """Totals over the bins ``bins`` of every mode (default: the LEE region 200–1250 MeV).

        Returns ``data``, ``background`` (constrained), ``excess``, ``stat``, ``syst``,
        ``error`` and ``significance`` (excess / error).
        """
        sel = np.zeros(self.data.shape, dtype=bool)
        sel[:, bins if bins is not None else slice(0, LEE_BINS)] = True
        flat = sel.reshape(-1)
        total = float(np.sqrt(self.constrained_covariance[np.ix_(flat, flat)].sum()))
        bkg = float(self.constrained_background[sel].sum())
        stat = float(np.sqrt(bkg))
        data = float(self.data[sel].sum())
        return {
            "data": data,
            "background": bkg,
            "excess": data - bkg,
            "stat": stat,
            "syst": float(np.sqrt(max(total**2 - stat**2, 0.0))),
            "error": total,
            "significance": (data - bkg) / total,
        }


def excess(
    release: str | int = "2020",
    mode: str = "nu",
    covariance: str = "auto",
    data_dir: PathLike = None,
) -> Excess:
    """The MiniBooNE excess: data minus the νμ-constrained background (conditional Gaussian).

    Parameters
    ----------
    release : {"2020", "2018", "2012"}
    mode : {"nu", "nubar", "combined"}
        Which νe bins to report.
    covariance : {"auto", "combined", "mode"}
        ``"combined"``: the 60×60 matrix with both νμ and ν̄μ constraint samples (needed to
        reproduce the published 2018/2020 excesses, also the ν-mode-only ones);
        ``"mode"``: the 30×30 matrix of each mode separately (cross-mode correlations
        ignored). ``"auto"`` is ``"combined"`` where it exists (2018, 2020), else ``"mode"``.

    Notes
    -----
    See the module docstring for the formulae and the error convention.
    """
    choices = ("auto", "combined", "mode")
    if covariance not in choices:
        raise NuportalError(unknown_name_message("covariance", str(covariance), choices))
    modes = fit_modes(mode)
    rel = load_release(release, data_dir)
    if covariance == "auto":
        covariance = "mode" if rel.name == "2012" else "combined"
    fits: tuple[str, ...] = ("combined",) if covariance == "combined" else modes
    means: dict[str, FloatArray] = {}
    cov_parts: list[tuple[tuple[str, ...], FloatArray]] = []
    for frac in (load_fractional_covariance(rel.name, f, data_dir) for f in fits):
        block_modes = frac.modes
        b_c, sigma_c = _constrain(rel, frac.matrix, block_modes)
        for k, m in enumerate(block_modes):
            means[m] = b_c[_nue(k)]
        cov_parts.append((block_modes, sigma_c))
    n = len(modes)
    cov = np.zeros((N_NUE_BINS * n, N_NUE_BINS * n))
    for block_modes, sigma_c in cov_parts:
        pos = {m: block_modes.index(m) for m in modes if m in block_modes}
        for a, ka in pos.items():
            for b, kb in pos.items():
                ia, ib = modes.index(a), modes.index(b)
                cov[_nue(ia), _nue(ib)] = sigma_c[_nue(ka), _nue(kb)]
    return Excess(
        release=rel.name,
        mode=mode,
        covariance=covariance,
        modes=modes,
        edges=rel.edges,
        data=np.array([rel.nue[m].data for m in modes]),
        background=np.array([rel.nue[m].background for m in modes]),
        constrained_background=np.array([means[m] for m in modes]),
        constrained_covariance=cov,
    )


def _nue(k: int) -> slice:
    """The νe bins of the k-th mode in a stacked νe vector."""
    return slice(N_NUE_BINS * k, N_NUE_BINS * (k + 1))


def _constrain(
    rel: Release, fractional: FloatArray, modes: tuple[str, ...]
) -> tuple[FloatArray, FloatArray]:
    """Constrained νe background and covariance of ``modes`` from their νμ samples."""
    n = len(modes)
    bkg_idx = np.concatenate([_BLOCK * k + N_NUE_BINS + np.arange(N_NUE_BINS) for k in range(n)])
    mu_idx = np.concatenate(
        [_BLOCK * k + 2 * N_NUE_BINS + np.arange(N_NUMU_BINS) for k in range(n)]
    )
    b = np.concatenate([rel.nue[m].background for m in modes])
    p_mu = np.concatenate([rel.numu[m].prediction for m in modes])
    d_mu = np.concatenate([rel.numu[m].data for m in modes])
    full = np.zeros(_BLOCK * n)
    full[bkg_idx], full[mu_idx] = b, p_mu
    m = fractional * np.outer(full, full)
    s_bb = m[np.ix_(bkg_idx, bkg_idx)]
    s_bm = m[np.ix_(bkg_idx, mu_idx)]
    s_mm = m[np.ix_(mu_idx, mu_idx)] + np.diag(d_mu)
    gain = np.linalg.solve(s_mm, s_bm.T).T
    return b + gain @ (d_mu - p_mu), s_bb - gain @ s_bm.T
