"""Keyed pseudonyms: HMAC-SHA256 computed in Spark SQL, so ids never leave the JVM in the clear.

HMAC(K, m) = SHA256((K' ^ opad) || SHA256((K' ^ ipad) || m)), with K' the key padded to the 64-byte block
(RFC 2104). The two padded keys are computed once on the driver; each row costs two SHA-256 calls.
A domain prefix ("post:", "author:") keeps a post and a user with the same raw id from sharing a pseudonym.
"""

from __future__ import annotations

import hashlib

from pyspark.sql import Column
from pyspark.sql import functions as F

_BLOCK = 64


def _padded(key: bytes) -> tuple[bytes, bytes]:
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\x00")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_sha256_hex(value: Column, key: bytes, domain: str) -> Column:
    """Hex HMAC-SHA256 of ``domain + ":" + value`` under ``key``; null stays null.

    >>> posts.select(hmac_sha256_hex(F.col("author_id"), key, "author").alias("author_pid"))
    """
    inner_key, outer_key = _padded(key)
    message = F.encode(F.concat(F.lit(f"{domain}:"), value.cast("string")), "UTF-8")
    inner = F.unhex(F.sha2(F.concat(F.lit(inner_key), message), 256))
    return F.sha2(F.concat(F.lit(outer_key), inner), 256)


def author_pseudonym(author_id: Column, key: bytes) -> Column:
    """An author's pseudonym. The pipeline, the gate's objector check and the purge must all make it the same way,
    or the checks would look for pseudonyms that no shard holds.

    >>> objectors.select(author_pseudonym(F.col("author_id"), key).alias("author_pid"))
    """
    return hmac_sha256_hex(author_id, key, "author")


def key_fingerprint(key: bytes) -> str:
    """A short public fingerprint of the key, for the manifest: tells two runs' keys apart, reveals nothing."""
    import hmac

    return hmac.new(key, b"postcurate key fingerprint", hashlib.sha256).hexdigest()[:16]
