"""The pseudonym key, looked for where an attacker would look: the UI's REST API while a run is going, the event
log (what the history server serves), the run's own output, ``explain()``. Neither the key nor HMAC's padded keys
may appear there in any encoding."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import REFERENCE_AS_OF, SHORT_JVM_CONF
from pyspark.sql import functions as F

from postcurate.pseudonyms import keyed_pseudonyms

LIB = str(Path(__file__).resolve().parents[1] / "lib")
KEY = b"ks-4c8e2a6f0d9b3e7a1c5f8d2b6e0a4c9f3d7b"


def secret_forms(key: bytes) -> dict[str, str]:
    """Every way the key, or what HMAC derives from it (the padded key XOR 0x36 and 0x5c), could be written."""
    padded = key.ljust(64, b"\0")
    secrets = {"key": key, "inner pad": bytes(b ^ 0x36 for b in padded), "outer pad": bytes(b ^ 0x5C for b in padded)}
    forms = {}
    for name, value in secrets.items():
        forms[f"{name} (hex)"] = value.hex()
        forms[f"{name} (HEX)"] = value.hex().upper()
        forms[f"{name} (base64)"] = base64.b64encode(value).decode()
        forms[f"{name} (urlsafe base64)"] = base64.urlsafe_b64encode(value).decode()
        forms[f"{name} (raw)"] = value.decode("latin-1")
        forms[f"{name} (json)"] = json.dumps(value.decode("latin-1"))[1:-1]
    forms["key (as text)"] = key.decode()
    return forms


def found_secrets(text: str, key: bytes) -> list[str]:
    lowered = text.lower()
    return sorted(name for name, form in secret_forms(key).items() if form in text or ("hex" in name and form.lower() in lowered))


def test_the_search_finds_a_key_written_into_a_plan(spark):
    """The detector itself can fail: a plan with the inner pad as a literal (how HMAC used to be built) is caught."""
    inner = bytes(b ^ 0x36 for b in KEY.ljust(64, b"\0"))
    df = spark.range(1).select(F.sha2(F.concat(F.lit(inner), F.lit(b"x")), 256))
    plan = df._jdf.queryExecution().toString()
    assert "inner pad (hex)" in found_secrets(plan, KEY)


def test_explain_never_shows_the_key(spark):
    pseudonyms = keyed_pseudonyms(spark, KEY)
    df = spark.createDataFrame([("u1",)], "author_id string").select(pseudonyms.author(F.col("author_id")).alias("a"))
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        for mode in ("simple", "extended", "codegen", "cost", "formatted"):
            df.explain(mode=mode)
    plan = shown.getvalue()
    assert pseudonyms.function in plan
    assert found_secrets(plan, KEY) == []


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, TimeoutError):
        return None


def _json(body: str | None):
    try:
        return json.loads(body) if body else None
    except ValueError:  # "Spark is starting up", or a page cut short by the run's end
        return None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_run_with_ui_and_event_log_on_never_exposes_the_key(tmp_path, small_lake):
    lake = Path(small_lake.root)
    port, events = _free_port(), tmp_path / "events"
    events.mkdir()
    config = {
        "environment": "secrecy",
        "inputs": {t: str(lake / t) for t in ("posts", "users", "objections")},
        "output_root": str(tmp_path / "out"),
        "geo_rules": str(Path(LIB).parent / "conf" / "geo_rules.yaml"),
        "detectors": str(Path(LIB).parent / "conf" / "detectors.yaml"),
        "pseudonyms": {"key_env": "POSTCURATE_SECRECY_KEY"},
        "output": {"shard_target_mb": 1},
        "spark": {
            "master": "local[2]",
            "conf": {
                "spark.ui.enabled": True,
                "spark.ui.port": port,
                "spark.eventLog.enabled": True,
                "spark.eventLog.dir": f"file://{events}",
                "spark.eventLog.compress": False,
                "spark.sql.shuffle.partitions": 2,
                **SHORT_JVM_CONF,
            },
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    env = {**os.environ, "PYTHONPATH": LIB, "POSTCURATE_SECRECY_KEY": KEY.decode()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "postcurate", "run", "--config", str(path), "--as-of", REFERENCE_AS_OF],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    # Everything the UI serves, polled while the run goes (the UI dies with the run): every SQL execution with its
    # plan, jobs, stages with their tasks, the environment page, executors.
    api = f"http://127.0.0.1:{port}/api/v1/applications"
    sql = "sql?details=true&planDescription=true&length=100000"
    served: dict[str, str] = {}
    plans: list[dict] = []
    while proc.poll() is None:
        for app in _json(_get(api)) or []:
            base = f"{api}/{app['id']}"
            for endpoint in (sql, "jobs", "stages?details=true", "environment", "executors"):
                body = _get(f"{base}/{endpoint}")
                if body:
                    served[endpoint] = served.get(endpoint, "") + body
                    if endpoint == sql:
                        plans = max(plans, _json(body) or [], key=len)
        time.sleep(0.5)
    stdout, stderr = proc.communicate()
    assert proc.returncode == 0, stderr[-3000:]

    assert any("postcurate_pseudonym_" in (e.get("planDescription") or "") for e in plans), "no plan with the pseudonym function was captured"
    for endpoint, body in served.items():
        assert found_secrets(body, KEY) == [], f"the UI's {endpoint} shows the key"

    logs = [p for p in events.rglob("*") if p.is_file()]
    assert logs, "no event log was written"
    log_text = "".join(p.read_text(errors="replace") for p in logs)
    assert "postcurate_pseudonym_" in log_text  # the plans are in the event log, under the function's name
    assert found_secrets(log_text, KEY) == [], "the event log shows the key"
    assert found_secrets(stdout + stderr, KEY) == [], "the run's output shows the key"
