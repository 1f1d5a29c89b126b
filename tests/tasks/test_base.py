import pytest
import torch

from seqlab import tasks
from seqlab.io.errors import ConfigError, ModelFileError, NotFittedError
from seqlab.tasks.base import Task


class Scale(Task):
    """A tiny task for testing the base: learns a mean and a weight vector."""

    def __init__(self, factor=2.0):
        self.factor = factor

    def fit(self, x):
        self.mean_ = float(sum(x) / len(x))
        self.w_ = torch.full((3,), self.factor)
        return self

    def _get_state(self):
        return {"kind": "scale"}, {"w": self.w_}, {"mean": self.mean_}

    def _set_state(self, config, tensors, preprocessing):
        self.mean_, self.w_ = preprocessing["mean"], tensors["w"]


@pytest.fixture
def registered(monkeypatch):
    import sys

    monkeypatch.setitem(tasks.TASK_MODULES, "Scale", __name__)
    monkeypatch.setitem(sys.modules, __name__, sys.modules[__name__])


def test_save_load_round_trip(tmp_path, registered):
    Scale(3.0).fit([1, 2, 3]).save(tmp_path / "m")
    loaded = Task.load(tmp_path / "m")
    assert isinstance(loaded, Scale) and loaded.factor == 3.0 and loaded.mean_ == 2.0
    assert torch.equal(loaded.w_, torch.full((3,), 3.0))


def test_save_before_fit_is_a_clear_error(tmp_path):
    with pytest.raises(NotFittedError, match="call fit"):
        Scale().save(tmp_path / "m")


def test_unknown_task_class_is_refused():
    with pytest.raises(ModelFileError, match="unknown task"):
        tasks.task_class("Nope")


def test_loading_as_another_task_is_refused(tmp_path, registered, monkeypatch):
    Scale().fit([1.0]).save(tmp_path / "m")

    class Other(Scale):
        pass

    monkeypatch.setitem(tasks.TASK_MODULES, "Other", __name__)
    with pytest.raises(ModelFileError, match="expected one of Other"):
        Other.load(tmp_path / "m")


class Trained(Task):
    """A task with the shared training arguments, for the signature and old-spelling tests."""

    def __init__(self, units=4, *, epochs=10, learning_rate=None, validation_split=0.0, seed=None):
        self.units, self.epochs, self.learning_rate = units, epochs, learning_rate
        self.validation_split, self.seed = validation_split, seed

    def fit(self, x):
        self.total_ = float(sum(x))
        return self

    def _get_state(self):
        return {}, {}, {"total": self.total_}

    def _set_state(self, config, tensors, preprocessing):
        self.total_ = preprocessing["total"]


def test_an_old_spelling_is_mapped_with_one_deprecation_line():
    with pytest.warns(DeprecationWarning, match=r"Trained\(lr=\.\.\.\) is deprecated; use learning_rate=") as caught:
        task = Trained(lr=0.5, val_size=0.2)
    assert task.get_params() == {"units": 4, "epochs": 10, "learning_rate": 0.5, "validation_split": 0.2,
                                 "seed": None}
    assert len(caught) == 2 and all(len(str(w.message).splitlines()) == 1 for w in caught)
    assert not hasattr(task, "lr")


def test_old_and_new_spelling_together_are_refused():
    with pytest.raises(TypeError, match="both lr= and learning_rate="):
        Trained(lr=0.5, learning_rate=0.1)


def test_arguments_after_the_first_by_position_still_work_with_a_warning():
    with pytest.warns(DeprecationWarning, match="passing epochs, learning_rate by position is deprecated"):
        task = Trained(8, 3, 0.01)
    assert (task.units, task.epochs, task.learning_rate) == (8, 3, 0.01)
    with pytest.raises(TypeError):
        Trained(8, 3, 0.01, 0.0, 0, "one too many")


def test_the_signature_seen_by_get_params_and_clone_is_the_constructors_own():
    import inspect

    from sklearn.base import clone

    params = inspect.signature(Trained.__init__).parameters
    assert list(params) == ["self", "units", "epochs", "learning_rate", "validation_split", "seed"]
    assert params["epochs"].kind is inspect.Parameter.KEYWORD_ONLY
    task = Trained(6, learning_rate=0.1).fit([1, 2])
    copy = clone(task)
    assert copy.get_params() == task.get_params() and not copy.is_fitted()


def test_set_params_maps_old_spellings_and_refuses_unknown_names():
    task = Trained()
    with pytest.warns(DeprecationWarning, match="use learning_rate="):
        task.set_params(lr=0.3)
    assert task.learning_rate == 0.3
    with pytest.raises(ConfigError, match="no parameter 'nope'"):
        task.set_params(nope=1)


def test_a_saved_directory_with_old_spellings_loads_without_warnings(tmp_path, monkeypatch):
    import json
    import sys
    import warnings

    monkeypatch.setitem(tasks.TASK_MODULES, "Trained", __name__)
    monkeypatch.setitem(sys.modules, __name__, sys.modules[__name__])
    Trained(learning_rate=0.2).fit([1.0, 2.0]).save(tmp_path / "m")
    config_file = tmp_path / "m" / "config.json"
    saved = json.loads(config_file.read_text())
    saved["config"]["params"]["lr"] = saved["config"]["params"].pop("learning_rate")   # as release 0.1.0 wrote it
    config_file.write_text(json.dumps(saved))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = Task.load(tmp_path / "m")
    assert loaded.learning_rate == 0.2 and loaded.total_ == 3.0


def test_seeded_leaves_the_global_generator_as_it_was_and_none_is_plain_pytorch():
    from seqlab.nn.seeding import seeded

    before = torch.random.get_rng_state()
    with seeded(3):
        a = torch.rand(3)
    with seeded(3):
        b = torch.rand(3)
    assert torch.equal(a, b) and torch.equal(torch.random.get_rng_state(), before)
    with seeded(None):
        torch.rand(1)
    assert not torch.equal(torch.random.get_rng_state(), before)
