"""weathering harmonize DIR --out-dir OUT: harmonize every DIR/NAME/{composite,mask}.png."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neural_backend.codecs import encode_png
from neural_backend.commands.common import (
    add_caution,
    add_device,
    caution_from,
    device_from,
    read_image,
    require_weights,
)
from neural_backend.data.harmonization_samples import list_samples
from neural_backend.pipeline.loading import load_harmonizer


def register(commands) -> None:
    parser = commands.add_parser("harmonize", help="match pasted regions to their photo")
    parser.add_argument("samples", type=Path, help="folder of NAME/composite.png + NAME/mask.png")
    parser.add_argument("--out-dir", type=Path, required=True)
    add_device(parser)
    add_caution(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    try:
        samples = list_samples(args.samples)
    except FileNotFoundError as error:
        sys.exit(str(error))
    harmonizer = require_weights(load_harmonizer, device_from(args))
    harmonizer = harmonizer.with_caution(caution_from(args))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for index, sample in enumerate(samples, start=1):
        composite, mask = read_image(sample.composite), read_image(sample.mask, "L")
        try:
            harmonized = harmonizer.harmonize(composite, mask)
        except ValueError as error:
            sys.exit(f"{sample.name}: {error}")
        (args.out_dir / f"{sample.name}.png").write_bytes(encode_png(harmonized))
        print(f"[{index}/{len(samples)}] {sample.name}", flush=True)
