"""``postcurate dedup-eval``: near-duplicate detection measured on a labelled set, against exact Jaccard.

A thin shell: it builds a small local Spark session, reads the labelled JSON lines, and calls the job's own
functions (``postcurate.dedup``) through ``postcurate.dedup.evaluation``. The settings are the config's ``dedup:``
section (``--config``) or the defaults, with any option given on the command line on top. It prints the texts of
no post.
"""

from __future__ import annotations

import json
from dataclasses import replace

import click

from postcurate.commands.pii import _first_object, _input_file, _reject_malformed, _session
from postcurate.errors import ConfigError


def _settings(config_path: str | None, overrides: dict):
    from postcurate.config import DedupSettings

    if config_path:
        from postcurate.config import load_config

        settings = load_config(config_path).dedup
    else:
        settings = DedupSettings()
    shingle = {k: overrides.pop(f"shingle_{k}") for k in ("unit", "size")}
    settings = replace(settings, shingle=replace(settings.shingle, **{k: v for k, v in shingle.items() if v is not None}))
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    if settings.bands * settings.rows > 4096:
        raise ConfigError(f"dedup-eval: bands x rows must be at most 4096 hash values, got {settings.bands * settings.rows}")
    return settings


@click.command("dedup-eval")
@click.argument("labels_path", metavar="LABELS.jsonl")
@click.option("--config", "config_path", default=None, help="Take the dedup: settings from this config (default: the built-in defaults).")
@click.option("--threshold", type=click.FloatRange(0.5, 1.0), default=None, help="Jaccard similarity at which two posts are near-duplicates.")
@click.option("--shingle-unit", type=click.Choice(["characters", "words"]), default=None)
@click.option("--shingle-size", type=click.IntRange(1, 32), default=None)
@click.option("--bands", type=click.IntRange(1, 512), default=None)
@click.option("--rows", type=click.IntRange(1, 64), default=None)
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON instead of tables.")
def dedup_eval(labels_path: str, config_path: str | None, as_json: bool, **overrides) -> None:
    """Precision and recall of near-duplicate pairs on a labelled set (eval/dedup_eval.jsonl), the S-curve of
    the banding, and how many copies and decoys were merged with their original."""
    from postcurate.dedup import register_near_duplicate_functions, register_normaliser
    from postcurate.dedup.evaluation import LABELS_SCHEMA, as_candidates, merged_by_kind, scored_pairs, summary

    source = _input_file(labels_path)
    if _first_object(source) is None:
        raise ConfigError(f"{source.name} is empty: nothing to evaluate")
    settings = _settings(config_path, overrides)
    spark = _session()
    register_normaliser(spark)
    near = register_near_duplicate_functions(spark, settings)
    labelled = _reject_malformed(spark.read.schema(LABELS_SCHEMA + ", _corrupt_record string").option("mode", "PERMISSIVE").json(str(source)), source)
    missing = labelled.where(labelled["id"].isNull() | labelled["group"].isNull() | labelled["text"].isNull()).count()
    if missing:
        raise ConfigError(f"{source.name}: {missing} record(s) lack an id, group or text")
    posts = as_candidates(labelled).persist()
    scored = scored_pairs(posts, settings, near)
    try:
        report = summary(scored, settings) | {"kinds": merged_by_kind(posts, scored), "edits_by_lang": merged_by_kind(posts, scored, "lang")}
    finally:
        scored.unpersist()
        posts.unpersist()
    click.echo(json.dumps(report, indent=2) if as_json else format_report(report))


def format_report(report: dict) -> str:
    s = report["settings"]
    lines = [
        f"{s['shingle']['unit']} shingles of {s['shingle']['size']}, {s['bands']} bands x {s['rows']} rows, threshold {s['threshold']}",
        f"{report['pairs']} pairs scored, {report['pairs_at_or_above_threshold']} with Jaccard >= {s['threshold']}",
        "",
    ]
    names = list(next(iter(report["decisions"].values())))
    metric_names = [n for n in names if n not in ("pairs", "meets_targets")]
    lines.append(f"{'scored':<14}{'pairs':>8}" + "".join(f"{n:>28}" for n in metric_names) + f"{'targets met':>13}")
    for decision, d in report["decisions"].items():
        lines.append(f"{decision:<14}{d['pairs']:>8}" + "".join(f"{str(d[n]):>28}" for n in metric_names) + f"{'yes' if d['meets_targets'] else 'NO':>13}")
    lines.append("targets: " + ", ".join(f"{k} >= {v}" for k, v in report["targets"].items()))
    c = report["clusters"]
    lines.append(f"pairs in one cluster (chains included): {c['pairs']}, " + ", ".join(f"{k} {v}" for k, v in c.items() if k != "pairs"))
    lines += ["", f"{'jaccard':<12}{'pairs':>8}{'proposed':>10}{'theory':>9}{'linked':>9}{'resolved':>10}"]
    for b in report["s_curve"]:
        lines.append(f"{b['jaccard']:<12}{b['pairs']:>8}{b['proposed']:>10}{b['theory']:>9}{b['linked']:>9}{b['resolved']:>10}")
    lines += ["", f"{'kind':<10}{'posts':>8}{'removed as duplicate of original':>34}"]
    for kind, k in report["kinds"].items():
        lines.append(f"{kind:<10}{k['posts']:>8}{k['removed_as_duplicate_of_original']:>34}")
    lines += ["", "edits by language: " + ", ".join(f"{lang} {k['removed_as_duplicate_of_original']}/{k['posts']}" for lang, k in report["edits_by_lang"].items())]
    return "\n".join(lines)
