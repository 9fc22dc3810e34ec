"""The JVM scanner: every detector in one pass over each text, in Spark's JVM (``jvm/.../org/postcurate/pii``).

The detector settings (``Detectors``, from conf/detectors.yaml) cross into the JVM once, as JSON, when the
scanner is registered as a function of the session. Java compiles every pattern then, in its own regex dialect:
a pattern it cannot read is a ``ConfigError`` naming the file and the key, before any Spark job runs.

>>> function = register_scanner(spark, load_detectors("conf/detectors.yaml"))
>>> posts.select(F.call_function(function, F.col("text")))   # struct<text, counts> or null: see with_redacted_text
"""

from __future__ import annotations

import hashlib
import json

from pyspark.sql import SparkSession

from postcurate.errors import ConfigError
from postcurate.pii.detectors import Detectors

JVM_CLASS = "org.postcurate.pii.Redactors"
# The kinds the scanner knows (Spec.java); "pattern" is a Java regex detector.
KINDS = ("email", "coords", "ip", "ssn", "nino", "address", "mention", "iban", "card", "nhs", "phone", "pattern")


def scanner_spec(detectors: Detectors) -> str:
    """The settings as the JVM scanner reads them (JSON; see ``jvm/.../pii/Spec.java``)."""
    items = []
    for d in detectors.detectors:
        kind, pattern = d.kind, d.pattern
        if kind not in KINDS or (kind == "pattern" and not pattern):
            raise ConfigError(f"{detectors.source}: detector '{d.name}' is neither a kind the scanner knows nor a pattern")
        item = {
            "name": d.name,
            "kind": kind,
            "placeholder": d.placeholder,
            "order": d.order,
            "negative": list(d.context.negative),
            "positive": list(d.context.positive),
            "window": d.context.window,
        }
        if pattern:
            item["pattern"] = pattern
        if kind == "phone":
            item["plans"] = [
                {
                    "country": p.country,
                    "code": p.code,
                    "nsn": p.nsn,
                    "national": [{"pattern": form, "groups": [list(g) for g in groups]} for form, groups in p.national],
                }
                for p in detectors.phone_plans
            ]
        items.append(item)
    return json.dumps(
        {"protect_urls": detectors.protect_urls, "lottery_words": list(detectors.lottery_words), "detectors": items},
        ensure_ascii=False,
        sort_keys=True,
    )


def register_scanner(spark: SparkSession, detectors: Detectors) -> str:
    """Compile ``detectors`` in the JVM and register the redaction function in ``spark``; its name.

    Idempotent: the name is a digest of the settings, so registering the same settings again replaces the function
    with an identical one. Raises ``ConfigError`` when a pattern is not a valid Java regular expression.
    """
    from postcurate.session import require_jvm_class

    redactors = require_jvm_class(spark, JVM_CLASS, "postcurate's JVM functions")
    spec = scanner_spec(detectors)
    problem = redactors.problem(spec)
    if problem:
        key, _, reason = str(problem).partition("\t")
        raise ConfigError(f"{detectors.source}: '{key}' {reason}")
    name = "postcurate_pii_" + hashlib.sha256(spec.encode("utf-8")).hexdigest()[:16]
    redactors.register(spark._jsparkSession, name, spec)
    return name


def redact_text(spark: SparkSession, detectors: Detectors, text: str) -> str:
    """One text through the scanner on the driver, no Spark job (for checks and tests on a handful of texts)."""
    from postcurate.session import require_jvm_class

    redactors = require_jvm_class(spark, JVM_CLASS, "postcurate's JVM functions")
    return str(redactors.redact(scanner_spec(detectors), text))
