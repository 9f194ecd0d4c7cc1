"""Harmonization metrics: MSE, foreground MSE and PSNR (0–255 scale) for the model, the unchanged
composite and a Reinhard Lab mean/std transfer, on samples with a known real image."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neural_backend.codecs import encode_png
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
    """Held-out composites made from CamVid photos the model never trained on, at full size."""
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
        (name, _uint8(p.composite), (p.mask * 255).astype(np.uint8), _uint8(p.real))
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


def _uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


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
) -> dict:
    """Everything `weathering eval harmonization` reports. data: a sample folder, or the CamVid
    folder (then its val photos become held-out composites, drawn by seed). The model is scored
    at the harmonizer's caution, and beside it run once without (one view, as trained)."""
    data = Path(data)
    from_camvid = (data / "classes.json").exists()
    samples = camvid_samples(data, seed=seed) if from_camvid else folder_samples(data)
    if write_to:
        write_samples(samples, write_to)
    harmonizer = harmonizer or load_harmonizer("cpu", weights_dir)
    one_view = harmonizer.with_caution(None)
    methods = {"model": [], "model_one_view": [], "composite": [], "reinhard": []}
    for _, composite, mask, real in samples:
        methods["model"].append(errors(harmonizer.harmonize(composite, mask), real, mask))
        methods["model_one_view"].append(errors(one_view.harmonize(composite, mask), real, mask))
        methods["composite"].append(errors(composite, real, mask))
        methods["reinhard"].append(errors(reinhard(composite, mask), real, mask))
    summary = {
        name: {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}
        for name, rows in methods.items()
    }

    def share_worse(name: str) -> float:
        pairs = zip(methods[name], methods["composite"], strict=True)
        return sum(m["mse"] > c["mse"] + 1e-9 for m, c in pairs) / len(samples)

    model_mse = summary["model"]["mse"]
    return {
        "samples": len(samples),
        **({"seed": seed} if from_camvid else {}),
        "caution": harmonizer.caution,
        **summary,
        "mse_reduction_vs_composite": 1 - model_mse / max(summary["composite"]["mse"], 1e-12),
        "mse_reduction_vs_reinhard": 1 - model_mse / max(summary["reinhard"]["mse"], 1e-12),
        "share_worse_than_composite": share_worse("model"),
        "one_view_share_worse_than_composite": share_worse("model_one_view"),
    }
