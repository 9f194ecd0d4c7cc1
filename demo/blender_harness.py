"""Run the extension as a user gets it: the zip, installed by Blender into a user folder of its
own (so a person's Blender set-up is never touched), enabled, pointed at a backend.

Import this before bpy: BLENDER_USER_RESOURCES must be set when bpy starts.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile

os.environ.setdefault("BLENDER_USER_RESOURCES", tempfile.mkdtemp(prefix="weathering-blender-"))

import bpy  # noqa: E402  (must come after the environment is set)
import numpy as np  # noqa: E402

ADDON = "bl_ext.user_default.weathering"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def install_extension(zip_path: str) -> None:
    """Install and enable the zip with Blender's own extension operator."""
    result = bpy.ops.extensions.package_install_files(
        filepath=str(zip_path), repo="user_default", enable_on_install=True
    )
    if result != {"FINISHED"} or ADDON not in bpy.context.preferences.addons:
        raise RuntimeError(f"installing {zip_path} failed: {result}")


def configure(backend_url: str, python: str = sys.executable, timeout: float = 120.0):
    """Point the extension at a backend (the Python it would start it with, too)."""
    prefs = bpy.context.preferences.addons[ADDON].preferences
    prefs.backend_url = backend_url
    prefs.python_path = python
    prefs.timeout = timeout
    return prefs


def select_only(*names: str) -> None:
    # bpy.data, not the view layer's list, which lags behind objects linked a moment ago.
    for obj in bpy.data.objects:
        obj.select_set(obj.name in names)


def render(scene, path) -> np.ndarray:
    """Render the scene's camera to path; return its RGB, top row first, as float32."""
    scene.render.filepath = str(path)
    bpy.ops.render.render(write_still=True)
    image = bpy.data.images.load(str(path))
    pixels = np.array(image.pixels[:], dtype=np.float32).reshape(image.size[1], image.size[0], -1)
    bpy.data.images.remove(image)
    return np.flipud(pixels[..., :3])
