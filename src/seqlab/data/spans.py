"""BIO tags and labelled spans, for token tagging of text (named-entity style work).

A tag is ``"O"`` (outside), ``"B-TYPE"`` (a span of TYPE begins) or ``"I-TYPE"`` (it goes on).
``bio_spans`` reads the spans a tag sequence marks, the CoNLL way: an ``I-`` after ``O`` or after
another type starts a new span. ``span_scores`` compares predicted and true spans exactly (same
start, end and type), as the CoNLL evaluation does, giving micro precision, recall and F1.

>>> bio_spans(["B-PER", "I-PER", "O", "B-LOC"])
[('PER', 0, 2), ('LOC', 3, 4)]
>>> span_scores([["B-PER", "I-PER", "O"]], [["B-PER", "O", "O"]])["f1"]
0.0
"""
from __future__ import annotations

from seqlab.io.errors import DataError


def _split(tag: str) -> tuple[str, str]:
    if tag == "O":
        return "O", ""
    if len(tag) > 2 and tag[1] == "-" and tag[0] in "BI":
        return tag[0], tag[2:]
    raise DataError(f"tag {tag!r} is not BIO: use 'O', 'B-TYPE' or 'I-TYPE'")


def bio_spans(tags) -> list[tuple[str, int, int]]:
    """The ``(type, start, end)`` spans (end exclusive) that a BIO tag sequence marks."""
    spans, current = [], None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, kind = _split(str(tag))
        continues = prefix == "I" and current is not None and current[0] == kind
        if current is not None and not continues:
            spans.append((current[0], current[1], i))
            current = None
        if prefix == "B" or (prefix == "I" and current is None):
            current = (kind, i)
    return spans


def span_scores(true_tags, predicted_tags) -> dict:
    """Micro ``{"precision", "recall", "f1", "true_spans", "predicted_spans", "per_type"}`` over
    sentences; a span counts only if type, start and end all match."""
    true_all, pred_all, per_type = set(), set(), {}
    for n, (t, p) in enumerate(zip(true_tags, predicted_tags)):
        true_all |= {(n, *s) for s in bio_spans(t)}
        pred_all |= {(n, *s) for s in bio_spans(p)}

    def scores(truth, guess) -> dict:
        hit = len(truth & guess)
        precision = hit / len(guess) if guess else 0.0
        recall = hit / len(truth) if truth else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1}

    for kind in sorted({s[1] for s in true_all | pred_all}):
        per_type[kind] = scores({s for s in true_all if s[1] == kind}, {s for s in pred_all if s[1] == kind})
    return {**scores(true_all, pred_all), "true_spans": len(true_all), "predicted_spans": len(pred_all),
            "per_type": per_type}
