"""The weathering classes and their presets, read from textures/presets/*.json.

One preset per class: how the weathering looks (palette), how it responds to light (PBR) and where
it grows (growth weights for cavities, edges, up-facing, low areas, drips). The backend serves them
at GET /v1/classes, and the extension builds its material layers from what it gets there.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

GROWTH_CUES = ("cavity", "edge", "up", "low", "drip", "breakup")
PBR_KEYS = ("metallic", "roughness_min", "roughness_max", "bump_strength")


class PresetError(ValueError):
    """A preset file is missing a field or has a value out of range."""


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    description: str
    pbr: dict[str, float]
    growth: dict[str, float]
    palette: tuple[str, ...]
    procedural: dict[str, float]

    def palette_rgb(self) -> list[tuple[float, float, float]]:
        """Palette as sRGB floats in [0, 1], darkest first as written."""
        return [tuple(int(c[i : i + 2], 16) / 255.0 for i in (1, 3, 5)) for c in self.palette]

    def to_json(self) -> dict:
        return asdict(self)


def load_preset(path: Path) -> Preset:
    data = json.loads(path.read_text())
    try:
        preset = Preset(
            name=data["name"],
            label=data["label"],
            description=data["description"],
            pbr={key: float(data["pbr"][key]) for key in PBR_KEYS},
            growth={key: float(data["growth"][key]) for key in GROWTH_CUES},
            palette=tuple(data["palette"]),
            procedural={key: float(value) for key, value in data["procedural"].items()},
        )
    except KeyError as missing:
        raise PresetError(f"{path}: missing field {missing}") from None
    if preset.name != path.stem:
        raise PresetError(f"{path}: name {preset.name!r} must match the file name {path.stem!r}")
    for group in (preset.pbr, preset.growth):
        for key, value in group.items():
            if not 0.0 <= value <= 1.0:
                raise PresetError(f"{path}: {key}={value} is outside 0..1")
    if len(preset.palette) < 2:
        raise PresetError(f"{path}: palette needs at least two colours")
    return preset


def load_presets(directory: Path) -> dict[str, Preset]:
    """All presets in a folder, keyed and sorted by class name."""
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise PresetError(f"no presets (*.json) in {directory}")
    return {path.stem: load_preset(path) for path in paths}
