"""Readers for the training data under ../shared/data (never committed; passed with --data)."""
