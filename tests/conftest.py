"""One SparkSession for the whole suite: small shuffles, no UI, Delta enabled."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

# Python datetimes cross into Spark through the process's local zone; pin it so tests mean the same everywhere.
os.environ["TZ"] = "UTC"
time.tzset()

from postcurate.session import build_spark  # noqa: E402  (after the zone is pinned)


@pytest.fixture(scope="session")
def spark():
    session = build_spark(
        app_name="postcurate-tests",
        master="local[2]",
        conf={
            # The whole suite (hundreds of job runs, cached frames, Delta logs) shares this one driver; Spark's 1g
            # default filled up late in the run and a broadcast then failed for want of memory.
            "spark.driver.memory": "3g",
            "spark.sql.shuffle.partitions": 2,
            "spark.default.parallelism": 2,
            "spark.ui.enabled": False,
            "spark.sql.adaptive.enabled": False,
            "spark.databricks.delta.snapshotPartitions": 2,
            "spark.sql.sources.parallelPartitionDiscovery.parallelism": 2,
            # Test frames are tiny: compiling generated code costs more than it saves.
            "spark.sql.codegen.wholeStage": False,
        },
    )
    yield session
    session.stop()


# For the runs a test starts in a JVM of its own (a crash, a full disk, the demo, the UI): such a JVM lives a minute,
# and on two cores the optimising compiler's threads take CPU from the run for code it barely uses. The quick
# compiler alone made a cold 300-post run about 15% faster here (51 s against 58-62 s); semantics are the same.
# With the quick compiler alone the JVM reserves 48 MB for compiled code instead of 240 MB, and a run filled it once
# ("Out of space in CodeCache for adapters", a JVM that dies mid-gate): the cache gets the usual size back.
SHORT_JVM_CONF = {"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m"}

def staged_shard_files(root: Path) -> list[Path]:
    """Shard files a run has written into its staging folder under output root ``root`` so far."""
    return [p for p in (root / "_staging").glob("*/shards/**/*") if p.is_file()] if (root / "_staging").is_dir() else []


def kill_when_writing(run, root: Path, log: Path, timeout_s: float = 900) -> None:
    """SIGKILL the process group of ``run`` (a ``subprocess.Popen`` started in a session of its own, so its JVM
    goes too) as soon as it has staged a shard file under ``root``; fail if it ends or times out first."""
    import signal

    def tail() -> str:
        return "\n".join(log.read_text(errors="replace").splitlines()[-30:])

    try:
        deadline = time.monotonic() + timeout_s
        while not staged_shard_files(root):
            assert run.poll() is None, f"the run ended (exit {run.returncode}) before it wrote anything:\n{tail()}"
            assert time.monotonic() < deadline, f"no staged shard file appeared:\n{tail()}"
            time.sleep(0.1)
        os.killpg(run.pid, signal.SIGKILL)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=60)


def cli_in_this_process(spark, args: list[str], env: dict[str, str]):
    """``postcurate ARGS`` run by click in this process: its session is the suite's (``getOrCreate``), so it costs
    no JVM start. The run applies its config's runtime settings to that session (adaptive execution on, among
    others); they are put back afterwards, so the tests after it see the suite's settings. Returns click's Result
    (``exit_code``, ``output``)."""
    from click.testing import CliRunner

    from postcurate.cli import main

    before = dict(spark.conf.getAll)
    try:
        return CliRunner().invoke(main, args, env=env)
    finally:
        after = dict(spark.conf.getAll)
        for name in after.keys() - before.keys():
            if spark.conf.isModifiable(name):
                spark.conf.unset(name)
        for name, value in before.items():
            if after.get(name) != value and spark.conf.isModifiable(name):
                spark.conf.set(name, value)


TEST_KEY = b"tk-7f3a9c2e5b8d1f4a6c0e9b2d7a5f3c8e1b4d"  # random-looking: config.key() refuses weak keys
REFERENCE_AS_OF = "2026-11-01T00:00:00+00:00"


def full_device_error() -> OSError:
    """A real ENOSPC from the kernel: /dev/full refuses every write."""
    try:
        with open("/dev/full", "wb") as full:
            full.write(b"x" * 8192)
    except OSError as exc:
        return exc
    raise AssertionError("/dev/full took a write")


def write_config(folder, lake, output_root, **overrides) -> Path:
    """A run config for tests: the shipped geo rules and detectors, the given lake and output root."""

    import yaml

    repo = Path(__file__).resolve().parents[1]
    config = {
        "environment": "test",
        "inputs": {t: str(Path(lake) / t) for t in ("posts", "users", "objections")},
        "output_root": str(output_root),
        "geo_rules": str(repo / "conf" / "geo_rules.yaml"),
        "detectors": str(repo / "conf" / "detectors.yaml"),
        "pseudonyms": {"key_env": "POSTCURATE_TEST_KEY"},
        "rules": {"objections_max_staleness_hours": 24},
        "output": {"shard_target_mb": 1},
    }
    for dotted, value in overrides.items():
        section, _, key = dotted.partition("__")
        if key:
            config.setdefault(section, {})[key] = value
        else:
            config[section] = value
    path = Path(folder) / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _publish(spark, lake_root, folder: Path, **overrides):
    """The real job run in this process on ``lake_root`` into ``folder / "out"``, as of the generator's reference time."""
    import datetime as dt

    from postcurate.config import load_config
    from postcurate.job import parse_as_of, run

    config = load_config(write_config(folder, lake_root, folder / "out", **overrides))
    now = dt.datetime.now(dt.timezone.utc)
    before = cached_by_us(spark)
    result = run(spark, config, key=TEST_KEY, as_of=parse_as_of(REFERENCE_AS_OF, now), now=now)
    assert result.published
    # A run releases every frame it cached (a cached frame also holds its plan's broadcast tables in the driver).
    assert cached_by_us(spark) == before
    return result


def cached_by_us(spark) -> set[int]:
    """Ids of the cached RDDs in ``spark`` other than Delta's own caches of its tables' logs."""
    held = spark.sparkContext._jsc.getPersistentRDDs()
    return {int(i) for i, rdd in held.items() if not str(rdd.name() or "").startswith("Delta Table State")}


@pytest.fixture(scope="session")
def sample_lake(spark, tmp_path_factory):
    """A seeded lake of 3,000 posts (and its _truth table), shared by the end-to-end tests. Read-only."""
    from postcurate.seed import seed_lake

    root = tmp_path_factory.mktemp("lake")
    summary = seed_lake(spark, str(root), posts=3000, seed=11)
    return summary


@pytest.fixture(scope="session")
def small_lake(spark, tmp_path_factory):
    """A seeded lake of 300 posts, for the tests where the lake's size is not the point (runs in their own process,
    a crash, a disk that fills). Read-only."""
    from postcurate.seed import seed_lake

    return seed_lake(spark, str(tmp_path_factory.mktemp("small-lake")), posts=300, seed=11)


@pytest.fixture(scope="session")
def small_lake_snapshot(spark, small_lake, tmp_path_factory):
    """One published snapshot of ``small_lake`` as of the generator's reference time, made in this process. Read-only."""
    return _publish(spark, small_lake.root, tmp_path_factory.mktemp("small-lake-published"))


@pytest.fixture(scope="session")
def published_snapshot(spark, sample_lake, tmp_path_factory):
    """One published snapshot of ``sample_lake`` as of the generator's reference time. Read-only."""
    return _publish(spark, sample_lake.root, tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="session")
def empty_snapshot(spark, sample_lake, tmp_path_factory):
    """A snapshot of ``sample_lake`` where every post was read and none qualified (no text is 100,000 characters
    long), published alone in its own output root. Read-only."""
    return _publish(spark, sample_lake.root, tmp_path_factory.mktemp("empty-snapshot"), rules__min_text_length=100_000)


@pytest.fixture(scope="session")
def small_published(spark, tmp_path_factory):
    """The purge kit's small lake (eight authors, three posts each) published once by the real job, for the purge,
    shrink and reading-recipe tests. Read-only: tests that change it take ``purgekit.fresh_copy``."""
    from purgekit import publish

    return publish(spark, tmp_path_factory.mktemp("small-published"))
