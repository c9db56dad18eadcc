"""Three-body decays ψ_j → ψ_k f f̄ of a dark fermion through the off-shell dark photon.

Exact matrix element
--------------------
With the Majorana vertex γ^μ (c_L P_L + c_R P_R) = γ^μ (G_kj P_L − G*_kj P_R) of
:mod:`nuportal.models.dark_sector` (signed masses m_j, m_k), the lepton current
ε e Q_ℓ ū(p₁) γ_μ v(p₂) and the A' propagator

    D(s) = 1 / (s − m_A'² + i √s Γ_A'(√s)),

where Γ_A'(√s) is the total width the A' would have at mass √s (the imaginary part of its
one-loop self-energy; it reduces to m_A' Γ_A' on shell), the spin-summed square is (the
q_μ q_ν/m_A'² part of the propagator drops against the conserved lepton current)

    Σ|M|² = 16 e² ε² |D(s)|² { A [(k·p₁)(P·p₂) + (k·p₂)(P·p₁) + m_ℓ² (k·P)]
                                − 2 B m_j m_k (p₁·p₂ + 2 m_ℓ²) },

A = |c_L|² + |c_R|² = 2|G_kj|², B = Re(c_L c_R*) = −Re(G_kj²), from the traces of the
vector and axial parts (|g_V|² − |g_A|² = B, the signed product m_j m_k carries the
rephasing, see :mod:`~nuportal.physics.darkphoton.widths`); P, k, p₁, p₂ are the momenta
of ψ_j, ψ_k, ℓ⁻, ℓ⁺. The parent spin is averaged (½). With the Dalitz variables
s = m²_ℓℓ = (p₁ + p₂)² and t = m²_{kℓ⁻} = (k + p₁)²,

    dΓ = ½ Σ|M|² ds dt / (256 π³ |m_j|³)

(PDG 2024, "Kinematics", Eq. (49.22)). At fixed s the bracket is a quadratic polynomial in
t, so a 2-point Gauss–Legendre rule integrates t exactly.

Factorised form (second method, and the hadronic channel)
---------------------------------------------------------
Integrating the lepton pair over its own phase space turns its tensor into the
polarisation sum of a massive vector of mass √s, so that exactly

    dΓ/ds = Γ(ψ_j → ψ_k V)|_{m_V=√s} · √s Γ(V → f f̄)|_{m_V=√s} / (π |D(s)|⁻²),

with the two-body widths of :mod:`~nuportal.physics.darkphoton.widths`. For f f̄ = hadrons,
Γ(V → hadrons)(√s) = α ε² √s R(√s)/3 (the R ratio of
:func:`~nuportal.physics.decays.hadrons.vector_hadronic_width`), which defines
Γ(ψ_j → ψ_k hadrons) = ∫ ds of that expression from s = m_π⁰² (where R starts) to
(|m_j| − |m_k|)². In the narrow-width limit the s integral gives Γ(ψ_j → ψ_k A') · BR(A' → f f̄).

The factorised form with Γ(V → ψ_l ψ_m) for a dark pair (``final=(l, m)``) is the rate of
one diagram of ψ_j → ψ_k ψ_l ψ_m, exact only when the pair current is conserved (equal
masses of opposite sign with a real coupling): otherwise its scalar part, which the
q_μq_ν/m_A'² term of the propagator picks up, is missing. The decay tables use
:class:`~nuportal.physics.darkphoton.invisible.InvisibleDecay`, which has all diagrams and
their interference.

For m_A' ≫ |m_j| − |m_k| = δ ≪ |m_k| and opposite signed masses (the iDM transition), the
lepton width tends to 4 ε² α α_D δ⁵ / (15 π m_A'⁴) (e.g. Izaguirre, Krnjaic, Schuster & Toro,
arXiv:1703.06881; the formula quoted by arXiv:2302.05410); at large splittings it differs by
tens of per cent (tested). The s integral is a composite Gauss–Legendre rule in the angle
φ = arctan[(s − m_A'²)/(m_A' Γ_A')], flat under the Breit–Wigner, whether or not the pole
is inside the range (other maps when it is far outside, see :meth:`OffShellDecay._map`).

All masses in GeV, widths in GeV; differential widths in GeV⁻³ (ds dt) or GeV⁻¹ (ds).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from nuportal.constants import CHARGED_LEPTON_MASS, E_CHARGE, M_PI_ZERO
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models.dark_sector import DarkSector
from nuportal.physics.darkphoton.widths import (
    aprime_to_fermions,
    aprime_to_hadrons,
    aprime_to_leptons,
    aprime_total_width,
    fermion_to_aprime,
)

#: final states f f̄ of :class:`OffShellDecay`
FINAL_STATES = (*CHARGED_LEPTON_MASS, "hadrons")


def _gauss(order: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(order)
    return 0.5 * (x + 1.0), 0.5 * w


class OffShellDecay:
    """ψ_j → ψ_k f f̄ through the off-shell A' for one dark sector (see the module docstring).

    Parameters
    ----------
    sector : DarkSector
        The dark sector.
    parent, daughter : int
        Indices j, k of ψ_j and ψ_k in ``sector`` (|m_j| > |m_k|).
    final : str or tuple[int, int]
        ``"e"``, ``"mu"``, ``"tau"`` (ℓ⁻ℓ⁺; exact matrix element, Dalitz sampling),
        ``"hadrons"`` (factorised form with the R ratio; no sampling), or a pair (l, m) of
        dark states for the invisible ψ_j → ψ_k ψ_l ψ_m (factorised form of this diagram
        alone; exact for a conserved pair current only, see the module docstring; no
        sampling).

    Examples
    --------
    >>> from nuportal.models.dark_sector import DarkPhoton, inelastic_dm
    >>> s = inelastic_dm(DarkPhoton(1.0, 1e-3, 1.0), m1=0.1, delta=0.01)
    >>> decay = OffShellDecay(s, 1, 0, "e")
    >>> f"{decay.width():.4e}"
    '4.1281e-21'
    """

    def __init__(
        self, sector: DarkSector, parent: int, daughter: int, final: str | tuple[int, int]
    ) -> None:
        n = sector.n_states
        pair = final if isinstance(final, tuple) else ()
        if not pair and final not in FINAL_STATES:
            raise NuportalError(unknown_name_message("final state", str(final), FINAL_STATES))
        if not all(0 <= i < n for i in (parent, daughter, *pair)) or len(pair) not in (0, 2):
            raise NuportalError(
                f"state indices must lie in 0..{n - 1} (a dark pair is two indices), "
                f"got {parent}, {daughter}, {final}"
            )
        self.sector = sector
        self.parent, self.daughter, self.final = parent, daughter, final
        self.m_parent = float(sector.signed_masses[parent])
        self.m_daughter = float(sector.signed_masses[daughter])
        g = complex(sector.coupling[daughter, parent])
        self.coupling = g
        self._a = 2.0 * abs(g) ** 2
        self._b = -float(np.real(g * g))
        self.m_f = CHARGED_LEPTON_MASS.get(str(final), 0.0)
        if pair:
            self._pair_coupling = complex(sector.coupling[pair[0], pair[1]])
            low = float(np.sum(sector.masses[list(pair)])) ** 2
        else:  # hadrons: from the lightest hadronic state (π⁰γ) on, where R(√s) starts
            self._pair_coupling = 0j
            low = M_PI_ZERO**2 if final == "hadrons" else (2.0 * self.m_f) ** 2
        self.s_range = (low, (abs(self.m_parent) - abs(self.m_daughter)) ** 2)

    @cached_property
    def _pole(self) -> tuple[float, float]:
        """(m_A', Γ_A') in GeV, for the integration map."""
        a = self.sector.dark_photon
        return a.mass, float(aprime_total_width(self.sector, a.mass))

    @property
    def is_open(self) -> bool:
        """Whether the channel is open (kinematically, with non-zero couplings: G_kj and ε, or
        G_lm for a dark pair)."""
        second = (
            self._pair_coupling
            if isinstance(self.final, tuple)
            else self.sector.dark_photon.epsilon
        )
        return self.s_range[1] > self.s_range[0] and abs(self.coupling) > 0 and abs(second) > 0

    # ------------------------------------------------------------------ kinematics
    def t_limits(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Limits of t = m²_{kℓ⁻} at fixed s = m²_ℓℓ (PDG "Kinematics", Eq. (49.23)), GeV²."""
        big, m_k, m_l = abs(self.m_parent), abs(self.m_daughter), self.m_f
        root = np.sqrt(s)
        e_l = 0.5 * root  # ℓ⁻ energy in the ℓℓ rest frame
        e_k = (big**2 - s - m_k**2) / (2.0 * root)
        p_l = np.sqrt(np.clip(e_l**2 - m_l**2, 0.0, None))
        p_k = np.sqrt(np.clip(e_k**2 - m_k**2, 0.0, None))
        base = (e_l + e_k) ** 2
        return base - (p_l + p_k) ** 2, base - (p_l - p_k) ** 2

    def _propagator2(self, s: np.ndarray) -> np.ndarray:
        """|D(s)|⁻² = (s − m_A'²)² + s Γ_A'(√s)²."""
        a = self.sector.dark_photon
        root = np.sqrt(s)
        gamma = aprime_total_width(self.sector, root)
        return (s - a.mass**2) ** 2 + s * gamma**2

    def _require_leptons(self) -> None:
        if self.final not in CHARGED_LEPTON_MASS:
            raise NuportalError(
                f"the final state {self.final!r} has only the factorised form (dgamma_ds, "
                "width); the Dalitz form and sampling are for e, mu, tau"
            )

    def amplitude_squared(self, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Parent-spin-averaged |M|² at Dalitz points (s, t), GeV⁰ (leptons only)."""
        self._require_leptons()
        s, t = np.asarray(s, float), np.asarray(t, float)
        big2, m_k2, m_l2 = self.m_parent**2, self.m_daughter**2, self.m_f**2
        u = big2 + m_k2 + 2.0 * m_l2 - s - t
        k_p1 = 0.5 * (t - m_k2 - m_l2)
        k_p2 = 0.5 * (u - m_k2 - m_l2)
        big_p1 = 0.5 * (big2 + m_l2 - u)
        big_p2 = 0.5 * (big2 + m_l2 - t)
        k_big = 0.5 * (big2 + m_k2 - s)
        p1_p2 = 0.5 * s - m_l2
        bracket = self._a * (k_p1 * big_p2 + k_p2 * big_p1 + m_l2 * k_big) - 2.0 * self._b * (
            self.m_parent * self.m_daughter * (p1_p2 + 2.0 * m_l2)
        )
        coupling2 = (self.sector.dark_photon.epsilon * E_CHARGE) ** 2
        return 8.0 * coupling2 * bracket / self._propagator2(s)

    def differential_width(self, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        """d²Γ/(ds dt) in GeV⁻³ (zero outside the Dalitz region; leptons only)."""
        s, t = np.broadcast_arrays(np.asarray(s, float), np.asarray(t, float))
        lo, hi = self.s_range
        safe = np.where((s > lo) & (s < hi), s, 0.5 * (lo + hi))
        t_lo, t_hi = self.t_limits(safe)
        inside = (s > lo) & (s < hi) & (t >= t_lo) & (t <= t_hi)
        value = self.amplitude_squared(safe, t) / (256.0 * np.pi**3 * abs(self.m_parent) ** 3)
        return np.where(inside, np.clip(value, 0.0, None), 0.0)

    def dgamma_ds(self, s: np.ndarray) -> np.ndarray:
        """dΓ/ds in GeV⁻¹ from the factorised form (any final state; zero outside the range)."""
        s = np.asarray(s, float)
        lo, hi = self.s_range
        inside = (s > lo) & (s < hi)
        root = np.sqrt(np.where(inside, s, 0.5 * (lo + hi)))
        eps = self.sector.dark_photon.epsilon
        two_body = fermion_to_aprime(self.m_parent, self.m_daughter, root, self.coupling)
        if isinstance(self.final, tuple):
            first, second = self.final
            signed = self.sector.signed_masses
            decay = aprime_to_fermions(
                root, signed[first], signed[second], self._pair_coupling, identical=first == second
            )
        elif self.final == "hadrons":
            decay = aprime_to_hadrons(root, eps)
        else:
            decay = aprime_to_leptons(root, eps, self.final)
        value = two_body * root * decay / (np.pi * self._propagator2(root**2))
        return np.where(inside, value, 0.0)

    # ------------------------------------------------------------------ integration
    def _map(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """s(x) and ds/dx for x in [0, 1], following the A' pole.

        Pole inside the range or within 10³ m_A'Γ_A' of it: flat in the Breit–Wigner angle
        arctan[(s − m²)/(mΓ)]; pole outside but closer than the range's width: flat in
        1/(m² − s) (which follows 1/(s − m²)²); farther: flat in s.
        """
        lo, hi = self.s_range
        m, gamma = self._pole
        m2, scale = m * m, m * gamma
        distance = max(lo - m2, m2 - hi, 0.0)
        if scale > 0.0 and distance <= 1e3 * scale:
            a_lo, a_hi = np.arctan((lo - m2) / scale), np.arctan((hi - m2) / scale)
            angle = a_lo + (a_hi - a_lo) * x
            return m2 + scale * np.tan(angle), (a_hi - a_lo) * scale / np.cos(angle) ** 2
        if distance < hi - lo:
            z_lo, z_hi = 1.0 / (m2 - lo), 1.0 / (m2 - hi)
            z = z_lo + (z_hi - z_lo) * x
            return m2 - 1.0 / z, (z_hi - z_lo) / z**2
        return lo + (hi - lo) * x, np.full_like(x, hi - lo)

    def _nodes(self, panels: int, order: int) -> tuple[np.ndarray, np.ndarray]:
        """Nodes and weights in s: composite Gauss–Legendre in y, x = (1 − cos πy)/2 (which
        makes the square-root thresholds at both ends of the s range smooth), s = s(x)."""
        y, w = _gauss(order)
        edges = np.linspace(0.0, 1.0, panels + 1)
        ys = (edges[:-1, None] + np.diff(edges)[:, None] * y[None, :]).ravel()
        ws = (np.diff(edges)[:, None] * w[None, :]).ravel()
        xs = 0.5 * (1.0 - np.cos(np.pi * ys))
        s, jac = self._map(xs)
        return s, ws * jac * 0.5 * np.pi * np.sin(np.pi * ys)

    def width(self, *, method: str = "dalitz", panels: int = 64, order: int = 16) -> float:
        """Partial width in GeV.

        ``method="dalitz"`` integrates the exact matrix element over the Dalitz plane (t
        exactly by 2-point Gauss–Legendre, s by ``panels`` × ``order`` nodes in the mapped
        variable); ``"factorised"`` integrates :meth:`dgamma_ds` (the only method for
        hadrons). The two agree to 1e-8 (tested); the default rule is converged to 1e-5 or
        better (tested by doubling; ~1e-9 away from the pole).
        """
        if method not in ("dalitz", "factorised"):
            raise NuportalError(f"method must be 'dalitz' or 'factorised', got {method!r}")
        if not self.is_open:
            return 0.0
        s, ws = self._nodes(panels, order)
        if method == "factorised" or self.final not in CHARGED_LEPTON_MASS:
            return float(np.sum(self.dgamma_ds(s) * ws))
        t_lo, t_hi = self.t_limits(s)
        x, w = _gauss(2)
        t = t_lo[:, None] + (t_hi - t_lo)[:, None] * x[None, :]
        inner = np.sum(self.differential_width(s[:, None], t) * w[None, :], axis=1)
        return float(np.sum(inner * (t_hi - t_lo) * ws))

    # ------------------------------------------------------------------ sampling
    def _density(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """d²Γ/(dx dt) × (t₊ − t₋) at (x, t) and s(x): the accept–reject target."""
        s, jac = self._map(x)
        t_lo, t_hi = self.t_limits(s)
        return self.differential_width(s, t) * jac * (t_hi - t_lo), s

    def _envelope(self, bins: int) -> np.ndarray:
        """Per-bin bound of :meth:`_density`: 1.5 × its maximum over the bin's edges and centre
        at 9 points in t (the target is smooth in x and quadratic in t)."""
        x = np.linspace(0.0, 1.0, 2 * bins + 1)
        x = np.clip(x, 1e-9, 1.0 - 1e-9)
        s, _ = self._map(x)
        t_lo, t_hi = self.t_limits(s)
        frac = np.linspace(0.0, 1.0, 9)
        t = t_lo[:, None] + (t_hi - t_lo)[:, None] * frac[None, :]
        values = self._density(np.repeat(x, frac.size), t.ravel())[0].reshape(t.shape).max(1)
        return 1.5 * np.maximum(np.maximum(values[:-1:2], values[1::2]), values[2::2])

    def sample(
        self, n: int, rng: np.random.Generator, *, bins: int = 128
    ) -> tuple[np.ndarray, np.ndarray]:
        """``n`` unweighted Dalitz points (s = m²_ℓℓ, t = m²_{kℓ⁻}) in GeV² (leptons only).

        Accept–reject: x (the mapped s variable) from a piecewise-constant envelope on
        ``bins`` bins, t uniform in its limits, accepted with probability target/envelope.
        If a proposal ever exceeds the envelope, that bin's envelope is raised and the
        sample starts again (no bias is kept). All random numbers come from ``rng``.
        """
        self._require_leptons()
        if not self.is_open:
            raise NuportalError("the channel is closed or has no coupling")
        if n <= 0:
            raise NuportalError(f"the number of decays must be positive, got {n}")
        envelope = self._envelope(bins)
        while True:
            s_out, t_out = self._accept_reject(n, rng, envelope)
            if s_out is not None and t_out is not None:
                return s_out, t_out

    def _accept_reject(
        self, n: int, rng: np.random.Generator, envelope: np.ndarray
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        bins = envelope.size
        weights = envelope / envelope.sum()
        keep_s: list[np.ndarray] = []
        keep_t: list[np.ndarray] = []
        have = 0
        batch = max(1000, 2 * n)
        while have < n:
            b = rng.choice(bins, size=batch, p=weights)
            x = (b + rng.uniform(0.0, 1.0, batch)) / bins
            s, _ = self._map(x)
            t_lo, t_hi = self.t_limits(s)
            t = t_lo + (t_hi - t_lo) * rng.uniform(0.0, 1.0, batch)
            value = self._density(x, t)[0]
            ratio = value / envelope[b]
            if np.any(ratio > 1.0):
                over = ratio > 1.0
                np.maximum.at(envelope, b[over], 1.5 * value[over])
                return None, None
            accept = rng.uniform(0.0, 1.0, batch) < ratio
            keep_s.append(s[accept])
            keep_t.append(t[accept])
            have += int(accept.sum())
        return np.concatenate(keep_s)[:n], np.concatenate(keep_t)[:n]

    def momenta(self, s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Four-momenta (ψ_k, ℓ⁻, ℓ⁺), each (n, 4) in GeV, in the ψ_j rest frame for Dalitz
        points (s, t): ψ_k along +z, ℓ⁻ in the xz-plane (x ≥ 0). Orient them isotropically
        (the parent spin is averaged) with :func:`nuportal.generator.lorentz.rotate_z_to` and
        :func:`~nuportal.generator.lorentz.rotate_about_z`."""
        self._require_leptons()
        s, t = np.asarray(s, float), np.asarray(t, float)
        big, m_k, m_l = abs(self.m_parent), abs(self.m_daughter), self.m_f
        u = big**2 + m_k**2 + 2.0 * m_l**2 - s - t
        e_k = (big**2 + m_k**2 - s) / (2.0 * big)
        e_1 = (big**2 + m_l**2 - u) / (2.0 * big)
        p_k = np.sqrt(np.clip(e_k**2 - m_k**2, 0.0, None))
        p_1 = np.sqrt(np.clip(e_1**2 - m_l**2, 0.0, None))
        # t = (k + p₁)² = m_k² + m_l² + 2 (E_k E₁ − p_k p₁ cos θ)
        denom = np.where(p_k * p_1 > 0, 2.0 * p_k * p_1, 1.0)
        cos = np.clip((m_k**2 + m_l**2 + 2.0 * e_k * e_1 - t) / denom, -1.0, 1.0)
        sin = np.sqrt(1.0 - cos**2)
        zero = np.zeros_like(s)
        k = np.stack([e_k, zero, zero, p_k], axis=-1)
        p1 = np.stack([e_1, p_1 * sin, zero, p_1 * cos], axis=-1)
        parent = np.stack([np.full_like(s, big), zero, zero, zero], axis=-1)
        return k, p1, parent - k - p1
