"""Runs inside Blender's Python (the bpy module, never torch): the extension installed from its
zip, its own backend started, then timed as a user meets it. Prints one JSON line of results.

.venv/bin/python bench/blender_session.py --extension dist/weathering-0.1.0.zip --objects 200
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "demo"))

import blender_harness  # noqa: E402  (sets Blender's user folder before bpy loads)
import bpy  # noqa: E402


def timed(operation) -> float:
    start = time.perf_counter()
    operation()
    return (time.perf_counter() - start) * 1000


def many_objects(count: int) -> None:
    """count cubes in a grid, each with its own material (the slow case: a layer per material)."""
    bpy.ops.wm.read_homefile(use_empty=True)
    for index in range(count):
        mesh = bpy.data.meshes.new(f"cube {index}")
        mesh.from_pydata(
            [(x, y, z) for x in (0, 1) for y in (0, 1) for z in (0, 1)],
            [],
            [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)],
        )
        mesh.materials.append(bpy.data.materials.new(f"paint {index}"))
        obj = bpy.data.objects.new(f"cube {index}", mesh)
        obj.location = (index % 20 * 1.5, index // 20 * 1.5, 0)
        bpy.context.scene.collection.objects.link(obj)
    blender_harness.select_only(*(obj.name for obj in bpy.data.objects))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extension", required=True)
    parser.add_argument("--objects", type=int, default=200)
    args = parser.parse_args()
    blender_harness.install_extension(args.extension)
    blender_harness.configure(f"http://127.0.0.1:{blender_harness.free_port()}", timeout=600)
    bpy.ops.weathering.start_backend()
    results = {}
    try:
        many_objects(args.objects)
        results["layer_objects_ms"] = timed(
            lambda: bpy.ops.weathering.weather_selected(weathering_class="rust", texture_size=1024)
        )
        results["layer_objects_again_ms"] = timed(  # same class again: the layers are updated
            lambda: bpy.ops.weathering.weather_selected(weathering_class="rust", texture_size=1024)
        )
        bpy.ops.wm.read_homefile(use_empty=True)
        bpy.ops.weathering.add_demo_scene()
        scene = bpy.context.scene
        scene.render.engine = "CYCLES"  # Weather Render masks by object index: not Workbench
        scene.cycles.device, scene.cycles.samples, scene.cycles.use_denoising = "CPU", 4, False
        scene.render.resolution_x, scene.render.resolution_y = 1920, 1080
        scene.render.resolution_percentage = 100
        results["render_1080p_ms"] = timed(lambda: bpy.ops.render.render())
        blender_harness.select_only("Wall", "Barrel")
        results["weather_render_1080p_ms"] = timed(
            lambda: bpy.ops.weathering.weather_render(weathering_class="rust", age=0.7)
        )
    finally:
        bpy.ops.weathering.stop_backend()
    print("RESULTS " + json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
