"""Segmentation metrics: per-exit mIoU, pixel accuracy and speed; adaptive exits, histogram."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch

from neural_backend.data.camvid import CamVidSplit, load_split
from neural_backend.models.registry import WEIGHTS_DIR, count_parameters, load_model
from neural_backend.models.segmentation import SegmentationNet, predict


def confusion(pred: np.ndarray, label: np.ndarray, num_classes: int) -> np.ndarray:
    """Confusion counts (rows: truth, columns: prediction); labels ≥ num_classes are ignored."""
    keep = label < num_classes
    index = label[keep].astype(np.int64) * num_classes + pred[keep].astype(np.int64)
    return np.bincount(index, minlength=num_classes**2).reshape(num_classes, num_classes)


def scores(matrix: np.ndarray) -> dict:
    """mIoU and pixel accuracy in percent, plus per-class IoU."""
    true_positive = np.diag(matrix).astype(np.float64)
    union = matrix.sum(0) + matrix.sum(1) - true_positive
    iou = np.where(union > 0, true_positive / np.maximum(union, 1), np.nan)
    return {
        "miou": float(np.nanmean(iou) * 100),
        "pixel_accuracy": float(true_positive.sum() / max(matrix.sum(), 1) * 100),
        "iou": [round(float(v) * 100, 2) for v in iou],
    }


def to_tensor(image: np.ndarray, device: str = "cpu") -> torch.Tensor:
    return torch.from_numpy(image).permute(2, 0, 1)[None].float().div(255).to(device)


@torch.no_grad()
def validate(model: SegmentationNet, split: CamVidSplit, device: str = "cpu") -> list[dict]:
    """Scores of every exit on a split, each image at full resolution."""
    k = model.config.num_classes
    matrices = [np.zeros((k, k), np.int64) for _ in range(model.num_exits)]
    model.eval()
    for image, label in zip(split.images, split.labels, strict=True):
        for matrix, logits in zip(matrices, model(to_tensor(image, device)), strict=True):
            matrix += confusion(logits.argmax(1)[0].cpu().numpy(), label, k)
    return [scores(matrix) for matrix in matrices]


@torch.no_grad()
def adaptive_scores(
    model: SegmentationNet, split: CamVidSplit, threshold: float, device: str = "cpu"
) -> dict:
    k = model.config.num_classes
    matrix = np.zeros((k, k), np.int64)
    exits, times = [], []
    for image, label in zip(split.images, split.labels, strict=True):
        start = time.perf_counter()
        logits, used = predict(model, to_tensor(image, device), threshold=threshold)
        pred = logits.argmax(1)[0].cpu().numpy()
        times.append((time.perf_counter() - start) * 1000)
        matrix += confusion(pred, label, k)
        exits.append(used)
    histogram = {str(e): exits.count(e) for e in range(1, model.num_exits + 1)}
    return {
        **scores(matrix),
        "threshold": threshold,
        "ms": float(np.mean(times)),
        "exits": histogram,
    }


def calibrate_threshold(
    model: SegmentationNet, split: CamVidSplit, tolerance: float = 0.5
) -> float:
    """Lowest confidence threshold whose adaptive mIoU stays within `tolerance` of the deepest."""
    deepest = validate(model, split)[-1]["miou"]
    for threshold in (0.80, 0.84, 0.87, 0.90, 0.92, 0.94, 0.96, 0.98):
        if adaptive_scores(model, split, threshold)["miou"] >= deepest - tolerance:
            return threshold
    return 1.0


@torch.no_grad()
def time_exits(model: SegmentationNet, size=(360, 480), repeats: int = 10) -> list[float]:
    """Milliseconds per image for each exit on this machine (after a warm-up run)."""
    image = torch.rand(1, 3, *size)
    timings = []
    for exit in range(1, model.num_exits + 1):
        predict(model, image, exit=exit)
        start = time.perf_counter()
        for _ in range(repeats):
            predict(model, image, exit=exit)
        timings.append((time.perf_counter() - start) / repeats * 1000)
    return timings


def evaluate(data: Path, split: str = "val", weights_dir: Path = WEIGHTS_DIR) -> dict:
    """Everything `weathering eval segmentation` reports."""
    model, card = load_model("segmentation", weights_dir)
    samples = load_split(data, split)
    per_exit = validate(model, samples)
    timings = time_exits(model)
    threshold = float(card.get("adaptive_threshold", 0.9))
    report = {
        "split": split,
        "images": len(samples.names),
        "parameters": count_parameters(model),
        "threads": torch.get_num_threads(),
        "exits": [
            {"exit": i + 1, "ms_per_image": round(ms, 2), **entry}
            for i, (entry, ms) in enumerate(zip(per_exit, timings, strict=True))
        ],
        "adaptive": adaptive_scores(model, samples, threshold),
    }
    return report
