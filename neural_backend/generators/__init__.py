"""Texture generators behind one interface: generate(preset, size, seed, scale) -> TextureMaps."""

from __future__ import annotations

from collections.abc import Callable

from neural_backend.generators import procedural
from neural_backend.generators.maps import TextureMaps
from neural_backend.presets import Preset

Generator = Callable[[Preset, int, int, float], TextureMaps]

GENERATORS: dict[str, Generator] = {procedural.NAME: procedural.generate}
DEFAULT_GENERATOR = procedural.NAME

__all__ = ["DEFAULT_GENERATOR", "GENERATORS", "Generator", "TextureMaps"]
