"""A snapshot folder (staged or published) seen as the frames the gate checks."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from postcurate import schemas
from postcurate.pseudonyms import Pseudonyms
from postcurate.quality import frames as derived
from postcurate.quality.residual import register_residual_check, residual_aggregates, residual_frame
from postcurate.snapshot.manifest import Manifest, ManifestError

log = logging.getLogger("postcurate.quality")


@dataclass(frozen=True)
class GateInputs:
    """What only the run has: the pinned inputs, the cut-off (naive UTC) and the keyed pseudonyms. Enables the
    ``inputs`` suites.

    ``posts_read`` may be given when already counted (with ``frames.posts_read``) while the pipeline ran.
    """

    posts: DataFrame
    objections: DataFrame
    as_of: dt.datetime
    pseudonyms: Pseudonyms
    posts_read: int | None = None


def gate_parameters(
    *, allowed_countries: Iterable[str], allowed_post_types: Iterable[str], min_text_length: int, max_shrink: float | None = None
) -> dict:
    """The values the suites' ``$PARAMETER`` placeholders stand for; enums come from the shard schema.
    ``max_shrink`` (``output.max_shrink``) is for the ``publish`` suites, which only a run checks."""
    shard = schemas.load("shard")
    parameters = {
        "allowed_countries": sorted(allowed_countries),
        "allowed_post_types": sorted(allowed_post_types),
        "min_text_length": int(min_text_length),
        "platforms": list(shard.enum("platform")),
        "splits": list(shard.enum("split")),
    }
    if max_shrink is not None:
        parameters["max_shrink"] = float(max_shrink)
    return parameters


class SnapshotFrames:
    """The shards, ledger and quarantine of one snapshot folder, and the derived frames built from them.

    The shard facts are cached (they feed the manifest's statistics and several expectations); use as a
    context manager so the cache is released.

    >>> with SnapshotFrames(spark, staging) as snap:
    ...     result = run_gate(snap.gate_frames(manifest, inputs), parameters)
    """

    def __init__(
        self,
        spark: SparkSession,
        snapshot_dir: str | Path,
        files: list[str] | None = None,
    ):
        """``files``: the shard files to read (paths relative to the snapshot, as the manifest lists them); by
        default every Parquet file under ``shards/`` (a staged snapshot, where nothing else can be)."""
        self.spark = spark
        self.dir = Path(snapshot_dir)
        shards = self.dir / "shards"
        if files is None:
            files = [str(p.relative_to(self.dir)) for p in sorted(shards.rglob("*.parquet"))]
        if files:
            self.shards = spark.read.option("basePath", str(shards)).parquet(*[str(self.dir / f) for f in files])
        else:
            # A run that kept no post writes no shard file, and Spark cannot infer a schema from none. The declared
            # schema stands in: with no file, no column can differ from it.
            self.shards = spark.createDataFrame([], schemas.load("shard").struct)
        self.ledger = spark.read.parquet(str(self.dir / "ledger"))
        self.quarantine = spark.read.parquet(str(self.dir / "quarantine"))
        # The residual-PII check is the gate's own (quality.residual), never the redactor's.
        self.facts = derived.shard_facts(self.shards, register_residual_check(spark)).persist(StorageLevel.MEMORY_AND_DISK)
        self._cached: list[DataFrame] = [self.facts]
        self._destinations: dict[str, dict[str | None, int]] | None = None

    def destination_counts(self) -> dict[str, dict[str | None, int]]:
        """Ledger rows by ``reason`` (``"ledger"``) and quarantine rows by the check they failed (``"quarantine"``:
        ``detail``, "unknown" where none is named), read from the folders: one small aggregate of both, made once
        for the manifest's counts and the gate's reconciliation."""
        if self._destinations is None:
            ledger = self.ledger.groupBy(F.lit("ledger").alias("part"), F.col("reason").alias("key")).count()
            quarantine = self.quarantine.groupBy(F.lit("quarantine").alias("part"), F.coalesce("detail", F.lit("unknown")).alias("key")).count()
            counted: dict[str, dict[str | None, int]] = {"ledger": {}, "quarantine": {}}
            for row in ledger.unionByName(quarantine).collect():
                counted[row["part"]][row["key"]] = row["count"]
            self._destinations = counted
        return self._destinations

    def __enter__(self) -> SnapshotFrames:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for df in self._cached:
            df.unpersist()
        self._cached.clear()

    @staticmethod
    def _dedup_on(manifest: Manifest) -> bool:
        """Whether the snapshot was built with rule 10 on (then a repeated text is a defect)."""
        return bool(((manifest.settings or {}).get("dedup") or {}).get("enabled"))

    def _normalisable_shards(self) -> DataFrame:
        """The shard rows, with the normaliser ``repeated_texts`` needs registered in the session."""
        from postcurate.dedup import register_normaliser

        register_normaliser(self.spark)
        return self.shards

    def gate_frames(self, manifest: Manifest, inputs: GateInputs | None = None) -> dict[str, Any]:
        """Every frame a suite may name. Without ``inputs``, posts read is the manifest's figure and the
        objector check is not built (its suite has scope ``inputs``)."""
        if inputs is not None and inputs.posts_read is not None:
            posts_read = inputs.posts_read
        elif inputs is not None:
            started = time.monotonic()
            posts_read = derived.posts_read(inputs.posts, inputs.as_of)
            log.info("quality: posts read counted from the inputs in %.1f s", time.monotonic() - started)
        else:
            counted = manifest.counts.posts_read if manifest.counts else None
            if counted is None:  # nothing to reconcile the rows against: the check cannot pass
                raise ManifestError(f"manifest of {manifest.snapshot_id} has no counts.posts_read: the snapshot is damaged; do not train on it")
            posts_read = counted
        # The shard rows and their residual PII, counted in one aggregate of the facts (which it caches).
        (facts,) = self.facts.agg(F.count(F.lit(1)).alias("rows"), *residual_aggregates()).collect()
        destinations = self.destination_counts()
        # The hashed leak and repeat checks, one job for all: only those that find a row build their exact frame.
        hashed = {
            "excluded_posts_in_shards": derived.excluded_posts_suspects(self.shards, self.ledger, self.quarantine),
            "authors_on_both_sides": derived.authors_on_both_sides_suspects(self.facts),
            "repeated_posts": derived.repeated_posts_suspects(self.facts),
        }
        dedup_on = self._dedup_on(manifest)
        if dedup_on:
            hashed["repeated_texts"] = derived.repeated_texts_suspects(self._normalisable_shards())
        if inputs is not None:
            objector_pids = derived.objector_pseudonyms(inputs.objections, inputs.as_of, inputs.pseudonyms)
            hashed["objector_posts_in_shards"] = derived.objector_posts_suspects(self.shards, objector_pids)
        found = derived.suspected(hashed)
        frames = {
            "shard_facts": self.facts,
            "residual_pii": residual_frame(facts),
            "shard_schema": derived.shard_schema(self.shards),
            "reconciliation": derived.reconciliation(
                posts_read=int(posts_read),
                in_shards=int(facts["rows"]),
                in_ledger=sum(destinations["ledger"].values()),
                in_quarantine=sum(destinations["quarantine"].values()),
                in_manifest=sum(s.rows for s in manifest.shards),
            ),
            "excluded_posts_in_shards": derived.excluded_posts_in_shards(
                self.shards, self.ledger, self.quarantine, suspect="excluded_posts_in_shards" in found
            ),
            "authors_on_both_sides": derived.authors_on_both_sides(self.facts, suspect="authors_on_both_sides" in found),
            "repeated_posts": derived.repeated_posts(self.facts, suspect="repeated_posts" in found),
            # Repeated texts are allowed in a snapshot built without rule 10 (or before it existed).
            "repeated_texts": derived.repeated_texts(self.shards, suspect="repeated_texts" in found)
            if dedup_on
            else pd.DataFrame({"rows": pd.Series(dtype="int64")}),
        }
        if inputs is not None:
            frames["objector_posts_in_shards"] = derived.objector_posts_in_shards(
                self.shards, objector_pids, suspect="objector_posts_in_shards" in found
            )
        return frames
