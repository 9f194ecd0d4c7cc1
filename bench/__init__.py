"""Benchmarks (`python3 build.py bench`), each against a baseline measured in the same run."""
