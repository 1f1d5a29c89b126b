"""forecast.png of a multi-step forecaster: a truthful title and the whole horizon drawn."""
import matplotlib
import numpy as np
import pytest

from seqlab.inspect import forecast_plots
from seqlab.inspect.forecast_plots import plot_forecast

matplotlib.use("Agg")


def _forecasts(n: int, horizon: int, with_times: bool) -> dict:
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(size=n + horizon + 5))
    origins = np.arange(4, 4 + n)
    actual = np.stack([series[origins + 1 + s] for s in range(horizon)], axis=1)[..., None]
    times = np.arange("2000-01", f"{2000 + (len(series) + 11) // 12 + 1}-01", dtype="datetime64[M]")[:len(series)]
    naive = np.repeat(series[origins, None, None], horizon, axis=1)
    return {"origins": origins, "actual": actual, "model": actual + 0.1, "naive": naive,
            "lower": None, "upper": None, "times": times if with_times else None, "targets": ["y"]}


def test_title_names_the_drawn_step_of_a_multi_step_horizon():
    assert forecast_plots._ahead(0, 1) == "1 step ahead"
    assert forecast_plots._ahead(0, 3) == "1 step ahead (step 1 of 3)"
    assert forecast_plots._ahead(2, 3) == "3 steps ahead (step 3 of 3)"


@pytest.mark.parametrize("with_times", [True, False])
def test_multi_step_plot_draws_actual_to_the_end_and_paths_of_every_step(with_times, tmp_path, monkeypatch):
    drawn = {}
    real_save = forecast_plots.save_figure

    def keep(fig, path):
        ax = fig.axes[0]
        drawn["title"] = ax.get_title()
        drawn["lines"] = {line.get_label(): len(line.get_xdata()) for line in ax.get_lines()}
        return real_save(fig, path)

    monkeypatch.setattr(forecast_plots, "save_figure", keep)
    path = plot_forecast(_forecasts(20, 3, with_times), tmp_path / "forecast.png")
    assert path.exists() and path.stat().st_size > 0
    assert drawn["title"] == "y: test forecasts, 1 step ahead (step 1 of 3)"
    assert drawn["lines"]["actual"] == 20 + 2            # every origin's first step, then the last origin's others
    assert drawn["lines"]["model, all 3 steps from a few origins"] == 3


@pytest.mark.parametrize("with_times", [True, False])
def test_one_step_plot_keeps_its_title(with_times, tmp_path, monkeypatch):
    titles = []
    real_save = forecast_plots.save_figure
    monkeypatch.setattr(forecast_plots, "save_figure", lambda fig, path: (titles.append(fig.axes[0].get_title()),
                                                                          real_save(fig, path))[1])
    assert plot_forecast(_forecasts(20, 1, with_times), tmp_path / "forecast.png").exists()
    assert titles == ["y: test forecasts, 1 step ahead"]


def test_a_long_test_period_draws_its_last_forecasts_and_says_so(tmp_path, monkeypatch):
    """A year of hourly test forecasts (8,764) drew one solid band; the plot now zooms in on the last ones."""
    drawn = {}
    real_save = forecast_plots.save_figure

    def keep(fig, path):
        drawn["title"] = fig.axes[0].get_title()
        drawn["lines"] = {line.get_label(): line.get_xdata() for line in fig.axes[0].get_lines()}
        return real_save(fig, path)

    monkeypatch.setattr(forecast_plots, "save_figure", keep)
    forecasts = _forecasts(forecast_plots.PLOT_ORIGINS + 100, 1, with_times=False)
    assert plot_forecast(forecasts, tmp_path / "forecast.png").exists()
    assert drawn["title"] == f"y: test forecasts, 1 step ahead; the last 500 of {forecast_plots.PLOT_ORIGINS + 100}"
    assert list(drawn["lines"]["actual"]) == list(forecasts["origins"][100:] + 1)
