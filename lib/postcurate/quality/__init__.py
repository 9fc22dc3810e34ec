"""The data-quality gate: expectation suites (``expectations/*.json``) run by Great Expectations on a staged
or published snapshot. A snapshot is published only when every expectation passes.

>>> with SnapshotFrames(spark, staging) as snap:
...     result = run_gate(snap.gate_frames(manifest, inputs), gate_parameters(...), docs_dir=staging / "quality" / "data_docs")
>>> result.success
"""

from postcurate.quality.gate import GateResult, Outcome, run_gate
from postcurate.quality.residual import RESIDUAL_TYPES, register_residual_check, residual_counts, residual_pii
from postcurate.quality.snapshot import GateInputs, SnapshotFrames, gate_parameters
from postcurate.quality.suites import load_suite_files

__all__ = [
    "GateInputs",
    "GateResult",
    "Outcome",
    "SnapshotFrames",
    "RESIDUAL_TYPES",
    "gate_parameters",
    "load_suite_files",
    "register_residual_check",
    "residual_counts",
    "residual_pii",
    "run_gate",
]
