"""Fetch a texture set from the backend and write its maps as files Blender can load."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from .client import BackendClient, BackendError
from .files import write_atomically
from .jobs import Progress

MAP_NAMES = ("albedo", "height", "roughness")
SIZES = (256, 512, 1024, 2048, 4096)


@dataclass(frozen=True)
class TextureOrder:
    """What the user asked for; validated before any request is sent."""

    weathering_class: str
    seed: int = 0
    size: int = 1024
    scale: float = 1.0

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"texture size must be one of {SIZES}, got {self.size}")
        if self.seed < 0:
            raise ValueError(f"seed must be 0 or more, got {self.seed}")
        if not 0.125 <= self.scale <= 16:
            raise ValueError(f"texture scale must be 0.125..16, got {self.scale}")

    @property
    def key(self) -> str:
        """Names the files and images of this set; the same order always gives the same key."""
        return f"{self.weathering_class}_s{self.seed}_{self.size}_x{self.scale:g}"

    def request(self) -> dict:
        # 16-bit PNG: height drives bump shading, and 8 bits would show as terraces.
        return {
            "class": self.weathering_class,
            "size": self.size,
            "seed": self.seed,
            "scale": self.scale,
            "format": "png",
            "bit_depth": 16,
        }


@dataclass(frozen=True)
class HeightBreakup:
    """How the layer turns the texture's height into its breakup of decay: (height − centre) ×
    gain, the same as the backend's decay maps. An older backend that sends neither gets the
    layer's former 0.5 and 1."""

    centre: float = 0.5
    gain: float = 1.0

    @classmethod
    def from_response(cls, response: dict) -> HeightBreakup:
        return cls(
            float(response.get("height_mean", cls.centre)),
            float(response.get("breakup_gain", cls.gain)),
        )


@dataclass
class TextureSet:
    order: TextureOrder
    preset: dict
    generator: str
    breakup: HeightBreakup = HeightBreakup()
    paths: dict[str, Path] = field(default_factory=dict)


def fetch_texture_set(
    client: BackendClient, order: TextureOrder, directory: Path, progress: Progress
) -> TextureSet:
    """Ask the backend for the class's preset and maps; write them atomically into directory."""
    progress.update(0.05, "Contacting the backend")
    presets = {preset["name"]: preset for preset in client.classes()}
    if order.weathering_class not in presets:
        raise BackendError(
            f"The backend has no class {order.weathering_class!r}; it offers "
            f"{', '.join(sorted(presets))}"
        )
    progress.update(0.15, f"Generating {order.weathering_class} textures ({order.size} px)")
    response = client.textures(order.request())
    progress.update(0.85, "Writing texture files")
    directory.mkdir(parents=True, exist_ok=True)
    texture_set = TextureSet(
        order,
        presets[order.weathering_class],
        response["generator"],
        HeightBreakup.from_response(response),
    )
    for name in MAP_NAMES:
        path = directory / f"{order.key}_{name}.png"
        write_atomically(path, base64.b64decode(response["maps"][name]["data"]))
        texture_set.paths[name] = path
    progress.update(1.0, "Textures ready")
    return texture_set
