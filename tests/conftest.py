"""Shared fixtures.

Data-dependent tests use the ``data_dir`` fixture. When ``NUPORTAL_REQUIRE_DATA=1`` (set by
``.ci/run``) a missing data directory is a test *failure*; otherwise those tests are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The nuportal data directory (``NUPORTAL_DATA``), or fail/skip if it is missing."""
    value = os.environ.get("NUPORTAL_DATA")
    if value and Path(value).is_dir():
        return Path(value)
    message = f"NUPORTAL_DATA={value!r} does not point to the nuportal data directory"
    if os.environ.get("NUPORTAL_REQUIRE_DATA") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def rng() -> np.random.Generator:
    """A fixed-seed random generator."""
    return np.random.default_rng(20261125)
