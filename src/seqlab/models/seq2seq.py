"""Encoder-decoder models (seed 001's "Encoder-Decoder LSTM"; attention and transformers of seed 000).

An encoder reads the source ids ``(batch, S)`` into a memory ``(batch, S, units)`` and final
states; a decoder writes target ids one at a time, each step conditioned on the previous token.

- ``model="lstm" | "gru"``, ``attention="none"``: the decoder starts from the encoder's final
  states and sees nothing else of the source (Sutskever et al. 2014).
- ``attention="dot"`` (Luong et al. 2015, global attention without input feeding):
  ``h_t = RNN(y_{t-1}, h_{t-1})``, ``c_t = softmax(h_t . memory) @ memory``,
  ``out_t = W_o tanh(W_c [c_t; h_t])``.
- ``attention="additive"`` (Bahdanau et al. 2015): ``c_t = attn(s_{t-1}, memory)`` with score
  ``v . tanh(W_q s_{t-1} + W_k m_j + b)``, then ``s_t = RNN([y_{t-1}; c_t], s_{t-1})`` and
  ``out_t = W_o tanh(W_c [c_t; s_t])``.
- ``model="transformer"``: sinusoidal positions, ``num_layers`` encoder blocks and decoder
  blocks with causal self-attention and multi-head cross-attention (Vaswani et al. 2017). Step-by-step
  decoding keeps each block's keys and values (a KV cache; the encoder's are projected once), so a
  step runs the new token only; ``model.use_cache = False`` recomputes the whole prefix instead.

Training is teacher-forced: ``model(src, tgt_in)`` returns logits ``(batch, T, vocab)``. Without
attention and with dot attention the decoder runs as ONE fused recurrent call over all steps
(the attention then reads every step at once); additive attention, and teacher forcing below
1.0 while training, run a step loop. Padding id 0 is masked out of the encoder and of attention.

>>> import torch
>>> m = Seq2SeqModel(Seq2SeqConfig(src_vocab_size=10, tgt_vocab_size=8, units=16, embedding_dim=8))
>>> m(torch.randint(3, 10, (2, 5)), torch.randint(3, 8, (2, 4))).shape
torch.Size([2, 4, 8])
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from seqlab.data.pairs import PAD
from seqlab.io.errors import ConfigError
from seqlab.nn.attention import AdditiveAttention, Attention
from seqlab.nn.bidirectional import Bidirectional
from seqlab.nn.core import Dense, Embedding
from seqlab.nn.recurrent import GRU, LSTM
from seqlab.nn.seeding import make_generator
from seqlab.nn.transformer import PositionalEncoding, TransformerDecoder, TransformerEncoder

MODELS = ("lstm", "gru", "transformer")
ATTENTIONS = ("none", "additive", "dot")
RECURRENT = {"lstm": LSTM, "gru": GRU}


@dataclass
class Seq2SeqConfig:
    """Sizes and choices of a ``Seq2SeqModel``; ``validate()`` raises ``ConfigError`` for bad values.

    >>> Seq2SeqConfig(src_vocab_size=13, tgt_vocab_size=13, attention="dot").units
    128
    """

    src_vocab_size: int
    tgt_vocab_size: int
    model: str = "lstm"            # lstm | gru | transformer
    attention: str = "additive"    # none | additive | dot (recurrent models; a transformer always attends)
    embedding_dim: int = 32        # token embedding size (recurrent models)
    units: int = 128               # recurrent units, or the transformer's width
    num_layers: int = 2            # transformer blocks in the encoder and in the decoder
    num_heads: int = 4             # transformer heads
    intermediate_dim: int = 256    # transformer feed-forward width
    dropout: float = 0.0
    teacher_forcing: float = 1.0   # chance of feeding the true previous token while training
    bidirectional: bool = False    # recurrent encoder reads both ways (units/2 each, concatenated)
    self_attention: str = "full"   # transformer: self-attention of the blocks (seqlab.nn.efficient)
    self_attention_options: dict | None = None

    def validate(self) -> None:
        if self.model not in MODELS:
            raise ConfigError(f"unknown model {self.model!r}; choose one of {', '.join(MODELS)}")
        if self.attention not in ATTENTIONS:
            raise ConfigError(f"unknown attention {self.attention!r}; choose one of {', '.join(ATTENTIONS)}")
        for name in ("src_vocab_size", "tgt_vocab_size", "embedding_dim", "units", "num_layers", "num_heads",
                     "intermediate_dim"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.model == "transformer" and self.units % self.num_heads:
            raise ConfigError(f"units ({self.units}) must be divisible by num_heads ({self.num_heads})")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")
        if not 0.0 <= self.teacher_forcing <= 1.0:
            raise ConfigError(f"teacher_forcing must be in [0, 1], got {self.teacher_forcing}")
        if self.bidirectional and self.model != "transformer" and self.units % 2:
            raise ConfigError(f"a bidirectional encoder splits units in two halves; units ({self.units}) must be even")
        if self.model == "transformer" and self.teacher_forcing < 1.0:
            raise ConfigError("a transformer decoder trains on all steps at once with teacher_forcing=1.0")


class Seq2SeqModel(torch.nn.Module):
    """Encoder-decoder over token ids (see the module doc for the equations).

    ``model(src, tgt_in)``: src ``(batch, S)`` and tgt_in ``(batch, T)`` (``<s> y_1 .. y_{T-1}``)
    ids, 0 = padding; returns logits ``(batch, T, tgt_vocab_size)`` for ``y_1 .. y_T``.
    Step-by-step decoding: ``state = model.start(src)``, then ``model.step(token, state)`` ->
    ``(logits (batch, V), state, weights (batch, S))`` (used by ``greedy_decode``/``beam_search``).
    ``seed``: the initial weights come from ``make_generator(seed)``; None: torch's global generator.

    >>> cfg = Seq2SeqConfig(src_vocab_size=10, tgt_vocab_size=8, model="gru", attention="dot", units=16)
    >>> state = Seq2SeqModel(cfg).start(torch.tensor([[4, 5, 0]]))
    >>> sorted(state)
    ['mask', 'memory', 'states']
    """

    input_dtype = torch.long
    use_cache = True   # transformer decoding keeps keys and values (False: recompute the prefix per step)

    def __init__(self, config: Seq2SeqConfig, seed: int | None = None):
        super().__init__()
        config.validate()
        self.config = cfg = config
        g = make_generator(seed)
        if cfg.model == "transformer":
            d = cfg.units
            self.src_embedding = Embedding(cfg.src_vocab_size, d, embeddings_initializer="glorot_uniform",
                                           generator=g)
            self.tgt_embedding = Embedding(cfg.tgt_vocab_size, d, embeddings_initializer="glorot_uniform",
                                           generator=g)
            self.positions = PositionalEncoding()
            block = dict(intermediate_dim=cfg.intermediate_dim, num_heads=cfg.num_heads, dropout=cfg.dropout,
                         attention=cfg.self_attention, attention_options=cfg.self_attention_options,
                         input_shape=(None, d), generator=g)
            self.encoder_blocks = torch.nn.ModuleList(TransformerEncoder(**block) for _ in range(cfg.num_layers))
            self.decoder_blocks = torch.nn.ModuleList(TransformerDecoder(**block) for _ in range(cfg.num_layers))
            self.output = Dense(cfg.tgt_vocab_size, input_dim=d, generator=g)
            return
        e, u, rnn = cfg.embedding_dim, cfg.units, RECURRENT[cfg.model]
        self.src_embedding = Embedding(cfg.src_vocab_size, e, generator=g)
        self.tgt_embedding = Embedding(cfg.tgt_vocab_size, e, generator=g)
        if cfg.bidirectional:   # [h->_j; h<-_j]: each source step knows what precedes and follows it
            self.encoder = Bidirectional(rnn(u // 2, return_sequences=True, return_state=True), input_shape=(None, e),
                                         generator=g)
        else:
            self.encoder = rnn(u, return_sequences=True, return_state=True, input_shape=(None, e), generator=g)
        extra = u if cfg.attention == "additive" else 0   # Bahdanau feeds the context into the RNN
        self.decoder = rnn(u, return_sequences=True, return_state=True, input_shape=(None, e + extra), generator=g)
        if cfg.attention != "none":
            self.attention = AdditiveAttention(u) if cfg.attention == "additive" else Attention("dot")
            self.attention.build_for((u,), g)
            self.combine = Dense(u, activation="tanh", input_dim=2 * u, generator=g)
        self.output = Dense(cfg.tgt_vocab_size, input_dim=u, generator=g)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    # ----- encoder ----------------------------------------------------------------------------
    def start(self, src: torch.Tensor) -> dict:
        """Encode ``src`` ``(batch, S)``; returns the decoder's starting state: ``memory``
        ``(batch, S, units)``, ``mask`` ``(batch, S)`` True at real tokens, and ``states`` (recurrent
        models: the encoder's final ``[h]`` or ``[h, c]``) or ``tokens`` (transformer: the prefix)."""
        mask = src != PAD
        if self.config.model == "transformer":
            memory = self._embed(self.src_embedding, src)
            for block in self.encoder_blocks:
                memory = block(memory, mask=mask)
            return {"memory": memory, "mask": mask, "tokens": src.new_zeros(src.shape[0], 0), "cache": []}
        x = F.dropout(self.src_embedding(src), self.config.dropout, self.training)
        memory, *states = self.encoder(x, mask=None if bool(mask.all()) else mask)
        if self.config.bidirectional:                              # forward and backward halves side by side
            n = len(states) // 2
            states = [torch.cat([f, b], dim=-1) for f, b in zip(states[:n], states[n:])]
        state = {"memory": memory, "mask": mask, "states": states}
        if self.config.attention == "additive":   # W_k m_j does not change while decoding: once, not per step
            state["keys"] = memory @ self.attention.key_kernel
        return state

    def _embed(self, embedding, ids, offset: int = 0):
        x = embedding(ids) * math.sqrt(self.config.units)        # Vaswani et al.: scale, then add positions
        return F.dropout(self.positions(x, offset), self.config.dropout, self.training)

    # ----- decoder ----------------------------------------------------------------------------
    def step(self, token: torch.Tensor, state: dict, want_weights: bool = True):
        """One decoder step from the previous token ``(batch,)``: ``(logits, new_state, weights)``."""
        if self.config.model == "transformer":
            tokens = torch.cat([state["tokens"], token[:, None]], dim=1)
            if not self.use_cache or self.config.self_attention != "full":
                logits, weights = self._transformer_decode(tokens, state["memory"], state["mask"], want_weights)
                return logits[:, -1], {**state, "tokens": tokens}, None if weights is None else weights[:, -1]
            cache = self._unpack(state["cache"])
            logits, weights = self._transformer_decode(token[:, None], state["memory"], state["mask"], want_weights,
                                                       cache, offset=tokens.shape[1] - 1)
            state = {**state, "tokens": tokens, "cache": self._pack(cache)}
            return logits[:, -1], state, None if weights is None else weights[:, -1]
        x = F.dropout(self.tgt_embedding(token), self.config.dropout, self.training)
        out, states, weights = self._recurrent_step(x, state["states"], state["memory"], state["mask"],
                                                    state.get("keys"))
        return self.output(out), {**state, "states": states}, weights

    def _additive_context(self, query, keys, memory, mask):
        """Bahdanau attention of ``self.attention`` with the key half ``W_k m_j`` precomputed:
        ``score_j = v . tanh(W_q s + W_k m_j + b)``; returns ``(context (batch, units), weights (batch, S))``."""
        a = self.attention
        hidden = torch.tanh((query @ a.query_kernel)[:, None, :] + keys + a.bias)     # (batch, S, units)
        scores = (hidden @ a.score_vector)[..., 0].masked_fill(~mask, float("-inf"))  # every input has a token
        weights = scores.softmax(-1)
        return (weights[:, None, :] @ memory)[:, 0], weights

    def _recurrent_step(self, x, states, memory, mask, keys=None):
        cell, kind = self.decoder.cell, self.config.attention
        weights = None
        if kind == "additive":                                    # c_t from s_{t-1}, fed into the RNN
            context, weights = self._additive_context(states[0], keys, memory, mask)
            x = torch.cat([x, context], dim=-1)
        h, states = cell.step(cell.project_inputs(x), states)
        if kind == "dot":                                         # c_t from h_t (Luong)
            context, weights = self.attention(h, memory, mask=mask)
        if kind != "none":
            h = self.combine(torch.cat([context, h], dim=-1))     # tanh(W_c [c_t; h_t])
        return h, states, weights

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        state = self.start(src)
        if self.config.model == "transformer":
            return self._transformer_decode(tgt_in, state["memory"], state["mask"], False)[0]
        forcing = self.config.teacher_forcing if self.training else 1.0
        if forcing == 1.0 and self.config.attention != "additive":
            return self._fused_decode(tgt_in, state)
        return self.step_decode(tgt_in, state, forcing)[0]

    def _fused_decode(self, tgt_in, state):
        """Teacher-forced decoding of every step in one fused recurrent call (no or dot attention)."""
        x = F.dropout(self.tgt_embedding(tgt_in), self.config.dropout, self.training)
        h = self.decoder(x, initial_state=state["states"])[0]                       # (batch, T, units)
        if self.config.attention == "dot":
            context, _ = self.attention(h, state["memory"], mask=state["mask"])   # all queries at once
            h = self.combine(torch.cat([context, h], dim=-1))
        return self.output(h)

    def step_decode(self, tgt_in: torch.Tensor, state: dict, teacher_forcing: float = 1.0):
        """Run the decoder step by step over ``tgt_in`` ``(batch, T)``; each step after the first
        feeds the true previous token with probability ``teacher_forcing``, else the model's own
        argmax. Returns ``(logits (batch, T, V), weights (batch, T, S) or None)``."""
        token, logits, weights = tgt_in[:, 0], [], []
        for t in range(tgt_in.shape[1]):
            if t > 0:
                token = tgt_in[:, t]
                if teacher_forcing < 1.0:
                    own = logits[-1].detach().argmax(-1)
                    keep = torch.rand(token.shape, device=token.device) < teacher_forcing
                    token = torch.where(keep, token, own)
            out, state, w = self.step(token, state)
            logits.append(out)
            weights.append(w)
        stacked = None if weights[0] is None else torch.stack(weights, dim=1)
        return torch.stack(logits, dim=1), stacked

    def _unpack(self, flat: list) -> list[dict]:
        """The state's flat tensor list (so beam search can reorder it) -> one cache dict per block."""
        if not flat:
            return [{} for _ in self.decoder_blocks]
        return [{"self": {"key": flat[i], "value": flat[i + 1]},
                 "cross": {"key": flat[i + 2], "value": flat[i + 3], "fixed": True}}
                for i in range(0, len(flat), 4)]

    @staticmethod
    def _pack(cache: list[dict]) -> list:
        return [t for c in cache for t in (c["self"]["key"], c["self"]["value"], c["cross"]["key"],
                                           c["cross"]["value"])]

    def _transformer_decode(self, tokens, memory, mask, want_weights, cache=None, offset: int = 0):
        """Logits ``(batch, T, V)`` for a whole prefix (or, with a ``cache``, for the steps after
        ``offset``), and the last block's cross-attention weights averaged over heads ``(batch, T, S)``
        when ``want_weights``."""
        y = self._embed(self.tgt_embedding, tokens, offset)
        captured, hooks = {}, []

        def ask_for_scores(module, args, kwargs):
            return args, {**kwargs, "return_attention_scores": True}

        def keep_scores(module, args, out):
            captured["w"] = out[1]            # (batch, heads, T, S)
            return out[0]

        if want_weights:  # the layer computes the scores explicitly only when asked
            mha = self.decoder_blocks[-1].cross_attention_layer
            hooks = [mha.register_forward_pre_hook(ask_for_scores, with_kwargs=True),
                     mha.register_forward_hook(keep_scores)]
        try:
            for i, block in enumerate(self.decoder_blocks):
                y = block(y, memory, encoder_mask=mask, causal=True, cache=None if cache is None else cache[i])
        finally:
            for hook in hooks:
                hook.remove()
        weights = captured["w"].mean(1) if want_weights else None
        return self.output(y), weights


def sequence_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy (nats) per real target token; padding (id 0) is ignored.

    logits ``(batch, T, V)``, target ``(batch, T)`` ids.
    """
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=PAD)
