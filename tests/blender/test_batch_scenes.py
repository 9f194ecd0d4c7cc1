"""`weathering batch --scenes`: two saved scenes × two ages × two frames, rendered by Blender in
the batch's worker processes, re-run to check that finished frames are skipped."""

import os
import subprocess
import sys

import bpy
import numpy as np
import pytest
from PIL import Image

from tests.conftest import ROOT
from tests.ray_cluster import ray_cluster

from . import scene_tools

ADDON = "bl_ext.user_default.weathering"


def small_cycles_scene(width=96, height=54):
    """The mixed test scene, rendered by Cycles at 4 samples and a thumbnail's size."""
    scene_tools.mixed_scene()
    scene = bpy.context.scene
    scene_tools.set_up_cycles(scene, width, height, samples=4)
    return scene


def save_weathered_scene(path, seed):
    bpy.ops.wm.read_homefile(use_empty=True)
    scene = small_cycles_scene()
    scene.frame_start, scene.frame_end = 1, 2
    bpy.ops.weathering.weather_selected(weathering_class="rust", seed=seed, texture_size=256)
    bpy.ops.wm.save_as_mainfile(filepath=str(path))


def batch(scenes, out, *options):
    command = [sys.executable, "-m", "neural_backend.cli", "batch", "--scenes", *map(str, scenes)]
    command += ["--ages", "0.1", "1.0", "--frames", "1-2", "--out", str(out), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def batch_images(plates, out, *options):
    command = [sys.executable, "-m", "neural_backend.cli", "batch", "--images", str(plates)]
    command += ["--class", "moss", "--age", "0.7", "--out", str(out), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def pixels(folder):
    """Every PNG under a folder as pixels (Blender's PNGs carry render times in their metadata)."""
    return {
        path.relative_to(folder).as_posix(): np.asarray(Image.open(path))
        for path in sorted(folder.rglob("*.png"))
    }


def test_scenes_times_ages_times_frames_render_and_resume(empty_scene, tmp_path):
    scenes = [tmp_path / "yard.blend", tmp_path / "street.blend"]
    for seed, path in enumerate(scenes):
        save_weathered_scene(path, seed)
    first = batch(scenes, tmp_path / "out", "--workers", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "4 done, 0 failed, 0 skipped" in first.stdout
    frames = sorted((tmp_path / "out").rglob("frame_*.png"))
    assert [p.relative_to(tmp_path / "out").as_posix() for p in frames[:4]] == [
        "street/age_0.1/frame_0001.png",
        "street/age_0.1/frame_0002.png",
        "street/age_1/frame_0001.png",
        "street/age_1/frame_0002.png",
    ]
    assert len(frames) == 8
    young, old = (np.asarray(Image.open(tmp_path / "out" / "yard" / f"age_{a}" / "frame_0001.png"))
                  for a in ("0.1", "1"))  # fmt: skip
    assert young.shape == (54, 96, 4) and np.abs(young.astype(int) - old).mean() > 1
    again = batch(scenes, tmp_path / "out", "--workers", "2")
    assert "0 done, 0 failed, 4 skipped" in again.stdout


def test_a_scene_without_layers_fails_alone_with_its_reason(empty_scene, tmp_path):
    scene_tools.mixed_scene()
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "bare.blend"))
    result = batch([tmp_path / "bare.blend"], tmp_path / "out")
    assert result.returncode == 1
    assert "bare.blend has no weathering layers: weather it in Blender first" in result.stdout


def test_a_ray_cluster_gives_the_same_frames_and_plates_as_local_workers(empty_scene, tmp_path):
    scenes = [tmp_path / "yard.blend", tmp_path / "street.blend"]
    for seed, path in enumerate(scenes):
        save_weathered_scene(path, seed)
    render = Image.open(ROOT / "demo" / "compare_backplate.png").convert("RGB")
    for index in range(4):
        render.crop((index * 40, 0, index * 40 + 320, 180)).save(tmp_path / f"plate{index}.png")
    plates = tmp_path / "plate*.png"
    assert batch(scenes, tmp_path / "local", "--workers", "2").returncode == 0
    assert batch_images(plates, tmp_path / "local", "--workers", "2").returncode == 0
    with ray_cluster(nodes=2) as address:
        on_ray = batch(scenes, tmp_path / "ray", "--ray", address)
        assert on_ray.returncode == 0, on_ray.stdout + on_ray.stderr
        assert "4 done, 0 failed" in on_ray.stdout and f"Ray cluster {address}" in on_ray.stdout
        plates_on_ray = batch_images(plates, tmp_path / "ray", "--ray", address)
        assert "4 done, 0 failed" in plates_on_ray.stdout, plates_on_ray.stdout
    local, clustered = pixels(tmp_path / "local"), pixels(tmp_path / "ray")
    assert len(local) == 12 and local.keys() == clustered.keys()
    for name, image in local.items():
        assert np.array_equal(image, clustered[name]), name


def test_the_batch_panel_queues_the_open_scene_with_its_settings(empty_scene, tmp_path):
    import importlib

    scene = small_cycles_scene(64, 36)
    scene.frame_start, scene.frame_end = 3, 4
    bpy.ops.weathering.weather_selected(weathering_class="moss", texture_size=256)
    scene.weathering.batch_ages = "0.2 0.9"
    scene.weathering.batch_output = str(tmp_path)
    assert bpy.ops.weathering.queue_batch() == {"FINISHED"}
    module = importlib.import_module(f"{ADDON}.blender.operators.queue_batch")
    process, log = module.latest_batch()
    assert process.wait(300) == 0, log.read_text()
    assert "2 done, 0 failed" in module.last_log_line(log)
    (copy,) = (tmp_path / "scenes").glob("untitled_*.blend")
    frames = sorted(
        p.relative_to(tmp_path / copy.stem).as_posix() for p in tmp_path.rglob("frame_*")
    )
    assert frames == [
        "age_0.2/frame_0003.png", "age_0.2/frame_0004.png",
        "age_0.9/frame_0003.png", "age_0.9/frame_0004.png",
    ]  # fmt: skip
    scene.weathering.batch_ages = "0.5 2"
    with pytest.raises(RuntimeError, match="ages must be 0..1, got 2"):
        bpy.ops.weathering.queue_batch()


def test_a_material_preset_weathers_bare_scenes_at_each_age(empty_scene, tmp_path):
    small_cycles_scene()
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "bare.blend"))
    extension = os.environ.get("WEATHERING_EXTENSION_ZIP", "")
    options = ["--preset", "bare_iron", "--workers", "1"]
    result = batch([tmp_path / "bare.blend"], tmp_path / "out", *options,
                   *(["--extension", extension] if extension else []))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    young, old = (
        np.asarray(Image.open(tmp_path / "out" / "bare" / f"age_{a}" / "frame_0001.png"))
        for a in ("0.1", "1")
    )
    assert np.abs(young.astype(int) - old).mean() > 1  # rust and stains grew with the age
    unknown = batch([tmp_path / "bare.blend"], tmp_path / "out", "--preset", "tin")
    assert unknown.returncode != 0 and "unknown --preset 'tin'; choose from" in unknown.stderr
