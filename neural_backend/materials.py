"""Material presets, read from textures/materials/*.json: which weathering classes a kind of
surface gets, bottom layer first, each with its share of the shot's age and its strength.

A layer's age is the material's age × its age_factor, so on painted metal the paint peels before
rust sets in. The backend serves them at GET /v1/materials; the extension stacks the layers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MaterialLayer:
    weathering_class: str
    age_factor: float
    strength: float


@dataclass(frozen=True)
class MaterialPreset:
    name: str
    label: str
    description: str
    layers: tuple[MaterialLayer, ...]

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "description": self.description,
            "layers": [
                {
                    "class": layer.weathering_class,
                    "age_factor": layer.age_factor,
                    "strength": layer.strength,
                }
                for layer in self.layers
            ],
        }


def load_material(path: Path, classes) -> MaterialPreset:
    data = json.loads(path.read_text())
    try:
        layers = tuple(
            MaterialLayer(layer["class"], float(layer["age_factor"]), float(layer["strength"]))
            for layer in data["layers"]
        )
        preset = MaterialPreset(data["name"], data["label"], data["description"], layers)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path}: missing or bad field ({error})") from None
    if preset.name != path.stem or not layers:
        raise ValueError(f"{path}: name must match the file name and layers must not be empty")
    for layer in layers:
        if layer.weathering_class not in classes:
            raise ValueError(f"{path}: unknown class {layer.weathering_class!r}")
        if not (0 <= layer.age_factor <= 1 and 0 <= layer.strength <= 1):
            raise ValueError(f"{path}: age_factor and strength must be 0..1")
    return preset


def load_materials(folder: Path, classes) -> dict[str, MaterialPreset]:
    return {path.stem: load_material(path, classes) for path in sorted(folder.glob("*.json"))}
