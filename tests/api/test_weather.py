import base64
import io

import numpy as np
import png
import pytest

from tests.api.images import b64, b64_png, npy_bytes, png16_bytes, read_png


def test_weather_with_a_mask_returns_image_decay_map_and_texture(client, scene):
    image, mask = scene
    body = client.post(
        "/v1/weather",
        json={
            "image": b64_png(image),
            "mask": b64_png(mask),
            "class": "rust",
            "age": 0.9,
            "seed": 4,
        },
    ).json()
    aged = read_png(body["image"])
    assert aged.shape == image.shape and np.array_equal(aged[mask == 0], image[mask == 0])
    assert body["decay_map"]["colour_space"] == "linear" and body["decay_map"]["channels"] == 1
    assert body["texture"]["width"] == body["texture"]["height"] == 64  # zoomed out: small tile
    assert body["found"] == {}  # a mask was given: nothing was segmented


def test_16_bit_input_comes_back_16_bit(client, scene):
    image, mask = scene
    wide = image.astype(np.uint16) * 257
    body = client.post(
        "/v1/weather",
        json={"image": b64(png16_bytes(wide)), "mask": b64_png(mask), "class": "moss", "age": 0.7},
    ).json()
    width, height, rows, info = png.Reader(bytes=base64.b64decode(body["image"]["data"])).read()
    assert info["bitdepth"] == 16 and (width, height) == (96, 64)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"class": "lava"}, "unknown class 'lava'"),
        ({"mask": None, "targets": ["castle"]}, "unknown target 'castle'"),
        ({"age": 2}, "less than or equal to 1"),
        ({"image": "@@"}, "image: not valid base64"),
    ],
)
def test_bad_weather_requests_say_what_is_wrong(client, scene, change, message):
    image, mask = scene
    body = {"image": b64_png(image), "mask": b64_png(mask), "class": "rust", **change}
    response = client.post("/v1/weather", json={k: v for k, v in body.items() if v is not None})
    assert response.status_code == 422 and message in response.text


def test_npy_in_npy_out_keeps_the_bit_depth_and_channels_without_compression(client, scene):
    image, mask = scene
    rgba = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)]).astype(np.uint16) * 257
    body = client.post(
        "/v1/weather",
        json={
            "image": b64(npy_bytes(rgba)),
            "mask": b64_png(mask),
            "class": "rust",
            "age": 0.8,
            "format": "npy",
        },
    ).json()
    aged = np.load(io.BytesIO(base64.b64decode(body["image"]["data"])))
    decay = np.load(io.BytesIO(base64.b64decode(body["decay_map"]["data"])))
    assert aged.dtype == np.uint16 and aged.shape == rgba.shape
    assert np.array_equal(aged[mask == 0], rgba[mask == 0]) and (aged[..., 3] == 65535).all()
    assert decay.dtype == np.uint16 and decay.shape == mask.shape and decay[mask > 0].any()
