import base64
import io

import numpy as np
import pytest
from core.decay_maps import BakedCueMaps, DecayOrder, fetch_decay_maps
from core.jobs import Progress


def cue_maps() -> BakedCueMaps:
    rng = np.random.default_rng(0)
    return BakedCueMaps(
        ambient_occlusion=rng.random((8, 8)).astype(np.float32),
        curvature=rng.random((8, 8)).astype(np.float32),
        normal=rng.normal(size=(8, 8, 3)).astype(np.float32),
        position=(rng.normal(size=(8, 8, 3)) * 1000).astype(np.float32),
        base_colour=rng.random((8, 8, 3)).astype(np.float32),
        uv_map="UVMap",
    )


def decoded(field: str) -> np.ndarray:
    return np.load(io.BytesIO(base64.b64decode(field)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weathering_class": ""}, "choose a weathering class"),
        ({"age": 1.5}, "age must be 0..1"),
        ({"seed": -2}, "seed must be 0 or more"),
        ({"scale": 0.0}, "texture scale must be 0.01..1000"),
    ],
)
def test_bad_orders_are_refused_before_anything_is_baked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DecayOrder(**{"weathering_class": "rust", **kwargs})


def test_positions_keep_full_precision_and_the_rest_travel_in_16_bits():
    cues = cue_maps()
    body = DecayOrder("moss", age=0.3, seed=4, scale=2.0).request(cues)
    assert (body["class"], body["age"], body["seed"], body["scale"]) == ("moss", 0.3, 4, 2.0)
    position = decoded(body["position"])
    assert position.dtype == np.float32 and np.array_equal(position, cues.position)
    normal = decoded(body["normal"])
    assert normal.dtype == np.float16 and np.allclose(normal, cues.normal, atol=2e-3)
    assert base64.b64decode(body["base_colour"]).startswith(b"\x89PNG")


class FakeClient:
    def decay_maps(self, request):
        data = {
            name: {"data": base64.b64encode(name.encode()).decode()}
            for name in ("score", "decay", "albedo", "height", "roughness")
        }
        return {**data, "score_offset": 0.25, "score_range": 1.5, "softness": 0.08}


def test_fetched_maps_are_written_under_the_objects_and_classes_key(tmp_path):
    maps = fetch_decay_maps(
        FakeClient(), DecayOrder("rust"), "Crate/01", cue_maps(), tmp_path, Progress()
    )
    assert maps.key == "Crate_01_rust_decay" and maps.uv_map == "UVMap"
    assert (maps.score_offset, maps.score_range, maps.softness) == (0.25, 1.5, 0.08)
    for name, path in maps.paths.items():
        assert path == tmp_path / f"Crate_01_rust_decay_{name}.png"
        assert path.read_bytes() == name.encode()
