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


def test_material_presets_stack_known_classes(client):
    materials = {m["name"]: m for m in client.get("/v1/materials").json()["materials"]}
    assert set(materials) == {"painted_metal", "bare_iron", "concrete", "wood", "stone"}
    classes = {c["name"] for c in client.get("/v1/classes").json()["classes"]}
    for material in materials.values():
        assert material["layers"] and {layer["class"] for layer in material["layers"]} <= classes
    assert [layer["class"] for layer in materials["painted_metal"]["layers"]] == [
        "peeling_paint",
        "rust",
        "dirt",
    ]
