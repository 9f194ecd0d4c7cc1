from neural_backend import __version__


def test_health_says_what_is_loaded(client):
    body = client.get("/v1/health").json()
    assert body["version"] == __version__ and body["device"] == "cpu"
    assert "procedural" in body["generators"] and "rust" in body["classes"]


def test_classes_carry_their_presets(client):
    classes = {c["name"]: c for c in client.get("/v1/classes").json()["classes"]}
    assert len(classes) == 6
    assert classes["rust"]["pbr"]["roughness_max"] >= classes["rust"]["pbr"]["roughness_min"]
    assert classes["moss"]["growth"]["up"] > classes["moss"]["growth"]["edge"]


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    assert "/v1/textures" in client.get("/openapi.json").json()["paths"]
