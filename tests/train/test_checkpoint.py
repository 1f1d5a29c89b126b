"""Checkpoints: safetensors + JSON only; a killed run resumes to the same weights."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file

import seqlab
from seqlab import layers
from seqlab.io.errors import ModelFileError

SCRIPT = textwrap.dedent('''
    import sys, time
    import numpy as np
    from safetensors.numpy import save_file
    import seqlab
    from seqlab import layers
    from seqlab.train.callbacks import Callback


    def main(out, mode, ckdir):
        rng = np.random.default_rng(0)
        x = rng.normal(size=(96, 4)).astype(np.float32)
        y = np.sin(x.sum(1, keepdims=True)).astype(np.float32)
        model = seqlab.Sequential([layers.Dense(16, activation="tanh"), layers.Dropout(0.2), layers.Dense(1)],
                                  input_shape=(4,), seed=1)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"], seed=2)
        seen = []

        class Pace(Callback):
            def on_epoch_end(self, epoch, logs=None):
                seen.append(epoch)
                print("epoch", epoch, flush=True)
                if mode == "slow":
                    time.sleep(0.25)

        h = model.fit(x, y, epochs=8, batch_size=16, validation_split=0.25, verbose=0,
                      resume=None if mode == "plain" else ckdir, callbacks=[Pace()])
        save_file({str(i): w for i, w in enumerate(model.get_weights())}, str(out))
        return seen, h


    if __name__ == "__main__":
        main(*sys.argv[1:])
''')


def in_process(out, mode, ckdir):
    """Run the job here with one thread, like the subprocess (OMP_NUM_THREADS=1)."""
    ns = {"__name__": "job"}
    exec(SCRIPT, ns)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return ns["main"](out, mode, ckdir)
    finally:
        torch.set_num_threads(threads)


def run(tmp_path, *args):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, str(tmp_path / "job.py"), *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def latest_epoch(ckdir):
    try:
        with open(ckdir / "latest.json") as f:
            return int(json.load(f)["dir"].split("-")[1])
    except (OSError, ValueError, KeyError):
        return -1


def test_run_killed_mid_training_resumes_to_the_uninterrupted_weights(tmp_path):
    (tmp_path / "job.py").write_text(SCRIPT)
    ckdir = tmp_path / "ck"
    slow = run(tmp_path, tmp_path / "killed.safetensors", "slow", ckdir)
    in_process(tmp_path / "plain.safetensors", "plain", None)  # the uninterrupted reference, meanwhile
    deadline = time.time() + 60
    while latest_epoch(ckdir) < 2 and time.time() < deadline and slow.poll() is None:
        time.sleep(0.02)
    assert slow.poll() is None, slow.communicate()[1]  # still training when killed
    slow.send_signal(signal.SIGKILL)
    slow.wait()
    killed_at = latest_epoch(ckdir)
    assert 2 <= killed_at < 7 and not (tmp_path / "killed.safetensors").exists()
    assert not any(f.endswith((".pkl", ".pt", ".pth")) for _, _, fs in os.walk(ckdir) for f in fs)

    seen, history = in_process(tmp_path / "resumed.safetensors", "fast", ckdir)
    assert seen == list(range(killed_at + 1, 8))  # continued after the last checkpoint, not from 0
    assert len(history.history["loss"]) == 8
    a, b = load_file(tmp_path / "plain.safetensors"), load_file(tmp_path / "resumed.safetensors")
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_in_process_resume_restores_optimizer_rng_and_history(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    y = x.sum(1, keepdims=True)

    def model():
        m = seqlab.Sequential([layers.Dense(8), layers.Dropout(0.3), layers.Dense(1)], input_shape=(3,), seed=0)
        m.compile(optimizer="rmsprop", loss="mse", seed=5)
        return m

    full = model()
    h_full = full.fit(x, y, epochs=5, batch_size=8, verbose=0)
    part = model()
    part.fit(x, y, epochs=2, batch_size=8, verbose=0, resume=tmp_path / "r")
    again = model()
    h_again = again.fit(x, y, epochs=5, batch_size=8, verbose=0, resume=tmp_path / "r")
    assert h_again.history == h_full.history
    assert all(np.array_equal(p, q) for p, q in zip(full.get_weights(), again.get_weights()))
    state = again.trainer.optimizer.state_dict()["state"]
    assert int(state[0]["step"]) == 25


def test_unreadable_checkpoint_raises_model_file_error(tmp_path):
    (tmp_path / "latest.json").write_text('{"dir": "epoch-000001"}')
    m = seqlab.Sequential([layers.Dense(1)], input_shape=(2,))
    m.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ModelFileError, match="resume"):
        m.fit(np.zeros((4, 2), np.float32), np.zeros(4, np.float32), verbose=0, resume=tmp_path)
    assert torch.get_default_dtype() == torch.float32
