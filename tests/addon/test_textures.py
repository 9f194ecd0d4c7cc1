import base64

import pytest
from core.client import BackendError
from core.jobs import Progress
from core.textures import HeightBreakup, TextureOrder, fetch_texture_set


class FakeClient:
    def __init__(self, breakup=None):
        self.requests = []
        self.breakup = {"height_mean": 0.32, "breakup_gain": 1.7} if breakup is None else breakup

    def classes(self):
        return [{"name": "rust", "label": "Rust"}]

    def textures(self, request):
        self.requests.append(request)
        maps = {
            n: {"data": base64.b64encode(n.encode()).decode()}
            for n in ("albedo", "height", "roughness")
        }
        return {"generator": "procedural", "maps": maps, **self.breakup}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"size": 1000}, "texture size must be one of"),
        ({"seed": -1}, "seed must be 0 or more"),
        ({"scale": 100.0}, "texture scale must be 0.125..16"),
    ],
)
def test_bad_orders_are_refused_before_any_request(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TextureOrder("rust", **kwargs)


def test_fetch_writes_each_map_under_the_orders_key(tmp_path):
    client = FakeClient()
    order = TextureOrder("rust", seed=7, size=512)
    texture_set = fetch_texture_set(client, order, tmp_path, Progress())
    assert client.requests == [
        {"class": "rust", "size": 512, "seed": 7, "scale": 1.0, "format": "png", "bit_depth": 16}
    ]
    assert {n: p.read_bytes() for n, p in texture_set.paths.items()} == {
        "albedo": b"albedo",
        "height": b"height",
        "roughness": b"roughness",
    }
    assert texture_set.paths["albedo"].name == "rust_s7_512_x1_albedo.png"
    # The layer breaks decay up as the backend's decay maps do: around this mean, at this gain.
    assert texture_set.breakup == HeightBreakup(centre=0.32, gain=1.7)
    assert not list(tmp_path.glob("*.partial"))


def test_an_older_backend_without_breakup_fields_keeps_the_former_layer(tmp_path):
    texture_set = fetch_texture_set(FakeClient({}), TextureOrder("rust"), tmp_path, Progress())
    assert texture_set.breakup == HeightBreakup(centre=0.5, gain=1.0)


def test_a_class_the_backend_lacks_is_named_with_what_it_offers(tmp_path):
    with pytest.raises(BackendError, match="no class 'lava'; it offers rust"):
        fetch_texture_set(FakeClient(), TextureOrder("lava"), tmp_path, Progress())
