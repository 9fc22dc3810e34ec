"""Writing shards with Spark: files of a measured size, cut from each partition's key range, written deterministically.

- ``folder_rows``: rows per ``split=/country=`` folder (one small aggregate).
- ``rows_for_target``: how many rows make a file of about ``output.shard_target_mb``, measured on a sample.
- ``shard_layout`` / ``write_shards``: every file a slice of its folder's ``post_pid`` range, named in slice order.
- ``write_empty_shards``: the zero-row file per split of a snapshot that keeps no row.
- ``shard_stats``: the manifest's counts by country, split and language, and the PII redactions, from the rows.

Where the files go and how they become visible is ``postcurate.snapshot``'s business; this package only writes into
the folder it is given.
"""

from postcurate.shards.stats import primary_language, shard_stats
from postcurate.shards.write import (
    EMPTY_SHARD,
    SHARD_PARQUET_OPTIONS,
    folder_rows,
    rows_for_target,
    shard_layout,
    tidy,
    write_empty_shards,
    write_shards,
)

__all__ = [
    "EMPTY_SHARD",
    "SHARD_PARQUET_OPTIONS",
    "folder_rows",
    "primary_language",
    "rows_for_target",
    "shard_layout",
    "shard_stats",
    "tidy",
    "write_empty_shards",
    "write_shards",
]
