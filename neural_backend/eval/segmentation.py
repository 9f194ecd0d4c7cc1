"""Segmentation metrics: per-exit mIoU, pixel accuracy and speed; adaptive exits, histogram."""

from __future__ import annotations

import copy
import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from neural_backend.data.camvid import CamVidSplit, load_split
from neural_backend.layers.inference import ready_for_inference
from neural_backend.models.registry import WEIGHTS_DIR, count_parameters, load_model, write_card
from neural_backend.models.segmentation import (
    SegmentationNet,
    confidence,
    exit_thresholds,
    labels_at_size,
    predict_labels,
)


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
    """(1, 3, H, W) uint8, as the product passes photos: the network standardizes them itself."""
    return torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None].to(device)


@dataclass
class ExitRecords:
    """What every exit makes of every image of a split, from one pass: enough to score any rule
    that picks an exit per image without running the network again."""

    matrices: np.ndarray  # (images, exits, k, k) confusion counts
    confidences: np.ndarray  # (images, exits) mean top-class probability

    def scores(self, chosen: np.ndarray) -> dict:
        """Scores when image i is segmented by exit chosen[i] (0-based)."""
        return scores(self.matrices[np.arange(len(chosen)), chosen].sum(0))

    def exit_scores(self) -> list[dict]:
        return [scores(self.matrices[:, e].sum(0)) for e in range(self.matrices.shape[1])]


@torch.no_grad()
def exit_records(model: SegmentationNet, split: CamVidSplit, device: str = "cpu") -> ExitRecords:
    """Every exit's label map of every image, at full resolution, scored against its labels."""
    k, exits = model.config.num_classes, model.num_exits
    matrices = np.zeros((len(split.images), exits, k, k), np.int64)
    confidences = np.zeros((len(split.images), exits))
    model.eval()
    for i, (image, label) in enumerate(zip(split.images, split.labels, strict=True)):
        for e, logits in enumerate(model.iter_exits(to_tensor(image, device))):
            labels = labels_at_size(logits, image.shape[:2]).cpu().numpy()
            matrices[i, e] = confusion(labels, label, k)
            confidences[i, e] = float(confidence(logits)[0])
    return ExitRecords(matrices, confidences)


def validate(model: SegmentationNet, split: CamVidSplit, device: str = "cpu") -> list[dict]:
    """Scores of every exit on a split, each image at full resolution."""
    return exit_records(model, split, device).exit_scores()


@torch.no_grad()
def adaptive_scores(
    model: SegmentationNet, split: CamVidSplit, thresholds: list[float], device: str = "cpu"
) -> dict:
    """mIoU of exit=auto run as the product runs it, and the histogram of the exits it took."""
    k = model.config.num_classes
    matrix = np.zeros((k, k), np.int64)
    exits = []
    for image, label in zip(split.images, split.labels, strict=True):
        labels, used = predict_labels(model, to_tensor(image, device), threshold=thresholds)
        matrix += confusion(labels.cpu().numpy(), label, k)
        exits.append(used)
    histogram = {str(e): exits.count(e) for e in range(1, model.num_exits + 1)}
    return {**scores(matrix), "thresholds": thresholds, "exits": histogram}


NEVER = 1.01  # a threshold no mean probability reaches: exit=auto never stops at that exit


def chosen_exits(confidences: np.ndarray, thresholds) -> np.ndarray:
    """The exit (0-based) that exit=auto stops at for each image: the first whose confidence
    reaches its threshold, else the deepest."""
    passes = confidences[:, :-1] >= np.asarray(thresholds)
    return np.where(passes.any(1), passes.argmax(1), confidences.shape[1] - 1)


def calibrate_thresholds(
    records: ExitRecords, ms_per_exit: list[float], tolerance: float = 0.75
) -> list[float]:
    """The per-exit thresholds that make exit=auto fastest (by each exit's measured time) while
    its mIoU on these images stays within `tolerance` of the deepest exit's — a margin under the
    1-point goal, since other photos will differ. Candidates are quantiles of each exit's
    confidences, and NEVER."""
    deepest = records.exit_scores()[-1]["miou"]
    candidates = [
        [*np.unique(np.quantile(records.confidences[:, e], np.linspace(0, 1, 41))), NEVER]
        for e in range(records.confidences.shape[1] - 1)
    ]
    best, best_key = [NEVER] * len(candidates), (ms_per_exit[-1], -deepest)
    for thresholds in itertools.product(*candidates):
        chosen = chosen_exits(records.confidences, thresholds)
        miou = records.scores(chosen)["miou"]
        key = (float(np.mean(np.asarray(ms_per_exit)[chosen])), -miou)
        if miou >= deepest - tolerance and key < best_key:
            best, best_key = [float(t) for t in thresholds], key
    return best


@torch.no_grad()
def time_modes(model: SegmentationNet, split: CamVidSplit, modes: dict, images: int = 30) -> dict:
    """Mean milliseconds per image of each mode (keyword arguments of `predict_labels`), measured
    the same way on the same photos (interleaved, after a warm-up), so their ratios are fair."""
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


def exit_modes(model: SegmentationNet) -> dict:
    return {str(e): {"exit": e} for e in range(1, model.num_exits + 1)}


def calibrate(model: SegmentationNet, split: CamVidSplit) -> list[float]:
    """exit=auto's thresholds for a trained model, calibrated on a split (as the product runs)."""
    model = ready_for_inference(copy.deepcopy(model), "cpu")
    ms = time_modes(model, split, exit_modes(model))
    return calibrate_thresholds(exit_records(model, split), list(ms.values()))


def store_calibration(data: Path, split: str, weights_dir: Path, command: str) -> list[float]:
    """Calibrate the weights' exit=auto thresholds on a split and record them in their card."""
    model, card = load_model("segmentation", weights_dir)
    thresholds = calibrate(model, load_split(data, split))
    card.pop("adaptive_threshold", None)  # the single threshold of earlier cards
    card.update(
        adaptive_thresholds=thresholds,
        adaptive_calibration={"command": command, "split": split},
    )
    write_card("segmentation", card, weights_dir)
    return thresholds


def evaluate(data: Path, split: str = "val", weights_dir: Path = WEIGHTS_DIR) -> dict:
    """Everything `weathering eval segmentation` reports."""
    model, card = load_model("segmentation", weights_dir)
    samples = load_split(data, split)
    parameters = count_parameters(model)  # as trained: folding drops the batch norms' own
    thresholds = exit_thresholds(card.get("adaptive_thresholds", 0.9), model.num_exits)
    model = ready_for_inference(model, "cpu")  # scored and timed as the product runs it
    per_exit = validate(model, samples)
    ms = time_modes(model, samples, {**exit_modes(model), "auto": {"threshold": thresholds}})
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
            **adaptive_scores(model, samples, thresholds),
            "ms_per_image": round(ms["auto"], 2),
            "speedup_vs_deepest": round(deepest / ms["auto"], 2),
        },
    }
