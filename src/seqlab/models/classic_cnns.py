"""The classic CNN architectures the course lists: LeNet-5, AlexNet, VGG-16, GoogLeNet, ResNet-18/50.

Plain ``torch.nn`` modules on NCHW images, built from the papers (with the conventions of the
widely used reference implementations where the papers leave a choice), so their parameter counts
equal the published ones (``PUBLISHED_PARAMETERS``; the tests check every builder):

- LeNet-5 (LeCun et al., 1998) in its modern form: full C3 connectivity, max pooling and a linear
  output instead of the RBF layer; 32x32 inputs. (The 1998 network, with its partial C3 table and
  trainable subsampling, has 60,840.)
- AlexNet (Krizhevsky et al., 2012) as in "One weird trick" (Krizhevsky, 2014): 64-192-384-256-256
  filters, one tower.
- VGG-16 (Simonyan & Zisserman, 2015): configuration D.
- GoogLeNet (Szegedy et al., 2015): inception v1 with batch-normalised convolutions and no
  auxiliary classifiers; like the common reference implementation its "5x5" branch uses a 3x3
  kernel.
- ResNet-18 / ResNet-50 (He et al., 2016): basic and bottleneck blocks, projection shortcuts where
  the shape changes.

>>> import torch
>>> resnet18(num_classes=10)(torch.zeros(1, 3, 64, 64)).shape
torch.Size([1, 10])
"""
from __future__ import annotations

import torch
from torch import nn

PUBLISHED_PARAMETERS = {"lenet5": 61_706, "alexnet": 61_100_840, "vgg16": 138_357_544, "googlenet": 6_624_904,
                        "resnet18": 11_689_512, "resnet50": 25_557_032}


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters of ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def lenet5(num_classes: int = 10, in_channels: int = 1) -> nn.Sequential:
    """LeNet-5 for ``(n, in_channels, 32, 32)`` images: 61,706 parameters for 10 classes."""
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, 5), nn.Tanh(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, num_classes))


def alexnet(num_classes: int = 1000, dropout: float = 0.5) -> nn.Sequential:
    """AlexNet for 224x224 RGB images: 61,100,840 parameters for 1,000 classes."""
    return nn.Sequential(
        nn.Conv2d(3, 64, 11, stride=4, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.AdaptiveAvgPool2d(6), nn.Flatten(),
        nn.Dropout(dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
        nn.Dropout(dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, num_classes))


def vgg16(num_classes: int = 1000, dropout: float = 0.5) -> nn.Sequential:
    """VGG-16 (configuration D) for 224x224 RGB images: 138,357,544 parameters for 1,000 classes."""
    layers: list[nn.Module] = []
    channels = 3
    for block in ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)):
        for width in block:
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(inplace=True)]
            channels = width
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(
        *layers, nn.AdaptiveAvgPool2d(7), nn.Flatten(),
        nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),
        nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout), nn.Linear(4096, num_classes))


def _conv_bn(cin: int, cout: int, kernel: int, stride: int = 1, padding: int = 0, eps: float = 1e-5) -> list:
    return [nn.Conv2d(cin, cout, kernel, stride, padding, bias=False), nn.BatchNorm2d(cout, eps=eps)]


class Inception(nn.Module):
    """GoogLeNet's block: 1x1, 1x1 -> 3x3, 1x1 -> "5x5" (3x3), 3x3 max pool -> 1x1, concatenated."""

    def __init__(self, cin: int, c1: int, c3_reduce: int, c3: int, c5_reduce: int, c5: int, pool: int):
        super().__init__()

        def unit(a, b, k, p=0):
            return [*_conv_bn(a, b, k, padding=p, eps=1e-3), nn.ReLU(inplace=True)]

        self.branches = nn.ModuleList([
            nn.Sequential(*unit(cin, c1, 1)),
            nn.Sequential(*unit(cin, c3_reduce, 1), *unit(c3_reduce, c3, 3, 1)),
            nn.Sequential(*unit(cin, c5_reduce, 1), *unit(c5_reduce, c5, 3, 1)),
            nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), *unit(cin, pool, 1))])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([branch(x) for branch in self.branches], 1)


def googlenet(num_classes: int = 1000, dropout: float = 0.2) -> nn.Sequential:
    """GoogLeNet (inception v1, batch-normalised, no auxiliary heads): 6,624,904 parameters."""
    def unit(a, b, k, s=1, p=0):
        return [*_conv_bn(a, b, k, s, p, eps=1e-3), nn.ReLU(inplace=True)]

    def pool():
        return nn.MaxPool2d(3, 2, ceil_mode=True)

    return nn.Sequential(
        *unit(3, 64, 7, 2, 3), pool(), *unit(64, 64, 1), *unit(64, 192, 3, 1, 1), pool(),
        Inception(192, 64, 96, 128, 16, 32, 32), Inception(256, 128, 128, 192, 32, 96, 64), pool(),
        Inception(480, 192, 96, 208, 16, 48, 64), Inception(512, 160, 112, 224, 24, 64, 64),
        Inception(512, 128, 128, 256, 24, 64, 64), Inception(512, 112, 144, 288, 32, 64, 64),
        Inception(528, 256, 160, 320, 32, 128, 128), nn.MaxPool2d(2, 2, ceil_mode=True),
        Inception(832, 256, 160, 320, 32, 128, 128), Inception(832, 384, 192, 384, 48, 128, 128),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(1024, num_classes))


class Residual(nn.Module):
    """``relu(body(x) + shortcut(x))``; the shortcut is a strided 1x1 convolution when shapes change."""

    def __init__(self, body: nn.Module, cin: int, cout: int, stride: int):
        super().__init__()
        self.body = body
        self.shortcut = (nn.Sequential(*_conv_bn(cin, cout, 1, stride)) if stride != 1 or cin != cout
                         else nn.Identity())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.body(x) + self.shortcut(x))


def _basic(cin: int, width: int, stride: int) -> Residual:
    body = nn.Sequential(*_conv_bn(cin, width, 3, stride, 1), nn.ReLU(inplace=True), *_conv_bn(width, width, 3, 1, 1))
    return Residual(body, cin, width, stride)


def _bottleneck(cin: int, width: int, stride: int) -> Residual:
    body = nn.Sequential(*_conv_bn(cin, width, 1), nn.ReLU(inplace=True), *_conv_bn(width, width, 3, stride, 1),
                         nn.ReLU(inplace=True), *_conv_bn(width, 4 * width, 1))
    return Residual(body, cin, 4 * width, stride)


def _resnet(block, expansion: int, depths: tuple[int, ...], num_classes: int) -> nn.Sequential:
    layers: list[nn.Module] = [*_conv_bn(3, 64, 7, 2, 3), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
    channels = 64
    for stage, (width, depth) in enumerate(zip((64, 128, 256, 512), depths)):
        for i in range(depth):
            layers.append(block(channels, width, 2 if i == 0 and stage > 0 else 1))
            channels = width * expansion
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))


def resnet18(num_classes: int = 1000) -> nn.Sequential:
    """ResNet-18 (basic blocks 2-2-2-2): 11,689,512 parameters for 1,000 classes."""
    return _resnet(_basic, 1, (2, 2, 2, 2), num_classes)


def resnet50(num_classes: int = 1000) -> nn.Sequential:
    """ResNet-50 (bottleneck blocks 3-4-6-3): 25,557,032 parameters for 1,000 classes."""
    return _resnet(_bottleneck, 4, (3, 4, 6, 3), num_classes)


BUILDERS = {"lenet5": lenet5, "alexnet": alexnet, "vgg16": vgg16, "googlenet": googlenet,
            "resnet18": resnet18, "resnet50": resnet50}
