"""The verdict line every report prints: did the model beat the strong baseline of the same run?

One wording for every task: ``"beats"``, ``"ties"`` or ``"LOSES to"`` the strong baseline, naming
it, with both figures (four significant decimals, so a win never reads as a tie).

>>> verdict(0.91, 0.87, "1-NN Euclidean")
'beats the strong baseline 1-NN Euclidean: accuracy 0.9100 vs 0.8700'
>>> verdict(0.238, 0.159, "every movie liked", "test loss", higher_is_better=False)
'LOSES to the strong baseline every movie liked: test loss 0.2380 vs 0.1590'
"""
from __future__ import annotations


def verdict(model_score: float, baseline_score: float, baseline_name: str, what: str = "accuracy",
            higher_is_better: bool = True) -> str:
    """One line saying whether the model beat the strong baseline, with both figures.

    >>> verdict(0.80, 0.87, "1-NN Euclidean")
    'LOSES to the strong baseline 1-NN Euclidean: accuracy 0.8000 vs 0.8700'
    >>> verdict(0.87, 0.87, "1-NN Euclidean")
    'ties the strong baseline 1-NN Euclidean: accuracy 0.8700 vs 0.8700'
    """
    if round(model_score, 4) == round(baseline_score, 4):
        word = "ties"
    else:
        better = model_score > baseline_score if higher_is_better else model_score < baseline_score
        word = "beats" if better else "LOSES to"
    return f"{word} the strong baseline {baseline_name}: {what} {model_score:.4f} vs {baseline_score:.4f}"


# a verdict resting on fewer test cases than this says so: one or two of them can turn it
FEW_TEST_CASES = 20


def few_cases(n: int, what: str = "test forecasts", advice: str = "") -> str:
    """What to add to a verdict resting on ``n`` test cases when they are fewer than ``FEW_TEST_CASES``;
    empty otherwise. ``advice``: how to score more.

    >>> few_cases(11)
    ' (on 11 test forecasts: too few for a firm verdict)'
    >>> few_cases(11, advice="--test-size 0.2 scores more")
    ' (on 11 test forecasts: too few for a firm verdict; --test-size 0.2 scores more)'
    >>> few_cases(300)
    ''
    """
    if n >= FEW_TEST_CASES:
        return ""
    return f" (on {n} {what}: too few for a firm verdict" + (f"; {advice})" if advice else ")")


def significance_text(test: str, p_value: float, n: int, what: str) -> str:
    """How a verdict says whether a paired test of the model against the strong baseline on the same ``n``
    test cases found the difference significant at 5%.

    >>> significance_text("McNemar", 0.0004, 1029, "test examples")
    'significant at 5%: McNemar p < 0.001 on 1029 test examples'
    >>> significance_text("Diebold-Mariano", 0.31, 21, "forecasts")
    'not significant at 5%: Diebold-Mariano p = 0.31 on 21 forecasts'
    """
    if p_value != p_value:    # NaN: too few cases to test
        return f"too few {what} ({n}) to test"
    shown = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"
    return f"{'' if p_value < 0.05 else 'not '}significant at 5%: {test} {shown} on {n} {what}"
