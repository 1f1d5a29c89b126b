"""ONNX export: ONNX Runtime reproduces seqlab's outputs (to 1e-5) for Sequential stacks,
Forecaster and SequenceClassifier; models that cannot be exported say why in one line."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import seqlab
from seqlab import layers as L
from seqlab.cli import main
from seqlab.tasks import Forecaster, SequenceClassifier, Task

ort = pytest.importorskip("onnxruntime")
FIXTURES = Path(__file__).parents[1] / "fixtures" / "release-0.1.0"
pytest.importorskip("onnx")

STACKS = {
    "recurrent": (lambda: [L.LSTM(12, return_sequences=True), L.GRU(8, return_sequences=True),
                           L.Bidirectional(L.SimpleRNN(4)), L.Dense(2)], (10, 3)),
    "conv": (lambda: [L.Conv1D(8, 3, activation="relu"), L.MaxPooling1D(2), L.Conv1D(4, 3, padding="same"),
                      L.GlobalAveragePooling1D(), L.Dense(3, activation="softmax")], (20, 3)),
    "transformer": (lambda: [L.Dense(16), L.PositionalEncoding(), L.TransformerEncoder(32, 2),
                             L.GlobalAveragePooling1D(), L.Dense(1)], (12, 4)),
    "text": (lambda: [L.Embedding(50, 8), L.Dropout(0.5), L.LSTM(8, return_sequences=True), L.LSTM(8),
                      L.Dense(6, activation="softmax")], (15,)),
    "image": (lambda: [L.Conv2D(4, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)), L.Flatten(), L.Dense(3)],
              (8, 8, 1)),
}


def run_onnx(path, x):
    session = ort.InferenceSession(str(path / "model.onnx"), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


@pytest.mark.parametrize("kind", list(STACKS))
def test_sequential_stacks_match_onnx_runtime_with_dynamic_batch_and_length(kind, tmp_path):
    layers, shape = STACKS[kind]
    model = seqlab.Sequential(layers(), input_shape=shape, seed=0)
    out = model.export(tmp_path / kind)
    meta = json.loads((out / "preprocessing.json").read_text())
    rng = np.random.default_rng(1)
    sequence = len(shape) <= 2
    for batch, extra in ((1, 0), (5, 4) if sequence else (5, 0)):
        full = (batch, shape[0] + extra, *shape[1:])
        x = rng.integers(1, 50, size=full) if kind == "text" else rng.normal(size=full).astype(np.float32)
        np.testing.assert_allclose(run_onnx(out, x), model.predict(x), atol=1e-5)
    assert meta["dynamic_axes"] == ({"batch": 0, "time": 1} if sequence else {"batch": 0})
    assert meta["input"]["dtype"] == ("int64" if kind == "text" else "float32")


def test_a_readable_cell_exports_with_its_time_axis_fixed(tmp_path):
    model = seqlab.Sequential([L.LSTM(6, peephole=True), L.Dense(1)], input_shape=(7, 2), seed=0)
    out = model.export(tmp_path / "peephole")
    meta = json.loads((out / "preprocessing.json").read_text())
    assert meta["input"]["shape"] == [None, 7, 2] and "fixed at 7 steps" in meta["notes"][0]
    x = np.random.default_rng(0).normal(size=(4, 7, 2)).astype(np.float32)
    np.testing.assert_allclose(run_onnx(out, x), model.predict(x), atol=1e-5)


def test_forecaster_network_matches_onnx_runtime(tmp_path):
    df = pd.DataFrame({"y": 10 + np.sin(np.arange(160) / 3.0), "x": np.cos(np.arange(160) / 5.0)})
    f = Forecaster("lstm", target="y", features=["x"], lookback=8, horizon=3, units=8, epochs=2, verbose=0,
                   seed=0).fit(df)
    out = f.export(tmp_path / "forecaster")
    meta = json.loads((out / "preprocessing.json").read_text())
    assert meta["model_class"] == "Forecaster" and meta["input"]["shape"] == [None, 8, 2]
    assert meta["preprocessing"]["targets"] == ["y"] and meta["preprocessing"]["transform"]["scaler"]
    windows = np.random.default_rng(0).normal(size=(6, 8, 2)).astype(np.float32)
    np.testing.assert_allclose(run_onnx(out, windows), f._network_forecast(windows), atol=1e-5)
    combination = meta["preprocessing"]["combination"]      # what predict adds after the network
    assert combination["weights"] == f.combination_["weights"] and "w * forecast" in meta["combination_meaning"]


@pytest.mark.parametrize("model, difference", [("mlp", True), ("lstm", False)])
def test_a_panel_forecaster_is_reproduced_by_onnx_runtime_and_its_preprocessing(model, difference, tmp_path):
    """ONNX Runtime on ``next.inputs``, each series' target unscaled by its ``scaler`` and combined with the
    naive forecast by ``combination.weight``: the forecasts of ``predict`` (and of the reloaded model)."""
    rng = np.random.default_rng(0)
    frames = [pd.DataFrame({"id": f"s{i}", "t": np.arange(40), "type": "ab"[i % 2],
                            "y": 10 * (i + 1) + rng.normal(size=40).cumsum()}) for i in range(8)]
    df = pd.concat(frames, ignore_index=True)
    f = Forecaster(model, target="y", time_col="t", static_features=["type"], lookback=6, horizon=2, units=8,
                   epochs=2, difference=difference, verbose=0, seed=0, classical=False).fit(df, id_col="id")
    out = f.export(tmp_path / "panel")
    meta = json.loads((out / "preprocessing.json").read_text())
    prep = meta["preprocessing"]
    assert meta["input"]["shape"] == [None, 6, 2] and meta["channels"] == ["y", "type (code)"]
    assert prep["ids"] == [f"s{i}" for i in range(8)] and prep["difference_in_graph"] is difference
    z = run_onnx(out, np.asarray(prep["next"]["inputs"], np.float32))[:, :, 0]             # (series, horizon)
    loc, scale = np.asarray(prep["scaler"]["loc"])[:, :1], np.asarray(prep["scaler"]["scale"])[:, :1]
    forecast = z * scale + loc
    c = prep["combination"]
    assert c is not None and c["season"] == 1
    last = np.asarray(prep["next"]["last_values"])[:, -1:]
    forecast = c["weight"] * forecast + (1 - c["weight"]) * last
    expected = f.predict()
    np.testing.assert_allclose(forecast.reshape(-1), expected["forecast"], rtol=1e-5, atol=1e-4)
    assert prep["next"]["times"] == [str(t) for t in expected["time"]]
    f.save(tmp_path / "m")
    again = Task.load(tmp_path / "m").export(tmp_path / "again")       # seqlab export RUN exports a loaded model
    inputs = np.asarray(json.loads((again / "preprocessing.json").read_text())["preprocessing"]["next"]["inputs"])
    np.testing.assert_allclose(run_onnx(again, inputs.astype(np.float32))[:, :, 0], z, atol=1e-6)


def test_a_panel_with_future_features_exports_its_channels_without_a_next_window(tmp_path):
    """Its next forecast needs the covariates of days to come, which only the caller has."""
    rng = np.random.default_rng(0)
    frames = [pd.DataFrame({"store": f"s{i}", "date": pd.date_range("2020-01-01", periods=40, freq="D"),
                            "promo": rng.integers(0, 2, 40), "sales": 10 + rng.normal(size=40).cumsum()})
              for i in range(4)]
    f = Forecaster("mlp", target="sales", time_col="date", future_features=["promo"], calendar=True, lookback=6,
                   units=8, epochs=1, verbose=0, seed=0, classical=False).fit(pd.concat(frames), id_col="store")
    f.save(tmp_path / "m")
    meta = json.loads((Task.load(tmp_path / "m").export(tmp_path / "x") / "preprocessing.json").read_text())
    assert meta["channels"] == ["sales", "promo (1 steps ahead)", "weekday_sin (1 steps ahead)",
                                "weekday_cos (1 steps ahead)", "month_sin (1 steps ahead)", "month_cos (1 steps ahead)"]
    assert meta["input"]["shape"] == [None, 6, 6] and "next" not in meta["preprocessing"]


@pytest.mark.parametrize("encoder", ["gru", "cnn_lstm", "transformer"])
def test_sequence_classifier_probabilities_match_onnx_runtime(encoder, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 20, 2)).astype(np.float32) * 3 + 1
    y = np.where(X[:, :5, 0].mean(1) > 1, "up", "down")
    clf = SequenceClassifier(encoder, units=8, filters=(4, 4, 4), kernel_sizes=(3, 3, 3), num_heads=2, epochs=1,
                             seed=0).fit(X, y)
    out = clf.export(tmp_path / encoder)
    meta = json.loads((out / "preprocessing.json").read_text())
    assert meta["preprocessing"]["classes"] and meta["input"]["shape"] == [None, None, 2]
    new = rng.normal(size=(5, 26, 2)).astype(np.float32)   # another batch size and length
    np.testing.assert_allclose(run_onnx(out, new), clf.predict_proba(new), atol=1e-5)


def test_models_that_cannot_be_exported_say_why_in_one_line(tmp_path):
    som = Task.load(FIXTURES / "som")
    with pytest.raises(seqlab.ExportError, match="SOM cannot be exported to ONNX: it is a codebook") as e:
        som.export(tmp_path / "som")
    assert "\n" not in str(e.value) and not (tmp_path / "som").exists()
    with pytest.raises(seqlab.ExportError, match="Forecaster\\('naive'\\) has no network"):
        Forecaster("naive", target="y", lookback=4).fit(pd.DataFrame({"y": np.arange(40.0)})).export(tmp_path / "n")


def test_cli_export_writes_onnx_beside_the_run_and_refuses_in_one_line(tmp_path, capsys):
    out = tmp_path / "onnx"
    assert main(["export", str(FIXTURES / "sequence-classifier"), "--format", "onnx", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["model.onnx", "preprocessing.json"]
    task = Task.load(FIXTURES / "sequence-classifier")
    x = np.random.default_rng(0).normal(size=(3, task.length_ or 12, task.n_features_)).astype(np.float32)
    np.testing.assert_allclose(run_onnx(out, x), task.predict_proba(x), atol=1e-5)
    capsys.readouterr()
    assert main(["export", str(FIXTURES / "som"), "--out", str(tmp_path / "som")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "SOM cannot be exported to ONNX" in err and not (tmp_path / "som").exists()
