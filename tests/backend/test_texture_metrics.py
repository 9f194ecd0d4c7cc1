import numpy as np
import pytest
import torch

from neural_backend.data.texture_photos import TexturePhoto
from neural_backend.eval import texture_metrics as metrics
from neural_backend.eval.texture_gan import real_crops, sampler_crops, split_for_scoring
from neural_backend.generators.noise import fractal_noise


def test_seam_ratio_is_one_for_periodic_and_high_for_a_gradient():
    rng = np.random.default_rng(0)
    periodic = torch.from_numpy(np.stack([fractal_noise(rng, 128, 16)] * 3))[None]
    ramp = torch.linspace(0, 1, 128).expand(1, 3, 128, 128).contiguous()
    assert 0.8 < metrics.seam_ratio(periodic) < 1.2
    assert metrics.seam_ratio(ramp) > 50


def test_distances_are_zero_for_identical_sets_and_grow_with_difference():
    crops = torch.rand(8, 3, 32, 32)
    assert metrics.colour_distance(crops, crops) < 1e-9
    assert metrics.spectrum_distance(crops, crops) < 1e-9
    assert metrics.colour_distance(crops, crops * 0.5) > 5


def test_ncc_finds_a_copied_window_anywhere_in_a_photo():
    photo = torch.rand(3, 200, 300)
    copied = photo[:, 40:104, 100:164][None]
    assert metrics.max_normalized_cross_correlation(copied, [photo]) > 0.999
    assert metrics.max_normalized_cross_correlation(torch.rand(1, 3, 64, 64), [photo]) < 0.5


def test_two_sample_test_tells_obviously_different_sets_apart():
    dark, bright = torch.rand(40, 3, 32, 32) * 0.3, 0.7 + torch.rand(40, 3, 32, 32) * 0.3
    assert metrics.two_sample_accuracy(dark, bright, steps=60) > 0.9


def test_the_sampler_floor_draws_photos_as_a_generator_draws_textures():
    black, white = (
        TexturePhoto(name, torch.full((4, 200, 300), value), None, False)
        for name, value in (("black", 0.0), ("white", 1.0))
    )
    rng = np.random.default_rng(0)
    halves = real_crops([black, white], 1, 64, rng)  # every photo alike: half and half
    drawn = sampler_crops([black, white], 64, rng)
    assert halves[:, 0].mean() == 0.5
    brightness = drawn.mean(dim=(1, 2, 3))
    assert torch.equal(brightness[::2], brightness[1::2])  # two crops of each texture's photo
    assert set(brightness.tolist()) == {0.0, 1.0}
    assert drawn[:, 0].mean() != 0.5  # random proportions, as sixteen seeds give


def test_held_out_photos_are_scored_against_and_the_others_sampled():
    photos = {"rust": [TexturePhoto(n, torch.rand(4, 8, 10), None, False) for n in "abc"]}
    scored, sampled = split_for_scoring(photos, {"rust": ["b"]})["rust"]
    assert [p.name for p in scored] == ["b"] and [p.name for p in sampled] == ["a", "c"]
    assert sampled[0].maps.shape[-1] == 10  # whole photos: none of them is scored against
    # On the training photos: every photo scored, the left halves of the same photos sampled.
    scored, sampled = split_for_scoring(photos, None)["rust"]
    assert len(scored) == 3 and torch.equal(sampled[1].maps, photos["rust"][1].maps[..., :5])
    with pytest.raises(FileNotFoundError, match="the held-out photos d of rust are not"):
        split_for_scoring(photos, {"rust": ["b", "d"]})
