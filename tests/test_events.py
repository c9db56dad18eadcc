"""The columnar event record: layout checks, the vertex table, concatenation and selection."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.generator.events import (
    EVENT_COLUMNS,
    PARTICLE_COLUMNS,
    VERTEX_COORDINATES,
    Events,
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
    return Events(event, particles, offsets, tuple(process_labels))


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
