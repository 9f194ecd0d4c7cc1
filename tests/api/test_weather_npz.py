"""POST /v1/weather/npz: the same ageing as POST /v1/weather, with arrays instead of files."""

import base64
import io
import json
import zipfile

import numpy as np
import pytest

from tests.api.conftest import backend
from tests.api.images import b64, b64_png, npy_bytes

OPTIONS = {"class": "rust", "age": 0.8, "seed": 3}


def bundle(options=OPTIONS, **arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays, options=np.array(json.dumps(options)))
    return buffer.getvalue()


def post(client, data: bytes):
    return client.post(
        "/v1/weather/npz", content=data, headers={"Content-Type": "application/x-npz"}
    )


def test_npz_ages_exactly_as_the_json_route_does(client, scene):
    image, mask = scene
    wide = image.astype(np.uint16) * 257
    response = post(client, bundle(image=wide, mask=mask))
    assert response.status_code == 200 and response.headers["content-type"] == "application/x-npz"
    answer = np.load(io.BytesIO(response.content), allow_pickle=False)
    reference = client.post(
        "/v1/weather",
        json={"image": b64(npy_bytes(wide)), "mask": b64_png(mask), **OPTIONS, "format": "npy"},
    ).json()
    for name, field in (("image", "image"), ("decay_map", "decay_map")):
        expected = np.load(io.BytesIO(base64.b64decode(reference[field]["data"])))
        assert answer[name].dtype == expected.dtype and np.array_equal(answer[name], expected)
    assert answer["texture"].dtype == np.uint8 and answer["texture"].shape[2] == 3
    result = json.loads(str(answer["result"]))
    assert result == {"found": reference["found"], "targets": reference["targets"]}


@pytest.mark.parametrize(
    "convert",
    [
        lambda rgb: rgb[..., 0],  # grey (H, W)
        lambda rgb: np.dstack([rgb, np.full(rgb.shape[:2], 200, np.uint8)]),  # RGBA
        lambda rgb: rgb.astype(np.float32) / 255,  # float
    ],
    ids=["grey", "rgba", "float"],
)
def test_the_answer_keeps_the_inputs_type_shape_and_alpha(client, scene, convert):
    image, mask = scene
    given = convert(image)
    answer = np.load(io.BytesIO(post(client, bundle(image=given, mask=mask)).content))
    aged = answer["image"]
    assert aged.dtype == given.dtype and aged.shape == given.shape
    assert np.allclose(aged[mask == 0], given[mask == 0], atol=1e-6)  # untouched outside
    assert not np.allclose(aged[mask > 0], given[mask > 0])
    if given.ndim == 3 and given.shape[2] == 4:
        assert np.array_equal(aged[..., 3], given[..., 3])


def test_without_a_mask_it_segments_and_reports_what_it_found(client, scene):
    image, _ = scene
    answer = np.load(io.BytesIO(post(client, bundle(image=image)).content))
    result = json.loads(str(answer["result"]))
    assert set(result) == {"found", "targets"} and result["targets"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "body: not an .npz archive"),
        (bundle(picture=np.zeros((4, 4), np.uint8)), "image: missing from the .npz"),
        (bundle({"class": "rust", "age": 3}, image=np.zeros((8, 8, 3), np.uint8)), "age"),
        (bundle({"class": "rust", "tint": 1}, image=np.zeros((8, 8, 3), np.uint8)), "tint"),
        (bundle({"class": "lava"}, image=np.zeros((8, 8, 3), np.uint8)), "unknown class"),
        (bundle(image=np.zeros((8, 8, 3), np.int32)), "image: .npy pixel type int32"),
        (bundle(image=np.full((8, 8, 3), np.nan, np.float32)), "NaN or infinite"),
        (
            bundle(image=np.zeros((8, 8, 3), np.uint8), mask=np.zeros((8, 8, 3), np.uint8)),
            "mask: expected (height, width)",
        ),
    ],
    ids=["not-zip", "no-image", "bad-age", "unknown-option", "class", "int32", "nan", "mask"],
)
def test_bad_bundles_are_refused_with_the_reason(client, data, message):
    response = post(client, data)
    assert response.status_code == 422 and message in response.json()["detail"]


def test_pickled_arrays_are_refused_unread(client):
    pickled = np.array([[{"x": 1}]], dtype=object)  # only pickle could load these
    for arrays, message in (
        ({"image": pickled, "options": np.array(json.dumps(OPTIONS))}, "pixel type object"),
        ({"image": np.zeros((8, 8, 3)), "options": pickled}, "options: expected JSON object"),
    ):
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        response = post(client, buffer.getvalue())
        assert response.status_code == 422 and message in response.json()["detail"]


def test_a_small_archive_that_unpacks_past_the_body_limit_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("image.npy", bytes(2 << 20))  # 2 MiB of zeros, deflated to a few KiB
    assert len(buffer.getvalue()) < 64 << 10
    with backend(max_body_mb=1) as client:
        response = post(client, buffer.getvalue())
    assert response.status_code == 413 and "unpack to 2097152 bytes" in response.json()["detail"]
