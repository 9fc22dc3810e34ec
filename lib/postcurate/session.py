"""The one place that builds a SparkSession with Delta Lake enabled.

The library never calls this itself: jobs, the CLI and tests build the session here and pass it in.

Two sets of JVM classes must be on Spark's classpath: Delta Lake's, and postcurate's own (``jvm/``, built by
``make jvm``: the function that makes keyed pseudonyms). Delta's jars come from one of three places, in this order:
1. ``spark.jars`` in the config (or ``POSTCURATE_SPARK_JARS``): pre-fetched jar files, for machines with no
   route to Maven Central (comma-separated paths);
2. nothing, when the session is launched by ``spark-submit --packages io.delta:...`` (the cluster case);
   set ``spark.delta_from_submit: true`` in the config for that (``spark.jars`` and ``POSTCURATE_SPARK_JARS`` are then ignored);
3. otherwise Maven Central, resolved by Spark on first use and cached under ``~/.ivy2.5.2``.

postcurate's jar comes from the checkout's ``jvm/target`` (or the installed wheel) in cases 1 and 3, and from
``spark-submit --jars`` in case 2. A missing class is a user's error with one message naming what to pass, checked
as soon as the session exists, before any Spark work.

The JVM that PySpark launches writes to the process's own stdout and stderr: Ivy's resolution report (about 90
lines on every start, cached or not), log4j's start-up lines and JVM warnings. The command line sends all of it to
a log file instead (``quiet_jvm``; ``-v`` keeps it on the terminal). Under spark-submit the JVM already exists and
this module leaves its output alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from py4j.java_gateway import JavaClass, JVMView
from pyspark.sql import SparkSession

from postcurate.errors import ConfigError, SparkStartError

DELTA_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}

# Sensible for a batch job of this shape; any of them can be overridden from the config.
DEFAULT_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "true",
    # Arrow is how the PII stage's vectorised checks exchange data with Python.
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # Delta replays a table's log into this many partitions the first time a version is read. Its default, 50,
    # suits logs of millions of files; a log of a few commits then costs 50 near-empty tasks, 3-6 s per table on
    # two cores, paid for each of the three input tables. A cluster reading platform-size logs sets it higher
    # (conf/cluster.yaml).
    "spark.databricks.delta.snapshotPartitions": "2",
    # The job caches two frames it reads a few times each, soon after writing them (the decided posts, the
    # redacted candidates). Compressing the cache's columns costs more CPU than it saves (measured at 5M posts:
    # 159 s uncompressed, 182 s compressed; about 1 GB more heap); MEMORY_AND_DISK spills what does not fit.
    "spark.sql.inMemoryColumnarStorage.compressed": "false",
}


def delta_package() -> str:
    """The Maven coordinate of the Delta jar that matches the installed delta-spark and pyspark."""
    from importlib.metadata import version

    import pyspark

    spark_minor = ".".join(pyspark.__version__.split(".")[:2])
    return f"io.delta:delta-spark_{spark_minor}_2.13:{version('delta-spark')}"


def build_spark(
    app_name: str = "postcurate",
    master: str | None = None,
    conf: Mapping[str, Any] | None = None,
    jars: str | None = None,
    delta_from_submit: bool = False,
) -> SparkSession:
    """Build (or reuse) the SparkSession for a run, with Delta Lake enabled.

    >>> spark = build_spark(master="local[2]", conf={"spark.sql.shuffle.partitions": 4})
    """
    # Spark's Python workers must run this interpreter (pandas, pyarrow for the PII stage's Arrow UDF), not
    # whatever python3 is first on the PATH. A cluster config sets spark.pyspark.python instead.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if master and master.startswith("local"):
        # A local run talks only to itself; binding to loopback also silences Spark's hostname warning.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    # Spark's console progress bar only helps a person watching a terminal; in a scheduler's log it is noise.
    progress = {"spark.ui.showConsoleProgress": "true"} if sys.stderr.isatty() else {}
    settings: dict[str, Any] = {**DEFAULT_CONF, **progress, **DELTA_CONF, **dict(conf or {})}
    # Under spark-submit, --packages/--jars already put Delta on the driver's and executors' classpaths; setting
    # spark.jars here as well would replace the list spark-submit ships to the executors.
    if not delta_from_submit:
        ours = _own_jar()
        jars = jars or os.environ.get("POSTCURATE_SPARK_JARS")
        if jars:
            settings["spark.jars"] = f"{jars},{ours}"
        else:
            settings["spark.jars"] = ours
            settings["spark.jars.packages"] = delta_package()
    for key, value in settings.items():
        builder = builder.config(key, str(value).lower() if isinstance(value, bool) else str(value))
    if delta_from_submit:
        # spark-submit started the JVM before this process: check its classpath before the session exists, or
        # Spark logs a stack trace for the Delta extension it cannot load before we get to say what to pass.
        from pyspark import SparkContext

        SparkContext._ensure_initialized()
        for class_name, what in REQUIRED_CLASSES:
            _require(SparkContext._jvm, class_name, what)
    spark = _start(builder)
    spark.sparkContext.setLogLevel("ERROR")
    for class_name, what in REQUIRED_CLASSES:
        require_jvm_class(spark, class_name, what)
    return spark


@dataclass(frozen=True)
class JvmOutput:
    """Where a JVM started by this process writes: a new file in ``folder``, named to the caller by ``announce``."""

    folder: Path
    announce: Callable[[Path], None]
    keep: int = 20  # older spark-*.log files in the folder are removed


_jvm_output: JvmOutput | None = None
LOG_NAME = re.compile(r"spark-\d{8}T\d{6}Z-\d+\.log")


def quiet_jvm(folder: str | Path | None, announce: Callable[[Path], None] = lambda path: None) -> None:
    """Send the output of the JVM that the next ``build_spark`` launches to a log file in ``folder`` (None: leave
    it on this process's stdout and stderr, the default). Set once by the command line, like ``logging``."""
    global _jvm_output
    _jvm_output = JvmOutput(Path(folder), announce) if folder is not None else None


def _new_log(out: JvmOutput) -> Path:
    # 0700/0600: the JVM's messages are for the operator (a failing start-up can quote paths and settings).
    out.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = out.folder / f"spark-{stamp}-{os.getpid()}.log"
    old = sorted((p for p in out.folder.iterdir() if LOG_NAME.fullmatch(p.name)), key=lambda p: p.name)
    for stale in old[: max(0, len(old) - out.keep + 1)]:
        stale.unlink(missing_ok=True)
    return path


@contextlib.contextmanager
def _fds_to(path: Path) -> Iterator[None]:
    """Point file descriptors 1 and 2 at ``path`` for the duration; a child started meanwhile keeps them."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0), 0o600)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = (os.dup(1), os.dup(2))
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (*saved, fd):
            os.close(f)


def _cause(log: Path) -> str:
    """The JVM's own last error line in ``log`` (e.g. Ivy's "unresolved dependency"), else its last line, or ""."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    said = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith(("at ", "..."))]
    errors = [ln for ln in said if re.search(r"Exception|Error|error|No such file|not found|unresolved", ln)]
    return (errors or said or [""])[-1][:300]


def _start(builder) -> SparkSession:
    """``builder.getOrCreate()``; when a new JVM is launched under ``quiet_jvm``, its output goes to a log file."""
    out = _jvm_output
    # Under spark-submit the JVM is already running (PySpark connects to it through PYSPARK_GATEWAY_PORT), and a
    # session that exists is reused: no JVM is launched, so there is nothing to redirect.
    if out is None or "PYSPARK_GATEWAY_PORT" in os.environ or SparkSession.getActiveSession() is not None:
        return builder.getOrCreate()
    log = _new_log(out)
    try:
        with _fds_to(log):
            spark = builder.getOrCreate()
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".")
        cause = _cause(log)
        raise SparkStartError(
            f"Spark did not start: {first}" + (f" (the JVM said: {cause})" if cause else "") + f"; its output is in {log} (-v shows it here)"
        ) from None
    out.announce(log)
    return spark


DELTA_CLASS = "io.delta.tables.DeltaTable"
OWN_CLASS = "org.postcurate.spark.Pseudonyms"
REQUIRED_CLASSES = ((DELTA_CLASS, "Delta Lake's classes"), (OWN_CLASS, "postcurate's JVM functions"))


def _own_jar() -> str:
    from postcurate.resources import jvm_jar

    jar = jvm_jar()
    if jar is None:
        raise ConfigError(
            "postcurate's JVM functions are not built: run `make jvm` in the checkout (Maven, Java 17), "
            "or install the postcurate wheel, which carries them"
        )
    return str(jar)


def _fix_for(class_name: str) -> str:
    from postcurate import __version__

    if class_name == DELTA_CLASS:
        return f"pass --packages {delta_package()} to spark-submit (or --jars with the Delta jars; docs/cluster.md)"
    return f"pass --jars dist/postcurate-jvm-{__version__}.jar to spark-submit (`make dist` builds it; docs/cluster.md)"


def require_jvm_class(spark: SparkSession, class_name: str, what: str) -> JavaClass:
    """The JVM class ``class_name``, or one clear line when it is not on the driver's classpath (py4j would otherwise
    hand back a package object, and the first call fail with "'JavaPackage' object is not callable")."""
    return _require(spark._jvm, class_name, what)


def _require(jvm: JVMView | None, class_name: str, what: str) -> JavaClass:
    if jvm is None:
        raise RuntimeError("Spark's JVM is not running (the session was stopped)")
    found = jvm
    for part in class_name.split("."):
        found = getattr(found, part)
    if not isinstance(found, JavaClass):
        raise ConfigError(f"{what} are not on Spark's classpath ({class_name} not found): {_fix_for(class_name)}")
    return found


def build_spark_from_config(config, app_name: str = "postcurate") -> SparkSession:
    """Build the session a config file asks for (its ``spark:`` section, ``postcurate.config.SparkSettings``)."""
    settings = config.spark
    return build_spark(
        app_name=app_name,
        master=settings.master,
        conf=settings.conf,
        jars=settings.jars,
        delta_from_submit=settings.delta_from_submit,
    )
