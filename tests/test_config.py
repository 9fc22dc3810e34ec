"""Config and geo-rules validation: every mistake ends in one message naming what to fix."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import TEST_KEY, write_config

from postcurate.cli import main
from postcurate.config import OutputSettings, PurgeSettings, RuleSettings, SparkSettings, load_config
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
        ({"geo_rules": "/nonexistent/rules.yaml"}, "'geo_rules' names a file that does not exist"),
        ({"pseudonyms": {}}, "pseudonyms.key_env"),
        ({"pseudonyms": {"key_env": "not a name"}}, "environment variable name"),
        ({"rules__allowed_post_types": ["post", "tweet"]}, "unknown type(s) tweet"),
        ({"rules__min_text_length": -1}, "rules.min_text_length"),
        ({"output__timestamp_granularity": "hour"}, "output.timestamp_granularity"),
        ({"output__validation_fraction": 0.9}, "output.validation_fraction"),
        ({"surprise": 1}, "unknown key 'surprise'"),
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


# --- strict loading: every key at every level --------------------------------------------------------------------


def _config_file(tmp_path, text: str) -> Path:
    """A config whose first lines are the shipped essentials and whose rest is ``text`` (YAML, as a user writes it)."""
    path = tmp_path / "local.yaml"
    path.write_text(
        f"inputs: {{posts: {tmp_path}/lake/posts, users: {tmp_path}/lake/users, objections: {tmp_path}/lake/objections}}\n"
        f"output_root: {tmp_path}/out\n"
        f"geo_rules: {REPO}/conf/geo_rules.yaml\n"
        f"detectors: {REPO}/conf/detectors.yaml\n"
        "pseudonyms: {key_env: POSTCURATE_TEST_KEY}\n" + text
    )
    return path


@pytest.mark.parametrize(
    "text,message",
    [
        # A typo in a nested key used to be ignored and the default used: the staleness limit silently back at 24 h.
        ("rules:\n  objections_max_staleness_hour: 1\n",
         "local.yaml: unknown key 'rules.objections_max_staleness_hour' (did you mean 'rules.objections_max_staleness_hours'?)"),
        ("rules:\n  max_text_lenght: 500\n", "local.yaml: unknown key 'rules.max_text_lenght' (did you mean 'rules.max_text_length'?)"),
        ("spark:\n  mastr: local[2]\n", "local.yaml: unknown key 'spark.mastr' (did you mean 'spark.master'?)"),
        ("purge:\n  retention_hour: 1\n", "local.yaml: unknown key 'purge.retention_hour' (did you mean 'purge.retention_hours'?)"),
        ("output:\n  shard_target: 64\n", "local.yaml: unknown key 'output.shard_target' (did you mean 'output.shard_target_mb'?)"),
        # A key in the wrong section, at the top level, or written flat.
        ("rules:\n  shard_target_mb: 64\n", "local.yaml: unknown key 'rules.shard_target_mb' (did you mean 'output.shard_target_mb'?)"),
        ("key_env: X\n", "local.yaml: unknown key 'key_env' (did you mean 'pseudonyms.key_env'?)"),
        ("rules.max_text_length: 500\n", "local.yaml: unknown key 'rules.max_text_length' (write it nested: 'max_text_length' under 'rules')"),
        ("Rules: {}\n", "local.yaml: unknown key 'Rules' (did you mean 'rules'?)"),
        ("rules:\n  zzz: 1\n",
         "local.yaml: unknown key 'rules.zzz' (the keys of 'rules' are max_text_length, min_text_length, allowed_post_types, objections_max_staleness_hours)"),
        # Shapes.
        ("rules: [1, 2]\n", "local.yaml: 'rules' must be a mapping of settings (key: value), got a list [1, 2]"),
        ("output: fast\n", "local.yaml: 'output' must be a mapping of settings (key: value), got the text 'fast'"),
        ("spark:\n  conf: [spark.ui.enabled]\n",
         "local.yaml: 'spark.conf' must be a mapping of Spark settings (spark.sql.shuffle.partitions: 8), got a list ['spark.ui.enabled']"),
        ("rules:\n  allowed_post_types: post\n",
         "local.yaml: 'rules.allowed_post_types' must be a list (e.g. [post, comment]), got the text 'post'"),
        ("rules:\n  allowed_post_types: []\n",
         "local.yaml: 'rules.allowed_post_types' must name at least one of post, comment, photo_caption, story, message"),
        ("rules:\n  allowed_post_types: [story]\n",
         "local.yaml: 'rules.allowed_post_types' names only types that are never training data (story); name at least one of post, comment, photo_caption"),
        ("rules:\n  allowed_post_types: [post, coment]\n",
         "local.yaml: 'rules.allowed_post_types' has unknown type(s) coment (known: post, comment, photo_caption, story, message) (did you mean 'comment'?)"),
        # Numbers and choices.
        ("rules:\n  max_text_length: 2000.5\n", "local.yaml: 'rules.max_text_length' must be a whole number between 1 and 10000000, got 2000.5"),
        ("rules:\n  objections_max_staleness_hours: '24'\n",
         "local.yaml: 'rules.objections_max_staleness_hours' must be a number between 0 and 8760, got the text '24'"),
        ("rules:\n  objections_max_staleness_hours: yes\n",
         "local.yaml: 'rules.objections_max_staleness_hours' must be a number between 0 and 8760, got the yes/no value True"),
        ("rules:\n  objections_max_staleness_hours:\n",
         "local.yaml: 'rules.objections_max_staleness_hours' has no value: give one, or remove the key to use the default"),
        ("output:\n  timestamp_granularity: dya\n", "local.yaml: 'output.timestamp_granularity' must be one of day, week, month, got the text 'dya' (did you mean 'day'?)"),
        ("purge:\n  retention_hours: -1\n", "local.yaml: 'purge.retention_hours' must be a number between 0 and 8784, got -1"),
        ("environment: 2024\n", "local.yaml: 'environment' must be text, got 2024 (quote it)"),
        ("dedup:\n  threshold: 0.3\n", "local.yaml: 'dedup.threshold' must be a number between 0.5 and 1, got 0.3"),
        ("dedup:\n  enabled: 'no'\n", "local.yaml: 'dedup.enabled' must be true or false, got the text 'no'"),
        ("dedup:\n  shingle: {unit: letters}\n",
         "local.yaml: 'dedup.shingle.unit' must be one of characters, words, got the text 'letters'"),
        ("dedup:\n  shingles: {size: 4}\n", "local.yaml: unknown key 'dedup.shingles' (did you mean 'dedup.shingle'?)"),
        ("dedup:\n  bands: 512\n  rows: 64\n", "local.yaml: 'dedup.bands' x 'dedup.rows' must be at most 4096 hash values, got 32768"),
        # Spark.
        ("spark:\n  master: locl[2]\n",
         "local.yaml: 'spark.master' must be a Spark master URL (local[2], local[*], spark://host:7077, yarn, k8s://https://host:443), got the text 'locl[2]'"),
        ("spark:\n  delta_from_submit: 'true'\n", "local.yaml: 'spark.delta_from_submit' must be true or false, got the text 'true'"),
        ("spark:\n  jars: jars/delta.jar\n", "local.yaml: 'spark.jars' names a jar that does not exist: {tmp}/jars/delta.jar"),
        ("spark:\n  conf:\n    sql.shuffle.partitions: 8\n",
         "local.yaml: 'spark.conf' has the key 'sql.shuffle.partitions', which Spark would ignore: Spark's settings start with 'spark.' "
         "(Hadoop's with 'spark.hadoop.') (did you mean 'spark.sql.shuffle.partitions'?)"),
        ("spark:\n  conf:\n    spark.master: local[2]\n", "local.yaml: 'spark.conf' sets spark.master: use the key 'spark.master' of the spark section instead"),
        ("spark:\n  conf:\n    spark.hadoop.fs.s3a.secret.key:\n",
         "local.yaml: 'spark.conf' key 'spark.hadoop.fs.s3a.secret.key' must have one value (text, a number or true/false)"),
        ("", None),
    ],
)
def test_every_key_at_every_level_is_checked(tmp_path, text, message):
    path = _config_file(tmp_path, text)
    if message is None:  # the essentials alone are a valid config: every other section has defaults
        config = load_config(path)
        assert config.rules == RuleSettings() and config.output == OutputSettings() and config.purge == PurgeSettings()
        assert config.spark == SparkSettings() and config.environment == "local"
        return
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == message.format(tmp=tmp_path)


@pytest.mark.parametrize(
    "text,message",
    [
        ("rules:\n  max_text_length: 500\nrules:\n  min_text_length: 5\n", "local.yaml: key 'rules' appears twice (lines 6 and 8); keep one"),
        ("rules:\n  objections_max_staleness_hours: 1\n  objections_max_staleness_hours: 48\n",
         "local.yaml: key 'objections_max_staleness_hours' appears twice (lines 7 and 8); keep one"),
    ],
)
def test_a_key_written_twice_is_an_error_not_the_last_one_wins(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load_config(_config_file(tmp_path, text))
    assert str(caught.value) == message


def test_a_pasted_key_in_key_env_is_refused_and_never_echoed(tmp_path):
    secret = "a3f9c2e5b8d1f4a6c0e9b2d7a5f3c8e1b4d7a9c2"  # looks like `openssl rand -hex 20`: a valid lower-case name
    path = write_config(tmp_path, tmp_path / "lake", tmp_path / "out", pseudonyms={"key_env": secret})
    with pytest.raises(ConfigError, match="not the key itself") as caught:
        load_config(path)
    assert secret not in str(caught.value)


def test_spark_conf_values_are_not_echoed(tmp_path):
    path = write_config(tmp_path, tmp_path / "lake", tmp_path / "out", spark={"conf": {"spark.hadoop.fs.s3a.secret.key": ["s3cr3t-value"]}})
    with pytest.raises(ConfigError, match="must have one value") as caught:
        load_config(path)
    assert "s3cr3t-value" not in str(caught.value)


def test_inputs_must_be_three_tables_and_the_output_root_outside_them(tmp_path):
    lake = tmp_path / "lake"
    same = write_config(tmp_path, lake, tmp_path / "out", inputs={"posts": str(lake / "posts"), "users": str(lake / "posts"), "objections": str(lake / "o")})
    with pytest.raises(ConfigError, match=r"'inputs.users' and 'inputs.posts' name the same table"):
        load_config(same)
    inside = write_config(tmp_path, lake, lake / "posts" / "out")
    with pytest.raises(ConfigError, match=r"'output_root' \(.*/lake/posts/out\) is inside the input table 'inputs.posts'"):
        load_config(inside)


def test_spark_settings_are_typed_and_jars_resolve_against_the_config_folder(tmp_path):
    (tmp_path / "jars").mkdir()
    (tmp_path / "jars" / "delta.jar").write_bytes(b"PK")
    path = _config_file(tmp_path, "spark:\n  master: local[*]\n  jars: jars/delta.jar, hdfs:///jars/storage.jar\n  conf: {spark.sql.shuffle.partitions: 4}\n")
    spark = load_config(path).spark
    assert spark == SparkSettings(
        master="local[*]", conf={"spark.sql.shuffle.partitions": 4}, jars=f"{tmp_path}/jars/delta.jar,hdfs:///jars/storage.jar", delta_from_submit=False
    )
    with pytest.raises(TypeError):
        spark.conf["spark.sql.shuffle.partitions"] = 8  # read-only: a loaded config is what was checked


def test_the_readme_documents_every_key():
    """The configuration table in the README names exactly the keys the loader accepts (a new key needs a row)."""
    from postcurate.config import Config, _all_keys

    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Reading a snapshot")]
    documented = {key for cell in re.findall(r"^\| ([^|]+) \|", table, flags=re.M) for key in re.findall(r"`([a-z_.]+)`", cell)}
    sections = {f.name for f in dataclasses.fields(Config) if "section" in f.metadata}
    leaves = {dotted for dotted in _all_keys().values() if dotted not in sections}
    assert documented == leaves


# --- geo rules: every mistake names the file and the rule ---------------------------------------------------------

GEO_HEAD = "version: test.1\ngroups:\n  EEA: [DE, FR, \"NO\"]\nrules:\n"


def _geo_file(tmp_path, text: str, head: str = GEO_HEAD) -> Path:
    path = tmp_path / "geo_rules.yaml"
    path.write_text(head + text)
    return path


@pytest.mark.parametrize(
    "text,message",
    [
        # Impossible dates used to escape from inside the YAML parser as a bare ValueError (exit 1, a traceback).
        ("  - {countries: [GB], from: 2024-13-45}\n", "geo_rules.yaml: rule 1: 'from' is not a date (YYYY-MM-DD): '2024-13-45'"),
        ("  - {countries: [GB], from: 2024-02-30}\n", "geo_rules.yaml: rule 1: 'from' is not a date (YYYY-MM-DD): '2024-02-30'"),
        ("  - {countries: [GB], from: 20240101}\n", "geo_rules.yaml: rule 1: 'from' is not a date (YYYY-MM-DD): 20240101"),
        ("  - {countries: [GB], from: 2024-01-01, until: 2024-04-31}\n",
         "geo_rules.yaml: rule 1 (GB from 2024-01-01): 'until' is not a date (YYYY-MM-DD): '2024-04-31'"),
        ("  - {countries: [GB], from: 2024-01-01, until: ''}\n", "geo_rules.yaml: rule 1 (GB from 2024-01-01): 'until' is not a date (YYYY-MM-DD): ''"),
        ("  - {countries: [GB], from: 2024-06-01, until: 2024-01-01}\n",
         "geo_rules.yaml: rule 1 (GB from 2024-06-01): ends (2024-01-01) on or before it starts (2024-06-01)"),
        # Unknown keys, at every level.
        ("  - {countries: [GB], from: 2024-01-01, untill: 2025-01-01}\n", "geo_rules.yaml: rule 1: unknown key 'untill' (did you mean 'until'?)"),
        ("  - {countries: [GB], from: 2024-01-01, min_age: 18, minimum: 21}\n",
         "geo_rules.yaml: rule 1: unknown key 'minimum' (known: countries, from, until, min_age, legal_basis, source, notes)"),
        # Shapes.
        ("  - {countries: GB, from: 2024-01-01}\n", "geo_rules.yaml: rule 1: 'countries' must be a non-empty list (e.g. [GB] or [EEA]), got 'GB'"),
        ("  - {countries: [], from: 2024-01-01}\n", "geo_rules.yaml: rule 1: 'countries' must be a non-empty list (e.g. [GB] or [EEA]), got []"),
        ("  - GB\n", "geo_rules.yaml: rule 1: needs 'countries' (a list of country codes or groups) and 'from' (a date)"),
        ("  - {countries: [GB], from: 2024-01-01, notes: [a, b]}\n", "geo_rules.yaml: rule 1 (GB from 2024-01-01): 'notes' must be text, got ['a', 'b']"),
        ("  - {countries: [GB], from: 2024-01-01, min_age: 180}\n",
         "geo_rules.yaml: rule 1 (GB from 2024-01-01): min_age must be a whole number between 13 and 99, got 180"),
        ("  - {countries: [GB], from: 2024-01-01, min_age: '18'}\n",
         "geo_rules.yaml: rule 1 (GB from 2024-01-01): min_age must be a whole number between 13 and 99, got '18'"),
        # Country codes and groups.
        ("  - {countries: [gb], from: 2024-01-01}\n",
         "geo_rules.yaml: rule 1 (gb from 2024-01-01): names unknown country code 'gb' (use ISO 3166-1 alpha-2, upper case, or a group) (did you mean 'GB'?)"),
        ("  - {countries: [UK], from: 2024-01-01}\n",
         "geo_rules.yaml: rule 1 (UK from 2024-01-01): names unknown country code 'UK' (use ISO 3166-1 alpha-2, upper case, or a group) (did you mean 'GB'?)"),
        ("  - {countries: [GBR], from: 2024-01-01}\n",
         "geo_rules.yaml: rule 1 (GBR from 2024-01-01): names unknown country code 'GBR' (use ISO 3166-1 alpha-2, upper case, or a group)"),
        ("  - {countries: [EAA], from: 2024-01-01}\n",
         "geo_rules.yaml: rule 1 (EAA from 2024-01-01): names unknown country code 'EAA' (use ISO 3166-1 alpha-2, upper case, or a group) (did you mean 'EEA'?)"),
        # Two rules for one country on one day: an error even when they agree (which applies would hang on file order).
        ("  - {countries: [EEA], from: 2025-01-01}\n  - {countries: [DE], from: 2026-01-01, min_age: 21}\n",
         "geo_rules.yaml: rule 1 (EEA from 2025-01-01) and rule 2 (DE from 2026-01-01) overlap for DE (2025-01-01..open and 2026-01-01..open); "
         "end one with 'until' before the other starts"),
        ("  - {countries: [GB], from: 2025-01-01, until: 2025-07-01}\n  - {countries: [GB], from: 2024-01-01, until: 2025-01-02}\n",
         "geo_rules.yaml: rule 1 (GB from 2025-01-01) and rule 2 (GB from 2024-01-01) overlap for GB (2025-01-01..2025-07-01 and 2024-01-01..2025-01-02); "
         "end one with 'until' before the other starts"),
        ("  - {countries: [EEA, FR], from: 2025-01-01}\n",
         "geo_rules.yaml: rule 1 (EEA, FR from 2025-01-01): covers FR more than once (directly or through a group)"),
        ("  - {countries: [GB], from: 2024-01-01, from: 2025-01-01}\n", "geo_rules.yaml: key 'from' appears twice (lines 5 and 5); keep one"),
    ],
)
def test_every_geo_rule_mistake_names_the_file_and_the_rule(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load_geo_rules(_geo_file(tmp_path, text))
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "head,message",
    [
        ("version: 1\nrule:\n  - {countries: [GB], from: 2024-01-01}\nrule_list:\n", "geo_rules.yaml: unknown key 'rule' (did you mean 'rules'?)"),
        ("version: 1\nrules: {countries: [GB], from: 2024-01-01}\nnotes:\n", "geo_rules.yaml: unknown key 'notes' (known: version, defaults, groups, rules)"),
        ("version: [1]\nrules:\n", "geo_rules.yaml: 'version' must be text, got [1]"),
        ("defaults: {min_age: 18, max_age: 99}\nrules:\n", "geo_rules.yaml: defaults: unknown key 'max_age' (did you mean 'min_age'?)"),
        ("defaults: {min_age: 12}\nrules:\n", "geo_rules.yaml: defaults: min_age must be a whole number between 13 and 99, got 12"),
        ("groups: [EEA]\nrules:\n", "geo_rules.yaml: 'groups' must be a mapping of group name to a list of country codes"),
        ("groups:\n  EEA: DE\nrules:\n", "geo_rules.yaml: group 'EEA': must be a non-empty list of country codes, got 'DE'"),
        ("groups:\n  GB: [GB]\nrules:\n", "geo_rules.yaml: group 'GB': a group's name must be text that is not a country code"),
        ("groups:\n  EEA: [DE, XX]\nrules:\n",
         "geo_rules.yaml: group 'EEA': names unknown country code 'XX' (use ISO 3166-1 alpha-2, upper case, or a group)"),
        ("groups:\n  EEA: [DE, DE]\nrules:\n", "geo_rules.yaml: group 'EEA': lists DE more than once"),
        ("groups:\n  EEA: [DE, NO]\nrules:\n",
         "geo_rules.yaml: group 'EEA': has a bare yes/no value among its countries; quote country codes such as \"NO\""),
    ],
)
def test_the_geo_rules_file_s_own_keys_and_groups_are_checked(tmp_path, head, message):
    with pytest.raises(ConfigError) as caught:
        load_geo_rules(_geo_file(tmp_path, "  - {countries: [GB], from: 2024-01-01}\n", head=head))
    assert str(caught.value) == message


def test_periods_that_touch_do_not_overlap_and_groups_expand(tmp_path):
    rules = load_geo_rules(
        _geo_file(
            tmp_path,
            "  - {countries: [EEA], from: 2024-01-01, until: 2024-07-01}\n"
            "  - {countries: [EEA, GB], from: 2024-07-01, min_age: 21}\n",
        )
    )
    assert rules.in_effect(dt.datetime(2024, 6, 30)) == {"DE": 18, "FR": 18, "NO": 18}
    assert rules.in_effect(dt.datetime(2024, 7, 1)) == {"DE": 21, "FR": 21, "NO": 21, "GB": 21}
    assert rules.version == "test.1"
