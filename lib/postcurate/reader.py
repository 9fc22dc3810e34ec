"""Read a published snapshot without Spark: open it by its manifest, check every shard's SHA-256, filter, split by rank.

A snapshot is ``<output_root>/snapshots/<snapshot_id>/`` with a ``manifest.json`` listing every shard (path, split,
country, rows, bytes, sha256). The manifest is the only list of shards a reader should trust: files in the folder
that it does not name are not part of the snapshot.

>>> from postcurate.reader import open_snapshot
>>> snap = open_snapshot("var/out")                        # the output root: its LATEST snapshot
>>> mine = snap.select(split="train").for_rank(rank, world_size)
>>> for batch in mine.batches(columns=["text", "lang"]):    # checksums are verified before any row is yielded
...     train_on(batch)
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from postcurate.errors import EXIT_QUALITY_GATE_FAILED, PostcurateError
from postcurate.snapshot import layout
from postcurate.snapshot.layout import LATEST, MANIFEST
from postcurate.snapshot.manifest import (
    Manifest,
    ManifestError,
    SnapshotError,
    read_json,
)

__all__ = ["ChecksumError", "ManifestError", "Shard", "Snapshot", "SnapshotError", "open_snapshot", "read_manifest", "removals", "summarize"]

SPLITS = ("train", "validation")
# Hive partition columns: in the shard schema, but stored in the folder names rather than in the Parquet files.
PARTITION_COLUMNS = ("split", "country")


class ChecksumError(PostcurateError):
    """A snapshot's files are not what its manifest promised: a shard missing, truncated, changed or unreadable, or a
    shard file that no revision of the manifest lists. Do not train on it. Exit 4, as a failed quality check."""

    exit_code = EXIT_QUALITY_GATE_FAILED


@dataclass(frozen=True)
class Shard:
    """One Parquet file of a snapshot, as the manifest describes it."""

    path: str  # relative to the snapshot folder, e.g. "shards/split=train/country=GB/part-00000.parquet"
    split: str
    country: str | None  # None only for the zero-row file of a snapshot with no rows (see docs/reading.md)
    rows: int
    bytes: int
    sha256: str
    file: Path  # absolute location on disk

    def read_verified(self) -> builtins.bytes:  # the field ``bytes`` hides the type in the class body
        """The file's bytes, after checking their size and SHA-256 against the manifest (raises ``ChecksumError``)."""
        try:
            data = self.file.read_bytes()
        except FileNotFoundError:
            raise ChecksumError(f"shard {self.path} is missing from the snapshot folder") from None
        if len(data) != self.bytes:
            raise ChecksumError(f"shard {self.path} is {len(data)} bytes, the manifest says {self.bytes}: the file is truncated or changed")
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.sha256:
            raise ChecksumError(f"shard {self.path} fails its checksum: SHA-256 {digest}, the manifest says {self.sha256}")
        return data


@dataclass(frozen=True)
class Snapshot:
    """A published snapshot (or a selection of its shards). Build one with ``open_snapshot``."""

    path: Path
    manifest: dict
    shards: tuple[Shard, ...] = field(default=())

    @property
    def snapshot_id(self) -> str:
        return str(self.manifest.get("snapshot_id", self.path.name))

    @property
    def as_of(self) -> str | None:
        return self.manifest.get("as_of")

    @property
    def rows(self) -> int:
        """Rows in the selected shards, from the manifest (no file is read)."""
        return sum(s.rows for s in self.shards)

    @property
    def bytes(self) -> int:
        return sum(s.bytes for s in self.shards)

    def select(self, *, split: str | None = None, countries: Iterable[str] | str | None = None) -> Snapshot:
        """The shards of one split and/or some countries (ISO alpha-2). ``None`` means all.

        >>> snap.select(split="validation", countries=["GB", "IE"]).rows
        """
        if split is not None and split not in SPLITS:
            raise SnapshotError(f"unknown split {split!r}; a snapshot has the splits {', '.join(SPLITS)}")
        wanted = None
        if countries is not None:
            wanted = {countries.upper()} if isinstance(countries, str) else {c.upper() for c in countries}
        kept = tuple(s for s in self.shards if (split is None or s.split == split) and (wanted is None or s.country in wanted))
        return Snapshot(self.path, self.manifest, kept)

    def assignment(self, world_size: int) -> list[tuple[Shard, ...]]:
        """Every rank's shards: disjoint, together all of the selection, balanced by rows, the same on every machine.

        Largest shard first, each to the rank with the fewest rows so far (ties: the lower rank). Balance is at
        shard granularity: with fewer shards than ranks some ranks get none.
        """
        if not isinstance(world_size, int) or world_size < 1:
            raise SnapshotError(f"world_size must be a whole number of at least 1, got {world_size!r}")
        loads = [0] * world_size
        ranks: list[list[Shard]] = [[] for _ in range(world_size)]
        for shard in sorted(self.shards, key=lambda s: (-s.rows, s.path)):
            rank = min(range(world_size), key=lambda r: (loads[r], r))
            ranks[rank].append(shard)
            loads[rank] += shard.rows
        return [tuple(sorted(r, key=lambda s: s.path)) for r in ranks]

    def for_rank(self, rank: int, world_size: int) -> Snapshot:
        """This rank's part of the selection, for distributed training (see ``assignment``).

        >>> snap.select(split="train").for_rank(rank=0, world_size=8).rows
        """
        ranks = self.assignment(world_size)
        if not isinstance(rank, int) or not 0 <= rank < world_size:
            raise SnapshotError(f"rank must be in 0..{world_size - 1} for world_size {world_size}, got {rank!r}")
        return Snapshot(self.path, self.manifest, ranks[rank])

    def verify(self) -> Snapshot:
        """Check every selected shard's size and SHA-256 against the manifest; raises ``ChecksumError`` on the first mismatch."""
        for shard in self.shards:
            shard.read_verified()
        return self

    def check_unlisted(self) -> Snapshot:
        """Raise ``ChecksumError`` if ``shards/`` holds a file that no revision of the manifest lists (a foreign file,
        or one left by an interrupted purge): whoever scans the folder instead of reading the manifest would read it."""
        problems = unlisted_files(self.path, self.manifest)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ChecksumError(f"{problems[0]}{more}")
        return self

    def batches(
        self,
        *,
        columns: list[str] | None = None,
        batch_size: int = 65_536,
        verify: bool = True,
    ) -> Iterator[pa.RecordBatch]:
        """Arrow record batches of the selected shards, in path order, with ``split`` and ``country`` filled in.

        Each shard is read once into memory, checked against its SHA-256 (unless ``verify=False``) and parsed from
        those same bytes, so what you train on is what was checked (memory: about one shard at a time).

        >>> for batch in snap.select(split="train").batches(columns=["text"]):
        ...     print(batch.num_rows)
        """
        wanted = list(columns) if columns is not None else None
        file_columns = None if wanted is None else [c for c in wanted if c not in PARTITION_COLUMNS]
        for shard in sorted(self.shards, key=lambda s: s.path):
            if verify:
                source = pa.BufferReader(shard.read_verified())
            elif not shard.file.is_file():
                raise ChecksumError(f"shard {shard.path} is missing from the snapshot folder")
            else:
                source = str(shard.file)
            try:
                for batch in pq.ParquetFile(source).iter_batches(batch_size=batch_size, columns=file_columns):
                    yield _with_partitions(batch, shard, wanted)
            except (pa.ArrowException, OSError) as exc:
                # Bytes that match the manifest always decode; these were not checked (verify=False) or were
                # damaged before the manifest was written. Only the error's kind: its message may quote data.
                checked = "it matches its checksum" if verify else "its checksum was not checked"
                raise ChecksumError(f"shard {shard.path} cannot be read as Parquet ({type(exc).__name__}; {checked})") from None

    def removed_since(self, snapshot_id: str, revision: int = 0) -> pa.Table:
        """The posts that left the shards between ``snapshot_id`` at ``revision`` (a copy you hold) and this snapshot
        as it stands: columns ``post_pid``, ``reason`` and where each left (``left_in``, ``left_at_revision``: the
        first snapshot or purge revision without it). See ``removals`` and docs/reading.md.

        >>> gone = open_snapshot("var/out").removed_since("20261101T000000Z-3f2a...", revision=0)
        """
        return removals(self, snapshot_id, revision)

    def catch_up(self, copy: pa.Table, since: str, revision: int = 0) -> pa.Table:
        """The rows of ``copy`` (taken from snapshot ``since`` at ``revision``, with its ``post_pid`` column) whose
        posts are still in the shards here: every post that left since, for any reason, is dropped. Posts added
        or edited since are not added (read those from this snapshot).

        >>> mine = latest.catch_up(pq.read_table("copy_of_nov_1.parquet"), since="20261101T000000Z-3f2a...")
        """
        if "post_pid" not in copy.column_names:
            raise SnapshotError("the copy has no post_pid column: keep it when you copy a snapshot, it is how removals are matched")
        gone = self.removed_since(since, revision).column("post_pid")
        return copy.filter(pc.invert(pc.is_in(copy.column("post_pid"), value_set=gone)))

    def table(self, *, columns: list[str] | None = None, verify: bool = True) -> pa.Table:
        """All selected rows as one Arrow table (fine for a selection that fits in memory).

        A selection with no row still has the snapshot's columns when it holds a shard file (an empty snapshot holds
        a zero-row file per split); with no file at all, the table has no column either."""
        batches = list(self.batches(columns=columns, verify=verify))
        if not batches and self.shards:  # no row, but a file (a zero-row file yields no batch): its columns
            first = min(self.shards, key=lambda s: s.path)
            schema = pq.read_schema(pa.BufferReader(first.read_verified()) if verify else first.file)
            batches = [_with_partitions(pa.RecordBatch.from_pylist([], schema=schema), first, columns)]
        return pa.Table.from_batches(batches) if batches else pa.table({})


REMOVALS_SCHEMA = pa.schema([("post_pid", pa.string()), ("reason", pa.string()), ("left_in", pa.string()), ("left_at_revision", pa.int64())])


def removals(snapshot: Snapshot, since: str, revision: int = 0) -> pa.Table:
    """Every post pseudonym that left the shards on the way from snapshot ``since`` at ``revision`` to ``snapshot``
    (its current revision), with the reason (the ledger's, ``invalid`` when quarantined, ``gone`` when the input no
    longer held it) and the first snapshot or revision without it, oldest first.

    The way is the chain of snapshots each built after the one before (``removed_since`` in its manifest, the
    ``removed/`` list) and, within each, its purge revisions (their ledger files). A post that left and came back
    is listed all the same: a copy brought up to date holds no post the newer snapshot does not hold. Raises
    ``SnapshotError`` when no such chain leads back to ``since`` (another output root, another key, a snapshot
    that retention removed, or one published before removal lists were kept): then read the new snapshot again.
    """
    folder = snapshot.path
    if folder.parent.name != layout.SNAPSHOTS:
        raise SnapshotError(f"{folder} is not in an output root's {layout.SNAPSHOTS}/ folder: open the snapshot from its output root to follow its removals")
    root = folder.parent.parent
    chain = [Manifest.from_dict(snapshot.manifest)]  # newest first, back to ``since``
    while chain[-1].snapshot_id != since:
        at = chain[-1]
        before = at.removed_since or {}
        if not before.get("snapshot_id"):
            raise SnapshotError(
                f"cannot follow removals from {since} to {snapshot.snapshot_id}: snapshot {at.snapshot_id} records no earlier snapshot it "
                "was compared with (the first of its output root, built under another key, or before removal lists were kept); "
                "read the new snapshot instead of updating the copy"
            )
        previous = layout.snapshot_dir(root, str(before["snapshot_id"]))
        if not (previous / MANIFEST).is_file():
            raise SnapshotError(f"cannot follow removals from {since}: snapshot {before['snapshot_id']}, which {at.snapshot_id} follows, is no longer under {root}")
        if len(chain) > 10_000 or any(m.snapshot_id == before["snapshot_id"] for m in chain):
            raise ManifestError(f"the manifests under {root} name earlier snapshots in a loop at {before['snapshot_id']}: damaged manifests")
        chain.append(Manifest.read(previous))
    held = chain[-1]
    if not isinstance(revision, int) or not 0 <= revision <= held.current_revision:
        raise SnapshotError(f"snapshot {since} has revisions 0..{held.current_revision}, not {revision!r}")
    parts = _purged(root, held, after=revision)
    for m in reversed(chain[:-1]):
        parts.append(_listed(layout.snapshot_dir(root, str(m.snapshot_id)) / layout.REMOVED, str(m.snapshot_id), 0))
        parts += _purged(root, m, after=0)
    first: dict[str, dict] = {}
    for part in parts:  # removal lists grow with what changed, not with the snapshot
        for row in part.to_pylist():
            first.setdefault(row["post_pid"], row)
    return pa.Table.from_pylist(list(first.values()), schema=REMOVALS_SCHEMA)


def _listed(path: Path, snapshot_id: str, revision: int) -> pa.Table:
    """``post_pid`` and ``reason`` of one removal list (a file or a folder of Parquet files), with where they left."""
    if not path.exists():
        raise ManifestError(f"{path} is missing: a removal list the manifest of {snapshot_id} names (a damaged snapshot)")
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    tables = [pq.read_table(f, columns=["post_pid", "reason"]) for f in files]
    rows = pa.concat_tables(tables) if tables else pa.table({"post_pid": pa.array([], pa.string()), "reason": pa.array([], pa.string())})
    n = rows.num_rows
    return rows.append_column("left_in", pa.array([snapshot_id] * n, pa.string())).append_column("left_at_revision", pa.array([revision] * n, pa.int64()))


def _purged(root: Path, manifest: Manifest, *, after: int) -> list[pa.Table]:
    """The rows each purge revision of ``manifest`` after revision ``after`` removed (its ledger files), oldest first."""
    folder = layout.snapshot_dir(root, str(manifest.snapshot_id))
    return [
        _listed(folder / file, str(manifest.snapshot_id), int(entry.revision or 0))
        for entry in sorted(manifest.history, key=lambda e: e.revision or 0)
        if (entry.revision or 0) > after
        for file in entry.ledger_files
    ]


def _with_partitions(batch: pa.RecordBatch, shard: Shard, wanted: list[str] | None) -> pa.RecordBatch:
    values = {"split": shard.split, "country": shard.country}
    names = list(batch.schema.names)
    arrays = list(batch.columns)
    for column in PARTITION_COLUMNS:
        if (wanted is None or column in wanted) and column not in names:
            names.append(column)
            arrays.append(pa.array([values[column]] * batch.num_rows, pa.string()))
    out = pa.RecordBatch.from_arrays(arrays, names=names)
    return out.select(wanted) if wanted is not None else out


def unlisted_files(snapshot_dir: str | Path, manifest: dict) -> list[str]:
    """One line per file under ``shards/`` that no revision of the manifest lists (``Manifest.unlisted_files``)."""
    return Manifest.from_dict(manifest).unlisted_files(snapshot_dir)


def read_manifest(folder: str | Path) -> dict:
    """The manifest of the snapshot in ``folder`` as JSON, checked to be a postcurate manifest (with a ``shards`` list).

    Raises ``SnapshotError`` (exit 2) when there is none or it cannot be read, ``ManifestError`` (exit 4) when it is
    not valid JSON or not a manifest: that snapshot is damaged.
    """
    manifest = read_json(folder)
    if not isinstance(manifest.get("shards"), list):
        raise ManifestError(f"{Path(folder) / MANIFEST} has no 'shards' list; is this a postcurate snapshot? (a damaged manifest: do not train on it)")
    return manifest


def resolve_snapshot_dir(location: str | Path, snapshot_id: str | None = None) -> Path:
    """The snapshot folder for ``location``: a snapshot folder itself, or an output root (its LATEST, or ``snapshot_id``)."""
    location = Path(location)
    if snapshot_id is not None:
        folder = layout.snapshot_dir(location, snapshot_id)
        if not (folder / MANIFEST).is_file():
            raise SnapshotError(f"no published snapshot {snapshot_id!r} under {location} (no {folder / MANIFEST})")
        return folder
    if (location / MANIFEST).is_file():
        return location
    pointer = location / LATEST
    if pointer.is_file():
        latest = pointer.read_text().strip()
        folder = layout.snapshot_dir(location, latest)
        if not latest or not (folder / MANIFEST).is_file():
            raise SnapshotError(f"{pointer} names snapshot {latest!r}, but {folder / MANIFEST} does not exist")
        return folder
    if not location.exists():
        raise SnapshotError(f"{location} does not exist; give a snapshot folder or an output root")
    raise SnapshotError(
        f"{location} is neither a snapshot folder (no {MANIFEST}) nor an output root with a published snapshot (no {LATEST})"
    )


def open_snapshot(location: str | Path, *, snapshot_id: str | None = None) -> Snapshot:
    """Open a published snapshot by its manifest. ``location`` is an output root (its LATEST snapshot) or a snapshot folder.

    Opening reads only the manifest; shard checksums are checked when shards are read (or by ``verify()``).

    >>> snap = open_snapshot("var/out")
    >>> snap.snapshot_id, snap.rows
    """
    folder = resolve_snapshot_dir(location, snapshot_id).resolve()
    manifest = read_manifest(folder)
    shards = []
    for i, entry in enumerate(manifest["shards"]):
        try:
            rel = str(entry["path"])
            file = (folder / rel).resolve()
            if folder not in file.parents:
                # A manifest must not send a reader outside its snapshot.
                raise ManifestError(f"{folder / MANIFEST}: shard {i} path {rel!r} points outside the snapshot folder")
            partition = dict(p.split("=", 1) for p in Path(rel).parts[:-1] if "=" in p)
            country = entry.get("country") or partition.get("country")
            shards.append(
                Shard(
                    path=rel,
                    split=str(entry.get("split") or partition.get("split")),
                    country=None if country is None else str(country),
                    rows=int(entry["rows"]),
                    bytes=int(entry["bytes"]),
                    sha256=str(entry["sha256"]).lower(),
                    file=file,
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(f"{folder / MANIFEST}: shard {i} is malformed ({exc!r}); expected path, rows, bytes, sha256") from None
    return Snapshot(folder, manifest, tuple(shards))


# A rough rule of thumb for BPE tokenizers on English text; say so wherever the estimate is shown.
CHARS_PER_TOKEN = 4
TOKEN_ESTIMATE = f"characters / {CHARS_PER_TOKEN}"
_SAMPLE_COLUMNS = ["post_pid", "platform", "post_type", "lang", "created_period", "text"]


def summarize(snapshot: Snapshot, *, samples: int = 5, verify: bool = True, text_width: int = 160) -> dict:
    """What ``postcurate inspect`` shows: rows, estimated tokens, counts by split/country/language, shards, a few rows.

    Reads the ``lang`` and ``text`` columns of every selected shard (and checks its SHA-256, and that the folder holds
    no shard file the manifest does not list, unless ``verify=False``). Sample rows carry redacted text only, and ids
    as truncated pseudonyms; they are spread over the shards and the same on every call.

    >>> summarize(open_snapshot("var/out"), samples=3)["approx_tokens"]
    """
    if verify:
        snapshot.check_unlisted()
    shards = sorted(snapshot.shards, key=lambda s: s.path)
    # Sample rows come from shards spread evenly over the selection, the first row of each: deterministic and cheap.
    sample_at = {shards[int(i * len(shards) / samples)].path for i in range(min(samples, len(shards)))} if samples else set()
    by_split: dict[str, int] = {}
    by_country: dict[str, int] = {}
    by_language: dict[str, int] = {}
    rows = chars = 0
    picked: list[dict] = []
    for shard in shards:
        one = Snapshot(snapshot.path, snapshot.manifest, (shard,))
        columns = ["lang", "text"] if shard.path not in sample_at else _SAMPLE_COLUMNS
        first = True
        for batch in one.batches(columns=columns, verify=verify):
            n = batch.num_rows
            rows += n
            by_split[shard.split] = by_split.get(shard.split, 0) + n
            if shard.country is not None:  # a file in no country (the empty snapshot's) gives no batch; typed as the manifest counts
                by_country[shard.country] = by_country.get(shard.country, 0) + n
            chars += int(pc.sum(pc.utf8_length(batch.column("text"))).as_py() or 0)
            for entry in pc.value_counts(batch.column("lang")).to_pylist():
                lang = entry["values"] or "(unknown)"
                by_language[lang] = by_language.get(lang, 0) + entry["counts"]
            if first and n and shard.path in sample_at and len(picked) < samples:
                row = batch.slice(0, 1).to_pylist()[0]
                text = " ".join(str(row["text"] or "").split())
                picked.append(
                    {
                        "post": (row["post_pid"] or "")[:8] + "…",
                        "split": shard.split,
                        "country": shard.country,
                        "lang": row["lang"],
                        "platform": row["platform"],
                        "post_type": row["post_type"],
                        "created_period": str(row["created_period"]),
                        "text": text if len(text) <= text_width else text[: text_width - 1] + "…",
                    }
                )
            first = first and not n
    ordered = lambda d: dict(sorted(d.items(), key=lambda kv: (-kv[1], kv[0])))  # noqa: E731
    return {
        "snapshot_id": snapshot.snapshot_id,
        "as_of": snapshot.as_of,
        "path": str(snapshot.path),
        "rows": rows,
        "rows_in_manifest": snapshot.rows,
        "characters": chars,
        "approx_tokens": chars // CHARS_PER_TOKEN,
        "token_estimate": TOKEN_ESTIMATE,
        "checksums_verified": verify,
        "by_split": ordered(by_split),
        "by_country": ordered(by_country),
        "by_language": ordered(by_language),
        "shards": [{"path": s.path, "split": s.split, "country": s.country, "rows": s.rows, "bytes": s.bytes} for s in shards],
        "bytes": snapshot.bytes,
        "samples": picked,
    }
