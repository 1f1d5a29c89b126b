"""Seed 004's "RNN in Keras" snippets, as the seed writes them (only the import lines changed):
``return_sequences`` False and True on a ``keras.Input(shape=(steps, num_features))``, then the
two things the seed says next in prose: ``return_state=True`` gives the final state(s) (LSTM two,
GRU one) and ``initial_state=`` starts another RNN from them.

The seed prints ``(120, 16)`` for the second snippet; Keras (and seqlab) print the batch axis too:
``(None, 120, 16)``.

    python examples/seeds/rnn_return_modes.py
"""
from __future__ import annotations

import numpy as np

import seqlab as keras  # was: from tensorflow import keras
from seqlab import layers  # was: from tensorflow.keras import layers


def main(argv=None) -> dict:
    shapes = {}
    # ----- the seed's code ---------------------------------------------------------------
    num_features = 14
    steps = 120
    inputs = keras.Input(shape=(steps, num_features))
    outputs = layers.SimpleRNN(16, return_sequences=False)(inputs)
    print(outputs.shape)
    shapes["last"] = outputs.shape

    num_features = 14
    steps = 120
    inputs = keras.Input(shape=(steps, num_features))
    outputs = layers.SimpleRNN(16, return_sequences=True)(inputs)
    print(outputs.shape)
    shapes["sequences"] = outputs.shape
    # ----- end of the seed's code; its prose on return_state and initial_state ---------------
    sequence, state_h, state_c = layers.LSTM(16, return_state=True)(inputs)
    _, gru_state = layers.GRU(16, return_state=True)(inputs)
    continued = layers.LSTM(16)(inputs, initial_state=[state_h, state_c])
    model = keras.Model(inputs, [sequence, gru_state, continued])
    print(model.summary())
    x = np.random.default_rng(0).normal(size=(2, steps, num_features)).astype(np.float32)
    out = model.predict(x)
    shapes.update(lstm_states=(state_h.shape, state_c.shape), gru_state=gru_state.shape,
                  predicted=[o.shape for o in out])
    print("states:", state_h.shape, state_c.shape, gru_state.shape)
    return shapes


if __name__ == "__main__":
    main()
