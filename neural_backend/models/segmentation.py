"""Multi-exit segmentation network with self-distillation (issue 4).

An encoder of three levels (1/8, 1/16, 1/32 of the input) and a decoder with a classifier at each
level. Exit 1 needs only the stem and the first level; exit 2 adds the second level and a fusion;
exit 3 adds the deepest level, a pooled global context and a decoder back to 1/4 resolution.
`iter_exits` computes the levels lazily, so stopping at an exit really skips everything deeper.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from neural_backend.layers.blocks import ConvBNReLU, Downsample, SeparableResidual
from neural_backend.models.config import JsonConfig

# ImageNet-like statistics; the network takes RGB as floats in [0, 1] or as uint8 in 0–255, and
# normalizes inside.
_MEAN = (0.485, 0.456, 0.406)
_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class SegmentationConfig(JsonConfig):
    num_classes: int = 11
    widths: tuple[int, int, int, int] = (32, 64, 128, 256)
    depths: tuple[int, int, int] = (2, 4, 6)
    head_width: int = 64


class Classifier(nn.Sequential):
    def __init__(self, in_ch: int, width: int, num_classes: int):
        super().__init__(
            ConvBNReLU(in_ch, width), nn.Dropout2d(0.1), nn.Conv2d(width, num_classes, 1)
        )


class Fuse(nn.Module):
    """Upsample a deeper feature, project it to the shallower width, add, refine."""

    def __init__(self, deep_ch: int, shallow_ch: int):
        super().__init__()
        self.project = ConvBNReLU(deep_ch, shallow_ch, kernel=1)
        self.refine = SeparableResidual(shallow_ch)

    def forward(self, deep: Tensor, shallow: Tensor) -> Tensor:
        deep = F.interpolate(deep, size=shallow.shape[-2:], mode="bilinear", align_corners=False)
        return self.refine(self.project(deep) + shallow)


class GlobalContext(nn.Module):
    """Image-level pooling added back everywhere: the deepest exit knows the whole scene."""

    def __init__(self, channels: int):
        super().__init__()
        self.project = nn.Sequential(nn.Conv2d(channels, channels, 1), nn.ReLU(inplace=True))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.project(x.mean(dim=(2, 3), keepdim=True))


def _level(in_ch: int, out_ch: int, depth: int, dilations: tuple[int, ...] = (1,)) -> nn.Sequential:
    blocks = [SeparableResidual(out_ch, dilations[i % len(dilations)]) for i in range(depth)]
    return nn.Sequential(Downsample(in_ch, out_ch), *blocks)


class SegmentationNet(nn.Module):
    num_exits = 3

    def __init__(self, config: SegmentationConfig = SegmentationConfig()):
        super().__init__()
        self.config = config
        w0, w1, w2, w3 = config.widths
        d1, d2, d3 = config.depths
        k, h = config.num_classes, config.head_width
        # (image - mean) / std as one multiply-add over the full-size image.
        mean, std = torch.tensor(_MEAN).view(1, 3, 1, 1), torch.tensor(_STD).view(1, 3, 1, 1)
        self.register_buffer("scale", 1 / std, persistent=False)
        self.register_buffer("shift", -mean / std, persistent=False)
        self.stem = nn.Sequential(ConvBNReLU(3, 16, stride=2), ConvBNReLU(16, w0, stride=2))
        self.level1 = _level(w0, w1, d1)
        self.level2 = _level(w1, w2, d2, dilations=(1, 2))
        self.level3 = nn.Sequential(_level(w2, w3, d3, dilations=(1, 2, 4)), GlobalContext(w3))
        self.fuse2 = Fuse(w2, w1)
        self.fuse3_16 = Fuse(w3, w2)
        self.fuse3_8 = Fuse(w2, w1)
        self.fuse3_4 = Fuse(w1, w0)
        self.exit1 = Classifier(w1, h // 2, k)
        self.exit2 = Classifier(w1, h, k)
        self.exit3 = Classifier(w0, h, k)

    def iter_exits(self, image: Tensor) -> Iterator[Tensor]:
        """Yield each exit's logits (at its own resolution), computing deeper levels on demand."""
        if image.dtype == torch.uint8:  # 0–255 (torchvision's convention): /255 joins the scale
            x = torch.addcmul(self.shift, image.float(), self.scale / 255)
        else:
            x = torch.addcmul(self.shift, image, self.scale)
        quarter = self.stem(x)
        eighth = self.level1(quarter)
        yield self.exit1(eighth)
        sixteenth = self.level2(eighth)
        fused2 = self.fuse2(sixteenth, eighth)
        yield self.exit2(fused2)
        deepest = self.level3(sixteenth)
        up16 = self.fuse3_16(deepest, sixteenth)
        up8 = self.fuse3_8(up16, fused2)
        up4 = self.fuse3_4(up8, quarter)
        yield self.exit3(up4)

    def forward(self, image: Tensor) -> list[Tensor]:
        """All exits' logits at the input's resolution (training and distillation)."""
        return [upsample_logits(logits, image.shape[-2:]) for logits in self.iter_exits(image)]


def upsample_logits(logits: Tensor, size: tuple[int, int]) -> Tensor:
    return F.interpolate(logits, size=size, mode="bilinear", align_corners=False)


def labels_at_size(logits: Tensor, size: tuple[int, int]) -> Tensor:
    """(H, W) uint8 class indices: the argmax of one image's logits upsampled bilinearly
    (align_corners=False) to `size`, exactly, without upsampling every class everywhere.

    With an integer factor s, output pixels fall into s×s blocks that share their four source
    pixels (replicate-padding by one puts the border pixels in such blocks too). A block whose
    four sources rank the same class first keeps that class, since a convex combination of logit
    vectors that all put class c first also puts c first; only the other blocks are interpolated.
    (max(0).indices throughout: argmax across channels is ~20× slower on the CPU.)
    """
    (h, w), (height, width) = logits.shape[-2:], size
    s = height // h
    if s < 2 or height != s * h or width != s * w:
        return upsample_logits(logits, size)[0].max(0).indices.to(torch.uint8)
    padded = F.pad(logits, (1, 1, 1, 1), mode="replicate")[0]
    low = padded.max(0).indices.to(torch.uint8)
    corners = low[:-1, :-1], low[:-1, 1:], low[1:, :-1], low[1:, 1:]
    mixed = (corners[0] != corners[1]) | (corners[0] != corners[2]) | (corners[0] != corners[3])
    blocks = corners[0][:, None, :, None].expand(h + 1, s, w + 1, s).clone()
    rows, cols = mixed.nonzero(as_tuple=True)
    if len(rows):
        # Each block is the same blend of its four corners: one (k·n, 4) × (4, s²) product.
        top_left = (rows * (w + 2) + cols)[:, None]
        corners = torch.cat([top_left, top_left + 1, top_left + w + 2, top_left + w + 3], 1)
        mix = padded.flatten(1)[:, corners] @ _block_weights(s, logits.dtype, logits.device)
        blocks[rows, :, cols, :] = mix.max(0).indices.view(-1, s, s).to(torch.uint8)
    half = s // 2
    return blocks.reshape((h + 1) * s, (w + 1) * s)[half : half + height, half : half + width]


@functools.cache
def _block_weights(s: int, dtype: torch.dtype, device: torch.device) -> Tensor:
    """(4, s²): the bilinear weights of a block's top-left, top-right, bottom-left and
    bottom-right source pixels at each of its s×s output pixels (align_corners=False)."""
    t = (torch.arange(s, dtype=torch.float64) + 0.5) / s
    y, x = t[:, None], t[None, :]
    weights = torch.stack([(1 - y) * (1 - x), (1 - y) * x, y * (1 - x), y * x])
    return weights.reshape(4, s * s).to(dtype=dtype, device=device)


def confidence(logits: Tensor) -> Tensor:
    """Mean over pixels of the top class probability, one value per image."""
    return logits.softmax(dim=1).amax(dim=1).flatten(1).mean(dim=1)


@torch.no_grad()
def predict(
    model: SegmentationNet,
    image: Tensor,
    exit: int | None = None,
    threshold: float | Sequence[float] | None = None,
) -> tuple[Tensor, int]:
    """Logits at the exit's own resolution, and the exit that made them.

    Give `exit` (1..N) to stop there, or `threshold` to stop at the first exit whose confidence
    reaches it (adaptive): one value for every exit, or one per exit before the deepest (each
    exit's confidence means something different). Deeper levels than the one used are never
    computed.
    """
    if (exit is None) == (threshold is None):
        raise ValueError("give exactly one of exit or threshold")
    if exit is not None and not 1 <= exit <= model.num_exits:
        raise ValueError(f"exit must be 1..{model.num_exits}, got {exit}")
    thresholds = exit_thresholds(threshold, model.num_exits) if threshold is not None else None
    for index, logits in enumerate(model.iter_exits(image), start=1):
        if index == exit or index == model.num_exits:
            break
        if thresholds is not None and bool((confidence(logits) >= thresholds[index - 1]).all()):
            break
    return logits, index


def exit_thresholds(threshold: float | Sequence[float], num_exits: int) -> list[float]:
    """One confidence threshold per exit before the deepest."""
    if isinstance(threshold, int | float):
        return [float(threshold)] * (num_exits - 1)
    if len(threshold) != num_exits - 1:
        raise ValueError(f"need {num_exits - 1} thresholds (one per exit before the deepest)")
    return [float(t) for t in threshold]


def predict_labels(
    model: SegmentationNet,
    image: Tensor,
    exit: int | None = None,
    threshold: float | Sequence[float] | None = None,
) -> tuple[Tensor, int]:
    """One image's (H, W) uint8 label map at its own size, and the exit that made it."""
    logits, used = predict(model, image, exit, threshold)
    return labels_at_size(logits, image.shape[-2:]), used
