"""Load whichever trained models have weights present; the backend runs with any subset."""

from __future__ import annotations

from pathlib import Path

from neural_backend.generators import available_generators
from neural_backend.models.registry import WEIGHTS_DIR, load_model
from neural_backend.pipeline.harmonizer import Harmonizer
from neural_backend.pipeline.segmenter import Segmenter
from neural_backend.pipeline.weather_image import ImageWeatherer
from neural_backend.presets import load_presets


def load_segmenter(device: str = "cpu", weights_dir: Path = WEIGHTS_DIR) -> Segmenter:
    model, card = load_model("segmentation", weights_dir, device)
    return Segmenter(model, card, device)


def load_harmonizer(device: str = "cpu", weights_dir: Path = WEIGHTS_DIR) -> Harmonizer:
    return Harmonizer(load_model("harmonization", weights_dir, device)[0], device)


def load_available(device: str = "cpu", weights_dir: Path = WEIGHTS_DIR) -> dict:
    loaded = {}
    for name, loader in (("segmentation", load_segmenter), ("harmonization", load_harmonizer)):
        try:
            loaded[name] = loader(device, weights_dir)
        except FileNotFoundError:
            continue
    return loaded


def load_weatherer(device: str, settings) -> ImageWeatherer:
    """The image pipeline with every model and generator whose weights are present."""
    models = load_available(device, settings.weights_dir)
    harmonizer = models.get("harmonization")
    return ImageWeatherer(
        load_presets(settings.presets_dir),
        available_generators(device, settings.weights_dir, settings.precision),
        models.get("segmentation"),
        harmonizer and harmonizer.with_caution(settings.harmonization_caution),
    )
