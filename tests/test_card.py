"""The dataset card written into every snapshot: HF layout, the nine rules with counts, geo rules, PII, no raw data."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from postcurate.card import RULES, _recall_lines, render_card, size_category, write_card
from postcurate.reader import open_snapshot
from postcurate.report import recall
from postcurate.rules.geo import load_geo_rules

REPO = Path(__file__).resolve().parents[1]

SECTIONS = [
    "## Dataset Description",
    "## Dataset Structure",
    "### Data Fields",
    "### Data Splits",
    "## Dataset Creation",
    "### Curation Rationale",
    "### Source Data",
    "#### Data Collection and Processing",
    "#### Consent and objections",
    "#### Geo rules in force at the cut-off",
    "### Personal and Sensitive Information",
    "## Considerations for Using the Data",
    "### Known Limitations",
]


def _front_matter(card: str) -> dict:
    match = re.match(r"---\n(.*?)\n---\n", card, re.S)
    assert match, "the card must open with YAML front matter"
    return yaml.safe_load(match.group(1))


def test_every_published_snapshot_has_a_card(published_snapshot):
    card = (published_snapshot.snapshot_path / "README.md").read_text()
    m = published_snapshot.manifest
    front = _front_matter(card)
    assert front["license"] == "other"
    assert front["task_categories"] == ["text-generation"]
    assert front["size_categories"] == [size_category(m["counts"]["kept"])]
    assert front["language"] and all(re.fullmatch(r"[a-z]{2,3}", tag) for tag in front["language"])
    assert {s["name"]: s["num_examples"] for s in front["dataset_info"]["splits"]} == m["counts"]["by_split"]
    positions = [card.index(section) for section in SECTIONS]
    assert positions == sorted(positions), "sections out of the HF card order"
    assert m["snapshot_id"] in card and m["as_of"] in card


def test_card_lists_the_rules_in_order_with_the_manifest_counts(published_snapshot):
    card = (published_snapshot.snapshot_path / "README.md").read_text()
    by_reason = published_snapshot.manifest["counts"]["by_reason"]
    rows = re.findall(r"^\| (\d+) \| `([a-z_]+)` \| .*? \| ([\d,]+) \|$", card, re.M)
    assert [(int(i), code) for i, code, _ in rows] == [(i, code) for i, (code, _) in enumerate(RULES, start=1)]
    assert {code: int(n.replace(",", "")) for _, code, n in rows} == by_reason
    kept = published_snapshot.manifest["counts"]["kept"]
    assert f"kept: {kept:,}" in card


def test_card_states_the_geo_rules_in_force_at_the_cut_off(published_snapshot):
    card = (published_snapshot.snapshot_path / "README.md").read_text()
    geo = load_geo_rules(published_snapshot.manifest["geo_rules"]["path"])
    section = card.split("#### Geo rules in force at the cut-off")[1].split("###")[0]
    for rule in geo.rules:  # every shipped rule has started by the fixture's cut-off
        row = re.search(rf"^\|[^|\n]*\b{rule.country}\b[^|\n]*\| {rule.start} \|.*$", section, re.M)
        assert row, rule.country
        # Each row links its own source, or says plainly that there is none.
        assert row.group(0).endswith(f"({rule.source}) |" if rule.source else "| no source on file |"), row.group(0)
    assert "| GB | 2024-09-13 |  | 18 | legitimate interests | [about.fb.com](https://about.fb.com/news/2024/09/" in section
    assert "| AU, CA, IN, NZ, US | 2024-01-01 |  | 18 | notice | no source on file |" in section
    assert section.count("https://about.fb.com/") == 1, "the UK announcement is the source of the UK's rule only"
    assert geo.version in section and "docs/geo-rules.md" in section


def test_every_geo_rule_has_its_own_source():
    """No two rules share a source, a rule for many countries says why, and a rule with no source says so."""
    raw = yaml.safe_load((REPO / "conf" / "geo_rules.yaml").read_text())
    groups = raw["groups"]
    seen: dict[str, list[str]] = {}
    for entry in raw["rules"]:
        countries = [c for name in entry["countries"] for c in groups.get(name, [name])]
        if entry.get("source"):
            assert entry["source"].startswith("https://"), entry
            seen.setdefault(entry["source"], []).extend(countries)
        else:
            assert entry["notes"].startswith("No source on file"), countries
        if len(countries) > 1:
            assert "one source for all of them" in entry["notes"], countries
    shared = {source: countries for source, countries in seen.items() if len(countries) > 1}
    assert list(shared) == ["https://www.dataprotection.ie/en/news-media/latest-news/dpc-statement-meta-ai"], shared
    assert sorted(shared[next(iter(shared))]) == sorted(groups["EEA"])
    assert len(seen) == len([e for e in raw["rules"] if e.get("source")]), "two rules share a source"


def test_the_geo_rules_doc_exists_and_covers_every_rule():
    text = (REPO / "conf" / "geo_rules.yaml").read_text()
    assert "docs/geo-rules.md" in text
    doc = (REPO / "docs" / "geo-rules.md").read_text()
    table = doc.split("## The rules and their sources")[1].split("\n## ")[0]
    for rule in load_geo_rules(REPO / "conf" / "geo_rules.yaml").rules:
        if rule.country not in yaml.safe_load(text)["groups"]["EEA"]:
            assert re.search(rf"^\| {rule.country} \| {rule.start} \|", table, re.M), rule.country
        if rule.source:
            assert rule.source in table, rule.country
        else:
            assert re.search(rf"^\| {rule.country} \|.*\*\*none on file\*\*", table, re.M), rule.country


def test_card_has_no_raw_text_or_ids(published_snapshot):
    card = (published_snapshot.snapshot_path / "README.md").read_text()
    table = open_snapshot(published_snapshot.snapshot_path).table(columns=["post_pid", "author_pid", "text"])
    assert not any(pid in card for pid in table["post_pid"].to_pylist() + table["author_pid"].to_pylist())
    assert not any(pid[:12] in card for pid in table["author_pid"].to_pylist())
    assert not any(len(t) > 25 and t in card for t in table["text"].to_pylist())
    assert not re.search(r"[0-9a-f]{32}", card)  # no full hash or pseudonym of any kind


def _manifest_and_geo(published_snapshot):
    m = published_snapshot.manifest
    return m, load_geo_rules(m["geo_rules"]["path"])


RECORDED = REPO / "eval" / "recall.json"  # the project's measurement, as `postcurate pii-eval --record` wrote it


def _recall_file(tmp_path, detectors_sha256: str) -> Path:
    """The recorded measurement, as if measured for the detectors with ``detectors_sha256``."""
    raw = json.loads(RECORDED.read_text()) | {"detectors_sha256": detectors_sha256}
    path = tmp_path / "recall.json"
    path.write_text(json.dumps(raw))
    return path


def test_card_states_the_recall_the_manifest_recorded(published_snapshot):
    card = (published_snapshot.snapshot_path / "README.md").read_text()
    block = recall.recorded(published_snapshot.manifest)
    assert block == published_snapshot.manifest["pii_recall"]
    assert all(line in card for line in _recall_lines(block))


def test_card_shows_the_recorded_recall_of_its_detectors(published_snapshot, tmp_path):
    """The shipped detectors' measurement (eval/recall.json, written by pii-eval --record) is on the card of a build
    with those detectors: its overall figure, its date and its eval set, and a row per PII type."""
    recorded = json.loads(RECORDED.read_text())
    m = published_snapshot.manifest
    assert recorded["format"] == 1 and recorded["detectors_sha256"] == m["detectors_sha256"], "eval/recall.json is not of the shipped detectors: re-record it"
    card = (published_snapshot.snapshot_path / "README.md").read_text()
    assert m["pii_recall"]["status"] == recall.MEASURED
    assert f"for the detectors this snapshot used: **{recorded['overall']['recall']:.1%}** of labelled PII values removed overall" in card
    es = recorded["eval_set"]
    assert f"Measured {recorded['measured_at']} on `{es['path']}` ({es['records']:,} records, SHA-256 `{es['sha256'][:16]}…`)" in card
    for name, r in recorded["recall"].items():
        assert f"| {name} | {r['values']:,} | {r['vanished']:,} | {r['recall']:.1%} |" in card
    for name, r in recorded["survival"].items():
        assert f"| {name} | {r['values']:,} | {r['survived']:,} | {r['survival']:.1%} |" in card
    assert "no recall measured" not in card
    assert not re.search(r"[0-9a-f]{32}", card)


def test_card_reads_a_recall_file_given_to_it(published_snapshot, tmp_path):
    copy = tmp_path / "snap"
    shutil.copytree(published_snapshot.snapshot_path, copy)
    m = published_snapshot.manifest
    recorded = json.loads(RECORDED.read_text())
    card = write_card(copy, m, eval_results=_recall_file(tmp_path, m["detectors_sha256"])).read_text()
    assert f"**{recorded['overall']['recall']:.1%}** of labelled PII values removed overall" in card
    assert "no recall measured" not in card
    # Without the rules loaded the card still states them, from the path recorded in the manifest.
    assert "| GB | 2024-09-13 |" in card


@pytest.mark.parametrize(
    "content, why",
    [
        (None, "another detector configuration"),  # the recorded measurement, of other detectors
        ("{not json", "no measurement on file"),
        ('{"recall": {"email": {"values": 3, "vanished": "all"}}}', "no measurement on file"),
        ('{"recall": {"email": {"values": 10, "vanished": 9, "recall": 0.9}}, "detectors_sha256": null}', "another detector configuration"),
        ('{"format": 2, "recall": {"email": {"values": 10, "vanished": 9, "recall": 0.9}}}', "no measurement on file"),
    ],
)
def test_card_says_plainly_when_no_recall_was_measured_for_its_detectors(published_snapshot, tmp_path, content, why):
    copy = tmp_path / "snap"
    shutil.copytree(published_snapshot.snapshot_path, copy)
    if content is None:
        path = _recall_file(tmp_path, "0" * 64)
    else:
        path = tmp_path / "recall.json"
        path.write_text(content)
    card = write_card(copy, published_snapshot.manifest, eval_results=path).read_text()
    assert "Recall of the PII detectors: **no recall measured for these detectors" in card and why in card
    assert "labelled PII values removed" not in card


def test_size_categories():
    assert [size_category(n) for n in (0, 999, 1000, 54_321, 2_000_000_000)] == ["n<1K", "n<1K", "1K<n<10K", "10K<n<100K", "1B<n<10B"]


def test_card_shows_the_duplicates_removed_and_their_clusters_by_size(published_snapshot):
    card = (published_snapshot.snapshot_path / "README.md").read_text()
    d = published_snapshot.manifest["dedup"]
    assert d["enabled"] and d["removed"] > 0
    assert "#### Duplicates" in card and f"Removed: {d['removed']:,} ({d['removed_exact']:,} exact copies" in card
    rows = re.findall(r"^\| ([0-9+-]+) \| ([\d,]+) \| ([\d,]+) \|$", card, re.M)
    assert [(size, int(c.replace(",", "")), int(p.replace(",", ""))) for size, c, p in rows] == [
        (b["sizes"], b["clusters"], b["posts"]) for b in d["cluster_sizes"]
    ]


def test_card_says_when_deduplication_was_off(published_snapshot):
    manifest = dict(published_snapshot.manifest) | {"dedup": {"enabled": False}}
    assert "Deduplication (rule 10) was off for this snapshot" in render_card(manifest)
