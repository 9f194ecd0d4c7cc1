"""Textures (albedo, height, roughness) of one class at several sizes: the GAN, the procedural
generator, and image quilting from a real photo of the class."""

from __future__ import annotations

from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from bench.common import Row, median_ms
from bench.quilting import quilt
from neural_backend.config import Settings
from neural_backend.data.texture_photos import load_class
from neural_backend.generators import available_generators
from neural_backend.generators.gan import roughness_from
from neural_backend.presets import load_presets

CLASS = "rust"
# fp32 peak FLOP/s of the GPUs we may be lent (the generator runs in fp32); others: not reported.
PEAK_FLOPS = {"H200": 67e12, "H100": 67e12}


def run(data: Path | None, device: str, sizes: list[int]) -> list[Row]:
    settings = Settings.from_env()
    preset = load_presets(settings.presets_dir)[CLASS]
    generators = available_generators(device, settings.weights_dir, settings.precision)
    gan, procedural = generators["gan"], generators["procedural"]
    photo = _photo(data)
    rows = []
    for size in sizes:
        big = size >= 2048
        gan_ms = median_ms(lambda size=size: _sync(gan(preset, size, 1)), repeat=1 if big else 3)
        flops = _gan_flops(gan, size)
        rows.append(
            Row("textures", f"GAN {size}²", gan_ms, note=_throughput(flops, gan_ms, device))
        )
        procedural_ms = median_ms(
            lambda size=size: procedural(preset, size, 1), repeat=1 if big else 3
        )
        rows.append(Row("textures", f"procedural {size}²", procedural_ms, f"GAN {size}²"))
        rows[-1].ratio = gan_ms / procedural_ms
        if photo is None:
            rows.append(Row("textures", f"quilting {size}²", 0, note="skipped: no --data photos"))
            continue
        quilt_ms = median_ms(lambda size=size: _quilt_maps(photo, size, preset), 1, 0)
        rows.append(Row("textures", f"quilting {size}²", quilt_ms, note=f"from {photo[1]}"))
        gan_row = rows[-3]
        gan_row.baseline, gan_row.ratio = f"quilting {size}²", quilt_ms / gan_ms
        if size == 1024:
            gan_row.target = "≤ 500 ms, ≥ 100× quilting"
            gan_row.met = gan_ms <= 500 and gan_row.ratio >= 100
    return rows


def _photo(data: Path | None):
    """A real photo of the class with a measured height map, at the GAN's training scale."""
    if data is None or not (data / "textures" / CLASS).is_dir():
        return None
    photos = [p for p in load_class(data / "textures", CLASS) if p.has_height]
    return photos[0].maps.permute(1, 2, 0).numpy(), photos[0].name


def _quilt_maps(photo, size: int, preset):
    maps = quilt(photo[0], size)
    albedo, height = maps[..., :3], maps[..., 3]
    return albedo, height, roughness_from(albedo, height, preset)


def _sync(result):
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return result


def _gan_flops(gan, size: int) -> int:
    with FlopCounterMode(display=False) as counter:
        gan.generate_maps(0, size, 1, 1.0, 0.0)
    return counter.get_total_flops()


def _throughput(flops: int, ms: float, device: str) -> str:
    achieved = flops / (ms / 1000)
    text = f"{flops / 1e9:.1f} GFLOP, {achieved / 1e9:.1f} GFLOP/s"
    if device == "cuda":
        name = torch.cuda.get_device_name()
        peak = next((v for k, v in PEAK_FLOPS.items() if k in name), None)
        if peak:
            text += f" = {achieved / peak:.1%} of {name}'s fp32 peak"
    return text
