"""Batch aging: a manifest of independent tasks, run by local worker processes."""
