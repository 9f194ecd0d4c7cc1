"""weathering textures: tileable texture sets as PNG files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neural_backend.codecs import encode_png
from neural_backend.commands.common import add_device, device_from
from neural_backend.config import Settings
from neural_backend.generators import DEFAULT_GENERATOR, GENERATOR_NAMES, available_generators
from neural_backend.presets import load_presets


def _size(text: str) -> int:
    value = int(text)
    if not 64 <= value <= 4096:
        raise argparse.ArgumentTypeError(f"size must be 64..4096, got {value}")
    return value


def _unit(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be 0..1, got {value}")
    return value


def register(commands) -> None:
    parser = commands.add_parser("textures", help="write tileable texture sets as PNG")
    parser.add_argument("--class", dest="weathering_class", required=True)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--size", type=_size, default=1024)
    parser.add_argument("--seed", type=int, default=0, help="seed of the first set; +1 each")
    parser.add_argument("--scale", type=float, default=1.0, help="zoom: 2 doubles features")
    parser.add_argument(
        "--variation", type=_unit, default=0.0, help="0..1 blend towards the next seed"
    )
    parser.add_argument("--generator", choices=GENERATOR_NAMES, default=DEFAULT_GENERATOR)
    parser.add_argument("--out-dir", type=Path, required=True)
    add_device(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    settings = Settings.from_env()
    presets = load_presets(settings.presets_dir)
    if args.weathering_class not in presets:
        sys.exit(f"unknown class {args.weathering_class!r}; allowed: {', '.join(presets)}")
    if args.count < 1:
        sys.exit(f"--count must be at least 1, got {args.count}")
    generators = available_generators(device_from(args), settings.weights_dir, settings.precision)
    if args.generator not in generators:
        sys.exit(f"generator {args.generator!r} has no weights here; use --generator procedural")
    generate = generators[args.generator]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for index in range(args.count):
        seed = args.seed + index
        try:
            maps = generate(
                presets[args.weathering_class], args.size, seed, args.scale, args.variation
            )
        except ValueError as error:
            sys.exit(str(error))
        for name, image in maps.items():
            path = args.out_dir / f"{args.weathering_class}_{index:03d}_{name}.png"
            # Height and roughness are linear data: 16 bits keep bump shading free of banding.
            path.write_bytes(encode_png(image, 8 if name == "albedo" else 16))
        print(f"[{index + 1}/{args.count}] {args.weathering_class} seed {seed}", flush=True)
