"""Harmonization metrics: MSE, foreground MSE and PSNR (0–255 scale) for the model, the unchanged
composite and a Reinhard Lab mean/std transfer, on samples with a known real image."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neural_backend.codecs import encode_png, quantize
from neural_backend.colour import lab_to_rgb, rgb_to_lab, transfer_statistics
from neural_backend.data.camvid import load_split
from neural_backend.data.composites import Pair, camvid_pairs
from neural_backend.data.harmonization_samples import list_samples
from neural_backend.decoding import decode_image
from neural_backend.models.registry import WEIGHTS_DIR
from neural_backend.pipeline.harmonizer import Harmonizer
from neural_backend.pipeline.loading import load_harmonizer

# Seed 0's composites are the same in every run; other seeds draw other objects and edits.
HELD_OUT_SEED = 20201


def reinhard(composite: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Baseline: the foreground's Lab mean and std moved to the background's (Reinhard 2001)."""
    foreground = mask > 127
    lab = transfer_statistics(rgb_to_lab(composite / 255.0), foreground, ~foreground)
    return (lab_to_rgb(lab) * 255).round().astype(np.uint8)


def errors(output: np.ndarray, real: np.ndarray, mask: np.ndarray) -> dict:
    squared = (output.astype(np.float64) - real.astype(np.float64)) ** 2
    mse = float(squared.mean())
    foreground = mask > 127
    return {
        "mse": mse,
        "fmse": float(squared[foreground].mean()) if foreground.any() else 0.0,
        "psnr": float(10 * np.log10(255**2 / max(mse, 1e-10))),
    }


def camvid_samples(
    root: Path, split: str = "val", seed: int = 0
) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Composites made from a split's CamVid photos, at full size: val's are held out, the model
    never trained on them."""
    from neural_backend.train.harmonization import texture_bank

    photos = load_split(root, split)
    pairs: list[Pair] = camvid_pairs(
        photos.images,
        photos.labels,
        photos.ignore_index,
        HELD_OUT_SEED + seed,
        texture_bank(count_per_class=2),
    )
    return [
        (name, quantize(p.composite, 8), quantize(p.mask, 8), quantize(p.real, 8))
        for name, p in zip(photos.names, pairs, strict=True)
    ]


def folder_samples(root: Path):
    samples = []
    for files in list_samples(root):
        if files.real is None:
            raise FileNotFoundError(
                f"{files.composite.parent}: evaluation needs real.png or real.jpg"
            )
        composite, real = (decode_image(p.read_bytes()) for p in (files.composite, files.real))
        samples.append((files.name, composite, decode_image(files.mask.read_bytes(), "L"), real))
    return samples


def write_samples(samples, out_dir: Path) -> None:
    for name, composite, mask, real in samples:
        folder = out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        for file, image in (("composite", composite), ("mask", mask), ("real", real)):
            (folder / f"{file}.png").write_bytes(encode_png(image))


def evaluate(
    data: Path,
    weights_dir: Path = WEIGHTS_DIR,
    harmonizer: Harmonizer | None = None,
    write_to: Path | None = None,
    seed: int = 0,
    split: str = "val",
    cautions: list[float] = (),
) -> dict:
    """Everything `weathering eval harmonization` reports. data: a sample folder, or the CamVid
    folder (then the split's photos become composites, drawn by seed: val's are held out). The
    model is scored at the harmonizer's caution, and beside it run once without (one view, as
    trained). cautions: also score each of these, and name the one choose_caution picks."""
    data = Path(data)
    from_camvid = (data / "classes.json").exists()
    samples = camvid_samples(data, split, seed) if from_camvid else folder_samples(data)
    if write_to:
        write_samples(samples, write_to)
    harmonizer = harmonizer or load_harmonizer("cpu", weights_dir)
    one_view = harmonizer.with_caution(None)
    methods = {"model": [], "model_one_view": [], "composite": [], "reinhard": []}
    swept = {caution: [] for caution in cautions}
    for _, composite, mask, real in samples:
        methods["model"].append(errors(harmonizer.harmonize(composite, mask), real, mask))
        methods["model_one_view"].append(errors(one_view.harmonize(composite, mask), real, mask))
        methods["composite"].append(errors(composite, real, mask))
        methods["reinhard"].append(errors(reinhard(composite, mask), real, mask))
        if cautions:  # two network runs a sample: none without a sweep
            outputs = harmonizer.harmonize_at_cautions(composite, mask, cautions)
            for caution, output in zip(cautions, outputs, strict=True):
                swept[caution].append(errors(output, real, mask))
    summary = {name: {key: _mean(rows, key) for key in rows[0]} for name, rows in methods.items()}
    composite_rows = methods["composite"]
    report = {
        "samples": len(samples),
        **({"split": split, "seed": seed} if from_camvid else {}),
        "caution": harmonizer.caution,
        **summary,
        "mse_reduction_vs_composite": _reduction(methods["model"], composite_rows),
        "mse_reduction_vs_reinhard": _reduction(methods["model"], methods["reinhard"]),
        "share_worse_than_composite": _share_worse(methods["model"], composite_rows),
        "one_view_share_worse_than_composite": _share_worse(
            methods["model_one_view"], composite_rows
        ),
    }
    if cautions:
        report["cautions"] = {
            f"{caution:g}": {
                "mse": _mean(rows),
                "mse_reduction_vs_composite": _reduction(rows, composite_rows),
                "share_worse_than_composite": _share_worse(rows, composite_rows),
            }
            for caution, rows in swept.items()
        }
        report["chosen_caution"] = choose_caution(report["cautions"])
    return report


def _mean(rows: list[dict], key: str = "mse") -> float:
    return float(np.mean([r[key] for r in rows]))


def _reduction(rows: list[dict], baseline: list[dict]) -> float:
    """How far the rows' mean MSE lies below the baseline's, as a fraction of it."""
    return 1 - _mean(rows) / max(_mean(baseline), 1e-12)


def _share_worse(rows: list[dict], composite: list[dict]) -> float:
    """The share of samples whose MSE is above their unchanged composite's."""
    pairs = zip(rows, composite, strict=True)
    return sum(r["mse"] > c["mse"] + 1e-9 for r, c in pairs) / len(rows)


# The targets: MSE at least 85% below the composite's, at most 5% of samples made worse.
TARGET_REDUCTION, TARGET_SHARE_WORSE = 0.85, 0.05


def choose_caution(scores: dict[str, dict]) -> float:
    """The caution (scores keyed by it) that falls least short of the two targets, the
    shortfalls added in percentage points: a point of reduction weighs as much as a point of
    samples made worse, and a target already met adds nothing. Among cautions that meet both,
    the one furthest inside the nearer target: training photos are easier than held-out ones
    (for the session 19 weights by 2 points of reduction and 3 of samples made worse), so a
    caution on the edge there falls short on new photos. Remaining ties go to the lower
    caution, which drops fewer corrections. Choose on training photos: chosen on the held-out
    composites, their scores would flatter it."""

    def rank(caution: str) -> tuple[float, float, float]:
        row = scores[caution]
        reduction_margin = row["mse_reduction_vs_composite"] - TARGET_REDUCTION
        worse_margin = TARGET_SHARE_WORSE - row["share_worse_than_composite"]
        short = max(0.0, -reduction_margin) + max(0.0, -worse_margin)
        return round(short, 9), -round(min(reduction_margin, worse_margin), 9), float(caution)

    return float(min(scores, key=rank))
