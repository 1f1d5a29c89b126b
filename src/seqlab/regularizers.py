"""``seqlab.regularizers``: Keras's weight penalties by their Keras names (a façade over ``seqlab.nn.penalties``).

Seed 000 imports ``l2`` from ``tensorflow.keras.regularizers``; here it is ``seqlab.regularizers.l2``.

>>> from seqlab import layers, regularizers
>>> layers.Dense(3, kernel_regularizer=regularizers.l2(0.01)).penalties["kernel_regularizer"].l2
0.01
"""
from seqlab.nn.penalties import L1, L1L2, L2, get_regularizer

l1, l2 = L1, L2


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """``l1 * sum(|w|) + l2 * sum(w^2)``."""
    return L1L2(l1=l1, l2=l2)


get = get_regularizer

__all__ = ["L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get"]
