"""Seed 000's spam classifier recipe runs end to end on a small subset (full run: see its docstring)."""
from support import example


def test_spam_lstm_recipe_trains_the_seed_model_and_scores_the_held_out_fifth(capsys):
    m = example("spam_lstm").main(["--epochs", "1", "--limit", "100"])
    assert m["n"] == 20 and set(m["per_class"]) == {"ham", "spam"}
    out = capsys.readouterr().out
    assert "(None, 100, 50)" in out and "(None, 256)" in out and "test accuracy" in out
