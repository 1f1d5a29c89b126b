"""Forecasts of a fitted global model after the end of each series, and its model-file state.

``predict_panel(model, data)`` reads ``data`` as the model was trained (long or wide, the same
columns), takes the last ``lookback`` observed rows of every series and returns a long table
``id, time, forecast[, forecast_q<q>]`` with ``horizon`` rows per series. A model with future
covariates needs them over the horizon: ``data`` must hold ``horizon`` rows after each series' last
observed target carrying them (DataError names the missing columns, or the series lacking rows).
A series seen in training keeps its training-part scaling; a new one is scaled on its own history.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import torch

from seqlab.data.panel import ID_JOINER, Panel
from seqlab.data.panel_windows import PanelInputs, PerSeriesScaler, WindowIndex, calendar_features
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.forecasting import NETWORKS, NetworkConfig, QuantileOutputs
from seqlab.models.panel_network import PanelNetwork
from seqlab.tasks.forecasting.combination import combine
from seqlab.tasks.forecasting.panel import PanelModel, baseline_forecasts


def _id_parts(id_col: str, ids: list, horizon: int) -> dict:
    """The columns of a series id joined from several (``--id-col store,item``: ``"3/17"``), each repeated over the
    horizon (``{"store": ["3", ...], "item": ["17", ...]}``); none for an id of one column."""
    parts = [p.strip() for p in str(id_col).split(",")]
    pieces = [str(i).split(ID_JOINER) for i in ids]
    if len(parts) < 2 or any(len(p) != len(parts) for p in pieces):
        return {}
    return {name: np.repeat(np.asarray([p[k] for p in pieces], dtype=object), horizon) for k, name in enumerate(parts)}


def predict_panel(model: PanelModel, data=None) -> pd.DataFrame:
    """The next ``horizon`` steps of every series of ``data`` (None: of the fitted data) as a long table."""
    H = int(model.p["horizon"])
    ids, panel, inputs, scaler, windows, positions = next_inputs(model, data)
    out = []
    with torch.no_grad():
        for a in range(0, len(inputs), 2048):
            out.append(model.network(inputs[np.arange(a, min(a + 2048, len(inputs)))]).numpy())
    z = np.concatenate(out)[:, :, 0]                                          # (series, H[, q])
    pred = scaler.inverse_target(z, np.arange(len(ids)))
    c = model.combination
    if c is not None:                  # shrunk toward the naive forecast, as scored
        pred = combine(pred, baseline_forecasts(windows[:, :, 0], H, c["season"]), np.array([c["weight"]]))
    times = panel.time_of(positions.reshape(-1)).reshape(positions.shape)
    table = {"id": np.repeat(np.asarray(ids, dtype=object), H), **_id_parts(model.id_col, ids, H),
             "time": times.reshape(-1)}
    q = model.quantiles
    table["forecast"] = (pred if not q else pred[..., len(q) // 2]).reshape(-1)
    for j, level in enumerate(q):
        table[f"forecast_q{level:g}"] = pred[..., j].reshape(-1)
    return pd.DataFrame(table)


def next_inputs(model: PanelModel, data=None):
    """What the network reads to forecast the ``horizon`` steps after each series of ``data`` (None: of the
    fitted data): ``(ids, panel, inputs, scaler, windows, positions)``, ``inputs`` the model-space windows
    (a ``PanelInputs``, one per series), ``scaler`` each series' scaling, ``windows`` the last ``lookback``
    rows in the data's units ``(series, lookback, channels)`` and ``positions`` the forecast steps."""
    L, H = int(model.p["lookback"]), int(model.p["horizon"])
    given = [c for c in model.future if c]
    if data is None:
        if given:
            raise DataError(f"this model needs the future features {', '.join(given)} over the next {H} steps: "
                            "give predict a table holding them")
        ids, windows, last = model.ids, model.last, np.asarray(model.last_position, np.int64)
        panel = Panel(list(ids), np.arange(len(ids) + 1) * L, np.full(len(ids), L), np.zeros((0, 1)),
                      np.zeros(0, np.int64), model.target, anchor=model.anchor, step=model.step)
        future = np.zeros((len(ids), H, 0))
        statics = model.static_codes
    else:
        if not isinstance(data, pd.DataFrame):
            raise DataError(f"predict takes a DataFrame (long or wide, as in training), got {type(data).__name__}")
        missing = [c for c in given if c not in data.columns]
        if missing:
            raise DataError(f"predict needs the future features {', '.join(given)} over the next {H} steps; "
                            f"missing from the table: {', '.join(missing)}")
        panel = _without_short_series(model, model.read(data, step=model.step), L)
        ids, windows, future, last = _history(model, panel, L, H)
        statics = _statics_for(model, panel)
    positions = last[:, None] + np.arange(1, H + 1)                          # (series, H) grid steps ahead
    rows = np.concatenate([windows, _future_rows(model, panel, positions, future, windows.shape[2])], axis=1)
    scaler = _scaler_for(model, ids, windows)
    buffer = scaler.transform(rows.reshape(-1, rows.shape[2]), np.arange(len(ids) + 1) * (L + H))
    index = WindowIndex(np.arange(len(ids)) * (L + H), np.ones(len(ids)))
    inputs = PanelInputs(buffer, index, L, H, model.n_future, statics)
    return ids, panel, inputs, scaler, windows, positions


def _without_short_series(model: PanelModel, panel: Panel, L: int) -> Panel:
    """``panel`` without its series of fewer than ``L`` observed rows when the model was trained with
    ``drop_short`` (a warning names them), so the file it was trained on predicts as it is; else ``panel``."""
    short = panel.lengths < L
    if not (short.any() and model.p.get("drop_short")) or short.all():
        return panel   # _history explains what is too short
    names = [panel.ids[i] for i in np.flatnonzero(short)]
    warnings.warn(f"left out {len(names)} series with fewer than lookback={L} observed rows, as training did "
                  f"(drop_short): {', '.join(map(repr, names[:5]))}{' ...' if len(names) > 5 else ''}",
                  UserWarning, stacklevel=5)
    return PanelModel._subset(panel, np.flatnonzero(~short))


def _history(model: PanelModel, panel: Panel, L: int, H: int):
    """``(ids, last L observed rows (series, L, channels), future rows (series, H, future), last steps)``."""
    n_future_cols = len(model.future)
    short = [panel.ids[i] for i in range(panel.n_series) if panel.lengths[i] < L]
    if short:
        raise DataError(f"series {', '.join(map(repr, short[:5]))} {'has' if len(short) == 1 else 'have'} fewer than "
                        f"lookback={L} observed rows: predict needs the last {L} values of each series")
    windows, future, last = [], [], []
    for i in range(panel.n_series):
        a, n = int(panel.offsets[i]), int(panel.lengths[i])
        extra = int(panel.offsets[i + 1]) - a - n
        if n_future_cols and extra < H:
            raise DataError(f"series {panel.ids[i]!r} has {extra} row(s) after its last observed value with the "
                            f"future features {', '.join(model.future)}; predict needs {H} (the horizon)")
        windows.append(panel.values[a + n - L:a + n])
        future.append(panel.values[a + n:a + n + H, panel.values.shape[1] - n_future_cols:] if n_future_cols
                      else np.zeros((H, 0)))
        last.append(panel.positions[a + n - 1])
    windows = np.stack(windows)
    if model.p.get("calendar"):
        positions = np.stack([panel.positions[int(panel.offsets[i]) + int(panel.lengths[i]) - L:
                                              int(panel.offsets[i]) + int(panel.lengths[i])]
                              for i in range(panel.n_series)])
        calendar = model._calendar(panel, positions.reshape(-1)).reshape(len(windows), L, -1)
        windows = np.concatenate([windows, calendar], axis=2)
    return list(panel.ids), windows, np.stack(future), np.asarray(last, np.int64)


def _future_rows(model: PanelModel, panel: Panel, positions: np.ndarray, future: np.ndarray, channels: int):
    """The ``horizon`` rows after each window: target and past covariates unknown (0, never read as
    inputs), future covariates as given, calendar features from the future times."""
    n, H = positions.shape
    rows = np.zeros((n, H, channels))
    n_cal = model.n_future - len(model.future)
    if len(model.future):
        rows[:, :, channels - model.n_future:channels - n_cal] = future
    if n_cal:
        rows[:, :, channels - n_cal:] = model._calendar(panel, positions.reshape(-1)).reshape(n, H, n_cal)
    return rows


def _scaler_for(model: PanelModel, ids, windows: np.ndarray) -> PerSeriesScaler:
    """The training scaling of each known series; a new series is scaled on its given history."""
    fitted, known = model.scaler, {name: i for i, name in enumerate(model.ids)}
    L = windows.shape[1]
    own = PerSeriesScaler(fitted.kind).fit(windows.reshape(-1, windows.shape[2]), np.arange(len(ids) + 1) * L,
                                           np.full(len(ids), L))
    scaler = PerSeriesScaler(fitted.kind)
    scaler.loc, scaler.scale = own.loc.copy(), own.scale.copy()
    for j, name in enumerate(ids):
        if name in known:
            scaler.loc[j], scaler.scale[j] = fitted.loc[known[name]], fitted.scale[known[name]]
    return scaler


def _statics_for(model: PanelModel, panel: Panel):
    """Encoded static features of the predicted series: from the table, else as in training."""
    if not model.static_numeric and not model.static_categories:
        return None
    if panel.statics is not None:
        return model._encode_statics(panel.statics)
    known = {name: i for i, name in enumerate(model.ids)}
    unknown = [s for s in panel.ids if s not in known]
    if unknown:
        raise DataError(f"series {unknown[0]!r} was not in the training data and the table has no static features "
                        f"({', '.join([*model.static_numeric, *model.static_categories])}) to describe it")
    return model.static_codes[[known[s] for s in panel.ids]]


# ----- ONNX ---------------------------------------------------------------------------------------
def panel_onnx_spec(model: PanelModel):
    """What ``seqlab export`` writes for a global model: the network (model-space windows in, each series'
    scaled forecasts out) and, in ``preprocessing.json``, what turns its output into ``predict``'s forecasts:
    every training series' scaling (``scaler``: ``loc``/``scale`` per series and channel, channel 0 the
    target), the combination with a baseline, and, when the model needs no future covariates, ``next``:
    the input window of each series' next forecast (``inputs``) and the target values the baseline reads
    (``last_values``), so that ONNX Runtime alone reproduces ``seqlab predict RUN``."""
    from seqlab.tasks.export import OnnxSpec

    L, H = int(model.p["lookback"]), int(model.p["horizon"])
    statics = 0 if model.static_codes is None else model.static_codes.shape[1]
    channels = model.last.shape[2] + statics
    example = torch.zeros(2, L, channels)
    calendar = calendar_features([np.datetime64(model.anchor)], model.step)[1] if model.p.get("calendar") else []
    layout = [model.target, *model.past, *[f"{c} ({H} steps ahead)" for c in [*model.future, *calendar]],
              *model.static_numeric, *[f"{c} (code)" for c in model.static_categories]]
    q = model.quantiles
    output = f"(batch, {H}, {len(q)} quantiles)" if q else f"(batch, {H}, 1)"
    description = {
        "input_meaning": f"(batch, lookback={L}, channels) windows of one series: channel 0 the target, then past "
                         "covariates, then future covariates (and calendar features) of the rows horizon steps "
                         "later, each scaled by the series' preprocessing.scaler ((value - loc) / scale, per "
                         "series and channel); then static features (numbers standardised across series by "
                         "preprocessing.static_numeric, categories as codes 1.. of preprocessing.static_categories, "
                         "0 unseen) on every step",
        "channels": layout,
        "output_meaning": f"{output} forecasts of the target in the series' scaled units: value * scale + loc "
                          "(the series' channel 0) gives the data's units",
        "horizon": H, "lookback": L, "quantiles": q or None}
    c = model.combination
    if c is not None:
        description["combination_meaning"] = (
            f"seqlab's forecast is w * forecast + (1 - w) * baseline in the data's units, w = "
            f"preprocessing.combination.weight, the baseline y[t + h - season * ceil(h / season)] with season "
            f"{c['season']} (1: the last value)")
    prep = {"ids": list(model.ids), "scaler": model.scaler.to_dict(), "static_numeric": model.static_numeric,
            "static_categories": model.static_categories, "combination": c, "difference_in_graph": bool(
                model.difference_)}
    if not [f for f in model.future if f]:
        ids, panel, inputs, scaler, windows, positions = next_inputs(model)
        prep["next"] = {"inputs": inputs[np.arange(len(ids))].numpy().tolist(),
                        "last_values": windows[:, :, 0].tolist(),
                        "times": [str(t) for t in panel.time_of(positions.reshape(-1))]}
    return OnnxSpec(model.network, example, False, prep, description)


# ----- model files -----------------------------------------------------------------------------
def panel_state(model: PanelModel) -> tuple[dict, dict, dict]:
    """``(config, tensors, preprocessing)`` for ``Task.save``: plain JSON values and the network's tensors."""
    anchor = model.anchor if isinstance(model.anchor, (int, np.integer)) else str(pd.Timestamp(model.anchor))
    prep = {"panel": {
        "id_col": model.id_col, "wide": model.wide, "target": model.target, "ids": list(model.ids),
        "past": model.past, "future": model.future, "n_future": int(model.n_future),
        "step": model.step if isinstance(model.step, str) else int(model.step),
        "anchor": anchor if isinstance(anchor, str) else int(anchor), "season": int(model.season),
        "scaler": model.scaler.to_dict(), "static_numeric": model.static_numeric,
        "static_categories": model.static_categories,
        "static_codes": None if model.static_codes is None else model.static_codes.tolist(),
        "last": model.last.tolist(), "last_position": np.asarray(model.last_position).tolist(),
        "metrics": model.metrics(), "cardinalities": model.cardinalities,
        "difference": bool(model.difference_), "combination": model.combination,
    }}
    config = {"panel_network": model.network_config}
    return config, dict(model.network.state_dict()), prep


def panel_from_state(params: dict, config: dict, tensors: dict, preprocessing: dict) -> PanelModel:
    """The PanelModel that ``panel_state`` saved, ready to predict."""
    s = preprocessing["panel"]
    model = PanelModel(params)
    model.id_col, model.wide, model.target, model.ids = s["id_col"], s["wide"], s["target"], s["ids"]
    model.past, model.future, model.n_future = s["past"], s["future"], int(s["n_future"])
    model.step, model.season = s["step"], int(s["season"])
    model.anchor = pd.Timestamp(s["anchor"]) if isinstance(s["step"], str) else int(s["anchor"])
    model.scaler = PerSeriesScaler.from_dict(s["scaler"])
    model.static_numeric, model.static_categories = s["static_numeric"], s["static_categories"]
    model.static_codes = None if s["static_codes"] is None else np.asarray(s["static_codes"], np.float32)
    model.last, model.last_position = np.asarray(s["last"], np.float64), np.asarray(s["last_position"], np.int64)
    model.saved_metrics, model.cardinalities = s["metrics"], s["cardinalities"]
    cfg = NetworkConfig(**config["panel_network"])
    if cfg.architecture not in NETWORKS:
        raise ConfigError(f"unknown network {cfg.architecture!r}")
    model.network_config = config["panel_network"]
    model.difference_ = bool(s.get("difference", params.get("difference") is True))     # older files: the params'
    model.combination = s.get("combination")
    net = PanelNetwork(cfg, model.cardinalities, residual=model.difference_)
    nq = len(model.quantiles)
    model.network = QuantileOutputs(net, 1, nq) if nq else net
    model.network.load_state_dict(tensors)
    model.network.eval()
    return model
