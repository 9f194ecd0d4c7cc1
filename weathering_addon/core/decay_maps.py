"""An asset's decay maps from the backend: the order, the request built from baked cue maps, and
the files that come back (written where Blender loads them)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .client import BackendClient
from .files import safe_file_stem, write_atomically
from .jobs import Progress
from .png import encode_png
from .weather_image import check_class_age_seed

MAP_NAMES = ("score", "decay", "albedo", "height", "roughness")


@dataclass(frozen=True)
class DecayOrder:
    weathering_class: str
    age: float = 0.5
    seed: int = 0
    scale: float = 1.0  # texture repeats per scene unit

    def __post_init__(self) -> None:
        check_class_age_seed(self.weathering_class, self.age, self.seed)
        if not 0.01 <= self.scale <= 1000:
            raise ValueError(f"texture scale must be 0.01..1000, got {self.scale}")

    def request(self, cues: BakedCueMaps) -> dict:
        """The JSON body: 16-bit maps where 16 bits suffice, float32 positions (scene units)."""
        return {
            "class": self.weathering_class,
            "age": self.age,
            "seed": self.seed,
            "scale": self.scale,
            "ambient_occlusion": _npy(cues.ambient_occlusion, np.float16),
            "curvature": _npy(cues.curvature, np.float16),
            "normal": _npy(cues.normal, np.float16),
            "position": _npy(cues.position, np.float32),
            "base_colour": base64.b64encode(encode_png(cues.base_colour, 8)).decode("ascii"),
        }


@dataclass
class BakedCueMaps:
    """One object's cues in its UV space, top row first (what bake_cues gives)."""

    ambient_occlusion: np.ndarray  # (H, W)
    curvature: np.ndarray  # (H, W)
    normal: np.ndarray  # (H, W, 3) world space, 0 off the mesh
    position: np.ndarray  # (H, W, 3) world space
    base_colour: np.ndarray  # (H, W, 3) sRGB
    uv_map: str  # the UV map they were baked with


@dataclass
class DecayMapSet:
    order: DecayOrder
    object_name: str
    uv_map: str
    paths: dict[str, Path] = field(default_factory=dict)
    score_offset: float = 0.0
    score_range: float = 1.0
    softness: float = 0.08

    @property
    def key(self) -> str:
        """Names this object's maps of this class (one set per object and class)."""
        return f"{safe_file_stem(self.object_name)}_{self.order.weathering_class}_decay"


def fetch_decay_maps(
    client: BackendClient,
    order: DecayOrder,
    object_name: str,
    cues: BakedCueMaps,
    directory: Path,
    progress: Progress,
) -> DecayMapSet:
    """Send the cues, write the five maps as 16-bit PNG files into directory."""
    progress.update(0.1, f"Decay maps of {object_name} ({order.weathering_class})")
    response = client.decay_maps(order.request(cues))
    result = DecayMapSet(
        order,
        object_name,
        cues.uv_map,
        score_offset=response["score_offset"],
        score_range=response["score_range"],
        softness=response["softness"],
    )
    directory.mkdir(parents=True, exist_ok=True)
    for name in MAP_NAMES:
        path = directory / f"{result.key}_{name}.png"
        write_atomically(path, base64.b64decode(response[name]["data"]))
        result.paths[name] = path
    progress.update(1.0, f"Decay maps of {object_name} ready")
    return result


def _npy(array: np.ndarray, dtype) -> str:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array, dtype=dtype))
    return base64.b64encode(buffer.getvalue()).decode("ascii")
