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


def test_the_learning_rate_gets_its_own_log_axis(tmp_path, monkeypatch):
    from seqlab.inspect import plots

    seen = []
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: seen.append(fig) or path)
    plots.plot_history({"loss": [1.0, 0.5], "accuracy": [0.5, 0.9], "learning_rate": [1e-3, 5e-4]},
                       tmp_path / "h.png")
    rate_axes = [ax for ax in seen[0].axes if any(line.get_label() == "learning_rate" for line in ax.lines)]
    accuracy_axes = [ax for ax in seen[0].axes if any(line.get_label() == "accuracy" for line in ax.lines)]
    assert len(rate_axes) == 1 and rate_axes[0].get_yscale() == "log"
    assert rate_axes[0] is not accuracy_axes[0] and accuracy_axes[0].get_yscale() == "linear"
    plots.plt.close(seen[0])
