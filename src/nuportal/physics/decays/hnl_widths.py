"""Decay channels, total width and branching ratios of the minimal heavy neutral lepton.

The minimal HNL N interacts only through its mixing U_α with the active neutrinos
(α = e, μ, τ). Every partial width is |U_α|² times a width of
:mod:`~nuportal.physics.decays.hnl_leptonic`, :mod:`~nuportal.physics.decays.hnl_hadronic`
or :mod:`~nuportal.physics.decays.hnl_inclusive`; channels of different α never share a
final state of flavour eigenstates, so widths of different α add (the light neutrinos are
summed over, and lepton-number-conserving and -violating amplitudes do not interfere for
massless light neutrinos).

Dirac and Majorana
------------------
A Dirac N (the state produced with a charged lepton ℓ⁺, lepton number +1) decays into
N → ℓ_α⁻ X⁺, ν_α X⁰. A Majorana N decays in addition into every charge-conjugate final state
(ℓ_α⁺ X⁻, ν̄_α X⁰, ...) with the same width, the lepton-number-violating channels included:
Γ_Maj = 2 Γ_Dirac channel by channel when each channel is summed with its conjugate, and for
the total width (arXiv:1805.08567, Sec. 3). :func:`minimal_hnl_channels` lists the conjugate
channels separately.

Hadrons: single mesons below 1 GeV, quarks with the QCD correction above 2 GeV, and a
smooth blend of the two in between (:mod:`~nuportal.physics.decays.hnl_inclusive`): in the
window the exclusive channels carry the weight 1 - w and the quark channels the weight w.

Particle identities are PDG Monte Carlo numbers; the HNL is not listed among its daughters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nuportal.errors import NuportalError, unknown_name_message
from nuportal.physics.decays import hnl_hadronic as had
from nuportal.physics.decays import hnl_inclusive as inc
from nuportal.physics.decays import hnl_leptonic as lep
from nuportal.physics.decays import mesons
from nuportal.physics.decays._hnl_common import LEPTON_FLAVOURS, hnl_masses

_CHARGED_LEPTON_PDG = {"e": 11, "mu": 13, "tau": 15}
_NEUTRINO_PDG = {"e": 12, "mu": 14, "tau": 16}
_QUARK_PDG = {"d": 1, "u": 2, "s": 3, "c": 4, "b": 5}
_NAMES = {
    11: "e-",
    13: "mu-",
    15: "tau-",
    12: "nu_e",
    14: "nu_mu",
    16: "nu_tau",
    1: "d",
    2: "u",
    3: "s",
    4: "c",
    5: "b",
}
_NAMES.update({m.pdgid: m.name for m in mesons.MESONS.values()})
#: particles that are their own antiparticle (their PDG number is not negated)
_SELF_CONJUGATE = frozenset(m.pdgid for m in mesons.MESONS.values() if not m.charged)


def particle_name(pdgid: int) -> str:
    """Short name of a daughter in channel labels: ``-211`` → ``"pi-"``, ``-12`` → ``"nu_e~"``."""
    base = _NAMES[abs(pdgid)]
    if pdgid > 0:
        return base
    if base.endswith("+"):
        return base[:-1] + "-"
    if base.endswith("-"):
        return base[:-1] + "+"
    return base + "~"


def _conjugate(pdgid: int) -> int:
    return pdgid if pdgid in _SELF_CONJUGATE else -pdgid


@dataclass(frozen=True)
class HNLChannel:
    """One decay channel of the minimal HNL.

    Attributes
    ----------
    label : str
        ``"N -> e- pi+"``: daughters by their short names, in the order of ``daughters``.
    daughters : tuple[int, ...]
        PDG numbers of the daughters, the sign giving particle (+) or antiparticle (-).
    width : float
        Partial width in GeV, including |U_α|² and (in the matching window) the matching
        weight.
    flavour : str
        The mixing flavour α (``"e"``, ``"mu"``, ``"tau"``) the width is proportional to.
    """

    label: str
    daughters: tuple[int, ...]
    width: float
    flavour: str

    def conjugate(self) -> HNLChannel:
        """The charge-conjugate channel with the same width (a Majorana HNL has both)."""
        daughters = tuple(_conjugate(p) for p in self.daughters)
        return HNLChannel(_label(daughters), daughters, self.width, self.flavour)


def _label(daughters: tuple[int, ...]) -> str:
    return "N -> " + " ".join(particle_name(p) for p in daughters)


_Kernel = Callable[[np.ndarray], np.ndarray]
#: the kinds of channel of :func:`_dirac_channels`
KINDS = ("lepton", "meson", "quark")


def _dirac_channels(alpha: str) -> list[tuple[tuple[int, ...], _Kernel, str]]:
    """(daughters, width kernel of m_N for |U_α|² = 1, kind) of a Dirac N mixing with α.

    ``kind`` is ``"lepton"``, ``"meson"`` (weighted by 1 - w) or ``"quark"`` (tree level,
    to be multiplied by w (1 + Δ_QCD)).
    """
    ell = _CHARGED_LEPTON_PDG[alpha]
    nu = _NEUTRINO_PDG[alpha]
    out: list[tuple[tuple[int, ...], _Kernel, str]] = []
    for beta in LEPTON_FLAVOURS:
        nu_b, ell_b = _NEUTRINO_PDG[beta], _CHARGED_LEPTON_PDG[beta]

        def three_nu(m: np.ndarray, b: str = beta) -> np.ndarray:
            return lep.width_three_neutrinos_flavour(m, alpha, b)

        def pair(m: np.ndarray, b: str = beta) -> np.ndarray:
            return lep.width_nu_lepton_pair(m, alpha, b)

        out.append(((nu, nu_b, -nu_b), three_nu, "lepton"))
        out.append(((nu, ell_b, -ell_b), pair, "lepton"))
        if beta != alpha:

            def charged(m: np.ndarray, b: str = beta) -> np.ndarray:
                return lep.width_charged_current_leptons(m, alpha, b)

            out.append(((ell, -ell_b, nu_b), charged, "lepton"))
    for name, meson in mesons.MESONS.items():

        def meson_width(m: np.ndarray, n: str = name) -> np.ndarray:
            return had.width_meson(m, alpha, n)

        out.append(((ell if meson.charged else nu, meson.pdgid), meson_width, "meson"))
    for up in inc.UP_QUARKS:
        for down in inc.DOWN_QUARKS:

            def lquarks(m: np.ndarray, u: str = up, d: str = down) -> np.ndarray:
                return inc.width_lepton_quarks(m, alpha, u, d)

            out.append(((ell, _QUARK_PDG[up], -_QUARK_PDG[down]), lquarks, "quark"))
    for quark in ("u", "d", "s", "c", "b"):

        def nquarks(m: np.ndarray, q: str = quark) -> np.ndarray:
            return inc.width_nu_quarks(m, q)

        out.append(((nu, _QUARK_PDG[quark], -_QUARK_PDG[quark]), nquarks, "quark"))
    return out


def _check_mixing(u2: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(u2, Mapping):
        raise NuportalError("u2 must map flavours 'e', 'mu', 'tau' to |U_alpha|^2")
    out: dict[str, float] = {}
    for key, value in u2.items():
        if key not in LEPTON_FLAVOURS:
            raise NuportalError(unknown_name_message("mixing flavour", str(key), LEPTON_FLAVOURS))
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise NuportalError(f"|U_{key}|^2 must be a number; got {value!r}") from None
        if not math.isfinite(v) or not 0.0 <= v <= 1.0:
            raise NuportalError(f"|U_{key}|^2 must be a number in [0, 1]; got {value!r}")
        out[key] = v
    if not any(v > 0.0 for v in out.values()):
        raise NuportalError(
            "the minimal HNL needs at least one positive mixing |U_e|^2, |U_mu|^2 or |U_tau|^2"
        )
    return out


def minimal_hnl_widths(
    m_n: npt.ArrayLike,
    u2: Mapping[str, float],
    majorana: bool = False,
    *,
    low: float = inc.MATCHING_LOW,
    high: float = inc.MATCHING_HIGH,
    kinds: Collection[str] = KINDS,
) -> dict[str, tuple[tuple[int, ...], str, np.ndarray]]:
    """Partial widths of every channel as arrays over the HNL masses (vectorised).

    Parameters
    ----------
    m_n : array_like
        HNL mass(es) in GeV.
    u2 : Mapping[str, float]
        |U_α|² by flavour, e.g. ``{"mu": 1e-6}``; missing flavours are 0.
    majorana : bool
        Majorana HNL (adds every charge-conjugate channel with the same width).
    low, high : float
        The exclusive/inclusive hadronic matching window in GeV
        (:func:`nuportal.physics.decays.hnl_inclusive.matching_weight`).
    kinds : collection of str
        Which channels: ``"lepton"`` (leptons and neutrinos only), ``"meson"`` (single
        mesons), ``"quark"`` (quark level); default all.

    Returns
    -------
    dict
        ``label -> (daughters, flavour, widths in GeV)``, the widths with the shape of
        ``m_n``; channels closed at a mass have width 0 there.

    Raises
    ------
    NuportalError
        For a non-positive or non-finite mass, an unknown flavour, |U_α|² outside [0, 1] or
        no positive mixing.
    """
    m = hnl_masses(m_n)
    mixing = _check_mixing(u2)
    weight = inc.matching_weight(m, low, high)
    sel = weight > 0.0
    need_quarks = bool(np.any(sel))
    # (1 + Δ_QCD) w of the quark channels, computed once (α_s only where w > 0, m ≥ 1 GeV)
    quark_factor = np.zeros_like(m)
    if need_quarks:
        quark_factor[sel] = weight[sel] * (1.0 + inc.qcd_correction(m[sel]))
    out: dict[str, tuple[tuple[int, ...], str, np.ndarray]] = {}
    for alpha in LEPTON_FLAVOURS:
        u2_alpha = mixing.get(alpha, 0.0)
        if u2_alpha == 0.0:
            continue
        for daughters, kernel, kind in _dirac_channels(alpha):
            if kind not in kinds:
                continue
            if kind == "quark":
                if not need_quarks:
                    continue
                width = np.zeros_like(m)
                width[sel] = quark_factor[sel] * kernel(m[sel])
            elif kind == "meson":
                width = (1.0 - weight) * kernel(m)
            else:
                width = kernel(m)
            width = u2_alpha * width
            out[_label(daughters)] = (daughters, alpha, width)
            if majorana:
                conj = tuple(_conjugate(p) for p in daughters)
                out[_label(conj)] = (conj, alpha, width)
    return out


def minimal_hnl_channels(
    m_n: float,
    u2: Mapping[str, float],
    majorana: bool = False,
    *,
    low: float = inc.MATCHING_LOW,
    high: float = inc.MATCHING_HIGH,
) -> list[HNLChannel]:
    """Every open decay channel of a minimal HNL of mass ``m_n`` (GeV), largest width first.

    Channels closed by kinematics (or outside their side of the hadronic matching window)
    are omitted. For a Majorana HNL each channel appears with its charge conjugate (same
    width), so the total is twice the Dirac one.

    Parameters
    ----------
    m_n : float
        HNL mass in GeV.
    u2 : Mapping[str, float]
        |U_α|² by flavour (``"e"``, ``"mu"``, ``"tau"``).
    majorana : bool
        Majorana (``True``) or Dirac (``False``, default) HNL.
    low, high : float
        Hadronic matching window in GeV (defaults 1 and 2 GeV).

    Returns
    -------
    list[HNLChannel]

    Examples
    --------
    >>> chans = minimal_hnl_channels(0.3, {"mu": 1e-6})
    >>> [c.label for c in chans][:4]
    ['N -> nu_mu pi0', 'N -> mu- pi+', 'N -> nu_mu nu_mu nu_mu~', 'N -> mu- e+ nu_e']
    >>> len(minimal_hnl_channels(0.3, {"mu": 1e-6}, majorana=True))
    16
    """
    if np.ndim(m_n) != 0:
        raise NuportalError("minimal_hnl_channels takes one mass; use minimal_hnl_widths")
    table = minimal_hnl_widths(m_n, u2, majorana, low=low, high=high)
    channels = [
        HNLChannel(label, daughters, float(width), flavour)
        for label, (daughters, flavour, width) in table.items()
        if float(width) > 0.0
    ]
    return sorted(channels, key=lambda c: -c.width)


def total_width(
    m_n: npt.ArrayLike,
    u2: Mapping[str, float],
    majorana: bool = False,
    *,
    low: float = inc.MATCHING_LOW,
    high: float = inc.MATCHING_HIGH,
) -> np.ndarray:
    """Total width of the minimal HNL in GeV, with the shape of ``m_n`` (vectorised).

    Sum of :func:`minimal_hnl_widths`; for a Majorana HNL twice the Dirac value.
    """
    table = minimal_hnl_widths(m_n, u2, majorana, low=low, high=high)
    widths = [w for _, _, w in table.values()]
    return np.sum(widths, axis=0)


def branching_ratios(
    m_n: float,
    u2: Mapping[str, float],
    majorana: bool = False,
    *,
    low: float = inc.MATCHING_LOW,
    high: float = inc.MATCHING_HIGH,
) -> dict[str, float]:
    """Branching ratio of every open channel at one mass, keyed by label (they sum to 1)."""
    channels = minimal_hnl_channels(m_n, u2, majorana, low=low, high=high)
    total = math.fsum(c.width for c in channels)
    return {c.label: c.width / total for c in channels}
