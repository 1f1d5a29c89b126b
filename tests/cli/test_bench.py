from seqlab.cli import main


def test_bench_recurrent_prints_ratios_against_torch(capsys):
    assert main(["bench", "recurrent", "--units", "8", "--steps", "4", "--batch-size", "2", "--repeats", "2"]) == 0
    out = capsys.readouterr().out
    assert "seqlab fast path" in out and "torch.nn.LSTM" in out and "1.00x" in out


def test_bench_rejects_a_zero_repeat_count(capsys):
    assert main(["bench", "recurrent", "--repeats", "0"]) == 2
    assert "--repeats" in capsys.readouterr().err
