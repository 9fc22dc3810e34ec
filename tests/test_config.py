"""Config and geo-rules validation: every mistake ends in one message naming what to fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import TEST_KEY, write_config

from postcurate.cli import main
from postcurate.config import load_config
from postcurate.errors import ConfigError
from postcurate.rules.geo import load_geo_rules

REPO = Path(__file__).resolve().parents[1]


def test_shipped_local_config_loads_and_resolves_paths_against_its_folder():
    config = load_config(REPO / "conf" / "local.yaml")
    assert config.inputs.posts == str((REPO / "var" / "lake" / "posts").resolve())
    assert config.geo_rules == (REPO / "conf" / "geo_rules.yaml").resolve()
    assert config.rules.allowed_post_types == ("post", "comment", "photo_caption")


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"inputs": {"posts": "p", "users": "u"}}, "inputs.objections"),
        ({"geo_rules": "/nonexistent/rules.yaml"}, "geo_rules file not found"),
        ({"pseudonyms": {}}, "pseudonyms.key_env"),
        ({"pseudonyms": {"key_env": "not a name"}}, "environment variable name"),
        ({"rules__allowed_post_types": ["post", "tweet"]}, "unknown type(s) tweet"),
        ({"rules__min_text_length": -1}, "rules.min_text_length"),
        ({"output__timestamp_granularity": "hour"}, "output.timestamp_granularity"),
        ({"output__validation_fraction": 0.9}, "output.validation_fraction"),
        ({"surprise": 1}, "unknown key(s) surprise"),
    ],
)
def test_bad_configs_name_the_key_to_fix(tmp_path, overrides, message):
    path = write_config(tmp_path, tmp_path / "lake", tmp_path / "out", **overrides)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(path)


def test_story_and_message_are_dropped_from_allowed_types(tmp_path):
    path = write_config(tmp_path, tmp_path / "lake", tmp_path / "out", rules__allowed_post_types=["post", "story", "message"])
    assert load_config(path).rules.allowed_post_types == ("post",)


def test_missing_or_short_key_is_a_clear_error(tmp_path, monkeypatch):
    config = load_config(write_config(tmp_path, tmp_path / "lake", tmp_path / "out"))
    monkeypatch.delenv("POSTCURATE_TEST_KEY", raising=False)
    with pytest.raises(Exception, match="set the environment variable POSTCURATE_TEST_KEY"):
        config.key()
    monkeypatch.setenv("POSTCURATE_TEST_KEY", "short")
    with pytest.raises(Exception, match="too short"):
        config.key()


def test_cli_reports_config_errors_in_one_line_with_exit_code_2(tmp_path):
    result = CliRunner().invoke(main, ["run", "--config", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert result.output.strip().startswith("postcurate: error: config file not found")
    assert "Traceback" not in result.output


def test_cli_reports_missing_key(tmp_path, monkeypatch):
    monkeypatch.delenv("POSTCURATE_TEST_KEY", raising=False)
    path = write_config(tmp_path, tmp_path / "lake", tmp_path / "out")
    result = CliRunner().invoke(main, ["run", "--config", str(path)])
    assert result.exit_code == 2
    assert "POSTCURATE_TEST_KEY" in result.output


def test_cli_rejects_future_and_malformed_cut_offs(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTCURATE_TEST_KEY", TEST_KEY.decode())
    path = write_config(tmp_path, tmp_path / "lake", tmp_path / "out")
    future = CliRunner().invoke(main, ["run", "--config", str(path), "--as-of", "2999-01-01"])
    assert future.exit_code == 2 and "in the future" in future.output
    bad = CliRunner().invoke(main, ["run", "--config", str(path), "--as-of", "yesterday"])
    assert bad.exit_code == 2 and "not an ISO timestamp" in bad.output


# --- geo rules -------------------------------------------------------------------------------------------------


def test_default_geo_rules_follow_the_contract():
    rules = load_geo_rules(REPO / "conf" / "geo_rules.yaml")
    at = lambda day: rules.in_effect(dt.datetime.fromisoformat(day))  # noqa: E731
    assert at("2024-09-12").keys() == {"US", "CA", "AU", "NZ", "IN"}
    assert "GB" in at("2024-09-13") and "BR" not in at("2024-10-02") and "BR" in at("2024-10-03")
    assert "DE" not in at("2025-05-26") and {"DE", "IS", "LI", "NO", "CH"} <= at("2025-05-27").keys()
    assert len([c for c in at("2026-01-01")]) == 27 + 3 + 1 + 1 + 1 + 5
    assert set(at("2026-01-01").values()) == {18}
    assert all(r.source.startswith("https://") or r.notes.startswith("No source on file") for r in rules.rules)
    assert len(rules.sha256) == 64


def _rules_file(tmp_path, rules, groups=None) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": rules, "groups": groups or {}}))
    return path


@pytest.mark.parametrize(
    "rules,message",
    [
        ([{"countries": ["UK"], "from": "2024-01-01"}], "unknown country code 'UK'"),
        ([{"countries": ["GB"], "from": "2024-13-01"}], "is not a date"),
        ([{"countries": ["GB"], "from": "2024-01-01", "until": "2023-01-01"}], "ends"),
        ([{"countries": ["GB"], "from": "2024-01-01"}, {"countries": ["GB"], "from": "2025-01-01"}], "overlap"),
        ([{"countries": ["GB"], "from": "2024-01-01", "min_age": 10}], "min_age"),
        ([{"countries": [False], "from": "2024-01-01"}], "quote country codes"),
        ([{"from": "2024-01-01"}], "needs 'countries'"),
    ],
)
def test_bad_geo_rules_are_rejected(tmp_path, rules, message):
    with pytest.raises(ConfigError, match=message):
        load_geo_rules(_rules_file(tmp_path, rules))


def test_a_hold_ends_a_period_and_a_later_period_may_resume(tmp_path):
    rules = load_geo_rules(
        _rules_file(
            tmp_path,
            [
                {"countries": ["BR"], "from": "2024-01-01", "until": "2024-07-02"},
                {"countries": ["BR"], "from": "2024-10-03", "min_age": 21},
            ],
        )
    )
    assert rules.in_effect(dt.datetime(2024, 6, 1)) == {"BR": 18}
    assert rules.in_effect(dt.datetime(2024, 8, 1)) == {}
    assert rules.in_effect(dt.datetime(2024, 11, 1)) == {"BR": 21}
