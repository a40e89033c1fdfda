"""Fixtures for the emulator contract tests: one emulator process per session (per xdist
worker), reset to the seeds before every test."""

import os
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from emulator.harness import DEST_PROJECT, DEST_TOKEN, Emulator  # noqa: E402
from emu_api import DEFAULT_LIMITS, Api  # noqa: E402


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    emu = Emulator(seeds=["retail", "empty-dest"], rate_limit=0,
                   tmp_path=tmp_path_factory.mktemp("emulator"))
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def emu(emulator):
    emulator.configure(rate_limit=0, faults={}, limits=DEFAULT_LIMITS)
    emulator.reset()
    return emulator


@pytest.fixture
def api(emu):
    return Api(emu.url)


@pytest.fixture
def dest_api(emu):
    return Api(emu.url, token=DEST_TOKEN, project=DEST_PROJECT, bearer=True)
