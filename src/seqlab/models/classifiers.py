"""Sequence classifiers: an input stage, an encoder chosen by name, and a softmax head.

Inputs come in one of two forms, and both carry their own padding mask:

- token ids ``(batch, time)`` (``vocab_size`` set): id 0 is padding, masked by
  ``Embedding(mask_zero=True)``;
- numbers ``(batch, time, features + 1)``: the last channel is 1 at real steps and 0 at padded
  steps (see :func:`pack_series`), so series of different lengths share a batch.

Encoders (seed 001's LSTM families, seed 004, Wang et al. 2017 for the FCN):

==================== =====================================================================
``lstm``, ``gru``    one recurrent layer; its output at the last real step
``bilstm``           ``Bidirectional(LSTM)``, both directions' final outputs concatenated
``stacked_lstm``     ``LSTM(return_sequences=True)`` + ``Dropout`` + ``LSTM`` (seed 004)
``cnn1d``            FCN: three ``Conv1D`` + batch norm + ReLU blocks (128/256/128 filters,
                     kernels 8/5/3) and global average pooling over real steps
``cnn_lstm``         two ``Conv1D`` blocks, then an ``LSTM`` over the feature maps
``transformer``      projection + sinusoidal positions + ``TransformerEncoder`` blocks +
                     average pooling over real steps
``textcnn``          Kim (2014): parallel ``Conv1D`` branches (``kernel_sizes``, ``filters`` each,
                     ReLU), each max-pooled over the real steps, concatenated (text n-gram detectors)
``bag_of_embeddings`` mean of the (embedded) steps + a ReLU layer: the honest simple baseline
``fasttext``         Joulin et al. (2017): the mean of the embedded steps straight into the
                     head (no hidden layer); its steps are words and hashed n-grams
                     (:func:`seqlab.data.ngrams.ngram_bag`)
``mlp``              the whole series flattened into two ReLU layers: fixed length only
                     (seed 001's limit of MLPs), so every series must have ``length`` steps
==================== =====================================================================

``pooling`` turns the recurrent encoders' (``lstm``, ``gru``, ``bilstm``, ``stacked_lstm``,
``cnn_lstm``) step outputs into one vector: ``"last"`` (the output at the last real step, as in
the seeds), ``"max"`` (max over time of every unit, over real steps: Conneau et al. 2017's
BiLSTM-max), ``"mean"``, or ``"max_mean"`` (both concatenated: twice the width).

:class:`EnsembleNet` averages the class probabilities of independently trained nets.

Padded steps never change a result: recurrent layers hold their state over them, convolution
outputs are zeroed there after every block (so the next block sees what ``padding="same"`` would),
batch norm and pooling count real steps only, and attention ignores them.

>>> import torch
>>> net = ClassifierNet(ClassifierConfig(n_classes=3, encoder="gru", n_features=2, units=8))
>>> net(torch.from_numpy(pack_series([np.ones((5, 2)), np.ones((3, 2))]))).shape
torch.Size([2, 3])
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.bidirectional import Bidirectional
from seqlab.nn.conv import Conv1D
from seqlab.nn.core import Dense, Dropout, Embedding
from seqlab.nn.recurrent import GRU, LSTM
from seqlab.nn.seeding import make_generator
from seqlab.nn.transformer import PositionalEncoding, TransformerEncoder

ENCODERS = ("lstm", "gru", "bilstm", "stacked_lstm", "cnn1d", "cnn_lstm", "transformer", "bag_of_embeddings",
            "mlp", "textcnn", "fasttext")
TEXT_ENCODERS = ("lstm", "gru", "bilstm", "stacked_lstm", "cnn1d", "textcnn", "transformer", "bag_of_embeddings",
                 "fasttext")
SERIES_ENCODERS = ("lstm", "gru", "bilstm", "stacked_lstm", "cnn1d", "cnn_lstm", "transformer", "mlp")
FIXED_LENGTH_ENCODERS = ("mlp",)
TAGGER_ENCODERS = ("lstm", "gru", "bilstm", "cnn1d", "transformer")
RECURRENT_ENCODERS = ("lstm", "gru", "bilstm", "stacked_lstm", "cnn_lstm")
POOLINGS = ("last", "max", "mean", "max_mean")


@dataclass
class ClassifierConfig:
    """Everything that builds a :class:`ClassifierNet`.

    Args:
        n_classes: classes of the softmax head.
        encoder: one of ``ENCODERS``.
        vocab_size: token ids in ``[0, vocab_size)`` (text); None for numeric input.
        embedding_dim: width of the embedding (text only).
        n_features: channels of numeric input (without the mask channel).
        units: recurrent units / transformer width / bag-of-embeddings hidden size.
        dropout: dropout before the head (and between stacked layers, inside transformer blocks).
        filters, kernel_sizes: the convolution blocks of ``cnn1d`` (``cnn_lstm`` uses the first two);
            for ``textcnn`` the parallel branches (one per kernel size).
        num_heads, num_layers: transformer blocks.
        attention, attention_options: the transformer blocks' self-attention (``"full"`` or a variant
            of ``seqlab.nn.efficient`` with its options).
        per_step: one prediction per time step (``SequenceTagger``) instead of one per sequence.
        length: the fixed number of steps (``mlp`` only).
        pooling: ``"last"``, ``"max"``, ``"mean"`` or ``"max_mean"`` over time of a recurrent encoder's outputs.
        words: text only: ids ``>= words`` are read as padding (the hashed n-gram ids of a fasttext
            bag, which lists the word ids first), so a word-sequence net can share the bag input.
    """

    n_classes: int
    encoder: str = "lstm"
    vocab_size: int | None = None
    embedding_dim: int = 64
    n_features: int = 1
    units: int = 64
    dropout: float = 0.0
    filters: list = field(default_factory=lambda: [128, 256, 128])
    kernel_sizes: list = field(default_factory=lambda: [8, 5, 3])
    num_heads: int = 4
    num_layers: int = 2
    per_step: bool = False
    length: int | None = None
    pooling: str = "last"
    words: int | None = None
    attention: str = "full"
    attention_options: dict | None = None

    def __post_init__(self):
        if self.encoder not in ENCODERS:
            raise ConfigError(f"unknown encoder {self.encoder!r}; choose one of {', '.join(ENCODERS)}")
        if self.n_classes < 2:
            raise ConfigError(f"a classifier needs at least 2 classes, got {self.n_classes}")
        if self.per_step and self.encoder not in TAGGER_ENCODERS:
            raise ConfigError(f"encoder {self.encoder!r} gives one vector per sequence; a tagger needs one of "
                              f"{', '.join(TAGGER_ENCODERS)}")
        if self.pooling not in POOLINGS:
            raise ConfigError(f"unknown pooling {self.pooling!r}; choose one of {', '.join(POOLINGS)}")
        if self.pooling != "last" and self.encoder not in RECURRENT_ENCODERS:
            raise ConfigError(f"pooling={self.pooling!r} applies to the recurrent encoders "
                              f"({', '.join(RECURRENT_ENCODERS)}); {self.encoder!r} pools on its own")
        if self.encoder == "transformer" and self.units % self.num_heads:
            raise ConfigError(f"transformer units ({self.units}) must be divisible by num_heads ({self.num_heads})")
        if self.encoder in FIXED_LENGTH_ENCODERS and not self.length:
            raise ConfigError(f"encoder {self.encoder!r} needs the fixed series length (length=...)")

    def to_dict(self) -> dict:
        return asdict(self)


def pack_series(series: list, length: int | None = None) -> np.ndarray:
    """Stack ``(time_i, features)`` arrays into ``(n, length, features + 1)``: values then a mask
    channel (1 real, 0 padding); shorter series are padded at the end with zeros.

    >>> pack_series([np.ones((2, 1)), np.ones((3, 1))])[0, :, 1]
    array([1., 1., 0.], dtype=float32)
    """
    length = length or max(len(s) for s in series)
    features = series[0].shape[1]
    out = np.zeros((len(series), length, features + 1), dtype=np.float32)
    for i, s in enumerate(series):
        n = min(len(s), length)
        out[i, :n, :features] = s[:n]
        out[i, :n, features] = 1.0
    return out


class MaskedBatchNorm(torch.nn.Module):
    """Batch normalisation over (batch, time) for ``(batch, time, features)``, counting real steps only.

    Training uses the batch's mean and variance over unmasked steps and updates running
    estimates (momentum 0.1, as ``torch.nn.BatchNorm1d``); evaluation uses the running ones.
    """

    def __init__(self, features: int, momentum: float = 0.1, eps: float = 1e-5):
        super().__init__()
        self.momentum, self.eps = momentum, eps
        self.weight = torch.nn.Parameter(torch.ones(features))
        self.bias = torch.nn.Parameter(torch.zeros(features))
        self.register_buffer("running_mean", torch.zeros(features))
        self.register_buffer("running_var", torch.ones(features))

        self.totals: list[torch.Tensor] | None = None  # [n, sum, sum of squares] while recalibrating

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        if self.training:
            w = mask.to(x.dtype).unsqueeze(-1)
            n = w.sum().clamp_min(1.0)
            mean = (x * w).sum(dim=(0, 1)) / n
            var = (((x - mean) ** 2) * w).sum(dim=(0, 1)) / n
            if self.totals is not None:
                self.totals[0] += w.sum()
                self.totals[1] += (x * w).sum(dim=(0, 1)).detach()
                self.totals[2] += (x * x * w).sum(dim=(0, 1)).detach()
                return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
            with torch.no_grad():
                unbiased = var * n / (n - 1).clamp_min(1.0)
                self.running_mean.lerp_(mean, self.momentum)
                self.running_var.lerp_(unbiased, self.momentum)
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


@torch.no_grad()
def recalibrate_batch_norm(net: torch.nn.Module, x, batch_size: int = 256) -> None:
    """Replace the running statistics of every ``MaskedBatchNorm`` in ``net`` by the population
    statistics of the inputs ``x`` (precise batch norm, Wu & Johnson 2021): a moving average over
    the last few small batches lags the weights and can be far from what evaluation sees."""
    norms = [m for m in net.modules() if isinstance(m, MaskedBatchNorm)]
    if not norms:
        return
    was_training = net.training
    net.train()
    dropouts = [m for m in net.modules() if isinstance(m, Dropout)]
    for d in dropouts:
        d.eval()
    for norm in norms:  # one layer at a time, so each sees the final statistics of the layers before it
        norm.totals = [torch.zeros(()), torch.zeros_like(norm.running_mean), torch.zeros_like(norm.running_mean)]
        for start in range(0, len(x), batch_size):
            net(torch.as_tensor(x[start:start + batch_size]))
        n, total, squares = norm.totals
        norm.totals = None
        mean = total / n.clamp_min(1.0)
        norm.running_mean.copy_(mean)
        norm.running_var.copy_((squares / n.clamp_min(1.0) - mean ** 2).clamp_min(0.0) * n / (n - 1).clamp_min(1.0))
        norm.eval()
    for norm in norms:
        norm.train()
    net.train(was_training)


def _masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    w = mask.to(x.dtype).unsqueeze(-1)
    return (x * w).sum(dim=1) / w.sum(dim=1).clamp_min(1.0)


def _masked_max(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1)
    top = x.masked_fill(~m, float("-inf")).amax(dim=1)
    return torch.where(m.any(dim=1), top, torch.zeros_like(top))  # a sequence of padding only: zeros


class ClassifierNet(torch.nn.Module):
    """Input stage + encoder + head; maps a batch to class logits.

    Takes token ids ``(batch, time)`` or packed series ``(batch, time, features + 1)`` and
    returns logits ``(batch, n_classes)``, or ``(batch, time, n_classes)`` with ``per_step``.
    Softmax of the logits gives the probabilities. ``seed``: the initial weights come from
    ``make_generator(seed)``, layer by layer; None draws them from torch's global generator.

    >>> net = ClassifierNet(ClassifierConfig(n_classes=2, encoder="lstm", vocab_size=50, units=4))
    >>> net(torch.tensor([[3, 7, 0, 0], [5, 0, 0, 0]])).shape
    torch.Size([2, 2])
    """

    def __init__(self, config: ClassifierConfig, seed: int | None = None):
        super().__init__()
        self.config = cfg = config
        g = make_generator(seed)
        text = cfg.vocab_size is not None
        width = cfg.embedding_dim if text else cfg.n_features
        if text:
            self.embedding = Embedding(cfg.vocab_size, cfg.embedding_dim, mask_zero=True, generator=g)
        rs = cfg.per_step or cfg.pooling != "last"  # pooling needs every step's output
        enc = cfg.encoder
        if enc in ("lstm", "gru"):
            self.rnn = (LSTM if enc == "lstm" else GRU)(cfg.units, return_sequences=rs, input_shape=(None, width),
                                                        generator=g)
            out = cfg.units
        elif enc == "bilstm":
            self.rnn = Bidirectional(LSTM(cfg.units, return_sequences=rs), input_shape=(None, width), generator=g)
            out = 2 * cfg.units
        elif enc == "stacked_lstm":
            self.rnn1 = LSTM(cfg.units, return_sequences=True, input_shape=(None, width), generator=g)
            self.between = Dropout(cfg.dropout)
            self.rnn = LSTM(cfg.units, return_sequences=rs, input_shape=(None, cfg.units), generator=g)
            out = cfg.units
        elif enc in ("cnn1d", "cnn_lstm"):
            n_blocks = 3 if enc == "cnn1d" else 2
            filters, kernels = list(cfg.filters)[:n_blocks], list(cfg.kernel_sizes)[:n_blocks]
            if len(filters) != n_blocks or len(kernels) != n_blocks:
                raise ConfigError(f"{enc} needs {n_blocks} filters and kernel_sizes, got {filters} and {kernels}")
            convs, norms, prev = [], [], width
            for f, k in zip(filters, kernels):
                convs.append(Conv1D(f, k, padding="same", input_shape=(None, prev), generator=g))
                norms.append(MaskedBatchNorm(f))
                prev = f
            self.convs, self.norms = torch.nn.ModuleList(convs), torch.nn.ModuleList(norms)
            out = prev
            if enc == "cnn_lstm":
                self.rnn = LSTM(cfg.units, return_sequences=rs, input_shape=(None, prev), generator=g)
                out = cfg.units
        elif enc == "textcnn":
            filters, kernels = list(cfg.filters), list(cfg.kernel_sizes)
            if not kernels or len(filters) != len(kernels):
                raise ConfigError(f"textcnn needs one filters entry per kernel size, got {filters} and {kernels}")
            self.convs = torch.nn.ModuleList(Conv1D(f, k, padding="same", activation="relu", input_shape=(None, width),
                                                    generator=g) for f, k in zip(filters, kernels))
            out = sum(filters)
        elif enc == "transformer":
            self.project = Dense(cfg.units, input_shape=(width,), generator=g)
            self.positions = PositionalEncoding(input_shape=(None, cfg.units))
            self.blocks = torch.nn.ModuleList(
                TransformerEncoder(2 * cfg.units, cfg.num_heads, dropout=cfg.dropout, attention=cfg.attention,
                                   attention_options=cfg.attention_options, input_shape=(None, cfg.units),
                                   generator=g) for _ in range(cfg.num_layers))
            out = cfg.units
        elif enc == "mlp":
            self.hidden = Dense(cfg.units, activation="relu", input_shape=(cfg.length * width,), generator=g)
            self.hidden2 = Dense(cfg.units, activation="relu", input_shape=(cfg.units,), generator=g)
            out = cfg.units
        elif enc == "fasttext":
            out = width
        else:  # bag_of_embeddings
            self.hidden = Dense(cfg.units, activation="relu", input_shape=(width,), generator=g)
            out = cfg.units
        if cfg.pooling == "max_mean" and not cfg.per_step:
            out *= 2
        self.head_dropout = Dropout(cfg.dropout)
        self.head = Dense(cfg.n_classes, input_shape=(out,), generator=g)

    def split_input(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(features (batch, time, width), mask (batch, time) bool)`` from a raw batch."""
        if self.config.vocab_size is not None:
            if x.dim() != 2:
                raise ConfigError(f"text input must be token ids (batch, time), got shape {tuple(x.shape)}")
            ids = x.long()
            if self.config.words:
                ids = ids.masked_fill(ids >= self.config.words, 0)
            return self.embedding(ids), self.embedding.compute_mask(ids)
        if x.dim() != 3 or x.shape[-1] != self.config.n_features + 1:
            raise ConfigError(f"series input must be (batch, time, {self.config.n_features} features + 1 mask "
                              f"channel) as pack_series makes, got shape {tuple(x.shape)}")
        x = x.float()
        return x[..., :-1], x[..., -1] > 0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, mask = self.split_input(x)
        if self.config.encoder in FIXED_LENGTH_ENCODERS:
            if h.shape[1] != self.config.length or not bool(mask.all()):
                raise DataError(f"encoder {self.config.encoder!r} takes series of exactly {self.config.length} "
                                f"steps; got a batch of up to {h.shape[1]} steps with padding. Resample the "
                                "series to that length or use a recurrent or convolutional encoder")
            return self.head(self.head_dropout(self.hidden2(self.hidden(h.reshape(h.shape[0], -1)))))
        if not self.config.per_step:  # steps after the last real one of the batch add nothing
            real = mask.any(dim=0).nonzero()
            end = int(real.max()) + 1 if len(real) else 1
            h, mask = h[:, :end], mask[:, :end]
        h = self.encode(h, mask)
        return self.head(self.head_dropout(h))

    def _rnn(self, layer, h, mask):
        return layer(h, mask=None if bool(mask.all()) else mask)  # all real: the fused kernel applies

    def _pool(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """A recurrent layer's outputs -> one vector per sequence, as ``pooling`` says (real steps only)."""
        if self.config.per_step or self.config.pooling == "last":
            return h
        if self.config.pooling == "mean":
            return _masked_mean(h, mask)
        if self.config.pooling == "max_mean":
            return torch.cat([_masked_max(h, mask), _masked_mean(h, mask)], dim=-1)
        return _masked_max(h, mask)

    def encode(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Features ``(batch, time, width)`` -> ``(batch, out)`` (or ``(batch, time, out)`` per step)."""
        enc, per_step = self.config.encoder, self.config.per_step
        if enc in ("lstm", "gru", "bilstm"):
            return self._pool(self._rnn(self.rnn, h, mask), mask)
        if enc == "stacked_lstm":
            return self._pool(self._rnn(self.rnn, self.between(self._rnn(self.rnn1, h, mask)), mask), mask)
        m = mask.to(h.dtype).unsqueeze(-1)
        if enc in ("cnn1d", "cnn_lstm"):
            h = h * m
            for conv, norm in zip(self.convs, self.norms):
                h = torch.relu(norm(conv(h), mask)) * m  # zero padded steps: the next conv sees 'same' padding
            if enc == "cnn_lstm":
                return self._pool(self._rnn(self.rnn, h, mask), mask)
            return h if per_step else _masked_mean(h, mask)
        if enc == "textcnn":
            h = h * m  # padded steps read as zeros, exactly what padding="same" adds past the end
            return torch.cat([_masked_max(conv(h), mask) for conv in self.convs], dim=-1)
        if enc == "transformer":
            h = self.positions(self.project(h))
            for block in self.blocks:
                h = block(h, mask=mask)
            return h if per_step else _masked_mean(h, mask)
        if enc == "fasttext":
            return _masked_mean(h, mask)
        return self.hidden(_masked_mean(h, mask))  # bag_of_embeddings


class EnsembleNet(torch.nn.Module):
    """Average of the class probabilities of independently trained ``ClassifierNet`` members.

    Takes the members' input and returns ``log(mean_i softmax(member_i(x)))`` ``(batch, n_classes)``:
    logits whose softmax is the averaged probabilities. Member ``i``'s weights are named
    ``members.i.<name>`` in the state dict.

    >>> cfg = ClassifierConfig(n_classes=2, encoder="lstm", vocab_size=20, units=4)
    >>> EnsembleNet([ClassifierNet(cfg), ClassifierNet(cfg)])(torch.tensor([[3, 4, 0]])).shape
    torch.Size([1, 2])
    """

    def __init__(self, members: list):
        super().__init__()
        self.members = torch.nn.ModuleList(members)
        self.config = members[0].config

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        probs = torch.stack([torch.softmax(m(x), dim=-1) for m in self.members]).mean(dim=0)
        return torch.log(probs.clamp_min(1e-30))
