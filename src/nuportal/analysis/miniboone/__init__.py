"""MiniBooNE: data releases, the official statistical prescription, the excess, the response.

Modules
-------
release
    Typed loaders for the 2012, 2018 and 2020 νe / ν̄e appearance releases and companion
    tables (background by category, E_vis × cos θ, single e/γ efficiency).
statistics
    χ² and −2 ln L (arXiv:2006.16883), the νμ-constrained excess, fitting helpers.
oscillation
    The two-neutrino appearance signal from the fully oscillated ntuples.
response
    What MiniBooNE reconstructs from final-state four-momenta: smearing, e⁺e⁻ overlap
    (Kelly–Kopp), efficiency, fiducial volume, E_vis, cos θ, E_ν^QE, histograms.
plot
    The classic figure (needs the ``plot`` extra: matplotlib).

Energies are in GeV at this package's boundary (the release files' MeV are converted on
loading), lengths in cm.
"""

from nuportal.analysis.miniboone.oscillation import OscillationSignal, oscillation_probability
from nuportal.analysis.miniboone.release import (
    FITS,
    MODES,
    POT,
    RELEASES,
    load_background_breakdown,
    load_data_events,
    load_evis_costheta,
    load_fractional_covariance,
    load_likelihood_surface,
    load_ntuple,
    load_release,
    load_single_shower_efficiency,
)
from nuportal.analysis.miniboone.statistics import (
    Excess,
    FitResult,
    MiniBooNEFit,
    NormalisationFit,
    delta_chi2_level,
    excess,
    p_value,
)

__all__ = [
    "FITS",
    "MODES",
    "POT",
    "RELEASES",
    "Excess",
    "FitResult",
    "MiniBooNEFit",
    "NormalisationFit",
    "OscillationSignal",
    "delta_chi2_level",
    "excess",
    "load_background_breakdown",
    "load_data_events",
    "load_evis_costheta",
    "load_fractional_covariance",
    "load_likelihood_surface",
    "load_ntuple",
    "load_release",
    "load_single_shower_efficiency",
    "oscillation_probability",
    "p_value",
]
