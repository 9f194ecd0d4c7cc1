"""`weathering eval textures`: the GAN beside the procedural generator and the real-vs-real floor.

For each class, real crops come from two disjoint halves of the photos (left and right): the
distance between the halves is the floor no generator can be expected to beat. Generated and
procedural crops are compared with the right halves, so all three distances are alike.

The halves take every photo alike (crop i from photo i mod n), but a generator's textures are a
random draw: sixteen of them need not hold the class's colourings in its photos' proportions, and
the distance of even a perfect generator to the right halves stays above that floor. So a second
floor, the sampler's, draws the photos as a generator draws: a random photo per texture, two crops
of its left half, compared with the same right halves. A generator whose textures vary as its
photos do can reach the sampler's floor; only one drawing every photo's colours into every
texture could reach the halves'.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from neural_backend.config import Settings
from neural_backend.data.texture_photos import TexturePhoto, load_all, random_crop
from neural_backend.eval import texture_metrics as metrics
from neural_backend.generators import procedural
from neural_backend.generators.gan import GanTextures
from neural_backend.models.registry import WEIGHTS_DIR, load_model
from neural_backend.presets import load_presets

CROP = 128  # output pixels; a 1024² texture covers a 1024-pixel photo, so crops compare 1:1
TILE = 256


def _half(photo: TexturePhoto, side: int) -> TexturePhoto:
    width = photo.maps.shape[-1] // 2
    cut = slice(0, width) if side == 0 else slice(width, 2 * width)
    opacity = None if photo.opacity is None else photo.opacity[:, cut]
    return TexturePhoto(photo.name, photo.maps[..., cut], opacity, photo.has_height)


def real_crops(photos: list[TexturePhoto], side: int, count: int, rng) -> torch.Tensor:
    halves = [_half(p, side) for p in photos]
    return torch.stack([random_crop(halves[i % len(halves)], CROP, rng)[:3] for i in range(count)])


def sampler_crops(photos: list[TexturePhoto], count: int, rng) -> torch.Tensor:
    """Photos drawn as textures are: a random photo for each pair of crops."""
    chosen = np.repeat(rng.integers(0, len(photos), count // 2), 2)
    return torch.stack([random_crop(photos[i], CROP, rng)[:3] for i in chosen])


def split_for_scoring(
    photos: dict[str, list[TexturePhoto]], held_out: dict[str, list[str]] | None
) -> dict[str, tuple[list[TexturePhoto], list[TexturePhoto]]]:
    """{class: (photos scored against, photos the sampler draws)}. On the training photos: all of
    a class's photos, and their left halves (the right halves are scored against). Held out: the
    held-out photos, and the photos the weights were trained on."""
    if held_out is None:
        return {name: (ph, [_half(p, 0) for p in ph]) for name, ph in photos.items()}
    split = {}
    for name, chosen in held_out.items():
        class_photos = photos.get(name, [])
        missing = sorted(set(chosen) - {p.name for p in class_photos})
        if missing:
            raise FileNotFoundError(
                f"the held-out photos {', '.join(missing)} of {name} are not in the data folder"
            )
        split[name] = (
            [p for p in class_photos if p.name in chosen],
            [p for p in class_photos if p.name not in chosen],
        )
    return split


def held_out_photos(card: dict, weights_dir: Path) -> dict[str, list[str]]:
    """The photos the texture GAN at `weights_dir` was trained without, from its card."""
    held = card.get("held_out_photos")
    if not held:
        raise FileNotFoundError(
            f"the texture GAN in {weights_dir} was trained on every photo, so none is unseen: "
            "train one with 'weathering train textures --hold-out SHARE' to score it on photos "
            "it never saw"
        )
    return held


def tile_crops(tiles: torch.Tensor, rng) -> torch.Tensor:
    """Two random crops per tile, taken across the wrap as often as not."""
    crops = []
    for tile in tiles:
        for _ in range(2):
            top, left = rng.integers(0, TILE, 2)
            crops.append(torch.roll(tile, (-int(top), -int(left)), dims=(1, 2))[:, :CROP, :CROP])
    return torch.stack(crops)


def evaluate(
    data: Path,
    weights_dir: Path = WEIGHTS_DIR,
    count: int = 32,
    critic_steps: int = 300,
    seed: int = 0,
    held_out: bool = False,
) -> dict:
    """held_out: score weights trained with --hold-out on the photos they never saw."""
    rng = np.random.default_rng(seed)
    sampler_rng = np.random.default_rng([seed, 1])  # its own: the other draws stay as they were
    model, card = load_model("texture_gan", weights_dir)
    held = held_out_photos(card, weights_dir) if held_out else None
    gan = GanTextures(model)
    presets = load_presets(Settings.from_env().presets_dir)
    photos = split_for_scoring(load_all(data), held)
    report: dict = {"crop": CROP, "count": count, "seed": seed, "classes": {}}
    if held:
        report["held_out_photos"] = held
        report["sampler_draws"] = "the photos the weights were trained on"
    pooled = {"real": [], "gan": [], "procedural": [], "sampler": []}
    for name, (class_photos, sampled_photos) in photos.items():
        if name not in gan.classes or name not in presets:
            report["classes"][name] = {"skipped": "the GAN or the presets do not know this class"}
            continue
        label = gan.classes.index(name)
        real_a, real_b = (
            real_crops(class_photos, 0, count, rng),
            real_crops(class_photos, 1, count, rng),
        )
        tiles = count // 2
        # Each sampling seed draws its own textures (seed 0: seeds 1000, 1001, …).
        seeds = range(1000 + seed * tiles, 1000 + (seed + 1) * tiles)
        gan_tiles = torch.stack([gan.generate_maps(label, TILE, s, 1.0, 0.0)[:3] for s in seeds])
        proc_tiles = torch.stack(
            [
                torch.from_numpy(procedural.generate(presets[name], TILE, s).albedo).permute(
                    2, 0, 1
                )
                for s in seeds
            ]
        )
        gan_crops, proc_crops = tile_crops(gan_tiles, rng), tile_crops(proc_tiles, rng)
        sampled = sampler_crops(sampled_photos, count, sampler_rng)
        report["classes"][name] = _class_report(
            real_a,
            real_b,
            sampled,
            (gan_tiles, gan_crops),
            (proc_tiles, proc_crops),
            class_photos if held is None else sampled_photos,  # copying is of training photos
        )
        pooled["real"] += [real_a, real_b]
        pooled["gan"].append(gan_crops)
        pooled["procedural"].append(proc_crops)
        pooled["sampler"].append(sampled)
    real = pooled.pop("real")
    # The sampler's crops too: photos against photos, or, held out, what a perfect copy of the
    # training photos would score.
    report["two_sample_accuracy"] = {
        name: metrics.two_sample_accuracy(torch.cat(real), torch.cat(crops), critic_steps, seed)
        for name, crops in pooled.items()
    }
    scored = [c for c in report["classes"].values() if "skipped" not in c]
    report["targets"] = {
        "seam_ratio_max": max(c["seam_ratio"]["gan"] for c in scored),
        "classes_within_1.5x_floor_spectrum": sum(
            c["spectrum"]["gan"] <= 1.5 * c["spectrum"]["floor"] for c in scored
        ),
        "classes_within_1.5x_floor_colour": sum(
            c["colour"]["gan"] <= 1.5 * c["colour"]["floor"] for c in scored
        ),
        "classes_within_1.5x_sampler_floor_spectrum": sum(
            c["spectrum"]["gan"] <= 1.5 * c["spectrum"]["sampler_floor"] for c in scored
        ),
        "classes_within_1.5x_sampler_floor_colour": sum(
            c["colour"]["gan"] <= 1.5 * c["colour"]["sampler_floor"] for c in scored
        ),
        "classes_better_than_procedural": sum(
            c["spectrum"]["gan"] < c["spectrum"]["procedural"]
            and c["colour"]["gan"] < c["colour"]["procedural"]
            for c in scored
        ),
        "classes": len(scored),
        "max_ncc_with_training_crops": max(c["max_ncc_with_photos"] for c in scored),
    }
    return report


def evaluate_draws(data: Path, seed: int = 0, draws: int = 1, **options) -> dict:
    """evaluate() at the sampling seeds seed, seed + 1, … (`draws` of them): each report, keyed
    by its seed, and their mean, number by number (target counts become mean counts). One draw
    moves too much to compare models by (README: *How much the evaluation moves*)."""
    reports = {str(s): evaluate(data, seed=s, **options) for s in range(seed, seed + draws)}
    if draws == 1:
        return reports[str(seed)]
    mean = _mean(list(reports.values()))
    mean["seed"] = list(range(seed, seed + draws))
    return {"mean": mean, "draws": reports}


def _mean(values: list):
    """The mean of same-shaped reports, leaf by leaf; what is not a number is the first's."""
    first = values[0]
    if isinstance(first, dict):
        return {key: _mean([value[key] for value in values]) for key in first}
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return sum(values) / len(values)
    return first


def _class_report(real_a, real_b, sampler, gan, procedural_, photos) -> dict:
    """gan, procedural_: (tiles, crops of them)."""
    (gan_tiles, gan_crops), (proc_tiles, proc_crops) = gan, procedural_
    return {
        "seam_ratio": {
            "gan": metrics.seam_ratio(gan_tiles),
            "procedural": metrics.seam_ratio(proc_tiles),
            "photo_crops": metrics.seam_ratio(real_a),
        },
        "spectrum": {
            "gan": metrics.spectrum_distance(gan_crops, real_b),
            "procedural": metrics.spectrum_distance(proc_crops, real_b),
            "floor": metrics.spectrum_distance(real_a, real_b),
            "sampler_floor": metrics.spectrum_distance(sampler, real_b),
        },
        "colour": {
            "gan": metrics.colour_distance(gan_crops, real_b),
            "procedural": metrics.colour_distance(proc_crops, real_b),
            "floor": metrics.colour_distance(real_a, real_b),
            "sampler_floor": metrics.colour_distance(sampler, real_b),
        },
        "diversity": {
            "gan": metrics.diversity(gan_crops),
            "procedural": metrics.diversity(proc_crops),
            "real": metrics.diversity(torch.cat([real_a, real_b])),
        },
        # 64-pixel windows of the samples, searched over every position of every photo.
        "max_ncc_with_photos": metrics.max_normalized_cross_correlation(
            gan_crops[:8, :, :64, :64], [p.maps for p in photos]
        ),
    }
