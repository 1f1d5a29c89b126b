import json
import re

import pandas as pd
import pytest

from seqlab.data.pairs import (
    END,
    PAD,
    START,
    CharVocab,
    addition_pairs,
    check_pairs,
    date_pairs,
    make_pairs,
    read_pairs,
    reversal_pairs,
    split_pairs,
)
from seqlab.io.errors import DataError


def test_csv_pairs_keep_strings_exactly_and_skip_a_header(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text('input,target\n007+1,008\n"a,b",ba\n\nhello ,olleh\n', encoding="utf-8")
    assert read_pairs(path) == [("007+1", "008"), ("a,b", "ba"), ("hello ", "olleh")]


def test_a_header_naming_two_languages_is_skipped(tmp_path):
    """A translation table's header 'English,French' was learned as a pair."""
    path = tmp_path / "p.csv"
    path.write_text("English,French\nGo.,Va !\n", encoding="utf-8")
    assert read_pairs(path) == [("Go.", "Va !")]


def test_tsv_pairs_and_a_first_row_that_is_data(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("Go.\tVa !\nRun!\tCours !\n", encoding="utf-8")
    assert read_pairs(path) == [("Go.", "Va !"), ("Run!", "Cours !")]


def test_tatoeba_pairs_leave_out_their_attribution_column(tmp_path):
    path = tmp_path / "fra.txt"
    path.write_text("Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)\n"
                    "Hi.\tSalut !\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM) & #509819 (Aiji)\n",
                    encoding="utf-8")
    assert read_pairs(path) == [("Go.", "Va !"), ("Hi.", "Salut !")]


@pytest.mark.parametrize("content,match", [
    (b"", "empty"), (b"  \n\n", "empty"), (b"input,target\n", "no pairs"),
    (b"abc\ncba\n", "line 1: expected 2 columns"), (b"a,b\nc,d,e\n", "line 2: expected 2 columns"),
    (b"a\tb\tCC-BY 2.0\nc\td\tmine\n", "line 1: expected 2 columns"),
    (b"id,english,french\n1,Go.,Va !\n", r"a header \(id, english, french\): name its input and target columns"),
    (b"a,\n", "target is empty"), (b"\x00\x01binary", "binary"), (b"\xff\xfe\xfa", "UTF-16"),
])
def test_bad_pairs_files_raise_data_error(tmp_path, content, match):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        read_pairs(path)


def test_missing_pairs_file_raises_data_error(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_pairs(tmp_path / "nope.csv")


def test_check_pairs_accepts_lists_and_dataframes_and_refuses_the_rest():
    assert check_pairs([("a", "b")]) == [("a", "b")]
    assert check_pairs(pd.DataFrame({"x": ["ab"], "y": ["ba"]})) == [("ab", "ba")]
    for bad in ([], [("a",)], [("a", 1)], [("", "b")]):
        with pytest.raises(DataError):
            check_pairs(bad)


def test_addition_pairs_are_correct_sums_of_up_to_three_digit_numbers():
    pairs = addition_pairs(3000, seed=1)
    assert len({q for q, _ in pairs}) == 3000
    digits = set()
    for question, answer in pairs:
        a, b = re.fullmatch(r"(\d{1,3})\+(\d{1,3})", question).groups()
        assert int(answer) == int(a) + int(b) and answer == str(int(answer))
        digits |= {len(a), len(b)}
    assert digits == {1, 2, 3}
    assert addition_pairs(50, seed=1) == addition_pairs(50, seed=1) != addition_pairs(50, seed=2)


def test_reversal_pairs_reverse_and_respect_lengths():
    fixed = reversal_pairs(50, length=20, seed=0)
    assert all(len(s) == 20 and t == s[::-1] for s, t in fixed)
    varied = reversal_pairs(200, length=6, min_length=2, alphabet="xyz", seed=0)
    assert {len(s) for s, _ in varied} == {2, 3, 4, 5, 6} and set("".join(s for s, _ in varied)) == set("xyz")


def test_date_pairs_agree_with_pandas_date_parsing():
    for text, iso in date_pairs(300, seed=0):
        parsed = pd.to_datetime(text, dayfirst=not text[:4].isdigit()).date()
        assert parsed.isoformat() == iso, text
    assert len({re.sub(r"\d", "9", t) for t, _ in date_pairs(300, seed=0)}) >= 10  # many formats


def test_make_pairs_names_the_known_tasks():
    assert make_pairs("reversal", 3, length=4)[0][1] == make_pairs("reversal", 3, length=4)[0][0][::-1]
    with pytest.raises(DataError, match="addition, reversal, dates"):
        make_pairs("sorting", 3)


def test_split_pairs_is_a_seeded_partition():
    pairs = [(str(i), str(i)) for i in range(100)]
    train, test = split_pairs(pairs, test=0.2, seed=3)
    assert len(test) == 20 and sorted(train + test) == sorted(pairs)
    assert split_pairs(pairs, test=0.2, seed=3) == (train, test)
    with pytest.raises(DataError):
        split_pairs(pairs[:1])


def test_char_vocab_reserves_pad_start_end_and_round_trips_through_json():
    vocab = CharVocab.from_texts(["hello", "world"])
    assert (PAD, START, END) == (0, 1, 2) and vocab.chars == sorted(set("helloworld"))
    ids = vocab.encode("hold", start=True, end=True)
    assert ids[0] == START and ids[-1] == END and vocab.decode(ids) == "hold"
    assert vocab.decode(vocab.encode("low") + [END] + vocab.encode("h")) == "low"
    again = CharVocab.from_dict(json.loads(json.dumps(vocab.to_dict())))
    assert again.tokens == vocab.tokens
    batch = vocab.encode_batch(["he", "world"], end=True)
    assert batch.shape == (2, 6) and batch[0, 3:].tolist() == [PAD] * 3


def test_char_vocab_names_characters_it_does_not_hold():
    with pytest.raises(DataError, match="'XZ'"):
        CharVocab("abc").encode("aXZ")
