"""Segmentation metrics: per-exit mIoU, pixel accuracy and speed; adaptive exits, histogram."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch

from neural_backend.data.camvid import CamVidSplit, load_split
from neural_backend.layers.inference import ready_for_inference
from neural_backend.models.registry import WEIGHTS_DIR, count_parameters, load_model
from neural_backend.models.segmentation import SegmentationNet, predict_labels


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
    return torch.from_numpy(image).permute(2, 0, 1)[None].float().div(255).contiguous().to(device)


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
    """mIoU of exit=auto at a threshold, and the histogram of the exits it took."""
    k = model.config.num_classes
    matrix = np.zeros((k, k), np.int64)
    exits = []
    for image, label in zip(split.images, split.labels, strict=True):
        labels, used = predict_labels(model, to_tensor(image, device), threshold=threshold)
        matrix += confusion(labels.cpu().numpy(), label, k)
        exits.append(used)
    histogram = {str(e): exits.count(e) for e in range(1, model.num_exits + 1)}
    return {**scores(matrix), "threshold": threshold, "exits": histogram}


def calibrate_threshold(
    model: SegmentationNet, split: CamVidSplit, tolerance: float = 0.75
) -> float:
    """Lowest confidence threshold whose adaptive mIoU stays within `tolerance` of the deepest
    exit's (a margin under the 1-point goal, since other photos will differ)."""
    deepest = validate(model, split)[-1]["miou"]
    for threshold in np.round(np.arange(0.80, 0.995, 0.01), 2):
        if adaptive_scores(model, split, float(threshold))["miou"] >= deepest - tolerance:
            return float(threshold)
    return 1.0


@torch.no_grad()
def time_modes(
    model: SegmentationNet, split: CamVidSplit, threshold: float, images: int = 30
) -> dict:
    """Mean milliseconds per image of every exit and of exit=auto, measured the same way on the
    same photos (interleaved, after a warm-up), so their ratios are fair."""
    modes = {str(e): {"exit": e} for e in range(1, model.num_exits + 1)}
    modes["auto"] = {"threshold": threshold}
    tensors = [to_tensor(image) for image in split.images[:images]]
    for mode in modes.values():
        predict_labels(model, tensors[0], **mode)
    totals = dict.fromkeys(modes, 0.0)
    for tensor in tensors:
        for name, mode in modes.items():
            start = time.perf_counter()
            predict_labels(model, tensor, **mode)
            totals[name] += time.perf_counter() - start
    return {name: total / len(tensors) * 1000 for name, total in totals.items()}


def evaluate(data: Path, split: str = "val", weights_dir: Path = WEIGHTS_DIR) -> dict:
    """Everything `weathering eval segmentation` reports."""
    model, card = load_model("segmentation", weights_dir)
    samples = load_split(data, split)
    per_exit = validate(model, samples)
    parameters = count_parameters(model)  # as trained: folding drops the batch norms' own
    threshold = float(card.get("adaptive_threshold", 0.9))
    model = ready_for_inference(model, "cpu")  # timed and run as the product runs it
    ms = time_modes(model, samples, threshold)
    deepest = ms[str(model.num_exits)]
    return {
        "split": split,
        "images": len(samples.names),
        "parameters": parameters,
        "threads": torch.get_num_threads(),
        "exits": [
            {
                "exit": i + 1,
                "ms_per_image": round(ms[str(i + 1)], 2),
                "speedup_vs_deepest": round(deepest / ms[str(i + 1)], 2),
                **entry,
            }
            for i, entry in enumerate(per_exit)
        ],
        "adaptive": {
            **adaptive_scores(model, samples, threshold),
            "ms_per_image": round(ms["auto"], 2),
            "speedup_vs_deepest": round(deepest / ms["auto"], 2),
        },
    }
