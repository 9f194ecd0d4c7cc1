"""Writing files Blender will load: atomically, so it never sees half a PNG."""

from __future__ import annotations

import os
import re
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def safe_file_stem(name: str) -> str:
    """A datablock name made safe for a file name on every platform."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "image"
