"""POST /v1/decay-maps: an asset's baked cues in, UV-space decay and weathering maps out."""

import base64
import io
import time

import numpy as np
import pytest

from tests.api.images import b64, b64_png, npy_bytes, png16_bytes
from tests.backend.atlas import cube_atlas


@pytest.fixture(scope="module")
def cues():
    baked = cube_atlas()[0]
    occlusion = (baked.ambient_occlusion * 65535).round().astype(np.uint16)[..., None]
    return {
        "ambient_occlusion": b64(png16_bytes(occlusion)),  # 16-bit grey PNG
        "curvature": b64(npy_bytes(baked.curvature)),  # float .npy
        "normal": b64(npy_bytes(baked.normal)),
        "position": b64(npy_bytes(baked.position)),
    }, baked


def test_cue_maps_come_back_as_maps_of_the_same_size(client, cues):
    fields, baked = cues
    base = np.zeros(baked.normal.shape, np.uint8)
    base[:] = (40, 90, 160)
    body = {**fields, "class": "rust", "age": 0.6, "base_colour": b64_png(base), "format": "npy"}
    answer = client.post("/v1/decay-maps", json=body)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    maps = {
        name: np.load(io.BytesIO(base64.b64decode(result[name]["data"])))
        for name in ("score", "decay", "albedo", "height", "roughness")
    }
    assert maps["albedo"].shape == baked.normal.shape
    assert maps["decay"].shape == maps["score"].shape == baked.normal.shape[:2]
    assert result["coverage"] == pytest.approx(baked.coverage.mean(), abs=1e-4)
    # The score map gives the decay back, as the extension's layer computes it in the shader.
    score = maps["score"] * result["score_range"] - result["score_offset"]
    start = 1 - 0.6 * (1 + result["softness"])
    t = np.clip((score - start) / result["softness"], 0, 1)
    np.testing.assert_allclose(t * t * (3 - 2 * t) * baked.coverage, maps["decay"], atol=1e-4)


def test_a_base_colour_value_serves_materials_without_an_image(client, cues):
    fields, _ = cues
    body = {**fields, "class": "moss", "base_colour_value": [0.5, 0.4, 0.3]}
    result = client.post("/v1/decay-maps", json=body).json()
    assert result["albedo"]["format"] == "png" and result["albedo"]["colour_space"] == "sRGB"
    assert result["score"]["colour_space"] == "linear"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "give exactly one of base_colour"),
        ({"base_colour_value": [0.5, 0.5, 0.5], "base_colour": "AAAA"}, "exactly one"),
        ({"base_colour_value": [0.5, 2.0, 0.5]}, "0..1 each"),
        ({"base_colour": b64_png(np.zeros((8, 8, 3), np.uint8))}, "base_colour is 8×8"),
        ({"normal": b64_png(np.zeros((144, 144, 3), np.uint8))}, "normal: expected a float .npy"),
        ({"curvature": b64(npy_bytes(np.zeros((9, 9), np.float32)))}, "curvature is 9×9"),
        ({"position": "not base64!"}, "position: not valid base64"),
    ],
)
def test_bad_requests_say_what_is_wrong(client, cues, change, message):
    fields, _ = cues
    answer = client.post("/v1/decay-maps", json={**fields, "class": "rust", **change})
    assert answer.status_code == 422 and message in answer.text, answer.text


def test_decay_maps_run_as_a_job_too(client, cues):
    fields, _ = cues
    body = {**fields, "class": "dirt", "base_colour_value": [0.5, 0.5, 0.5]}
    job = client.post("/v1/jobs/decay-maps", json=body).json()
    for _ in range(200):
        status = client.get(f"/v1/jobs/{job['id']}").json()
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert status["state"] == "done" and status["kind"] == "decay-maps"
    assert status["result"]["decay"]["width"] == 144
