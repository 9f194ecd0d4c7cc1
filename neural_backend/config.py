"""One Settings object for the backend; every field can be set by WEATHERING_<FIELD>."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVICES = ("auto", "cpu", "cuda")


def _default_textures_dir() -> Path:
    return REPO_ROOT / "textures"


def _default_weights_dir() -> Path:
    return REPO_ROOT / "neural_backend" / "weights"


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8765
    device: str = "auto"
    textures_dir: Path = field(default_factory=_default_textures_dir)
    weights_dir: Path = field(default_factory=_default_weights_dir)
    max_texture_size: int = 4096
    min_texture_size: int = 64

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Defaults, then WEATHERING_* environment variables, then explicit overrides."""
        values = {}
        for item in fields(cls):
            raw = os.environ.get(f"WEATHERING_{item.name.upper()}")
            if raw is not None:
                values[item.name] = raw
        values.update({key: value for key, value in overrides.items() if value is not None})
        settings = cls(**values)
        settings.port = int(settings.port)
        settings.textures_dir = Path(settings.textures_dir)
        settings.weights_dir = Path(settings.weights_dir)
        settings.max_texture_size = int(settings.max_texture_size)
        settings.min_texture_size = int(settings.min_texture_size)
        if settings.device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, got {settings.device!r}")
        return settings

    @property
    def presets_dir(self) -> Path:
        return self.textures_dir / "presets"


def resolve_device(requested: str) -> str:
    """'auto' picks CUDA when a GPU is usable; asking for CUDA without one is an error."""
    import torch  # the backend's only torch use at start-up; kept local so imports stay light

    available = torch.cuda.is_available()
    if requested == "cuda" and not available:
        raise RuntimeError("--device cuda was asked for, but PyTorch sees no CUDA GPU")
    if requested == "auto":
        return "cuda" if available else "cpu"
    return requested
