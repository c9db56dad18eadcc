"""Published dark-photon limit curves in the (m_A', ε) plane, read from the data directory.

Every file of ``limits/`` in the data directory (see its README) is registered in
:data:`CURVES` under a key (its file name without ``_eps.txt``). A file has ``#`` comment
lines (what the curve is, ``Experiment/paper: ... (arXiv:...)``, ``Confidence level: ...``),
one line of column names and the numbers:

``m_GeV eps_lower``
    upper-limit line: ε > ``eps_lower`` is excluded (kind ``"upper"``);
``m_GeV eps_lower eps_upper``
    two-sided region of beam dumps and displaced searches: ``eps_lower < ε < eps_upper``
    is excluded (kind ``"band"``);
``m_GeV eps``
    an edge of a (g−2) preferred band, not a limit (kind ``"edge"``);
``m_chi_GeV Y``
    the NA64 2016–2022 limit on Y = α_D ε² (m_χ/m_A')⁴ for the light-dark-matter benchmark
    α_D = 0.1, m_χ/m_A' = 1/3; converted on loading to m_A' = 3 m_χ and
    ε = √(Y / (α_D (m_χ/m_A')⁴)) = √(810 Y), which is the ε limit of an A' decaying
    invisibly with BR = 1 (independent of α_D and m_χ). The resulting ε limit
    (``na64e_2016-2022_invisible``) dips by up to 3× between m_A' ≈ 0.2 and 0.33 GeV
    (1.4e-4 at 0.235 GeV against 3.9e-4 at 0.19 GeV and 9e-4 at 0.33 GeV). The dip is in
    the source's Y column itself (the conversion is pointwise and monotonic): it is the
    resonant annihilation e⁺e⁻ → A' of shower positrons on atomic electrons, which NA64
    includes since arXiv:2108.04195 ("extend these limits in the 200–300 MeV region by
    almost an order of magnitude") and which is open for m_A' = √(2 m_e E₊) with
    E₊ between the 50 GeV missing-energy cut and the 100 GeV beam, 0.23–0.32 GeV. A
    recast that simulates A' bremsstrahlung only (:mod:`nuportal.analysis.recast.na64`)
    is therefore only indicative there; the 2016–2018 curve (``na64_2019_invisible``)
    is bremsstrahlung only.

All couplings are the kinetic mixing ε itself (not ε²); masses are in GeV. The DarkCast
value 1e5 ("no exclusion at this mass") is masked: :attr:`LimitCurve.valid` is ``False``
there and the curve gives no limit on either side of such a point.

Evaluating a curve between its points interpolates log ε linearly in log m (the curves are
dense digitisations, so this is the interpolation that keeps power laws exact). Outside the
tabulated mass range, and next to a masked point, the curve has no limit: the result is
flagged rather than extrapolated, and no NaN is returned.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from nuportal.datadir import data_file, read_table
from nuportal.errors import NuportalError, unknown_name_message

__all__ = [
    "CURVES",
    "NA64_ALPHA_D",
    "NA64_MASS_RATIO",
    "SENTINEL",
    "CurveKind",
    "CurveSpec",
    "CurveValue",
    "LimitCurve",
    "check_masses",
    "excluded_by_any",
    "load_curve",
    "load_curves",
]

CurveKind = Literal["upper", "band", "edge"]

#: DarkCast's coupling value meaning "no exclusion at this mass"
SENTINEL = 1.0e5
#: the light-dark-matter benchmark of the NA64 Y-form curve: α_D and m_χ/m_A'
NA64_ALPHA_D = 0.1
NA64_MASS_RATIO = 1.0 / 3.0

_KIND_OF_COLUMNS: dict[tuple[str, ...], CurveKind] = {
    ("m_GeV", "eps_lower"): "upper",
    ("m_GeV", "eps_lower", "eps_upper"): "band",
    ("m_GeV", "eps"): "edge",
    ("m_chi_GeV", "Y"): "upper",
}
_ARXIV = re.compile(r"arXiv:\s*([A-Za-z.-]*/?\d{4}\.?\d{3,5})")


@dataclass(frozen=True)
class CurveSpec:
    """Where a registered curve lives and how it is labelled.

    ``channel`` is the final state the search used ("ee", "mumu", "ll" for e⁺e⁻ and μ⁺μ⁻
    combined, "hadrons" for π⁺π⁻, "invisible"), or ``None`` for (g−2) curves.
    """

    path: str
    label: str
    channel: str | None


def _spec(category: str, stem: str, label: str, channel: str | None) -> tuple[str, CurveSpec]:
    suffix = ".txt" if stem.endswith("_alphaD0.1") else "_eps.txt"
    key = stem.removesuffix("_Y_alphaD0.1")
    return key, CurveSpec(f"limits/{category}/{stem}{suffix}", label, channel)


#: every curve of the data directory's ``limits/`` folder, by key
CURVES: dict[str, CurveSpec] = dict(
    [
        _spec("invisible", "babar2017_monophoton_invisible", "BaBar", "invisible"),
        _spec("invisible", "na64_2019_invisible", "NA64 (2019)", "invisible"),
        _spec("invisible", "na64_2017_invisible", "NA64 (2017)", "invisible"),
        _spec("invisible", "na64_2016_invisible", "NA64 (2016)", "invisible"),
        _spec("invisible", "na62_2019_pi0_invisible", "NA62", "invisible"),
        _spec("invisible", "lep_fox2011_invisible", "LEP", "invisible"),
        _spec("invisible", "na64e_2016-2022_invisible_Y_alphaD0.1", "NA64 (2023)", "invisible"),
        _spec("visible", "babar2014_ee_mumu", "BaBar", "ll"),
        _spec("visible", "lhcb2019_prompt_mumu", "LHCb", "mumu"),
        _spec("visible", "lhcb2019_displaced_mumu", "LHCb displ.", "mumu"),
        _spec("visible", "na48_2015_pi0_ee", "NA48/2", "ee"),
        _spec("visible", "a1_2014_ee", "A1", "ee"),
        _spec("visible", "apex_2011_ee", "APEX", "ee"),
        _spec("visible", "besiii_2017_ee_mumu", "BESIII", "ll"),
        _spec("visible", "hps_2018_ee", "HPS", "ee"),
        _spec("visible", "cms_2019_scouting_mumu", "CMS", "mumu"),
        _spec("visible", "kloe_2012_phi_eta_ee", "KLOE", "ee"),
        _spec("visible", "kloe_2014_mumu", "KLOE", "mumu"),
        _spec("visible", "kloe_2015_ee", "KLOE", "ee"),
        _spec("visible", "kloe_2016_pipi", "KLOE", "hadrons"),
        _spec("visible", "kloe_2018_mumu", "KLOE", "mumu"),
        _spec("visible", "kloe_2018_mumu_pipi_combined", "KLOE", "ll"),
        _spec("visible", "na64_2018_visible_ee", "NA64 vis.", "ee"),
        _spec("visible", "na64_2019_visible_ee", "NA64 vis.", "ee"),
        _spec("beamdump", "e137_andreas2012", "E137", "ee"),
        _spec("beamdump", "e137_bjorken2009", "E137", "ee"),
        _spec("beamdump", "e141", "E141", "ee"),
        _spec("beamdump", "e774", "E774", "ee"),
        _spec("beamdump", "kek", "KEK", "ee"),
        _spec("beamdump", "orsay", "Orsay", "ee"),
        _spec("beamdump", "nucal_pi0_blumlein1990", r"$\nu$-Cal", "ee"),
        _spec("beamdump", "nucal_pbrem_blumlein1991", r"$\nu$-Cal", "ee"),
        _spec("beamdump", "nucal_tsai2019", r"$\nu$-Cal", "ee"),
        _spec("beamdump", "charm_tsai2019", "CHARM", "ee"),
        _spec("beamdump", "charm_bergsma1985", "CHARM", "ee"),
        _spec("beamdump", "nomad", "NOMAD", "ee"),
        _spec("beamdump", "ps191", "PS191", "ee"),
        _spec("gm2", "gmu2_band_2sigma_lower_edge", r"$(g-2)_\mu$ $-2\sigma$", None),
        _spec("gm2", "gmu2_band_2sigma_upper_edge", r"$(g-2)_\mu$ $+2\sigma$", None),
        _spec("gm2", "gmu2_limit_5sigma", r"$(g-2)_\mu$ $5\sigma$", None),
        _spec("gm2", "ge2_limit_cs_3sigma", r"$(g-2)_e$ (Cs)", None),
        _spec("gm2", "ge2_limit_rb_3sigma", r"$(g-2)_e$ (Rb)", None),
    ]
)


def check_masses(mass: ArrayLike) -> np.ndarray:
    """``mass`` as a float array, or a :class:`NuportalError` unless positive and finite."""
    m = np.asarray(mass, dtype=float)
    if not np.all(np.isfinite(m)) or np.any(m <= 0):
        raise NuportalError("dark-photon masses must be positive and finite (GeV)")
    return m


class CurveValue(NamedTuple):
    """A curve at given masses: ``lower < ε < upper`` is excluded where ``defined``.

    Where the curve gives no limit (outside its mass range or next to a masked point),
    ``defined`` is ``False`` and ``lower = upper = inf`` (an empty excluded interval).
    """

    lower: np.ndarray
    upper: np.ndarray
    defined: np.ndarray


@dataclass(frozen=True, eq=False)
class LimitCurve:
    """One exclusion curve (or (g−2) band edge) in the (m_A' [GeV], ε) plane.

    Attributes
    ----------
    key, label : str
        Registry key and a short plot label.
    experiment : str
        Experiment and paper as stated in the source file.
    arxiv : str
        arXiv identifier of the paper (``""`` if the file names none).
    cl : str
        Confidence level as stated in the source file.
    kind : {"upper", "band", "edge"}
        Upper-limit line (ε > lower excluded), two-sided region (lower < ε < upper
        excluded) or (g−2) band edge (not an exclusion).
    category : str
        ``"invisible"``, ``"visible"``, ``"beamdump"``, ``"gm2"`` or ``"recast"``.
    channel : str or None
        Final state of the search (see :class:`CurveSpec`).
    mass, lower, upper : numpy.ndarray
        Masses in GeV (non-decreasing) and the ε edges; ``upper`` is +inf for an
        upper-limit line or an edge.
    valid : numpy.ndarray
        ``False`` at masses where the source says "no exclusion" (its sentinel).
    """

    key: str
    label: str
    experiment: str
    arxiv: str
    cl: str
    kind: CurveKind
    category: str
    channel: str | None
    mass: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    valid: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        for name in ("mass", "lower", "upper", "valid"):
            arr = np.array(getattr(self, name))
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        shapes = {a.shape for a in (self.mass, self.lower, self.upper, self.valid)}
        if len(shapes) != 1 or self.mass.ndim != 1 or self.mass.size < 2:
            raise NuportalError(
                f"curve {self.key!r}: mass, lower, upper, valid must be 1-d, equal size ≥ 2"
            )
        if np.any(np.diff(self.mass) < 0) or np.any(self.mass <= 0):
            raise NuportalError(f"curve {self.key!r}: masses must be positive and non-decreasing")
        good = self.valid
        if not np.all(np.isfinite(self.lower[good]) & (self.lower[good] > 0)):
            raise NuportalError(f"curve {self.key!r}: ε edges must be positive and finite")
        if np.any(self.upper[good] < self.lower[good]):
            raise NuportalError(f"curve {self.key!r}: eps_upper below eps_lower")

    def evaluate(self, mass: ArrayLike) -> CurveValue:
        """The curve at ``mass`` (GeV): log–log interpolation, "no limit" outside its range."""
        x = np.log(check_masses(mass))
        xs = np.log(self.mass)
        n = xs.size
        # i: last tabulated point at or below m; interval (i, i+1) has xs[i+1] > x >= xs[i]
        i = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, n - 2)
        at_end = x == xs[-1]
        i = np.where(at_end, n - 2, i)
        inside = (x >= xs[0]) & (x <= xs[-1])
        defined = inside & self.valid[i] & self.valid[i + 1]
        width = xs[i + 1] - xs[i]
        t = np.where(width > 0, (x - xs[i]) / np.where(width > 0, width, 1.0), 1.0)
        lower = self._interpolate(self.lower, i, t, defined)
        upper = self._interpolate(self.upper, i, t, defined)
        return CurveValue(lower, upper, defined)

    @staticmethod
    def _interpolate(
        values: np.ndarray, i: np.ndarray, t: np.ndarray, ok: np.ndarray
    ) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log(np.where(np.isfinite(values) & (values > 0), values, 1.0))
        inner = np.exp((1.0 - t) * logs[i] + t * logs[i + 1])
        finite = np.isfinite(values[i]) & np.isfinite(values[i + 1])
        return np.where(ok & finite, inner, np.inf)

    def excluded(self, mass: ArrayLike, eps: ArrayLike) -> np.ndarray:
        """Whether (m, ε) is excluded by this curve (broadcast; ``False`` where undefined)."""
        if self.kind == "edge":
            raise NuportalError(
                f"curve {self.key!r} is a (g-2) band edge, not an exclusion limit; "
                "use nuportal.analysis.limits.gminus2 for the preferred band"
            )
        m, e = np.broadcast_arrays(np.asarray(mass, float), np.asarray(eps, float))
        value = self.evaluate(m)
        return value.defined & (e > value.lower) & (e < value.upper)

    def segments(self) -> list[slice]:
        """Index ranges of consecutive valid points (the pieces to draw)."""
        edges = np.flatnonzero(np.diff(np.r_[0, self.valid.astype(int), 0]))
        return [slice(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= 2]

    def with_edges(
        self,
        lower: ArrayLike,
        upper: ArrayLike,
        valid: ArrayLike,
        *,
        label: str | None = None,
        category: str = "recast",
    ) -> LimitCurve:
        """A copy with new ε edges on the same masses (a recast), relabelled if ``label``."""
        return replace(
            self, lower=np.asarray(lower, float), upper=np.asarray(upper, float),
            valid=np.asarray(valid, bool), label=self.label if label is None else label,
            category=category,
        )  # fmt: skip


def _header_field(comments: list[str], name: str, path: Path) -> str:
    prefix = f"# {name}:"
    for line in comments:
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    raise NuportalError(f"the limit file {str(path)!r} has no '{prefix}' comment line")


def _read(key: str, path: Path) -> LimitCurve:
    spec = CURVES[key]
    with path.open() as fh:
        comments = [line.rstrip("\n") for line in fh if line.startswith("#")]
    columns, rows = read_table(path)
    kind = _KIND_OF_COLUMNS.get(tuple(columns))
    if kind is None:
        allowed = "; ".join(" ".join(c) for c in _KIND_OF_COLUMNS)
        raise NuportalError(
            f"the limit file {str(path)!r} has columns {' '.join(columns)!r}; "
            f"expected one of: {allowed}"
        )
    try:
        table = np.array(rows, dtype=float)
    except ValueError as exc:
        raise NuportalError(
            f"the limit file {str(path)!r} has a non-numeric entry: {exc}"
        ) from None
    if table.ndim != 2 or table.shape[1] != len(columns) or len(table) < 2:
        raise NuportalError(
            f"the limit file {str(path)!r} needs ≥ 2 rows of {len(columns)} numbers"
        )
    mass, lower = table[:, 0], table[:, 1]
    upper = table[:, 2] if kind == "band" else np.full(mass.shape, np.inf)
    valid = (lower != SENTINEL) & (upper != SENTINEL)
    if columns[0] == "m_chi_GeV":
        mass = mass / NA64_MASS_RATIO
        lower = np.sqrt(lower / (NA64_ALPHA_D * NA64_MASS_RATIO**4))
    experiment = _header_field(comments, "Experiment/paper", path)
    found = _ARXIV.findall(experiment)
    return LimitCurve(
        key=key,
        label=spec.label,
        experiment=experiment,
        arxiv=found[-1] if found else "",
        cl=_header_field(comments, "Confidence level", path),
        kind=kind,
        category=spec.path.split("/")[1],
        channel=spec.channel,
        mass=mass,
        lower=lower,
        upper=upper,
        valid=valid,
    )


@cache
def _load_cached(key: str, path: Path, mtime: float) -> LimitCurve:
    return _read(key, path)


def load_curve(key: str, data_dir: str | os.PathLike[str] | None = None) -> LimitCurve:
    """Load the registered curve ``key`` (see :data:`CURVES`) from the data directory.

    Raises
    ------
    NuportalError
        For an unknown key; :class:`~nuportal.errors.DataFileNotFoundError` (naming the file
        and the data directory) when the file is missing.
    """
    if key not in CURVES:
        raise NuportalError(unknown_name_message("limit curve", key, CURVES))
    path = data_file(CURVES[key].path, data_dir)
    return _load_cached(key, path, path.stat().st_mtime)


def load_curves(
    category: str | None = None, data_dir: str | os.PathLike[str] | None = None
) -> dict[str, LimitCurve]:
    """Load every registered curve, or those of one category (``"visible"``, ...)."""
    categories = {spec.path.split("/")[1] for spec in CURVES.values()}
    if category is not None and category not in categories:
        raise NuportalError(unknown_name_message("limit category", category, categories))
    return {
        key: load_curve(key, data_dir)
        for key, spec in CURVES.items()
        if category is None or spec.path.split("/")[1] == category
    }


def excluded_by_any(curves: list[LimitCurve], mass: ArrayLike, eps: ArrayLike) -> np.ndarray:
    """Whether (m, ε) is excluded by at least one of ``curves`` (band edges are skipped)."""
    m, e = np.broadcast_arrays(np.asarray(mass, float), np.asarray(eps, float))
    out = np.zeros(m.shape, dtype=bool)
    for curve in curves:
        if curve.kind != "edge":
            out |= curve.excluded(m, e)
    return out
