"""The columnar event record: layout checks, the vertex table, concatenation and selection."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.generator.events import (
    EVENT_COLUMNS,
    PARTICLE_COLUMNS,
    STATUS_BEAM,
    STATUS_DECAYED,
    STATUS_FINAL,
    STATUS_TARGET,
    VERTEX_COORDINATES,
    Events,
    Layout,
    tree_stored_rows,
    vertex_places,
)


def _batch(multiplicities, process_labels, process, weight, places=None):
    """Events whose row j of every event is made at vertex ``places[j]`` (default: rows 0
    and 1 at the interaction, the others at one decay vertex), positions distinct per event."""
    n = len(multiplicities)
    offsets = np.concatenate([[0], np.cumsum(multiplicities)])
    rows = int(offsets[-1])
    event = {k: np.zeros(n) for k in EVENT_COLUMNS}
    event["weight"] = np.asarray(weight, float)
    event["process"] = np.asarray(process)
    particles = {k: np.arange(rows, dtype=float) for k in PARTICLE_COLUMNS if k != "vertex"}
    owner = np.repeat(np.arange(n), multiplicities)
    local = np.arange(rows) - offsets[owner]
    vertex = np.asarray(places)[local] if places is not None else np.minimum(local // 2, 1)
    for j, c in enumerate(VERTEX_COORDINATES):
        particles[c] = 10.0 * owner + vertex + 0.1 * j  # distinct per event, vertex and axis
    return Events.from_table(event, particles, offsets, tuple(process_labels))


def test_rows_at_the_same_position_share_a_vertex_numbered_in_row_order():
    # rows 0, 1 and 4 at one place, 2 and 3 at another, 5 at a third: vertices 0, 1, 2
    events = _batch([6, 6], ["p"], [0, 0], [1.0, 1.0], places=[0, 0, 7, 7, 0, 3])
    np.testing.assert_array_equal(events.particles["vertex"], [0, 0, 1, 1, 0, 2] * 2)
    assert events.vertices.shape == (2, 3, 4)
    np.testing.assert_allclose(events.vertices[1, :, 0], [10.0, 17.0, 13.0])
    np.testing.assert_allclose(events.event["decay_t"], [7.3, 17.3])  # vertex 1, t axis
    pos = events.positions()
    np.testing.assert_allclose(pos["y"], 10.0 * np.repeat([0, 1], 6) + [0, 0, 7, 7, 0, 3] * 2 + 0.1)


def test_an_event_with_one_vertex_decays_at_the_interaction_point():
    events = _batch([2], ["p"], [0], [1.0], places=[5, 5])
    assert events.vertices.shape == (1, 2, 4)
    np.testing.assert_array_equal(events.vertices[0, 0], events.vertices[0, 1])


def test_vertex_places_shares_vertices_of_the_same_arrays():
    a, ta = np.ones((3, 3)), np.zeros(3)
    b, tb = np.full((3, 3), 2.0), np.ones(3)
    vertices, index = vertex_places([(a, ta), (a, ta), (b, tb), (a, ta)])
    np.testing.assert_array_equal(index, [0, 0, 1, 0])
    np.testing.assert_array_equal(vertices[:, 1], np.tile([2.0, 2.0, 2.0, 1.0], (3, 1)))


def test_concatenate_and_select_keep_events_whole():
    a = _batch([3, 2], ["p", "q"], [0, 1], [1.0, 2.0])
    b = _batch([4], ["q"], [0], [3.0], places=[0, 0, 1, 2])  # three vertices
    both = Events.concatenate([a, b])
    assert len(both) == 3
    assert both.processes == ("p", "q")
    np.testing.assert_array_equal(both.event["process"], [0, 1, 1])
    np.testing.assert_array_equal(both.offsets, [0, 3, 5, 9])
    assert both.total_weight == 6.0
    assert both.vertices.shape == (3, 3, 4)
    assert np.all(np.isnan(both.vertices[:2, 2]))  # unused slots
    sub = both.select([False, True, True])
    np.testing.assert_array_equal(sub.offsets, [0, 2, 6])
    np.testing.assert_array_equal(sub.particles["px"], [3, 4, 0, 1, 2, 3])
    for name in ("x", "t"):
        np.testing.assert_array_equal(
            sub.positions()[name], np.concatenate([a.positions()[name][3:], b.positions()[name]])
        )


def test_layout_is_checked():
    with pytest.raises(ValueError, match="length"):
        _batch([2], ["p"], [0, 0], [1.0])


def _tree_layout():
    """ν(0) C(1) → C(2) N(3); N → ν(4) Z'(5); Z' → e⁻(6) e⁺(7): the benchmark's rows."""
    status = [STATUS_BEAM, STATUS_TARGET, STATUS_FINAL, STATUS_DECAYED, 1, STATUS_DECAYED, 1, 1]
    mother = [-1, -1, 0, 0, 3, 3, 5, 5]
    pdg = [14, 1000060120, 1000060120, 5914, 14, 5921, 11, -11]
    return Layout.decay_tree(pdg, status, mother, [0, 0, 0, 0, 1, 1, 2, 2], 11.17, recoil=2)


def _boost_z(p, beta):
    gamma = 1 / np.sqrt(1 - beta**2)
    return np.array([gamma * (p[0] + beta * p[3]), p[1], p[2], gamma * (p[3] + beta * p[0])])


def test_decay_tree_layout_derives_the_target_the_decayed_particles_and_the_recoil():
    """Kinematics built by hand: N (m = 0.4) flies along z with β = 0.6 and decays into a
    massless ν and a Z' (m = 0.1), which decays into two massless leptons; only ν_in, ν_out
    and the leptons are stored, the rest must come out with the right masses and momenta."""
    layout = _tree_layout()
    assert (layout.rows, layout.stored) == (8, 4)
    assert tree_stored_rows(layout.status, recoil=2) == [0, 4, 6, 7]
    m_n, m_z = 0.4, 0.1
    p_star = (m_n**2 - m_z**2) / (2 * m_n)  # two-body momentum in the N rest frame
    nu_rest = np.array([p_star, p_star, 0.0, 0.0])
    z_rest = np.array([m_n - p_star, -p_star, 0.0, 0.0])
    # Z' → e⁻ e⁺ back to back along y in the Z' frame, taken to the N frame along -x
    beta_z = p_star / z_rest[0]
    e_minus, e_plus = (np.array([m_z / 2, 0.0, s * m_z / 2, 0.0]) for s in (1, -1))
    swap = [0, 3, 2, 1]  # exchange x and z to boost along x with _boost_z
    e_minus, e_plus = (_boost_z(p[swap], -beta_z)[swap] for p in (e_minus, e_plus))
    n_lab = _boost_z(np.array([m_n, 0, 0, 0]), 0.6)
    nu_out, e_minus, e_plus = (_boost_z(p, 0.6) for p in (nu_rest, e_minus, e_plus))
    beam = np.array([1.3, 0.0, 0.0, 1.3])
    stored = np.stack([beam, nu_out, e_minus, e_plus])
    events = Events(
        {k: np.zeros(1) for k in EVENT_COLUMNS}, stored, [0], (layout,), np.zeros((1, 3, 4))
    )
    p = events.particles
    p4 = np.stack([p[c] for c in ("e", "px", "py", "pz")], axis=1)
    np.testing.assert_allclose(p4[1], [11.17, 0, 0, 0], atol=1e-15)
    np.testing.assert_allclose(p4[3], n_lab, atol=1e-15)
    np.testing.assert_allclose(p4[5], _boost_z(z_rest, 0.6), atol=1e-15)
    np.testing.assert_allclose(p4[2], beam + p4[1] - n_lab, atol=1e-14)
    np.testing.assert_array_equal(p4[[0, 4, 6, 7]], stored)  # stored rows bit for bit
    np.testing.assert_array_equal(p["mother"], [-1, -1, 0, 0, 3, 3, 5, 5])
    assert events.nbytes == stored.nbytes + 3 * 32 + 8 + 4 + 1 + 8 + 8 + 2


def _table(pdg_rows):
    """A flat table of events with the given PDG numbers per event (momenta 0, 1, 2, ...)."""
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in pdg_rows])])
    n, rows = len(pdg_rows), int(offsets[-1])
    event = {k: np.zeros(n) for k in EVENT_COLUMNS}
    particles = {k: np.zeros(rows) for k in PARTICLE_COLUMNS}
    particles["pdg"] = np.concatenate(pdg_rows)
    for k in ("px", "py", "pz", "e"):
        particles[k] = np.arange(rows, dtype=float)
    return Events.from_table(event, particles, offsets, ("p",), {}, np.zeros((n, 2, 4)))


def test_a_flat_table_gets_one_layout_per_kind_of_event_and_reads_back_equal():
    a = _table([[14, 6, 6], [14, 6], [14, 6, 6], [-14, 6, 6]])
    assert len(a.layouts) == 3
    assert a.layout[0] == a.layout[2] != a.layout[3]
    np.testing.assert_array_equal(a.particles["px"], np.arange(11.0))
    np.testing.assert_array_equal(a.particles["pdg"], [14, 6, 6, 14, 6, 14, 6, 6, -14, 6, 6])
    np.testing.assert_array_equal(a.offsets, [0, 3, 5, 8, 11])
    b = _table([[14, 6]])
    both = Events.concatenate([a, b])
    assert len(both.layouts) == 3  # b's layout is one of a's
    assert both.layout[-1] == both.layout[1]
    np.testing.assert_array_equal(both.particles["e"], [*range(11), 0, 1])
    sub = both.select([False, True, False, True, True])
    np.testing.assert_array_equal(sub.particles["pdg"], [14, 6, -14, 6, 6, 14, 6])
    np.testing.assert_array_equal(sub.offsets, [0, 2, 5, 7])


def test_inconsistent_storage_is_rejected():
    layout = _tree_layout()
    event = {k: np.zeros(1) for k in EVENT_COLUMNS}
    with pytest.raises(ValueError, match="store 4 four-momenta"):
        Events(event, np.zeros((3, 4)), [0], (layout,), np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match="indices into the 1 layouts"):
        Events(event, np.zeros((4, 4)), [1], (layout,), np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match="final-state descendants"):
        Layout.decay_tree(
            [14, 1, 1, 5914],
            [STATUS_BEAM, STATUS_TARGET, 1, STATUS_DECAYED],
            [-1, -1, 0, 0],
            [0] * 4,
            1.0,
            recoil=2,
        )
