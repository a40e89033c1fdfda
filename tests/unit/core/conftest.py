"""Fixtures of the pure-core tests: raw API responses as JSON files.

No emulator, no socket, no subprocess: these tests run the planning code on real response shapes
(tests/unit/fixtures, taken from the emulator's retail seed) and nothing else."""

import pytest

from fakes import fixture


@pytest.fixture
def source_raw():
    """A raw export (the lookup with portable=false) of the retail project."""
    return fixture("retail_raw.json")


@pytest.fixture
def dest_raw():
    """A raw export of a destination that already holds a little of it, some of it different."""
    return fixture("dest_raw.json")
