"""The texture GAN's promises, on a small untrained generator: they hold by construction."""

import numpy as np
import pytest
import torch

from neural_backend.eval.texture_metrics import seam_ratio
from neural_backend.generators import available_generators
from neural_backend.generators.gan import GanTextures
from neural_backend.layers.circular import circular_resize, circular_upsample
from neural_backend.models.texture_gan import Latent, TextureGANConfig, TextureGenerator
from neural_backend.presets import load_presets
from neural_backend.train.texture_gan import fake_crops

SMALL = TextureGANConfig(
    classes=("moss", "rust"),
    local_dim=4,
    global_dim=4,
    periodic_waves=2,
    class_dim=4,
    widths=(16, 12, 8, 8, 4),
    disc_widths=(8, 8, 8, 8),
)


@pytest.fixture(scope="module")
def textures():
    torch.manual_seed(0)
    return GanTextures(TextureGenerator(SMALL))


@pytest.fixture(scope="module")
def presets(presets_dir):
    return load_presets(presets_dir)


@pytest.fixture(scope="module")
def shipped():
    return available_generators()["gan"]


@pytest.mark.parametrize(("size", "scale"), [(64, 1.0), (100, 1.0), (256, 0.5), (192, 3.0)])
def test_the_shipped_model_tiles_at_every_size_and_scale(shipped, presets, size, scale):
    # One wrap line is as variable as any single interior line of a trained model's texture, so
    # judge the seams of several seeds together: exactly periodic maps average to about 1.
    sets = [shipped(presets["rust"], size, seed=seed, scale=scale) for seed in range(12)]
    assert sets[0].albedo.shape == (size, size, 3) and sets[0].height.shape == (size, size)
    for name in ("albedo", "height", "roughness"):
        maps = np.stack([getattr(s, name) for s in sets])
        maps = torch.from_numpy(maps if maps.ndim == 4 else maps[..., None]).permute(0, 3, 1, 2)
        assert seam_ratio(maps) < 1.25, f"{name} at {size}, scale {scale}"


def test_generator_output_is_periodic_to_float_precision():
    torch.manual_seed(0)
    generator = TextureGenerator(SMALL).eval()
    latent = Latent.sample(SMALL, 1, 4, torch.Generator().manual_seed(0))
    rolled = Latent(torch.roll(latent.local, (1, 2), dims=(2, 3)), latent.global_, latent.phase)
    # Shifting the latent one cell shifts the texture 16 pixels, wrapping: no edge exists.
    # (The periodic sinusoids depend on absolute position, so compare with them held flat.)
    generator.periodic.wave.weight.data.zero_()
    with torch.no_grad():
        out, out_rolled = generator(latent, torch.tensor([0])), generator(rolled, torch.tensor([0]))
    assert torch.allclose(torch.roll(out, (16, 32), dims=(2, 3)), out_rolled, atol=1e-5)


def test_circular_layers_commute_with_wrapping_shifts():
    x = torch.rand(1, 2, 12, 12)
    shifted = torch.roll(x, (3, 5), dims=(2, 3))
    assert torch.allclose(
        circular_upsample(shifted),
        torch.roll(circular_upsample(x), (6, 10), dims=(2, 3)),
        atol=1e-6,
    )
    assert torch.allclose(
        circular_resize(shifted, 36),
        torch.roll(circular_resize(x, 36), (9, 15), dims=(2, 3)),
        atol=1e-6,
    )


def test_a_seed_fixes_the_texture_and_variation_moves_smoothly(textures, presets):
    def albedo(seed, variation=0.0):
        return textures(presets["moss"], 64, seed, 1.0, variation).albedo

    assert np.array_equal(albedo(5), albedo(5))
    assert not np.array_equal(albedo(5), albedo(6))
    assert np.allclose(albedo(5, 1.0), albedo(6), atol=1e-5)  # variation 1 is the next seed
    whole_way = np.abs(albedo(5) - albedo(6)).mean()
    for t in (0.0, 0.5, 0.9):  # a small turn of the knob is a small change, anywhere on the way
        assert np.abs(albedo(5, t + 0.02) - albedo(5, t)).mean() < 0.25 * whole_way


def test_scale_zooms_features(textures, presets):
    fine = textures(presets["rust"], 128, 1, scale=1.0).albedo
    coarse = textures(presets["rust"], 128, 1, scale=4.0).albedo

    def step(image):
        return np.abs(np.diff(image, axis=1)).mean()

    assert step(coarse) < step(fine)


def test_a_class_it_was_not_trained_on_is_refused_by_name(textures, presets):
    with pytest.raises(ValueError, match="not trained on 'dirt'; it knows moss, rust"):
        textures(presets["dirt"], 64, 0)


def test_the_discriminator_sees_seams():
    rng = np.random.default_rng(0)
    tiles = torch.arange(4 * 80 * 80, dtype=torch.float32).view(4, 1, 80, 80)
    crops = fake_crops(tiles, rng)  # 64 px crops of each tile's 2×2 tiling
    assert all((crop[0, :, 0].diff() > 0).all() for crop in crops[:2])  # inside one tile
    for crop in crops[2:]:  # across both seams: values drop where the next copy begins
        assert (crop[0, :, 0].diff() < 0).any() and (crop[0, 0, :].diff() < 0).any()
