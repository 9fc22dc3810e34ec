"""The data-quality gate: the suites in ``expectations/`` run by Great Expectations on small derived frames.

A snapshot is published only if every expectation passes. What the gate reports (messages, results JSON, Data
Docs) holds counts and column names only: results are computed with no unexpected values collected, and the
frames carry no text and no raw ids.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pyspark.sql import DataFrame

from postcurate.errors import ConfigError
from postcurate.quality.suites import SuiteFile, load_suite_files

log = logging.getLogger("postcurate.quality")

# No unexpected values are fetched: they would be pseudonyms or text, and fetching them costs a Spark job each.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 0, "include_unexpected_rows": False}
DATA_DOCS_SITE = "snapshot"


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, reduced to what may be shown anywhere: names and counts."""

    suite: str
    expectation: str
    column: str | None
    success: bool
    why: str = ""
    unexpected_count: int | None = None
    element_count: int | None = None
    observed: float | int | None = None
    error: str | None = None

    def describe(self) -> str:
        target = f"({self.column})" if self.column else ""
        if self.error:
            detail = f"could not be evaluated ({self.error})"
        elif self.unexpected_count is not None:
            detail = f"{self.unexpected_count:,} of {self.element_count:,} rows unexpected"
        elif self.observed is not None:
            detail = f"observed {self.observed:,}"
        else:
            detail = "failed"
        why = f" [{self.why}]" if self.why else ""
        return f"{self.suite}: {self.expectation}{target}: {detail}{why}"


@dataclass
class GateResult:
    success: bool
    outcomes: list[Outcome]
    parameters: dict = field(default_factory=dict)
    duration_s: float = 0.0
    data_docs: str | None = None  # relative to the snapshot folder

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success]

    def message(self) -> str:
        """One paragraph naming each failed expectation and how many rows failed it."""
        if self.success:
            return f"quality gate passed: {len(self.outcomes)} expectations"
        lines = [f"quality gate failed: {len(self.failures)} of {len(self.outcomes)} expectations not met; nothing was published"]
        lines += [f"  - {o.describe()}" for o in self.failures]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        suites: dict[str, dict] = {}
        for o in self.outcomes:
            s = suites.setdefault(o.suite, {"success": True, "evaluated": 0, "failed": 0})
            s["evaluated"] += 1
            if not o.success:
                s["success"] = False
                s["failed"] += 1
        return {
            "success": self.success,
            "evaluated": len(self.outcomes),
            "failed": len(self.failures),
            "duration_s": round(self.duration_s, 2),
            "data_docs": self.data_docs,
            "parameters": self.parameters,
            "suites": suites,
            "expectations": [asdict(o) for o in self.outcomes],
        }


def _context(docs_dir: Path | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    from postcurate.quality import expectations  # noqa: F401  (registers our own expectations with GX)

    sites = {}
    if docs_dir is not None:
        sites[DATA_DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        # The job runs where there may be no network; GX must not try to phone home or draw progress bars.
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites=sites,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _add_suite(context, suite_file: SuiteFile):
    """Add the suite to the context and check that every expectation in the file made it in."""
    import great_expectations as gx

    try:
        suite = context.suites.add(gx.ExpectationSuite(**suite_file.raw))
    except Exception as exc:  # GX raises many kinds for a malformed suite; all are the file's fault
        raise ConfigError(f"expectation suite {suite_file.path.name} cannot be loaded: {type(exc).__name__}: {exc}") from None
    loaded = [e.expectation_type for e in suite.expectations]
    if loaded != suite_file.expectation_types:
        raise ConfigError(
            f"expectation suite {suite_file.path.name}: {len(suite_file.expectation_types)} expectations in the file, "
            f"{len(loaded)} loaded ({sorted(set(suite_file.expectation_types) - set(loaded)) or 'order differs'})"
        )
    return suite


def _number(value: Any) -> float | int | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    return value.item() if isinstance(value, np.generic) else value  # a pandas frame's minimum is a numpy scalar


def _count(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _outcomes(suite_name: str, validation) -> list[Outcome]:
    out = []
    for r in validation.results:
        config = r.expectation_config
        result = r.result or {}
        raised = bool(r.exception_info and r.exception_info.get("raised_exception"))
        error = None
        if raised:
            # Only the exception's kind: its message may quote data.
            error = str(r.exception_info.get("exception_message", "")).split(":", 1)[0][:80] or "exception"
        out.append(
            Outcome(
                suite=suite_name,
                expectation=config.type,
                column=config.kwargs.get("column")
                or (f"{config.kwargs['column_A']}={config.kwargs['column_B']}" if "column_A" in config.kwargs else None),
                success=bool(r.success) and not raised,
                why=str((config.meta or {}).get("why", "")),
                unexpected_count=_count(result.get("unexpected_count")),
                element_count=_count(result.get("element_count")),
                observed=_number(result.get("observed_value")),
                error=error,
            )
        )
    return out


def run_gate(
    frames: Mapping[str, Any],
    parameters: Mapping[str, Any],
    *,
    scopes: Iterable[str] = ("snapshot", "inputs"),
    suites_dir: str | Path | None = None,
    docs_dir: Path | None = None,
    docs_relative_to: Path | None = None,
) -> GateResult:
    """Validate each derived frame (Spark or pandas) against its suites; build Data Docs into ``docs_dir`` when given.

    >>> result = run_gate({"shard_facts": facts, ...}, {"allowed_countries": ["GB"], ...}, docs_dir=staging / "quality" / "data_docs")
    >>> result.success, result.message()
    """
    started = time.monotonic()
    scopes = set(scopes)
    suite_files = [s for s in load_suite_files(suites_dir) if s.scope in scopes]
    for s in suite_files:
        if s.frame not in frames:
            raise ConfigError(f"expectation suite {s.path.name} checks frame '{s.frame}', which is not built; known: {', '.join(sorted(frames))}")
        missing = s.parameters - set(parameters)
        if missing:
            raise ConfigError(f"expectation suite {s.path.name} needs parameter(s) {', '.join(sorted(missing))}, which the gate does not supply")

    import great_expectations as gx

    context = _context(docs_dir)
    sources: dict[str, Any] = {}
    batches = {}
    outcomes: list[Outcome] = []
    for s in suite_files:
        if s.frame not in batches:
            # Spark frames go to a Spark data source; the few-row frames built on the driver are pandas.
            kind = "spark" if isinstance(frames[s.frame], DataFrame) else "pandas"
            if kind not in sources:
                sources[kind] = (context.data_sources.add_spark if kind == "spark" else context.data_sources.add_pandas)(name=f"postcurate-{kind}")
            batches[s.frame] = sources[kind].add_dataframe_asset(name=s.frame).add_batch_definition_whole_dataframe(s.frame)
        suite_started = time.monotonic()
        suite = _add_suite(context, s)
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=s.name, data=batches[s.frame], suite=suite))
        validation = definition.run(
            batch_parameters={"dataframe": frames[s.frame]},
            expectation_parameters=dict(parameters),
            result_format=RESULT_FORMAT,
        )
        outcomes += _outcomes(s.name, validation)
        log.info("quality: suite %s on %s: %s in %.1f s", s.name, s.frame, "passed" if validation.success else "FAILED", time.monotonic() - suite_started)
    data_docs = None
    if docs_dir is not None:
        docs_started = time.monotonic()
        context.build_data_docs(site_names=[DATA_DOCS_SITE])
        log.info("quality: Data Docs built in %.1f s", time.monotonic() - docs_started)
        index = Path(docs_dir) / "index.html"
        data_docs = str(index.relative_to(docs_relative_to)) if docs_relative_to else str(index)
    return GateResult(
        success=all(o.success for o in outcomes),
        outcomes=outcomes,
        parameters={k: v for k, v in sorted(parameters.items())},
        duration_s=time.monotonic() - started,
        data_docs=data_docs,
    )
