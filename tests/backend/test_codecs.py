import io

import numpy as np
import png  # pypng: a full PNG decoder (Pillow reads 16-bit RGB as 8-bit)
import pytest

from neural_backend.codecs import encode, encode_png
from neural_backend.decoding import decode_image_native


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


def _png_with_filter(pixels: np.ndarray, filter_type: int) -> bytes:
    """A 16-bit RGB PNG whose every row uses one filter type (0 None, 1 Sub, 2 Up)."""
    import struct
    import zlib

    height = pixels.shape[0]
    rows = pixels.astype(">u2").reshape(height, -1).view(np.uint8)
    filtered = rows.copy()
    if filter_type == 1:
        filtered[:, 6:] = rows[:, 6:] - rows[:, :-6]
    elif filter_type == 2:
        filtered[1:] = rows[1:] - rows[:-1]
    raw = np.concatenate([np.full((height, 1), filter_type, np.uint8), filtered], 1).tobytes()

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", pixels.shape[1], height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))


@pytest.mark.parametrize("filter_type", [0, 1, 2])
def test_16_bit_pngs_decode_exactly_whatever_the_row_filter(filter_type):
    pixels = np.random.default_rng(filter_type).integers(0, 65536, (9, 11, 3), dtype=np.uint16)
    assert np.array_equal(decode_image_native(_png_with_filter(pixels, filter_type)), pixels)


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_16_bit_pngs_from_another_encoder_decode_exactly(channels):
    pixels = np.random.default_rng(channels).integers(0, 65536, (9, 11, channels), np.uint16)
    buffer = io.BytesIO()
    png.Writer(11, 9, greyscale=channels < 3, alpha=channels in (2, 4), bitdepth=16).write(
        buffer, pixels.reshape(9, -1)
    )
    decoded = decode_image_native(buffer.getvalue())
    assert np.array_equal(decoded.reshape(pixels.shape), pixels)


def test_our_png_round_trips_through_our_decoder():
    image = np.random.default_rng(5).random((13, 17, 3)).astype(np.float32)
    decoded = decode_image_native(encode_png(image, 16))
    assert np.array_equal(decoded, np.round(image * 65535).astype(np.uint16))
