"""weathering weather-image IMAGE --class C --age A --out OUT.png: age a photo or render."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from neural_backend.codecs import encode_png
from neural_backend.commands.common import add_device, device_from, read_image
from neural_backend.config import Settings
from neural_backend.decoding import ImageDecodeError, decode_image_native
from neural_backend.generators import DEFAULT_GENERATOR, GENERATOR_NAMES
from neural_backend.pipeline.image_input import from_float_rgb, to_float_rgb
from neural_backend.pipeline.loading import load_weatherer
from neural_backend.pipeline.weather_image import DEFAULT_TARGETS


def register(commands) -> None:
    parser = commands.add_parser("weather-image", help="age a photo or a render")
    parser.add_argument("image", type=Path)
    parser.add_argument("--class", dest="weathering_class", required=True)
    parser.add_argument("--age", type=float, default=0.5, help="0 new … 1 fully weathered")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--targets",
        default=None,
        help=f"segmentation classes, comma-separated (default {','.join(DEFAULT_TARGETS)})",
    )
    where.add_argument("--mask", type=Path, default=None, help="PNG, white = weather here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=float, default=1.0, help="texture zoom")
    parser.add_argument("--generator", choices=GENERATOR_NAMES, default=DEFAULT_GENERATOR)
    parser.add_argument("--out", type=Path, required=True, help="the aged image (PNG)")
    parser.add_argument(
        "--decay-map", type=Path, default=None, help="also write the decay map (16-bit PNG)"
    )
    add_device(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    try:
        photo, original = to_float_rgb(decode_image_native(args.image.read_bytes()))
    except FileNotFoundError:
        sys.exit(f"{args.image}: no such file")
    except (ImageDecodeError, ValueError) as error:
        sys.exit(f"{args.image}: {error}")
    mask = None if args.mask is None else read_image(args.mask, "L") / 255.0
    settings = Settings.from_env()
    device = device_from(args)
    weatherer = load_weatherer(device, settings)
    targets = args.targets.split(",") if args.targets else None
    start = time.perf_counter()
    try:
        result = weatherer.weather(
            photo,
            args.weathering_class,
            args.age,
            args.seed,
            targets,
            mask,
            args.scale,
            args.generator,
        )
    except ValueError as error:
        sys.exit(str(error))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(encode_png(from_float_rgb(result.image, original), original.bit_depth))
    if args.decay_map:
        args.decay_map.write_bytes(encode_png(result.decay, 16))
    print(
        f"{args.image.name}: {args.weathering_class} at age {args.age}, "
        f"{result.decay.mean() * 100:.1f}% of the image decayed, "
        f"{time.perf_counter() - start:.1f} s"
    )
