"""One Settings object for the backend; every field can be set by WEATHERING_<FIELD>."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVICES = ("auto", "cpu", "cuda")
# "auto": the texture GAN's trunk in bfloat16 where the hardware computes it natively (~25% faster,
# mean change 0.14/255); "float32": the same texture for a seed on every machine, to rounding.
PRECISIONS = ("auto", "float32")
LOOPBACK_NAMES = ("localhost",)
# How readily harmonization drops a correction its views disagree on or that is small against the
# floor (models/harmonization.py, agreement_gain). Chosen by the rule in
# eval.harmonization.choose_caution on composites of the CamVid *training* photos (`weathering eval
# harmonization --split train --cautions ...`): for the session 19 weights, 4 meets both targets
# there with the most room (87.8% below the composite, 3.0% made worse; 3: 88.5%, 3.8%; 5: 87.0%,
# 1.9%; README, Caution).
HARMONIZATION_CAUTION = 4.0


def _default_textures_dir() -> Path:
    return REPO_ROOT / "textures"


def _default_weights_dir() -> Path:
    return REPO_ROOT / "neural_backend" / "weights"


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8765
    device: str = "auto"
    precision: str = "auto"
    textures_dir: Path = field(default_factory=_default_textures_dir)
    weights_dir: Path = field(default_factory=_default_weights_dir)
    max_texture_size: int = 4096
    harmonization_caution: float = HARMONIZATION_CAUTION
    # Who may talk to the backend: required as a bearer token when set, and for any non-loopback
    # address, since anyone on the network could otherwise use (and load) this machine.
    token: str = ""
    # Limits: a request over them gets a 4xx naming the value and the range, never a dead worker.
    max_body_mb: float = 256.0  # a 16-bit RGBA 8K PNG in base64 is about 250 MB at worst
    max_image_side: int = 8192
    max_targets: int = 32
    # Inference runs on `workers` threads; at most `queue_size` more requests wait, then 429.
    workers: int = 1
    queue_size: int = 8

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
        for item in fields(cls):  # environment values arrive as text
            convert = {"int": int, "float": float, "Path": Path}.get(item.type)
            if convert is not None:
                try:
                    setattr(settings, item.name, convert(getattr(settings, item.name)))
                except ValueError:
                    raise ValueError(
                        f"{item.name} must be {item.type}, got {getattr(settings, item.name)!r}"
                    ) from None
        settings.check()
        return settings

    def check(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, got {self.device!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {self.precision!r}")
        for name in ("max_image_side", "max_targets", "workers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not self.harmonization_caution >= 0:
            raise ValueError(
                f"harmonization_caution must be 0 or more, got {self.harmonization_caution}"
            )
        if self.queue_size < 0 or self.max_body_mb <= 0:
            raise ValueError("queue_size must be ≥ 0 and max_body_mb > 0")
        if not self.token and not is_loopback(self.host):
            raise ValueError(
                f"binding {self.host} exposes the backend beyond this machine: set a token "
                "(--token or WEATHERING_TOKEN) that clients send as 'Authorization: Bearer …'"
            )

    @property
    def presets_dir(self) -> Path:
        return self.textures_dir / "presets"

    @property
    def materials_dir(self) -> Path:
        return self.textures_dir / "materials"

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def resolve_device(requested: str) -> str:
    """'auto' picks CUDA when a GPU is usable; asking for CUDA without one is an error."""
    import torch  # the backend's only torch use at start-up; kept local so imports stay light

    available = torch.cuda.is_available()
    if requested == "cuda" and not available:
        raise RuntimeError("--device cuda was asked for, but PyTorch sees no CUDA GPU")
    if requested == "auto":
        return "cuda" if available else "cpu"
    return requested
