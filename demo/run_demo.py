"""The built-in demo: build a scene, start a backend, weather it, render before and after.

.venv/bin/python demo/run_demo.py --extension dist/weathering-0.1.0.zip --out out/demo
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import blender_harness
import bpy
import numpy as np

STARTED = time.monotonic()


def step(message: str) -> None:
    print(f"[demo {time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def set_up_render(scene, width: int, height: int, samples: int) -> None:
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.cycles.use_denoising = True
    scene.render.resolution_x, scene.render.resolution_y = width, height
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "PNG"


def weather(objects: list[str], weathering_class: str, age: float, seed: int) -> None:
    blender_harness.select_only(*objects)
    bpy.ops.weathering.weather_selected(
        weathering_class=weathering_class, age=age, seed=seed, scale=0.6, texture_size=1024
    )
    step(f"weathered {', '.join(objects)} with {weathering_class} at age {age}")


def write_compare(before: np.ndarray, after: np.ndarray, path: Path) -> None:
    import imageio.v3 as iio

    gap = np.ones((before.shape[0], 8, 3), np.float32)
    side_by_side = np.concatenate([before, gap, after], axis=1)
    iio.imwrite(path, (np.clip(side_by_side, 0, 1) * 255 + 0.5).astype(np.uint8))


def weather_backplate(out: Path, plate: np.ndarray, width: int, height: int, samples: int) -> None:
    """The same scene as a rendered backplate, aged in 2D: Weather Render on its wall and barrel."""
    bpy.ops.wm.read_homefile(use_empty=True)
    bpy.ops.weathering.add_demo_scene()
    scene = bpy.context.scene
    set_up_render(scene, width, height, samples)
    blender_harness.select_only("Wall", "Barrel")
    bpy.ops.weathering.weather_render(weathering_class="rust", age=0.7, seed=5)
    step("weathered the rendered backplate (wall and barrel masks from the object index pass)")
    aged = blender_harness.render(scene, out / "backplate_weathered.png")
    write_compare(plate, aged, out / "compare_backplate.png")
    step(f"wrote {out}/backplate_weathered.png and compare_backplate.png")


def decay_maps_and_bake(scene, out: Path, before: np.ndarray) -> None:
    """Water stains from baked cues on the barrel, then every weathered object baked into plain
    maps: demo_baked.blend renders without the backend, on any farm."""
    step("decay maps: baking the barrel's cues, water stains in its UV space")
    blender_harness.select_only("Barrel")
    bpy.ops.weathering.weather_decay_maps(
        weathering_class="water_stain", age=0.7, seed=4, texture_size=512
    )
    step("Bake Weathering: base colour, roughness and normal maps for barrel, wall and fence")
    blender_harness.select_only("Barrel", "Wall", "Fence")
    bpy.ops.weathering.bake(texture_size=512)
    bpy.ops.wm.save_as_mainfile(filepath=str(out / "demo_baked.blend"))
    baked = blender_harness.render(scene, out / "baked.png")
    write_compare(before, baked, out / "compare_baked.png")
    step(f"wrote {out}/demo_baked.blend (self-contained), baked.png and compare_baked.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extension", required=True, help="the extension zip")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--resolution", default="640x360")
    parser.add_argument("--samples", type=int, default=24)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.resolution.split("x"))

    step("installing the extension zip")
    blender_harness.install_extension(args.extension)
    port = blender_harness.free_port()
    blender_harness.configure(f"http://127.0.0.1:{port}")
    step(f"starting the backend on 127.0.0.1:{port}")
    bpy.ops.weathering.start_backend()
    try:
        bpy.ops.wm.read_homefile(use_empty=True)
        bpy.ops.weathering.add_demo_scene()
        scene = bpy.context.scene
        set_up_render(scene, width, height, args.samples)
        step(f"rendering before ({width}x{height}, {args.samples} samples, Cycles CPU)")
        before = blender_harness.render(scene, args.out / "before.png")
        weather(["Barrel"], "rust", 0.6, seed=1)
        weather(["Wall"], "moss", 0.5, seed=2)
        weather(["Wall", "Fence"], "dirt", 0.55, seed=3)
        step("rendering after")
        after = blender_harness.render(scene, args.out / "after.png")
        write_compare(before, after, args.out / "compare.png")
        bpy.ops.wm.save_as_mainfile(filepath=str(args.out / "demo.blend"))
        step(f"wrote {args.out}/before.png, after.png, compare.png and demo.blend")
        decay_maps_and_bake(scene, args.out, before)
        weather_backplate(args.out, before, width, height, args.samples)
    finally:
        bpy.ops.weathering.stop_backend()
        step("backend stopped")


if __name__ == "__main__":
    main()
