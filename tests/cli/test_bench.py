from seqlab.cli import main


def test_bench_recurrent_prints_ratios_against_torch(capsys):
    assert main(["bench", "recurrent", "--units", "8", "--steps", "4", "--batch-size", "2", "--repeats", "2"]) == 0
    out = capsys.readouterr().out
    assert "seqlab fast path" in out and "torch.nn.LSTM" in out and "1.00x" in out


def test_bench_rejects_a_zero_repeat_count(capsys):
    assert main(["bench", "recurrent", "--repeats", "0"]) == 2
    assert "--repeats" in capsys.readouterr().err


def test_bench_compile_names_torch_and_the_mode_and_refuses_an_unknown_mode(capsys, monkeypatch):
    import torch

    monkeypatch.setattr(torch, "compile", lambda module, mode=None: module)   # compiling for real takes minutes
    assert main(["bench", "recurrent", "--units", "8", "--steps", "4", "--batch-size", "2", "--repeats", "2",
                 "--compile"]) == 0
    out = capsys.readouterr().out
    assert f"torch {torch.__version__}" in out and "torch.compile mode 'default'" in out
    assert "seqlab readable, compiled" in out
    assert main(["bench", "recurrent", "--compile", "fast"]) == 2
    assert "compile must be True, False or one of" in capsys.readouterr().err
