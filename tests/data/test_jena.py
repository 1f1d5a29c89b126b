"""The Jena climate loader reproduces Chollet's windows on a small synthetic file with the same columns."""
import numpy as np
import pandas as pd
import pytest

from seqlab import datasets
from seqlab.data.jena import JENA_COLUMNS, jena_climate
from seqlab.io.errors import DataError


@pytest.fixture
def jena_file(tmp_path):
    rng = np.random.default_rng(0)
    n = 6400
    df = pd.DataFrame(rng.normal(size=(n, 14)) + np.arange(14), columns=JENA_COLUMNS)
    df.insert(0, "Date Time", pd.date_range("2009-01-01", periods=n, freq="10min").strftime("%d.%m.%Y %H:%M:%S"))
    path = tmp_path / "jena_climate_2009_2016.csv"
    df.to_csv(path, index=False)
    return path, pd.read_csv(path)  # the values as parsed back (pandas' CSV parser may differ by 1 ulp)


def test_windows_follow_timeseries_dataset_from_array(jena_file):
    path, df = jena_file
    rate, length, hours = 3, 10, 4
    s = datasets.jena_climate(path, sampling_rate=rate, sequence_length=length, delay_hours=hours)
    raw = df[JENA_COLUMNS].to_numpy(float)
    n = len(raw)
    num_train, num_val = int(0.5 * n), int(0.25 * n)
    mean, std = raw[:num_train].mean(0), raw[:num_train].std(0)
    norm = (raw - mean) / std
    delay = rate * (length + hours - 1)
    # Keras: data = raw_data[:-delay], targets = temperature[delay:]; window at start s reads
    # data[s + i*rate] for i < length and has target targets[s]; starts s in [start, end - (length-1)*rate)
    data, targets = norm[:-delay], raw[delay:, 1]
    for split, start, end in ((s.train, 0, num_train), (s.val, num_train, num_train + num_val),
                              (s.test, num_train + num_val, len(data))):
        count = end - start - (length - 1) * rate
        assert len(split.X) == len(split.y) == count
        for k in (0, count // 2, count - 1):
            pos = start + k
            np.testing.assert_allclose(split.X[k], data[pos:pos + (length - 1) * rate + 1:rate], rtol=1e-5, atol=1e-5)
            assert split.y[k] == pytest.approx(targets[pos], rel=1e-15)        # the CSV round trip: 1 ulp
            assert split.last[k] == pytest.approx(raw[pos + (length - 1) * rate, 1], rel=1e-15)
    np.testing.assert_allclose(s.mean, mean)
    np.testing.assert_allclose(s.std, std)


def test_default_setup_is_chollets_and_target_is_24_steps_after_the_last_input(jena_file):
    path, _ = jena_file
    s = jena_climate(path)
    assert s.delay == 6 * (120 + 24 - 1) and s.train.X.shape[1:] == (120, 14)
    assert s.delay - (119 * 6) == 24 * 6                     # 24 hours after the last input hour


def test_missing_file_and_wrong_columns_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        jena_climate(tmp_path / "none.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="missing column"):
        jena_climate(bad)
