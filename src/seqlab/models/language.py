"""Character-level language models: ``logits[:, t]`` predicts token ``t + 1`` from tokens ``0..t``.

Six backbones share one surface (seed 004's language-model loss, makemore's ladder of models):

- ``bigram``: a ``(vocab, vocab)`` table of next-token logits (the count model, learned).
- ``mlp``: Bengio et al. 2003 as in makemore: embed the last ``context`` tokens, concatenate, one
  tanh hidden layer.
- ``rnn`` / ``lstm`` / ``gru``: embedding, ``n_layer`` seqlab recurrent layers, a Dense read-out.
- ``transformer``: decoder-only, causal, pre-norm GPT (GELU, tied nothing) with learned positions or
  rotary ones (``positions="rotary"``), any causal attention of ``seqlab.nn.efficient``
  (``attention=``) and optionally Switch experts as feed-forward layers (``moe=``). Generation keeps
  every block's keys and values (a KV cache), so each new token costs one step, not the whole prefix.

>>> import torch
>>> model = LanguageModel(LanguageModelConfig("gru", vocab_size=27, block_size=16, units=32))
>>> model(torch.zeros(2, 5, dtype=torch.long)).shape
torch.Size([2, 5, 27])
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.core import Dense, Embedding
from seqlab.nn.efficient import KERNELS, check_attention
from seqlab.nn.recurrent import GRU, LSTM, SimpleRNN
from seqlab.nn.seeding import make_generator
from seqlab.nn.transformer import PositionalEncoding, TransformerDecoder

BACKBONES = ("bigram", "mlp", "rnn", "lstm", "gru", "transformer")
POSITIONS = ("learned", "rotary")
RECURRENT = {"rnn": SimpleRNN, "lstm": LSTM, "gru": GRU}


@dataclass
class LanguageModelConfig:
    backbone: str
    vocab_size: int
    block_size: int            # longest context the model is trained on (positions of the transformer)
    n_embd: int = 64           # embedding size (transformer width)
    units: int = 128           # hidden units of the mlp / recurrent layers
    n_layer: int = 1           # recurrent layers or transformer blocks
    n_head: int = 4            # transformer heads
    context: int = 3           # tokens the mlp sees (makemore's block_size)
    dropout: float = 0.0
    positions: str = "learned"   # transformer: a learned table, or rotary embeddings in the attention
    attention: str = "full"      # transformer: full, or a causal variant of seqlab.nn.efficient
    attention_options: dict | None = None
    moe: int | None = None       # transformer: Switch experts per feed-forward layer (None: dense)
    capacity_factor: float = 1.25

    def validate(self) -> None:
        if self.backbone not in BACKBONES:
            raise ConfigError(f"unknown model {self.backbone!r}; choose one of {', '.join(BACKBONES)}")
        for name in ("vocab_size", "block_size", "n_embd", "units", "n_layer", "n_head", "context"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.backbone == "transformer" and self.n_embd % self.n_head:
            raise ConfigError(f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.positions not in POSITIONS:
            raise ConfigError(f"unknown positions {self.positions!r}; choose one of {', '.join(POSITIONS)}")
        check_attention(self.attention, self.attention_options)
        if not KERNELS[self.attention].supports_causal:
            able = ", ".join(n for n, cls in KERNELS.items() if cls.supports_causal)
            raise ConfigError(f"a language model needs causal attention; {self.attention} cannot be causal "
                              f"(choose one of {able})")
        if self.moe is not None and int(self.moe) < 1:
            raise ConfigError(f"moe is the number of experts (>= 1) or None, got {self.moe}")


class LanguageModel(torch.nn.Module):
    """A next-character model of any backbone in ``BACKBONES``.

    ``model(idx)`` takes token ids ``(batch, T)`` and returns logits ``(batch, T, vocab_size)``.
    Recurrent backbones also step one token at a time: ``model.step(ids, state) -> (logits, state)``
    with ``ids`` ``(batch,)``; ``state=None`` starts from zeros. ``seed``: the initial weights come from
    ``make_generator(seed)``; None draws them from torch's global generator.

    >>> m = LanguageModel(LanguageModelConfig("transformer", vocab_size=27, block_size=16, n_layer=2))
    >>> m(torch.zeros(1, 16, dtype=torch.long)).shape
    torch.Size([1, 16, 27])
    """

    def __init__(self, config: LanguageModelConfig, seed: int | None = None):
        super().__init__()
        config.validate()
        self.config = cfg = config
        g = make_generator(seed)
        v = cfg.vocab_size
        if cfg.backbone == "bigram":
            self.table = torch.nn.Parameter(torch.zeros(v, v))
        elif cfg.backbone == "mlp":
            # one extra id marks "before the start" in the context window (makemore)
            self.embedding = Embedding(v + 1, cfg.n_embd, generator=g)
            self.hidden = Dense(cfg.units, activation="tanh", input_dim=cfg.context * cfg.n_embd, generator=g)
            self.head = Dense(v, input_dim=cfg.units, generator=g)
        elif cfg.backbone in RECURRENT:
            self.embedding = Embedding(v, cfg.n_embd, generator=g)
            layer = RECURRENT[cfg.backbone]
            self.recurrent = torch.nn.ModuleList(
                layer(cfg.units, return_sequences=True, return_state=True, dropout=cfg.dropout if i else 0.0,
                      input_shape=(None, cfg.n_embd if i == 0 else cfg.units), generator=g)
                for i in range(cfg.n_layer))
            self.head = Dense(v, input_dim=cfg.units, generator=g)
        else:
            self.embedding = Embedding(v, cfg.n_embd, generator=g)
            if cfg.positions == "learned":
                self.positions = PositionalEncoding("learned", max_length=cfg.block_size,
                                                    input_shape=(None, cfg.n_embd), generator=g)
            self.blocks = torch.nn.ModuleList(
                TransformerDecoder(4 * cfg.n_embd, cfg.n_head, dropout=cfg.dropout, activation="gelu",
                                   normalize_first=True, cross_attention=False, attention=cfg.attention,
                                   attention_options=cfg.attention_options, rotary=cfg.positions == "rotary",
                                   moe=cfg.moe, capacity_factor=cfg.capacity_factor,
                                   input_shape=(None, cfg.n_embd), generator=g)
                for _ in range(cfg.n_layer))
            self.final_norm = torch.nn.LayerNorm(cfg.n_embd)
            self.head = Dense(v, use_bias=False, input_dim=cfg.n_embd, generator=g)
            self._init_gpt(g)

    def _init_gpt(self, generator: torch.Generator | None) -> None:
        """GPT-2's initialisation: N(0, 0.02) for embeddings and kernels, zero biases (the attention's
        per-head biases are ``(heads, size)`` tables, biases all the same)."""
        with torch.no_grad():
            for name, p in self.named_parameters():
                if "norm" in name:
                    continue
                if is_matrix_weight(name, p):
                    p.normal_(0.0, 0.02, generator=generator)
                else:
                    p.zero_()

    @property
    def is_recurrent(self) -> bool:
        return self.config.backbone in RECURRENT

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def saved_state(self) -> tuple[dict, dict]:
        """``(config, tensors)`` for a task's model file: the config as a dict, detached weights."""
        tensors = {k: v.detach().clone().contiguous() for k, v in self.state_dict().items()}
        return {"model_config": asdict(self.config)}, tensors

    @classmethod
    def from_saved(cls, config: dict, tensors: dict) -> "LanguageModel":
        """The model ``saved_state`` described, in eval mode.

        >>> m = LanguageModel(LanguageModelConfig("bigram", vocab_size=3, block_size=4))
        >>> LanguageModel.from_saved(*m.saved_state()).table.shape
        torch.Size([3, 3])
        """
        model = cls(LanguageModelConfig(**config["model_config"]))
        model.load_state_dict(tensors)
        return model.eval()

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self.run(idx)[0]

    def run(self, idx: torch.Tensor, state: list | None = None) -> tuple[torch.Tensor, list | None]:
        """Logits ``(batch, T, vocab)`` and, for recurrent backbones, the final state per layer.

        For the transformer, ``state`` may be a KV cache from ``new_cache()``: ``idx`` then holds only
        the steps after those already in the cache, and the cache grows by them."""
        cfg = self.config
        idx = idx.long()
        if cfg.backbone == "bigram":
            return self.table[idx], None
        if cfg.backbone == "mlp":
            blank = torch.full((idx.shape[0], cfg.context - 1), cfg.vocab_size, dtype=torch.long,
                               device=idx.device)
            windows = torch.cat([blank, idx], 1).unfold(1, cfg.context, 1)    # (batch, T, context)
            x = self.embedding(windows).flatten(2)                              # (batch, T, context*n_embd)
            return self.head(self.hidden(x)), None
        if self.is_recurrent:
            x, new_state = self.embedding(idx), []
            for i, layer in enumerate(self.recurrent):
                x, *s = layer(x, initial_state=None if state is None else state[i])
                new_state.append(s)
            x = F.dropout(x, cfg.dropout, self.training)
            return self.head(x), new_state
        offset = 0 if state is None else self.cached_steps(state)
        if offset + idx.shape[1] > cfg.block_size:
            raise ConfigError(f"context of {offset + idx.shape[1]} tokens is longer than block_size={cfg.block_size}")
        x = self.embedding(idx)
        if cfg.positions == "learned":
            x = self.positions(x, offset)
        x = F.dropout(x, cfg.dropout, self.training)
        for i, block in enumerate(self.blocks):
            x = block(x, causal=True, cache=None if state is None else state[i])
        return self.head(self.final_norm(x)), state

    def new_cache(self) -> list[dict]:
        """An empty KV cache for ``run`` (transformer with full attention): one dict per block."""
        if self.config.backbone != "transformer" or self.config.attention != "full":
            raise ConfigError("a KV cache needs the transformer backbone with full attention")
        return [{} for _ in self.blocks]

    @staticmethod
    def cached_steps(cache: list[dict]) -> int:
        """How many steps a KV cache holds."""
        own = cache[0].get("self", {})
        return int(own["key"].shape[2]) if "key" in own else 0

    def step(self, ids: torch.Tensor, state: list | None = None) -> tuple[torch.Tensor, list]:
        """One recurrent step: ids ``(batch,)`` -> logits ``(batch, vocab)`` and the new state."""
        logits, state = self.run(ids[:, None], state)
        return logits[:, -1], state

    def get_config(self) -> dict:
        return asdict(self.config)


def is_matrix_weight(name: str, parameter: torch.Tensor) -> bool:
    """True for an embedding table or kernel (what weight decay shrinks), False for a bias, whatever
    its shape, or a norm's scale.

    >>> is_matrix_weight("blocks.0.self_attention.query_bias", torch.zeros(4, 16))
    False
    >>> is_matrix_weight("blocks.0.switch_feedforward.expert_bias_in", torch.zeros(2, 256))
    False
    """
    return parameter.dim() >= 2 and "bias" not in name.rsplit(".", 1)[-1]


def language_loss(logits: torch.Tensor, targets: torch.Tensor, ignore_index: int = -1,
                  tokens_per_row: float | None = None) -> torch.Tensor:
    """Mean cross-entropy in nats per predicted character (seed 004:
    ``L = -1/T sum_t log y_hat[t, y_t]``); targets equal to ``ignore_index`` do not count.

    ``tokens_per_row``: divide the summed loss by ``rows x tokens_per_row`` instead of by the targets
    counted in this batch. Given the mean number of targets per row of the whole training set, a batch
    of rows drawn with equal odds from any subset (say, one bucket of similar lengths) is then an
    unbiased estimate of the per-character mean over the set: every character weighs the same, where
    the batch mean would weigh a character of a short item more than one of a long item.

    >>> logits, targets = torch.zeros(2, 3, 4), torch.tensor([[1, 2, -1], [3, -1, -1]])
    >>> round(float(language_loss(logits, targets)), 4)
    1.3863
    >>> round(float(language_loss(logits, targets, tokens_per_row=3)), 4)
    0.6931
    """
    if tokens_per_row is None:
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=ignore_index)
    total = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=ignore_index,
                            reduction="sum")
    return total / (targets.shape[0] * float(tokens_per_row))


def filter_logits(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                  top_p: float | None = None) -> torch.Tensor:
    """Next-token logits ``(batch, vocab)`` scaled by 1/temperature, keeping the ``top_k`` largest and
    the smallest set whose probability reaches ``top_p`` (nucleus sampling); the rest get -inf."""
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and top_p < 1.0:
        sorted_logits, order = logits.sort(-1, descending=True)
        cum = sorted_logits.softmax(-1).cumsum(-1)
        drop_sorted = cum - sorted_logits.softmax(-1) >= top_p   # mass before this token already enough
        drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
        logits = logits.masked_fill(drop, float("-inf"))
    return logits


@torch.no_grad()
def generate(model: LanguageModel, prefix: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
             top_k: int | None = None, top_p: float | None = None, stop_token: int | None = None,
             generator: torch.Generator | None = None, use_cache: bool = True,
             constraint=None) -> list[list[int]]:
    """Continue every row of ``prefix`` ``(batch, P)`` (P >= 1) by sampling; returns the new ids per
    row, cut before ``stop_token``.

    A transformer with full attention keeps a KV cache (``use_cache``): each new token runs one step
    through the blocks. Past ``block_size`` tokens the context slides, so positions change and the
    whole window is recomputed, exactly as without the cache. The same ``generator`` gives the same
    tokens either way. ``constraint`` (optional): a function of the new ids so far per row that
    returns a ``(batch, vocab)`` bool mask of the tokens allowed next (a grammar, such as
    ``seqlab.data.music.ChoraleGrammar``)."""
    model.eval()
    cfg = model.config
    cache = None
    if use_cache and cfg.backbone == "transformer" and cfg.attention == "full" and prefix.shape[1] <= cfg.block_size:
        cache = model.new_cache()
        logits = model.run(prefix, cache)[0][:, -1]
    batch = prefix.shape[0]
    out = [[] for _ in range(batch)]
    done = torch.zeros(batch, dtype=torch.bool)
    if model.is_recurrent:
        logits, state = model.run(prefix)
        logits = logits[:, -1]
    ids = prefix
    for _ in range(max_new_tokens):
        if not model.is_recurrent and cache is None:
            logits = model(ids[:, -cfg.block_size:])[:, -1]
        if constraint is not None:
            logits = logits.masked_fill(~constraint(out), float("-inf"))
        probs = filter_logits(logits, temperature, top_k, top_p).softmax(-1)
        nxt = torch.multinomial(probs, 1, generator=generator)[:, 0]
        for i in range(batch):
            if not done[i]:
                if stop_token is not None and int(nxt[i]) == stop_token:
                    done[i] = True
                else:
                    out[i].append(int(nxt[i]))
        if bool(done.all()):
            break
        if model.is_recurrent:
            logits, state = model.step(nxt, state)
        else:
            ids = torch.cat([ids, nxt[:, None]], 1)
            if cache is not None and ids.shape[1] > cfg.block_size:
                cache = None                              # the window slides: recompute from here on
            if cache is not None:
                logits = model.run(nxt[:, None], cache)[0][:, -1]
    return out
