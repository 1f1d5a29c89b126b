"""The classic convolution kernels of seed 002 and pictures of the feature maps they (or a model's
layers) produce.

``KERNELS`` maps a name to a 3x3 NumPy kernel: vertical/horizontal edge, Prewitt, Sobel and
Scharr (each as ``_vertical`` and ``_horizontal``), sharpen, edge_detect and strong_edge.
Seed 002 prints the edge-detect kernel as ``[[0, 1, 0], [-1, -4, 1], [0, 1, 0]]``; its entries
then sum to -2, so a flat patch would not map to 0. ``edge_detect`` here is the Laplacian the
slide means, ``[[0, 1, 0], [1, -4, 1], [0, 1, 0]]``.

Kernels are applied as deep-learning layers apply them (cross-correlation, no flip), through a
``Conv2D`` holding the kernel, so what you see is what the layer computes.

>>> import numpy as np
>>> apply_kernel("vertical_edge", np.array([[10, 10, 10, 0, 0, 0]] * 6))[0].tolist()
[0.0, 30.0, 30.0, 0.0]
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.conv import Conv2D

_V = np.array([[1, 0, -1]] * 3)
KERNELS: dict[str, np.ndarray] = {
    "vertical_edge": _V,
    "horizontal_edge": _V.T.copy(),
    "prewitt_vertical": _V,
    "prewitt_horizontal": _V.T.copy(),
    "sobel_vertical": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
    "sobel_horizontal": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
    "scharr_vertical": np.array([[3, 0, -3], [10, 0, -10], [3, 0, -3]]),
    "scharr_horizontal": np.array([[3, 10, 3], [0, 0, 0], [-3, -10, -3]]),
    "sharpen": np.array([[-1, -1, -1], [-1, 9, -1], [-1, -1, -1]]),
    "edge_detect": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "strong_edge": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
}


def get_kernel(kernel) -> np.ndarray:
    """A 2-D float kernel from a name in ``KERNELS`` or an array-like ``(kh, kw)``.

    >>> get_kernel("sobel_vertical")[1].tolist()
    [2.0, 0.0, -2.0]
    """
    if isinstance(kernel, str):
        if kernel not in KERNELS:
            raise ConfigError(f"unknown kernel {kernel!r}; choose one of {', '.join(KERNELS)}")
        kernel = KERNELS[kernel]
    k = np.asarray(kernel, dtype=np.float32)
    if k.ndim != 2:
        raise ConfigError(f"a kernel must be 2-D (kh, kw), got shape {k.shape}")
    return k


def _gray(image) -> np.ndarray:
    img = np.asarray(image, dtype=np.float32)
    if img.ndim == 3:  # (H, W, C): average the colour channels
        img = img.mean(axis=-1)
    if img.ndim != 2:
        raise DataError(f"image must be (H, W) or (H, W, C), got shape {img.shape}")
    if not np.isfinite(img).all():
        raise DataError("image holds NaN or infinite values")
    return img


def apply_kernel(kernel, image, padding: str = "valid") -> np.ndarray:
    """Convolve a grey image ``(H, W)`` (or ``(H, W, C)``, averaged to grey) with one kernel.

    Returns the feature map ``(H', W')``; ``padding="same"`` keeps ``(H, W)``.

    >>> apply_kernel("edge_detect", np.ones((5, 5))).tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    k, img = get_kernel(kernel), _gray(image)
    conv = Conv2D(1, k.shape, padding=padding, use_bias=False, input_shape=(*img.shape, 1))
    conv.set_weights([k[:, :, None, None]])
    with torch.no_grad():
        return conv(torch.from_numpy(img)[None, :, :, None])[0, 0].numpy()


def _layer_maps(model, image, max_maps: int) -> list[tuple[str, np.ndarray]]:
    """Run ``image`` through the model's layers; keep each image-shaped output (C, H, W)."""
    x = torch.as_tensor(np.asarray(image, dtype=np.float32))
    if x.dim() == 2:
        x = x[:, :, None]
    x = x[None]
    maps = []
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for layer in model.layers:
                x = layer(x)
                if x.dim() == 4:
                    maps.append((f"{layer.name} ({type(layer).__name__})", x[0, :max_maps].numpy()))
    finally:
        model.train(was_training)
    if not maps:
        raise ConfigError("the model has no layer with image-shaped output (batch, C, H, W) to show")
    return maps


def feature_maps(model_or_kernel, image, path, max_maps: int = 8, padding: str = "valid") -> Path:
    """Plot feature maps of ``image`` to a PNG at ``path`` and return the path.

    ``model_or_kernel`` is one of:

    * a kernel name or 2-D array, or a list of them (``"all"`` for every kernel in ``KERNELS``):
      one panel per kernel after the original image, each map convolved as ``apply_kernel`` does;
    * a model with ``.layers`` (``seqlab.Sequential``) whose first layer takes ``image``
      (``(H, W)`` or ``(H, W, C)``): one row per layer with image-shaped output, up to ``max_maps``
      channels each.

    >>> import numpy as np, tempfile, os
    >>> out = feature_maps(["sobel_vertical", "sharpen"], np.eye(8), os.path.join(tempfile.mkdtemp(), "f.png"))
    >>> out.name
    'f.png'
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    if hasattr(model_or_kernel, "layers"):
        rows = _layer_maps(model_or_kernel, image, max_maps)
        cols = max(m.shape[0] for _, m in rows)
        fig, axes = plt.subplots(len(rows), cols, figsize=(1.6 * cols, 1.8 * len(rows)), squeeze=False)
        for r, (title, maps) in enumerate(rows):
            for c in range(cols):
                ax = axes[r][c]
                ax.axis("off")
                if c < maps.shape[0]:
                    ax.imshow(maps[c], cmap="gray")
                    ax.set_title(f"{title} #{c}" if c == 0 else f"#{c}", fontsize=7, loc="left")
    else:
        kernels = list(KERNELS) if model_or_kernel == "all" else (
            model_or_kernel if isinstance(model_or_kernel, (list, tuple)) else [model_or_kernel])
        panels = [("original", _gray(image))]
        panels += [(k if isinstance(k, str) else f"kernel {i}", apply_kernel(k, image, padding))
                   for i, k in enumerate(kernels)]
        cols = min(len(panels), 4)
        n_rows = -(-len(panels) // cols)
        fig, axes = plt.subplots(n_rows, cols, figsize=(2.4 * cols, 2.5 * n_rows), squeeze=False)
        for ax in axes.flat:
            ax.axis("off")
        for ax, (title, img) in zip(axes.flat, panels):
            ax.imshow(img, cmap="gray")
            ax.set_title(title, fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
