"""Rotations and boosts of the generator: properties every rotation and boost must have."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.generator import lorentz

METRIC = np.array([1.0, -1.0, -1.0, -1.0])


def _directions() -> np.ndarray:
    rng = np.random.default_rng(11)
    d = rng.normal(size=(2000, 3))
    # the poles and the equator, where closed forms divide by 1 ± d_z
    special = [[0, 0, 1], [0, 0, -1], [1e-9, 0, -1], [0, 1e-9, 1], [1, 0, 0], [0, 1, 1e-17]]
    return np.concatenate([np.array(special, float), d])


def _rotation_matrices(d: np.ndarray) -> np.ndarray:
    """The rotations of :func:`lorentz.orient` (φ = 0), column j the image of axis j."""
    columns = []
    for axis in np.eye(3):
        p = np.tile(np.concatenate([[1.0], axis]), (len(d), 1))
        columns.append(lorentz.orient(p, np.zeros(len(d)), d)[:, 1:])
    return np.stack(columns, axis=-1)


def test_orient_rotations_are_rotations_taking_z_to_the_direction():
    d = _directions()
    r = _rotation_matrices(d)
    assert np.allclose(r[:, :, 2], lorentz.unit(d), atol=1e-15, rtol=0)
    assert np.allclose(np.einsum("nij,nkj->nik", r, r), np.eye(3), atol=1e-14, rtol=0)
    assert np.allclose(np.linalg.det(r), 1.0, atol=1e-14, rtol=0)


def test_orient_agrees_with_rodrigues_up_to_a_turn_about_the_axis():
    """Both take z to d̂, so they agree on vectors along z and on the angle to d̂; a turn
    by φ about z first leaves the component along z unchanged."""
    rng = np.random.default_rng(2)
    d = _directions()
    p = rng.normal(size=(len(d), 4))
    a = lorentz.orient(p, rng.uniform(0.0, 2.0 * np.pi, len(d)), d)
    b = lorentz.rotate_z_to(p, d)
    along = np.sum(a[:, 1:] * lorentz.unit(d), axis=1)
    assert along == pytest.approx(np.sum(b[:, 1:] * lorentz.unit(d), axis=1), abs=1e-12)
    assert np.linalg.norm(a[:, 1:], axis=1) == pytest.approx(np.linalg.norm(p[:, 1:], axis=1))
    np.testing.assert_array_equal(a[:, 0], p[:, 0])


def test_to_lab_conserves_the_parent_four_momentum_and_masses():
    rng = np.random.default_rng(5)
    n, mass = 1000, 0.42
    p = rng.normal(size=(n, 3))
    parent = np.column_stack([np.sqrt(mass**2 + np.sum(p**2, axis=1)), p])
    # a two-body decay at rest into masses 0 and 0.03 along a random axis
    m2 = 0.03
    k = (mass**2 - m2**2) / (2 * mass)
    axis = lorentz.unit(rng.normal(size=(n, 3)))
    first = np.column_stack([np.full(n, k), k * axis])
    second = np.column_stack([np.full(n, mass - k), -k * axis])
    lab = lorentz.to_lab([first, second], p, parent)
    assert np.allclose(lab[0] + lab[1], parent, rtol=1e-12, atol=1e-12)
    assert np.sum(lab[1] ** 2 * METRIC, axis=1) == pytest.approx(m2**2, rel=1e-9)
