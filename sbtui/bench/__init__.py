"""Benchmarks behind ``sbtui bench``. They print numbers; tests check behaviour."""
