"""Outputs are written whole or not at all: a temporary name in the same folder, then a rename
(atomic on one file system), so a killed worker never leaves a half-written frame behind."""

from __future__ import annotations

import os
from pathlib import Path


def temporary_beside(path: Path) -> Path:
    return path.with_name(f".{path.stem}.{os.getpid()}.part{path.suffix}")


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_beside(path)
    temporary.write_bytes(data)
    temporary.replace(path)
