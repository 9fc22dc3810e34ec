"""The snapshot manifest: what a snapshot holds and how it was made. Written last; its presence marks a complete snapshot.

``Manifest`` is the typed form of ``manifest.json``: shard files, counts, provenance (the run identity and where
the inputs came from) and the purge history are typed; the blocks other parts of the project own (the gate's
``quality``, the ``publication`` checks, ``pii_recall``, ``previous``, ``timings_s``, ``dedup``) are kept as the
dicts they give. ``to_dict`` writes the keys and values ``manifest.json`` always had, in the same order; keys an
older or newer manifest holds that this code does not know are kept as read (``extra``, written after the known
ones), and a key an older manifest lacks stays absent when it is written back.

>>> m = Manifest.read(snapshot_dir)             # SnapshotError / ManifestError when it cannot be read
>>> m.counts.kept, [s.path for s in m.shards][:1]
>>> problems = m.verify(snapshot_dir)           # files missing, changed, or listed by no revision
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from postcurate.errors import EXIT_QUALITY_GATE_FAILED, PostcurateError
from postcurate.snapshot import layout
from postcurate.snapshot.files import atomic_write, sha256_file


class SnapshotError(PostcurateError):
    """A snapshot cannot be found or opened (no LATEST, no manifest, unreadable manifest file, bad selection). Exit 2."""


class ManifestError(SnapshotError):
    """A snapshot's manifest is not valid JSON or not a postcurate manifest: the published snapshot is damaged.

    Exit 4, as a failed quality check (a missing snapshot is the user's mistake, exit 2; a damaged one is not)."""

    exit_code = EXIT_QUALITY_GATE_FAILED


_NOT_KEYS = ("extra", "absent")
_R = TypeVar("_R", bound="_Record")


class _Record:
    """A dataclass written as a JSON object: its fields in order, then ``extra`` (keys it does not know) as read.

    A field that is None is left out, unless it is one the run always writes (``_WRITTEN_WHEN_NONE``, e.g. a shard's
    ``country``) and it was not absent from what was read (``absent``): an older file keeps the keys it had."""

    extra: dict[str, Any]
    absent: frozenset[str]
    _WRITTEN_WHEN_NONE: tuple[str, ...] = ()

    if TYPE_CHECKING:  # every subclass is a dataclass, whose own __init__ takes its fields

        def __init__(self, **values: Any) -> None: ...

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            if f.name in _NOT_KEYS:
                continue
            value = getattr(self, f.name)
            if f.name in self.absent and value == _default(f):
                continue  # absent when read, untouched since
            if value is None and f.name not in self._WRITTEN_WHEN_NONE:
                continue
            out[f.name] = _plain(value)
        return out | self.extra

    @classmethod
    def from_dict(cls: type[_R], raw: dict[str, Any]) -> _R:
        known = {f.name for f in fields(cls)} - set(_NOT_KEYS)  # type: ignore[arg-type]
        return cls(
            **{k: v for k, v in raw.items() if k in known},
            extra={k: v for k, v in raw.items() if k not in known},
            absent=frozenset(known - set(raw)),
        )


def _default(f: dataclasses.Field) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None if f.default is dataclasses.MISSING else f.default


def _plain(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class ShardFile(_Record):
    """One Parquet file of a snapshot: its path in the snapshot, partition, rows (from the footer), bytes, SHA-256."""

    path: str
    split: str | None = None
    country: str | None = None  # None only for the zero-row file of a snapshot with no rows
    rows: int = 0
    bytes: int = 0
    sha256: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    absent: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    _WRITTEN_WHEN_NONE = ("split", "country")

    @classmethod
    def describe(cls, shards_dir: Path, path: Path) -> ShardFile:
        """The entry of the file ``path`` under ``shards_dir`` (the snapshot's ``shards/``)."""
        import pyarrow.parquet as pq

        rel = Path(path).relative_to(shards_dir)
        partition = dict(part.split("=", 1) for part in rel.parts[:-1])
        return cls(
            path=str(Path(layout.SHARDS) / rel),
            split=partition.get("split"),
            country=partition.get("country"),
            rows=pq.read_metadata(path).num_rows,
            bytes=Path(path).stat().st_size,
            sha256=sha256_file(path),
        )

    @property
    def partition_country(self) -> str | None:
        """The country of the file: its entry's, else its folder's (older manifests name it only in the path)."""
        if self.country:
            return self.country
        for part in Path(self.path).parts:
            if part.startswith("country="):
                return part.split("=", 1)[1]
        return None


def describe_shards(shards_dir: Path) -> list[ShardFile]:
    """Every shard file under ``shards_dir``, in path order."""
    return [ShardFile.describe(shards_dir, path) for path in sorted(Path(shards_dir).rglob("*.parquet"))]


def tally(shards: list[ShardFile], key: str) -> dict:
    """Rows by ``key`` (``split`` or ``country``). The zero-row files of an empty snapshot sit in a split's folder
    but no country's: they count as the split's (with no row) and as no country."""
    out: dict = {}
    for s in shards:
        value = getattr(s, key)
        if value is not None:
            out[value] = out.get(value, 0) + s.rows
    return dict(sorted(out.items()))


def by_country_split(shards: list[ShardFile]) -> dict:
    """Rows by country, then split (the zero-row files of an empty snapshot are in none)."""
    out: dict = {}
    for s in shards:
        if s.country is not None:
            cell = out.setdefault(s.country, {})
            cell[s.split] = cell.get(s.split, 0) + s.rows
    return {c: dict(sorted(v.items())) for c, v in sorted(out.items())}


@dataclass
class Counts(_Record):
    """Where the posts read went (``posts_read = kept + excluded + quarantined``) and how the kept rows spread.

    Fields an older manifest lacks are None (and stay absent when it is written back)."""

    posts_read: int | None = None
    kept: int | None = None
    excluded: int | None = None
    quarantined: int | None = None
    by_reason: dict[str, int] | None = None
    quarantine_by_check: dict[str, int] | None = None
    by_country: dict[str, int] | None = None
    by_split: dict[str, int] | None = None
    by_country_split: dict[str, dict[str, int]] | None = None
    by_lang: dict[str, int] | None = None
    purged: dict[str, int] | None = None  # rows purges removed after publication, by reason
    extra: dict[str, Any] = field(default_factory=dict)
    absent: frozenset[str] = field(default=frozenset(), repr=False, compare=False)


# The purge's first manifests named their reasons in words of their own; the ledger's (the contract's) are the words.
_OLD_PURGE_REASONS = {"objection": "objected"}


def purge_reason(word: str) -> tuple[str, str | None]:
    """A reason a purge recorded, in the contract's words, with the country of a geo block: ``("objected", None)``,
    ``("geo_blocked", "GB")``. Reads the older words too (``objection``, ``hold:GB``)."""
    if word.startswith("hold:"):
        return "geo_blocked", word.split(":", 1)[1] or None
    return _OLD_PURGE_REASONS.get(word, word), None


@dataclass
class PurgeEntry(_Record):
    """One purge of a snapshot, as its manifest's ``purges`` history keeps it (with the purge's provenance)."""

    purge_id: str | None = None
    revision: int | None = None
    purged_at: str | None = None
    rows_removed: dict[str, int] = field(default_factory=dict)  # reason -> rows (``purge_reason`` reads old words)
    shards: list[dict[str, Any]] = field(default_factory=list)  # per replaced or dropped shard: path, reason, rows...
    replaced: list[str] = field(default_factory=list)  # the shard files this revision replaced (kept until retain_until)
    retain_until: str | None = None
    ledger_files: list[str] = field(default_factory=list)
    previous_manifest_sha256: str | None = None
    objections_version: int | None = None
    geo_rules_sha256: str | None = None
    key_fingerprint: str | None = None
    code_version: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    absent: frozenset[str] = field(default=frozenset(), repr=False, compare=False)


@dataclass
class Manifest(_Record):
    """A snapshot's manifest (see the module's docstring). Build one with ``Manifest.build`` or ``Manifest.read``."""

    snapshot_id: str | None = None
    run_id: str | None = None
    as_of: str | None = None  # ISO, with the zone
    created_at: str | None = None
    code_version: str | None = None
    code_commit: str | None = None  # "<sha>", "<sha>-dirty" or "unknown"
    inputs: dict[str, dict[str, Any]] | None = None  # name -> {"path", "delta_version"}
    geo_rules: dict[str, Any] | None = None  # path, version, sha256, countries_in_effect
    detectors_sha256: str | None = None
    pii_recall: dict[str, Any] | None = None  # postcurate.report.recall.for_detectors
    settings: dict[str, Any] | None = None  # {"rules": ..., "output": ...}
    key_fingerprint: str | None = None
    counts: Counts | None = None
    pii_redactions: dict[str, int] | None = None
    dedup: dict[str, Any] | None = None  # rule 10's figures (postcurate.dedup.cluster_sizes and enabled)
    mode: str | None = None  # "full" or "incremental" (postcurate.incremental)
    mode_info: dict[str, Any] | None = None  # why, and for an incremental build its base snapshot and posts decided again
    removed: dict[str, int] | None = None  # posts that left the shards since the previous snapshot (removed/), by reason
    removed_since: dict[str, Any] | None = None  # the snapshot and revision removed/ is counted from (snapshot_id, revision)
    shards: list[ShardFile] = field(default_factory=list)
    previous: dict[str, Any] | None = None  # postcurate.report.previous_summary of the snapshot this one follows
    publication: dict[str, Any] | None = None  # the publication checks' inputs and verdict
    quality: dict[str, Any] | None = None  # the gate's results
    timings_s: dict[str, float] | None = None
    revision: int | None = None  # absent until a purge: revision 0
    revised_at: str | None = None
    author_index: str | None = None
    purges: list[PurgeEntry] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    absent: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Manifest:
        m = super().from_dict(raw)
        if isinstance(m.counts, dict):
            m.counts = Counts.from_dict(m.counts)
        elif m.counts is not None:  # not a postcurate counts block: kept as it was
            m.extra["counts"], m.counts = m.counts, None
        m.shards = [ShardFile.from_dict(s) if isinstance(s, dict) else s for s in (m.shards or [])]
        if isinstance(m.purges, list):
            m.purges = [PurgeEntry.from_dict(p) for p in m.purges if isinstance(p, dict)]
        return m

    @classmethod
    def build(cls, identity, *, snapshot_id: str, run_id: str, created_at, code_commit: str, geo, geo_rules_path, settings: dict,
              countries_in_effect: list[str], pii_recall: dict, counts: Counts, stats: dict, shards: list[ShardFile],
              dedup: dict | None = None) -> Manifest:
        """The manifest of a staged snapshot (the run adds ``previous``, ``publication``, ``quality`` and ``timings_s``).

        ``identity``: the run's ``RunIdentity``; ``stats``: ``postcurate.shards.shard_stats`` of the shard rows."""
        counts = dataclasses.replace(
            counts,
            by_country=tally(shards, "country"),
            by_split=tally(shards, "split"),
            by_country_split=stats["by_country_split"],
            by_lang=stats["by_lang"],
        )
        return cls(
            snapshot_id=snapshot_id,
            run_id=run_id,
            as_of=identity.as_of.isoformat(),
            created_at=created_at.isoformat(),
            code_version=identity.code_version,
            code_commit=code_commit,
            inputs={name: {"path": identity.paths[name], "delta_version": version} for name, version in identity.versions.items()},
            geo_rules={"path": str(geo_rules_path), "version": geo.version, "sha256": identity.geo_rules_sha256, "countries_in_effect": sorted(countries_in_effect)},
            detectors_sha256=identity.detectors_sha256,
            pii_recall=pii_recall,
            settings=settings,
            key_fingerprint=identity.key_fingerprint,
            counts=counts,
            pii_redactions=dict(sorted(stats["pii_totals"].items())),
            dedup=dedup if dedup is not None else {"enabled": bool(((settings or {}).get("dedup") or {}).get("enabled"))},
            shards=shards,
        )

    _WRITTEN_WHEN_NONE = ("previous",)  # null for the first snapshot of an output root

    def after_purge(self, entry: PurgeEntry, shards: list[ShardFile], *, index_name: str, pii_removed: dict[str, int], langs_removed: dict[str, int]) -> Manifest:
        """The next revision: the new shard list, counts that still reconcile, and ``entry`` added to the history.

        Purged posts move from kept to excluded under their reason (the ledger gets their rows), so
        ``posts_read = kept + excluded + quarantined`` still holds. Counts an older manifest lacks stay absent.
        """
        m = Manifest.from_dict(json.loads(self.to_json()))  # a deep copy
        m.shards = list(shards)
        m.revision, m.revised_at, m.author_index = entry.revision, entry.purged_at, index_name
        m.purges = m.history + [entry]
        removed = {purge_reason(word)[0]: 0 for word in entry.rows_removed}
        for word, n in entry.rows_removed.items():
            removed[purge_reason(word)[0]] += n
        c = m.counts
        if c is not None:
            if _int(c.kept) is not None:
                c.kept = sum(s.rows for s in shards)
            if (excluded := _int(c.excluded)) is not None:
                c.excluded = excluded + sum(removed.values())
            if isinstance(c.by_reason, dict):
                for reason in ("objected", "geo_blocked"):
                    c.by_reason[reason] = c.by_reason.get(reason, 0) + removed.get(reason, 0)
            if isinstance(c.by_country, dict):
                c.by_country = tally(shards, "country")
            if isinstance(c.by_split, dict):
                c.by_split = tally(shards, "split")
            if isinstance(c.by_country_split, dict):
                c.by_country_split = by_country_split(shards)
            if isinstance(c.by_lang, dict):
                left = {k: v - langs_removed.get(k, 0) for k, v in c.by_lang.items() if v - langs_removed.get(k, 0) > 0}
                c.by_lang = dict(sorted(left.items(), key=lambda kv: (-kv[1], kv[0])))
            purged: dict[str, int] = {}
            for word, n in list((c.purged or {}).items()) + list(removed.items()):
                reason = purge_reason(word)[0]
                purged[reason] = purged.get(reason, 0) + n
            c.purged = dict(sorted(purged.items()))
        if isinstance(m.pii_redactions, dict):
            m.pii_redactions = {k: v - pii_removed.get(k, 0) for k, v in m.pii_redactions.items() if v - pii_removed.get(k, 0) > 0}
        return m

    # -- reading and writing -----------------------------------------------------------------------------------
    @classmethod
    def read(cls, folder: str | Path) -> Manifest:
        """The manifest of the snapshot in ``folder`` (``read_json``, then typed)."""
        return cls.from_dict(read_json(folder))

    def write(self, folder: str | Path, name: str = layout.MANIFEST) -> Path:
        """Write the manifest into ``folder`` atomically and durably (``files.atomic_write``)."""
        return atomic_write(Path(folder) / name, self.to_json())

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=str) + "\n"

    # -- what it says ------------------------------------------------------------------------------------------
    @property
    def current_revision(self) -> int:
        """A manifest that never went through a purge is revision 0."""
        return self.revision if isinstance(self.revision, int) and self.revision >= 0 else 0

    @property
    def kept(self) -> int:
        """Rows kept: the counts' figure, else the sum of the shards' rows (a manifest with no counts)."""
        kept = _int(self.counts.kept) if self.counts else None
        return kept if kept is not None else sum(int(s.rows or 0) for s in self.shards)

    @property
    def history(self) -> list[PurgeEntry]:
        return list(self.purges or [])

    def identity(self):
        """The ``RunIdentity`` this snapshot was built with."""
        from postcurate.snapshot.identity import RunIdentity

        return RunIdentity.from_manifest(self)

    def expected_files(self) -> set[str]:
        """Every shard file the snapshot folder may hold: those the current revision lists, and those earlier revisions
        listed and a purge replaced (they stay for readers of those revisions until the purge's ``retain_until``).

        The current ``purges`` history is enough: each revision's files are the previous revision's, minus what it
        replaced, plus its new files, so every file any revision listed is current or was replaced once.
        """
        listed = {str(s.path) for s in self.shards}
        for entry in self.history:
            listed.update(str(p) for p in entry.replaced or [])
        return listed

    def unlisted_files(self, folder: str | Path) -> list[str]:
        """One line per file under ``shards/`` that no revision lists; empty when there is none."""
        folder = Path(folder)
        expected = self.expected_files()
        purge_ids = {entry.purge_id for entry in self.history}
        problems = []
        for path in sorted(p for p in (folder / layout.SHARDS).rglob("*") if p.is_file()):
            rel = str(path.relative_to(folder))
            if rel in expected:
                continue
            interrupted = (m := layout.PURGE_FILE.match(path.name)) is not None and m.group(1) not in purge_ids
            hint = " (left by an interrupted purge: `postcurate purge --gc` removes it)" if interrupted else ""
            problems.append(f"{rel}: shard file not listed in the manifest or in its purge history{hint}")
        return problems

    def verify(self, folder: str | Path) -> list[str]:
        """What in ``folder`` does not match the manifest: missing or changed shard files, and files no revision lists.
        Empty when all is well. Messages name files (by their path in the snapshot) and sizes, never their contents."""
        folder = Path(folder)
        problems = []
        for entry in sorted(self.shards, key=lambda s: s.path):
            path = folder / entry.path
            if not path.is_file():
                problems.append(f"{entry.path}: listed in the manifest but missing")
                continue
            size = path.stat().st_size
            if size != entry.bytes:
                problems.append(f"{entry.path}: {size} bytes, manifest says {entry.bytes}")
            elif sha256_file(path) != entry.sha256:
                problems.append(f"{entry.path}: SHA-256 differs from the manifest")
        return problems + self.unlisted_files(folder)


def read_json(folder: str | Path) -> dict[str, Any]:
    """The decoded ``manifest.json`` of ``folder``, checked to be a JSON object.

    Raises ``SnapshotError`` (exit 2) when there is none or it cannot be read, ``ManifestError`` (exit 4) when it is
    not valid JSON or not an object: that snapshot is damaged.
    """
    path = Path(folder) / layout.MANIFEST
    try:
        text = path.read_text()
    except OSError as exc:
        raise SnapshotError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}): the snapshot is damaged; do not train on it") from None
    if not isinstance(raw, dict) or ("shards" in raw and not isinstance(raw["shards"], list)):
        raise ManifestError(f"{path} has no 'shards' list; is this a postcurate snapshot? (a damaged manifest: do not train on it)")
    return raw
