import numpy as np
import pytest

from tests.api.images import b64, b64_png, read_png


@pytest.fixture(scope="module")
def photo():
    rng = np.random.default_rng(0)
    image = np.zeros((90, 120, 3), np.uint8)
    image[:30] = (120, 160, 220)  # sky
    image[30:] = rng.integers(60, 110, (60, 120, 3))
    return image


@pytest.mark.parametrize("exit", [1, 3, "auto"])
def test_segment_returns_a_label_map_at_input_size(client, photo, exit):
    body = client.post("/v1/segment", json={"image": b64_png(photo), "exit": exit}).json()
    labels = read_png(body["labels"])
    assert labels.shape == (90, 120) and labels.max() < len(body["class_names"])
    assert body["class_names"][:2] == ["sky", "building"]
    assert body["exit"] == exit if exit != "auto" else 1 <= body["exit"] <= 3
    found = {body["class_names"][i] for i in np.unique(labels)}
    assert set(body["class_confidence"]) == found
    assert all(0 < c <= 1 for c in body["class_confidence"].values()) and body["ms"] > 0


def test_a_tiny_budget_takes_the_fastest_exit(client, photo):
    body = client.post("/v1/segment", json={"image": b64_png(photo), "budget_ms": 0.001}).json()
    assert body["exit"] == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"image": "not base64!"}, "image: not valid base64"),
        ({"image": b64(b"GIF? no")}, "image: not a readable image"),
        ({"image": "", "exit": 7}, "Input should be 1, 2, 3 or 'auto'"),
    ],
)
def test_bad_segment_requests_are_explained(client, body, message):
    response = client.post("/v1/segment", json=body)
    assert response.status_code == 422 and message in response.text


def test_harmonize_changes_only_the_masked_region(client, photo):
    composite = photo.copy()
    composite[40:80, 30:90] = (250, 40, 200)  # a loud pasted patch
    mask = np.zeros((90, 120), np.uint8)
    mask[40:80, 30:90] = 255
    body = client.post(
        "/v1/harmonize", json={"composite": b64_png(composite), "mask": b64_png(mask)}
    ).json()
    out = read_png(body["image"])
    assert out.shape == composite.shape
    assert np.array_equal(out[mask == 0], composite[mask == 0])
    assert not np.array_equal(out[mask == 255], composite[mask == 255])


def test_harmonize_takes_a_caution_and_refuses_a_negative_one(client, photo):
    composite = photo.copy()
    composite[40:80, 30:90] = (250, 40, 200)
    mask = np.zeros((90, 120), np.uint8)
    mask[40:80, 30:90] = 255
    body = {"composite": b64_png(composite), "mask": b64_png(mask)}
    changes = []
    for caution in (0.0, 100.0):
        out = read_png(
            client.post("/v1/harmonize", json={**body, "caution": caution}).json()["image"]
        )
        changes.append(np.abs(out.astype(int) - composite)[mask == 255].mean())
    assert changes[1] < changes[0]  # more caution, less correction
    response = client.post("/v1/harmonize", json={**body, "caution": -1})
    assert response.status_code == 422 and "caution" in response.text


def test_harmonize_refuses_a_mask_of_another_size(client, photo):
    mask = np.zeros((10, 10), np.uint8)
    response = client.post(
        "/v1/harmonize", json={"composite": b64_png(photo), "mask": b64_png(mask)}
    )
    assert response.status_code == 422 and "mask is 10×10 but composite is 120×90" in response.text


def test_health_lists_the_loaded_models(client):
    assert client.get("/v1/health").json()["models"] == ["harmonization", "segmentation"]
