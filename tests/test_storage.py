"""The file system refusing a write is the operator's to fix: exit 6, one line naming the path and the cause.

Real refusals only: a path under a regular file, /dev/full (the kernel's always-full device) and Spark's own writes.
Read-only mounts, a full tmpfs, missing permissions and a disk filling up under Spark are in tests/test_before_spark.py
(real processes in a private mount namespace).
"""

from __future__ import annotations

import errno

import pytest
from click.testing import CliRunner
from conftest import TEST_KEY, write_config

import postcurate.job
import postcurate.session
from postcurate import errors
from postcurate.cli import main
from postcurate.storage import check_writable, storage_error


def _full_device_error() -> OSError:
    try:
        with open("/dev/full", "wb") as full:
            full.write(b"x" * 8192)
    except OSError as exc:
        return exc
    raise AssertionError("/dev/full took a write")


def test_a_path_under_a_regular_file_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "plain").write_text("not a folder")
    with pytest.raises(errors.StorageError) as caught:
        check_writable(tmp_path / "plain" / "out")
    assert str(caught.value) == f"storage: {tmp_path}/plain/out: a part of the path is a file, not a folder; point output_root at a folder"
    assert caught.value.exit_code == errors.EXIT_IO_ERROR == 6
    with pytest.raises(errors.StorageError, match="a file, not a folder"):
        check_writable(tmp_path / "plain")


def test_the_write_check_leaves_nothing_behind(tmp_path):
    check_writable(tmp_path / "new" / "out")
    assert (tmp_path / "new" / "out").is_dir() and list((tmp_path / "new" / "out").iterdir()) == []


def test_a_full_device_is_a_storage_error_and_other_os_errors_are_not():
    refused = storage_error(_full_device_error())
    assert isinstance(refused, errors.StorageError) and "no space left on device" in str(refused)
    assert storage_error(FileNotFoundError(errno.ENOENT, "No such file or directory", "/x")) is None  # our own path bug
    assert storage_error(ZeroDivisionError()) is None
    try:
        raise RuntimeError("while writing the manifest") from _full_device_error()
    except RuntimeError as wrapped:
        assert "no space left on device" in str(storage_error(wrapped))


def test_spark_refusing_a_write_is_a_storage_error_naming_the_path(spark, tmp_path):
    (tmp_path / "plain").write_text("not a folder")
    with pytest.raises(Exception) as caught:
        spark.range(3).write.parquet(str(tmp_path / "plain" / "shards"))
    refused = storage_error(caught.value)
    assert str(refused) == f"storage: {tmp_path}/plain: a part of the path is a file, not a folder; point output_root at a folder"


def test_spark_errors_that_are_not_the_file_system_stay_bugs(spark, tmp_path):
    with pytest.raises(Exception) as analysis:
        spark.range(3).select("no_such_column").collect()
    assert storage_error(analysis.value) is None
    spark.range(3).write.parquet(str(tmp_path / "once"))
    with pytest.raises(Exception) as exists:  # writing twice without a mode is a bug in the caller, not a full disk
        spark.range(3).write.parquet(str(tmp_path / "once"))
    assert storage_error(exists.value) is None


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """``postcurate run`` in-process with the job replaced by one that raises ``error`` (no Spark)."""
    config = write_config(tmp_path, tmp_path / "lake", tmp_path / "out")
    monkeypatch.setattr(postcurate.session, "build_spark_from_config", lambda config, **_: None)

    def invoke(error):
        def fake_run(spark, config, **_):
            raise error

        monkeypatch.setattr(postcurate.job, "run", fake_run)
        return CliRunner().invoke(main, ["--log-format", "json", "run", "--config", str(config)], env={"POSTCURATE_TEST_KEY": TEST_KEY.decode()})

    return invoke


def test_a_full_disk_mid_run_is_exit_6_in_one_line(cli):
    result = cli(_full_device_error())
    assert result.exit_code == errors.EXIT_IO_ERROR
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith("{")] == [
        "postcurate: error: storage: a path the file system did not name (under output_root, or Spark's local folders): "
        "no space left on device; free space on that file system, or point output_root at a larger one"
    ]
    assert '"outcome": "storage_error"' in result.stderr


def test_an_os_error_that_is_not_the_file_system_refusing_stays_a_bug(cli):
    result = cli(FileNotFoundError(errno.ENOENT, "No such file or directory", "/tmp/nowhere/manifest.json"))
    assert result.exit_code == errors.EXIT_INTERNAL_ERROR
    assert "Traceback (most recent call last)" in result.stderr and "internal error" in result.stderr
