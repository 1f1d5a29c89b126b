"""seqlab.data: reading, validating, windowing, splitting, scaling, tokenising and padding.

Knows nothing of models: everything here takes and gives NumPy arrays or pandas frames.

>>> import numpy as np
>>> from seqlab.data import make_windows, time_split, MinMaxScaler
>>> series = np.sin(np.arange(100.0))
>>> s = time_split(len(series), val=0.2, test=0.2)
>>> scaler = MinMaxScaler().fit(series[s.train])          # fitted on the training rows only
>>> X, y = make_windows(scaler.transform(series), lookback=10, horizon=1)
>>> X.shape, y.shape
((90, 10, 1), (90, 1))
"""
from seqlab.data.bucketing import bucket_by_length
from seqlab.data.csv import read_csv, read_feature_table, read_lines, read_text
from seqlab.data.padding import pad_sequences, padding_mask
from seqlab.data.scalers import MinMaxScaler, StandardScaler
from seqlab.data.split import TimeSplit, time_split
from seqlab.data.tokenizer import KERAS_FILTERS, Tokenizer, text_to_word_sequence
from seqlab.data.windows import make_windows

__all__ = [
    "KERAS_FILTERS", "MinMaxScaler", "StandardScaler", "TimeSplit", "Tokenizer", "bucket_by_length",
    "make_windows", "pad_sequences", "padding_mask", "read_csv", "read_feature_table", "read_lines",
    "read_text", "text_to_word_sequence", "time_split",
]
