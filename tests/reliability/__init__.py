"""Reliability tests' shared code: fault runs, kill runs, the independent comparison.

Used by tests/integration/test_faults.py, test_kill.py, test_secrets.py (quick forms, in make
test) and by tests/reliability/fault_suite.py (the long form).
"""
