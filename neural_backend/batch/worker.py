"""What one worker process does: load the models once, then run tasks one after another.

Images are aged in-process with the models, loaded on the first image. Scenes are rendered by
Blender in a child process (bpy and torch never share a process); when a material preset is to
be stacked first, the child's extension reaches this worker's models over a loopback backend.
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


def start_worker(device: str, threads: int, extension: str = "") -> None:
    import torch

    from neural_backend.allocator import keep_freed_memory

    keep_freed_memory()  # a worker may be a fresh interpreter, not a fork of the command
    torch.set_num_threads(threads)
    _worker.update(device=device, extension=extension)


def _backend_url() -> str:
    """This worker's backend for its Blender children, started on first use."""
    if "url" not in _worker:
        from neural_backend.api.app import create_app
        from neural_backend.api.server import running_server
        from neural_backend.config import Settings

        app = create_app(Settings.from_env(device=_worker["device"]))
        _worker["server"] = running_server(app)  # kept open for the worker's life
        _worker["url"] = _worker["server"].__enter__()
    return _worker["url"]


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
    if task.material:
        command += ["--extension", _worker["extension"], "--backend", _backend_url()]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        lines = (finished.stderr or finished.stdout).strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"Blender exited with {finished.returncode}")
