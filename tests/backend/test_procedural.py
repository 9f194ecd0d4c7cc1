from pathlib import Path

import numpy as np
import pytest

from neural_backend.generators import procedural
from neural_backend.generators.noise import fractal_noise, worley
from neural_backend.presets import load_presets
from tests.backend.tiling import assert_tiles

PRESETS = load_presets(Path(__file__).resolve().parents[2] / "textures" / "presets")


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_map_of_every_class_tiles(name):
    maps = procedural.generate(PRESETS[name], 256, seed=5)
    for map_name, image in maps.items():
        assert_tiles(image, f"{name} {map_name}")


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_maps_have_the_documented_shapes_and_ranges(name):
    maps = procedural.generate(PRESETS[name], 128, seed=0)
    assert maps.albedo.shape == (128, 128, 3) and maps.height.shape == (128, 128)
    for _, image in maps.items():
        assert image.dtype == np.float32 and image.min() >= 0.0 and image.max() <= 1.0
    pbr = PRESETS[name].pbr
    assert maps.roughness.min() >= pbr["roughness_min"] - 1e-6
    assert maps.roughness.max() <= pbr["roughness_max"] + 1e-6


def test_same_seed_same_texture_other_seed_other_texture():
    preset = PRESETS["rust"]
    first, again = procedural.generate(preset, 128, 3), procedural.generate(preset, 128, 3)
    other = procedural.generate(preset, 128, 4)
    assert np.array_equal(first.albedo, again.albedo)
    assert np.abs(first.albedo - other.albedo).mean() > 0.02


def test_classes_look_different():
    rust = procedural.generate(PRESETS["rust"], 128, 0).albedo.mean(axis=(0, 1))
    moss = procedural.generate(PRESETS["moss"], 128, 0).albedo.mean(axis=(0, 1))
    assert rust[0] > rust[1] and moss[1] > moss[0]  # rust is red-brown, moss green


def test_scale_zooms_features():
    """Twice the scale, larger cells: neighbouring 8x8 blocks differ less. (Fractal noise is
    self-similar, so zoom shows in the cell-dominated classes.)"""

    def step(image):
        blocks = image.reshape(32, 8, 32, 8).mean(axis=(1, 3))
        return np.abs(np.diff(blocks, axis=1)).mean()

    for name in ("moss", "peeling_paint"):
        fine = procedural.generate(PRESETS[name], 256, 1, scale=1.0).height
        coarse = procedural.generate(PRESETS[name], 256, 1, scale=2.0).height
        assert step(coarse) < 0.85 * step(fine), name


def test_noise_primitives_wrap_exactly():
    rng = np.random.default_rng(0)
    noise = fractal_noise(rng, 64, 16)
    assert_tiles(noise, "fractal noise")
    nearest, second = worley(rng, 64, 16)
    assert (second >= nearest).all()
    assert_tiles(nearest, "worley F1")
