import pytest

from seqlab.io.errors import ConfigError
from seqlab.io.rundir import run_directory


def test_run_directory_appears_only_on_success(tmp_path):
    out = tmp_path / "run"
    with run_directory(out) as tmp:
        (tmp / "metrics.json").write_text("{}")
        assert not out.exists()
    assert (out / "metrics.json").exists()


def test_failed_run_leaves_nothing(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(RuntimeError):
        with run_directory(out) as tmp:
            (tmp / "half.json").write_text("{")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_refuses_to_overwrite_a_non_empty_folder(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "keep.txt").write_text("x")
    with pytest.raises(ConfigError, match="not empty"):
        with run_directory(tmp_path / "run"):
            pass


def test_out_that_is_a_file_is_a_config_error(tmp_path):
    (tmp_path / "afile").write_text("keep")
    with pytest.raises(ConfigError, match="is a file"):
        with run_directory(tmp_path / "afile"):
            pass
    with pytest.raises(ConfigError, match="cannot create"):
        with run_directory(tmp_path / "afile" / "run"):
            pass
    assert (tmp_path / "afile").read_text() == "keep"


def test_failed_run_removes_the_parent_folders_it_created(tmp_path):
    (tmp_path / "runs").mkdir()
    with pytest.raises(RuntimeError):
        with run_directory(tmp_path / "runs" / "a" / "b" / "run"):
            raise RuntimeError("boom")
    assert [p.name for p in tmp_path.rglob("*")] == ["runs"]


def test_two_runs_of_one_second_get_two_default_folders(tmp_path, monkeypatch):
    from seqlab.io.rundir import default_out

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("time.strftime", lambda fmt: "20261206-120000")
    first = default_out("classify")
    first.mkdir(parents=True)
    second = default_out("classify")
    assert (first.name, second.name) == ("classify-20261206-120000", "classify-20261206-120000-2")
