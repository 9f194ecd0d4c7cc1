"""weathering eval MODEL --data DIR [--json]: the metrics the README reports, with baselines."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from neural_backend.commands.common import add_caution, at_least_one, caution_from, non_negative

MODELS = ("textures", "segmentation", "harmonization")


def register(commands) -> None:
    parser = commands.add_parser("eval", help="evaluate a trained model on held-out data")
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("--data", type=Path, required=True, help="evaluation data folder")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--split",
        default="val",
        help="CamVid split to score (segmentation; harmonization on CamVid: val is held out, "
        "train is where the caution is chosen)",
    )
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="segmentation: first calibrate exit=auto's thresholds on this split and store them "
        "in the weights' card (training does this at its end)",
    )
    parser.add_argument(
        "--write-samples",
        type=Path,
        default=None,
        help="harmonization: also save the samples scored (NAME/composite|mask|real.png)",
    )
    parser.add_argument(
        "--into-card",
        action="store_true",
        help="also record the report in the weights' card (evaluation.<data>)",
    )
    add_caution(parser)
    parser.add_argument(
        "--cautions",
        type=non_negative,
        nargs="+",
        default=(),
        help="harmonization: also score these cautions (one set of network runs) and name the "
        "one that falls least short of the targets (85%% below the composite, 5%% worse), or, "
        "of those that meet both, the one with the most room",
    )
    parser.add_argument("--count", type=int, default=32, help="textures: crops per set and class")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="textures: which crops and textures are drawn; harmonization on CamVid: which "
        "composites are made; the scores move with it, so compare models at one seed, or "
        "average several",
    )
    parser.add_argument(
        "--draws",
        type=at_least_one,
        default=1,
        help="textures: evaluate this many sampling seeds from --seed on and report their mean "
        "beside each draw",
    )
    unseen = parser.add_mutually_exclusive_group()
    unseen.add_argument(
        "--held-out",
        action="store_true",
        help="textures: score weights trained with --hold-out on the photos they never saw (named "
        "in their card); the sampler floor then draws the photos they were trained on",
    )
    unseen.add_argument(
        "--photo-splits",
        action="store_true",
        help="textures: no weights; for every split of each class's photos holding out half, how "
        "far the photos kept are from those held out, beside the held-out photos' own floor: "
        "what the targets ask of a generator on photos it never saw",
    )
    parser.add_argument(
        "--critic-steps",
        type=int,
        default=300,
        help="textures: training steps of the two-sample test's critic",
    )
    parser.add_argument(
        "--weights-dir", type=Path, default=None, help="default: the shipped weights"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="CPU threads (timings depend on it)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    from neural_backend.models.registry import WEIGHTS_DIR, set_threads

    set_threads(args.threads)  # evaluation runs on the CPU, where timings matter
    weights = args.weights_dir or WEIGHTS_DIR
    if not args.data.is_dir():
        sys.exit(f"--data {args.data} is not a folder")
    if args.photo_splits and args.into_card:
        sys.exit("--photo-splits measures photos, not weights: there is no card to record it in")
    try:
        report = _evaluate(args, weights)
    except FileNotFoundError as error:
        sys.exit(str(error))
    print(json.dumps(report, indent=2) if args.json else _as_text(report))
    if args.into_card:
        _record(weights, CARD_NAMES[args.model], args, report)


CARD_NAMES = {
    "textures": "texture_gan",
    "segmentation": "segmentation",
    "harmonization": "harmonization",
}


def _record(weights: Path, name: str, args, report: dict) -> None:
    """Keep the card's evaluation next to the command that produced it."""
    from neural_backend.models.registry import read_card, write_card

    card = read_card(name, weights)
    # Scores on unseen photos sit beside those on the training photos, not over them.
    key = f"{args.data.name}, held out" if args.held_out else args.data.name
    card.setdefault("evaluation", {})[key] = {"command": args.command_line, **report}
    write_card(name, card, weights)


def _evaluate(args, weights: Path) -> dict:
    if args.model == "segmentation":
        from neural_backend.eval.segmentation import evaluate, store_calibration

        if args.calibrate:
            store_calibration(args.data, args.split, weights, args.command_line)
        return evaluate(args.data, args.split, weights)
    if args.model == "harmonization":
        from neural_backend.eval.harmonization import evaluate
        from neural_backend.pipeline.loading import load_harmonizer

        harmonizer = load_harmonizer("cpu", weights).with_caution(caution_from(args))
        return evaluate(
            args.data,
            weights,
            harmonizer,
            write_to=args.write_samples,
            seed=args.seed,
            split=args.split,
            cautions=args.cautions,
        )
    if args.photo_splits:
        from neural_backend.eval.photo_splits import photo_splits

        return photo_splits(args.data, count=args.count, seed=args.seed)
    from neural_backend.eval.texture_gan import evaluate_draws

    return evaluate_draws(
        args.data,
        weights_dir=weights,
        count=args.count,
        critic_steps=args.critic_steps,
        seed=args.seed,
        draws=args.draws,
        held_out=args.held_out,
    )


def _as_text(report: dict, indent: str = "") -> str:
    lines = []
    for key, value in report.items():
        if isinstance(value, dict):
            lines += [f"{indent}{key}:", _as_text(value, indent + "  ")]
        elif isinstance(value, float):
            lines.append(f"{indent}{key}: {value:.4g}")
        else:
            lines.append(f"{indent}{key}: {value}")
    return "\n".join(lines)
