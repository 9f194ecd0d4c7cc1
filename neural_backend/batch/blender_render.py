"""Render one scene task in Blender (run as a child process of a batch worker; imports bpy).

Every weathering layer in the scene takes the task's age (a keyframed age is replaced: the batch
asks for this age), then the missing frames are rendered, each written whole or not at all.
"""

from __future__ import annotations

import argparse
import json
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--task", required=True, help="the task as JSON")
    args = parser.parse_args()
    task = Task(**json.loads(args.task))
    import bpy

    bpy.ops.wm.open_mainfile(filepath=task.source)
    if set_age(bpy, task.age) == 0:
        sys.exit(f"{Path(task.source).name} has no weathering layers: weather it in Blender first")
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
