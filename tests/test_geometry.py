"""Tests of nuportal.experiments.geometry: volumes, chords, sampling, placement, configuration."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.errors import NuportalError
from nuportal.experiments.geometry import (
    Box,
    Cylinder,
    Difference,
    Frustum,
    Intersection,
    Sphere,
    SphericalCap,
    SphericalShell,
    Union,
    Volume,
    interval_lengths,
    rotation_matrix,
    shape_from_dict,
)

PI = np.pi
Z = np.array([0.0, 0.0, 1.0])
X = np.array([1.0, 0.0, 0.0])
FLIP = rotation_matrix(X, PI)  # +z -> -z


def capsule(radius: float = 100.0, length: float = 400.0) -> Volume:
    cap = SphericalCap(radius, radius)
    body = Cylinder(radius, length)
    return body | cap.placed([0, 0, length / 2]) | cap.placed([0, 0, -length / 2], FLIP)


def one_ray(shape: Volume, origin, direction) -> np.ndarray:
    """Intervals (k, 2) of a single ray."""
    return shape.ray_intervals(np.array([origin], float), np.array([direction], float))[0]


def chord(shape: Volume, origin, direction) -> float:
    return float(shape.path_length(np.array([origin], float), np.array([direction], float))[0])


def mc_volume(shape: Volume, rng: np.random.Generator, n: int = 200_000) -> tuple[float, float]:
    """Volume from random parallel rays: area of the cross-section x mean chord, and its error."""
    u = rng.normal(size=3)
    u /= np.linalg.norm(u)
    e1 = np.cross(u, [1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.cross(u, [0.0, 1.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(u, e1)
    lo, hi = shape.bounding_box()
    corners = np.array(
        [[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])]
    )
    p1, p2, pu = corners @ e1, corners @ e2, corners @ u
    a = rng.uniform(p1.min(), p1.max(), n)
    b = rng.uniform(p2.min(), p2.max(), n)
    origins = a[:, None] * e1 + b[:, None] * e2 + (pu.min() - 10.0) * u
    lengths = shape.path_length(origins, u)
    area = np.ptp(p1) * np.ptp(p2)
    return area * lengths.mean(), area * lengths.std() / np.sqrt(n)


# --------------------------------------------------------------------------------------------
# primitives: volumes
# --------------------------------------------------------------------------------------------

PRIMITIVES = {
    "sphere": (Sphere(610.6), 4 / 3 * PI * 610.6**3),
    "shell": (SphericalShell(50.0, 80.0), 4 / 3 * PI * (80.0**3 - 50.0**3)),
    "box": (Box([256.0, 232.0, 1040.0]), 256.0 * 232.0 * 1040.0),
    "cylinder": (Cylinder(150.0, 300.0, axis=[1, 2, 3]), PI * 150.0**2 * 300.0),
    "frustum": (Frustum(30.0, 10.0, 50.0), PI * 50.0 * (900.0 + 300.0 + 100.0) / 3),
    "cone": (Frustum(0.0, 20.0, 60.0, axis=[0, 1, 0]), PI * 20.0**2 * 60.0 / 3),
    "cap": (SphericalCap(10.0, 3.0), PI * 9.0 * (30.0 - 3.0) / 3),
    "hemisphere": (SphericalCap(10.0, 10.0, axis=[0, 0, -1]), 2 / 3 * PI * 1000.0),
    "big cap": (SphericalCap(10.0, 17.0, center=[5, 5, 5]), PI * 289.0 * (30.0 - 17.0) / 3),
    "full cap": (SphericalCap(10.0, 20.0), 4 / 3 * PI * 1000.0),
}


@pytest.mark.parametrize("name", PRIMITIVES)
def test_primitive_volume_closed_form(name: str) -> None:
    shape, expected = PRIMITIVES[name]
    assert shape.volume == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", PRIMITIVES)
def test_mean_chord_times_area_is_volume(name: str, rng: np.random.Generator) -> None:
    shape, expected = PRIMITIVES[name]
    rotated = shape.placed([3.0, -7.0, 11.0], rotation_matrix([1, -2, 0.5], 0.7))
    for candidate in (shape, rotated):
        estimate, error = mc_volume(candidate, rng)
        assert abs(estimate - expected) < 4 * error


@pytest.mark.parametrize("name", PRIMITIVES)
def test_primitive_bounding_box_is_tight(name: str, rng: np.random.Generator) -> None:
    shape, _ = PRIMITIVES[name]
    shape = shape.placed([1.0, 2.0, 3.0], rotation_matrix([0.3, 1, -1], 1.1))
    lo, hi = shape.bounding_box()
    points = shape.sample(50_000, rng)
    assert np.all(points >= lo - 1e-9)
    assert np.all(points <= hi + 1e-9)
    # the extreme samples reach close to the box faces (within a few % of the size)
    size = hi - lo
    assert np.all(points.min(axis=0) - lo < 0.06 * size)
    assert np.all(hi - points.max(axis=0) < 0.06 * size)


# --------------------------------------------------------------------------------------------
# primitives: chords
# --------------------------------------------------------------------------------------------


def test_sphere_chords() -> None:
    r = 50.0
    sphere = Sphere(r, center=[0, 0, 100])
    assert chord(sphere, [0, 0, -1000], Z) == pytest.approx(2 * r)
    np.testing.assert_allclose(one_ray(sphere, [0, 0, -1000], Z), [[1050.0, 1150.0]])
    for b in (0.0, 10.0, 30.0, 49.9):
        assert chord(sphere, [b, 0, -1000], Z) == pytest.approx(2 * np.sqrt(r * r - b * b))
    # starting inside: t_enter = 0
    np.testing.assert_allclose(one_ray(sphere, [0, 0, 120], Z), [[0.0, 30.0]])
    assert chord(sphere, [0, 0, 120], -Z) == pytest.approx(70.0)
    # missing: tangent-free miss, pointing away, parallel offset
    assert chord(sphere, [60, 0, -1000], Z) == 0.0
    assert chord(sphere, [0, 0, -1000], -Z) == 0.0
    assert np.all(np.isinf(one_ray(sphere, [60, 0, -1000], Z)))
    # the length of the direction vector does not matter
    assert chord(sphere, [10, 0, -1000], [0, 0, 1e-3]) == pytest.approx(2 * np.sqrt(r * r - 100))


def test_spherical_shell_chords() -> None:
    shell = SphericalShell(30.0, 50.0)
    np.testing.assert_allclose(one_ray(shell, [0, 0, -100], Z), [[50, 70], [130, 150]])
    b = 40.0  # misses the hollow
    intervals = one_ray(shell, [b, 0, -100], Z)
    assert interval_lengths(intervals).sum() == pytest.approx(2 * np.sqrt(50**2 - b**2))
    assert np.isinf(intervals[1]).all()
    # from the centre outwards; from inside the wall
    np.testing.assert_allclose(one_ray(shell, [0, 0, 0], X)[0], [30.0, 50.0])
    np.testing.assert_allclose(one_ray(shell, [40, 0, 0], -X), [[0, 10], [70, 90]])


def test_box_chords() -> None:
    box = Box([10.0, 20.0, 40.0], center=[0, 0, 100])
    assert chord(box, [1, 2, 0], Z) == pytest.approx(40.0)
    np.testing.assert_allclose(one_ray(box, [1, 2, 0], Z), [[80.0, 120.0]])
    assert chord(box, [-50, 3, 95], X) == pytest.approx(10.0)
    assert chord(box, [0, -50, 95], [0, 1, 0]) == pytest.approx(20.0)
    assert chord(box, [5.5, 0, 0], Z) == 0.0  # parallel to a face, outside
    # oblique: through the centre of a cube along a face diagonal and a space diagonal
    cube = Box([10.0, 10.0, 10.0])
    assert chord(cube, [-50, -50, 0], [1, 1, 0]) == pytest.approx(10 * np.sqrt(2))
    assert chord(cube, [-50, -50, -50], [1, 1, 1]) == pytest.approx(10 * np.sqrt(3))
    # oblique, clipped by two different faces: enters x = -5 at y = -2, leaves y = 5 at x = 2
    assert chord(cube, [-15, -12, 0], [1, 1, 0]) == pytest.approx(7 * np.sqrt(2))
    # starting inside
    np.testing.assert_allclose(one_ray(cube, [0, 0, 0], [0, 0, -1]), [[0.0, 5.0]])


def test_cylinder_chords() -> None:
    r, length = 20.0, 100.0
    cyl = Cylinder(r, length, center=[0, 0, 500])
    assert chord(cyl, [5, 5, 0], Z) == pytest.approx(length)  # along the axis
    np.testing.assert_allclose(one_ray(cyl, [5, 5, 0], Z), [[450.0, 550.0]])
    assert chord(cyl, [-100, 0, 480], X) == pytest.approx(2 * r)  # across the axis
    assert chord(cyl, [-100, 12, 480], X) == pytest.approx(2 * np.sqrt(r * r - 144))
    assert chord(cyl, [-100, 0, 560], X) == 0.0  # beyond the end face
    assert chord(cyl, [25, 0, 0], Z) == 0.0  # parallel to the axis, outside
    # oblique through the centre, leaving through the side: half-chord r / sin(45°)
    assert chord(cyl, [0, 0, 500], [1, 0, 1]) == pytest.approx(r * np.sqrt(2))
    # the same cylinder along x
    side = Cylinder(r, length, axis=[1, 0, 0])
    assert chord(side, [-200, 3, 4], X) == pytest.approx(length)
    assert chord(side, [0, 0, -200], Z) == pytest.approx(2 * r)


def test_cone_and_frustum_chords() -> None:
    cone = Frustum(0.0, 30.0, 60.0)  # apex at z = -30, radius 30 at z = +30
    assert chord(cone, [0, 0, -100], Z) == pytest.approx(60.0)
    for z in (-20.0, 0.0, 25.0):
        radius = 30.0 * (z + 30.0) / 60.0
        assert chord(cone, [-100, 0, z], X) == pytest.approx(2 * radius)
    # ray parallel to the axis at distance b: inside from where the radius exceeds b
    b = 12.0
    np.testing.assert_allclose(one_ray(cone, [b, 0, -100], Z), [[100 - 30 + 2 * b, 130.0]])
    # along a generator of the cone, just inside
    assert chord(cone, [0, 0, -30], [0.999999, 0, 2]) == pytest.approx(np.hypot(30, 60), rel=1e-5)
    frustum = Frustum(30.0, 10.0, 50.0, axis=[0, 0, -1])  # wide end at z = +25
    assert chord(frustum, [0, 0, 100], -Z) == pytest.approx(50.0)
    assert chord(frustum, [20, 0, 100], -Z) == pytest.approx(25.0)
    assert chord(frustum, [-100, 0, 0], X) == pytest.approx(40.0)
    assert chord(frustum, [-100, 0, 25], X) == pytest.approx(60.0)


def test_spherical_cap_chords() -> None:
    r, h = 10.0, 4.0
    cap = SphericalCap(r, h, center=[0, 0, 0])
    assert chord(cap, [0, 0, -50], Z) == pytest.approx(h)
    np.testing.assert_allclose(one_ray(cap, [0, 0, -50], Z), [[56.0, 60.0]])
    assert chord(cap, [0, 0, 50], -Z) == pytest.approx(h)
    rim = np.sqrt(r * r - (r - h) ** 2)
    assert chord(cap, [-50, 0, r - h + 1e-9], X) == pytest.approx(2 * rim)
    assert chord(cap, [-50, 0, 0], X) == 0.0
    assert chord(cap, [-50, 0, 9.0], X) == pytest.approx(2 * np.sqrt(19.0))
    big = SphericalCap(r, 15.0)  # more than a hemisphere
    assert chord(big, [-50, 0, 0], X) == pytest.approx(2 * r)
    assert chord(big, [0, 0, -50], Z) == pytest.approx(15.0)


def test_intervals_of_many_rays_and_broadcasting(rng: np.random.Generator) -> None:
    sphere = Sphere(10.0)
    directions = rng.normal(size=(1000, 3))
    intervals = sphere.ray_intervals(np.zeros(3), directions)  # one origin for all rays
    assert intervals.shape == (1000, 1, 2)
    np.testing.assert_allclose(intervals[:, 0], np.tile([0.0, 10.0], (1000, 1)))
    origins = rng.uniform(-30, 30, size=(1000, 3))
    lengths = sphere.path_length(origins, directions)
    assert lengths.shape == (1000,)
    assert np.all((lengths >= 0) & (lengths <= 20.0 + 1e-9))
    # each interval's midpoint is inside, points just outside of it are not
    iv = sphere.ray_intervals(origins, directions)[:, 0]
    unit = directions / np.linalg.norm(directions, axis=1)[:, None]
    hit = np.isfinite(iv[:, 0])
    mid = origins[hit] + iv[hit].mean(axis=1)[:, None] * unit[hit]
    assert sphere.contains(mid).all()
    after = origins[hit] + (iv[hit, 1] + 1e-6)[:, None] * unit[hit]
    assert not sphere.contains(after).any()


def test_interval_lengths_ignores_unused_slots() -> None:
    intervals = np.array([[[1.0, 3.0], [np.inf, np.inf]], [[np.inf, np.inf], [np.inf, np.inf]]])
    np.testing.assert_array_equal(interval_lengths(intervals), [[2.0, 0.0], [0.0, 0.0]])


# --------------------------------------------------------------------------------------------
# boolean combinations
# --------------------------------------------------------------------------------------------


def test_disjoint_union_is_exact_sum() -> None:
    union = Sphere(10.0) | Box([4.0, 4.0, 4.0], center=[50, 0, 0]) | Cylinder(3, 8, [0, 40, 0])
    assert isinstance(union, Union)
    assert len(union.parts) == 3  # flattened
    expected = 4 / 3 * PI * 1000 + 64 + PI * 9 * 8
    assert union.volume == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(one_ray(union, [-100, 0, 0], X), [[90.0, 110.0], [148.0, 152.0]])


def test_sphere_minus_concentric_sphere_is_a_shell() -> None:
    hollow = Sphere(100.0) - Sphere(60.0)
    shell = SphericalShell(60.0, 100.0)
    assert isinstance(hollow, Difference)
    assert hollow.volume == pytest.approx(shell.volume, rel=1e-4)
    origins = np.array([[0, 0, -500.0], [30, 40, -500], [0, 80, -500], [0, 0, 0], [70, 0, 0]])
    np.testing.assert_allclose(
        hollow.ray_intervals(origins, Z), shell.ray_intervals(origins, Z), atol=1e-9
    )


def test_capsule_volume_and_chords() -> None:
    shape = capsule(100.0, 400.0)
    assert shape.volume == pytest.approx(PI * 100**2 * 400 + 4 / 3 * PI * 100**3, rel=1e-4)
    assert chord(shape, [0, 0, -1000], Z) == pytest.approx(600.0)
    np.testing.assert_allclose(one_ray(shape, [0, 0, -1000], Z), [[700.0, 1300.0]])
    assert chord(shape, [-1000, 0, 250], X) == pytest.approx(2 * np.sqrt(100**2 - 50**2))
    # the same capsule from overlapping parts: a cylinder and two whole spheres (numerical volume)
    spheres = Cylinder(100.0, 400.0) | Sphere(100.0, [0, 0, 200]) | Sphere(100.0, [0, 0, -200])
    assert spheres.volume == pytest.approx(shape.volume, rel=1e-4)
    origins = np.array([[0, 0, -1000.0], [50, 50, -1000], [0, 99, -1000], [-1000, 0, 250]])
    directions = np.array([Z, Z, Z, X])
    np.testing.assert_allclose(
        spheres.ray_intervals(origins, directions), shape.ray_intervals(origins, directions)
    )


def test_overlapping_boxes() -> None:
    a = Box([10.0, 10.0, 10.0])
    b = Box([10.0, 10.0, 10.0], center=[5, 5, 0])
    assert (a | b).volume == pytest.approx(1750.0, rel=1e-4)
    assert (a & b).volume == pytest.approx(250.0, rel=1e-4)
    assert (a - b).volume == pytest.approx(750.0, rel=1e-4)
    np.testing.assert_allclose(one_ray(a | b, [-20, 2, 0], X), [[15.0, 30.0]])
    np.testing.assert_allclose(one_ray(a & b, [-20, 2, 0], X), [[20.0, 25.0]])
    np.testing.assert_allclose(one_ray(a - b, [-20, 2, 0], X), [[15.0, 20.0]])
    lo, hi = (a & b).bounding_box()
    np.testing.assert_allclose(lo, [0, 0, -5])
    np.testing.assert_allclose(hi, [5, 5, 5])


def test_box_with_cylindrical_hole() -> None:
    block = Box([10.0, 10.0, 10.0]) - Cylinder(2.0, 20.0, axis=[1, 0, 0])
    assert block.volume == pytest.approx(1000 - PI * 4 * 10, rel=1e-4)
    np.testing.assert_allclose(one_ray(block, [0, 0, -20], Z), [[15, 18], [22, 25]])
    assert chord(block, [-20, 0, 0], X) == 0.0
    assert chord(block, [-20, 0, 3], X) == pytest.approx(10.0)


def test_touching_pieces_merge_and_empty_intersection() -> None:
    left = Box([10.0, 10.0, 10.0])
    right = Box([10.0, 10.0, 10.0], center=[10, 0, 0])
    np.testing.assert_allclose(one_ray(left | right, [-20, 1, 1], X), [[15.0, 35.0]])
    assert chord(left & right, [-20, 1, 1], X) == 0.0
    apart = Sphere(1.0) & Sphere(1.0, center=[5, 0, 0])
    assert apart.volume == 0.0
    with pytest.raises(NuportalError, match="empty"):
        apart.sample(10, np.random.default_rng(1))


def test_boolean_chords_are_consistent(rng: np.random.Generator) -> None:
    a = Cylinder(30.0, 100.0, axis=[1, 1, 0])
    b = Sphere(40.0, center=[20, 0, 10])
    c = Box([30.0, 200.0, 30.0])
    origins = rng.uniform(-150, 150, size=(20_000, 3))
    directions = rng.normal(size=(20_000, 3))

    def length(shape: Volume) -> np.ndarray:
        return shape.path_length(origins, directions)

    la, lb, lab = length(a), length(b), length(a & b)
    np.testing.assert_allclose(length(a | b), la + lb - lab, atol=1e-9)
    np.testing.assert_allclose(length(a - b), la - lab, atol=1e-9)
    np.testing.assert_allclose(
        length(a - b - c), la - lab - length(a & c) + length(a & b & c), atol=1e-9
    )
    # intervals are sorted, non-overlapping and inside t >= 0
    intervals = (a | b | c).ray_intervals(origins, directions)
    finite = np.isfinite(intervals[..., 0])
    assert np.all(intervals[..., 0][finite] >= 0)
    assert np.all(intervals[..., 1][finite] > intervals[..., 0][finite])
    assert np.all(intervals[:, 1:, 0] >= intervals[:, :-1, 1])


def test_boolean_contains() -> None:
    hollow = Sphere(10.0) - Sphere(5.0)
    points = np.array([[0, 0, 0], [7, 0, 0], [0, 0, 11], [0, 3, 3]], float)
    np.testing.assert_array_equal(hollow.contains(points), [False, True, False, False])
    both = Sphere(10.0) & Box([4.0, 4.0, 40.0])
    np.testing.assert_array_equal(both.contains(points), [True, False, False, False])
    either = Sphere(10.0) | Box([4.0, 4.0, 40.0])
    np.testing.assert_array_equal(either.contains(points), [True, True, True, True])


# --------------------------------------------------------------------------------------------
# sampling
# --------------------------------------------------------------------------------------------


def assert_fraction(inside: np.ndarray, expected: float) -> None:
    n = inside.size
    sigma = np.sqrt(expected * (1 - expected) / n)
    assert abs(inside.mean() - expected) < 4 * sigma


@pytest.mark.parametrize("name", PRIMITIVES)
def test_primitive_samples_are_inside(name: str, rng: np.random.Generator) -> None:
    shape, _ = PRIMITIVES[name]
    shape = shape.placed([10.0, -20.0, 30.0], rotation_matrix([1, 1, 1], 0.4))
    points = shape.sample(20_000, rng)
    assert points.shape == (20_000, 3)
    assert shape.contains(points).all()


def test_samples_are_uniform(rng: np.random.Generator) -> None:
    n = 40_000
    sphere = Sphere(10.0, center=[1, 2, 3])
    points = sphere.sample(n, rng)
    assert_fraction(Sphere(5.0, center=[1, 2, 3]).contains(points), 1 / 8)
    assert_fraction(Box([40.0, 40.0, 40.0], center=[1, 2, 23]).contains(points), 1 / 2)
    shell = SphericalShell(5.0, 10.0)
    points = shell.sample(n, rng)
    assert_fraction(Sphere(8.0).contains(points), (8**3 - 5**3) / (10**3 - 5**3))
    cone = Frustum(0.0, 10.0, 20.0)  # the half towards the apex holds 1/8 of the cone
    assert_fraction(Box([30.0, 30.0, 10.0], center=[0, 0, -5]).contains(cone.sample(n, rng)), 1 / 8)
    frustum = Frustum(10.0, 20.0, 10.0)
    lower = Frustum(10.0, 15.0, 5.0, center=[0, 0, -2.5])
    assert_fraction(lower.contains(frustum.sample(n, rng)), lower.volume / frustum.volume)
    cyl = Cylinder(10.0, 10.0, axis=[0, 1, 0])
    assert_fraction(Cylinder(5.0, 100.0, axis=[0, 1, 0]).contains(cyl.sample(n, rng)), 1 / 4)
    cap = SphericalCap(10.0, 6.0)
    small = SphericalCap(10.0, 3.0)
    assert_fraction(small.contains(cap.sample(n, rng)), small.volume / cap.volume)
    box = Box([1.0, 2.0, 3.0])
    assert_fraction(box.sample(n, rng)[:, 2] > 0.5, 1 / 3)


def test_boolean_samples_are_uniform(rng: np.random.Generator) -> None:
    shape = capsule(10.0, 40.0)
    points = shape.sample(40_000, rng)
    assert shape.contains(points).all()
    body = PI * 100 * 40
    assert_fraction(Cylinder(10.0, 40.0).contains(points), body / (body + 4 / 3 * PI * 1000))
    hollow = Sphere(10.0) - Sphere(5.0)
    points = hollow.sample(40_000, rng)
    assert hollow.contains(points).all()
    assert_fraction(Sphere(8.0).contains(points), (8**3 - 5**3) / (10**3 - 5**3))


def test_sampling_is_reproducible_and_checks_arguments() -> None:
    shape = Sphere(3.0) | Box([2.0, 2.0, 8.0])
    first = shape.sample(100, np.random.default_rng(7))
    second = shape.sample(100, np.random.default_rng(7))
    np.testing.assert_array_equal(first, second)
    assert Sphere(1.0).sample(0, np.random.default_rng(1)).shape == (0, 3)
    with pytest.raises(NuportalError, match="integer >= 0"):
        Sphere(1.0).sample(-1, np.random.default_rng(1))
    with pytest.raises(NuportalError, match="Generator"):
        Sphere(1.0).sample(5, 42)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# placement
# --------------------------------------------------------------------------------------------


def test_translation() -> None:
    sphere = Sphere(5.0).placed([100.0, 0.0, 0.0])
    assert isinstance(sphere, Sphere)
    np.testing.assert_allclose(sphere.center, [100, 0, 0])
    np.testing.assert_array_equal(sphere.contains(np.array([[100, 0, 4.0], [0, 0, 0]])), [1, 0])
    lo, hi = sphere.bounding_box()
    np.testing.assert_allclose(lo, [95, -5, -5])
    np.testing.assert_allclose(hi, [105, 5, 5])
    assert chord(sphere, [100, 3, -50], Z) == pytest.approx(8.0)
    assert sphere.volume == pytest.approx(Sphere(5.0).volume)


def test_rotation_about_local_origin() -> None:
    cyl = Cylinder(5.0, 100.0)  # along z
    turned = cyl.placed([0, 0, 0], rotation_matrix([0, 1, 0], PI / 2))  # z -> x
    np.testing.assert_allclose(turned.axis, [1, 0, 0], atol=1e-12)
    assert chord(turned, [-500, 0, 0], X) == pytest.approx(100.0)
    assert chord(turned, [0, 0, -500], Z) == pytest.approx(10.0)
    # off-centre shapes swing around the origin of their coordinates
    sphere = Sphere(1.0, center=[0, 0, 10]).placed([1, 0, 0], rotation_matrix(X, PI / 2))
    np.testing.assert_allclose(sphere.center, [1, -10, 0], atol=1e-12)
    # rotation and translation compose in order
    box = Box([2.0, 4.0, 6.0])
    twice = box.placed([5, 0, 0], rotation_matrix(Z, PI / 2)).placed([0, 0, 1])
    lo, hi = twice.bounding_box()
    np.testing.assert_allclose(lo, [3, -1, -2], atol=1e-12)
    np.testing.assert_allclose(hi, [7, 1, 4], atol=1e-12)
    diamond = Box([10.0, 10.0, 10.0]).placed([0, 0, 0], rotation_matrix(Z, PI / 4))
    assert chord(diamond, [-50, 0, 0], X) == pytest.approx(10 * np.sqrt(2))
    np.testing.assert_allclose(diamond.bounding_box()[1], [5 * np.sqrt(2), 5 * np.sqrt(2), 5])


def test_placed_boolean_keeps_its_shape() -> None:
    shape = capsule(10.0, 40.0)
    moved = shape.placed([0, 0, 100], rotation_matrix([0, 1, 0], PI / 2))  # axis along x
    assert chord(moved, [-500, 0, 100], X) == pytest.approx(60.0)
    assert chord(moved, [0, 0, -500], Z) == pytest.approx(20.0)
    assert moved.volume == pytest.approx(shape.volume, rel=1e-12)
    lo, hi = moved.bounding_box()
    assert lo[0] == pytest.approx(-30.0)
    assert hi[0] == pytest.approx(30.0)
    assert lo[2] <= 90.0
    assert hi[2] >= 110.0


def test_placed_rejects_bad_rotation() -> None:
    with pytest.raises(NuportalError, match="orthogonal"):
        Sphere(1.0).placed([0, 0, 0], np.array([[1.0, 0, 0], [0, 2.0, 0], [0, 0, 1]]))
    with pytest.raises(NuportalError, match="3x3"):
        Sphere(1.0).placed([0, 0, 0], np.eye(2))
    with pytest.raises(NuportalError, match="translation"):
        Sphere(1.0).placed([0, 0])


# --------------------------------------------------------------------------------------------
# invalid input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Sphere(-1.0), "radius must be a finite number > 0"),
        (lambda: Sphere(0.0), "> 0"),
        (lambda: Sphere(float("nan")), "finite"),
        (lambda: Sphere(1.0, center=[0, 0]), "center must be 3"),
        (lambda: SphericalShell(5.0, 5.0), "inner radius < outer radius"),
        (lambda: SphericalShell(-1.0, 5.0), "inner radius must be a finite number >= 0"),
        (lambda: Box([1.0, -2.0, 3.0]), "edge lengths > 0"),
        (lambda: Cylinder(1.0, 0.0), "length must be a finite number > 0"),
        (lambda: Cylinder(1.0, 1.0, axis=[0, 0, 0]), "axis must be a non-zero vector"),
        (lambda: Frustum(0.0, 0.0, 1.0), "at least one of radius_start, radius_end > 0"),
        (lambda: Frustum(-1.0, 1.0, 1.0), "radius_start must be a finite number >= 0"),
        (lambda: SphericalCap(1.0, 2.5), "height must be <= 2 \\* sphere_radius"),
        (lambda: SphericalCap(1.0, 0.0), "height must be a finite number > 0"),
        (lambda: Sphere("big"), "must be a number"),  # type: ignore[arg-type]
    ],
)
def test_invalid_parameters(build, match: str) -> None:
    with pytest.raises(NuportalError, match=match):
        build()


def test_invalid_rays() -> None:
    sphere = Sphere(1.0)
    with pytest.raises(NuportalError, match="non-zero"):
        sphere.ray_intervals(np.zeros((2, 3)), np.array([[0, 0, 1.0], [0, 0, 0]]))
    with pytest.raises(NuportalError, match=r"shape \(n, 3\)"):
        sphere.path_length(np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(NuportalError, match="same shape"):
        sphere.path_length(np.zeros((2, 3)), np.ones((3, 3)))
    with pytest.raises(NuportalError, match="finite"):
        sphere.contains(np.array([[np.nan, 0, 0]]))


# --------------------------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------------------------


def test_shape_from_dict_primitives() -> None:
    sphere = shape_from_dict({"type": "sphere", "radius": 610.6, "center": [0, 0, 0]})
    assert isinstance(sphere, Sphere)
    assert sphere.radius == 610.6
    box = shape_from_dict({"type": "box", "size": [256, 232, 1040]})
    assert box.volume == pytest.approx(256 * 232 * 1040)
    cyl = shape_from_dict({"type": "cylinder", "radius": 2, "length": 10, "axis": [1, 0, 0]})
    assert isinstance(cyl, Cylinder)
    np.testing.assert_allclose(cyl.axis, [1, 0, 0])
    frustum = shape_from_dict(
        {"type": "frustum", "radius_start": 1, "radius_end": 2, "length": 3, "center": [0, 0, 5]}
    )
    assert frustum.volume == pytest.approx(PI * 3 * 7 / 3)
    shell = shape_from_dict({"type": "spherical_shell", "inner_radius": 1, "outer_radius": 2})
    assert shell.volume == pytest.approx(4 / 3 * PI * 7)
    cap = shape_from_dict({"type": "spherical_cap", "sphere_radius": 2, "height": 1})
    assert cap.volume == pytest.approx(PI * 5 / 3)
    moved = shape_from_dict({"type": "sphere", "radius": 1, "translation": [0, 0, 7]})
    np.testing.assert_allclose(moved.center, [0, 0, 7])


def test_shape_from_dict_booleans() -> None:
    spec = {
        "type": "difference",
        "parts": [
            {
                "type": "union",
                "parts": [
                    {"type": "box", "size": [10, 10, 10]},
                    {"type": "box", "size": [10, 10, 10], "center": [20, 0, 0]},
                ],
            },
            {"type": "sphere", "radius": 1},
        ],
    }
    shape = shape_from_dict(spec)
    assert isinstance(shape, Difference)
    assert shape.volume == pytest.approx(2000 - 4 / 3 * PI, rel=1e-4)
    inter = shape_from_dict(
        {
            "type": "intersection",
            "parts": [
                {"type": "sphere", "radius": 2},
                {"type": "box", "size": [2, 2, 2], "center": [10, 0, 0]},
            ],
        }
    )
    assert isinstance(inter, Intersection)
    assert inter.volume == 0.0


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ({"type": "sphre", "radius": 1}, "unknown shape type 'sphre'. Did you mean 'sphere'"),
        ({"radius": 1}, "missing key 'type'"),
        ({"type": "sphere", "radius": 1, "centre": [0, 0, 0]}, "Did you mean 'center'"),
        ({"type": "cylinder", "radius": 1}, "needs the key\\(s\\) length"),
        ({"type": "sphere", "radius": "1"}, "'radius' must be a number"),
        ({"type": "sphere", "radius": -1}, "radius must be a finite number > 0"),
        ({"type": "box", "size": [1, 2]}, "box size must be 3"),
        ({"type": "union", "parts": []}, "at least one shape"),
        ({"type": "union", "parts": {"type": "sphere"}}, "must be a list"),
        (
            {"type": "union", "parts": [{"type": "sphere", "radius": 1}, {"type": "cone"}]},
            r"shape\.parts\[1\]: unknown shape type 'cone'",
        ),
        ("sphere", "must be a table"),
    ],
)
def test_shape_from_dict_errors(spec, match: str) -> None:
    with pytest.raises(NuportalError, match=match):
        shape_from_dict(spec)
