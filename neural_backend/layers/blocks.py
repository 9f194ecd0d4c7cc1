"""Convolution blocks used by the segmentation and harmonization networks."""

from __future__ import annotations

from torch import Tensor, nn


class ConvBNReLU(nn.Sequential):
    """Conv, batch norm, ReLU: the plain workhorse."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int = 3, stride: int = 1, groups: int = 1):
        super().__init__(
            nn.Conv2d(in_ch, out_ch, kernel, stride, kernel // 2, groups=groups, bias=False),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
        )


class SeparableResidual(nn.Module):
    """Depthwise 3×3 then pointwise 1×1, twice, with a skip: most of the receptive field for a
    fraction of a full convolution's cost, which is what a CPU budget needs."""

    def __init__(self, channels: int, dilation: int = 1):
        super().__init__()
        layers = []
        for _ in range(2):
            layers += [
                nn.Conv2d(
                    channels, channels, 3, 1, dilation, dilation, groups=channels, bias=False
                ),
                nn.BatchNorm2d(channels),
                nn.Conv2d(channels, channels, 1, bias=False),
                nn.BatchNorm2d(channels),
                nn.ReLU(inplace=True),
            ]
        self.body = nn.Sequential(*layers[:-1])
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.body(x))


class IdentityStartResidual(nn.Module):
    """x + (conv, BN, ReLU, conv, BN)(x) with the last BN's scale at zero: the block starts as the
    identity, so it can be added to a trained network without changing what it computes."""

    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(
            ConvBNReLU(channels, channels),
            nn.Conv2d(channels, channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(channels),
        )
        nn.init.zeros_(self.body[-1].weight)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)


class Downsample(nn.Sequential):
    """Halve the resolution and change the width: strided depthwise, then pointwise."""

    def __init__(self, in_ch: int, out_ch: int):
        super().__init__(
            nn.Conv2d(in_ch, in_ch, 3, 2, 1, groups=in_ch, bias=False),
            nn.BatchNorm2d(in_ch),
            ConvBNReLU(in_ch, out_ch, kernel=1),
        )
