import json

import pytest

from neural_backend.presets import GROWTH_CUES, PresetError, load_preset, load_presets


def test_one_preset_per_class_with_every_cue(presets_dir):
    presets = load_presets(presets_dir)
    assert set(presets) == {
        "rust",
        "moss",
        "dirt",
        "peeling_paint",
        "water_stain",
        "weathered_concrete",
    }
    for preset in presets.values():
        assert set(preset.growth) == set(GROWTH_CUES)
        assert all(len(colour) == 3 for colour in preset.palette_rgb())


def test_out_of_range_values_are_named(tmp_path, presets_dir):
    data = json.loads((presets_dir / "rust.json").read_text())
    data["growth"]["edge"] = 1.5
    path = tmp_path / "rust.json"
    path.write_text(json.dumps(data))
    with pytest.raises(PresetError, match="edge=1.5 is outside 0..1"):
        load_preset(path)


def test_missing_fields_are_named(tmp_path):
    path = tmp_path / "mud.json"
    path.write_text(json.dumps({"name": "mud"}))
    with pytest.raises(PresetError, match="missing field 'label'"):
        load_preset(path)


def test_a_material_preset_with_an_unknown_class_is_refused(tmp_path):
    import json

    from neural_backend.materials import load_material

    path = tmp_path / "tin.json"
    layers = [{"class": "lava", "age_factor": 1, "strength": 1}]
    path.write_text(
        json.dumps({"name": "tin", "label": "Tin", "description": "", "layers": layers})
    )
    with pytest.raises(ValueError, match="unknown class 'lava'"):
        load_material(path, {"rust"})
