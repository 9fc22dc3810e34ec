"""The reviewer's report: one static HTML page per snapshot (``report/index.html``) and the same figures as
``report/report.json``.

Built from the manifest alone (which holds counts, never rows), so it cannot show raw text, raw ids or PII.
The page has no script and loads nothing from outside; charts are inline SVG.

>>> write_report(staging / "report", manifest)
PosixPath('.../report/index.html')
"""

from __future__ import annotations

import json
import os
import statistics
from html import escape
from pathlib import Path

from postcurate.report.svg import bar_chart, stacked_bar_chart

REPORT_HTML = "index.html"
REPORT_JSON = "report.json"


def figures(manifest: dict) -> dict:
    """The report's figures: what the page shows, as data."""
    c = manifest["counts"]
    shards = manifest["shards"]
    sizes = sorted(s["bytes"] for s in shards)
    quality = manifest.get("quality") or {}
    docs = quality.get("data_docs")
    return {
        "snapshot_id": manifest["snapshot_id"],
        "run_id": manifest.get("run_id"),
        "as_of": manifest["as_of"],
        "created_at": manifest["created_at"],
        "code_version": manifest["code_version"],
        "key_fingerprint": manifest["key_fingerprint"],
        "inputs": manifest["inputs"],
        "geo_rules": manifest["geo_rules"],
        "detectors_sha256": manifest.get("detectors_sha256"),
        "counts": {k: c[k] for k in ("posts_read", "kept", "excluded", "quarantined")},
        "reconciled": c["posts_read"] == c["kept"] + c["excluded"] + c["quarantined"],
        "by_reason": c["by_reason"],
        "by_country": c.get("by_country", {}),
        "by_country_split": c.get("by_country_split", {}),
        "by_lang": c.get("by_lang", {}),
        "by_split": c.get("by_split", {}),
        "pii_redactions": manifest.get("pii_redactions", {}),
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
            # The page sits in report/; Data Docs are in quality/data_docs/ beside it.
            "data_docs": os.path.join("..", docs) if docs else None,
            "expectations": quality.get("expectations", []),
        },
        "timings_s": manifest.get("timings_s", {}),
    }


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else escape(str(value))


def _table(headers: list[str], rows: list[list], *, cls: str = "", figure: str | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            attr = f' data-figure="{escape(figure)}" data-key="{escape(str(row[0]))}"' if figure and i == len(row) - 1 else ""
            cls_num = ' class="num"' if isinstance(v, (int, float)) else ""
            cells.append(f"<td{cls_num}{attr}>{_n(v)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _bytes(n: int) -> str:
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
{_n(d.get("removed_near", 0))} near-duplicates (Jaccard similarity of {escape(str(shingle.get("size", "")))}-{escape(str(shingle.get("unit", "")))}
shingles at least {escape(str(s.get("threshold", "")))}, found by MinHash with {escape(str(s.get("bands", "")))} bands of {escape(str(s.get("rows", "")))} rows)
and {_n(d.get("removed_chain", 0))} from chains of edits too long to resolve. They were in {_n(d.get("clusters", 0))} clusters
(the largest holds {_n(d.get("largest_cluster", 0))} posts), which keep {_n(d.get("kept_from_clusters", 0))} posts between them.</p>
{bar_chart([(b["sizes"], b["clusters"]) for b in bins], title="Clusters by size (posts per cluster)", color="#8a6fb5")}
{_table(["posts per cluster", "clusters", "posts"], [[b["sizes"], b["clusters"], b["posts"]] for b in bins], figure="cluster_sizes")}
</section>"""


def render_html(fig: dict) -> str:
    """The page for ``fig`` (see ``figures``)."""
    c = fig["counts"]
    q = fig["quality"]
    passed = q["success"] is True
    status = '<span class="status pass" id="gate-status">passed</span>' if passed else '<span class="status fail" id="gate-status">failed</span>'
    reasons = [(r, n) for r, n in fig["by_reason"].items()]
    went = [("kept", c["kept"])] + [(r, n) for r, n in reasons]
    countries = sorted(fig["by_country_split"].items(), key=lambda kv: -sum(kv[1].values()))
    splits = sorted({s for v in fig["by_country_split"].values() for s in v} | set(fig["by_split"]))
    langs = list(fig["by_lang"].items())
    pii = sorted(fig["pii_redactions"].items(), key=lambda kv: -kv[1])
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
    docs_link = (
        f'<p>Great Expectations\' own pages for these results: <a id="data-docs" href="{escape(q["data_docs"])}">Data Docs</a>.</p>'
        if q["data_docs"]
        else "<p>No Data Docs were built for this snapshot.</p>"
    )
    if len(shards["list"]) <= 40:
        shard_chart = bar_chart(
            [(f"{s['split']}/{s['country']}/{Path(s['path']).stem}", s["bytes"]) for s in shards["list"]], title="Shard sizes (bytes)"
        )
    else:
        by_partition: dict[str, int] = {}
        for s in shards["list"]:
            by_partition[f"{s['split']}/{s['country']}"] = by_partition.get(f"{s['split']}/{s['country']}", 0) + s["bytes"]
        shard_chart = bar_chart(sorted(by_partition.items(), key=lambda kv: -kv[1]), title="Bytes per partition")
    inputs = "".join(f"<li><code>{escape(n)}</code> at Delta version <b>{escape(str(v['delta_version']))}</b></li>" for n, v in fig["inputs"].items())
    geo = fig["geo_rules"]
    reconciled = c["kept"] + c["excluded"] + c["quarantined"]
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
&middot; code {escape(fig["code_version"])} &middot; key fingerprint <code>{escape(fig["key_fingerprint"])}</code></p>

<section id="summary">
<div class="tiles">
<div class="tile"><b data-figure="posts_read">{c["posts_read"]:,}</b><span>posts read</span></div>
<div class="tile"><b data-figure="kept">{c["kept"]:,}</b><span>kept, in shards</span></div>
<div class="tile"><b data-figure="excluded">{c["excluded"]:,}</b><span>excluded, in the ledger</span></div>
<div class="tile"><b data-figure="quarantined">{c["quarantined"]:,}</b><span>quarantined as invalid</span></div>
</div>
<p>Reconciliation: {c["kept"]:,} + {c["excluded"]:,} + {c["quarantined"]:,} = {reconciled:,}
{"matches" if fig["reconciled"] else "<b>does not match</b>"} the {c["posts_read"]:,} posts read.
Data-quality gate: <a href="#quality">{"passed" if passed else "FAILED"}</a>.</p>
</section>

<section id="quality"><h2>Data quality</h2>
<p>Gate: {status} {q["evaluated"] - q["failed"]} of {q["evaluated"]} expectations met, in {len(suite_rows)} suites.</p>
{failures_html}
{_table(["suite", "expectations", "failed", "result"], suite_rows, cls="suites")}
{docs_link}
<details id="all-expectations"{"" if passed else " open"}><summary>Every expectation, with why it matters</summary>
<table class="expectations"><thead><tr><th>suite</th><th>expectation</th><th>column</th><th>result</th><th>detail</th><th>why it matters</th></tr></thead>
<tbody>{"".join(expectation_rows)}</tbody></table>
</details>
</section>

<section id="exclusions"><h2>Where the posts went</h2>
<p class="note">Each post has exactly one destination: kept in the shards, excluded with the first rule it failed (ledger), or quarantined as invalid.</p>
{bar_chart(went, title="Posts by destination and exclusion reason")}
{_table(["reason", "posts"], [[r, n] for r, n in reasons], figure="by_reason")}
</section>

{_dedup_section(fig["dedup"])}

<section id="countries"><h2>Countries and splits</h2>
<p class="note">Only countries with a geo rule in effect at the cut-off may appear ({escape(", ".join(geo.get("countries_in_effect", [])) or "none")}).</p>
{stacked_bar_chart([(k, v) for k, v in countries], splits, title="Kept posts by country and split")}
<div class="two">
{_table(["country"] + splits + ["total"], [[k] + [v.get(s, 0) for s in splits] + [sum(v.values())] for k, v in countries], figure="by_country")}
{_table(["split", "posts"], [[s, n] for s, n in fig["by_split"].items()], figure="by_split")}
</div>
</section>

<section id="languages"><h2>Languages</h2>
<p class="note">By primary language subtag as the platform tagged it; <code>und</code> = no tag.</p>
{bar_chart(langs[:20], title="Kept posts by language", color="#5a9e6f")}
{_table(["language", "posts"], [[k, v] for k, v in langs], figure="by_lang")}
</section>

<section id="pii"><h2>PII redactions</h2>
<p class="note">Spans replaced by a typed placeholder in the kept posts, by type.</p>
{bar_chart(pii, title="Redactions by PII type", color="#b5534a")}
{_table(["type", "redactions"], [[k, v] for k, v in pii], figure="pii_redactions")}
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
<li>geo rules version <b>{escape(str(geo.get("version", "")))}</b>, SHA-256 <code>{escape(str(geo.get("sha256", ""))[:16])}…</code></li>
<li>detectors SHA-256 <code>{escape(str(fig.get("detectors_sha256") or "")[:16])}…</code></li></ul>
</section>
</main></body></html>
"""


def write_report(out_dir: Path, manifest: dict) -> Path:
    """Write ``index.html`` and ``report.json`` into ``out_dir``; the page's path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fig = figures(manifest)
    (out_dir / REPORT_JSON).write_text(json.dumps(fig, indent=2, default=str) + "\n")
    page = out_dir / REPORT_HTML
    page.write_text(render_html(fig), encoding="utf-8")
    return page
