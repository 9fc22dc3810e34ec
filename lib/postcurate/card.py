"""The dataset card: a ``README.md`` in every snapshot, in the Hugging Face dataset card layout.

It says what the snapshot holds, how it was collected and filtered (the ten rules with their counts, duplicates among them), the consent
and objection process, the geo rules in force at the cut-off, PII handling and its measured recall, and the known
limitations. It is built from the manifest, the rules file and the detectors file only, plus the ``lang`` column
of the shards: no post text and no id (not even a pseudonym) appears on it.

>>> write_card(snapshot_dir, manifest, config)   # the job does this right after writing the manifest
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from postcurate.errors import ConfigError
from postcurate.report import recall

CARD = "README.md"

# The contract's rules, in the order they are applied; each post gets the code of the first that applies.
RULES = (
    ("invalid", "The row breaks the schema or its values are unusable (null ids, unknown enum values, bad or future timestamps, over-long text). Sent to quarantine."),
    ("deleted", "The post's latest version is a deletion."),
    ("not_public", "The latest version is not public."),
    ("type_not_allowed", "The post type is not allowed for training (`message` and `story` never are)."),
    ("account_not_eligible", "The author has no account row, or the account is not active, or it is private."),
    ("geo_blocked", "No geo rule allowing training is in force at the cut-off for the account's country (or the country is unknown)."),
    ("age", "Birth date unknown, or the author was younger than the country's minimum age when the post was written."),
    ("objected", "The author has an objection to AI training in effect at the cut-off; it removes all of the author's content."),
    ("empty", "Too little text is left after PII redaction."),
    ("duplicate", "The redacted text is the same as, or a near-duplicate of, a post that is kept (when deduplication is on)."),
)

_SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
                    (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
                    (10_000_000_000, "1B<n<10B"), (100_000_000_000, "10B<n<100B"), (1_000_000_000_000, "100B<n<1T"))


def size_category(rows: int) -> str:
    """The Hugging Face ``size_categories`` bucket for ``rows``."""
    for bound, label in _SIZE_CATEGORIES:
        if rows < bound:
            return label
    return "n>1T"


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else "n/a"


def _recall_lines(block: dict) -> list[str]:
    """The detectors' measured recall as the manifest recorded it (``postcurate.report.recall``), or plainly none."""
    if block.get("status") != recall.MEASURED:
        return [f"Recall of the PII detectors: **{recall.sentence(block)}**."]
    es = block.get("eval_set") or {}
    records = f"{es['records']:,}" if isinstance(es.get("records"), int) else "an unstated number of"
    overall = f"**{block['overall_recall']:.1%}** of labelled PII values removed overall" if block.get("overall_recall") is not None else "no overall figure"
    lines = [
        f"Measured recall of the PII detectors, for the detectors this snapshot used: {overall}. Measured "
        f"{block.get('measured_at') or '(undated)'} on `{es.get('path') or 'an unnamed evaluation set'}` ({records} records, "
        f"SHA-256 `{str(es.get('sha256') or '')[:16]}…`) with code `{str(block.get('code_commit') or 'unknown')[:12]}`.",
        "",
        "| PII type | labelled values | removed | recall |",
        "|---|---:|---:|---:|",
        *[f"| {t} | {_n(r['values'])} | {_n(r['vanished'])} | {r['recall']:.1%} |" for t, r in block["recall"].items()],
    ]
    if block.get("survival"):
        lines += ["", "| look-alike kind (must survive) | values | survived | survival |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {_n(r['values'])} | {_n(r['survived'])} | {r['survival']:.1%} |" for k, r in block["survival"].items()]
    lines += ["", "Recall is measured on the evaluation set, not on this snapshot's posts; real text can be harder."]
    return lines


def _geo_lines(geo, as_of: dt.datetime, manifest: dict) -> list[str]:
    if geo is None:
        return ["The geo rules file could not be read when this card was written; see `geo_rules` in `manifest.json`."]
    in_force = [r for r in geo.rules if r.in_effect(as_of)]
    groups: dict[tuple, list[str]] = {}
    for r in in_force:
        groups.setdefault((r.start, r.end, r.min_age, r.legal_basis, r.source), []).append(r.country)
    lines = [
        f"Rules file version `{geo.version}` (SHA-256 `{geo.sha256[:16]}…`). Training is allowed only for accounts whose "
        f"country has a rule in force at the cut-off ({as_of:%Y-%m-%d}); every other country, and an unknown country, is blocked.",
    ]
    recorded = (manifest.get("geo_rules") or {}).get("sha256")
    if recorded and recorded != geo.sha256:
        lines.append(f"**Warning:** the snapshot was built with rules file SHA-256 `{recorded[:16]}…`, not the file read for this card.")
    lines += ["", "| countries | from | until | min age | legal basis | source |", "|---|---|---|---:|---|---|"]
    for (start, end, age, basis, source), countries in sorted(groups.items(), key=lambda kv: (kv[0][0], sorted(kv[1]))):
        lines.append(f"| {', '.join(sorted(countries))} | {start} | {end or ''} | {age} | {basis} | {source_link(source)} |")
    if not in_force:
        lines.append("| (none) | | | | | |")
    lines += ["", "What each rule encodes and where its facts come from: the project's `docs/geo-rules.md`."]
    return lines


def source_link(source: str) -> str:
    """A rule's source as a Markdown link named by its site, or a plain statement that there is none."""
    if not source:
        return "no source on file"
    host = urlparse(source).netloc.removeprefix("www.") or source
    return f"[{host}]({source})"


def _purge_lines(manifest: dict) -> list[str]:
    """The purges that removed rows after publication (objections and holds that arrived later), one row per reason."""
    purges = [p for p in manifest.get("purges") or [] if isinstance(p, dict)]
    if not purges:
        return []
    lines = [
        "",
        "#### Removed after publication",
        "",
        f"This card describes revision {_n(manifest.get('revision'))} of the snapshot (`manifest.json`). Objections in effect and "
        "regulators' holds at the time of each purge below removed these rows after the snapshot was published "
        "(`postcurate audit` has every shard):",
        "",
        "| revision | purged at (UTC) | reason | rows removed |",
        "|---:|---|---|---:|",
    ]
    for entry in purges:
        for reason, n in sorted((entry.get("rows_removed") or {}).items()):
            lines.append(f"| {_n(entry.get('revision'))} | {entry.get('purged_at', 'n/a')} | `{reason}` | {_n(n)} |")
    return lines


def _dedup_lines(manifest: dict) -> list[str]:
    """Rule 10 on the card: what counted as a duplicate, how many went, and the clusters by size (counts only)."""
    d = manifest.get("dedup") or {}
    lines = ["#### Duplicates", ""]
    if not d.get("enabled"):
        return lines + ["Deduplication (rule 10) was off for this snapshot: the same text may appear more than once."]
    s = (manifest.get("settings") or {}).get("dedup") or {}
    shingle = s.get("shingle") or {}
    lines += [
        "Repeated text is what models memorise and reproduce word for word, and a copied post (a chain message, a "
        "complaint pasted with someone's details) is far more likely to be reproduced than one seen once. Among posts "
        "whose redacted text is the same after normalising case, Unicode forms and spaces, or whose "
        f"{shingle.get('size', 'n/a')}-{str(shingle.get('unit', 'n/a')).rstrip('s')} shingles have a Jaccard similarity of at least "
        f"{s.get('threshold', 'n/a')} (found by MinHash with {s.get('bands', 'n/a')} bands of {s.get('rows', 'n/a')} rows, "
        "each candidate checked exactly), the earliest post is kept and a post goes when it duplicates a post that is kept. "
        f"Removed: {_n(d.get('removed'))} ({_n(d.get('removed_exact'))} exact copies, {_n(d.get('removed_near'))} near-duplicates, "
        f"{_n(d.get('removed_chain'))} from unresolved chains of edits), in {_n(d.get('clusters'))} clusters; "
        f"the largest held {_n(d.get('largest_cluster'))} posts.",
        "",
        "| posts per cluster | clusters | posts |",
        "|---|---:|---:|",
        *[f"| {b['sizes']} | {_n(b['clusters'])} | {_n(b['posts'])} |" for b in d.get("cluster_sizes", [])],
    ]
    return lines


def render_card(
    manifest: dict,
    *,
    geo=None,
    detector_types: list[str] | None = None,
    pii_recall: dict | None = None,
    languages: dict[str, int] | None = None,
) -> str:
    """The card's Markdown for a snapshot's manifest (``geo``: ``postcurate.rules.geo.GeoRules`` or None;
    ``pii_recall``: a recall block as ``postcurate.report.recall.for_detectors`` makes it, default the manifest's)."""
    from postcurate import schemas

    counts = manifest.get("counts") or {}
    by_reason = counts.get("by_reason") or {}
    by_split = counts.get("by_split") or {}
    by_country = counts.get("by_country") or {}
    shards = manifest.get("shards") or []
    kept = counts.get("kept", sum(int(s.get("rows", 0)) for s in shards))
    settings = manifest.get("settings") or {}
    rules_settings = settings.get("rules") or {}
    output_settings = settings.get("output") or {}
    as_of = dt.datetime.fromisoformat(str(manifest["as_of"]).replace("Z", "+00:00"))
    languages = languages or {}
    iso_languages = sorted({tag.split("-")[0].lower() for tag in languages if tag and tag != "(unknown)"})
    snapshot_id = manifest.get("snapshot_id", "")

    front = {
        "pretty_name": f"postcurate snapshot {snapshot_id}",
        "license": "other",
        "language": iso_languages,
        "multilinguality": "multilingual" if len(iso_languages) > 1 else "monolingual",
        "task_categories": ["text-generation"],
        "task_ids": ["language-modeling"],
        "size_categories": [size_category(int(kept))],
        "source_datasets": ["original"],
        "annotations_creators": ["no-annotation"],
        "language_creators": ["found"],
        "tags": ["social-media", "pii-redacted", "pseudonymized", "consent-filtered"],
        "dataset_info": {
            "splits": [
                {
                    "name": split,
                    "num_examples": int(rows),
                    "num_bytes": sum(int(s.get("bytes", 0)) for s in shards if s.get("split") == split),
                }
                for split, rows in by_split.items()
            ],
            "dataset_size": sum(int(s.get("bytes", 0)) for s in shards),
        },
    }
    out: list[str] = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---", ""]
    add = out.extend

    add([
        f"# Dataset Card for postcurate snapshot `{snapshot_id}`",
        "",
        "## Dataset Description",
        "",
        f"Public posts and comments from the platform's Facebook and Instagram dumps, as of **{manifest['as_of']}**, "
        "filtered for consent, age and jurisdiction, with personal data redacted and ids replaced by keyed pseudonyms, "
        "for training language models.",
        "",
        f"- **Snapshot:** `{snapshot_id}` (cut-off {manifest['as_of']}, built {manifest.get('created_at', 'n/a')}, "
        f"postcurate {manifest.get('code_version', 'n/a')})",
        f"- **Rows:** {_n(kept)} in {len(shards)} Parquet shards, {_n(sum(int(s.get('bytes', 0)) for s in shards))} bytes",
        "- **Languages (as tagged by the platform):** "
        + (", ".join(f"{tag} ({n:,})" for tag, n in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))) or "n/a"),
        "- **License:** `other`: the posts remain their authors' and are used under the platform's terms and the legal "
        "bases listed below. Internal training use only; do not redistribute. (To be confirmed by the data owner's legal team.)",
        "- **Estimated tokens, samples:** run `postcurate inspect <this folder>`.",
        "",
        "## Dataset Structure",
        "",
        "```",
        "manifest.json                              every shard with rows, bytes, SHA-256; counts; inputs; rules hash",
        "shards/split=<train|validation>/country=<CC>/part-*.parquet",
        "ledger/                                    excluded posts: pseudonymous ids and reason codes (audit only, not training data)",
        "quarantine/                                unusable rows: pseudonymous ids and why (audit only)",
        "README.md                                  this card",
        "```",
        "",
        "Read the shards listed in `manifest.json` (not a folder glob) and check their SHA-256: `postcurate.reader` does both. "
        "Recipes for pyarrow, pandas, DuckDB, Polars and Hugging Face `datasets` are in the project's `docs/reading.md`.",
        "",
        "### Data Fields",
        "",
        "| field | type | description |",
        "|---|---|---|",
    ])
    for column in schemas.load("shard").columns:
        doc = column.doc or ""
        if column.enum:
            doc = (doc + "; " if doc else "") + "one of " + ", ".join(f"`{v}`" for v in column.enum)
        if column.partition:
            doc += " (partition column: in the folder name, not inside the Parquet file)"
        add([f"| `{column.name}` | `{column.type}` | {doc} |"])
    fraction = output_settings.get("validation_fraction")
    add([
        "",
        "### Data Splits",
        "",
        "The split is decided by the author's pseudonym, so all of an author's posts are on the same side"
        + (f" (validation share configured at {fraction:.0%})." if isinstance(fraction, (int, float)) else "."),
        "",
        "| split | rows |",
        "|---|---:|",
        *[f"| {split} | {_n(rows)} |" for split, rows in by_split.items()],
        "",
        "| country (account jurisdiction) | rows |",
        "|---|---:|",
        *[f"| {country} | {_n(rows)} |" for country, rows in by_country.items()],
        "",
        "## Dataset Creation",
        "",
        "### Curation Rationale",
        "",
        "To train models on public conversation while keeping only what the people who wrote it may be expected to allow: "
        "public posts of adult account holders in jurisdictions where training is allowed, who have not objected, "
        "with personal data removed.",
        "",
        "### Source Data",
        "",
        "Three Delta tables, each read at a pinned version (the latest state of every post and account at the cut-off):",
        "",
        "| table | Delta version |",
        "|---|---:|",
        *[f"| {name} | {(t or {}).get('delta_version', 'n/a')} |" for name, t in (manifest.get("inputs") or {}).items()],
        "",
        "#### Data Collection and Processing",
        "",
        "Every post is kept only if all ten rules hold; otherwise it is excluded with exactly one reason, the first "
        "that applies, in this order:",
        "",
        "| # | reason | rule | posts |",
        "|---:|---|---|---:|",
        *[f"| {i} | `{code}` | {text} | {_n(by_reason.get(code))} |" for i, (code, text) in enumerate(RULES, start=1)],
        "",
        f"Posts read: {_n(counts.get('posts_read'))}; kept: {_n(counts.get('kept'))}; excluded: {_n(counts.get('excluded'))}; "
        f"quarantined: {_n(counts.get('quarantined'))}. Every post read is in exactly one of these.",
        "",
        *_dedup_lines(manifest),
        "",
        "#### Consent and objections",
        "",
        "Anyone can object to the use of their content for AI training (settings, form or email); objections with scope "
        "`ai_training` or `all` made at or before the cut-off and not withdrawn by then remove **all** of the author's "
        "content, including posts written before the objection, in every jurisdiction. "
        + (
            f"The run refuses to build a snapshot if the objections feed is more than {rules_settings['objections_max_staleness_hours']} hours old. "
            if rules_settings.get("objections_max_staleness_hours") is not None
            else ""
        )
        + f"Posts removed by an objection in this snapshot: {_n(by_reason.get('objected'))}. "
        "Objections made after the cut-off are not reflected here: train on the newest snapshot and retire older ones.",
        *_purge_lines(manifest),
        "",
        "#### Geo rules in force at the cut-off",
        "",
        *_geo_lines(geo, as_of, manifest),
        "",
        "### Personal and Sensitive Information",
        "",
        "- Post text: every detected PII span is replaced by a typed placeholder such as `<EMAIL>`.",
        "- Detectors in force: " + (", ".join(f"`{t}`" for t in detector_types) if detector_types else "n/a")
        + f" (detectors file SHA-256 `{str(manifest.get('detectors_sha256', 'n/a'))[:16]}…`). PII of other types is not redacted.",
        "- Redactions in kept rows: "
        + (", ".join(f"{k} {_n(v)}" for k, v in (manifest.get("pii_redactions") or {}).items()) or "none recorded")
        + ".",
        "- `post_pid` and `author_pid` are HMAC-SHA256 pseudonyms under a secret key that is never stored with the data "
        f"(key fingerprint `{manifest.get('key_fingerprint', 'n/a')}`); anyone holding the key can link them back.",
        f"- Timestamps are coarsened to the {output_settings.get('timestamp_granularity', 'configured period')}; precise location never reaches a shard.",
        "",
        *_recall_lines(pii_recall if pii_recall is not None else recall.recorded(manifest)),
        "",
        "## Considerations for Using the Data",
        "",
        "### Known Limitations",
        "",
        "- PII detection is automatic and imperfect: some personal data may remain. Report any you find "
        "to the data owner; do not try to re-identify anyone.",
        "- The snapshot is a point in time: deletions, privacy changes and objections after the cut-off are not reflected. "
        "Use the newest snapshot and delete superseded ones under your retention policy.",
        "- `country` is the account's jurisdiction, not where a post was written nor its language; `lang` is the platform's "
        f"tag and may be missing ({_n(languages.get('(unknown)', 0))} rows without one).",
        "- Only public posts of adult, active, public accounts in allowed jurisdictions are included: the data is not "
        "representative of all users, countries or languages.",
        "- Pseudonyms are stable only under the same key: do not join pseudonyms across snapshots built with different keys.",
        "- `pii_counts` is an Arrow map, which Hugging Face `datasets` cannot load: select the other columns (see `docs/reading.md`).",
        "",
        "## Additional Information",
        "",
        f"Built by postcurate {manifest.get('code_version', 'n/a')} from the manifest of snapshot `{snapshot_id}`; "
        "`manifest.json` beside this card is the authoritative record of inputs, settings, rule hashes and checksums.",
        "",
    ])
    return "\n".join(out)


def _detector_types(path: Path | None) -> list[str] | None:
    try:
        raw = yaml.safe_load(Path(path).read_text()) if path else None
    except (OSError, yaml.YAMLError):
        return None
    detectors = (raw or {}).get("detectors") if isinstance(raw, dict) else None
    if not isinstance(detectors, dict):
        return None
    return [name for name, spec in detectors.items() if (spec or {}).get("enabled", True)]


def _languages(snapshot_dir: Path) -> dict[str, int]:
    import pyarrow.compute as pc

    from postcurate.reader import open_snapshot

    counts: dict[str, int] = {}
    # Only the `lang` column is read; checksums were computed from these very files moments ago.
    for batch in open_snapshot(snapshot_dir).batches(columns=["lang"], verify=False):
        for entry in pc.value_counts(batch.column("lang")).to_pylist():
            key = entry["values"] or "(unknown)"
            counts[key] = counts.get(key, 0) + entry["counts"]
    return counts


def write_card(snapshot_dir: str | Path, manifest: dict, config=None, *, eval_results: str | Path | None = None) -> Path:
    """Write the dataset card ``README.md`` into ``snapshot_dir`` (a staged or published snapshot with its manifest).

    The measured recall is the one the manifest recorded at build time; ``eval_results`` (a recall file, as
    ``postcurate pii-eval --record`` writes it) is read instead when given.
    """
    from postcurate.rules.geo import load_geo_rules

    snapshot_dir = Path(snapshot_dir)
    rules_path = getattr(config, "geo_rules", None) or (manifest.get("geo_rules") or {}).get("path")
    try:
        geo = load_geo_rules(rules_path) if rules_path else None
    except ConfigError:
        geo = None
    detectors_path = getattr(config, "detectors", None)
    text = render_card(
        manifest,
        geo=geo,
        detector_types=_detector_types(detectors_path),
        pii_recall=recall.for_detectors(manifest.get("detectors_sha256"), eval_results) if eval_results else None,
        languages=_languages(snapshot_dir),
    )
    target = snapshot_dir / CARD
    # Atomic (temp file + rename): a purge rewrites the card of a snapshot readers may be looking at.
    tmp = snapshot_dir / f".{CARD}.tmp"
    tmp.write_text(text)
    os.replace(tmp, target)
    return target
