"""The bundled data sets load as described. Expected figures come from each SOURCE.md, which
was written from the original files, not from seqlab's loaders."""
import gzip
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from seqlab import datasets
from seqlab.cli import main
from seqlab.datasets.registry import DATASETS
from seqlab.io.errors import ConfigError, DataError

SHARED_MOVIELENS = Path(__file__).resolve().parents[3] / "shared" / "data" / "movielens-100k"


def _md5_in_source(source: str, fname: str) -> str:
    """The md5 SOURCE.md gives for ``fname``: on the file's table row, else the next one after it."""
    for line in source.splitlines():
        if f"`{fname}`" in line and (m := re.search(r"`([0-9a-f]{32})`", line)):
            return m.group(1)
    after = source[source.index(f"`{fname}`"):]
    return re.search(r"`([0-9a-f]{32})`", after).group(1)


@pytest.mark.parametrize("name", datasets.names())
def test_bundled_files_are_the_original_bytes(name):
    folder = datasets.path(name)
    source = (folder / "SOURCE.md").read_text(encoding="utf-8")
    for f in folder.iterdir():
        if f.name == "SOURCE.md":
            continue
        data = gzip.decompress(f.read_bytes()) if f.suffix == ".gz" else f.read_bytes()
        original = f.name[:-3] if f.suffix == ".gz" else f.name
        assert hashlib.md5(data).hexdigest() == _md5_in_source(source, original), f.name


@pytest.mark.parametrize("name", datasets.names())
def test_load_gives_the_described_rows_and_columns(name):
    data = datasets.load(name)
    info = datasets.describe(name)
    if isinstance(info["rows"], dict):
        assert set(data) == {"train", "test"}
        assert {k: len(v) for k, v in data.items()} == info["rows"]
        assert all(v.shape[1] == info["columns"] for v in data.values())
    else:
        assert data.shape == (info["rows"], info["columns"])
    assert set(info["files"]) >= {"SOURCE.md"}


def test_names_lists_every_set_of_the_brief():
    assert datasets.names() == sorted([
        "airline-passengers", "google-stock", "pollution", "sms-spam", "gunpoint", "italy-power-demand",
        "basic-motions", "churn-modelling", "credit-card-applications", "names", "timegan-stock"])
    assert datasets.names() == sorted(DATASETS)


def test_bundle_stays_small_and_holds_no_movielens():
    files = [f for f in datasets.FILES.rglob("*") if f.is_file()]
    assert sum(f.stat().st_size for f in files) < 4_000_000
    assert not any(f.name in ("u.data", "u1.base", "u1.test", "u.data.gz", "u1.base.gz") for f in files)


def test_airline_matches_source_figures():
    df = datasets.load("airline-passengers")
    assert df["Passengers"].min() == 104 and df["Passengers"].max() == 622
    assert round(df["Passengers"].mean(), 2) == 280.30
    assert str(df["Month"].iloc[0].date()) == "1949-01-01" and str(df["Month"].iloc[-1].date()) == "1960-12-01"


def test_google_stock_cleans_thousands_and_header_space():
    g = datasets.load("google-stock")
    first = g["train"].iloc[0]
    assert (first["Open"], first["High"], first["Low"], first["Close"], first["Volume"]) == \
        (325.25, 332.83, 324.97, 663.59, 7380500)
    assert g["train"]["Close"].max() > 1000                   # "1,008.64" parsed, not NaN
    assert (g["train"]["Open"].min(), g["train"]["Open"].max()) == (279.12, 816.68)
    assert (g["test"]["Open"].min(), g["test"]["Open"].max()) == (778.81, 837.81)
    persistence = g["test"]["Open"].to_numpy() - np.r_[g["train"]["Open"].iloc[-1], g["test"]["Open"].to_numpy()[:-1]]
    assert round(float(np.sqrt(np.mean(persistence ** 2))), 3) == 8.416   # SOURCE.md's baseline


def test_text_and_table_sets_match_source_counts():
    sms = datasets.load("sms-spam")
    assert sms["label"].value_counts().to_dict() == {"ham": 4827, "spam": 747}
    assert sms["text"].nunique() == 5171
    names = datasets.load("names")["name"]
    assert names.nunique() == 29494 and names.str.len().max() == 15
    assert datasets.load("pollution")["pm2.5"].isna().sum() == 2067
    assert datasets.load("churn-modelling")["Exited"].sum() == 2037
    assert datasets.load("credit-card-applications")["CustomerID"].notna().all()
    assert datasets.load("timegan-stock")["Open"].iloc[0] == pytest.approx(49.68, abs=0.01)


def test_classification_sets_match_source_counts():
    gp = datasets.load("gunpoint")
    assert gp["train"]["label"].value_counts().to_dict() == {2: 26, 1: 24}
    assert gp["test"]["label"].value_counts().to_dict() == {1: 76, 2: 74}
    ip = datasets.load("italy-power-demand")
    assert ip["test"]["label"].value_counts().sort_index().tolist() == [513, 516]
    bm = datasets.load("basic-motions")
    labels = bm["train"].groupby("case")["label"].first()
    assert labels.value_counts().tolist() == [10, 10, 10, 10]
    assert set(labels) == {"Standing", "Running", "Walking", "Badminton"}
    dims = [f"dim_{i}" for i in range(6)]
    X = bm["test"][dims].to_numpy().reshape(-1, 100, 6)
    assert X.shape == (40, 100, 6) and np.isfinite(X).all()


def test_gunpoint_tsv_and_ts_files_agree():
    from seqlab.data.formats import read_ts

    frame = datasets.load("gunpoint")["test"]
    ts = read_ts(datasets.path("gunpoint") / "GunPoint_TEST.ts")
    np.testing.assert_allclose(ts.to_array()[:, :, 0], frame.drop(columns="label").to_numpy(), rtol=1e-6)


def test_unknown_name_lists_the_sets():
    with pytest.raises(ConfigError, match="airline-passengers, basic-motions"):
        datasets.load("airline")
    assert datasets.load("Airline_Passengers").shape == (144, 2)


def test_movielens_loads_from_a_user_folder_without_losing_the_first_rating(tmp_path):
    (tmp_path / "u1.base").write_text("1\t1\t5\t874965758\n1\t2\t3\t876893171\n")
    (tmp_path / "u1.test").write_text("1\t6\t5\t887431973\n")
    ml = datasets.movielens_100k(tmp_path)
    assert len(ml["train"]) == 2 and ml["train"].iloc[0].tolist() == [1, 1, 5, 874965758]
    assert list(ml["test"].columns) == ["user_id", "item_id", "rating", "timestamp"]


@pytest.mark.skipif(not SHARED_MOVIELENS.is_dir(), reason="no local MovieLens copy")
def test_movielens_fold_one_sizes():
    ml = datasets.movielens_100k(SHARED_MOVIELENS)
    assert (len(ml["train"]), len(ml["test"])) == (80000, 20000)


def test_movielens_missing_folder_or_file_says_what_to_do(tmp_path):
    with pytest.raises(DataError, match="download ml-100k.zip"):
        datasets.movielens_100k(tmp_path / "nowhere")
    with pytest.raises(DataError, match="u1.base"):
        datasets.movielens_100k(tmp_path)


def test_cli_lists_sets_with_rows_and_columns(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "google-stock" in out and "1258+20" in out and "43824" in out


def test_cli_shows_one_sets_source(capsys):
    assert main(["datasets", "names"]) == 0
    assert "makemore" in capsys.readouterr().out


def test_cli_unknown_set_is_one_line_and_exit_2(capsys):
    assert main(["datasets", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("seqlab: error: no bundled data set 'nope'") and err.count("\n") == 1
