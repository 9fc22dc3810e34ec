"""CLI commands over the PII engine: ``postcurate redact`` and ``postcurate pii-eval``.

Thin shells: they build the Spark session, read and write files, and call the same transforms as the job
(``postcurate.pii.with_redacted_text``). The main CLI group registers them:

    from postcurate.commands.pii import pii_eval, redact
    cli.add_command(redact)
    cli.add_command(pii_eval)

User mistakes (missing file, malformed JSON, unknown field, bad detectors file) raise a ``PostcurateError``
subclass with one clear message; the main CLI prints it and exits 2. No raw post text is ever printed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from postcurate.errors import EXIT_QUALITY_GATE_FAILED, InputError, PostcurateError
from postcurate.pii.evaluation import RECALL_TARGET, SURVIVAL_TARGET

if TYPE_CHECKING:
    from postcurate.resources import Traversable

DEFAULT_DETECTORS = Path("conf/detectors.yaml")

# A small local session: these commands work on one file at a time on a laptop or a CI box.
CLI_SPARK_CONF = {
    "spark.sql.shuffle.partitions": 2,
    "spark.default.parallelism": 2,
    "spark.ui.enabled": False,
}


def _session():
    # The vectorised PII step runs Python workers; they must be this interpreter (with pandas and pyarrow),
    # not whatever "python3" is first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from postcurate.session import build_spark

    return build_spark(app_name="postcurate-pii", master="local[2]", conf=CLI_SPARK_CONF)


def _detectors(path: str | None):
    from postcurate.pii import default_detectors, load_detectors

    if path:
        return load_detectors(path)
    if DEFAULT_DETECTORS.is_file():
        return load_detectors(DEFAULT_DETECTORS)
    return default_detectors()


def _input_file(path: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"input file not found: {path}")
    return p


def _first_object(path: Path) -> dict | None:
    """The first non-blank line as a JSON object (its key order is kept in the output), or None if empty."""
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    value = json.loads(line)
                except json.JSONDecodeError:
                    raise InputError(f"{path.name}: line {number} is not valid JSON") from None
                if not isinstance(value, dict):
                    raise InputError(f"{path.name}: line {number} is not a JSON object")
                return value
    return None


def _reject_malformed(df, path: Path):
    """Stop on malformed lines (Spark's permissive reader would turn them into nulls)."""
    if "_corrupt_record" not in df.columns:
        return df
    from pyspark.sql import functions as F

    df = df.cache()  # Spark only lets a query read the corrupt-record column from a materialised frame
    bad = df.where(F.col("_corrupt_record").isNotNull()).count()
    if bad:
        df.unpersist()
        raise InputError(f"{path.name}: {bad} line(s) are not valid JSON objects; fix or remove them")
    return df.drop("_corrupt_record")


@click.command("redact")
@click.argument("in_path", metavar="IN.jsonl")
@click.argument("out_path", metavar="OUT.jsonl")
@click.option("--field", default="text", show_default=True, help="The JSON field holding the text to redact.")
@click.option(
    "--detectors",
    "detectors_path",
    default=None,
    help="Detector settings (default: conf/detectors.yaml if present, else the built-in defaults).",
)
def redact(in_path: str, out_path: str, field: str, detectors_path: str | None) -> None:
    """Redact PII in one field of a JSON-lines file, keeping every other field and the row order."""
    from pyspark.sql import functions as F

    from postcurate.pii import pii_totals, with_redacted_text

    source = _input_file(in_path)
    detectors = _detectors(detectors_path)
    first = _first_object(source)
    target = Path(out_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if first is None:
        target.write_text("")
        click.echo(f"{source.name} is empty: wrote an empty {target.name}", err=True)
        return
    if field not in first:
        raise InputError(f"{source.name}: the first record has no field '{field}' (fields: {', '.join(first)})")

    spark = _session()
    df = _reject_malformed(spark.read.option("mode", "PERMISSIVE").json(str(source)), source)
    text_type = dict(df.dtypes).get(field)
    if text_type != "string":
        raise InputError(f"{source.name}: field '{field}' must hold strings, found {text_type}")
    # Spark orders inferred fields alphabetically; put them back in the order the file uses.
    columns = [c for c in first if c in df.columns] + [c for c in df.columns if c not in first]
    order = "__redact_row"
    redacted = (
        df.withColumn(order, F.monotonically_increasing_id())
        .transform(with_redacted_text, detectors, field)
        .cache()
    )
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        (
            redacted.select(order, *columns)
            .repartition(1)
            .sortWithinPartitions(order)
            .drop(order)
            .write.mode("overwrite")
            .option("ignoreNullFields", "false")
            .json(str(tmp / "out"))
        )
        (part,) = sorted((tmp / "out").glob("part-*"))
        shutil.move(str(part), str(target))
        totals = pii_totals(redacted)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        redacted.unpersist()
    found = ", ".join(f"{k}={v}" for k, v in totals.items() if v) or "none"
    click.echo(f"redacted {target.name}: {found}", err=True)


@click.command("pii-eval")
@click.argument("labels_path", metavar="LABELS.jsonl")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON instead of a table.")
@click.option("--detectors", "detectors_path", default=None, help="Detector settings (default as for redact).")
@click.option(
    "--misses",
    "misses_path",
    default=None,
    help="Also write every leaked value and lost decoy to this JSON-lines file (synthetic data only: it holds text).",
)
@click.option("--record", "record_path", default=None, help="Also write the measurement as JSON to this file (docs/pii.md).")
@click.option(
    "--require-targets",
    is_flag=True,
    help=f"Exit 4 unless every type and class reaches recall {RECALL_TARGET} and every look-alike kind survival {SURVIVAL_TARGET}.",
)
def pii_eval(
    labels_path: str, as_json: bool, detectors_path: str | None, misses_path: str | None, record_path: str | None, require_targets: bool
) -> None:
    """Measure the redactor on labelled records: recall per PII type and per class (how many values vanished), and
    survival per look-alike kind (dates, prices, ISBNs, checksum-invalid look-alikes, ...), beside the targets."""
    from postcurate.pii import with_redacted_text
    from postcurate.pii.evaluation import LABELS_SCHEMA, decoy_survival, misses, pii_recall, recall_by_class

    source = _input_file(labels_path)
    _first_object(source)
    detectors = _detectors(detectors_path)
    spark = _session()
    labels = spark.read.schema(LABELS_SCHEMA + ", _corrupt_record string").option("mode", "PERMISSIVE").json(str(source))
    labels = _reject_malformed(labels, source)
    redacted = labels.transform(with_redacted_text, detectors, "text").cache()
    try:
        records = redacted.count()
        recall = [r.asDict() for r in pii_recall(redacted).collect()]
        by_class = [r.asDict() for r in recall_by_class(redacted).collect()]
        decoys = [r.asDict() for r in decoy_survival(redacted).collect()]
        if misses_path:
            misses(redacted).coalesce(1).toPandas().to_json(misses_path, orient="records", lines=True, force_ascii=False)
    finally:
        redacted.unpersist()
    report = summarise(recall, decoys, by_class)
    if record_path:
        Path(record_path).parent.mkdir(parents=True, exist_ok=True)
        measured = measurement(report, source, records, detectors_path)
        Path(record_path).write_text(json.dumps(measured, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    click.echo(json.dumps(report, indent=2) if as_json else format_table(report))
    if require_targets and not report["overall"]["targets_met"]:
        raise TargetsNotMet(f"PII targets not met: {len(report['overall']['below_target'])} figure(s) below target "
                            f"({', '.join(report['overall']['below_target'][:12])}{', ...' if len(report['overall']['below_target']) > 12 else ''})")


class TargetsNotMet(PostcurateError):
    """``pii-eval --require-targets``: some type, class or look-alike kind is below its target (exit 4)."""

    exit_code = EXIT_QUALITY_GATE_FAILED


def _rate(key: str, target: float, rows: list[dict], name: str, count: str) -> dict:
    return {
        r[name]: {"values": r["values"], count: r[count], key: round(r[key], 4), "target": target, "meets_target": r[key] >= target}
        for r in rows
    }


def summarise(recall: list[dict], decoys: list[dict], by_class: list[dict] | None = None) -> dict:
    """The report: per type, per class and per look-alike kind, with the targets; ``overall.targets_met``."""
    values = sum(r["values"] for r in recall)
    vanished = sum(r["vanished"] for r in recall)
    shown = sum(d["values"] for d in decoys)
    survived = sum(d["survived"] for d in decoys)
    report = {
        "targets": {"recall": RECALL_TARGET, "survival": SURVIVAL_TARGET},
        "recall": _rate("recall", RECALL_TARGET, recall, "type", "vanished"),
        "recall_by_class": _rate("recall", RECALL_TARGET, by_class or [], "class", "vanished"),
        "survival": _rate("survival", SURVIVAL_TARGET, decoys, "kind", "survived"),
    }
    below = [f"type {k}" for k, v in report["recall"].items() if not v["meets_target"]]
    below += [f"class {k}" for k, v in report["recall_by_class"].items() if not v["meets_target"]]
    below += [f"kind {k}" for k, v in report["survival"].items() if not v["meets_target"]]
    report["overall"] = {
        "pii_values": values,
        "recall": round(vanished / values, 4) if values else None,
        "min_type_recall": round(min((r["recall"] for r in recall), default=1.0), 4),
        "min_class_recall": round(min((r["recall"] for r in by_class or []), default=1.0), 4),
        "decoys": shown,
        "decoy_survival": round(survived / shown, 4) if shown else None,
        "min_kind_survival": round(min((d["survival"] for d in decoys), default=1.0), 4),
        "targets_met": not below,
        "below_target": below,
    }
    # The first version's key for the look-alikes, kept for readers of older output.
    report["decoys"] = report["survival"]
    return report


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def measurement(report: dict, labels: Path, records: int, detectors_path: str | None) -> dict:
    """The ``--record`` document (format 1, docs/pii.md "Recorded measurements"): what was measured, on what, by which
    code and detector settings, and the figures."""
    import datetime as dt

    from postcurate.resources import checkout, checkout_commit, data_dir

    detectors_file: Traversable  # a file of the checkout, or of the installed package
    if detectors_path:
        detectors_file = Path(detectors_path)
    elif DEFAULT_DETECTORS.is_file():
        detectors_file = DEFAULT_DETECTORS
    else:
        detectors_file = data_dir("conf") / "detectors.yaml"  # the shipped settings, as default_detectors() reads them
    root = checkout()
    found = checkout_commit(root) if root is not None else None  # "<sha>" or "<sha>-dirty"; None outside a checkout
    commit, dirty = (found.removesuffix("-dirty"), found.endswith("-dirty")) if found else (None, None)
    return {
        "format": 1,
        "measured_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "code_commit": commit,
        "code_dirty": dirty,
        "eval_set": {"path": str(labels), "sha256": _sha256(labels.read_bytes()), "records": records},
        "detectors": str(detectors_file),
        "detectors_sha256": _sha256(detectors_file.read_bytes()),
        "targets": report["targets"],
        "recall": report["recall"],
        "recall_by_class": report["recall_by_class"],
        "survival": report["survival"],
        "overall": report["overall"],
    }


def format_table(report: dict) -> str:
    def mark(ok: bool) -> str:
        return "" if ok else "  below target"

    t = report["targets"]
    lines = [f"{'PII type':<24}{'values':>8}{'vanished':>10}{'recall':>9}  (target {t['recall']})"]
    for name, r in report["recall"].items():
        lines.append(f"{name:<24}{r['values']:>8}{r['vanished']:>10}{r['recall']:>9.4f}{mark(r['meets_target'])}")
    if report["recall_by_class"]:
        lines += ["", f"{'class':<24}{'values':>8}{'vanished':>10}{'recall':>9}  (target {t['recall']})"]
        for name, r in report["recall_by_class"].items():
            lines.append(f"{name:<24}{r['values']:>8}{r['vanished']:>10}{r['recall']:>9.4f}{mark(r['meets_target'])}")
    lines += ["", f"{'look-alike kind':<24}{'values':>8}{'survived':>10}{'rate':>9}  (target {t['survival']})"]
    for name, d in report["survival"].items():
        lines.append(f"{name:<24}{d['values']:>8}{d['survived']:>10}{d['survival']:>9.4f}{mark(d['meets_target'])}")
    o = report["overall"]
    lines += [
        "",
        f"overall recall {o['recall']} over {o['pii_values']} values (lowest type {o['min_type_recall']}, lowest class "
        f"{o['min_class_recall']}); look-alike survival {o['decoy_survival']} over {o['decoys']} (lowest kind {o['min_kind_survival']})",
        "targets met" if o["targets_met"] else f"targets NOT met: {len(o['below_target'])} figure(s) below target",
    ]
    return "\n".join(lines)
