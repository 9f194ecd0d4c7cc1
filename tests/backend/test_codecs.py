import io

import numpy as np
import png  # pypng: a full PNG decoder (Pillow reads 16-bit RGB as 8-bit)
import pytest

from neural_backend.codecs import encode, encode_png


@pytest.mark.parametrize("bit_depth, dtype", [(8, np.uint8), (16, np.uint16)])
@pytest.mark.parametrize("channels", [1, 3, 4])
def test_png_round_trips_through_a_standard_decoder(bit_depth, dtype, channels):
    rng = np.random.default_rng(channels)
    image = rng.random((5, 7, channels)).astype(np.float32)
    width, height, rows, info = png.Reader(bytes=encode_png(image, bit_depth)).read()
    decoded = np.vstack([np.asarray(row, dtype=dtype) for row in rows])
    assert info["bitdepth"] == bit_depth and info["planes"] == channels
    peak = (1 << bit_depth) - 1
    expected = np.round(image * peak).astype(dtype)
    assert decoded.dtype == dtype
    assert np.array_equal(decoded.reshape(expected.shape), expected)


def test_png_bytes_are_deterministic():
    image = np.linspace(0, 1, 48, dtype=np.float32).reshape(4, 4, 3)
    assert encode_png(image, 16) == encode_png(image.copy(), 16)


def test_npy_keeps_float32_exactly():
    image = np.random.default_rng(0).random((3, 4)).astype(np.float32)
    assert np.array_equal(np.load(io.BytesIO(encode(image, "npy"))), image)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: encode_png(np.zeros((2, 2, 2)), 8), "1, 3 or 4 channels"),
        (lambda: encode_png(np.zeros((2, 2)), 12), "bit_depth must be one of"),
        (lambda: encode(np.zeros((2, 2)), "jpeg"), "format must be one of"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
