"""The reviewer's report: its figures, what it must never show, and how it loads in a real (headless) browser."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from postcurate.report import figures, render_html, write_report

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (.ci/run installs it with apt-get)")


def _report(published_snapshot) -> Path:
    return published_snapshot.snapshot_path / "report" / "index.html"


def test_report_json_carries_the_manifest_figures(published_snapshot):
    m = published_snapshot.manifest
    fig = json.loads((_report(published_snapshot).parent / "report.json").read_text())
    assert published_snapshot.report_path == _report(published_snapshot)
    assert fig["counts"] == {k: m["counts"][k] for k in ("posts_read", "kept", "excluded", "quarantined")}
    assert fig["reconciled"] is True
    assert fig["by_reason"] == m["counts"]["by_reason"] and fig["by_lang"] == m["counts"]["by_lang"]
    assert fig["by_country_split"] == m["counts"]["by_country_split"]
    assert fig["pii_redactions"] == m["pii_redactions"]
    assert fig["shards"]["files"] == len(m["shards"]) and fig["shards"]["bytes"] == sum(s["bytes"] for s in m["shards"])
    assert fig["quality"]["success"] is True and fig["quality"]["evaluated"] == m["quality"]["evaluated"]
    assert (_report(published_snapshot).parent / fig["quality"]["data_docs"]).resolve().is_file()


def test_report_shows_no_raw_text_no_ids_no_pseudonyms(spark, sample_lake, published_snapshot):
    page = _report(published_snapshot).read_text()
    data = (_report(published_snapshot).parent / "report.json").read_text()
    posts = spark.read.format("delta").load(str(Path(sample_lake.root) / "posts"))
    raw_ids = {r[0] for r in posts.select("post_id").where(F.length("post_id") >= 6).limit(300).collect()}
    raw_ids |= {r[0] for r in posts.select("author_id").where(F.length("author_id") >= 6).limit(300).collect()}
    shards = spark.read.parquet(str(published_snapshot.snapshot_path / "shards"))
    pseudonyms = {r[0] for r in shards.select("post_pid").limit(300).collect()} | {r[0] for r in shards.select("author_pid").limit(300).collect()}
    texts = {r[0][:40] for r in shards.select("text").where(F.length("text") >= 40).limit(300).collect()}
    for text in (page, data):
        assert not [v for v in raw_ids if v in text]
        assert not [v for v in pseudonyms if v in text]
        assert not [v for v in texts if v in text]
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), "an email address in the report"


def test_a_failed_gate_is_shown_with_each_failure(published_snapshot, tmp_path):
    m = copy.deepcopy(published_snapshot.manifest)
    failing = next(e for e in m["quality"]["expectations"] if e["column"] == "residual_pii_type")
    failing.update(success=False, unexpected_count=3)
    m["quality"].update(success=False, failed=1)
    page = write_report(tmp_path, m).read_text()
    assert 'id="gate-status">failed' in page
    assert 'data-failed="shards:expect_column_values_to_be_null"' in page and "3 of" in page
    assert "<details id=\"all-expectations\" open>" in page


class _Figures(HTMLParser):
    """Collects the text of every element with a ``data-figure`` attribute, keyed by figure (and row key)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._open: str | None = None
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if "data-figure" in a:
            self._open = a["data-figure"] + (f":{a['data-key']}" if "data-key" in a else "")
            self.values[self._open] = ""

    def handle_data(self, data):
        if self._open:
            self.values[self._open] += data

    def handle_endtag(self, tag):
        self._open = None


def _chromium(*args: str, user_data: Path) -> subprocess.CompletedProcess:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={user_data}",
        # Console messages (errors, CSP violations, failed loads) are printed to stderr as CONSOLE lines.
        "--enable-logging=stderr",
        "--v=0",
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=180)


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@needs_chromium
def test_report_loads_in_a_browser_without_console_errors_and_shows_the_figures(published_snapshot, tmp_path):
    # The detector works: a page that breaks its own policy produces console lines.
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">"
        '<link rel="icon" href="data:,"></head><body><img src="https://example.invalid/x.png"><script>console.error("x")</script></body></html>'
    )
    assert _console(_chromium("--dump-dom", control.as_uri(), user_data=tmp_path / "profile0").stderr)

    page = _report(published_snapshot)
    loaded = _chromium("--dump-dom", page.as_uri(), user_data=tmp_path / "profile1")
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert _console(loaded.stderr) == []
    dom = _Figures()
    dom.feed(loaded.stdout)
    m = published_snapshot.manifest
    c = m["counts"]
    for name in ("posts_read", "kept", "excluded", "quarantined"):
        assert dom.values[name] == f"{c[name]:,}", name
    for reason, n in c["by_reason"].items():
        assert dom.values[f"by_reason:{reason}"] == f"{n:,}"
    for country, n in c["by_country"].items():
        assert dom.values[f"by_country:{country}"] == f"{n:,}"
    for split, n in c["by_split"].items():
        assert dom.values[f"by_split:{split}"] == f"{n:,}"
    for lang, n in c["by_lang"].items():
        assert dom.values[f"by_lang:{lang}"] == f"{n:,}"
    for pii_type, n in m["pii_redactions"].items():
        assert dom.values[f"pii_redactions:{pii_type}"] == f"{n:,}"
    assert dom.values["shard_files"] == f"{len(m['shards']):,}"
    assert {"summary", "quality", "exclusions", "countries", "languages", "pii", "shards", "data-docs", "gate-status"} <= dom.ids
    assert '<span class="status pass" id="gate-status">passed</span>' in loaded.stdout
    assert loaded.stdout.count("<svg") >= 5, "the charts are in the page"

    shot = tmp_path / "report.png"
    taken = _chromium("--hide-scrollbars", "--window-size=1100,2800", f"--screenshot={shot}", page.as_uri(), user_data=tmp_path / "profile2")
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert _console(taken.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 30_000
    keep = os.environ.get("POSTCURATE_SCREENSHOT_DIR")
    if keep:  # for a human to look at
        shutil.copy(shot, Path(keep) / "report.png")


@needs_chromium
def test_the_data_docs_link_leads_to_great_expectations_pages(published_snapshot, tmp_path):
    docs = (_report(published_snapshot).parent / figures(published_snapshot.manifest)["quality"]["data_docs"]).resolve()
    loaded = _chromium("--dump-dom", docs.as_uri(), user_data=tmp_path / "profile")
    assert loaded.returncode == 0
    assert "Great Expectations" in loaded.stdout or "Expectation" in loaded.stdout
    for suite in ("shards", "reconciliation", "objector_leaks", "exclusion_leaks", "shard_schema", "split_conflicts", "repeated_posts"):
        assert suite in loaded.stdout


def test_render_html_escapes_what_it_shows(published_snapshot):
    fig = figures(published_snapshot.manifest)
    fig["by_lang"] = {"<script>alert(1)</script>": 1}
    page = render_html(fig)
    assert "<script>" not in page and "&lt;script&gt;" in page
