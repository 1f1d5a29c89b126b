import warnings

import numpy as np
import pytest

from seqlab import SeqlabError
from seqlab.data import read_csv, read_feature_table, read_lines, read_text
from seqlab.data.csv import read_frame, reading_encoding
from seqlab.io.errors import ConfigError, DataError


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_parses_time_and_sorts(tmp_path):
    path = write(tmp_path, "date,price,label\n2020-01-03,3,c\n2020-01-01,1,a\n2020-01-02,2,b\n")
    df = read_csv(path, target="price", time_col="date")
    assert df["price"].tolist() == [1.0, 2.0, 3.0]
    assert df["label"].tolist() == ["a", "b", "c"]
    assert str(df["date"].dtype).startswith("datetime64")
    assert df.index.tolist() == [0, 1, 2]


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_csv(tmp_path / "nope.csv", target="x")


@pytest.mark.parametrize("text", ["", "a,b\n"])
def test_empty_file_or_header_only_is_a_data_error(tmp_path, text):
    with pytest.raises(DataError, match="empty|no data rows"):
        read_csv(write(tmp_path, text), target="a")


def test_unknown_column_lists_the_columns_there_are(tmp_path):
    path = write(tmp_path, "Date,Open,Volume\n2020-01-01,1,2\n")
    with pytest.raises(DataError, match="'Close' not found; columns are: Date, Open, Volume"):
        read_csv(path, target="Close")
    with pytest.raises(DataError, match="'when' not found"):
        read_csv(path, target="Open", time_col="when")


def test_text_in_a_numeric_column_names_the_column_and_first_bad_row(tmp_path):
    path = write(tmp_path, "a,b\n1,2\n3,oops\n5,x\n")
    with pytest.raises(DataError, match=r"column 'b' .* row 2 holds 'oops' \(2 such row"):
        read_csv(path, target="a", features=["b"])


def test_nan_and_inf_are_counted_with_the_first_row(tmp_path):
    path = write(tmp_path, "v\n1\n\n2\nnan\ninf\n", name="gaps.csv")
    path.write_text("v\n1\n2\nNaN\n4\ninf\n")
    with pytest.raises(DataError, match=r"2 NaN/inf value\(s\), first at row 3; pass fill="):
        read_csv(path, target="v")


def test_fill_forward_and_interpolate(tmp_path):
    path = write(tmp_path, "v\nNaN\n1\nNaN\n3\ninf\n")
    assert read_csv(path, target="v", fill="ffill")["v"].tolist() == [1.0, 1.0, 1.0, 3.0, 3.0]
    assert read_csv(path, target="v", fill="interpolate")["v"].tolist() == [1.0, 1.0, 2.0, 3.0, 3.0]
    with pytest.raises(ConfigError):
        read_csv(path, target="v", fill="zero")


def test_fill_happens_in_time_order(tmp_path):
    path = write(tmp_path, "t,v\n2020-01-03,3\n2020-01-01,1\n2020-01-02,\n")
    assert read_csv(path, target="v", time_col="t", fill="interpolate")["v"].tolist() == [1.0, 2.0, 3.0]


def test_all_nan_column_cannot_be_filled(tmp_path):
    with pytest.raises(DataError, match="no finite value"):
        read_csv(write(tmp_path, "v,w\n,1\n,2\n"), target="v", fill="ffill")


def test_bad_time_value_is_reported(tmp_path):
    path = write(tmp_path, "t,v\n2020-01-01,1\nyesterday,2\n")
    with pytest.raises(DataError, match="row 2 holds 'yesterday'"):
        read_csv(path, target="v", time_col="t")


@pytest.mark.parametrize("labels", [("1970 Q3", "1970 Q4", "1971 Q1"), ("1970-Q3", "1970-q4", "1971Q1"),
                                    ("Q3 1970", "Q4 1970", "Q1 1971")])
def test_quarter_labels_are_the_first_day_of_their_quarter(tmp_path, labels):
    path = write(tmp_path, "quarter,v\n" + "\n".join(f"{q},{i}" for i, q in enumerate(reversed(labels))) + "\n")
    df = read_csv(path, target="v", time_col="quarter")
    assert df["quarter"].dt.strftime("%Y-%m-%d").tolist() == ["1970-07-01", "1970-10-01", "1971-01-01"]
    assert df["v"].tolist() == [2.0, 1.0, 0.0]


def test_a_quarter_beside_a_bad_date_is_still_reported(tmp_path):
    path = write(tmp_path, "t,v\n1970 Q1,1\nyesterday,2\n")
    with pytest.raises(DataError, match="row 1 holds '1970 Q1'"):
        read_csv(path, target="v", time_col="t")


def test_thousands_separators_and_header_spaces(tmp_path):
    path = write(tmp_path, 'Date,Close, Volume\n1/3/2012,"1,008.64","7,380,500"\n')
    df = read_csv(path, target="Close", features=["Volume"], time_col="Date", thousands=",")
    assert df["Close"].iloc[0] == 1008.64 and df["Volume"].iloc[0] == 7380500.0


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(SeqlabError, match="folder"):
        read_csv(tmp_path, target="v")


def test_read_lines_and_empty_text_file(tmp_path):
    assert read_lines(write(tmp_path, "emma\nolivia\n", "names.txt")) == ["emma", "olivia"]
    with pytest.raises(DataError, match="empty"):
        read_lines(write(tmp_path, "", "empty.txt"))
    with pytest.raises(DataError, match="empty"):
        read_lines(write(tmp_path, "\n  \n", "blank.txt"))
    with pytest.raises(DataError, match="file not found"):
        read_lines(tmp_path / "missing.txt")


def test_clean_numeric_columns_are_float(tmp_path):
    df = read_csv(write(tmp_path, "a,b\n1,2\n3,4\n"), target=["a", "b"])
    assert df.dtypes.tolist() == [np.float64, np.float64]


def test_ragged_or_binary_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="line 3"):
        read_csv(write(tmp_path, "a,b\n1,2\n3,4,5,6\n"), target="b")
    path = tmp_path / "binary.csv"   # an Excel workbook (a zip archive) named .csv
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\xff\xfe\x80,1\n")
    with pytest.raises(DataError, match="not a readable CSV: it looks binary"):
        read_csv(path, target="b")


def test_a_windows_1252_csv_is_read_with_one_warning(tmp_path):
    path = tmp_path / "ventes.csv"   # Excel's CSV on a French Windows: cp1252, the euro sign at 0x80
    path.write_bytes("mois,température,prix\njanvier,1.5,3 €\nfévrier,2.5,4 €\n".encode("cp1252"))
    with pytest.warns(UserWarning, match=r"ventes.csv is not UTF-8 text .*read as Windows-1252"):
        df = read_frame(path)
    assert list(df.columns) == ["mois", "température", "prix"]
    assert df["mois"].tolist() == ["janvier", "février"] and df["prix"].tolist() == ["3 €", "4 €"]


def test_a_utf16_file_with_its_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "unicode.txt"   # Excel's "Unicode text": UTF-16 with a byte-order mark, tabs
    path.write_bytes("\ufeffdate\tsales\n2020-01-01\t1.5\n2020-01-02\t2\n".encode("utf-16-le"))
    df = read_frame(path)
    assert list(df.columns) == ["date", "sales"] and df["sales"].tolist() == [1.5, 2.0]


def test_read_text_reads_a_file_that_is_not_utf8_as_windows_1252(tmp_path):
    path = tmp_path / "poem.txt"
    path.write_bytes("déjà vu\n".encode("cp1252"))
    with pytest.warns(UserWarning, match="read as Windows-1252"):
        assert read_text(path) == "déjà vu\n"
    path.write_bytes(b"caf\xe9 \x81\n")   # 0x81 is no Windows-1252 character: Latin-1, which reads any byte
    with pytest.warns(UserWarning, match=r"read as Latin-1"):
        assert read_text(path) == "caf\xe9 \x81\n"


def test_feature_table_splits_off_label_and_time_and_keeps_integer_columns(tmp_path):
    path = write(tmp_path, "day,id,x,y\nmon,7,0.5,0\ntue,9,1.5,1\n")
    X, labels, times = read_feature_table(path, label_col="y", time_col="day")
    assert list(X.columns) == ["id", "x"] and X["id"].tolist() == [7, 9]
    assert X["id"].dtype.kind == "i"                                   # written back as 7, not 7.0
    assert labels.tolist() == [0, 1] and times.tolist() == ["mon", "tue"]
    X, labels, times = read_feature_table(path, time_col="day")
    assert list(X.columns) == ["id", "x", "y"] and labels is None


@pytest.mark.parametrize("text,kwargs,message", [
    ("a,b\n1,x\n2,y\n", {}, r"column 'b' is non-numeric: row 1 holds 'x' \(2 such row.*leave it out \(--drop b\)$"),
    ("a,b\n1,1.234.567\n", {}, r"non-numeric: row 1 holds '1.234.567' .*thousands separator"),
    ("a,b\n1,2\n3,inf\n", {}, r"column 'b' has 1 NaN/inf value\(s\), first at row 2"),
    ("a,b\n1,2\n", {"label_col": "nope"}, "'nope' not found; columns are: a, b"),
    ("t,y\n1,0\n", {"label_col": "y", "time_col": "t"}, "no feature columns"),
])
def test_feature_table_refuses_text_gaps_unknown_columns_and_no_features(tmp_path, text, kwargs, message):
    with pytest.raises(DataError, match=message):
        read_feature_table(write(tmp_path, text), **kwargs)


def test_feature_table_refuses_one_column_as_label_and_time(tmp_path):
    with pytest.raises(ConfigError, match="both the label and the time column"):
        read_feature_table(write(tmp_path, "t,a\n1,2\n"), label_col="t", time_col="t")


@pytest.mark.parametrize("content,match", [
    (b"", "empty; give a poem"), (b" \n\t\n", "empty; give a poem"), (b"ab\x00cd", "binary"),
    (b"\xff\xfe\xfa", "not UTF-16 text"),   # a UTF-16 byte-order mark, then half a character
])
def test_read_text_refuses_empty_binary_and_undecodable_files_with_the_advice_given(tmp_path, content, match):
    path = tmp_path / "t.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        read_text(path, "a poem")


def test_read_text_keeps_the_text_exactly(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffé\r\nx\n".encode())
    assert read_text(path) == "\ufeffé\r\nx\n"
    with pytest.raises(DataError, match="file not found: .*; give a poem"):
        read_text(tmp_path / "nope.txt", "a poem")


# ----- files as spreadsheets write them: other separators, decimal commas, thousands, day-first dates -----
def test_a_semicolon_file_with_decimal_commas_is_read_as_numbers(tmp_path):
    path = write(tmp_path, "datum;umsatz\n01.02.2020;1,5\n13.02.2020;-2,25\n")
    df = read_csv(path, target="umsatz", time_col="datum")
    assert df["umsatz"].tolist() == [1.5, -2.25]
    assert df["datum"].dt.strftime("%Y-%m-%d").tolist() == ["2020-02-01", "2020-02-13"]


@pytest.mark.parametrize("sep", ["\t", "|"])
def test_tab_and_pipe_separated_files_are_recognised_by_their_header(tmp_path, sep):
    path = write(tmp_path, f"t{sep}v\n2020-01-01{sep}1.5\n2020-01-02{sep}2.5\n")
    assert read_csv(path, target="v", time_col="t")["v"].tolist() == [1.5, 2.5]


def test_a_comma_header_keeps_the_comma_separator(tmp_path):
    path = write(tmp_path, "a,b;c\n1,2\n")
    assert read_csv(path, target="a").columns.tolist() == ["a", "b;c"]


def test_quoted_numbers_with_thousands_commas_are_numbers(tmp_path):
    path = write(tmp_path, 'v,name\n"1,234",a\n17,b\n"-12,345,678.5",c\n')
    df = read_csv(path, target="v")
    assert df["v"].tolist() == [1234.0, 17.0, -12345678.5]
    assert df["name"].tolist() == ["a", "b", "c"]


def test_a_text_column_with_one_comma_number_stays_text(tmp_path):
    path = write(tmp_path, 'v,note\n1,"1,234"\n2,hello\n')
    assert read_csv(path, target="v")["note"].tolist() == ["1,234", "hello"]


def test_day_first_dates_are_read_in_one_order_for_the_whole_column(tmp_path):
    # pandas' per-value parsing reads 01/02 as 2 January and 13/02 as 13 February: rows in the wrong order
    path = write(tmp_path, "t,v\n12/01/2020,1\n13/01/2020,2\n01/02/2020,3\n")
    df = read_csv(path, target="v", time_col="t")
    assert df["t"].dt.strftime("%Y-%m-%d").tolist() == ["2020-01-12", "2020-01-13", "2020-02-01"]
    assert df["v"].tolist() == [1.0, 2.0, 3.0]


def test_month_first_dates_stay_month_first(tmp_path):
    path = write(tmp_path, "t,v\n01/02/2020,1\n01/13/2020,2\n")
    assert read_csv(path, target="v", time_col="t")["t"].dt.day.tolist() == [2, 13]


def test_series_from_reads_day_first_dates_in_one_order():
    """``Forecaster.predict(frame)`` reads the time column of a frame of strings itself (series_from)."""
    import pandas as pd

    from seqlab.data.series import series_from

    frame = pd.DataFrame({"t": ["12/01/2020", "13/01/2020", "01/02/2020"], "v": [1.0, 2.0, 3.0]})
    s = series_from(frame, "v", time_col="t")
    assert pd.DatetimeIndex(s.times).strftime("%Y-%m-%d").tolist() == ["2020-01-12", "2020-01-13", "2020-02-01"]
    assert s.values[:, 0].tolist() == [1.0, 2.0, 3.0]


def test_a_date_column_where_numbers_belong_says_to_drop_it_or_make_it_the_time(tmp_path):
    path = write(tmp_path, "Month,Sales\n1960-01,6550\n1960-02,8728\n")
    with pytest.raises(DataError, match=r"column 'Month' holds dates \('1960-01'\), not numbers: leave it out "
                                        r"\(--drop Month\)"):
        read_feature_table(path)


def test_a_file_without_a_header_row_keeps_its_first_row_and_names_columns_by_position(tmp_path):
    # LSTNet's exchange_rate.txt: numbers from the first line; the first row was read as the column names
    path = write(tmp_path, "0.7855,1.611,3\n0.7818,1.61,4\n", name="rates.txt")
    with pytest.warns(UserWarning, match="rates.txt has no header row .*: its columns are named 0 to 2"):
        df = read_csv(path, target="2")
    assert df.columns.tolist() == ["0", "1", "2"] and df["0"].tolist() == [0.7855, 0.7818]
    assert df["2"].tolist() == [3.0, 4.0]


def test_a_header_of_whole_numbers_stays_a_header(tmp_path):
    path = write(tmp_path, "1960,1961\n2.5,2.4\n")       # a wide panel's years
    assert read_csv(path, target="1960")["1960"].tolist() == [2.5]


@pytest.mark.parametrize("rows", [40, 4])
def test_a_text_table_without_a_header_row_is_read_from_its_first_row(tmp_path, rows):
    """AG News' CSV: a class code, a title and a description per row, no header."""
    from seqlab.data.csv import read_frame

    lines = "".join(f'"{1 + i % 4}","Title number {i} here","A longer description of story {i}"\n'
                    for i in range(rows))
    with pytest.warns(UserWarning, match="no header row"):
        df = read_frame(write(tmp_path, lines), dtype=str, keep_default_na=False)
    assert df.columns.tolist() == ["0", "1", "2"] and len(df) == rows and df.iloc[0, 1] == "Title number 0 here"


@pytest.mark.parametrize("text, names", [
    ("label,text\nspam,win a prize now\nham,see you soon\n", ["label", "text"]),
    ("0,1,label\n0,1,spam\n1,0,ham\n", ["0", "1", "label"]),          # a name ("label") in the first line
    (",a,b\n0,1.5,2.5\n1,3.5,4.5\n", ["Unnamed: 0", "a", "b"]),        # pandas' index column, unnamed
    ("id,1960,1961\nc1,2.5,2.4\nc2,3.1,3.0\n", ["id", "1960", "1961"])])   # a wide panel's years
def test_a_header_of_names_stays_a_header(tmp_path, text, names):
    from seqlab.data.csv import read_frame

    assert read_frame(write(tmp_path, text), dtype=str).columns.tolist() == names


def test_a_semicolon_file_with_decimal_points_keeps_them_and_question_marks_are_gaps(tmp_path):
    """UCI's household power file: ``;``-separated with decimal points, ``?`` where a reading is missing. The
    decimal comma of Excel's ``;`` files made every number text, and ``?`` was text in a numeric column."""
    path = write(tmp_path, "Date;Time;Global_active_power;Voltage\n16/12/2006;17:24:00;4.216;234.840\n"
                           "16/12/2006;17:25:00;?;?\n16/12/2006;17:26:00;5.360;233.630\n")
    with pytest.raises(DataError, match="'Global_active_power' has 1 NaN/inf value"):
        read_csv(path, target="Global_active_power")
    df = read_csv(path, target=["Global_active_power", "Voltage"], fill="interpolate")
    assert df["Global_active_power"].tolist() == [4.216, 4.788, 5.36] and df["Voltage"].iloc[0] == 234.84
    excel = write(tmp_path, "tag;umsatz\nmo;1,5\ndi;2\n")   # decimal commas still read as such
    assert read_csv(excel, target="umsatz")["umsatz"].tolist() == [1.5, 2.0]


def test_a_time_named_date_comma_time_joins_the_two_columns_for_every_reader(tmp_path):
    path = write(tmp_path, "Date;Time;power\n16/12/2006;23:59:00;1.5\n17/12/2006;00:00:00;2.5\n")
    assert read_csv(path, target="power", time_col="Date,Time")["Date,Time"].dt.strftime("%d %H:%M").tolist() == [
        "16 23:59", "17 00:00"]
    X, _, times = read_feature_table(path, time_col="Date,Time")
    assert list(X.columns) == ["power"] and times.tolist() == ["16/12/2006 23:59:00", "17/12/2006 00:00:00"]
    with pytest.raises(DataError, match="'Date,Hour' not found"):
        read_csv(path, target="power", time_col="Date,Hour")


def test_calendar_columns_named_as_the_time_become_one_time_for_every_reader(tmp_path):
    path = write(tmp_path, "year,month,day,hour,pm\n2010,1,1,23,1.5\n2010,1,2,0,2.5\n2010,1,2,1,3.5\n")
    df = read_csv(path, target="pm", time_col="year,month,day,hour")
    assert df["year,month,day,hour"].dt.strftime("%d %H").tolist() == ["01 23", "02 00", "02 01"]
    X, _, times = read_feature_table(path, time_col="year,month,day,hour")
    assert list(X.columns) == ["pm"] and times.tolist()[1] == "2010-01-02 00:00:00"
    bad = write(tmp_path, "Year,Month,v\n1990,12,1\n1990,13,2\n", "bad.csv")
    with pytest.raises(DataError, match="Year,Month"):
        read_csv(bad, target="v", time_col="Year,Month")


def test_a_note_under_the_data_is_left_out_with_a_warning(tmp_path):
    """DataMarket's CSVs (the originals of Box & Jenkins' airline passengers, the shampoo sales...) end with a blank
    line and the series' title under the dates; it was a row whose value is missing."""
    path = write(tmp_path, '"Month","Passengers"\n"1949-01",112\n"1949-02",118\n"1949-03",132\n\n'
                           "International airline passengers: monthly totals in thousands. Jan 49 ? Dec 60\n")
    with pytest.warns(UserWarning, match=r"left out its last 1 line\(s\), a note rather than data"):
        df = read_csv(path, target="Passengers", time_col="Month")
    assert df["Passengers"].tolist() == [112, 118, 132]
    texts = write(tmp_path, "text,label\nwin a prize now,spam\nsee you at lunch,ham\nthe last one lost its label,\n")
    assert len(read_frame(texts, dtype=str, keep_default_na=False)) == 3     # a row of a column of texts stays


def test_an_excel_workbook_is_read_as_its_first_sheet(tmp_path):
    pytest.importorskip("openpyxl")
    import pandas as pd

    path = tmp_path / "sales.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({" month": ["2020-01", "2020-02", "2020-03"], "sales": [1.5, 2.5, None]}).to_excel(
            book, sheet_name="data", index=False)
        pd.DataFrame({"about": ["where the numbers come from"]}).to_excel(book, sheet_name="notes", index=False)
    with pytest.warns(UserWarning, match=r"read its first sheet, 'data', of 2"):
        df = read_csv(path, target="sales", time_col="month", fill="ffill")
    assert df["sales"].tolist() == [1.5, 2.5, 2.5] and str(df["month"].dt.month.tolist()) == "[1, 2, 3]"
    broken = tmp_path / "broken.xlsx"
    broken.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="not a readable Excel workbook"):
        read_frame(broken)
    with pytest.raises(DataError, match=r"old Excel format \(.xls\)"):
        read_frame(write(tmp_path, "a,b\n1,2\n").rename(tmp_path / "old.xls"))


JAPANESE = "都市,人口\n東京,1400\n大阪,880\n"


def test_a_shift_jis_csv_is_read_right_in_its_encoding_and_as_mojibake_with_a_warning_without(tmp_path):
    path = tmp_path / "jp.csv"
    path.write_bytes(JAPANESE.encode("shift_jis"))
    with pytest.warns(UserWarning, match=r"jp.csv is not UTF-8 text .*give its encoding \(--encoding"):
        guessed = read_frame(path)
    assert "都市" not in guessed.columns and len(guessed) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")                       # given: no guess, no warning
        given = read_frame(path, encoding="shift_jis")
        with reading_encoding("shift_jis"):                  # as --encoding sets it for a command
            in_effect = read_frame(path)
    for df in (given, in_effect):
        assert list(df.columns) == ["都市", "人口"] and df["都市"].tolist() == ["東京", "大阪"]
    assert df["人口"].tolist() == [1400, 880]


def test_a_file_that_does_not_decode_in_the_given_encoding_names_it_and_the_byte(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(("a,b\n" + "x,1\n" * 50000).encode() + "é,2\n".encode("latin-1"))   # past pandas' first block
    with pytest.raises(DataError, match=r"mixed.csv is not UTF-8 text: byte 200004 cannot be decoded .*--encoding"):
        read_frame(path, encoding="utf-8")
    assert read_frame(path, encoding="latin-1")["a"].iloc[-1] == "é"
    text = tmp_path / "t.txt"
    text.write_bytes(b"ok \x81\x20")                        # a Shift-JIS lead byte, then no trail byte
    with pytest.raises(DataError, match=r"is not SHIFT_JIS text: byte 3 cannot be decoded"):
        read_text(text, encoding="shift_jis")


def test_an_unknown_encoding_name_is_a_config_error(tmp_path):
    path = write(tmp_path, "a,b\n1,2\n")
    for read in (read_frame, read_text):
        with pytest.raises(ConfigError, match="unknown encoding 'klingon': give one Python knows"):
            read(path, encoding="klingon")
    with pytest.raises(ConfigError, match="unknown encoding 'base64'"):   # a codec, not a text encoding
        reading_encoding("base64").__enter__()


def test_read_text_and_read_lines_read_the_encoding_in_effect(tmp_path):
    path = tmp_path / "haiku.txt"
    path.write_bytes("古池や\n蛙飛び込む\n".encode("shift_jis"))
    with reading_encoding("shift_jis"):
        assert read_text(path) == "古池や\n蛙飛び込む\n" and read_lines(path) == ["古池や", "蛙飛び込む"]
    utf16 = tmp_path / "u.csv"                               # no byte-order mark: NUL bytes, yet text
    utf16.write_bytes("a,b\nä,1\n".encode("utf-16-le"))
    assert read_frame(utf16, encoding="utf-16-le")["a"].tolist() == ["ä"]


def test_a_zip_of_one_table_is_read_as_that_table_and_of_several_is_one_clear_error(tmp_path):
    """UCI's downloads are zip archives (household_power_consumption.zip); pandas reads a zip of one file, seqlab
    refused it as binary."""
    import zipfile

    one, two = tmp_path / "household_power_consumption.zip", tmp_path / "Bike-Sharing-Dataset.zip"
    with zipfile.ZipFile(one, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("household_power_consumption.txt", "Date;Time;Power\n16/12/2006;17:24:00;4,216\n"
                                                      "16/12/2006;17:25:00;5,360\n")
        z.writestr("__MACOSX/._household_power_consumption.txt", "resource fork")
    frame = read_frame(one)
    assert list(frame.columns) == ["Date", "Time", "Power"] and frame["Power"].tolist() == [4.216, 5.36]
    with zipfile.ZipFile(two, "w") as z:
        z.writestr("day.csv", "a,b\n1,2\n")
        z.writestr("hour.csv", "a,b\n1,2\n")
    with pytest.raises(DataError, match=r"an archive of 2 files \(day.csv, hour.csv\); unpack it"):
        read_frame(two)
