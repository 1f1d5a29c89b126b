"""Image to sequence (seed 001's one-to-many problem, "image caption generation"): a CNN reads the
image into a row of feature vectors, an LSTM writes the output tokens one by one, attending over
that row at every step (Xu et al. 2015, "Show, attend and tell", with Luong's dot attention).

- Encoder: ``Conv(3x3) -> ReLU`` blocks with 2x2 max pooling, then the height is flattened into the
  channels, so the memory is ``(batch, W', units)``: one vector per column band of the image.
- Decoder: the first state is ``tanh(W mean(memory))``; step t:
  ``s_t = LSTM([embed(y_{t-1}); c_{t-1}], s_{t-1})``, ``a_t = softmax(memory . W s_t)``,
  ``c_t = a_t @ memory``, logits ``= W_o tanh(W_c [c_t; s_t])`` (input feeding of c_{t-1}).
- ``PositionClassifier`` is the baseline: the same encoder, pooled, and one softmax per output
  position (a digit or "nothing").

Token ids: ``0 .. V-1`` the vocabulary, ``V`` the end token, ``V + 1`` the start token.

>>> import torch
>>> m = ImageToSequenceModel(vocab_size=10, height=12, width=48)
>>> logits, attention = m(torch.zeros(2, 12, 48), torch.full((2, 3), 11))
>>> logits.shape, attention.shape
(torch.Size([2, 3, 11]), torch.Size([2, 3, 12]))
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from seqlab.io.errors import ConfigError


class ConvEncoder(nn.Module):
    """``(batch, H, W)`` images -> ``(batch, W // 4, units)`` column features."""

    def __init__(self, height: int, units: int = 128, filters: tuple[int, ...] = (32, 64)):
        super().__init__()
        if height < 4:
            raise ConfigError(f"images must be at least 4 pixels high, got {height}")
        blocks, channels = [], 1
        for f in filters:
            blocks += [nn.Conv2d(channels, f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            channels = f
        self.convs = nn.Sequential(*blocks)
        self.project = nn.Linear(channels * (height // 2 ** len(filters)), units)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.convs(images.unsqueeze(1))                    # (B, C, H', W')
        x = x.permute(0, 3, 1, 2).flatten(2)                   # (B, W', C * H')
        return torch.relu(self.project(x))


class ImageToSequenceModel(nn.Module):
    """CNN encoder and attentive LSTM decoder; ``forward(images, tokens_in)`` is teacher-forced and
    returns ``(logits (B, T, V + 1), attention (B, T, W'))``."""

    def __init__(self, vocab_size: int, height: int, width: int, units: int = 128, embedding_dim: int = 32):
        super().__init__()
        self.vocab_size, self.height, self.width = int(vocab_size), int(height), int(width)
        self.encoder = ConvEncoder(height, units)
        self.embed = nn.Embedding(vocab_size + 2, embedding_dim)
        self.cell = nn.LSTMCell(embedding_dim + units, units)
        self.query = nn.Linear(units, units, bias=False)
        self.combine = nn.Linear(2 * units, units)
        self.out = nn.Linear(units, vocab_size + 1)
        self.init_state = nn.Linear(units, 2 * units)
        self.units = units

    @property
    def end(self) -> int:
        return self.vocab_size

    @property
    def start(self) -> int:
        return self.vocab_size + 1

    def _step(self, token, state, context, memory):
        h, c = self.cell(torch.cat([self.embed(token), context], -1), state)
        weights = torch.softmax(torch.einsum("bwu,bu->bw", memory, self.query(h)), -1)
        context = torch.einsum("bw,bwu->bu", weights, memory)
        logits = self.out(torch.tanh(self.combine(torch.cat([context, h], -1))))
        return logits, (h, c), context, weights

    def _begin(self, images):
        memory = self.encoder(images)
        h, c = torch.tanh(self.init_state(memory.mean(1))).chunk(2, -1)   # Xu et al.: state from the mean feature
        return memory, (h, c), memory.new_zeros(len(images), self.units)

    def forward(self, images: torch.Tensor, tokens_in: torch.Tensor):
        memory, state, context = self._begin(images)
        logits, attention = [], []
        for t in range(tokens_in.shape[1]):
            step, state, context, weights = self._step(tokens_in[:, t], state, context, memory)
            logits.append(step)
            attention.append(weights)
        return torch.stack(logits, 1), torch.stack(attention, 1)

    @torch.no_grad()
    def greedy(self, images: torch.Tensor, max_length: int):
        """Greedy decoding: ``(ids (B, T) with the end token after the last output, attention (B, T, W'))``."""
        memory, state, context = self._begin(images)
        token = torch.full((len(images),), self.start, dtype=torch.long)
        ids, attention = [], []
        for _ in range(int(max_length) + 1):
            logits, state, context, weights = self._step(token, state, context, memory)
            token = logits.argmax(-1)
            ids.append(token)
            attention.append(weights)
        return torch.stack(ids, 1), torch.stack(attention, 1)


class PositionClassifier(nn.Module):
    """Baseline: the same encoder, mean-pooled over columns, and ``positions`` softmax heads of
    ``vocab_size + 1`` classes (the last = no token at that position)."""

    def __init__(self, vocab_size: int, height: int, positions: int, units: int = 128):
        super().__init__()
        self.vocab_size, self.positions = int(vocab_size), int(positions)
        self.encoder = ConvEncoder(height, units)
        self.heads = nn.Linear(2 * units, positions * (vocab_size + 1))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        memory = self.encoder(images)
        pooled = torch.cat([memory.mean(1), memory.amax(1)], -1)
        return self.heads(pooled).view(len(images), self.positions, self.vocab_size + 1)


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor, pad: int = -100) -> torch.Tensor:
    """Mean cross-entropy over the non-padding target positions."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=pad)
