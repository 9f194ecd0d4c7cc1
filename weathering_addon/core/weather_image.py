"""Weather an image through the backend: the order, the request, and the files that come back."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from .client import BackendClient
from .files import safe_file_stem, write_atomically
from .jobs import Progress


def check_class_age_seed(weathering_class: str, age: float, seed: int) -> None:
    """What every order needs, refused with the reason before anything is sent."""
    if not weathering_class:
        raise ValueError("choose a weathering class")
    if not 0.0 <= age <= 1.0:
        raise ValueError(f"age must be 0..1, got {age}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, got {seed}")


@dataclass(frozen=True)
class WeatherImageOrder:
    weathering_class: str
    age: float = 0.5
    seed: int = 0
    scale: float = 1.0
    targets: tuple[str, ...] | None = None  # segmentation classes; None: the backend's default

    def __post_init__(self) -> None:
        check_class_age_seed(self.weathering_class, self.age, self.seed)
        if self.targets is not None and not self.targets:
            raise ValueError("tick at least one class to weather")

    def request(self, image_file: bytes, mask_png: bytes | None) -> dict:
        """image_file: the image's PNG or .npy bytes; mask_png: 8-bit, 255 = weather."""
        body = {
            "image": base64.b64encode(image_file).decode("ascii"),
            "class": self.weathering_class,
            "age": self.age,
            "seed": self.seed,
            "scale": self.scale,
        }
        if mask_png is not None:
            body["mask"] = base64.b64encode(mask_png).decode("ascii")
        elif self.targets is not None:
            body["targets"] = list(self.targets)
        return body


@dataclass
class WeatheredFiles:
    image: Path
    decay: Path
    found: dict[str, float]
    targets: list[str]


def fetch_weathered(
    client: BackendClient,
    order: WeatherImageOrder,
    image_file: bytes,
    mask_png: bytes | None,
    directory: Path,
    name: str,
    progress: Progress,
) -> WeatheredFiles:
    """Send the image (and mask), write the aged image and its decay map as PNG files."""
    progress.update(0.1, f"Weathering {name} with {order.weathering_class}")
    response = client.weather(order.request(image_file, mask_png))
    progress.update(0.9, "Writing the aged image")
    directory.mkdir(parents=True, exist_ok=True)
    stem = safe_file_stem(name)
    files = WeatheredFiles(
        directory / f"{stem}_weathered.png",
        directory / f"{stem}_decay.png",
        response["found"],
        response["targets"],
    )
    write_atomically(files.image, base64.b64decode(response["image"]["data"]))
    write_atomically(files.decay, base64.b64decode(response["decay_map"]["data"]))
    progress.update(1.0, "Aged image ready")
    return files
