"""Weather Image (photos in the Image Editor or behind the camera) and Weather Render (exact
masks from the object index pass, mixed back in by the compositor), in real Blender."""

import blender_harness
import bpy
import numpy as np
import pytest

from . import scene_tools


def street_photo(name="street", width=96, height=64):
    """Sky above, a grey façade below: something the segmentation can tell apart."""
    image = bpy.data.images.new(name, width, height)
    pixels = np.zeros((height, width, 4), np.float32)
    pixels[..., 3] = 1
    rows = np.arange(height)[::-1]  # Blender's rows go bottom to top
    pixels[rows < height // 3, :, :3] = (0.45, 0.65, 0.9)
    pixels[rows >= height // 3, :, :3] = (0.55, 0.5, 0.45)
    image.pixels.foreach_set(pixels.ravel())
    return image


def pixels_of(image):
    values = np.empty(image.size[0] * image.size[1] * 4, np.float32)
    image.pixels.foreach_get(values)
    return values.reshape(image.size[1], image.size[0], 4)


def test_weather_image_makes_an_aged_copy_and_lists_what_it_found(empty_scene):
    source = street_photo()
    before = pixels_of(source).copy()
    asked = ["building", "sky", "road", "pavement", "tree", "fence", "car"]
    assert bpy.ops.weathering.weather_image(
        image_name="street", weathering_class="dirt", age=0.9, targets=",".join(asked)
    ) == {"FINISHED"}
    aged, decay = bpy.data.images["street weathered"], bpy.data.images["street decay"]
    assert tuple(aged.size) == tuple(decay.size) == (96, 64)
    assert decay.colorspace_settings.name == "Non-Color"
    assert np.array_equal(pixels_of(source), before)  # the original is never touched
    assert np.abs(pixels_of(aged) - before)[..., :3].max() > 0.01
    targets = {t.name: t.use for t in empty_scene.weathering.image_targets}
    assert targets and targets == {name: name in asked for name in targets}  # ticked: weathered


def test_weathering_again_updates_the_same_copy_with_the_ticked_classes(empty_scene):
    street_photo()
    bpy.ops.weathering.weather_image(
        image_name="street", weathering_class="rust", age=0.2, targets="building,sky,road,pavement"
    )
    count = len(bpy.data.images)
    first = pixels_of(bpy.data.images["street decay"]).copy()
    for target in empty_scene.weathering.image_targets:
        target.use = True
    bpy.ops.weathering.weather_image(image_name="street", weathering_class="rust", age=0.9)
    assert len(bpy.data.images) == count  # the same copy and decay map, updated
    assert pixels_of(bpy.data.images["street decay"])[..., 0].sum() > first[..., 0].sum()


def test_the_camera_background_image_is_used_when_no_image_is_named(empty_scene):
    scene_tools.mixed_scene()
    background = bpy.context.scene.camera.data.background_images.new()
    background.image = street_photo("plate")
    assert bpy.ops.weathering.weather_image(
        weathering_class="moss", age=0.8, targets="building,sky"
    ) == {"FINISHED"}
    assert "plate weathered" in bpy.data.images


def test_no_image_anywhere_is_a_clear_error(empty_scene):
    with pytest.raises(RuntimeError, match="Open an image in the Image Editor"):
        bpy.ops.weathering.weather_image(weathering_class="rust")


def test_weather_render_ages_only_the_selected_objects_and_survives_re_renders(
    empty_scene, tmp_path
):
    scene = empty_scene
    objects = scene_tools.mixed_scene()
    scene_tools.set_up_cycles(scene, samples=2)
    before = blender_harness.render(scene, tmp_path / "before.png")
    blender_harness.select_only(objects[2].name)  # one cube, the grey one
    assert bpy.ops.weathering.weather_render(weathering_class="rust", age=1.0, seed=3) == {
        "FINISHED"
    }
    assert scene.compositing_node_group.name == "Weathering Render"
    assert scene.view_layers[0].use_pass_object_index is False  # restored after the capture
    assert all(obj.pass_index == 0 for obj in scene.objects)
    decay = pixels_of(bpy.data.images[f"{scene.name} render decay"])[::-1, :, 0]
    assert 0 < (decay > 0.5).mean() < 0.3  # one cube's share of the frame
    after = blender_harness.render(scene, tmp_path / "after.png")  # a plain re-render
    changed = np.abs(after - before).max(axis=-1) > 0.02
    grown = np.zeros_like(changed)  # allow a pixel of filter spread around the mask
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            grown |= np.roll(decay > 0.001, (dy, dx), axis=(0, 1))
    assert changed[decay > 0.9].mean() > 0.5 and not (changed & ~grown).any()


def test_weather_render_needs_a_selection(empty_scene):
    scene_tools.mixed_scene()
    blender_harness.select_only()
    with pytest.raises(RuntimeError, match="Select the mesh objects to weather in the render"):
        bpy.ops.weathering.weather_render(weathering_class="rust")


def test_weather_render_explains_that_workbench_cannot_mask(empty_scene):
    scene_tools.mixed_scene()
    empty_scene.render.engine = "BLENDER_WORKBENCH"
    blender_harness.select_only("UV material")
    with pytest.raises(RuntimeError, match="needs Cycles or EEVEE"):
        bpy.ops.weathering.weather_render(weathering_class="rust")
