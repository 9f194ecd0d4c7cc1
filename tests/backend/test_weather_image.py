"""The image weathering pipeline: monotonic decay, untouched surroundings, kept shading, and
every kind of image a user may bring."""

import numpy as np
import pytest

from neural_backend.generators import available_generators
from neural_backend.generators.maps import BREAKUP_STD, TextureMaps
from neural_backend.pipeline.decay import decay_map
from neural_backend.pipeline.image_input import from_float_rgb, to_float_rgb
from neural_backend.pipeline.loading import load_available
from neural_backend.pipeline.weather_image import ImageWeatherer
from neural_backend.presets import load_presets


@pytest.fixture(scope="module")
def weatherer(presets_dir):
    models = load_available()
    return ImageWeatherer(
        load_presets(presets_dir),
        available_generators(),
        models["segmentation"],
        models["harmonization"],
    )


@pytest.fixture(scope="module")
def wall():
    """A lit wall (light falling off to the right, a horizontal shadow band) and its mask."""
    height, width = 96, 128
    light = np.linspace(1.0, 0.4, width)[None, :] * np.ones((height, 1))
    light[40:52] *= 0.5
    photo = np.clip(np.stack([0.8 * light, 0.75 * light, 0.7 * light], -1), 0, 1).astype(np.float32)
    mask = np.zeros((height, width), np.float32)
    mask[16:88, 20:110] = 1
    return photo, mask


def test_decay_only_grows_with_age(presets_dir, wall):
    photo, mask = wall
    preset = load_presets(presets_dir)["rust"]
    breakup = np.random.default_rng(0).random(mask.shape).astype(np.float32) - 0.5
    ages = [
        decay_map(mask > 0, photo.mean(-1), breakup, preset, a, seed=1) for a in (0.2, 0.5, 0.8)
    ]
    for younger, older in zip(ages, ages[1:], strict=False):
        assert (younger <= older + 1e-6).all()
    assert ages[0].sum() < ages[-1].sum() and ages[-1][mask == 0].max() == 0


def test_the_breakup_keeps_the_texture_patches_and_drops_its_grain():
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:256, 0:256] * (2 * np.pi / 256)
    patches = (0.5 + 0.2 * np.sin(2 * x) * np.cos(3 * y)).astype(np.float32)
    grain = rng.normal(0, 0.15, patches.shape).astype(np.float32)
    maps = TextureMaps(np.zeros((256, 256, 3), np.float32), patches + grain, patches)
    breakup = maps.breakup()
    assert abs(float(breakup.mean())) < 1e-6  # it moves where decay goes, not how much
    target = (patches - patches.mean()) * maps.breakup_gain()
    assert np.abs(breakup - target).mean() < 0.25 * np.abs(grain * maps.breakup_gain()).mean()
    # Blurred by wrapping, so the breakup tiles exactly as its texture does.
    rolled = TextureMaps(maps.albedo, np.roll(maps.height, (5, 9), (0, 1)), patches)
    np.testing.assert_allclose(rolled.breakup(), np.roll(breakup, (5, 9), (0, 1)), atol=1e-5)


def test_every_textures_height_breaks_decay_up_equally():
    # A retrained GAN with flatter heights must not make decay less patchy: the breakup has one
    # contrast, whatever the height's, and the preset's weight alone sets how much it counts.
    y, x = np.mgrid[0:128, 0:128] * (2 * np.pi / 128)
    shape = (np.sin(3 * x) * np.cos(2 * y)).astype(np.float32)
    breakups = [
        TextureMaps(np.zeros((128, 128, 3)), 0.5 + contrast * shape, shape).breakup()
        for contrast in (0.1, 0.4)
    ]
    np.testing.assert_allclose(breakups[0], breakups[1], atol=1e-4)
    assert float(breakups[0].std()) == pytest.approx(BREAKUP_STD, rel=1e-3)
    # Nearly flat heights are lifted only so far: their ripples are not patches.
    flat = TextureMaps(np.zeros((128, 128, 3)), 0.5 + 0.001 * shape, shape)
    assert float(flat.breakup().std()) < 0.03 * BREAKUP_STD  # unbounded, it would be 1×


@pytest.mark.parametrize("generator", ["gan", "procedural"])
def test_pixels_outside_the_mask_stay_exactly_as_they_were(weatherer, wall, generator):
    photo, mask = wall
    result = weatherer.weather(photo, "rust", 0.8, seed=2, mask=mask, generator=generator)
    assert np.array_equal(result.image[mask == 0], photo[mask == 0])
    assert result.decay.max() > 0.5 and np.abs(result.image - photo)[mask > 0].mean() > 0.01


def test_the_photo_light_stays_on_the_new_surface(weatherer, wall):
    photo, mask = wall
    result = weatherer.weather(photo, "dirt", 1.0, seed=3, mask=mask)
    # Broad light, compared as profiles over the weathered region: falloff along the rows,
    # the shadow band along the columns.
    region = (slice(16, 88), slice(20, 110))
    before, after = photo.mean(-1)[region], result.image.mean(-1)[region]
    assert result.decay[region].min() > 0.5  # fully grown at age 1
    for axis in (0, 1):
        assert np.corrcoef(before.mean(axis), after.mean(axis))[0, 1] > 0.7


def test_targets_come_from_segmentation(weatherer):
    photo = np.zeros((90, 120, 3), np.float32)
    photo[:30] = (0.5, 0.7, 0.9)
    photo[30:] = 0.45
    result = weatherer.weather(photo, "moss", 0.9, targets=list(weatherer.segmenter.class_names))
    assert result.found and abs(sum(result.found.values()) - 1) < 0.01


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weathering_class": "lava"}, "unknown class 'lava'"),
        ({"targets": ["castle"]}, "unknown target 'castle'"),
        ({"mask": np.zeros((96, 128), np.float32)}, "nothing to weather: the target mask is empty"),
        ({"mask": np.ones((10, 10), np.float32)}, "mask is 10×10, image 128×96"),
        ({"age": 1.5, "mask": np.ones((96, 128), np.float32)}, "age must be 0..1, got 1.5"),
    ],
)
def test_bad_requests_are_explained(weatherer, wall, kwargs, message):
    arguments = {"weathering_class": "rust", "age": 0.5, **kwargs}
    with pytest.raises(ValueError, match=message):
        weatherer.weather(
            wall[0], arguments.pop("weathering_class"), arguments.pop("age"), **arguments
        )


@pytest.mark.parametrize(
    ("image", "channels", "dtype"),
    [
        (np.full((8, 8), 200, np.uint8), 1, np.uint8),
        (np.full((8, 8, 2), 30000, np.uint16), 2, np.uint16),
        (np.full((8, 8, 3), 0.5, np.float32), 3, np.float32),
        (np.full((8, 8, 4), 9, np.uint8), 4, np.uint8),
    ],
)
def test_any_image_comes_back_in_its_own_channels_and_precision(image, channels, dtype):
    rgb, original = to_float_rgb(image)
    assert rgb.shape == (8, 8, 3) and rgb.dtype == np.float32
    back = from_float_rgb(rgb, original)
    assert back.shape[2] == channels
    expected = image.astype(np.float32) / (
        255 if dtype == np.uint8 else 65535 if dtype == np.uint16 else 1
    )
    assert np.allclose(back.reshape(expected.shape), expected, atol=1e-3)
    assert original.bit_depth == (8 if dtype == np.uint8 else 16)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((0, 5, 3), np.uint8), "the image is empty \\(5×0 pixels\\)"),
        (np.zeros((4, 4, 5), np.uint8), "expected a greyscale, RGB or RGBA image"),
        (np.zeros((4, 4, 3), np.int64), "pixel type int64 is not supported"),
    ],
)
def test_unusable_images_are_refused_by_what_is_wrong(image, message):
    with pytest.raises(ValueError, match=message):
        to_float_rgb(image)


def test_huge_images_are_refused_before_any_work():
    huge = np.lib.stride_tricks.as_strided(np.zeros(1, np.uint8), (9000, 9000, 3), (0, 0, 0))
    with pytest.raises(
        ValueError, match="the image is 9000×9000; the largest accepted is 8192×8192"
    ):
        to_float_rgb(huge)
