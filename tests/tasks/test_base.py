import pytest
import torch

from seqlab import tasks
from seqlab.io.errors import ModelFileError, NotFittedError
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
