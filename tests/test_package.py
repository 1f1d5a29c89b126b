"""``import seqlab`` alone gives the names the README and DESIGN use."""
import subprocess
import sys

NAMES = ["Sequential", "load", "layers", "callbacks", "tasks", "data", "datasets",
         "SeqlabError", "DataError", "ConfigError", "ModelFileError", "NotFittedError"]


def test_a_plain_import_exposes_the_public_names():
    code = ("import seqlab\n"
            f"missing = [n for n in {NAMES!r} if not hasattr(seqlab, n)]\n"
            "assert not missing, missing\n"
            "seqlab.callbacks.EarlyStopping(patience=3); seqlab.tasks.Forecaster; seqlab.data.make_windows\n"
            "seqlab.datasets.names(); seqlab.layers.LSTM\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_errors_share_one_base():
    import seqlab

    for name in NAMES[7:]:
        assert issubclass(getattr(seqlab, name), seqlab.SeqlabError)
