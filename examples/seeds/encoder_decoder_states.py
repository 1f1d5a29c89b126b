"""Seed 001's encoder-decoder LSTM with the states handed over as seed 004 describes them
(``return_state=True`` on the encoder, ``initial_state=`` on the decoder), in the functional API;
``--attention`` adds seed 000's attention: each decoder step attends over the encoder's outputs
(``layers.Attention``, Luong's dot score) and the context joins the decoder output
(``layers.Concatenate``) before the softmax.

The seeds give no code for this model, only the recipe; the layout is Keras's ``lstm_seq2seq``
example: teacher forcing while training (the decoder reads the target shifted right, after a start
token), then an encoder model and a step-by-step decoder model that share the trained layers.
The task: output a random digit string reversed. Printed beside it: the sequence accuracy of the
copy baseline (the input unreversed), computed on the same test strings. Measured (seed 0,
defaults: 4,000 training strings of 6 digits, 40 epochs, 64 units): sequence accuracy 1.000 without
and 1.000 with attention, on 500 test strings; copy baseline 0.004.

    python examples/seeds/encoder_decoder_states.py [--epochs 40] [--attention]
"""
from __future__ import annotations

import argparse

import numpy as np

import seqlab
from seqlab import layers

DIGITS, START = 10, 10  # tokens 0..9; 10 starts the decoder


def one_hot(ids: np.ndarray, depth: int = DIGITS + 1) -> np.ndarray:
    return np.eye(depth, dtype=np.float32)[ids]


def make_data(n: int, length: int, rng) -> tuple:
    src = rng.integers(0, DIGITS, size=(n, length))
    tgt = src[:, ::-1]
    dec_in = np.concatenate([np.full((n, 1), START), tgt[:, :-1]], axis=1)
    return one_hot(src), one_hot(dec_in), one_hot(tgt, DIGITS), src, tgt


def build(units: int, attention: bool, seed: int):
    """Training model, encoder model and one-step decoder model (shared layers)."""
    enc_in = seqlab.Input((None, DIGITS + 1), name="source")
    encoder = layers.LSTM(units, return_sequences=True, return_state=True, name="encoder")
    enc_seq, h, c = encoder(enc_in)
    dec_in = seqlab.Input((None, DIGITS + 1), name="target_so_far")
    decoder = layers.LSTM(units, return_sequences=True, return_state=True, name="decoder")
    dec_seq, _, _ = decoder(dec_in, initial_state=[h, c])
    attend = layers.Attention(name="attention") if attention else None
    join = layers.Concatenate(name="with_context") if attention else None
    head = layers.Dense(DIGITS, activation="softmax", name="next_digit")

    def top(seq, memory):
        if attend is None:
            return head(seq)
        context, _weights = attend(seq, memory)
        return head(join([seq, context]))

    model = seqlab.Model([enc_in, dec_in], top(dec_seq, enc_seq), name="seq2seq", seed=seed)
    encoder_model = seqlab.Model(enc_in, [enc_seq, h, c], name="encoder_model")
    step_in, memory = seqlab.Input((1, DIGITS + 1)), seqlab.Input((None, units))
    h_in, c_in = seqlab.Input((units,)), seqlab.Input((units,))
    step_seq, h_out, c_out = decoder(step_in, initial_state=[h_in, c_in])
    decoder_model = seqlab.Model([step_in, memory, h_in, c_in], [top(step_seq, memory), h_out, c_out],
                                 name="decoder_step")
    return model, encoder_model, decoder_model


def decode(encoder_model, decoder_model, src_1hot: np.ndarray, length: int) -> np.ndarray:
    """Greedy decoding, one step at a time, the states carried from step to step."""
    memory, h, c = encoder_model.predict(src_1hot)
    token = np.full((len(src_1hot), 1), START)
    out = []
    for _ in range(length):
        probs, h, c = decoder_model.predict([one_hot(token), memory, h, c])
        token = probs[:, -1].argmax(-1)[:, None]
        out.append(token[:, 0])
    return np.stack(out, axis=1)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--length", type=int, default=6)
    p.add_argument("--train", type=int, default=4000)
    p.add_argument("--units", type=int, default=64)
    p.add_argument("--attention", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    train = make_data(args.train, args.length, rng)
    test = make_data(500, args.length, rng)
    model, encoder_model, decoder_model = build(args.units, args.attention, args.seed)
    print(model.summary())
    model.compile("adam", loss="categorical_crossentropy", metrics=["accuracy"], learning_rate=0.005)
    model.fit([train[0], train[1]], train[2], epochs=args.epochs, batch_size=64, validation_split=0.1, verbose=0)
    predicted = decode(encoder_model, decoder_model, test[0], args.length)
    seq_acc = float(np.mean(np.all(predicted == test[4], axis=1)))
    token_acc = float(np.mean(predicted == test[4]))
    copy_acc = float(np.mean(np.all(test[3] == test[4], axis=1)))
    print(f"reversal, {args.length} digits, {'with' if args.attention else 'no'} attention: sequence accuracy "
          f"{seq_acc:.3f} (digits {token_acc:.3f}); copy baseline {copy_acc:.3f}")
    return {"sequence_accuracy": seq_acc, "token_accuracy": token_acc, "copy_baseline": copy_acc,
            "params": model.count_params()}


if __name__ == "__main__":
    main()
