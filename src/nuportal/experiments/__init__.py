"""Experiments: fluxes, materials, geometry and the catalogue of detectors.

* :mod:`~nuportal.experiments.fluxes` -- :class:`Flux` (ν / cm² / GeV / POT per flavour) and
  :func:`load_flux` for every flux file of the data directory;
* :mod:`~nuportal.experiments.bnb_approx` -- :func:`approximate_bnb_flux`, a built-in
  parametrisation of the MiniBooNE ν-mode flux for use without a data directory;
* :mod:`~nuportal.experiments.materials` -- :class:`Material` and the registry :func:`material`;
* :mod:`~nuportal.experiments.geometry` -- solid shapes (:class:`Volume` and its primitives);
* :mod:`~nuportal.experiments.catalogue` -- :class:`Experiment`, :func:`get_experiment`,
  :func:`list_experiments`.
"""

from nuportal.experiments.bnb_approx import approximate_bnb_flux
from nuportal.experiments.catalogue import (
    DetectorVolume,
    Experiment,
    get_experiment,
    list_experiments,
    load_experiment,
)
from nuportal.experiments.fluxes import FLUX_FILES, Flux, list_fluxes, load_flux
from nuportal.experiments.materials import Material, list_materials, material

__all__ = [
    "FLUX_FILES",
    "DetectorVolume",
    "Experiment",
    "Flux",
    "Material",
    "approximate_bnb_flux",
    "get_experiment",
    "list_experiments",
    "list_fluxes",
    "list_materials",
    "load_experiment",
    "load_flux",
    "material",
]
