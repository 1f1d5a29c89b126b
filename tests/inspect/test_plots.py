from seqlab.inspect import plots


def test_one_epoch_history_is_drawn_as_a_visible_point_at_epoch_1(tmp_path, monkeypatch):
    saved = {}
    real_save = plots.save_figure

    def keep(fig, path):
        saved["axes"] = [(ax.get_xticks().tolist(), [line.get_marker() for line in ax.get_lines()]) for ax in fig.axes]
        return real_save(fig, path)

    monkeypatch.setattr(plots, "save_figure", keep)
    path = plots.plot_history({"loss": [0.3], "val_loss": [0.4], "free_energy": [-5.0]}, tmp_path / "loss.png")
    assert path.is_file()
    assert saved["axes"] == [([1.0], ["o", "o"]), ([1.0], ["o"])]


def test_many_epochs_are_lines_without_markers(tmp_path, monkeypatch):
    saved = {}
    real_save = plots.save_figure
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: saved.setdefault(
        "markers", [line.get_marker() for line in fig.axes[0].get_lines()]) and real_save(fig, path))
    plots.plot_history({"loss": [0.3, 0.2, 0.1]}, tmp_path / "loss.png")
    assert saved["markers"] == ["None"]
