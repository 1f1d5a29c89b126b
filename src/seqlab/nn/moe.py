"""Switch Transformer feed-forward layer (Fedus et al. 2021): a mixture of experts with top-1 routing.

For each token x a router gives ``p(x) = softmax(x W_r)`` over E experts; the token goes to the one
expert ``e = argmax p`` and comes out as ``y = p_e(x) FFN_e(x)``. Each expert takes at most

    capacity = ceil(capacity_factor * tokens / E)

tokens per batch (the first ones, in order); a token over capacity is dropped: its output is zero, so
the block's residual connection carries it through unchanged. The load-balancing loss

    L_aux = alpha * E * sum_e f_e P_e,   f_e = fraction of tokens sent to e,  P_e = mean router probability of e

is 1 * alpha when routing is uniform (its minimum) and up to E * alpha when one expert takes all; it
is handed to training through ``regularization_loss()`` (``seqlab.train.regularizers`` adds every
module's). Only one expert's weights act on each token: the active parameters are those of a dense
feed-forward layer of the same ``intermediate_dim``.

>>> import torch
>>> moe = SwitchFeedForward(4, 32, input_shape=(None, 16))
>>> moe(torch.randn(2, 10, 16)).shape
torch.Size([2, 10, 16])
>>> float(moe.regularization_loss()) > 0
True
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.activations import get_activation
from seqlab.nn.base import Layer, Shape, new_weight


class SwitchFeedForward(Layer):
    """A Switch mixture of ``num_experts`` feed-forward networks ``Dense(intermediate_dim) -> Dense(features)``.

    Args:
        num_experts: E, the experts.
        intermediate_dim: each expert's hidden width.
        capacity_factor: room per expert, as a multiple of an even share of the tokens (paper: 1.0-1.25).
        activation: the experts' hidden activation (``"relu"``, ``"gelu"``, ...).
        aux_loss_weight: alpha of the load-balancing loss (paper: 0.01).
        dropout: dropout on the experts' hidden layer while training.

    Weights: ``router_kernel`` ``(features, E)``, ``expert_kernel_in`` ``(E, features, hidden)``,
    ``expert_bias_in`` ``(E, hidden)``, ``expert_kernel_out`` ``(E, hidden, features)``, ``expert_bias_out``
    ``(E, features)``. Takes and returns ``(..., features)``. After a call, ``dropped_fraction_`` is the
    share of tokens that were over capacity.
    """

    def __init__(self, num_experts: int, intermediate_dim: int, capacity_factor: float = 1.25,
                 activation="relu", aux_loss_weight: float = 0.01, dropout: float = 0.0, **kwargs):
        if int(num_experts) < 1 or int(intermediate_dim) < 1:
            raise ConfigError(f"SwitchFeedForward needs num_experts >= 1 and intermediate_dim >= 1, "
                              f"got {num_experts} and {intermediate_dim}")
        if not capacity_factor > 0 or aux_loss_weight < 0 or not 0.0 <= dropout < 1.0:
            raise ConfigError(f"SwitchFeedForward needs capacity_factor > 0, aux_loss_weight >= 0 and dropout in "
                              f"[0, 1), got {capacity_factor}, {aux_loss_weight}, {dropout}")
        self.num_experts, self.intermediate_dim = int(num_experts), int(intermediate_dim)
        self.capacity_factor, self.aux_loss_weight = float(capacity_factor), float(aux_loss_weight)
        self.activation, self.dropout = activation, float(dropout)
        self.activation_fn = F.gelu if activation == "gelu" else get_activation(activation)
        self.auxiliary_loss: torch.Tensor | None = None
        self.dropped_fraction_: float | None = None
        super().__init__(**kwargs)
        self.finish_init(locals())

    def build(self, input_shape: Shape) -> None:
        dim, e, hidden, g = input_shape[-1], self.num_experts, self.intermediate_dim, self.build_generator
        if dim is None:
            raise ConfigError("SwitchFeedForward needs a known feature size; give input_shape")
        self.router_kernel = new_weight("glorot_uniform", (dim, e), g)
        self.expert_kernel_in = torch.nn.Parameter(torch.stack([new_weight("glorot_uniform", (dim, hidden), g).data
                                                                for _ in range(e)]))
        self.expert_bias_in = new_weight("zeros", (e, hidden), g)
        self.expert_kernel_out = torch.nn.Parameter(torch.stack([new_weight("glorot_uniform", (hidden, dim), g).data
                                                                 for _ in range(e)]))
        self.expert_bias_out = new_weight("zeros", (e, dim), g)
        self.weight_names = ["router_kernel", "expert_kernel_in", "expert_bias_in", "expert_kernel_out",
                             "expert_bias_out"]

    def route(self, tokens: torch.Tensor):
        """``(probs (N, E), expert (N,), slot (N,), kept (N,))``: top-1 expert, the token's place in its
        expert's queue, and whether that place is within capacity."""
        probs = (tokens @ self.router_kernel).softmax(-1)
        expert = probs.argmax(-1)
        one_hot = F.one_hot(expert, self.num_experts)
        slot = ((one_hot.cumsum(0) - 1) * one_hot).sum(-1)                    # 0, 1, 2 ... per expert
        capacity = math.ceil(self.capacity_factor * tokens.shape[0] / self.num_experts)
        return probs, expert, slot, slot < capacity

    def balance_loss(self, probs: torch.Tensor, expert: torch.Tensor) -> torch.Tensor:
        """``E * sum_e f_e P_e`` (without alpha); 1 for uniform routing."""
        f = F.one_hot(expert, self.num_experts).to(probs.dtype).mean(0)
        return self.num_experts * (f * probs.mean(0)).sum()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tokens = x.reshape(-1, x.shape[-1])                                    # (N, d)
        probs, expert, slot, kept = self.route(tokens)
        capacity = int(slot[kept].max()) + 1 if bool(kept.any()) else 1
        # dispatch: each expert's queue (E, C, d); combine: back to the tokens, scaled by the gate
        queue = tokens.new_zeros(self.num_experts, capacity, tokens.shape[-1])
        queue[expert[kept], slot[kept]] = tokens[kept]
        hidden = self.activation_fn(queue @ self.expert_kernel_in + self.expert_bias_in[:, None])
        hidden = F.dropout(hidden, self.dropout, self.training)
        done = hidden @ self.expert_kernel_out + self.expert_bias_out[:, None]    # (E, C, d)
        gate = probs.gather(1, expert[:, None])                                   # (N, 1)
        out = tokens.new_zeros(tokens.shape)
        out[kept] = done[expert[kept], slot[kept]] * gate[kept]
        self.auxiliary_loss = self.aux_loss_weight * self.balance_loss(probs, expert)
        self.dropped_fraction_ = float((~kept).float().mean())
        return out.view(x.shape)

    def regularization_loss(self) -> torch.Tensor | None:
        """The load-balancing loss of the latest training call (then forgotten); None outside training."""
        loss, self.auxiliary_loss = self.auxiliary_loss, None
        return loss if self.training else None
