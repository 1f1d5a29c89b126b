"""Decoding a sequence-to-sequence model: greedy and beam search.

Both work on any model with ``start(src) -> state`` and ``step(token, state) -> (logits, state,
weights)`` (``seqlab.models.seq2seq.Seq2SeqModel``), where ``state`` is a dict of batch-first
tensors (or lists of them). Decoding starts from ``<s>`` and stops at ``</s>`` or ``max_length``.

>>> import torch
>>> from seqlab.models.seq2seq import Seq2SeqConfig, Seq2SeqModel
>>> m = Seq2SeqModel(Seq2SeqConfig(src_vocab_size=9, tgt_vocab_size=7, units=8, embedding_dim=4)).eval()
>>> ids, weights = greedy_decode(m, torch.tensor([[3, 4, 5]]), max_length=6)
>>> ids.shape[0], ids.shape[1] <= 6
(1, True)
"""
from __future__ import annotations

import torch

from seqlab.data.pairs import END, PAD, START
from seqlab.io.errors import ConfigError


def reorder_state(state: dict, index: torch.Tensor) -> dict:
    """Rows ``index`` of every tensor in ``state`` (lists of tensors included)."""
    out = {}
    for key, value in state.items():
        if isinstance(value, (list, tuple)):
            out[key] = [v.index_select(0, index) for v in value]
        else:
            out[key] = value.index_select(0, index)
    return out


def _writable(logits: torch.Tensor) -> torch.Tensor:
    """Logits with padding and ``<s>`` ruled out: a decoder never writes them."""
    logits = logits.clone()
    logits[:, [PAD, START]] = float("-inf")
    return logits


@torch.no_grad()
def greedy_decode(model, src: torch.Tensor, max_length: int):
    """The likeliest token at every step. src ``(batch, S)`` ids.

    Returns ``(ids (batch, L), weights (batch, L, S) or None)`` with ``L <= max_length``; after a
    row's ``</s>`` its ids are 0 (padding).
    """
    state = model.start(src)
    token = torch.full((src.shape[0],), START, dtype=torch.long, device=src.device)
    done = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
    ids, weights = [], []
    for _ in range(max_length):
        logits, state, w = model.step(token, state)
        token = _writable(logits).argmax(-1).masked_fill(done, PAD)
        ids.append(token)
        weights.append(w)
        done |= token == END
        if bool(done.all()):
            break
    return torch.stack(ids, 1), None if weights[0] is None else torch.stack(weights, 1)


@torch.no_grad()
def beam_search(model, src: torch.Tensor, beam_width: int, max_length: int):
    """Keep the ``beam_width`` likeliest partial outputs (sum of log-probabilities) at each step.

    A finished hypothesis (it wrote ``</s>``) stays in the beam with its score frozen; a row stops
    when its best hypothesis is finished (no live one can overtake it, as scores only fall).
    ``beam_width=1`` is greedy decoding. Returns the best hypothesis per row as ``greedy_decode``
    does: ``(ids (batch, L), weights (batch, L, S) or None)``.
    """
    if not isinstance(beam_width, int) or beam_width < 1:
        raise ConfigError(f"beam_width must be a whole number >= 1, got {beam_width!r}")
    batch, device = src.shape[0], src.device
    state = model.start(src)
    k = beam_width
    rows = torch.arange(batch, device=device)
    state = reorder_state(state, rows.repeat_interleave(k))
    scores = torch.full((batch, k), float("-inf"), device=device)
    scores[:, 0] = 0.0                                  # all beams start equal: expand only the first
    token = torch.full((batch * k,), START, dtype=torch.long, device=device)
    done = torch.zeros(batch * k, dtype=torch.bool, device=device)
    ids = torch.zeros(batch * k, 0, dtype=torch.long, device=device)
    weights = None
    for _ in range(max_length):
        logits, state, w = model.step(token, state)
        logp = _writable(logits.float()).log_softmax(-1)
        vocab = logp.shape[-1]
        frozen = torch.full_like(logp[:1], float("-inf"))
        frozen[0, PAD] = 0.0                            # a finished hypothesis only writes padding, for free
        logp = torch.where(done[:, None], frozen, logp)
        total = (scores.reshape(-1, 1) + logp).reshape(batch, k * vocab)
        scores, flat = total.topk(min(k, k * vocab), dim=-1)
        source = (rows[:, None] * k + flat // vocab).reshape(-1)
        token = (flat % vocab).reshape(-1)
        state = reorder_state(state, source)
        ids = torch.cat([ids.index_select(0, source), token[:, None]], dim=1)
        if w is not None:
            step_w = w.index_select(0, source)[:, None]
            weights = step_w if weights is None else torch.cat([weights.index_select(0, source), step_w], 1)
        done = done.index_select(0, source) | (token == END)
        if bool(done.reshape(batch, k)[:, 0].all()):
            break
    best = rows * k                                      # topk sorts: beam 0 is the best
    return ids.index_select(0, best), None if weights is None else weights.index_select(0, best)
