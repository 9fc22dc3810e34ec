"""The reviewer's report: one static HTML page per snapshot (``report/index.html``) and the same figures as
``report/report.json``.

Built from the manifest alone (which holds counts, never rows), so it cannot show raw text, raw ids or PII.
The page has no script and loads nothing from outside; charts are inline SVG.

Beside the counts (each with its share) it compares the snapshot with the one published before it, flags
anomalies by the rules in ``ANOMALY_RULES`` (docs/publishing.md), and shows the detectors' measured recall when it
was measured for the detectors the run used (``postcurate.report.recall``).

>>> write_report(staging / "report", manifest)
PosixPath('.../report/index.html')
"""

from __future__ import annotations

import json
import statistics
from html import escape
from pathlib import Path

from postcurate.report import recall
from postcurate.report.svg import bar_chart, stacked_bar_chart
from postcurate.snapshot.manifest import Counts, Manifest

REPORT_HTML = "index.html"
REPORT_JSON = "report.json"


# What the report flags, and from what size on it dares to judge. Data, not code: docs/publishing.md explains each.
ANOMALY_RULES = {
    # A PII type whose redactions per 1,000 kept posts are more than `factor` times above or below the median
    # of the other types: a detector that fires on everything, or has stopped firing. Judged only when the count
    # (or, for a low rate, the count the median rate would give) is at least `min_count`.
    "pii_rate": {"factor": 10.0, "min_count": 5},
    # The validation split's share of kept posts against output.validation_fraction: flagged when it is off by more
    # than `relative_tolerance` of the configured share. The split is by author, so small snapshots scatter:
    # judged only when the configured share gives at least `min_expected_rows` validation rows.
    "validation_share": {"relative_tolerance": 0.5, "min_expected_rows": 50},
    # A country with kept posts but no validation rows, where the configured share gives at least
    # `min_expected_rows` of them (smaller countries are listed, not flagged).
    "country_without_validation": {"min_expected_rows": 5},
}
# The side-by-side view lists this many of the largest moves in share (percentage points) across reasons and countries.
MOVED_MOST = 5
PREVIOUS_FIELDS = ("posts_read", "kept", "excluded", "quarantined")


def previous_summary(m: Manifest | None) -> dict | None:
    """What the report compares against: the counts of the published snapshot this one follows (its manifest, found
    by ``snapshot.publish.previous_published``), or None for the first snapshot."""
    if m is None:
        return None
    c = m.counts or Counts()
    return {
        "snapshot_id": m.snapshot_id,
        "as_of": m.as_of,
        "created_at": m.created_at,
        "counts": {k: getattr(c, k) for k in PREVIOUS_FIELDS},
        "by_reason": c.by_reason or {},
        "by_country": c.by_country or {},
        "quarantine_by_check": c.quarantine_by_check,
    }


def share(n, total) -> float | None:
    """``n`` as a fraction of ``total``; None when there is no total."""
    return n / total if isinstance(n, (int, float)) and isinstance(total, (int, float)) and total > 0 else None


def _moves(current: dict, previous: dict, total_now, total_before) -> list[dict]:
    rows = []
    for key in sorted(set(current) | set(previous), key=lambda k: (-(current.get(k) or 0), k)):
        now, before = current.get(key, 0) or 0, previous.get(key, 0) or 0
        s_now, s_before = share(now, total_now), share(before, total_before)
        rows.append({
            "key": key,
            "previous": before,
            "current": now,
            "change": now - before,
            "share_change_pp": round(100 * (s_now - s_before), 2) if s_now is not None and s_before is not None else None,
        })
    return rows


def compare(manifest: dict, previous: dict | None) -> dict | None:
    """This snapshot beside the previous one: totals, rows by country (shares of kept), exclusions by reason (shares
    of posts read), and what moved most (the largest changes in share)."""
    if not isinstance(previous, dict):
        return None
    c = manifest["counts"]
    p = previous.get("counts") or {}
    totals = [{"key": k, "previous": p.get(k), "current": c.get(k), "change": (c.get(k) or 0) - (p.get(k) or 0)} for k in PREVIOUS_FIELDS]
    by_country = _moves(c.get("by_country") or {}, previous.get("by_country") or {}, c.get("kept"), p.get("kept"))
    by_reason = _moves(c.get("by_reason") or {}, previous.get("by_reason") or {}, c.get("posts_read"), p.get("posts_read"))
    moved = [dict(r, what="country") for r in by_country] + [dict(r, what="reason") for r in by_reason]
    moved = sorted((r for r in moved if r["share_change_pp"]), key=lambda r: (-abs(r["share_change_pp"]), r["what"], r["key"]))
    return {
        "snapshot_id": previous.get("snapshot_id"),
        "as_of": previous.get("as_of"),
        "totals": totals,
        "by_country": by_country,
        "by_reason": by_reason,
        "moved_most": moved[:MOVED_MOST],
    }


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def anomalies(manifest: dict, rules: dict = ANOMALY_RULES) -> dict:
    """The anomalies ``rules`` find in the manifest's counts: ``flags`` (each with its ``rule``, ``subject`` and
    a ``message``) and ``notes`` (what was too small to judge)."""
    c = manifest["counts"]
    kept = c.get("kept") or 0
    flags: list[dict] = []
    notes: list[str] = []

    pii = {k: v for k, v in (manifest.get("pii_redactions") or {}).items() if isinstance(v, int)}
    r = rules["pii_rate"]
    if kept and len(pii) >= 3:
        rates = {t: 1000 * n / kept for t, n in pii.items()}
        for t, rate in sorted(rates.items()):
            ref = _median([v for k, v in rates.items() if k != t])
            expected = ref * kept / 1000
            if pii[t] >= r["min_count"] and rate > r["factor"] * ref:
                flags.append({"rule": "pii_rate", "subject": t, "message": (
                    f"{t}: {rate:,.1f} redactions per 1,000 kept posts, more than {r['factor']:g}× the other types' median ({ref:,.1f})")})
            elif expected >= r["min_count"] and rate < ref / r["factor"]:
                flags.append({"rule": "pii_rate", "subject": t, "message": (
                    f"{t}: {rate:,.1f} redactions per 1,000 kept posts, less than 1/{r['factor']:g} of the other types' median "
                    f"({ref:,.1f}; about {expected:,.0f} expected, {pii[t]:,} found)")})

    fraction = ((manifest.get("settings") or {}).get("output") or {}).get("validation_fraction")
    split = c.get("by_split") or {}
    if isinstance(fraction, (int, float)) and fraction > 0 and kept:
        r = rules["validation_share"]
        observed = (split.get("validation") or 0) / kept
        if kept * fraction < r["min_expected_rows"]:
            notes.append(
                f"Validation share {observed:.1%} against the configured {fraction:.1%}: not judged, the configured share gives "
                f"only {kept * fraction:,.0f} validation rows (fewer than {r['min_expected_rows']})."
            )
        elif abs(observed - fraction) > r["relative_tolerance"] * fraction:
            flags.append({"rule": "validation_share", "subject": "validation", "message": (
                f"validation split holds {observed:.1%} of kept posts, configured {fraction:.1%} "
                f"(off by more than {r['relative_tolerance']:.0%} of the configured share)")})
        r = rules["country_without_validation"]
        small = []
        for country, parts in sorted((c.get("by_country_split") or {}).items()):
            total = sum(parts.values())
            if total and not parts.get("validation"):
                if total * fraction >= r["min_expected_rows"]:
                    flags.append({"rule": "country_without_validation", "subject": country, "message": (
                        f"{country}: no validation rows among {total:,} kept posts (about {total * fraction:,.0f} expected)")})
                else:
                    small.append(country)
        if small:
            notes.append(f"No validation rows, but too few posts to expect {r['min_expected_rows']}: {', '.join(small)}.")
    return {"rules": rules, "flags": flags, "notes": notes}


def figures(manifest: dict) -> dict:
    """The report's figures: what the page shows, as data."""
    c = manifest["counts"]
    shards = manifest["shards"]
    sizes = sorted(s["bytes"] for s in shards)
    quality = manifest.get("quality") or {}
    kept = c["kept"]
    pii = manifest.get("pii_redactions", {})
    return {
        "snapshot_id": manifest["snapshot_id"],
        "run_id": manifest.get("run_id"),
        "as_of": manifest["as_of"],
        "created_at": manifest["created_at"],
        "code_version": manifest["code_version"],
        "code_commit": manifest.get("code_commit") or "unknown",
        "key_fingerprint": manifest["key_fingerprint"],
        "inputs": manifest["inputs"],
        "geo_rules": manifest["geo_rules"],
        "detectors_sha256": manifest.get("detectors_sha256"),
        "counts": {k: c[k] for k in ("posts_read", "kept", "excluded", "quarantined")},
        "reconciled": c["posts_read"] == c["kept"] + c["excluded"] + c["quarantined"],
        "by_reason": c["by_reason"],
        # Older manifests did not record it: None, not an empty breakdown.
        "quarantine_by_check": c.get("quarantine_by_check"),
        "by_country": c.get("by_country", {}),
        "by_country_split": c.get("by_country_split", {}),
        "by_lang": c.get("by_lang", {}),
        "by_split": c.get("by_split", {}),
        "pii_redactions": pii,
        "pii_per_1000_kept": {k: round(1000 * v / kept, 2) for k, v in pii.items()} if kept else {},
        "pii_recall": recall.recorded(manifest),
        "previous": compare(manifest, manifest.get("previous")),
        "anomalies": anomalies(manifest),
        "validation_fraction": ((manifest.get("settings") or {}).get("output") or {}).get("validation_fraction"),
        "dedup": dedup_figures(manifest),
        "shards": {
            "files": len(shards),
            "rows": sum(s["rows"] for s in shards),
            "bytes": sum(sizes),
            "min_bytes": sizes[0] if sizes else 0,
            "median_bytes": int(statistics.median(sizes)) if sizes else 0,
            "max_bytes": sizes[-1] if sizes else 0,
            "list": [{k: s[k] for k in ("path", "split", "country", "rows", "bytes", "sha256")} for s in shards],
        },
        "quality": {
            "success": quality.get("success"),
            "evaluated": quality.get("evaluated", 0),
            "failed": quality.get("failed", 0),
            # The page sits in report/; the gate's full results are in quality/results.json beside it.
            "results": "../quality/results.json",
            "expectations": quality.get("expectations", []),
        },
        "timings_s": manifest.get("timings_s", {}),
    }


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else escape(str(value))


class Pct(float):
    """A share shown as a percentage (a table cell); None-safe through ``pct``."""


def pct(n, total) -> Pct | str:
    """``n`` as a share of ``total`` for a table cell ("–" when there is no total)."""
    value = share(n, total)
    return Pct(value) if value is not None else "–"


def _fmt_pct(value: float) -> str:
    return "0%" if value == 0 else "<0.1%" if value < 0.001 else f"{value:.1%}"


def _cell(value) -> tuple[str, bool]:
    if isinstance(value, Pct):
        return _fmt_pct(value), True
    if isinstance(value, float):
        return f"{value:,.2f}", True
    return _n(value), isinstance(value, int)


def _table(headers: list[str], rows: list[list], *, cls: str = "", tags: dict[int, str] | None = None) -> str:
    """An HTML table. ``tags`` marks cells for tests and tools: ``{column: figure}`` gives each such cell
    ``data-figure`` and the row's first cell as ``data-key``."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    marks = tags or {}
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            attr = f' data-figure="{escape(marks[i])}" data-key="{escape(str(row[0]))}"' if i in marks else ""
            text, numeric = _cell(v)
            num = ' class="num"' if numeric else ""
            cells.append(f"<td{num}{attr}>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _signed(n) -> str:
    if not isinstance(n, (int, float)):
        return "–"
    return f"{n:+,}" if isinstance(n, int) else f"{n:+,.2f}"


def _bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def _detail(e: dict) -> str:
    if e.get("error"):
        return f"not evaluated ({e['error']})"
    if e.get("unexpected_count") is not None:
        return f"{e['unexpected_count']:,} of {e['element_count']:,} rows unexpected"
    if e.get("observed") is not None:
        return f"observed {e['observed']:,}"
    return ""


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2630;margin:0;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:24px 28px 48px;background:#fff;min-height:100vh}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:32px 0 10px;border-bottom:1px solid #dde2e8;padding-bottom:4px}
.meta{color:#566473;font-size:.9em}.meta code{font-size:.95em}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:18px 0}
.tile{border:1px solid #dde2e8;border-radius:6px;padding:10px 12px}.tile b{display:block;font-size:1.6em}
.tile span{color:#566473;font-size:.85em}
.status{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;font-size:.9em}
.pass{background:#dcefe2;color:#1f6b35}.fail{background:#f7dcda;color:#8f2a22}
table{border-collapse:collapse;margin:8px 0 4px;font-size:.92em}th,td{padding:3px 10px;border-bottom:1px solid #eceff3;text-align:left}
th{background:#f2f4f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.two{display:grid;grid-template-columns:1fr 1fr;gap:18px;align-items:start}
svg.chart text{font:12px system-ui,sans-serif;fill:#1d2630}svg.chart text.value{fill:#566473}
details summary{cursor:pointer;color:#3b6ea5}code{font-family:ui-monospace,Menlo,Consolas,monospace}
.note{color:#566473;font-size:.88em}
table.expectations td.note{min-width:16em}table.expectations code{font-size:.9em}
.failures{border-left:4px solid #b5534a;background:#fbf0ef;padding:4px 14px;margin:10px 0}
h3{font-size:1em;margin:20px 0 6px}
"""


def dedup_figures(manifest: dict) -> dict:
    """Rule 10 as the manifest records it: on or off, its settings, posts removed and the cluster size histogram."""
    recorded = dict(manifest.get("dedup") or {"enabled": False})
    settings = ((manifest.get("settings") or {}).get("dedup")) or {}
    return recorded | {"settings": settings}


def _dedup_section(d: dict) -> str:
    if not d.get("enabled"):
        return '<section id="duplicates"><h2>Duplicates</h2><p id="dedup-off">Deduplication (rule 10) was off for this snapshot: repeated texts may be in the shards.</p></section>'
    s = d["settings"]
    shingle = s.get("shingle") or {}
    bins = d.get("cluster_sizes", [])
    return f"""<section id="duplicates"><h2>Duplicates</h2>
<p>Rule 10 removed <b data-figure="dedup_removed">{_n(d.get("removed", 0))}</b> posts whose redacted text was the same as, or a near-duplicate of,
a post that stays: {_n(d.get("removed_exact", 0))} exact copies (after normalising case, Unicode forms and spaces),
{_n(d.get("removed_near", 0))} near-duplicates (Jaccard similarity of {escape(str(shingle.get("size", "")))}-{escape(str(shingle.get("unit", "")).rstrip("s"))}
shingles at least {escape(str(s.get("threshold", "")))}, found by MinHash with {escape(str(s.get("bands", "")))} bands of {escape(str(s.get("rows", "")))} rows)
and {_n(d.get("removed_chain", 0))} from chains of edits too long to resolve. They were in {_n(d.get("clusters", 0))} clusters
(the largest holds {_n(d.get("largest_cluster", 0))} posts), which keep {_n(d.get("kept_from_clusters", 0))} posts between them.</p>
{bar_chart([(b["sizes"], b["clusters"]) for b in bins], title="Clusters by size (posts per cluster)", color="#8a6fb5")}
{_table(["posts per cluster", "clusters", "posts"], [[b["sizes"], b["clusters"], b["posts"]] for b in bins], cls="cluster-sizes", tags={1: "clusters", 2: "cluster_posts"})}
</section>"""

def _anomalies_html(a: dict) -> str:
    flags = a["flags"]
    if flags:
        items = "".join(f'<li data-anomaly="{escape(f["rule"])}:{escape(str(f["subject"]))}">{escape(f["message"])}</li>' for f in flags)
        head = f'<div class="failures"><p><b>{len(flags)} to look at before training on this snapshot:</b></p><ul>{items}</ul></div>'
    else:
        head = '<p id="no-anomalies">None of the rules below flags anything in this snapshot.</p>'
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in a["notes"])
    r = a["rules"]
    rules = (
        "<details><summary>The rules</summary><ul>"
        f"<li>A PII type whose redactions per 1,000 kept posts are more than {r['pii_rate']['factor']:g}× above or below the other types' "
        f"median (judged from {r['pii_rate']['min_count']} redactions, found or expected).</li>"
        f"<li>The validation split's share of kept posts off the configured share by more than {r['validation_share']['relative_tolerance']:.0%} "
        f"of it (judged when the configured share gives at least {r['validation_share']['min_expected_rows']} validation rows).</li>"
        f"<li>A country with no validation rows where the configured share gives at least {r['country_without_validation']['min_expected_rows']}.</li>"
        "</ul></details>"
    )
    return head + notes + rules


def _recall_html(block: dict) -> str:
    if block.get("status") != recall.MEASURED:
        return f'<p id="recall-status">{escape(recall.sentence(block)[:1].upper() + recall.sentence(block)[1:])}.</p>'
    es = block.get("eval_set") or {}
    rows = [[t, r["values"] if r["values"] is not None else "–", r["vanished"] if r["vanished"] is not None else "–", Pct(r["recall"])]
            for t, r in block["recall"].items()]
    survival = [[k, r["values"] if r["values"] is not None else "–", r["survived"] if r["survived"] is not None else "–", Pct(r["survival"])]
                for k, r in block.get("survival", {}).items()]
    overall = f"{block['overall_recall']:.1%}" if block.get("overall_recall") is not None else "not stated"
    return (
        f'<p id="recall-status">Measured {escape(str(block.get("measured_at") or "(undated)"))} on <code>{escape(str(es.get("path") or "an unnamed set"))}</code>'
        f' ({_n(es.get("records")) if isinstance(es.get("records"), int) else "?"} records, SHA-256 <code>{escape(str(es.get("sha256") or "")[:16])}…</code>),'
        f' code <code>{escape(str(block.get("code_commit") or "unknown")[:12])}</code>, for these very detectors.'
        f' Overall recall <b data-figure="recall_overall">{overall}</b>; lowest: {escape(str(block.get("lowest")))}.</p>'
        + _table(["PII type", "labelled values", "removed", "recall"], rows, cls="recall", tags={3: "recall"})
        + ("<p class=\"note\">Look-alikes that must survive (dates, prices, …): share left intact.</p>"
           + _table(["kind", "values", "survived", "survival"], survival, cls="survival", tags={3: "survival"}) if survival else "")
        + '<p class="note">Measured on the labelled evaluation set, not on this snapshot\'s posts; real text can be harder.</p>'
    )


def _previous_html(prev: dict | None) -> str:
    if prev is None:
        return '<p id="no-previous">This is the first snapshot published in this output root: there is nothing to compare it with.</p>'
    totals = [[t["key"].replace("_", " "), t["previous"], t["current"], _signed(t["change"])] for t in prev["totals"]]

    def rows(items):
        return [[r["key"], r["previous"], r["current"], _signed(r["change"]), _signed(r["share_change_pp"])] for r in items]

    moved = "".join(
        f'<li data-moved="{escape(r["what"])}:{escape(str(r["key"]))}">{escape(r["what"])} <b>{escape(str(r["key"]))}</b>: '
        f'{r["share_change_pp"]:+.2f} points ({_n(r["previous"])} → {_n(r["current"])})</li>'
        for r in prev["moved_most"]
    ) or "<li>nothing moved</li>"
    return (
        f'<p>Compared with <code id="previous-id">{escape(str(prev["snapshot_id"]))}</code> (as of {escape(str(prev["as_of"]))}), '
        "the snapshot published before this one; figures as they were when this one was built.</p>"
        f'<p><b>Moved most</b> (change in share: of kept posts for countries, of posts read for reasons):</p><ul id="moved-most">{moved}</ul>'
        + _table(["", "previous", "this", "change"], totals, cls="previous-totals", tags={1: "previous", 2: "current"})
        + '<div class="two">'
        + _table(["country", "previous", "this", "change", "share, points"], rows(prev["by_country"]), cls="previous-countries", tags={1: "previous_by_country"})
        + _table(["reason", "previous", "this", "change", "share, points"], rows(prev["by_reason"]), cls="previous-reasons", tags={1: "previous_by_reason"})
        + "</div>"
    )


def render_html(fig: dict) -> str:
    """The page for ``fig`` (see ``figures``)."""
    c = fig["counts"]
    q = fig["quality"]
    passed = q["success"] is True
    status = '<span class="status pass" id="gate-status">passed</span>' if passed else '<span class="status fail" id="gate-status">failed</span>'
    read, kept = c["posts_read"], c["kept"]
    reasons = [(r, n) for r, n in fig["by_reason"].items()]
    went = [("kept", c["kept"])] + [(r, n) for r, n in reasons]
    countries = sorted(fig["by_country_split"].items(), key=lambda kv: -sum(kv[1].values()))
    splits = sorted({s for v in fig["by_country_split"].values() for s in v} | set(fig["by_split"]))
    langs = list(fig["by_lang"].items())
    pii = sorted(fig["pii_redactions"].items(), key=lambda kv: -kv[1])
    checks = fig["quarantine_by_check"]
    shards = fig["shards"]
    expectation_rows = []
    for e in q["expectations"]:
        detail = _detail(e)
        mark = "pass" if e["success"] else "FAIL"
        expectation_rows.append(
            f'<tr class="{"ok" if e["success"] else "bad"}" data-expectation="{escape(e["expectation"])}">'
            f'<td>{escape(e["suite"])}</td><td><code>{escape(e["expectation"])}</code></td><td>{escape(e.get("column") or "")}</td>'
            f'<td><span class="status {"pass" if e["success"] else "fail"}">{mark}</span></td><td>{escape(detail)}</td><td class="note">{escape(e.get("why", ""))}</td></tr>'
        )
    suites: dict[str, list[int]] = {}
    for e in q["expectations"]:
        counts = suites.setdefault(e["suite"], [0, 0])
        counts[0] += 1
        counts[1] += 0 if e["success"] else 1
    suite_rows = [[name, n, bad, "passed" if not bad else "FAILED"] for name, (n, bad) in suites.items()]
    failed = [e for e in q["expectations"] if not e["success"]]
    failures_html = ""
    if failed:
        items = "".join(
            f'<li data-failed="{escape(e["suite"])}:{escape(e["expectation"])}"><b>{escape(e["suite"])}</b>: <code>{escape(e["expectation"])}</code>'
            f'{" on " + escape(e["column"]) if e.get("column") else ""}: {escape(_detail(e))} <span class="note">({escape(e.get("why", ""))})</span></li>'
            for e in failed
        )
        failures_html = f'<div class="failures"><p><b>Not met, so this snapshot was not published:</b></p><ul>{items}</ul></div>'
    if len(shards["list"]) <= 40:
        shard_chart = bar_chart(
            [(f"{s['split']}/{s['country']}/{Path(s['path']).stem}", s["bytes"]) for s in shards["list"]], title="Shard sizes (bytes)"
        )
    else:
        by_partition: dict[str, int] = {}
        for s in shards["list"]:
            by_partition[f"{s['split']}/{s['country']}"] = by_partition.get(f"{s['split']}/{s['country']}", 0) + s["bytes"]
        shard_chart = bar_chart(sorted(by_partition.items(), key=lambda kv: -kv[1]), title="Bytes per partition")
    if checks is None:
        quarantine_html = "<p>This snapshot's manifest does not break the quarantine down by check (built before it was recorded).</p>"
    elif not checks:
        quarantine_html = "<p>Nothing was quarantined.</p>"
    else:
        quarantine_html = bar_chart(list(checks.items()), title="Quarantined posts by the check they failed", color="#8a6bb1") + _table(
            ["check", "posts", "of quarantined", "of posts read"],
            [[k, n, pct(n, c["quarantined"]), pct(n, read)] for k, n in checks.items()],
            tags={1: "quarantine_by_check", 2: "quarantine_by_check_pct"},
        )
    per_1000 = fig["pii_per_1000_kept"]
    inputs = "".join(f"<li><code>{escape(n)}</code> at Delta version <b>{escape(str(v['delta_version']))}</b></li>" for n, v in fig["inputs"].items())
    geo = fig["geo_rules"]
    reconciled = c["kept"] + c["excluded"] + c["quarantined"]
    commit = str(fig["code_commit"])
    fraction = fig.get("validation_fraction")
    flagged = len(fig["anomalies"]["flags"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Snapshot {escape(fig["snapshot_id"])}: reviewer's report</title>
<style>{_CSS}</style></head>
<body><main>
<h1>Snapshot <code id="snapshot-id">{escape(fig["snapshot_id"])}</code></h1>
<p class="meta">As of <b id="as-of">{escape(fig["as_of"])}</b> &middot; built {escape(fig["created_at"])} &middot; run <code>{escape(str(fig["run_id"]))}</code>
&middot; code {escape(fig["code_version"])} at commit <code id="code-commit">{escape(commit)}</code> &middot; key fingerprint <code>{escape(fig["key_fingerprint"])}</code></p>

<section id="summary">
<div class="tiles">
<div class="tile"><b data-figure="posts_read">{c["posts_read"]:,}</b><span>posts read</span></div>
<div class="tile"><b data-figure="kept">{c["kept"]:,}</b><span>kept, in shards (<i data-figure="kept_pct">{_fmt_pct(share(kept, read) or 0)}</i>)</span></div>
<div class="tile"><b data-figure="excluded">{c["excluded"]:,}</b><span>excluded, in the ledger (<i data-figure="excluded_pct">{_fmt_pct(share(c["excluded"], read) or 0)}</i>)</span></div>
<div class="tile"><b data-figure="quarantined">{c["quarantined"]:,}</b><span>quarantined as invalid (<i data-figure="quarantined_pct">{_fmt_pct(share(c["quarantined"], read) or 0)}</i>)</span></div>
</div>
<p>Reconciliation: {c["kept"]:,} + {c["excluded"]:,} + {c["quarantined"]:,} = {reconciled:,}
{"matches" if fig["reconciled"] else "<b>does not match</b>"} the {c["posts_read"]:,} posts read.
Data-quality gate: <a href="#quality">{"passed" if passed else "FAILED"}</a>.
Anomalies: <a href="#anomalies">{flagged or "none"}</a>.</p>
</section>

<section id="anomalies"><h2>Anomalies</h2>
{_anomalies_html(fig["anomalies"])}
</section>

<section id="quality"><h2>Data quality</h2>
<p>Gate: {status} {q["evaluated"] - q["failed"]} of {q["evaluated"]} expectations met, in {len(suite_rows)} suites.</p>
{failures_html}
{_table(["suite", "expectations", "failed", "result"], suite_rows, cls="suites")}
<p>Every result as Great Expectations returned it (names and counts): <a id="results-json" href="{escape(q["results"])}">quality/results.json</a>.</p>
<details id="all-expectations"{"" if passed else " open"}><summary>Every expectation, with why it matters</summary>
<table class="expectations"><thead><tr><th>suite</th><th>expectation</th><th>column</th><th>result</th><th>detail</th><th>why it matters</th></tr></thead>
<tbody>{"".join(expectation_rows)}</tbody></table>
</details>
</section>

<section id="exclusions"><h2>Where the posts went</h2>
<p class="note">Each post has exactly one destination: kept in the shards, excluded with the first rule it failed (ledger), or quarantined as invalid. Shares are of the {read:,} posts read.</p>
{bar_chart(went, title="Posts by destination and exclusion reason")}
{_table(["reason", "posts", "of posts read"], [[r, n, pct(n, read)] for r, n in reasons], tags={1: "by_reason", 2: "by_reason_pct"})}
</section>

<section id="quarantine"><h2>Quarantine by check</h2>
<p class="note">Posts with an unusable version, by the first check that version failed (counted when the snapshot was built).</p>
{quarantine_html}
</section>

{_dedup_section(fig["dedup"])}

<section id="previous"><h2>Beside the previous snapshot</h2>
{_previous_html(fig["previous"])}
</section>

<section id="countries"><h2>Countries and splits</h2>
<p class="note">Only countries with a geo rule in effect at the cut-off may appear ({escape(", ".join(geo.get("countries_in_effect", [])) or "none")}).
Shares are of the {kept:,} kept posts{f"; the validation split is configured at {fraction:.0%} of authors" if isinstance(fraction, (int, float)) else ""}.</p>
{stacked_bar_chart([(k, v) for k, v in countries], splits, title="Kept posts by country and split")}
<div class="two">
{_table(["country"] + splits + ["total", "of kept"], [[k] + [v.get(s, 0) for s in splits] + [sum(v.values()), pct(sum(v.values()), kept)] for k, v in countries], tags={len(splits) + 1: "by_country", len(splits) + 2: "by_country_pct"})}
{_table(["split", "posts", "of kept"], [[s, n, pct(n, kept)] for s, n in fig["by_split"].items()], tags={1: "by_split", 2: "by_split_pct"})}
</div>
</section>

<section id="languages"><h2>Languages</h2>
<p class="note">By primary language subtag as the platform tagged it; <code>und</code> = no tag.</p>
{bar_chart(langs[:20], title="Kept posts by language", color="#5a9e6f")}
{_table(["language", "posts", "of kept"], [[k, v, pct(v, kept)] for k, v in langs], tags={1: "by_lang", 2: "by_lang_pct"})}
</section>

<section id="pii"><h2>PII redactions</h2>
<p class="note">Spans replaced by a typed placeholder in the kept posts, by type, and per 1,000 kept posts.</p>
{bar_chart(pii, title="Redactions by PII type", color="#b5534a")}
{_table(["type", "redactions", "per 1,000 kept posts"], [[k, v, per_1000.get(k, 0.0)] for k, v in pii], tags={1: "pii_redactions", 2: "pii_per_1000"})}
<h3 id="recall">Measured recall of the detectors</h3>
{_recall_html(fig["pii_recall"])}
</section>

<section id="shards"><h2>Shards</h2>
<p><b data-figure="shard_files">{shards["files"]:,}</b> files, {shards["rows"]:,} rows, {_bytes(shards["bytes"])}
(smallest {_bytes(shards["min_bytes"])}, median {_bytes(shards["median_bytes"])}, largest {_bytes(shards["max_bytes"])}).</p>
{shard_chart}
<details><summary>Every shard with its checksum</summary>
{_table(["file", "rows", "bytes", "SHA-256"], [[s["path"], s["rows"], s["bytes"], s["sha256"][:16] + "…"] for s in shards["list"]], cls="shards")}
</details>
</section>

<section id="provenance"><h2>Provenance</h2>
<ul>{inputs}
<li>code: postcurate {escape(fig["code_version"])}, git commit <code>{escape(commit)}</code>{" (a checkout with uncommitted changes)" if commit.endswith("-dirty") else ""}</li>
<li>geo rules version <b>{escape(str(geo.get("version", "")))}</b>, SHA-256 <code>{escape(str(geo.get("sha256", ""))[:16])}…</code></li>
<li>detectors SHA-256 <code>{escape(str(fig.get("detectors_sha256") or "")[:16])}…</code></li></ul>
</section>
</main></body></html>
"""


def write_report(out_dir: Path, manifest: Manifest | dict) -> Path:
    """Write ``index.html`` and ``report.json`` into ``out_dir``; the page's path.

    The figures are read from the manifest's JSON form (``Manifest.to_dict``): ``report.json`` mirrors it, and a
    reviewer can check every figure on the page against ``manifest.json`` key by key."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fig = figures(manifest.to_dict() if isinstance(manifest, Manifest) else manifest)
    (out_dir / REPORT_JSON).write_text(json.dumps(fig, indent=2, default=str) + "\n")
    page = out_dir / REPORT_HTML
    page.write_text(render_html(fig), encoding="utf-8")
    return page
