"""Image to sequence (seed 001's one-to-many problem, "image caption generation"): a CNN reads the
image into a row of feature vectors, an LSTM writes the output tokens one by one, attending over
that row at every step (Xu et al. 2015, "Show, attend and tell", with Luong's dot attention).

- Encoder: ``Conv(3x3) -> BatchNorm -> ReLU`` blocks with max pooling (by default 2x2, then 2x1 so
  that the columns keep half the image's resolution), then the height is flattened into the
  channels and a bidirectional LSTM runs along the columns (as in Shi et al. 2015's CRNN), so the
  memory is ``(batch, W', units)``: one vector per column band, aware of its neighbours and of
  where it lies. Without that LSTM the decoder loses its place on longer numbers: on 4-digit
  validation numbers, after 4,000 steps, 0.46 read exactly against 0.97 with it (the settings
  study in ``benchmarks/image_to_sequence.py``).
- Decoder: the first state is ``tanh(W mean(memory))``; step t:
  ``s_t = LSTM([embed(y_{t-1}); c_{t-1}], s_{t-1})``, ``a_t = softmax(memory . W s_t)``,
  ``c_t = a_t @ memory``, logits ``= W_o tanh(W_c [c_t; s_t])`` (input feeding of c_{t-1});
  ``dropout`` (training only) on the memory and on ``tanh(W_c [c_t; s_t])``.
- ``PositionClassifier`` is the baseline: the same encoder, its column vectors concatenated, and
  one softmax per output position (a digit or "nothing"), as Goodfellow et al. 2014 read house
  numbers; ``dropout`` on the concatenated columns.

Token ids: ``0 .. V-1`` the vocabulary, ``V`` the end token, ``V + 1`` the start token.

>>> import torch
>>> m = ImageToSequenceModel(vocab_size=10, height=12, width=48)
>>> logits, attention = m(torch.zeros(2, 12, 48), torch.full((2, 3), 11))
>>> logits.shape, attention.shape
(torch.Size([2, 3, 11]), torch.Size([2, 3, 24]))
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from seqlab.io.errors import ConfigError


class ConvEncoder(nn.Module):
    """``(batch, H, W)`` images -> ``(batch, W', units)`` column features.

    One block per entry of ``filters``: ``Conv(3x3) -> BatchNorm -> ReLU`` then max pooling by that
    block's ``pools`` entry (rows, columns); the height left is flattened into the channels and
    projected to ``units``. ``recurrent=True`` runs a bidirectional LSTM along the columns after
    that, so each column's vector also knows its neighbours and where it lies in the row."""

    def __init__(self, height: int, units: int = 128, filters: tuple[int, ...] = (32, 64, 96),
                 pools: tuple[tuple[int, int], ...] = ((2, 2), (2, 1), (1, 1)), batch_norm: bool = True,
                 recurrent: bool = True):
        super().__init__()
        if len(pools) != len(filters):
            raise ConfigError(f"need one pooling per convolution block, got {len(filters)} blocks, {len(pools)} pools")
        rows = height
        for p_rows, _ in pools:
            rows //= p_rows
        if rows < 1:
            raise ConfigError(f"images {height} pixels high are pooled to nothing by {pools}")
        blocks, channels = [], 1
        for f, pool in zip(filters, pools):
            blocks += [nn.Conv2d(channels, f, 3, padding=1, bias=not batch_norm)]
            blocks += [nn.BatchNorm2d(f)] if batch_norm else []
            blocks += [nn.ReLU()] + ([nn.MaxPool2d(tuple(pool))] if tuple(pool) != (1, 1) else [])
            channels = f
        self.convs = nn.Sequential(*blocks)
        self.column_pools = [int(p[1]) for p in pools]
        self.project = nn.Linear(channels * rows, units)
        self.recurrent = nn.LSTM(units, units // 2, batch_first=True, bidirectional=True) if recurrent else None

    def columns(self, width: int) -> int:
        """How many column vectors an image ``width`` pixels wide gives."""
        for pool in self.column_pools:
            width //= pool
        return width

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.convs(images.unsqueeze(1))                    # (B, C, H', W')
        x = x.permute(0, 3, 1, 2).flatten(2)                   # (B, W', C * H')
        x = torch.relu(self.project(x))
        return x if self.recurrent is None else self.recurrent(x)[0]


class ImageToSequenceModel(nn.Module):
    """CNN encoder and attentive LSTM decoder; ``forward(images, tokens_in)`` is teacher-forced and
    returns ``(logits (B, T, V + 1), attention (B, T, W'))``."""

    def __init__(self, vocab_size: int, height: int, width: int, units: int = 128, embedding_dim: int = 32,
                 encoder: dict | None = None, dropout: float = 0.0):
        super().__init__()
        self.vocab_size, self.height, self.width = int(vocab_size), int(height), int(width)
        self.encoder = ConvEncoder(height, units, **(encoder or {}))
        self.embed = nn.Embedding(vocab_size + 2, embedding_dim)
        self.cell = nn.LSTMCell(embedding_dim + units, units)
        self.query = nn.Linear(units, units, bias=False)
        self.combine = nn.Linear(2 * units, units)
        self.out = nn.Linear(units, vocab_size + 1)
        self.init_state = nn.Linear(units, 2 * units)
        self.units = units
        self.dropout = nn.Dropout(float(dropout))

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
        logits = self.out(self.dropout(torch.tanh(self.combine(torch.cat([context, h], -1)))))
        return logits, (h, c), context, weights

    def _begin(self, images):
        memory = self.dropout(self.encoder(images))
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
    """Baseline: the same encoder, its ``W'`` column vectors concatenated, and ``positions`` softmax
    heads of ``vocab_size + 1`` classes (the last = no token at that position); ``forward(images)``
    returns logits ``(B, positions, vocab_size + 1)``."""

    def __init__(self, vocab_size: int, height: int, width: int, positions: int, units: int = 128,
                 encoder: dict | None = None, dropout: float = 0.0):
        super().__init__()
        self.vocab_size, self.positions = int(vocab_size), int(positions)
        self.encoder = ConvEncoder(height, units, **(encoder or {}))
        columns = self.encoder.columns(int(width))
        if columns < 1:
            raise ConfigError(f"images {width} pixels wide are pooled to no columns")
        self.heads = nn.Linear(columns * units, positions * (vocab_size + 1))
        self.dropout = nn.Dropout(float(dropout))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        memory = self.encoder(images)
        return self.heads(self.dropout(memory.flatten(1))).view(len(images), self.positions, self.vocab_size + 1)


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor, pad: int = -100) -> torch.Tensor:
    """Mean cross-entropy over the non-padding target positions."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=pad)
