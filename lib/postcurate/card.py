"""The dataset card: a ``README.md`` in every snapshot, in the Hugging Face dataset card layout.

It says what the snapshot holds, how it was collected and filtered (the ten rules with their counts, duplicates among them), the consent
and objection process, the geo rules in force at the cut-off, PII handling and its measured recall, and the known
limitations. It is built from the manifest, the rules file and the detectors file only, plus the ``lang`` column
of the shards: no post text and no id (not even a pseudonym) appears on it.

>>> write_card(snapshot_dir, manifest, geo=geo, detectors=detectors)   # the job, right after writing the manifest
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from postcurate.errors import ConfigError
from postcurate.report import recall
from postcurate.snapshot import Counts, Manifest, atomic_write, layout
from postcurate.snapshot.manifest import purge_reason

CARD = layout.CARD

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


def _geo_lines(geo, as_of: dt.datetime, manifest: Manifest) -> list[str]:
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
    recorded = (manifest.geo_rules or {}).get("sha256")
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


def _purge_lines(m: Manifest) -> list[str]:
    """The purges that removed rows after publication (objections and holds that arrived later), one row per reason."""
    if not m.history:
        return []
    lines = [
        "",
        "#### Removed after publication",
        "",
        f"This card describes revision {_n(m.revision)} of the snapshot (`manifest.json`). Objections in effect and "
        "regulators' holds at the time of each purge below removed these rows after the snapshot was published "
        "(`postcurate audit` has every shard):",
        "",
        "| revision | purged at (UTC) | reason | rows removed |",
        "|---:|---|---|---:|",
    ]
    for entry in m.history:
        for word, n in sorted((entry.rows_removed or {}).items()):
            reason, country = purge_reason(word)
            shown = f"`{reason}`" + (f" ({country})" if country else "")
            lines.append(f"| {_n(entry.revision)} | {entry.purged_at or 'n/a'} | {shown} | {_n(n)} |")
    return lines


def _dedup_lines(m: Manifest) -> list[str]:
    """Rule 10 on the card: what counted as a duplicate, how many went, and the clusters by size (counts only)."""
    d = m.dedup or {}
    lines = ["#### Duplicates", ""]
    if not d.get("enabled"):
        return lines + ["Deduplication (rule 10) was off for this snapshot: the same text may appear more than once."]
    s = (m.settings or {}).get("dedup") or {}
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


@dataclass(frozen=True)
class CardFacts:
    """What the card is written from besides the manifest: the rules already loaded and the shards' languages."""

    geo: Any = None  # postcurate.rules.geo.GeoRules, or None when the rules file could not be read
    detector_types: list[str] | None = None
    pii_recall: dict | None = None  # a recall block (postcurate.report.recall); default the manifest's
    languages: dict[str, int] = field(default_factory=dict)

    @property
    def iso_languages(self) -> list[str]:
        return sorted({tag.split("-")[0].lower() for tag in self.languages if tag and tag != "(unknown)"})


def _bytes(m: Manifest, split: str | None = None) -> int:
    return sum(int(s.bytes or 0) for s in m.shards if split is None or s.split == split)


def _counts(m: Manifest) -> Counts:
    return m.counts or Counts()


def _front_matter(m: Manifest, facts: CardFacts) -> list[str]:
    langs = facts.iso_languages
    front = {
        "pretty_name": f"postcurate snapshot {m.snapshot_id or ''}",
        "license": "other",
        "language": langs,
        "multilinguality": "multilingual" if len(langs) > 1 else "monolingual",
        "task_categories": ["text-generation"],
        "task_ids": ["language-modeling"],
        "size_categories": [size_category(int(m.kept))],
        "source_datasets": ["original"],
        "annotations_creators": ["no-annotation"],
        "language_creators": ["found"],
        "tags": ["social-media", "pii-redacted", "pseudonymized", "consent-filtered"],
        "dataset_info": {
            "splits": [{"name": split, "num_examples": int(rows), "num_bytes": _bytes(m, split)} for split, rows in (_counts(m).by_split or {}).items()],
            "dataset_size": _bytes(m),
        },
    }
    return ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---", ""]


def _description(m: Manifest, facts: CardFacts) -> list[str]:
    languages = ", ".join(f"{tag} ({n:,})" for tag, n in sorted(facts.languages.items(), key=lambda kv: (-kv[1], kv[0])))
    return [
        f"# Dataset Card for postcurate snapshot `{m.snapshot_id or ''}`",
        "",
        "## Dataset Description",
        "",
        f"Public posts and comments from the platform's Facebook and Instagram dumps, as of **{m.as_of}**, "
        "filtered for consent, age and jurisdiction, with personal data redacted and ids replaced by keyed pseudonyms, "
        "for training language models.",
        "",
        f"- **Snapshot:** `{m.snapshot_id or ''}` (cut-off {m.as_of}, built {m.created_at or 'n/a'}, postcurate {m.code_version or 'n/a'})",
        f"- **Rows:** {_n(m.kept)} in {len(m.shards)} Parquet shards, {_n(_bytes(m))} bytes",
        "- **Languages (as tagged by the platform):** " + (languages or "n/a"),
        "- **License:** `other`: the posts remain their authors' and are used under the platform's terms and the legal "
        "bases listed below. Internal training use only; do not redistribute. (To be confirmed by the data owner's legal team.)",
        "- **Estimated tokens, samples:** run `postcurate inspect <this folder>`.",
        "",
    ]


def _structure(m: Manifest) -> list[str]:
    from postcurate import schemas

    lines = [
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
    ]
    for column in schemas.load("shard").columns:
        doc = column.doc or ""
        if column.enum:
            doc = (doc + "; " if doc else "") + "one of " + ", ".join(f"`{v}`" for v in column.enum)
        if column.partition:
            doc += " (partition column: in the folder name, not inside the Parquet file)"
        lines.append(f"| `{column.name}` | `{column.type}` | {doc} |")
    return lines


def _splits(m: Manifest) -> list[str]:
    fraction = ((m.settings or {}).get("output") or {}).get("validation_fraction")
    c = _counts(m)
    return [
        "",
        "### Data Splits",
        "",
        "The split is decided by the author's pseudonym, so all of an author's posts are on the same side"
        + (f" (validation share configured at {fraction:.0%})." if isinstance(fraction, (int, float)) else "."),
        "",
        "| split | rows |",
        "|---|---:|",
        *[f"| {split} | {_n(rows)} |" for split, rows in (c.by_split or {}).items()],
        "",
        "| country (account jurisdiction) | rows |",
        "|---|---:|",
        *[f"| {country} | {_n(rows)} |" for country, rows in (c.by_country or {}).items()],
        "",
    ]


def _creation(m: Manifest) -> list[str]:
    c = _counts(m)
    by_reason = c.by_reason or {}
    return [
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
        *[f"| {name} | {(t or {}).get('delta_version', 'n/a')} |" for name, t in (m.inputs or {}).items()],
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
        f"Posts read: {_n(c.posts_read)}; kept: {_n(c.kept)}; excluded: {_n(c.excluded)}; "
        f"quarantined: {_n(c.quarantined)}. Every post read is in exactly one of these.",
        "",
        *_build_lines(m),
        *_dedup_lines(m),
        "",
    ]


def _build_lines(m: Manifest) -> list[str]:
    """How the snapshot was built (docs/incremental.md) and the posts that left since the previous one."""
    if not m.mode:
        return []
    info = m.mode_info or {}
    if m.mode == "incremental":
        line = f"Built incrementally from snapshot `{info.get('base')}`: {_n(info.get('changed_posts'))} posts decided again, the rest carried over."
    else:
        line = f"Built in full ({info.get('reason', 'no reason recorded')})."
    lines = [line, ""]
    if m.removed is not None:
        left = ", ".join(f"{reason} {_n(n)}" for reason, n in m.removed.items()) or "none"
        lines += [f"Posts that left the shards since the previous snapshot (`removed/`): {left}.", ""]
    return lines


def _consent(m: Manifest) -> list[str]:
    staleness = ((m.settings or {}).get("rules") or {}).get("objections_max_staleness_hours")
    return [
        "#### Consent and objections",
        "",
        "Anyone can object to the use of their content for AI training (settings, form or email); objections with scope "
        "`ai_training` or `all` made at or before the cut-off and not withdrawn by then remove **all** of the author's "
        "content, including posts written before the objection, in every jurisdiction. "
        + (f"The run refuses to build a snapshot if the objections feed is more than {staleness} hours old. " if staleness is not None else "")
        + f"Posts removed by an objection in this snapshot: {_n((_counts(m).by_reason or {}).get('objected'))}. "
        "Objections made after the cut-off are not reflected here: train on the newest snapshot and retire older ones.",
        *_purge_lines(m),
        "",
        "#### Geo rules in force at the cut-off",
        "",
    ]


def _personal_information(m: Manifest, facts: CardFacts) -> list[str]:
    granularity = ((m.settings or {}).get("output") or {}).get("timestamp_granularity", "configured period")
    types = facts.detector_types
    return [
        "",
        "### Personal and Sensitive Information",
        "",
        "- Post text: every detected PII span is replaced by a typed placeholder such as `<EMAIL>`.",
        "- Detectors in force: " + (", ".join(f"`{t}`" for t in types) if types else "n/a")
        + f" (detectors file SHA-256 `{str(m.detectors_sha256 or 'n/a')[:16]}…`). PII of other types is not redacted.",
        "- Redactions in kept rows: " + (", ".join(f"{k} {_n(v)}" for k, v in (m.pii_redactions or {}).items()) or "none recorded") + ".",
        "- `post_pid` and `author_pid` are HMAC-SHA256 pseudonyms under a secret key that is never stored with the data "
        f"(key fingerprint `{m.key_fingerprint or 'n/a'}`); anyone holding the key can link them back.",
        f"- Timestamps are coarsened to the {granularity}; precise location never reaches a shard.",
        "",
        *_recall_lines(facts.pii_recall if facts.pii_recall is not None else recall.recorded(m)),
        "",
    ]


def _limitations(m: Manifest, facts: CardFacts) -> list[str]:
    return [
        "## Considerations for Using the Data",
        "",
        "### Known Limitations",
        "",
        "- PII detection is automatic and imperfect: some personal data may remain. Report any you find "
        "to the data owner; do not try to re-identify anyone.",
        "- The snapshot is a point in time: deletions, privacy changes and objections after the cut-off are not reflected. "
        "Use the newest snapshot and delete superseded ones under your retention policy.",
        "- `country` is the account's jurisdiction, not where a post was written nor its language; `lang` is the platform's "
        f"tag and may be missing ({_n(facts.languages.get('(unknown)', 0))} rows without one).",
        "- Only public posts of adult, active, public accounts in allowed jurisdictions are included: the data is not "
        "representative of all users, countries or languages.",
        "- Pseudonyms are stable only under the same key: do not join pseudonyms across snapshots built with different keys.",
        "- `pii_counts` is an Arrow map, which Hugging Face `datasets` cannot load: select the other columns (see `docs/reading.md`).",
        "",
        "## Additional Information",
        "",
        f"Built by postcurate {m.code_version or 'n/a'} from the manifest of snapshot `{m.snapshot_id or ''}`; "
        "`manifest.json` beside this card is the authoritative record of inputs, settings, rule hashes and checksums.",
        "",
    ]


def render_card(manifest: Manifest | dict, facts: CardFacts | None = None) -> str:
    """The card's Markdown for a snapshot's manifest (typed, or its JSON form), section by section in the Hugging
    Face card's order."""
    manifest = manifest if isinstance(manifest, Manifest) else Manifest.from_dict(manifest)
    facts = facts or CardFacts()
    as_of = dt.datetime.fromisoformat(str(manifest.as_of).replace("Z", "+00:00"))
    sections = [
        _front_matter(manifest, facts),
        _description(manifest, facts),
        _structure(manifest),
        _splits(manifest),
        _creation(manifest),
        _consent(manifest),
        _geo_lines(facts.geo, as_of, manifest),
        _personal_information(manifest, facts),
        _limitations(manifest, facts),
    ]
    return "\n".join(line for section in sections for line in section)


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


def write_card(
    snapshot_dir: str | Path,
    manifest: Manifest | dict,
    *,
    geo=None,
    detectors=None,
    eval_results: str | Path | None = None,
) -> Path:
    """Write the dataset card ``README.md`` into ``snapshot_dir`` (a staged or published snapshot with its manifest).

    ``geo`` and ``detectors``: the rules the run (or the purge) loaded; without them the geo rules are read from the
    path the manifest records, and the detector types are not listed. The measured recall is the one the manifest
    recorded at build time; ``eval_results`` (a file ``postcurate pii-eval --record`` wrote) is read instead when given.
    """
    from postcurate.rules.geo import load_geo_rules

    snapshot_dir = Path(snapshot_dir)
    m = manifest if isinstance(manifest, Manifest) else Manifest.from_dict(manifest)
    geo_path = (m.geo_rules or {}).get("path")
    if geo is None and geo_path:
        try:
            geo = load_geo_rules(geo_path)
        except ConfigError:
            geo = None
    facts = CardFacts(
        geo=geo,
        detector_types=detectors.types if detectors is not None else None,
        pii_recall=recall.for_detectors(m.detectors_sha256, eval_results) if eval_results else None,
        languages=_languages(snapshot_dir),
    )
    # Atomic: a purge rewrites the card of a snapshot readers may be looking at.
    return atomic_write(snapshot_dir / CARD, render_card(m, facts))
