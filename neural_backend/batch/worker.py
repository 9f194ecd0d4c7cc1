"""What one worker process does: load the models once, then run tasks one after another.

Images are aged in-process with the models, loaded on the first image. Scenes are rendered by
Blender in a child process (bpy and torch never share a process), from the weathering layers the
scene file already carries.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from neural_backend.batch.files import write_atomically
from neural_backend.batch.manifest import Task

_worker: dict = {}  # this process's settings, and its models once loaded


def start_worker(device: str, threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    _worker["device"] = device


def _weatherer():
    if "weatherer" not in _worker:
        from neural_backend.config import Settings
        from neural_backend.pipeline.loading import load_weatherer

        _worker["weatherer"] = load_weatherer(_worker["device"], Settings.from_env())
    return _worker["weatherer"]


def run_task(task: Task) -> float:
    """Produce the task's missing outputs; returns seconds taken. Raises with a readable error."""
    start = time.perf_counter()
    if task.kind == "image":
        _age_image(task)
    else:
        _render_scene(task)
    return time.perf_counter() - start


def _age_image(task: Task) -> None:
    from neural_backend.codecs import encode_png
    from neural_backend.decoding import decode_image_native
    from neural_backend.pipeline.image_input import from_float_rgb, to_float_rgb

    weatherer = _weatherer()
    photo, original = to_float_rgb(decode_image_native(Path(task.source).read_bytes()))
    result = weatherer.weather(photo, task.weathering_class, task.age, task.seed)
    aged = encode_png(from_float_rgb(result.image, original), original.bit_depth)
    write_atomically(task.outputs()[0], aged)


def _render_scene(task: Task) -> None:
    command = [
        sys.executable,
        "-m",
        "neural_backend.batch.blender_render",
        "--task",
        json.dumps(task.__dict__),
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        lines = (finished.stderr or finished.stdout).strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"Blender exited with {finished.returncode}")
