"""Fuzzing nianbao's parse entry point, one reader at a time.

``python -m fuzz.run --target html --n 100000`` feeds mutated real and
generated reports to :func:`nianbao.parse.process_bytes` and checks that it
never raises, always returns exactly a record or a dead letter of the contract,
stays within the time budget and keeps memory bounded. See ``fuzz/run.py`` and
``docs/robustness.md``.
"""
