"""Dark-photon limits in the (m_A', ε) plane: published curves, (g−2), rescaling and the plot.

Modules
-------
curves
    :class:`LimitCurve` and the registry :data:`CURVES` of the data directory's ``limits/``
    files (sentinels masked, NA64 Y-form converted to ε), evaluation and "is it excluded".
gminus2
    One-loop dark-photon Δa_μ, Δa_e; the preferred band for a chosen anomaly (default: the
    2025 white paper + final Fermilab value) and the (g−2)_e limits.
rescale
    DarkCast-style rescaling of visible and beam-dump limits to an A' with other branching
    ratios or an extra invisible width (:class:`ModifiedDarkPhoton`, or any object with the
    :class:`DarkPhotonDecays` methods).
plot
    :func:`plot_limits`, the (m_A', ε) figure (needs matplotlib).
semivisible
    :func:`~nuportal.analysis.limits.semivisible.recast_all`: every limit recast for a dark
    sector (BaBar/NA64 recasts, rescaled visible limits, (g−2)), the API of
    ``nuportal darkphoton limits``. Import it from its module (it builds on
    :mod:`nuportal.analysis.recast`, which itself imports this package's curves).
"""

from nuportal.analysis.limits.curves import (
    CURVES,
    CurveValue,
    LimitCurve,
    excluded_by_any,
    load_curve,
    load_curves,
)
from nuportal.analysis.limits.gminus2 import ANOMALIES, Anomaly, delta_a, preferred_band
from nuportal.analysis.limits.rescale import (
    DarkPhotonDecays,
    MinimalDarkPhoton,
    ModifiedDarkPhoton,
    rescale,
)

__all__ = [
    "ANOMALIES",
    "CURVES",
    "Anomaly",
    "CurveValue",
    "DarkPhotonDecays",
    "LimitCurve",
    "MinimalDarkPhoton",
    "ModifiedDarkPhoton",
    "delta_a",
    "excluded_by_any",
    "load_curve",
    "load_curves",
    "preferred_band",
    "rescale",
]
