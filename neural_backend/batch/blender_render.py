"""Render one scene task in Blender (run as a child process of a batch worker; imports bpy).

With a material preset, the extension (installed from its zip into a throwaway user folder, as
a user installs it) stacks the preset's layers on every mesh at the task's age, through the
worker's backend. Without one, every weathering layer the scene has takes the task's age (a
keyframed age is replaced: the batch asks for this age). Then the missing frames are rendered,
each written whole or not at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from neural_backend.batch.files import temporary_beside
from neural_backend.batch.manifest import Task


def set_age(bpy, age: float) -> int:
    """Every layer node of every material to this age; returns how many layers there were."""
    count = 0
    for material in bpy.data.materials:
        tree = material.node_tree
        layers = [n for n in (tree.nodes if tree else []) if n.get("weathering_class")]
        if not layers:
            continue
        if tree.animation_data is not None:
            tree.animation_data_clear()  # keyframed ages would override the batch's age
        for node in layers:
            node.inputs["Age"].default_value = age
            count += 1
    return count


ADDON = "bl_ext.user_default.weathering"


def stack_material(bpy, task: Task, extension: str, backend: str) -> None:
    result = bpy.ops.extensions.package_install_files(
        filepath=extension, repo="user_default", enable_on_install=True
    )
    if result != {"FINISHED"}:
        sys.exit(f"could not install the extension {extension}")
    preferences = bpy.context.preferences.addons[ADDON].preferences
    preferences.backend_url, preferences.timeout = backend, 600.0
    for obj in bpy.data.objects:
        obj.select_set(obj.type == "MESH")
    try:
        bpy.ops.weathering.weather_material(material=task.material, age=task.age, seed=task.seed)
    except RuntimeError as error:  # the operator's report; its last line says what went wrong
        lines = [line for line in str(error).splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith("Location:")] or ["unknown"]
        sys.exit(f"Weather as Material failed: {lines[-1].removeprefix('Error: ').strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--task", required=True, help="the task as JSON")
    parser.add_argument("--extension", help="the extension zip (for a material preset)")
    parser.add_argument("--backend", help="the worker's backend URL (for a material preset)")
    args = parser.parse_args()
    task = Task(**json.loads(args.task))
    # Blender reads its user folder when bpy loads: a throwaway one, never the user's own.
    os.environ.setdefault("BLENDER_USER_RESOURCES", tempfile.mkdtemp(prefix="weathering-batch-"))
    import bpy

    bpy.ops.wm.open_mainfile(filepath=task.source)
    if task.material:
        stack_material(bpy, task, args.extension, args.backend)
    elif set_age(bpy, task.age) == 0:
        sys.exit(
            f"{Path(task.source).name} has no weathering layers: weather it in Blender first, "
            "or give --preset"
        )
    scene = bpy.context.scene
    scene.render.image_settings.file_format = "PNG"
    frames = range(task.first_frame, task.last_frame + 1)
    for frame, path in zip(frames, task.outputs(), strict=True):
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        scene.frame_set(frame)
        temporary = temporary_beside(path)
        scene.render.filepath = str(temporary)
        scene.render.use_file_extension = False
        bpy.ops.render.render(write_still=True)
        temporary.replace(path)
        print(json.dumps({"frame": frame, "written": str(path)}), flush=True)


if __name__ == "__main__":
    main()
