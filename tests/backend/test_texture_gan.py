"""The texture GAN's promises, on a small untrained generator: they hold by construction."""

import numpy as np
import pytest
import torch

from neural_backend.colour import rgb_to_lab
from neural_backend.config import Settings
from neural_backend.data.texture_photos import TexturePhoto
from neural_backend.eval.texture_metrics import diversity, seam_ratio
from neural_backend.generators import available_generators
from neural_backend.generators.gan import GanTextures, _stretch
from neural_backend.layers.circular import (
    CircularConv2d,
    circular_resize,
    circular_upsample,
    circular_upsample_conv,
)
from neural_backend.models.registry import fast_dtype
from neural_backend.models.texture_gan import Latent, TextureGANConfig, TextureGenerator
from neural_backend.presets import load_presets
from neural_backend.train.texture_gan import (
    FeatureBank,
    chroma_log_spectra,
    chroma_loss,
    colour_loss,
    colour_statistics,
    diversity_floor_loss,
    fake_crops,
    log_spectra,
    real_batch,
    spectrum_loss,
)

SMALL = TextureGANConfig(
    classes=("moss", "rust"),
    local_dim=4,
    global_dim=4,
    periodic_waves=2,
    class_dim=4,
    widths=(16, 12, 8, 8, 4),
    detail_width=4,
    disc_widths=(8, 8, 8, 8, 8),
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
    for noise in generator.modules():  # noise strengths start at zero; make them count
        if hasattr(noise, "strength"):
            noise.strength.data.fill_(0.5)
    latent = Latent.sample(SMALL, 1, 4, torch.Generator().manual_seed(0))
    rolled = Latent(
        torch.roll(latent.local, (1, 2), dims=(2, 3)),
        latent.global_,
        latent.phase,
        tuple(
            torch.roll(n, (n.shape[-1] // 4, n.shape[-1] // 2), dims=(2, 3)) for n in latent.noise
        ),
    )
    # Shifting the latent one cell shifts the texture one cell, wrapping: no edge exists.
    # (The periodic sinusoids depend on absolute position, so compare with them held flat.)
    generator.periodic.wave.weight.data.zero_()
    with torch.no_grad():
        out, out_rolled = generator(latent, torch.tensor([0])), generator(rolled, torch.tensor([0]))
    assert out.shape[-1] == 4 * SMALL.cell == 128
    cell = SMALL.cell
    assert torch.allclose(torch.roll(out, (cell, 2 * cell), dims=(2, 3)), out_rolled, atol=1e-5)


@pytest.mark.parametrize("name", ["dirt", "weathered_concrete"])
def test_seeds_of_the_shipped_model_give_different_textures(shipped, presets, name):
    # These classes once collapsed to one look whatever the seed (0.018 and 0.031; photos ~0.1).
    albedo = [shipped(presets[name], 256, seed).albedo for seed in range(8)]
    assert diversity(torch.from_numpy(np.stack(albedo)).permute(0, 3, 1, 2)) > 0.05


@pytest.mark.parametrize("name", ["moss", "weathered_concrete"])
def test_fine_detail_varies_from_seed_to_seed_as_in_photos(shipped, presets, name):
    # Photos of a class range from soft to crisp: the log of their power at periods of 2–3
    # pixels spreads with a standard deviation of 0.9 (moss) and 1.8 (concrete). With one fixed
    # noise strength for all seeds, the session-8 GAN's spread 0.22 and 0.41 here; with the
    # gains, 1.0 and 1.2.
    albedo = np.stack([shipped(presets[name], 128, seed).albedo for seed in range(12)])
    fine = log_spectra(torch.from_numpy(albedo).permute(0, 3, 1, 2))[:, 40:].mean(1)
    assert float(fine.std()) > 0.5


def test_the_bfloat16_trunk_changes_a_texture_by_a_fraction_of_a_level(shipped):
    latent = Latent.sample(shipped.model.config, 1, 8, torch.Generator().manual_seed(3))
    label = torch.tensor([shipped.classes.index("rust")])
    with torch.no_grad():
        exact = shipped.model(latent, label)
        fast = shipped.model(latent, label, torch.bfloat16)
    assert fast.dtype == torch.float32  # the full-resolution stage and the output stay float32
    levels = (fast - exact).abs() * 255
    assert 0 < levels.max() < 12 and levels.mean() < 0.5  # it did run in bfloat16, and closely


def test_precision_float32_is_exact_everywhere_and_a_typo_is_refused_by_name(monkeypatch):
    assert fast_dtype("cpu", "float32") is None
    with pytest.raises(ValueError, match="precision must be one of"):
        fast_dtype("cpu", "bf16")
    monkeypatch.setenv("WEATHERING_PRECISION", "half")
    with pytest.raises(ValueError, match=r"precision must be one of \('auto', 'float32'\)"):
        Settings.from_env()


def test_roughness_stretches_the_1st_to_99th_percentile_over_the_range():
    field = np.random.default_rng(0).beta(2, 5, (300, 200)).astype(np.float32)
    lo, hi = np.percentile(field, [1, 99])
    expected = np.clip((field - lo) / (hi - lo), 0, 1)
    assert np.abs(_stretch(field) - expected).max() < 2e-3


def test_the_noise_images_drive_fine_detail():
    torch.manual_seed(0)
    generator = TextureGenerator(SMALL).eval()
    latent = Latent.sample(SMALL, 1, 2, torch.Generator().manual_seed(0))
    quiet = Latent(latent.local, latent.global_, latent.phase, tuple(0 * n for n in latent.noise))
    with torch.no_grad():
        assert torch.equal(
            generator(latent, torch.tensor([0])), generator(quiet, torch.tensor([0]))
        )
        generator.detail_noise.strength.data.fill_(1.0)  # learned strengths switch it on
        difference = generator(latent, torch.tensor([0])) - generator(quiet, torch.tensor([0]))
    assert difference.abs().mean() > 1e-3


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


def test_upsampling_and_convolving_at_low_resolution_is_the_same_map():
    torch.manual_seed(0)
    conv, x = CircularConv2d(5, 3), torch.randn(2, 5, 7, 9)
    assert torch.allclose(circular_upsample_conv(x, conv), conv(circular_upsample(x)), atol=1e-5)


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
    tiles = torch.arange(4 * 160 * 160, dtype=torch.float32).view(4, 1, 160, 160)
    crops = fake_crops(tiles, rng)  # 128 px crops of each tile's 2×2 tiling
    assert all((crop[0, :, 0].diff() > 0).all() for crop in crops[:2])  # inside one tile
    for crop in crops[2:]:  # across both seams: values drop where the next copy begins
        assert (crop[0, :, 0].diff() < 0).any() and (crop[0, 0, :].diff() < 0).any()


def test_the_spectral_term_is_zero_on_target_and_pulls_blur_back_towards_detail():
    rng = torch.Generator().manual_seed(0)
    real = torch.rand(6, 4, 128, 128, generator=rng)
    labels = torch.tensor([0, 0, 0, 1, 1, 1])
    targets = torch.stack([log_spectra(real[:3]), log_spectra(real[3:])])
    assert float(spectrum_loss(real, labels, targets, FeatureBank(2))) < 1e-5
    blurred = torch.nn.functional.avg_pool2d(real, 5, stride=1, padding=2).requires_grad_()
    loss = spectrum_loss(blurred, labels, targets, FeatureBank(2))
    assert loss.item() > 1.0
    loss.backward()
    sharper = blurred + 0.05 * torch.sign(-blurred.grad)  # a small step down the gradient
    assert float(spectrum_loss(sharper.detach(), labels, targets, FeatureBank(2))) < loss.item()


def test_the_spectral_term_wants_the_photos_sharp_crops_not_just_their_typical_one():
    # Photos half flat and half four times as contrasty; fakes all in between have the same
    # mean log spectrum, yet an eighth of the photos' mean power: the GAN was drawn that way.
    base = torch.rand(4, 4, 128, 128, generator=torch.Generator().manual_seed(1)) - 0.5
    photos = torch.cat([0.25 * base[:2], 4 * base[2:]]) + 0.5
    targets = log_spectra(photos)[None]
    in_between = base + 0.5
    assert (log_spectra(in_between).mean(0) - targets[0].mean(0)).abs().mean() < 0.2
    labels = torch.zeros(4, dtype=torch.long)
    assert float(spectrum_loss(in_between, labels, targets, FeatureBank(1))) > 2.0  # log 4²
    assert float(spectrum_loss(photos, labels, targets, FeatureBank(1))) < 1e-5
    # One fake a batch: ranked among the bank's recent flat ones, the sharp fake is judged
    # against the photos' sharp end, not their middle.
    bank = FeatureBank(1)
    for crop in photos[:2].repeat(4, 1, 1, 1):
        spectrum_loss(crop[None], labels[:1], targets, bank)
    sharp = photos[2:3]
    assert float(spectrum_loss(sharp, labels[:1], targets, bank)) < 0.5
    assert float(spectrum_loss(sharp, labels[:1], targets, FeatureBank(1))) > 1.0


def test_the_chroma_term_sees_fine_colour_noise_that_the_grey_spectrum_cannot():
    # Photos with grey detail only; fakes with the same grey detail plus red/green noise that
    # cancels in the grey (r + n, g − n): the spectral term is blind to it, the chroma one is not,
    # and a step down its gradient takes the noise out.
    rng = torch.Generator().manual_seed(3)
    grey = 0.5 + 0.1 * torch.rand(4, 1, 128, 128, generator=rng)
    photos = torch.cat([grey.expand(-1, 3, -1, -1), torch.ones(4, 1, 128, 128)], 1)
    noise = 0.05 * torch.randn(4, 1, 128, 128, generator=rng)
    fakes = photos + torch.cat([noise, -noise, torch.zeros_like(noise).expand(-1, 2, -1, -1)], 1)
    labels = torch.zeros(4, dtype=torch.long)
    assert (log_spectra(fakes) - log_spectra(photos)).abs().max() < 1e-4
    targets = chroma_log_spectra(photos)[None]
    assert float(chroma_loss(photos, labels, targets, FeatureBank(1))) < 1e-5
    fakes.requires_grad_()
    loss = chroma_loss(fakes, labels, targets, FeatureBank(1))
    assert loss.item() > 5.0  # the noise has e^5 times the photos' chroma power, or more
    loss.backward()
    cleaner = fakes - 0.02 * fakes.grad.sign()
    assert float(chroma_loss(cleaner.detach(), labels, targets, FeatureBank(1))) < loss.item()


def test_colour_statistics_are_each_crops_lab_mean_and_spread():
    crops = torch.rand(3, 4, 16, 16, generator=torch.Generator().manual_seed(2))
    lab = rgb_to_lab(crops[:, :3].permute(0, 2, 3, 1).numpy()).reshape(3, -1, 3)
    expected = np.concatenate([lab.mean(1), lab.std(1, ddof=1)], 1) / 10  # in tens of Lab units
    assert np.abs(colour_statistics(crops).numpy() - expected).max() < 0.005


def test_the_colour_term_wants_every_hue_the_photos_have_not_their_average():
    # Photos of one class, half red-brown and half orange; fakes all of nearly the orange-brown
    # in between have the photos' mean colour, which the term must not accept.
    def flat(rgb):
        return torch.cat([torch.tensor(rgb), torch.ones(1)]).view(1, 4, 1, 1).expand(1, 4, 32, 32)

    photos = torch.cat([flat([0.45, 0.2, 0.15])] * 2 + [flat([0.7, 0.4, 0.1])] * 2)
    targets = colour_statistics(photos)[None]
    between = torch.cat([flat([0.575 + d, 0.3 + d, 0.125]) for d in (-0.01, -0.005, 0.005, 0.01)])
    between.requires_grad_()
    labels = torch.zeros(4, dtype=torch.long)
    assert float(colour_loss(photos, labels, targets, FeatureBank(1))) < 1e-5
    loss = colour_loss(between, labels, targets, FeatureBank(1))
    assert loss.item() > 0.2  # two Lab units in the mean over the six statistics
    loss.backward()
    # Its gradient pulls the fakes apart: the darker two down to red-brown, the others up to
    # orange (a step down the gradient lowers the red and green of the first two).
    red_green_gradient = between.grad[:, :2].mean(dim=(1, 2, 3))
    assert (red_green_gradient[:2] > 0).all() and (red_green_gradient[2:] < 0).all()


def test_the_diversity_floor_pushes_only_a_collapsed_class_apart():
    rng = torch.Generator().manual_seed(0)
    labels = torch.tensor([0, 1, 0, 1])  # pairs (0, 2) and (1, 3) share a class
    targets = torch.tensor([0.1, 0.1])
    varied = torch.rand(4, 4, 64, 64, generator=rng)  # pairs differ by ~0.16 at 32²
    assert float(diversity_floor_loss(varied, labels, targets)) == 0
    collapsed = varied.clone()
    collapsed[2] = collapsed[0] + 0.01  # class 0 makes one texture whatever the latent
    collapsed.requires_grad_()
    loss = diversity_floor_loss(collapsed, labels, targets)
    assert loss.item() == pytest.approx(0.5 * (0.1 - 0.01), abs=1e-4)
    loss.backward()
    assert collapsed.grad[[1, 3]].abs().sum() == 0 and collapsed.grad[[0, 2]].abs().sum() > 0


def test_an_odd_batch_pairs_each_fake_with_its_same_class_partner():
    labels = torch.tensor([0, 1, 2, 0, 1])  # as real_batch draws them: the last 2 repeat the first
    targets = torch.tensor([0.1, 0.1, 0.1])
    fakes = torch.rand(5, 4, 64, 64, generator=torch.Generator().manual_seed(1))
    assert float(diversity_floor_loss(fakes, labels, targets)) == 0
    fakes[2] = fakes[0]  # alike, but of different classes: no pair
    assert float(diversity_floor_loss(fakes, labels, targets)) == 0
    fakes[3] = fakes[0]  # the class-0 pair collapsed
    assert float(diversity_floor_loss(fakes, labels, targets)) == pytest.approx(0.05, abs=1e-6)


def test_the_procedural_mix_replaces_that_share_of_real_crops_with_the_classs_procedural_ones(
    presets,
):
    black = TexturePhoto("black", torch.zeros(4, 200, 300), None, False)
    photos = {"moss": [black], "rust": [black]}

    def procedural_share(mix: float) -> float:
        crops, labels = real_batch(
            photos,
            ["moss", "rust"],
            np.random.default_rng(0),
            64,
            {"moss": mix, "rust": mix},
            presets,
        )
        assert torch.equal(labels[:32], labels[32:])  # still in same-class pairs
        return float((crops.flatten(1).amax(1) > 0).float().mean())

    assert procedural_share(0.0) == 0.0
    assert 0.35 < procedural_share(0.5) < 0.65
    assert procedural_share(1.0) == 1.0
    crops, _ = real_batch({}, ["rust"], np.random.default_rng(1), 2, {"rust": 1.0}, presets)
    assert crops.shape == (2, 4, 128, 128)  # no photo needed when every crop is procedural
    crops, labels = real_batch(
        photos, ["moss", "rust"], np.random.default_rng(0), 64, {"rust": 1.0}, presets
    )
    procedural = crops.flatten(1).amax(1) > 0
    assert torch.equal(procedural, labels == 1)  # only the classes named
