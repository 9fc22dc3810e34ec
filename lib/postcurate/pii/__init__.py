"""PII redaction: find personal data in post text and replace each span with a typed placeholder.

>>> from postcurate.pii import load_detectors, with_redacted_text
>>> redacted = posts.transform(with_redacted_text, load_detectors("conf/detectors.yaml"), "text")

Every detector runs in one scan of each text, in Spark's JVM (``postcurate.pii.scanner``). See docs/pii.md for
the detectors, the forms they read and the look-alikes they leave alone.
"""

from postcurate.pii.detectors import (
    PLACEHOLDER_PATTERN,
    Context,
    Detector,
    Detectors,
    PhonePlan,
    default_detectors,
    detector_kind,
    load_detectors,
    parse_detectors,
)
from postcurate.pii.redact import pii_totals, strip_placeholders, with_redacted_text
from postcurate.pii.scanner import redact_text, register_scanner

__all__ = [
    "PLACEHOLDER_PATTERN",
    "Context",
    "Detector",
    "Detectors",
    "PhonePlan",
    "default_detectors",
    "detector_kind",
    "load_detectors",
    "parse_detectors",
    "pii_totals",
    "redact_text",
    "register_scanner",
    "strip_placeholders",
    "with_redacted_text",
]
