"""SQL-only residual check for the data-quality gate (see ``postcurate.pii.redact.residual_pii``)."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

from postcurate.pii.detectors import Detectors


def residual_conditions(text: Column, detectors: Detectors) -> list[Column]:
    conditions = []
    for d in detectors.detectors:
        for rule in d.rules:
            conditions.append(text.rlike(rule.pattern))
    return conditions
