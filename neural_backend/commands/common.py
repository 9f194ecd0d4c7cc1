"""Helpers the commands share: devices, reading images, failing with a message."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from neural_backend.config import DEVICES, HARMONIZATION_CAUTION, Settings, resolve_device
from neural_backend.decoding import ImageDecodeError, decode_image


def add_device(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--device", choices=DEVICES, default=None, help="compute device (default auto)"
    )
    parser.add_argument("--threads", type=int, default=None, help="CPU threads for torch")


def add_caution(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--caution",
        type=non_negative,
        default=None,
        help="harmonization: how readily a correction the network's views disagree on, or a "
        "small one, is dropped; 0 keeps every correction (default: "
        "WEATHERING_HARMONIZATION_CAUTION, else "
        f"{HARMONIZATION_CAUTION:g})",
    )


def caution_from(args: argparse.Namespace) -> float:
    """--caution, else the environment's, read only by the commands that harmonize: a bad
    WEATHERING_* value must not break every other command as their parsers are built."""
    if args.caution is not None:
        return args.caution
    try:
        return Settings.from_env().harmonization_caution
    except ValueError as error:
        sys.exit(str(error))


def non_negative(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def device_from(args: argparse.Namespace) -> str:
    from neural_backend.models.registry import set_threads

    set_threads(getattr(args, "threads", None))
    try:
        return resolve_device(Settings.from_env(device=args.device).device)
    except (RuntimeError, ValueError) as error:
        sys.exit(str(error))


def read_image(path: Path, mode: str = "RGB") -> np.ndarray:
    try:
        return decode_image(Path(path).read_bytes(), mode)
    except FileNotFoundError:
        sys.exit(f"{path}: no such file")
    except ImageDecodeError as error:
        sys.exit(f"{path}: {error}")


def require_weights(loader, *args):
    """Run a model loader; a missing weights file becomes a message, not a traceback."""
    try:
        return loader(*args)
    except FileNotFoundError as error:
        sys.exit(f"{error}. Train it with `weathering train …` or restore neural_backend/weights/.")
