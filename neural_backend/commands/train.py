"""weathering train MODEL --data DIR: train a model and write its weights, card and curves."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neural_backend.commands.common import device_from
from neural_backend.config import Settings


def register(commands) -> None:
    from neural_backend.train import TRAINERS

    parser = commands.add_parser("train", help="train a model on data you pass with --data")
    models = parser.add_subparsers(dest="model", required=True)
    for name, trainer in TRAINERS.items():
        model = models.add_parser(name, help=trainer.__doc__.splitlines()[0])
        model.add_argument("--data", type=Path, required=True, help="training data folder")
        model.add_argument(
            "--out-dir",
            type=Path,
            default=Settings().weights_dir,
            help="where weights, card and curves go (default: the shipped ones)",
        )
        model.add_argument("--resume", type=Path, default=None, help="weights folder to start from")
        model.add_argument("--seed", type=int, default=0)
        model.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
        trainer.add_arguments(model)
        model.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    from neural_backend.models.registry import set_threads
    from neural_backend.train import TRAINERS

    if hasattr(args, "device"):  # the trainers that can use a GPU
        args.device = device_from(args)  # sets --threads too
    else:
        set_threads(args.threads)
    if not args.data.is_dir():
        sys.exit(f"--data {args.data} is not a folder")
    TRAINERS[args.model].train(args)
