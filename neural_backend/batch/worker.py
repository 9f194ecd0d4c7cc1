"""What one worker process does: load the models once, then run tasks one after another.

Images are aged in-process. Scenes are rendered by Blender in a child process (bpy and torch
never share a process), which reaches this worker's models over a loopback backend it serves.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from neural_backend.batch.files import write_atomically
from neural_backend.batch.manifest import Task

_worker: dict = {}  # this process's models and backend, made once by start_worker


def start_worker(device: str, threads: int) -> None:
    import torch

    from neural_backend.api.app import create_app
    from neural_backend.config import Settings

    torch.set_num_threads(threads)
    app = create_app(Settings.from_env(device=device, workers=1, queue_size=4))
    _worker["app"] = app
    _worker["stack"] = ExitStack()


def _backend_url() -> str:
    """This worker's backend, started on first use (an image-only batch never needs one)."""
    if "url" not in _worker:
        from neural_backend.api.server import running_server

        _worker["url"] = _worker["stack"].enter_context(running_server(_worker["app"]))
    return _worker["url"]


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

    _backend_url()  # starting the server runs the lifespan, which loads the models, once
    weatherer = _worker["app"].state.weatherer
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
        "--backend",
        _backend_url(),
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        lines = (finished.stderr or finished.stdout).strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"Blender exited with {finished.returncode}")
