"""The file system refusing a write is the operator's to fix: exit 6, one line naming the path and the cause.

Real refusals only: a path under a regular file, /dev/full (the kernel's always-full device) and Spark's own writes.
Read-only mounts, a full tmpfs, missing permissions and a disk filling up under Spark are in tests/test_before_spark.py
(real processes in a private mount namespace).
"""

from __future__ import annotations

import errno

import pytest
from conftest import full_device_error

from postcurate import errors
from postcurate.storage import check_writable, storage_error


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
    refused = storage_error(full_device_error())
    assert isinstance(refused, errors.StorageError) and "no space left on device" in str(refused)
    assert storage_error(FileNotFoundError(errno.ENOENT, "No such file or directory", "/x")) is None  # our own path bug
    assert storage_error(ZeroDivisionError()) is None
    try:
        raise RuntimeError("while writing the manifest") from full_device_error()
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
