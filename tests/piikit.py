"""Running many short texts through the redactor in one Spark job, so per-case tests stay cheap."""

from __future__ import annotations

from postcurate.pii import with_redacted_text


def redact_all(spark, detectors, texts) -> dict[str, tuple[str, dict[str, int]]]:
    """text -> (redacted text, pii_counts), for every distinct text, from one DataFrame through the job's transform."""
    distinct = sorted(set(texts))
    df = spark.createDataFrame([(i, t) for i, t in enumerate(distinct)], "id int, text string")
    rows = df.transform(with_redacted_text, detectors, "text").collect()
    return {distinct[r.id]: (r.text, dict(r.pii_counts)) for r in rows}
