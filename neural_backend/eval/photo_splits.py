"""`weathering eval textures --photo-splits`: what the spectrum and colour targets ask of a
generator on photos it never saw, measured on the photos alone (no weights).

The final scores judge a generator against photos it was not trained on, beside those photos'
own halves' floor. The best a generator of our photos could do there is to reproduce them
exactly. So for every split of a class's photos that holds out half of them, the photos kept play
that perfect generator, drawn as a generator draws (a random photo per texture, as the sampler
floor draws), and are scored against the held-out photos' right halves, beside the held-out
photos' halves' floor: the ratio a perfect copy of the training photos would reach.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np

from neural_backend.data.texture_photos import load_all
from neural_backend.eval import texture_metrics as metrics
from neural_backend.eval.texture_gan import real_crops, sampler_crops

DISTANCES = {"spectrum": metrics.spectrum_distance, "colour": metrics.colour_distance}
TARGET_RATIO = 1.5  # the issue's: within 1.5× the real-vs-real floor


def photo_splits(data: Path, count: int = 32, seed: int = 0) -> dict:
    report: dict = {"count": count, "seed": seed, "classes": {}}
    for name, photos in load_all(data).items():
        if len(photos) < 2:
            report["classes"][name] = {"skipped": "a split needs at least two photos"}
            continue
        report["classes"][name] = _class_splits(photos, count, seed)
    scored = [c for c in report["classes"].values() if "skipped" not in c]
    report["share_of_splits_within_1.5x_floor"] = {
        metric: sum(c[metric]["share_within_1.5x_floor"] for c in scored) / max(len(scored), 1)
        for metric in DISTANCES
    }
    return report


def _class_splits(photos: list, count: int, seed: int) -> dict:
    ratios: dict[str, list[float]] = {metric: [] for metric in DISTANCES}
    splits = list(itertools.combinations(range(len(photos)), len(photos) // 2))
    for index, held in enumerate(splits):
        rng = np.random.default_rng([seed, index])  # each split its own draw, in any order
        unseen = [photos[i] for i in held]
        kept = [p for i, p in enumerate(photos) if i not in held]
        left, right = real_crops(unseen, 0, count, rng), real_crops(unseen, 1, count, rng)
        copy = sampler_crops(kept, count, rng)
        for metric, distance in DISTANCES.items():
            ratios[metric].append(distance(copy, right) / max(distance(left, right), 1e-12))
    return {"splits": len(splits), **{metric: _summary(r) for metric, r in ratios.items()}}


def _summary(ratios: list[float]) -> dict:
    """A perfect copy's distance ÷ the held-out photos' floor, over the splits."""
    return {
        "copy_over_floor_geometric_mean": math.exp(sum(map(math.log, ratios)) / len(ratios)),
        "copy_over_floor_min": min(ratios),
        "share_within_1.5x_floor": sum(r <= TARGET_RATIO for r in ratios) / len(ratios),
    }
