import base64
import io

import numpy as np
import png
import pytest

from neural_backend.generators.maps import TextureMaps
from tests.backend.tiling import assert_tiles


def post(client, **body):
    return client.post("/v1/textures", json={"class": "rust", "size": 64, **body})


def decode(encoded: dict) -> np.ndarray:
    data = base64.b64decode(encoded["data"])
    if encoded["format"] == "npy":
        return np.load(io.BytesIO(data))
    width, height, rows, info = png.Reader(bytes=data).read()
    dtype = np.uint16 if info["bitdepth"] == 16 else np.uint8
    pixels = np.vstack([np.asarray(row, dtype=dtype) for row in rows])
    return (
        pixels.reshape(height, width, -1).squeeze(-1)
        if info["planes"] == 1
        else (pixels.reshape(height, width, info["planes"]))
    )


def test_png_maps_have_the_asked_size_depth_and_colour_space(client):
    body = post(client, size=128, bit_depth=16).json()
    assert body["class"] == "rust" and body["generator"] == "gan"  # the trained model by default
    albedo, height = decode(body["maps"]["albedo"]), decode(body["maps"]["height"])
    assert albedo.shape == (128, 128, 3) and albedo.dtype == np.uint16
    assert height.shape == (128, 128)
    assert body["maps"]["albedo"]["colour_space"] == "sRGB"
    assert body["maps"]["roughness"]["colour_space"] == "linear"
    assert body["height_mean"] == pytest.approx(height.mean() / 65535, abs=1e-4)
    # The gain the extension's layer applies is the one the backend's decay maps use.
    decoded = TextureMaps(albedo, height.astype(np.float32) / 65535, height)
    assert body["breakup_gain"] == pytest.approx(decoded.breakup_gain(), rel=1e-3)


@pytest.mark.parametrize("generator", ["gan", "procedural"])
def test_npy_maps_are_linear_float32_at_the_asked_size(client, generator):
    body = post(client, size=128, format="npy", seed=9, generator=generator).json()
    assert body["generator"] == generator
    for name, encoded in body["maps"].items():
        image = decode(encoded)
        assert image.dtype == np.float32 and image.shape[:2] == (128, 128)
        assert 0 <= image.min() and image.max() <= 1
        if generator == "procedural":  # the GAN's seams are judged over many seeds, in backend/
            assert_tiles(image, name)


def test_same_request_same_bytes(client):
    assert post(client, seed=11).content == post(client, seed=11).content
    assert post(client, seed=11).content != post(client, seed=12).content


def test_variation_walks_from_one_seed_to_the_next(client):
    def albedo(**body):
        return decode(post(client, format="npy", **body).json()["maps"]["albedo"])

    start, end = albedo(seed=3), albedo(seed=4)
    halfway = albedo(seed=3, variation=0.5)
    assert np.allclose(albedo(seed=3, variation=1.0), end, atol=1e-5)
    assert 0 < np.abs(halfway - start).mean() < np.abs(end - start).mean() * 1.5


@pytest.mark.parametrize(
    "body, words",
    [
        ({"class": "lava"}, "unknown class 'lava'; allowed: dirt, moss"),
        ({"generator": "magic"}, "unknown generator 'magic'; allowed: gan, procedural"),
        ({"size": 32}, "greater than or equal to 64"),
        ({"size": 8192}, "less than or equal to 4096"),
        ({"format": "jpeg"}, "'png' or 'npy'"),
        ({"seed": -1}, "greater than or equal to 0"),
        ({"variation": 1.5}, "less than or equal to 1"),
    ],
)
def test_bad_requests_get_422_naming_the_value(client, body, words):
    response = post(client, **body)
    assert response.status_code == 422
    assert words in response.text
