"""Contract tests of the Personalize emulator (a package, so its conftest does not shadow tests/conftest.py)."""
