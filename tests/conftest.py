"""Shared by every suite; imports neither bpy nor torch (the Blender suite runs in its own
process and must never load torch)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def presets_dir() -> Path:
    return ROOT / "textures" / "presets"
