"""The columnar event record: layout checks, concatenation and selection."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.generator.events import EVENT_COLUMNS, PARTICLE_COLUMNS, Events


def _batch(multiplicities, process_labels, process, weight):
    n = len(multiplicities)
    offsets = np.concatenate([[0], np.cumsum(multiplicities)])
    rows = int(offsets[-1])
    event = {k: np.zeros(n) for k in EVENT_COLUMNS}
    event["weight"] = np.asarray(weight, float)
    event["process"] = np.asarray(process)
    particles = {k: np.arange(rows, dtype=float) for k in PARTICLE_COLUMNS}
    return Events(event, particles, offsets, tuple(process_labels))


def test_concatenate_and_select_keep_events_whole():
    a = _batch([3, 2], ["p", "q"], [0, 1], [1.0, 2.0])
    b = _batch([4], ["q"], [0], [3.0])
    both = Events.concatenate([a, b])
    assert len(both) == 3
    assert both.processes == ("p", "q")
    np.testing.assert_array_equal(both.event["process"], [0, 1, 1])
    np.testing.assert_array_equal(both.offsets, [0, 3, 5, 9])
    assert both.total_weight == 6.0
    sub = both.select([False, True, True])
    np.testing.assert_array_equal(sub.offsets, [0, 2, 6])
    np.testing.assert_array_equal(sub.particles["px"], [3, 4, 0, 1, 2, 3])


def test_layout_is_checked():
    with pytest.raises(ValueError, match="length"):
        _batch([2], ["p"], [0, 0], [1.0])
