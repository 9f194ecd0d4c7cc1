"""The `weathering` command: serve the API, or run the backend's jobs from the shell."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neural_backend.codecs import encode_png
from neural_backend.config import DEVICES, Settings
from neural_backend.generators import DEFAULT_GENERATOR, GENERATORS
from neural_backend.presets import load_presets


def _size(text: str) -> int:
    value = int(text)
    if not 64 <= value <= 4096:
        raise argparse.ArgumentTypeError(f"size must be 64..4096, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="weathering", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP API (docs at /docs)")
    serve.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8765)")
    serve.add_argument("--device", choices=DEVICES, default=None, help="compute device")

    textures = commands.add_parser("textures", help="write tileable texture sets as PNG")
    textures.add_argument("--class", dest="weathering_class", required=True)
    textures.add_argument("--count", type=int, default=1)
    textures.add_argument("--size", type=_size, default=1024)
    textures.add_argument("--seed", type=int, default=0, help="seed of the first set; +1 each")
    textures.add_argument("--scale", type=float, default=1.0, help="zoom: 2 doubles features")
    textures.add_argument("--generator", choices=sorted(GENERATORS), default=DEFAULT_GENERATOR)
    textures.add_argument("--out-dir", type=Path, required=True)
    return parser


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from neural_backend.api.app import create_app

    settings = Settings.from_env(host=args.host, port=args.port, device=args.device)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)


def write_textures(args: argparse.Namespace) -> None:
    presets = load_presets(Settings.from_env().presets_dir)
    if args.weathering_class not in presets:
        sys.exit(f"unknown class {args.weathering_class!r}; allowed: {', '.join(presets)}")
    if args.count < 1:
        sys.exit(f"--count must be at least 1, got {args.count}")
    generate = GENERATORS[args.generator]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for index in range(args.count):
        maps = generate(presets[args.weathering_class], args.size, args.seed + index, args.scale)
        for name, image in maps.items():
            path = args.out_dir / f"{args.weathering_class}_{index:03d}_{name}.png"
            # Height and roughness are linear data: 16 bits keep bump shading free of banding.
            path.write_bytes(encode_png(image, 8 if name == "albedo" else 16))
        print(f"[{index + 1}/{args.count}] {args.weathering_class} seed {args.seed + index}")


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    {"serve": serve, "textures": write_textures}[args.command](args)


if __name__ == "__main__":
    main()
