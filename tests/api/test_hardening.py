"""Who may talk to the backend, the limits it enforces, and the images it must survive."""

import numpy as np
import pytest

from neural_backend.cli import main
from tests.api.conftest import backend
from tests.api.images import b64, b64_png, npy_bytes, png16_bytes, png_bytes, read_png

RNG = np.random.default_rng(0)
PHOTO = RNG.integers(0, 256, (32, 48, 3), dtype=np.uint8)
MASK = np.zeros((32, 48), np.uint8)
MASK[8:24, 8:40] = 255


def weather_body(image: str, **change) -> dict:
    return {"image": image, "mask": b64_png(MASK), "class": "rust", "age": 0.8, **change}


def test_a_token_is_required_when_set_and_compared_exactly():
    with backend(token="s3cret") as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
            refused = client.get("/v1/health", headers=headers)
            assert refused.status_code == 401 and "Bearer <token>" in refused.json()["detail"]
            assert refused.headers["WWW-Authenticate"] == "Bearer"
        assert client.get("/v1/health", headers={"Authorization": "Bearer s3cret"}).is_success
        # A stranger's body is never read: the token is checked before the size.
        assert client.post("/v1/weather", content=b"x" * 10**6).status_code == 401


def test_binding_beyond_loopback_without_a_token_is_refused(monkeypatch):
    monkeypatch.delenv("WEATHERING_TOKEN", raising=False)
    with pytest.raises(SystemExit, match="binding 0.0.0.0 exposes the backend.*--token"):
        main(["serve", "--host", "0.0.0.0"])


def test_bodies_over_the_limit_get_413_even_without_a_length():
    with backend(max_body_mb=0.01) as client:
        declared = client.post("/v1/weather", json=weather_body("A" * 20000))
        assert declared.status_code == 413 and "limit is 10485 bytes" in declared.text
        chunks = (b"x" * 4096 for _ in range(8))  # chunked: no Content-Length to trust
        streamed = client.post("/v1/weather", content=chunks)
        assert streamed.status_code == 413 and "max_body_mb" in streamed.text


@pytest.mark.parametrize(
    ("limits", "path", "body", "message"),
    [
        ({"max_image_side": 40}, "/v1/weather", weather_body(b64_png(PHOTO)), "1–40 pixels"),
        (
            {"max_targets": 2},
            "/v1/weather",
            {"image": b64_png(PHOTO), "class": "rust", "targets": ["building"] * 3},
            "3 given; at most 2",
        ),
        ({"max_texture_size": 128}, "/v1/textures", {"class": "rust", "size": 256}, "of 128"),
    ],
)
def test_limits_name_the_value_and_the_range(limits, path, body, message):
    with backend(**limits) as client:
        response = client.post(path, json=body)
        assert response.status_code == 422 and message in response.json()["detail"]


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares a size and carries (almost) no pixels: how a decompression bomb
    starts."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)


VALID = png_bytes(PHOTO)
FLIPPED = bytearray(VALID)
FLIPPED[len(VALID) // 2] ^= 0xFF
CORRUPT = {
    "empty": (b"", "0 bytes"),
    "garbage": (b"definitely not an image", "not a readable image"),
    "truncated png": (VALID[: len(VALID) // 2], "not a readable PNG"),
    "corrupt png data": (bytes(FLIPPED), "not a readable PNG"),
    "zero-width png": (_png_header(0, 10), "not a readable PNG"),
    "huge png header": (_png_header(100_000, 100_000), "each side must be 1–8192"),
    "truncated jpeg": (b"\xff\xd8\xff\xe0" + b"\0" * 30, "not a readable image"),
    "npy nan": (npy_bytes(np.full((32, 48, 3), np.nan, np.float32)), "4608 NaN or infinite"),
    "npy infinity": (npy_bytes(np.full((32, 48), np.inf)), "NaN or infinite"),
    "npy int64": (npy_bytes(np.zeros((32, 48, 3), np.int64)), "pixel type int64"),
    "npy objects": (npy_bytes(np.array([None, 1]), allow_pickle=True), "pixel type object"),
    "npy five channels": (npy_bytes(np.zeros((32, 48, 5), np.float32)), "shape (32, 48, 5)"),
    "npy one dimension": (npy_bytes(np.zeros(10, np.uint8)), "shape (10,)"),
    "npy zero-size": (npy_bytes(np.zeros((0, 48, 3), np.uint8)), "empty (48×0"),
    "npy truncated": (npy_bytes(np.zeros((32, 48, 3), np.float32))[:300], "not a readable"),
}


@pytest.mark.parametrize("name", CORRUPT)
@pytest.mark.parametrize("route", ["/v1/weather", "/v1/segment", "/v1/harmonize"])
def test_corrupt_images_get_a_422_that_says_why(client, name, route):
    data, message = CORRUPT[name]
    body = {
        "/v1/weather": weather_body(b64(data)),
        "/v1/segment": {"image": b64(data)},
        "/v1/harmonize": {"composite": b64(data), "mask": b64_png(MASK)},
    }[route]
    response = client.post(route, json=body)
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]


UNUSUAL = {  # not corrupt, only unusual: each must come back in its own kind
    "grey": (png_bytes(PHOTO[..., 0]), (32, 48)),
    "rgba": (png_bytes(np.dstack([PHOTO, PHOTO[..., :1]])), (32, 48, 4)),
    "16-bit": (png16_bytes(PHOTO.astype(np.uint16) * 257), (32, 48, 3)),
    "float npy": (npy_bytes(PHOTO / np.float32(255)), (32, 48, 3)),
    "grey npy": (npy_bytes(PHOTO[..., 0]), (32, 48)),
}


@pytest.mark.parametrize("name", UNUSUAL)
def test_unusual_images_are_weathered_in_their_own_format(client, name):
    data, shape = UNUSUAL[name]
    response = client.post("/v1/weather", json=weather_body(b64(data)))
    assert response.status_code == 200, response.text
    aged = response.json()["image"]
    assert (aged["height"], aged["width"], aged["channels"]) == (*shape[:2], (shape + (1,))[2])
    if name.endswith("npy") and len(shape) == 3 or name == "16-bit":
        assert aged["format"] == "png"  # float and 16-bit inputs keep 16 bits
    outside = read_png(aged)[MASK == 0]
    if name == "grey":
        assert np.array_equal(outside, PHOTO[..., 0][MASK == 0])


def test_the_backend_still_answers_after_the_corpus(client):
    response = client.post("/v1/segment", json={"image": b64_png(PHOTO), "exit": 1})
    assert response.status_code == 200 and response.json()["exit"] == 1
