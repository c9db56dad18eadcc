"""The catalogue of experiments: exposure, flux, detector volumes, materials and geometry.

Each experiment is one TOML file in the package directory ``nuportal/experiments/catalogue/``;
every number in those files carries its source in a comment. :func:`get_experiment` turns a
file into an :class:`Experiment`; :func:`load_experiment` reads a user's own file of the same
format.

Coordinates (cm): the detector centre is the origin, the beam travels along ``+z`` and the
neutrino source (the target) is at ``(0, 0, -baseline_cm)``. Volumes upstream of the detector
(the "dirt") therefore have negative ``z``.

File format
-----------
.. code-block:: toml

    name = "miniboone_numode"          # the catalogue key (= the file name)
    title = "MiniBooNE, BNB ν mode"
    description = "..."
    beam = "BNB, horn +174 kA"
    flux_key = "bnb_miniboone_numode"  # a key of nuportal.experiments.fluxes.FLUX_FILES
    flux_scale = 1.0                   # optional multiplier (e.g. a 1/r² rescaling)
    fallback_flux = "approximate_bnb"  # optional: used when NO data directory is configured
    pot = 1.875e21                     # exposure, protons on target
    baseline_cm = 54100.0              # target to detector centre

    [sources]                          # free-form provenance strings
    pot = "..."

    [[volumes]]                        # one table per volume
    name = "oil"
    role = "detector"                  # detector | active | dirt | other
    material = "mineral_oil"           # a name of nuportal.experiments.materials
    nominal_mass_t = 800.0             # published (or stated derived) mass, metric tons
    mass_source = "..."
    shape = { type = "sphere", radius = 610.6 }   # see geometry.shape_from_dict

    [fiducial]                         # optional
    material = "mineral_oil"           # default: the first "detector" volume's material
    nominal_mass_t = 442.4
    shape = { type = "sphere", radius = 500.0 }

    [facts]                            # optional: numbers a physicist expects (documented)
    tank_radius_cm = 610.6

Volume roles: ``detector`` is the material in which interactions count as detector events
(where DarkNews-generator upscatters), ``active`` an instrumented sub-volume (e.g. a TPC
inside its cryostat), ``dirt`` material upstream of the detector, ``other`` anything else.

Masses are returned in metric tons (10⁶ g): volume [cm³] × density [g/cm³] / 10⁶.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from nuportal.datadir import find_data_dir
from nuportal.errors import DataFileNotFoundError, NuportalError, unknown_name_message
from nuportal.experiments.bnb_approx import approximate_bnb_flux
from nuportal.experiments.fluxes import FLUX_FILES, Flux, load_flux
from nuportal.experiments.geometry import Volume, shape_from_dict
from nuportal.experiments.materials import Material, material

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "ROLES",
    "DetectorVolume",
    "Experiment",
    "get_experiment",
    "list_experiments",
    "load_experiment",
]

_log = logging.getLogger(__name__)

#: allowed volume roles
ROLES = ("detector", "active", "dirt", "other")
#: fluxes that can stand in when no data directory is configured
FALLBACK_FLUXES = {"approximate_bnb": approximate_bnb_flux}

_TONNE_G = 1e6


@dataclass(frozen=True, eq=False)
class DetectorVolume:
    """A named volume of an experiment, filled with one material.

    Attributes
    ----------
    name : str
        Identifier within the experiment (e.g. ``"oil"``, ``"dirt"``).
    role : str
        ``"detector"``, ``"active"``, ``"dirt"`` or ``"other"`` (see the module docstring).
    material : Material
        What fills it.
    shape : Volume
        Its geometry, in the experiment's coordinates (cm, detector centre at the origin).
    nominal_mass_t : float or None
        The published or documented mass in metric tons, for cross-checking
        :attr:`mass_t`; ``None`` if there is none.
    mass_source : str
        Where :attr:`nominal_mass_t` comes from (``"derived: ..."`` when computed by us).
    description : str
        Free text.
    """

    name: str
    role: str
    material: Material
    shape: Volume
    nominal_mass_t: float | None = None
    mass_source: str = ""
    description: str = ""

    @property
    def volume_cm3(self) -> float:
        """Geometric volume in cm³."""
        return float(self.shape.volume)

    @property
    def mass_t(self) -> float:
        """Mass in metric tons: volume × density."""
        return self.volume_cm3 * self.material.density_g_cm3 / _TONNE_G


@dataclass(frozen=True, eq=False)
class Experiment:
    """An experiment: beam exposure, flux, detector volumes and their materials.

    Attributes
    ----------
    name : str
        Catalogue key, e.g. ``"miniboone_numode"``.
    title : str
        Human-readable name.
    flux_key : str
        Key of the flux in the data directory (:data:`~nuportal.experiments.fluxes.FLUX_FILES`).
    pot : float
        Exposure in protons on target.
    baseline_cm : float
        Distance from the neutrino source (target) to the detector centre, in cm; the source
        is at ``(0, 0, -baseline_cm)``.
    volumes : tuple of DetectorVolume
        Detector, active and dirt volumes.
    fiducial : Volume or None
        The fiducial volume (in the detector's coordinates), if defined.
    description : str
        What is modelled and which approximations were made.
    sources : mapping of str to str
        Provenance of the numbers (``"pot"``, ``"baseline"``, ``"flux"``, ...).
    beam : str
        Beam line and horn polarity.
    flux_scale : float
        Multiplier applied to the flux file (e.g. a 1/r² rescaling from another detector).
    fallback_flux : str or None
        Built-in flux used when no data directory is configured (MiniBooNE ν mode only).
    fiducial_material : Material or None
        Material of the fiducial volume.
    fiducial_nominal_mass_t : float or None
        Published/documented fiducial mass in metric tons.
    facts : mapping
        Further documented detector numbers (e.g. ``tank_radius_cm``).
    """

    name: str
    title: str
    flux_key: str
    pot: float
    baseline_cm: float
    volumes: tuple[DetectorVolume, ...]
    fiducial: Volume | None = None
    description: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    beam: str = ""
    flux_scale: float = 1.0
    fallback_flux: str | None = None
    fiducial_material: Material | None = None
    fiducial_nominal_mass_t: float | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        names = ", ".join(v.name for v in self.volumes)
        return f"Experiment({self.name!r}, flux={self.flux_key!r}, pot={self.pot:.4g}, [{names}])"

    @property
    def source_position(self) -> tuple[float, float, float]:
        """Position of the neutrino source (target) in cm: ``(0, 0, -baseline_cm)``."""
        return (0.0, 0.0, -self.baseline_cm)

    def volume(self, name: str) -> DetectorVolume:
        """The volume called ``name`` (unknown names raise with a suggestion)."""
        for v in self.volumes:
            if v.name == name:
                return v
        raise NuportalError(
            unknown_name_message(f"volume of {self.name}", name, [v.name for v in self.volumes])
        )

    def volumes_with_role(self, role: str) -> tuple[DetectorVolume, ...]:
        """All volumes whose role is ``role``."""
        if role not in ROLES:
            raise NuportalError(unknown_name_message("volume role", role, ROLES))
        return tuple(v for v in self.volumes if v.role == role)

    def mass_t(self, volume_name: str) -> float:
        """Mass of the volume ``volume_name`` in metric tons (volume × density)."""
        return self.volume(volume_name).mass_t

    def fiducial_mass_t(self) -> float | None:
        """Mass of the fiducial volume in metric tons, or ``None`` without a fiducial volume."""
        if self.fiducial is None or self.fiducial_material is None:
            return None
        return float(self.fiducial.volume) * self.fiducial_material.density_g_cm3 / _TONNE_G

    def flux(self, data_dir: str | os.PathLike[str] | None = None) -> Flux:
        """The neutrino flux at this experiment, in ν / cm² / GeV / POT.

        Loads :attr:`flux_key` from the data directory and multiplies it by
        :attr:`flux_scale`. If **no** data directory is configured and the experiment has a
        :attr:`fallback_flux` (MiniBooNE ν mode), the built-in approximate flux is returned
        instead (its ``is_approximate`` is True; the fallback is logged at INFO level).

        Raises
        ------
        DataFileNotFoundError
            If the flux file is not available (and no fallback applies).
        """
        try:
            flux = load_flux(self.flux_key, data_dir)
        except DataFileNotFoundError:
            if self.fallback_flux is not None and find_data_dir(data_dir) is None:
                _log.info(
                    "%s: no data directory configured; using the built-in APPROXIMATE flux %r",
                    self.name,
                    self.fallback_flux,
                )
                return FALLBACK_FLUXES[self.fallback_flux]()
            raise
        if self.flux_scale != 1.0:
            flux = flux.scaled(
                self.flux_scale,
                name=f"{self.flux_key}*{self.flux_scale:.6g}",
                description=(
                    f"{flux.description} [APPROXIMATE: scaled by {self.flux_scale:.6g} for "
                    f"{self.title}; {self.sources.get('flux', '')}]"
                ),
                is_approximate=True,
            )
        return flux


# ----------------------------------------------------------------------------------------------
# reading the TOML files
# ----------------------------------------------------------------------------------------------

_TOP_REQUIRED = ("name", "title", "flux_key", "pot", "baseline_cm", "volumes")
_TOP_OPTIONAL = (
    "description",
    "beam",
    "flux_scale",
    "fallback_flux",
    "sources",
    "fiducial",
    "facts",
)
_VOLUME_REQUIRED = ("name", "role", "material", "shape")
_VOLUME_OPTIONAL = ("nominal_mass_t", "mass_source", "description")
_FIDUCIAL_REQUIRED = ("shape",)
_FIDUCIAL_OPTIONAL = ("material", "nominal_mass_t", "mass_source", "description")


def _check_keys(
    table: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...], where: str
) -> None:
    for key in required:
        if key not in table:
            raise NuportalError(f"{where}: the key {key!r} is missing")
    allowed = (*required, *optional)
    for key in table:
        if key not in allowed:
            raise NuportalError(unknown_name_message(f"key in {where}", key, allowed))


def _positive_number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NuportalError(f"{what} must be a number, not {value!r}")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise NuportalError(f"{what} must be positive and finite, not {value!r}")
    return number


def _optional_mass(value: Any, what: str) -> float | None:
    return None if value is None else _positive_number(value, what)


def _shape(spec: Any, where: str) -> Volume:
    if not isinstance(spec, Mapping):
        raise NuportalError(f"{where}: 'shape' must be a table (see geometry.shape_from_dict)")
    try:
        return shape_from_dict(spec)
    except NuportalError as exc:
        raise NuportalError(f"{where}: {exc}") from exc


def _experiment_from_mapping(data: Mapping[str, Any], origin: str) -> Experiment:
    _check_keys(data, _TOP_REQUIRED, _TOP_OPTIONAL, origin)
    name = str(data["name"])
    flux_key = str(data["flux_key"])
    if flux_key not in FLUX_FILES:
        raise NuportalError(f"{origin}: {unknown_name_message('flux', flux_key, FLUX_FILES)}")
    fallback = data.get("fallback_flux")
    if fallback is not None and fallback not in FALLBACK_FLUXES:
        raise NuportalError(
            f"{origin}: {unknown_name_message('fallback flux', str(fallback), FALLBACK_FLUXES)}"
        )
    volumes_spec = data["volumes"]
    if not isinstance(volumes_spec, list) or not volumes_spec:
        raise NuportalError(f"{origin}: 'volumes' must be a non-empty array of tables")
    volumes: list[DetectorVolume] = []
    for i, spec in enumerate(volumes_spec):
        where = f"{origin}, volumes[{i}]"
        if not isinstance(spec, Mapping):
            raise NuportalError(f"{where}: each volume must be a table")
        _check_keys(spec, _VOLUME_REQUIRED, _VOLUME_OPTIONAL, where)
        role = str(spec["role"])
        if role not in ROLES:
            raise NuportalError(f"{where}: {unknown_name_message('volume role', role, ROLES)}")
        if any(v.name == spec["name"] for v in volumes):
            raise NuportalError(f"{where}: the volume name {spec['name']!r} is used twice")
        volumes.append(
            DetectorVolume(
                name=str(spec["name"]),
                role=role,
                material=material(str(spec["material"])),
                shape=_shape(spec["shape"], where),
                nominal_mass_t=_optional_mass(spec.get("nominal_mass_t"), f"{where} mass"),
                mass_source=str(spec.get("mass_source", "")),
                description=str(spec.get("description", "")),
            )
        )
    fiducial: Volume | None = None
    fid_material: Material | None = None
    fid_mass: float | None = None
    if "fiducial" in data:
        spec = data["fiducial"]
        where = f"{origin}, fiducial"
        if not isinstance(spec, Mapping):
            raise NuportalError(f"{where}: must be a table")
        _check_keys(spec, _FIDUCIAL_REQUIRED, _FIDUCIAL_OPTIONAL, where)
        fiducial = _shape(spec["shape"], where)
        if "material" in spec:
            fid_material = material(str(spec["material"]))
        else:
            detectors = [v for v in volumes if v.role == "detector"]
            fid_material = detectors[0].material if detectors else None
        fid_mass = _optional_mass(spec.get("nominal_mass_t"), f"{where} mass")
    sources = data.get("sources", {})
    facts = data.get("facts", {})
    if not isinstance(sources, Mapping) or not isinstance(facts, Mapping):
        raise NuportalError(f"{origin}: 'sources' and 'facts' must be tables")
    return Experiment(
        name=name,
        title=str(data["title"]),
        flux_key=flux_key,
        pot=_positive_number(data["pot"], f"{origin}: pot"),
        baseline_cm=_positive_number(data["baseline_cm"], f"{origin}: baseline_cm"),
        volumes=tuple(volumes),
        fiducial=fiducial,
        description=str(data.get("description", "")).strip(),
        sources=MappingProxyType({str(k): str(v) for k, v in sources.items()}),
        beam=str(data.get("beam", "")),
        flux_scale=_positive_number(data.get("flux_scale", 1.0), f"{origin}: flux_scale"),
        fallback_flux=None if fallback is None else str(fallback),
        fiducial_material=fid_material,
        fiducial_nominal_mass_t=fid_mass,
        facts=MappingProxyType(dict(facts)),
    )


def load_experiment(path: str | os.PathLike[str]) -> Experiment:
    """Read an experiment from a TOML file of the catalogue format (see the module docstring).

    Raises
    ------
    NuportalError
        If the file is missing, is not valid TOML, or describes an invalid experiment.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise NuportalError(f"the experiment file {str(p)!r} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise NuportalError(f"the experiment file {str(p)!r} is not valid TOML: {exc}") from exc
    return _experiment_from_mapping(data, str(p))


def _catalogue_files() -> dict[str, Any]:
    folder = resources.files("nuportal.experiments").joinpath("catalogue")
    return {
        entry.name[: -len(".toml")]: entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def list_experiments() -> list[str]:
    """Names of the experiments in the built-in catalogue, sorted."""
    return sorted(_catalogue_files())


@cache
def get_experiment(name: str) -> Experiment:
    """The catalogue experiment called ``name`` (see :func:`list_experiments`).

    Raises
    ------
    NuportalError
        If there is no such experiment (the message suggests the closest name).
    """
    files = _catalogue_files()
    if name not in files:
        raise NuportalError(unknown_name_message("experiment", name, files))
    entry = files[name]
    try:
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - catalogue files are tested
        raise NuportalError(f"catalogue file {entry.name!r} is not valid TOML: {exc}") from exc
    experiment = _experiment_from_mapping(data, f"catalogue file {entry.name}")
    if experiment.name != name:  # pragma: no cover - catalogue files are tested
        raise NuportalError(f"catalogue file {entry.name!r} declares name {experiment.name!r}")
    return experiment
