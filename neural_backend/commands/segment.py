"""weathering segment IMAGES... --out-dir DIR: one CamVid label map per image."""

from __future__ import annotations

import argparse
from pathlib import Path

from neural_backend.codecs import encode_png
from neural_backend.commands.common import add_device, device_from, read_image, require_weights
from neural_backend.pipeline.loading import load_segmenter
from neural_backend.pipeline.segmenter import EXIT_CHOICES


def _budget(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"budget must be positive milliseconds, got {value}")
    return value


def register(commands) -> None:
    parser = commands.add_parser("segment", help="label every pixel of photos with a CamVid class")
    parser.add_argument("images", nargs="+", type=Path)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument(
        "--exit",
        choices=EXIT_CHOICES,
        default="auto",
        help="1 fast … 3 precise; auto stops at the first confident exit",
    )
    parser.add_argument(
        "--budget-ms",
        type=_budget,
        default=None,
        help="per-image time budget: the deepest exit that fits (overrides --exit)",
    )
    add_device(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    segmenter = require_weights(load_segmenter, device_from(args))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(args.images, start=1):
        result = segmenter.segment(read_image(path), exit=args.exit, budget_ms=args.budget_ms)
        (args.out_dir / f"{path.stem}.png").write_bytes(encode_png(result.labels))
        print(
            f"[{index}/{len(args.images)}] {path.name}: exit {result.exit}, {result.ms:.0f} ms",
            flush=True,
        )
