"""PII redaction: find personal data in post text and replace each span with a typed placeholder.

>>> from postcurate.pii import load_detectors, with_redacted_text
>>> redacted = posts.transform(with_redacted_text, load_detectors("conf/detectors.yaml"), "text")

See docs/pii.md for the detectors, their checks and the look-alikes they leave alone.
"""

from postcurate.pii.detectors import (
    PLACEHOLDER_PATTERN,
    Detector,
    Detectors,
    SqlRule,
    default_detectors,
    detector_kind,
    load_detectors,
    parse_detectors,
)
from postcurate.pii.redact import checksum_residual_type, pii_totals, residual_pii, strip_placeholders, with_redacted_text

__all__ = [
    "PLACEHOLDER_PATTERN",
    "Detector",
    "Detectors",
    "SqlRule",
    "checksum_residual_type",
    "default_detectors",
    "detector_kind",
    "load_detectors",
    "parse_detectors",
    "pii_totals",
    "residual_pii",
    "strip_placeholders",
    "with_redacted_text",
]
