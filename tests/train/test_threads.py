"""``threads=``: the CPU threads torch trains with, in every task's ``fit`` and ``Trainer.fit`` (issue 19)."""
import numpy as np
import pandas as pd
import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.tasks import Forecaster
from seqlab.train.threads import DEFAULT_THREADS, resolve_threads, using_threads


@pytest.fixture
def recorded(monkeypatch):
    """The thread counts torch is set to."""
    calls = []
    original = torch.set_num_threads
    monkeypatch.setattr(torch, "set_num_threads", lambda n: calls.append(n) or original(n))
    return calls


def test_a_task_trains_on_the_default_rule_and_restores_the_setting(recorded):
    before = torch.get_num_threads()
    y = pd.DataFrame({"y": np.sin(np.arange(60, dtype=np.float32))})
    f = Forecaster("linear", target="y", lookback=4, epochs=2, verbose=0)
    torch.set_num_threads(2)
    try:
        f.fit(y, threads=3)
        assert recorded[1] == 3 and torch.get_num_threads() == 2            # 3 while fitting, then back
        recorded.clear()
        f.fit(y)
        assert recorded[0] == DEFAULT_THREADS == 1 and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_an_inner_fit_keeps_the_count_of_the_enclosing_block():
    with using_threads(2):
        with using_threads(None) as n:
            assert n == 2 and torch.get_num_threads() == 2
        with using_threads(1):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2


def test_trainer_fit_takes_threads(recorded):
    from seqlab.train.trainer import Trainer

    t = Trainer(torch.nn.Linear(2, 1), loss="mse", optimizer="sgd")
    t.fit(np.ones((8, 2), np.float32), np.zeros((8, 1), np.float32), epochs=1, verbose=0, threads=2)
    assert recorded[0] == 2


@pytest.mark.parametrize("bad", [-1, 1.5, "many", True])
def test_bad_thread_counts_are_config_errors(bad):
    with pytest.raises(ConfigError, match="threads must be"):
        resolve_threads(bad)
