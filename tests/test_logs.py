"""Run events: one JSON line per stage, numbers and fixed names only."""

from __future__ import annotations

import io
import json

import pytest

from postcurate import logs


@pytest.fixture
def captured():
    stream = io.StringIO()
    logs.configure("json", stream)
    yield stream
    logs.configure("json")  # back to the process's stderr


def _events(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_stage_is_one_json_line_with_counts_and_duration(captured):
    with logs.stage("decide", partitions=8) as s:
        s.count(posts_read=3000, ratio=0.51234)
    [event] = _events(captured)
    assert event["event"] == "stage" and event["stage"] == "decide" and event["status"] == "ok"
    assert event["counts"] == {"partitions": 8, "posts_read": 3000, "ratio": 0.512}
    assert event["duration_s"] >= 0 and event["run_id"] == logs.RUN_ID and event["level"] == "info"


def test_a_failed_stage_says_which_error_but_not_its_message(captured):
    with pytest.raises(ValueError):
        with logs.stage("write"):
            raise ValueError("text of post 123: call me on +44 7700 900123")
    [event] = _events(captured)
    assert (event["status"], event["error"], event["level"]) == ("failed", "ValueError", "error")
    assert "7700" not in captured.getvalue()


@pytest.mark.parametrize("value", ["alice@example.com", None, True, b"id"])
def test_counts_must_be_numbers(captured, value):
    with pytest.raises(TypeError):
        with logs.stage("read") as s:
            s.count(author=value)


def test_text_format_is_a_progress_line(captured):
    stream = io.StringIO()
    logs.configure("text", stream)
    with logs.stage("read") as s:
        s.count(posts_delta_version=4)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[postcurate] read") and lines[0].endswith("...")
    assert " ok " in lines[1] and lines[1].endswith("posts_delta_version=4")


def test_auto_is_json_off_a_terminal():
    assert logs.configure("auto", io.StringIO()) == "json"
