"""``seqlab.constraints``: Keras's weight constraints by their Keras names (a façade over ``seqlab.nn.penalties``).

>>> from seqlab import constraints, layers
>>> type(layers.Dense(3, kernel_constraint=constraints.max_norm(2.0)).penalties["kernel_constraint"]).__name__
'MaxNorm'
"""
from seqlab.nn.penalties import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm, get_constraint

max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
get = get_constraint

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm", "non_neg", "unit_norm",
           "min_max_norm", "get"]
