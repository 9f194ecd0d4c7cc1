"""Queue the open scene as a batch: a copy of the file, rendered at every age by
`weathering batch` in its own process; progress goes to the batch's log, shown in the panel."""

import subprocess
import time
from pathlib import Path

import bpy

from ...core.batch import BatchOrder, parse_ages
from ..preferences import preferences

_running: list[tuple[subprocess.Popen, Path]] = []  # batches this session started, newest last


def latest_batch() -> tuple[subprocess.Popen, Path] | None:
    return _running[-1] if _running else None


def last_log_line(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1] if lines else ""


class WEATHERING_OT_queue_batch(bpy.types.Operator):
    """Render the open scene at each batch age over its frame range, in a separate process"""

    bl_idname = "weathering.queue_batch"
    bl_label = "Queue Batch"

    def execute(self, context):
        settings, prefs = context.scene.weathering, preferences(context)
        python = bpy.path.abspath(prefs.python_path) if prefs.python_path else ""
        if not python or not Path(python).is_file():
            self.report({"ERROR"}, "Set 'Backend Python' in the extension's preferences first")
            return {"CANCELLED"}
        scene = context.scene
        try:
            order = BatchOrder(
                parse_ages(settings.batch_ages),
                scene.frame_start,
                scene.frame_end,
                Path(bpy.path.abspath(settings.batch_output)).resolve(),
                settings.batch_workers,
            )
        except ValueError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        stamp = time.strftime("%Y%m%d-%H%M%S")
        name = Path(bpy.data.filepath).stem if bpy.data.filepath else "untitled"
        copy = order.out_dir / "scenes" / f"{name}_{stamp}.blend"
        copy.parent.mkdir(parents=True, exist_ok=True)
        # A copy: the batch renders this moment's scene, whatever the artist does next.
        bpy.ops.wm.save_as_mainfile(filepath=str(copy), copy=True)
        log = order.out_dir / f"batch_{stamp}.log"
        with open(log, "w") as output:
            process = subprocess.Popen(
                order.command(python, copy), stdout=output, stderr=subprocess.STDOUT
            )
        _running.append((process, log))
        frames = order.last_frame - order.first_frame + 1
        self.report(
            {"INFO"},
            f"Batch queued: {len(order.ages)} ages × {frames} frames → {order.out_dir} "
            f"(log {log.name})",
        )
        return {"FINISHED"}
