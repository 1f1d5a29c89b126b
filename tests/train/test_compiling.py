"""compile=True: fit and predict go through torch.compile's wrapper, with the same weights, and fall
back to eager with one warning line where compiling fails. (torch.compile itself is replaced here:
compiling for real takes minutes; benchmarks/recurrent.py --compile measures it.)"""
import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers as L
from seqlab.io.errors import ConfigError
from seqlab.train.compiling import CompiledModule, compile_mode


class Recorder:
    """Stands in for torch.compile: counts the calls that go through the 'compiled' module."""

    def __init__(self, fail: bool = False):
        self.calls, self.fail = 0, fail

    def __call__(self, module, mode=None):
        def run(*args, **kwargs):
            self.calls += 1
            if self.fail:
                raise RuntimeError("CppCompileError: no working C++ compiler\nsecond line")
            return module(*args, **kwargs)
        return run


def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(24, 5, 2)).astype(np.float32), rng.normal(size=(24, 1)).astype(np.float32)


def fitted(compile, seed=0):
    x, y = data()
    model = seqlab.Sequential([L.LSTM(4, peephole=True), L.Dense(1)], input_shape=(5, 2), seed=seed)
    model.compile(optimizer="adam", loss="mse", compile=compile)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return model, model.predict(x)


def test_fit_and_predict_run_through_the_compiled_module_with_the_same_results(monkeypatch):
    _, plain = fitted(False)
    recorder = Recorder()
    monkeypatch.setattr(torch, "compile", recorder)
    model, compiled = fitted(True)
    assert recorder.calls == 2 * 3 + 1      # 3 batches per epoch, then one predict batch
    np.testing.assert_allclose(compiled, plain, atol=1e-6)
    assert isinstance(model.trainer.net, CompiledModule) and model.trainer.net.module is model


def test_where_compiling_fails_it_warns_once_in_one_line_and_runs_eagerly(monkeypatch):
    _, plain = fitted(False)
    monkeypatch.setattr(torch, "compile", Recorder(fail=True))
    with pytest.warns(RuntimeWarning, match=r"torch.compile is unavailable here \(CppCompileError: no working "
                                            r"C\+\+ compiler\); running the model without compiling") as caught:
        model, compiled = fitted(True)
    assert len([w for w in caught if "torch.compile" in str(w.message)]) == 1
    assert "\n" not in str(caught[0].message) and model.trainer.net.fallback_reason
    np.testing.assert_allclose(compiled, plain, atol=1e-6)


def test_compile_argument_values():
    assert [compile_mode(v) for v in (False, None, True, "max-autotune")] == [None, None, "default", "max-autotune"]
    with pytest.raises(ConfigError, match="compile must be True, False or one of"):
        compile_mode("fast")
