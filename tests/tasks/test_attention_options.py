"""Every task with a transformer takes the efficient attentions: the option reaches the blocks and
survives save/load."""
from __future__ import annotations

import numpy as np
import pandas as pd

from seqlab.tasks import Forecaster, Seq2Seq, SequenceClassifier


def test_sequence_classifier_with_local_attention(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 24, 2)).astype("float32")
    y = (x[:, :, 0].mean(1) > 0).astype(int)
    clf = SequenceClassifier("transformer", units=8, num_heads=2, num_layers=1, epochs=2, attention="local",
                             attention_options={"window": 4}, seed=0).fit(x, y)
    kinds = {m.attention for m in clf.model_.modules() if type(m).__name__ == "MultiHeadAttention"}
    assert kinds == {"local"}
    clf.save(tmp_path / "m")
    assert np.array_equal(SequenceClassifier.load(tmp_path / "m").predict(x), clf.predict(x))


def test_forecaster_with_performer_attention(tmp_path):
    series = pd.DataFrame({"y": np.sin(np.arange(120) / 5.0)})
    fc = Forecaster("transformer", target="y", lookback=16, units=8, epochs=2, attention="performer",
                    attention_options={"features": 16}, seed=0).fit(series)
    assert fc.network_config_["attention"] == "performer"
    fc.save(tmp_path / "f")
    np.testing.assert_allclose(Forecaster.load(tmp_path / "f").predict(series), fc.predict(series), rtol=0, atol=1e-6)


def test_seq2seq_with_strided_self_attention():
    pairs = [(str(a) + "+" + str(b), str(a + b)) for a in range(12) for b in range(6)]
    model = Seq2Seq("transformer", units=16, num_heads=2, num_layers=1, intermediate_dim=16, epochs=1,
                    self_attention="strided", self_attention_options={"stride": 2}, seed=0).fit(pairs)
    assert model.model_.config.self_attention == "strided"
    assert len(model.predict(["3+4", "10+5"])) == 2
