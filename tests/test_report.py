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
from conftest import TEST_KEY, write_config
from pyspark.sql import functions as F

from postcurate import report
from postcurate.report import figures, recall, render_html, write_report
from postcurate.resources import checkout_commit

REPO = Path(__file__).resolve().parents[1]
RECORDED = REPO / "eval" / "recall.json"  # the project's measurement, as `postcurate pii-eval --record` wrote it


def _pct(n: int, total: int) -> str:
    value = n / total
    return "0%" if value == 0 else "<0.1%" if value < 0.001 else f"{value:.1%}"

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
    assert (_report(published_snapshot).parent / fig["quality"]["results"]).resolve().is_file()
    assert fig["quarantine_by_check"] == m["counts"]["quarantine_by_check"]
    assert fig["previous"] is None and m["previous"] is None  # the first snapshot in its output root
    assert fig["code_commit"] == m["code_commit"] == checkout_commit(REPO)


def test_the_quarantine_is_counted_by_check_when_the_snapshot_is_built(spark, published_snapshot):
    m = published_snapshot.manifest
    by_check = m["counts"]["quarantine_by_check"]
    quarantine = spark.read.parquet(str(published_snapshot.snapshot_path / "quarantine"))
    assert by_check == {r["detail"]: r["count"] for r in quarantine.groupBy("detail").count().collect()}
    assert sum(by_check.values()) == m["counts"]["quarantined"] and len(by_check) >= 3
    assert list(by_check.values()) == sorted(by_check.values(), reverse=True)


def test_the_data_docs_are_left_out_of_the_snapshot(published_snapshot):
    """Great Expectations' pages load 15 scripts and style sheets from public CDNs and came with 4 MB of assets they
    barely use; the report shows the same results offline (docs/publishing.md)."""
    snapshot = published_snapshot.snapshot_path
    assert not (snapshot / "quality" / "data_docs").exists()
    assert sorted(p.name for p in (snapshot / "quality").iterdir()) == ["results.json"]
    assert published_snapshot.manifest["quality"]["data_docs"] is None
    assert not [p for p in snapshot.rglob("*") if p.suffix in (".gif", ".otf", ".png", ".ico")]


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
    """Collects the text of every element with a ``data-figure`` attribute, keyed by figure (and row key); the ids
    on the page and the text of a few id'd elements; the anomalies, moves and failures listed."""

    TEXT_OF = {"no-previous", "code-commit", "recall-status", "previous-id", "no-anomalies"}

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._open: str | None = None
        self.ids: set[str] = set()
        self.text: dict[str, str] = {}
        self._texts: list[str] = []
        self.anomalies: list[str] = []
        self.moved: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for entry in self._texts:
            entry[2] += entry[1] == tag
        if "id" in a:
            self.ids.add(a["id"])
            if a["id"] in self.TEXT_OF:
                self._texts.append([a["id"], tag, 1])
                self.text[a["id"]] = ""
        if "data-anomaly" in a:
            self.anomalies.append(a["data-anomaly"])
        if "data-moved" in a:
            self.moved.append(a["data-moved"])
        if "data-figure" in a:
            self._open = a["data-figure"] + (f":{a['data-key']}" if "data-key" in a else "")
            self.values[self._open] = ""

    def handle_data(self, data):
        if self._open:
            self.values[self._open] += data
        for name, _, _ in self._texts:
            self.text[name] += data

    def handle_endtag(self, tag):
        self._open = None
        for entry in self._texts:
            entry[2] -= entry[1] == tag
        self._texts = [e for e in self._texts if e[2] > 0]


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
    # Shares beside the counts.
    assert dom.values["kept_pct"] == f"{c['kept'] / c['posts_read']:.1%}"
    for reason, n in c["by_reason"].items():
        assert dom.values[f"by_reason_pct:{reason}"] == _pct(n, c["posts_read"])
    for country, n in c["by_country"].items():
        assert dom.values[f"by_country_pct:{country}"] == _pct(n, c["kept"])
    for split, n in c["by_split"].items():
        assert dom.values[f"by_split_pct:{split}"] == _pct(n, c["kept"])
    for pii_type, n in m["pii_redactions"].items():
        assert float(dom.values[f"pii_per_1000:{pii_type}"].replace(",", "")) == pytest.approx(1000 * n / c["kept"], abs=0.006)
    # The quarantine by check, with shares of the quarantine.
    for check, n in c["quarantine_by_check"].items():
        assert dom.values[f"quarantine_by_check:{check}"] == f"{n:,}"
        assert dom.values[f"quarantine_by_check_pct:{check}"] == _pct(n, c["quarantined"])
    # No previous snapshot, the commit, the recall as recorded, the anomalies section.
    assert "no-previous" in dom.ids and "nothing to compare it with" in dom.text["no-previous"]
    assert dom.text["code-commit"] == m["code_commit"]
    assert dom.text["recall-status"].lower().startswith(recall.sentence(m["pii_recall"])[:40].lower())
    flags = report.anomalies(m)["flags"]
    assert dom.anomalies == [f"{f['rule']}:{f['subject']}" for f in flags]
    assert ("no-anomalies" in dom.ids) == (not flags)
    assert {"summary", "anomalies", "quality", "exclusions", "quarantine", "previous", "countries", "languages", "pii", "recall", "shards",
            "results-json", "gate-status", "code-commit"} <= dom.ids
    assert '<span class="status pass" id="gate-status">passed</span>' in loaded.stdout
    assert loaded.stdout.count("<svg") >= 6, "the charts are in the page"

    shot = tmp_path / "report.png"
    taken = _chromium("--hide-scrollbars", "--window-size=1100,2800", f"--screenshot={shot}", page.as_uri(), user_data=tmp_path / "profile2")
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert _console(taken.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 30_000
    keep = os.environ.get("POSTCURATE_SCREENSHOT_DIR")
    if keep:  # for a human to look at
        shutil.copy(shot, Path(keep) / "report.png")


def test_render_html_escapes_what_it_shows(published_snapshot):
    fig = figures(published_snapshot.manifest)
    fig["by_lang"] = {"<script>alert(1)</script>": 1}
    page = render_html(fig)
    assert "<script>" not in page and "&lt;script&gt;" in page


# --- the side-by-side view, anomalies and recall ------------------------------------------------------------------


@pytest.fixture(scope="module")
def second_snapshot(spark, sample_lake, published_snapshot, tmp_path_factory):
    """A second snapshot published after ``published_snapshot`` in a copy of its output root, with a stricter
    minimum text length (so more posts are ``empty``): the report compares it with the first. The sample lake's
    kept texts are 116 characters and longer (2026-12-01: a quarter under 137), so 140 moves a good share."""
    import datetime as dt

    from postcurate.config import load_config
    from postcurate.job import run

    folder = tmp_path_factory.mktemp("second")
    root = folder / "out"
    shutil.copytree(published_snapshot.snapshot_path.parents[1], root)
    config = load_config(write_config(folder, sample_lake.root, root, rules__min_text_length=140))
    now = dt.datetime.now(dt.timezone.utc)
    as_of = dt.datetime.fromisoformat(published_snapshot.manifest["as_of"]) + dt.timedelta(days=1)
    result = run(spark, config, key=TEST_KEY, as_of=as_of, now=now)
    assert result.published
    return result


def test_the_previous_snapshot_is_recorded_at_build_time(published_snapshot, second_snapshot):
    first, m = published_snapshot.manifest, second_snapshot.manifest
    prev = m["previous"]
    assert prev["snapshot_id"] == first["snapshot_id"] and prev["as_of"] == first["as_of"]
    assert prev["counts"] == {k: first["counts"][k] for k in ("posts_read", "kept", "excluded", "quarantined")}
    assert prev["by_country"] == first["counts"]["by_country"] and prev["by_reason"] == first["counts"]["by_reason"]
    side = figures(m)["previous"]
    assert side["moved_most"][0]["key"] == "empty" and side["moved_most"][0]["share_change_pp"] > 0
    empty = next(r for r in side["by_reason"] if r["key"] == "empty")
    assert empty["change"] == m["counts"]["by_reason"]["empty"] - first["counts"]["by_reason"]["empty"] > 0


def _with_anomalies_and_recall(manifest: dict, tmp_path: Path) -> dict:
    m = copy.deepcopy(manifest)
    kept = m["counts"]["kept"]
    m["pii_redactions"]["email"] = 5 * kept  # 5,000 per 1,000 kept posts: a detector firing on everything
    m["pii_redactions"]["phone"] = 0  # and one that has stopped
    m["settings"]["output"]["validation_fraction"] = 0.5
    m["counts"]["by_country_split"]["ZZ"] = {"train": 400}
    raw = json.loads(RECORDED.read_text()) | {"detectors_sha256": m["detectors_sha256"]}
    (tmp_path / "recall.json").write_text(json.dumps(raw))
    m["pii_recall"] = recall.for_detectors(m["detectors_sha256"], tmp_path / "recall.json")
    return m


def test_anomaly_rules_flag_what_is_far_from_the_rest(published_snapshot, tmp_path):
    m = _with_anomalies_and_recall(published_snapshot.manifest, tmp_path)
    found = report.anomalies(m)
    flagged = {(f["rule"], f["subject"]) for f in found["flags"]}
    assert {("pii_rate", "email"), ("pii_rate", "phone"), ("validation_share", "validation"), ("country_without_validation", "ZZ")} <= flagged
    assert not [f for f in found["flags"] if f["rule"] == "pii_rate" and f["subject"] not in ("email", "phone")]
    # The same rules on the real snapshot: nothing about PII or ZZ (the generator's PII rates are alike).
    real = report.anomalies(published_snapshot.manifest)
    assert not [f for f in real["flags"] if f["rule"] == "pii_rate"]
    # Thresholds are data: a tolerance wide enough lets the odd split through.
    lenient = copy.deepcopy(report.ANOMALY_RULES)
    lenient["validation_share"]["relative_tolerance"] = 10.0
    assert ("validation_share", "validation") not in {(f["rule"], f["subject"]) for f in report.anomalies(m, lenient)["flags"]}


def test_a_small_snapshot_is_not_judged_on_its_split(published_snapshot):
    m = copy.deepcopy(published_snapshot.manifest)
    m["counts"]["kept"] = 40
    m["counts"]["by_split"] = {"train": 40}
    m["counts"]["by_country_split"] = {"GB": {"train": 40}}
    found = report.anomalies(m)
    assert not [f for f in found["flags"] if f["rule"] != "pii_rate"]
    assert any("not judged" in n for n in found["notes"]) and any("GB" in n for n in found["notes"])


def test_recall_reader_keeps_only_well_formed_names_and_numbers(tmp_path):
    raw = json.loads(RECORDED.read_text())
    fixture = recall.read(RECORDED)
    assert fixture["overall_recall"] == raw["overall"]["recall"]
    assert fixture["lowest"] == min(raw["recall"], key=lambda t: (raw["recall"][t]["recall"], t))
    assert fixture["eval_set"] == raw["eval_set"] and fixture["measured_at"] == raw["measured_at"]
    assert set(fixture["recall_by_class"]) == set(raw["recall_by_class"])
    assert recall.for_detectors(fixture["detectors_sha256"], RECORDED)["status"] == recall.MEASURED
    assert recall.for_detectors("f" * 64, RECORDED)["status"] == recall.OTHER_DETECTORS
    assert recall.for_detectors("f" * 64, tmp_path / "missing.json") == {"status": recall.NONE}
    odd = {
        "recall": {
            "email": {"values": 10, "vanished": 9},  # no rate: recomputed
            "phone": {"values": True, "vanished": 1, "recall": float("nan")},  # nothing usable
            "ssn": {"values": 5, "vanished": 9, "recall": 1.8},  # impossible
            "ip": "0.9",
        },
        "eval_set": "not a mapping",
        "measured_at": {"nested": 1},
    }
    parsed = recall.parse(odd)
    assert parsed["recall"] == {"email": {"values": 10, "vanished": 9, "recall": 0.9}}
    assert parsed["eval_set"] == {"path": None, "sha256": None, "records": None} and parsed["measured_at"] is None
    for broken in (None, [], "x", {}, {"recall": []}, {"recall": {"email": {}}}):
        assert recall.parse(broken) is None
    assert recall.recorded({}) == {"status": recall.NONE} and recall.recorded({"pii_recall": {"status": "measured"}}) == {"status": recall.NONE}


@needs_chromium
def test_the_comparison_anomalies_and_recall_in_a_browser(published_snapshot, second_snapshot, tmp_path):
    first = published_snapshot.manifest
    m = _with_anomalies_and_recall(second_snapshot.manifest, tmp_path)
    page = write_report(tmp_path / "report", m)
    loaded = _chromium("--dump-dom", page.as_uri(), user_data=tmp_path / "profile")
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert _console(loaded.stderr) == []
    dom = _Figures()
    dom.feed(loaded.stdout)
    # Side by side with the previous snapshot.
    assert dom.text["previous-id"] == first["snapshot_id"]
    for country, n in first["counts"]["by_country"].items():
        assert dom.values[f"previous_by_country:{country}"] == f"{n:,}"
    for reason, n in first["counts"]["by_reason"].items():
        assert dom.values[f"previous_by_reason:{reason}"] == f"{n:,}"
    assert dom.values["previous:posts read"] == f"{first['counts']['posts_read']:,}"
    assert dom.values["current:kept"] == f"{m['counts']['kept']:,}"
    assert dom.moved == [f"{r['what']}:{r['key']}" for r in figures(m)["previous"]["moved_most"]] and dom.moved[0] == "reason:empty"
    # Anomalies, each flagged.
    expected = [f"{f['rule']}:{f['subject']}" for f in report.anomalies(m)["flags"]]
    assert dom.anomalies == expected and {"pii_rate:email", "pii_rate:phone", "validation_share:validation", "country_without_validation:ZZ"} <= set(expected)
    # The detectors' measured recall: date, eval set, figures.
    measured = json.loads(RECORDED.read_text())
    assert dom.values["recall_overall"] == f"{measured['overall']['recall']:.1%}"
    for name in ("email", "address"):
        assert dom.values[f"recall:{name}"] == f"{measured['recall'][name]['recall']:.1%}"
    assert dom.values["survival:date"] == f"{measured['survival']['date']['survival']:.1%}"
    assert measured["measured_at"] in dom.text["recall-status"] and measured["eval_set"]["path"] in dom.text["recall-status"]
    assert f"{measured['eval_set']['records']:,} records" in dom.text["recall-status"]
    shot = tmp_path / "report.png"
    taken = _chromium("--hide-scrollbars", "--window-size=1100,4200", f"--screenshot={shot}", page.as_uri(), user_data=tmp_path / "profile2")
    assert taken.returncode == 0 and _console(taken.stderr) == []
    keep = os.environ.get("POSTCURATE_SCREENSHOT_DIR")
    if keep:  # for a human to look at
        shutil.copy(shot, Path(keep) / "report-compared.png")


def test_the_report_of_an_older_manifest_still_renders(published_snapshot):
    """A purge re-renders reports of snapshots built before these figures were recorded."""
    m = copy.deepcopy(published_snapshot.manifest)
    for key in ("previous", "code_commit", "pii_recall"):
        m.pop(key)
    m["counts"].pop("quarantine_by_check")
    page = render_html(figures(m))
    assert "does not break the quarantine down by check" in page and "nothing to compare it with" in page
    assert "no recall measured for these detectors" in page.lower() and 'id="code-commit">unknown<' in page


def test_the_report_shows_the_duplicates_removed_and_the_cluster_sizes(published_snapshot):
    m = published_snapshot.manifest
    fig = json.loads((_report(published_snapshot).parent / "report.json").read_text())
    assert {k: v for k, v in fig["dedup"].items() if k != "settings"} == m["dedup"]
    assert fig["dedup"]["settings"] == m["settings"]["dedup"]
    page = _report(published_snapshot).read_text()
    section = page[page.index('<section id="duplicates">') : page.index("</section>", page.index('<section id="duplicates">'))]
    assert f'data-figure="dedup_removed">{m["dedup"]["removed"]:,}<' in section
    for b in m["dedup"]["cluster_sizes"]:
        assert f'data-figure="clusters" data-key="{b["sizes"]}">{b["clusters"]:,}<' in section
    off = render_html(figures(dict(m) | {"dedup": {"enabled": False}}))
    assert 'id="dedup-off"' in off
