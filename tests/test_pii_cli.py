"""The CLI commands over the PII engine: redact a JSON-lines file, measure on a labelled set."""

import json
import os
import sys

import pytest
from click.testing import CliRunner

from postcurate.commands.pii import pii_eval, redact
from postcurate.errors import InputError, PostcurateError

os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def write_lines(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_redact_keeps_other_fields_and_row_order(spark, tmp_path):
    rows = [
        {"post_id": f"p{i}", "text": f"row {i}: mail u{i}@example.com", "likes": i, "meta": {"lang": "en"}} for i in range(30)
    ]
    rows[3]["text"] = None
    rows[4]["text"] = "Ruf an: +49 30 12345678"
    src = write_lines(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out" / "redacted.jsonl"
    result = CliRunner().invoke(redact, [str(src), str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [g["post_id"] for g in got] == [r["post_id"] for r in rows]
    assert list(got[0]) == ["post_id", "text", "likes", "meta"]
    assert got[0] == {"post_id": "p0", "text": "row 0: mail <EMAIL>", "likes": 0, "meta": {"lang": "en"}}
    assert got[3]["text"] == "" and got[4]["text"] == "Ruf an: <PHONE>"
    assert "email=28" in result.output and "phone=1" in result.output
    assert "example.com" not in result.output  # the summary never carries text


def test_redact_other_field(spark, tmp_path):
    src = write_lines(tmp_path / "in.jsonl", [{"id": 1, "body": "@bob call 020 7946 0958", "text": "@keep"}])
    out = tmp_path / "out.jsonl"
    assert CliRunner().invoke(redact, [str(src), str(out), "--field", "body"], catch_exceptions=False).exit_code == 0
    assert json.loads(out.read_text()) == {"id": 1, "body": "<MENTION> call <PHONE>", "text": "@keep"}


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "input file not found"),
        ('{"text": "a"}\n{"text": \n', "not valid JSON"),
        ("[1, 2]\n", "not a JSON object"),
        ('{"body": "a"}\n', "no field 'text'"),
        ('{"text": 5}\n', "must hold strings"),
    ],
)
def test_redact_user_mistakes_are_clear_errors(spark, tmp_path, content, message):
    src = tmp_path / "in.jsonl"
    if content is not None:
        src.write_text(content)
    result = CliRunner().invoke(redact, [str(src), str(tmp_path / "out.jsonl")])
    assert isinstance(result.exception, InputError)
    assert isinstance(result.exception, PostcurateError)
    assert message in str(result.exception)


def test_redact_empty_file(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("")
    out = tmp_path / "out.jsonl"
    assert CliRunner().invoke(redact, [str(src), str(out)], catch_exceptions=False).exit_code == 0
    assert out.read_text() == ""


def test_pii_eval_reports_recall_and_decoys(spark, tmp_path):
    labels = write_lines(
        tmp_path / "labels.jsonl",
        [
            {"id": "1", "text": "mail a@b.de, call +44 20 7946 0958 on 15.03.2024",
             "pii": [{"type": "email", "value": "a@b.de"}, {"type": "phone", "value": "+44 20 7946 0958"}],
             "decoys": [{"kind": "date", "value": "15.03.2024"}]},
            {"id": "2", "text": "card 4111 1111 1111 1112 is Luhn-invalid; unknown 12-34-56",
             "pii": [{"type": "other", "value": "12-34-56"}],
             "decoys": [{"kind": "card_bad_luhn", "value": "4111 1111 1111 1112"}]},
        ],
    )
    result = CliRunner().invoke(pii_eval, [str(labels), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["recall"]["email"] == {"values": 1, "vanished": 1, "recall": 1.0, "target": 0.995, "meets_target": True}
    assert report["recall_by_class"]["plain"]["values"] == 3 and report["overall"]["targets_met"] is False
    assert report["recall"]["phone"]["recall"] == 1.0
    assert report["recall"]["other"]["recall"] == 0.0  # nothing detects it: the metric says so
    assert report["decoys"]["date"]["survival"] == 1.0 and report["decoys"]["card_bad_luhn"]["survived"] == 1
    assert report["overall"]["pii_values"] == 3
    table = CliRunner().invoke(pii_eval, [str(labels)], catch_exceptions=False).output
    assert "email" in table and "recall" in table and "card_bad_luhn" in table


def test_pii_eval_missing_file():
    result = CliRunner().invoke(pii_eval, ["/nonexistent/labels.jsonl"])
    assert isinstance(result.exception, InputError)


def _detectors_with(tmp_path, pattern: str):
    import yaml

    shipped = yaml.safe_load(open("conf/detectors.yaml", encoding="utf-8"))
    shipped["detectors"]["employee_id"] = {"pattern": pattern, "placeholder": "<EMPLOYEE>"}
    path = tmp_path / "detectors.yaml"
    path.write_text(yaml.safe_dump(shipped, allow_unicode=True), encoding="utf-8")
    return path


# (?P<id>...) is a named group in Python's dialect and an error in Java's; "[0-9" is an error in both.
@pytest.mark.parametrize("pattern", [r"EMP-(?P<id>[0-9]{6})", "EMP-[0-9"])
def test_a_pattern_java_cannot_compile_is_a_config_error_naming_the_key(spark, tmp_path, pattern):
    from postcurate.errors import ConfigError
    from postcurate.pii import load_detectors
    from postcurate.pii.scanner import register_scanner

    detectors = load_detectors(_detectors_with(tmp_path, pattern))
    with pytest.raises(ConfigError) as err:
        register_scanner(spark, detectors)
    message = str(err.value)
    assert message.startswith("detectors.yaml: 'detectors.employee_id.pattern' is not a valid Java regular expression: ")
    assert "\n" not in message


def test_a_run_with_a_pattern_java_cannot_compile_exits_2_before_any_work(tmp_path):
    """As a real process: one line naming the file, the key and what is wrong, no stack trace, and no table read
    (the lake does not even exist: reading it would be a different error)."""
    import subprocess
    from pathlib import Path

    from conftest import TEST_KEY, write_config

    config = write_config(tmp_path, tmp_path / "no-lake", tmp_path / "out",
                          detectors=str(_detectors_with(tmp_path, r"EMP-(?P<id>[0-9]{6})")))
    lib = str(Path(__file__).resolve().parents[1] / "lib")
    env = {**os.environ, "PYTHONPATH": lib, "POSTCURATE_TEST_KEY": TEST_KEY.decode()}
    proc = subprocess.run([sys.executable, "-m", "postcurate", "run", "--config", str(config)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 2, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("postcurate: error:")]
    assert len(errors) == 1, proc.stderr[-3000:]
    assert "detectors.yaml: 'detectors.employee_id.pattern' is not a valid Java regular expression" in errors[0]
    assert "Traceback" not in proc.stderr and "PatternSyntaxException" not in proc.stderr
    assert "no-lake" not in proc.stderr  # stopped before the tables were looked for
