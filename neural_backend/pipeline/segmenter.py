"""Segment photos with the multi-exit network: by exit, by time budget, or adaptively."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from neural_backend.models.segmentation import SegmentationNet, predict

EXIT_CHOICES = ("1", "2", "3", "auto")


@dataclass
class Segmentation:
    labels: np.ndarray  # (H, W) uint8 class indices
    exit: int
    ms: float
    class_confidence: dict[str, float]  # mean top probability over each class's pixels


class Segmenter:
    def __init__(self, model: SegmentationNet, card: dict, device: str = "cpu"):
        self.model = model.to(device).eval()
        self.device = device
        self.class_names: list[str] = list(card["class_names"])
        self.threshold = float(card.get("adaptive_threshold", 0.9))
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
                predict(self.model, image, exit=exit)  # warm-up
                start = time.perf_counter()
                for _ in range(3):
                    predict(self.model, image, exit=exit)
                ms = (time.perf_counter() - start) / 3 * 1000
                self._ms_per_megapixel.append(ms / (360 * 480 / 1e6))
        return self._ms_per_megapixel

    def segment(
        self, image: np.ndarray, exit: str | int = "auto", budget_ms: float | None = None
    ) -> Segmentation:
        """image: (H, W, 3) uint8 RGB. exit: 1..N or 'auto'; a budget overrides exit."""
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"expected an RGB image, got an array of shape {image.shape}")
        if budget_ms is not None:
            if budget_ms <= 0:
                raise ValueError(f"budget_ms must be positive, got {budget_ms}")
            exit = self.exit_for_budget(budget_ms, *image.shape[:2])
        tensor = torch.from_numpy(np.array(image)).permute(2, 0, 1)[None].float().div(255)
        start = time.perf_counter()
        if str(exit) == "auto":
            logits, used = predict(self.model, tensor.to(self.device), threshold=self.threshold)
        else:
            logits, used = predict(self.model, tensor.to(self.device), exit=int(exit))
        probabilities = logits.softmax(1)[0]
        top, labels = probabilities.max(0)
        ms = (time.perf_counter() - start) * 1000
        labels, top = labels.cpu().numpy().astype(np.uint8), top.cpu().numpy()
        confidence = {
            name: round(float(top[labels == index].mean()), 4)
            for index, name in enumerate(self.class_names)
            if (labels == index).any()
        }
        return Segmentation(labels, used, ms, confidence)
