"""Decay maps from baked cues and Bake Weathering, in real Blender with the installed extension:
UV and non-UV meshes, no visible UV seams, exact restores, baked maps that differ from the
unweathered bake exactly where decay is, and a saved file that renders the same reopened."""

import sys

import blender_harness
import bpy
import numpy as np
import pytest

from . import scene_tools

SIZE = 256
ADDON = "bl_ext.user_default.weathering"


def addon_module(name: str):
    return sys.modules[f"{ADDON}.blender.{name}"]


def decay_maps(**settings):
    return bpy.ops.weathering.weather_decay_maps(texture_size=SIZE, **settings)


def layer_of(obj):
    (layer,) = [
        n for n in obj.material_slots[0].material.node_tree.nodes if n.get("weathering_class")
    ]
    return layer


def pixels(image) -> np.ndarray:
    return addon_module("image_pixels").read_pixels(image)


def test_uv_and_non_uv_meshes_get_decay_map_layers_and_removal_restores_them(empty_scene):
    objects = scene_tools.mixed_scene()
    before = scene_tools.serialize_scene()
    assert decay_maps(weathering_class="rust", age=0.6, seed=1) == {"FINISHED"}
    for obj in objects:
        layer = layer_of(obj)
        assert layer.node_tree.name.startswith("Weathering Decay")
        assert layer.inputs["Age"].default_value == pytest.approx(0.6)
        (uv_node,) = [n for n in layer.node_tree.nodes if n.bl_idname == "ShaderNodeUVMap"]
        assert uv_node.uv_map in obj.data.uv_layers
        score = next(n.image for n in layer.node_tree.nodes if n.label == "Score")
        assert tuple(score.size) == (SIZE, SIZE)
    uv_maps = {obj.name: [uv.name for uv in obj.data.uv_layers] for obj in objects}
    assert uv_maps["Box material"] == ["Weathering UV"] and uv_maps["UV material"] == ["UVMap"]
    # Age stays live: the same layer shows less decay younger (the score is age-free).
    assert bpy.ops.weathering.remove() == {"FINISHED"}
    assert scene_tools.serialize_scene() == before


def test_decay_maps_stack_with_other_layers_and_drive_from_the_scene_age(empty_scene):
    (cube, *_) = scene_tools.mixed_scene()
    bpy.ops.weathering.weather_selected(weathering_class="moss", age=0.3, texture_size=256)
    decay_maps(weathering_class="rust", age=0.5)
    material = cube.material_slots[0].material
    stack = addon_module("layers").layer_stack(material)
    assert [n["weathering_class"] for n in stack] == ["moss", "rust"]
    bpy.context.scene.weathering.scene_age = 0.8
    assert bpy.ops.weathering.use_scene_age(use=True) == {"FINISHED"}
    bpy.context.scene.frame_set(1)
    assert stack[1].inputs["Age"].default_value == pytest.approx(0.8)


def test_a_material_shared_with_an_unselected_mesh_is_refused(empty_scene):
    (first, second, *_) = scene_tools.mixed_scene()
    second.material_slots[0].material = first.material_slots[0].material
    for obj in bpy.context.selected_objects:
        obj.select_set(obj is first)
    with pytest.raises(RuntimeError, match="also used by Box material"):
        decay_maps(weathering_class="rust")


def test_uv_seams_do_not_show_in_the_decay(empty_scene):
    bpy.ops.mesh.primitive_uv_sphere_add(segments=24, ring_count=12, location=(0, 0, 1))
    sphere = bpy.context.active_object
    decay_maps(weathering_class="rust", age=0.5, seed=2, scale=3.0)
    score = next(n.image for n in layer_of(sphere).node_tree.nodes if n.label == "Score")
    score = pixels(score)[..., 0]
    bake_cues = addon_module("bake_cues")
    cues = bake_cues.bake_cues(sphere, SIZE, bake_cues.plan_uv_map(sphere))
    covered = np.linalg.norm(cues.normal, axis=-1) > 0.5
    rows, columns = np.nonzero(covered)
    # Texels whose surface points share a small cell: across a seam when far apart in UV.
    cell = 2 * np.pi / SIZE * 1.5
    position = cues.position[rows, columns]
    keys = np.floor(position / cell).astype(np.int64)
    _, group = np.unique(keys, axis=0, return_inverse=True)
    order = np.argsort(group.ravel(), kind="stable")
    a, b = order[:-1], order[1:]
    a, b = a[group.ravel()[a] == group.ravel()[b]], b[group.ravel()[a] == group.ravel()[b]]
    seam = np.hypot(rows[a] - rows[b], columns[a] - columns[b]) > 4
    difference = np.abs(score[rows[a], columns[a]] - score[rows[b], columns[b]])
    apart = np.linalg.norm(position[a] - position[b], axis=1)
    assert seam.sum() > 20 and (~seam).sum() > 100
    # The score varies over the surface, so pairs further apart differ more, and pairs across a
    # seam lie twice as far apart in 3D on average as neighbouring texels of one island: compare
    # each seam pair with neighbours as far apart. Measured 1.13×; adding a smooth pattern laid
    # out by UV (std 0.1 of the score, as a UV-mapped texture would make) gives 1.32×.
    edges = np.quantile(apart[~seam], np.linspace(0, 1, 21))
    bins = np.clip(np.searchsorted(edges, apart, side="right") - 1, 0, 19)
    typical = np.array([difference[~seam & (bins == i)].mean() for i in range(20)])
    expected = typical[bins[seam]].mean()
    assert difference[seam].mean() <= 1.25 * expected, (difference[seam].mean(), expected)


def test_bake_differs_from_the_unweathered_bake_exactly_where_decay_is(empty_scene):
    (cube, *_) = scene_tools.mixed_scene()
    for obj in bpy.context.selected_objects:
        obj.select_set(obj is cube)
    decay_maps(weathering_class="rust", age=0.8, seed=3)
    layer = layer_of(cube)
    # The layer's mask where the baked maps are, computed from its score map as the shader does.
    score_image = next(n.image for n in layer.node_tree.nodes if n.label == "Score")
    score = pixels(score_image)[..., 0] * 1.5 - 0.25
    start = 1 - 0.8 * (1 + 0.08)
    mask = np.clip((score - start) / 0.08, 0, 1)
    assert bpy.ops.weathering.toggle_layer(weathering_class="rust", show=False) == {"FINISHED"}
    assert bpy.ops.weathering.bake(texture_size=SIZE) == {"FINISHED"}
    plain = {name: pixels(image).copy() for name, image in baked_images(cube).items()}
    assert bpy.ops.weathering.restore_bake() == {"FINISHED"}
    bpy.ops.weathering.toggle_layer(weathering_class="rust", show=True)
    assert bpy.ops.weathering.bake(texture_size=SIZE) == {"FINISHED"}
    weathered = {name: pixels(image) for name, image in baked_images(cube).items()}
    for name, image in baked_images(cube).items():
        assert tuple(image.size) == (SIZE, SIZE), name
    changed = np.abs(weathered["base_color"] - plain["base_color"])[..., :3].max(-1) > 2e-3
    # Baking samples each texel over Cycles' pixel filter (1.5 texels wide) and reads the score
    # map bilinearly, so the mask's border reaches two texels out, and at an island's border,
    # where samples fall onto the score's bake margin, three (session 11's rust: 1.0% of clear
    # texels changed at two texels out, 0.14% at three, none at four).
    grown = _dilate(mask > 0.0, 3)
    clear = ~grown
    bake_cues = addon_module("bake_cues")
    cues = bake_cues.bake_cues(cube, SIZE, bake_cues.plan_uv_map(cube))
    covered = np.linalg.norm(cues.normal, axis=-1) > 0.5  # the atlas is not all cube
    assert changed[clear & covered].mean() < 0.01
    assert changed[(_erode(mask > 0.5, 1)) & covered].mean() > 0.95
    assert (mask > 0.5)[covered].mean() > 0.05  # there is decay to find


def baked_images(obj) -> dict:
    material = obj.material_slots[0].material
    return {
        n.label: n.image for n in material.node_tree.nodes if n.bl_idname == "ShaderNodeTexImage"
    }


def _dilate(mask: np.ndarray, steps: int) -> np.ndarray:
    out = mask.copy()
    for _ in range(steps):
        grown = out.copy()
        grown[1:] |= out[:-1]
        grown[:-1] |= out[1:]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out


def _erode(mask: np.ndarray, steps: int) -> np.ndarray:
    return ~_dilate(~mask, steps)


def test_a_baked_file_is_self_contained_and_renders_the_same_reopened(empty_scene, tmp_path):
    scene_tools.mixed_scene()
    scene_tools.set_up_cycles(bpy.context.scene)
    path = tmp_path / "aged.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    decay_maps(weathering_class="dirt", age=0.7)
    assert bpy.ops.weathering.bake(texture_size=SIZE) == {"FINISHED"}
    bpy.ops.wm.save_mainfile()
    before = blender_harness.render(bpy.context.scene, tmp_path / "before.png")
    for image in bpy.data.images:  # every image the file shows is beside it or packed
        users = image.users - int(image.use_fake_user)
        if users and image.source == "FILE" and image.packed_file is None:
            assert image.filepath.startswith("//"), image.filepath
            assert (tmp_path / image.filepath[2:]).is_file()
    bpy.ops.wm.open_mainfile(filepath=str(path))
    after = blender_harness.render(bpy.context.scene, tmp_path / "after.png")
    np.testing.assert_array_equal(before, after)
    baked = [o for o in bpy.data.objects if o.get("weathering_unbaked") is not None]
    assert len(baked) == 4
