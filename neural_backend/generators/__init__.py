"""Texture generators behind one interface:
generate(preset, size, seed, scale=1.0, variation=0.0) -> TextureMaps.

`gan` (the trained model, default) and `procedural` (the hand-built baseline, always there).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from neural_backend.generators import procedural
from neural_backend.generators.maps import TextureMaps

Generator = Callable[..., TextureMaps]

DEFAULT_GENERATOR = "gan"
GENERATOR_NAMES = ("gan", procedural.NAME)


def available_generators(
    device: str = "cpu", weights_dir: Path | None = None, precision: str = "auto"
) -> dict[str, Generator]:
    """Every generator that can run here: the GAN only when its weights are present."""
    from neural_backend.generators.gan import NAME, GanTextures
    from neural_backend.models.registry import WEIGHTS_DIR, load_model

    generators: dict[str, Generator] = {procedural.NAME: procedural.generate}
    try:
        model, _ = load_model("texture_gan", weights_dir or WEIGHTS_DIR, device)
    except FileNotFoundError:
        return generators
    generators[NAME] = GanTextures(model, device, precision)
    return generators


__all__ = [
    "DEFAULT_GENERATOR",
    "GENERATOR_NAMES",
    "Generator",
    "TextureMaps",
    "available_generators",
]
