"""Segment photos with the multi-exit network: by exit, by time budget, or adaptively."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from neural_backend.layers.inference import ready_for_inference
from neural_backend.models.segmentation import (
    SegmentationNet,
    exit_thresholds,
    labels_at_size,
    predict,
    predict_labels,
    upsample_logits,
)
from neural_backend.pipeline.memory import free_memory, is_out_of_memory

EXIT_CHOICES = ("1", "2", "3", "auto")
TILE_PIECES = (2, 4, 8)  # after running out of memory: retry in 2×2, then 4×4, then 8×8 tiles
TILE_MARGIN = 32  # pixels of context around each tile, cropped away after prediction


@dataclass
class Segmentation:
    labels: np.ndarray  # (H, W) uint8 class indices
    exit: int
    ms: float
    class_names: list[str]
    logits: torch.Tensor = field(repr=False)  # (1, K, h, w) at the exit's own resolution

    @functools.cached_property
    def class_confidence(self) -> dict[str, float]:
        """Mean top probability over each class's pixels, computed when first asked for: the
        pipelines only need the labels, and at exit 1 this would cost a fifth of the segmentation.
        The probability is taken at the exit's own resolution and spread to the labels' (a
        full-size softmax costs more than exit 1)."""
        logits = self.logits
        top = torch.exp(logits.amax(1, keepdim=True) - torch.logsumexp(logits, 1, keepdim=True))
        top = F.interpolate(top, size=self.labels.shape, mode="nearest").flatten()
        flat = torch.from_numpy(self.labels).flatten().long()
        counts = torch.bincount(flat, minlength=len(self.class_names)).tolist()
        sums = torch.bincount(flat, top, minlength=len(self.class_names))
        return {
            name: round(float(sums[index] / counts[index]), 4)
            for index, name in enumerate(self.class_names)
            if counts[index]
        }


class Segmenter:
    def __init__(self, model: SegmentationNet, card: dict, device: str = "cpu"):
        self.model = ready_for_inference(model, device)
        self.device = device
        self.class_names: list[str] = list(card["class_names"])
        self.thresholds = exit_thresholds(card.get("adaptive_thresholds", 0.9), model.num_exits)
        self._ms_per_megapixel: list[float] | None = None

    def exit_for_budget(self, budget_ms: float, height: int, width: int) -> int:
        """The deepest exit expected to finish within the budget on this machine (at least 1)."""
        megapixels = height * width / 1e6
        fitting = [i + 1 for i, ms in enumerate(self.timings()) if ms * megapixels <= budget_ms]
        return max(fitting, default=1)

    def timings(self) -> list[float]:
        """Milliseconds per megapixel for each exit, measured once on this machine."""
        if self._ms_per_megapixel is None:
            image = torch.rand(1, 3, 360, 480, device=self.device)
            self._ms_per_megapixel = []
            for exit in range(1, self.model.num_exits + 1):
                predict_labels(self.model, image, exit=exit)  # warm-up
                start = time.perf_counter()
                for _ in range(3):
                    predict_labels(self.model, image, exit=exit)
                ms = (time.perf_counter() - start) / 3 * 1000
                self._ms_per_megapixel.append(ms / (360 * 480 / 1e6))
        return self._ms_per_megapixel

    def segment(
        self, image: np.ndarray, exit: str | int = "auto", budget_ms: float | None = None
    ) -> Segmentation:
        """image: (H, W, 3) uint8 RGB. exit: 1..N or 'auto'; a budget overrides exit."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(
                f"expected an 8-bit RGB image, got an array of shape {image.shape} ({image.dtype})"
            )
        if budget_ms is not None:
            if budget_ms <= 0:
                raise ValueError(f"budget_ms must be positive, got {budget_ms}")
            exit = self.exit_for_budget(budget_ms, *image.shape[:2])
        # uint8 as it is: the network turns it into standardized floats in one pass.
        tensor = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None]
        start = time.perf_counter()
        logits, used = self._predict_fitting(tensor, exit)
        labels = labels_at_size(logits, image.shape[:2])
        ms = (time.perf_counter() - start) * 1000
        return Segmentation(labels.cpu().numpy(), used, ms, self.class_names, logits.cpu())

    def _predict(self, image: torch.Tensor, exit: str | int) -> tuple[torch.Tensor, int]:
        image = image.to(self.device)
        if str(exit) == "auto":
            return predict(self.model, image, threshold=self.thresholds)
        return predict(self.model, image, exit=int(exit))

    def _predict_fitting(self, image: torch.Tensor, exit: str | int) -> tuple[torch.Tensor, int]:
        """The whole image at once, or, when that runs out of memory, in ever smaller tiles."""
        try:
            return self._predict(image, exit)
        except Exception as error:
            if not is_out_of_memory(error):
                raise
        for pieces in TILE_PIECES:
            free_memory()
            try:
                return self._predict_in_tiles(image, exit, pieces)
            except Exception as error:
                if not is_out_of_memory(error):
                    raise
                last = error
        raise last

    def _predict_in_tiles(
        self, image: torch.Tensor, exit: str | int, pieces: int
    ) -> tuple[torch.Tensor, int]:
        height, width = image.shape[-2:]
        logits, deepest = None, 1
        for top, bottom in _spans(height, pieces):
            for left, right in _spans(width, pieces):
                y0, x0 = max(top - TILE_MARGIN, 0), max(left - TILE_MARGIN, 0)
                y1, x1 = min(bottom + TILE_MARGIN, height), min(right + TILE_MARGIN, width)
                tile, used = self._predict(image[..., y0:y1, x0:x1], exit)
                tile = upsample_logits(tile, (y1 - y0, x1 - x0))
                if logits is None:
                    logits = torch.empty(1, tile.shape[1], height, width)
                logits[..., top:bottom, left:right] = tile[
                    ..., top - y0 : bottom - y0, left - x0 : right - x0
                ].cpu()
                deepest = max(deepest, used)
        return logits, deepest


def _spans(length: int, pieces: int) -> list[tuple[int, int]]:
    edges = np.linspace(0, length, min(pieces, length) + 1).round().astype(int)
    return list(zip(edges[:-1], edges[1:], strict=True))
