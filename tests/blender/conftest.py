"""Real Blender (bpy 5.0.1): the extension zip installed and enabled as a user gets it, talking
to a backend that the extension's own Start Backend button launched on a free loopback port."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "demo"))

import blender_harness  # noqa: E402  (sets Blender's user folder before bpy loads)
import bpy  # noqa: E402
import pytest  # noqa: E402


def _extension_zip() -> Path:
    built = os.environ.get("WEATHERING_EXTENSION_ZIP")
    if built:
        return Path(built)
    candidates = sorted((ROOT / "dist").glob("weathering-*.zip"))
    if not candidates:
        pytest.exit("no extension zip: run `python3 build.py test` (it builds one first)")
    return candidates[-1]


@pytest.fixture(scope="session")
def backend_url():
    blender_harness.install_extension(_extension_zip())
    url = f"http://127.0.0.1:{blender_harness.free_port()}"
    blender_harness.configure(url)
    assert bpy.ops.weathering.start_backend() == {"FINISHED"}
    yield url
    bpy.ops.weathering.stop_backend()


@pytest.fixture
def empty_scene(backend_url):
    bpy.ops.wm.read_homefile(use_empty=True)
    blender_harness.configure(backend_url)
    return bpy.context.scene
