"""Weathering's neural backend: texture generators, decay maps and aged images over HTTP."""

__version__ = "0.1.0"
