"""Keyed pseudonyms: HMAC-SHA256 in the JVM, by a function that holds the key where no plan can show it.

The key crosses from the driver's Python into Spark's JVM once, over py4j (a local, authenticated socket), and
lives there as a private field of the registered function (``jvm/.../KeyedPseudonym.java``). Query plans,
``explain()``, the Spark UI, the event log and error messages name the function and nothing else; its name carries
only the key's public fingerprint (the one the manifest records). A key written into the plan as a literal, as
``sha2(concat(<padded key>, ...))`` would need, is readable by anyone who can open the UI.

A domain prefix ("post:", "author:") keeps a post and a user with the same raw id from sharing a pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from dataclasses import dataclass

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F

_JVM_CLASS = "org.postcurate.spark.Pseudonyms"


@dataclass(frozen=True)
class Pseudonyms:
    """A handle on the keyed pseudonym function registered in one SparkSession; holds no key.

    >>> pseudonyms = keyed_pseudonyms(spark, key)
    >>> posts.select(pseudonyms.author(F.col("author_id")).alias("author_pid"))
    """

    function: str
    fingerprint: str

    def of(self, value: Column, domain: str) -> Column:
        """Hex HMAC-SHA256 of ``domain + ":" + value``; null stays null."""
        return F.call_function(self.function, F.lit(domain), value.cast("string"))

    def post(self, post_key: Column) -> Column:
        return self.of(post_key, "post")

    def author(self, author_id: Column) -> Column:
        """An author's pseudonym. The pipeline, the gate's objector check and the purge all make it here, or the
        checks would look for pseudonyms that no shard holds."""
        return self.of(author_id, "author")


def keyed_pseudonyms(spark: SparkSession, key: bytes) -> Pseudonyms:
    """Register the pseudonym function for ``key`` in ``spark`` (idempotent) and return its handle."""
    from postcurate.session import require_jvm_class

    jvm_pseudonyms = require_jvm_class(spark, _JVM_CLASS, "postcurate's JVM functions")
    fingerprint = key_fingerprint(key)
    function = f"postcurate_pseudonym_{fingerprint}"
    jvm_pseudonyms.register(spark._jsparkSession, function, bytearray(key))
    return Pseudonyms(function, fingerprint)


def key_fingerprint(key: bytes) -> str:
    """A short public fingerprint of the key, for the manifest: tells two runs' keys apart, reveals nothing."""
    return hmac.new(key, b"postcurate key fingerprint", hashlib.sha256).hexdigest()[:16]


MIN_KEY_CHARACTERS = 32
MIN_DISTINCT_CHARACTERS = 8
MAX_RUN = 7  # characters in a row stepping by -1, 0 or +1 ("aaaaaaaa", "12345678", "hgfedcba" are one too many)
MIN_ESTIMATED_BITS = 80


def weak_key_reason(key: str) -> str | None:
    """Why ``key`` is too weak to be the pseudonym key, or None when it passes (docs/decisions.md, "the key").

    Catches what a careless person types (spaces, one character held down, a word repeated, the alphabet, a
    keyboard run), not every guessable passphrase: make the key with ``openssl rand -hex 32``. A random key of
    32 hex characters or more passes every rule with overwhelming probability.

    >>> weak_key_reason(" " * 40)
    'it is only whitespace'
    """
    import math
    from collections import Counter

    if len(key) < MIN_KEY_CHARACTERS:
        return f"it is shorter than {MIN_KEY_CHARACTERS} characters"
    if not key.strip():
        return "it is only whitespace"
    distinct = len(set(key))
    if distinct < MIN_DISTINCT_CHARACTERS:
        return f"it uses only {distinct} distinct characters (at least {MIN_DISTINCT_CHARACTERS} needed)"
    for period in range(1, len(key) // 2 + 1):
        if all(key[i] == key[i - period] for i in range(period, len(key))):
            return f"it repeats the same {period} characters"
    run, last_step = 1, None
    for before, after in itertools.pairwise(key):
        step = ord(after) - ord(before)
        run = 1 if abs(step) > 1 else run + 1 if step == last_step else 2
        last_step = step
        if run > MAX_RUN:
            return f"it holds a run of {run} characters in sequence ({MAX_RUN} at most)"
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    if bits < MIN_ESTIMATED_BITS:
        return f"its characters carry about {bits:.0f} bits (at least {MIN_ESTIMATED_BITS} needed)"
    return None
