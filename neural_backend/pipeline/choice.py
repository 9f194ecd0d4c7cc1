"""Pick a named option (a class's preset, a texture generator), refusing unknown names with the
ones that are allowed."""

from __future__ import annotations


def choose(options: dict, what: str, name: str):
    if name not in options:
        raise ValueError(f"unknown {what} {name!r}; allowed: {', '.join(options)}")
    return options[name]
