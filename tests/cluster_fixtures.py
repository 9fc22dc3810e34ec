"""A real Spark standalone cluster for the tests: one master and two workers on 127.0.0.1, plus spark-submit.

Every daemon runs in its own process group (the worker's executors and their Python workers inherit it), so a
worker can be lost whole with one ``killpg`` and teardown leaves nothing behind. Sizes are small on purpose: the
tests share a machine (2 workers x 1 core x 1 GiB, daemons with 256 MiB heaps).

The code reaches the cluster the way it does in production: the wheel, built from this checkout, shipped with
``--py-files``. The driver and executors run a Python that has the third-party dependencies but *not* postcurate
(a bare venv whose one ``.pth`` line points at this environment's site-packages; the editable install's own ``.pth``
is not processed from there), so a file missing from the wheel fails the test instead of being found in the checkout.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pyspark

from postcurate.session import delta_package

REPO = Path(__file__).resolve().parents[1]
SPARK_HOME = Path(pyspark.__file__).resolve().parent
WORKERS = 2
QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def _die_with_test_process() -> None:
    """In the child before exec: be killed if the test process dies (even by SIGKILL) before its teardown runs."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux); kept across exec, so it holds for the JVM itself
    except (OSError, AttributeError):
        pass  # not Linux: teardown's killpg is all there is


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def kill_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """End ``proc`` and everything in its process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # The leader may be gone while members linger (an executor whose worker died): sweep the group once more.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def runtime_python(folder: Path) -> Path:
    """A Python with pyspark, pandas, pyarrow, yaml and click importable, but without postcurate."""
    venv = folder / "runtime-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "postcurate-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    probe = subprocess.run([str(python), "-c", "import importlib.util as u, pyspark, pandas, pyarrow; print(u.find_spec('postcurate'))"],
                           capture_output=True, text=True, env=_clean_env())
    assert probe.returncode == 0 and probe.stdout.strip() == "None", f"runtime python not as intended: {probe.stdout}{probe.stderr}"
    return python


def build_dist(folder: Path) -> tuple[Path, Path, Path]:
    """Build the wheel, its --py-files copy and the JVM functions' jar with the documented script; (wheel, zip, jar)."""
    out = subprocess.run([str(REPO / "deploy" / "build-dist"), str(folder)], check=True, capture_output=True, text=True,
                         env={**_clean_env(), "PYTHON": sys.executable}, timeout=300).stdout.split()
    return Path(out[0]), Path(out[1]), Path(out[2])


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYSPARK_", "SPARK_")) and k not in ("PYTHONPATH", "POSTCURATE_SPARK_JARS")}
    return env


def jar_submit_args(own_jar: Path, delta_jars: str | None = None) -> list[str]:
    """The JVM classes for spark-submit: postcurate's jar, and Delta's (the pre-fetched jars ``delta_jars``, or those
    POSTCURATE_SPARK_JARS names, else the Maven package)."""
    delta = delta_jars or os.environ.get("POSTCURATE_SPARK_JARS")
    return ["--jars", f"{delta},{own_jar}"] if delta else ["--jars", str(own_jar), "--packages", delta_package()]


def prefetched_delta_jars(spark) -> str:
    """The delta-spark and delta-storage jar files the test session already resolved (README: "pre-fetched jars"),
    comma-separated for ``--jars``. ``--packages`` resolves 33 modules with Ivy on every submit (about 5 s) and
    ships all 86 MB of them to each executor, most of them copies of jars Spark already has."""
    conf = spark.sparkContext.getConf()
    # spark.jars: the POSTCURATE_SPARK_JARS files; spark.repl.local.jars: what spark.jars.packages resolved.
    listed = ",".join(conf.get(key, "") for key in ("spark.jars", "spark.repl.local.jars")).split(",")
    found = sorted({
        urllib.parse.unquote(urllib.parse.urlparse(j).path) if j.startswith("file:") else j
        for j in listed
        if re.search(r"(^|[_/])delta-(spark_[0-9.]+_2\.13|storage)-[0-9.]+\.jar$", j)
    })
    assert len(found) == 2 and all(Path(j).is_file() for j in found), f"the test session's Delta jars not found: {found}"
    return ",".join(found)


@dataclass
class Daemon:
    name: str
    proc: subprocess.Popen
    log: Path
    work_dir: Path | None = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None


@dataclass
class Cluster:
    root: Path
    master_url: str
    python: Path
    py_files: Path
    jar: Path
    env: dict[str, str]
    delta_jars: str | None = None  # pre-fetched Delta jars for --jars (None: --packages)
    master: Daemon | None = None
    workers: list[Daemon] = field(default_factory=list)

    def submit(self, script: Path, args: list[str], *, conf: dict[str, str] | None = None, log: Path,
               delta_package: bool = False) -> subprocess.Popen:
        """Start ``spark-submit`` of ``script`` against this cluster (client mode); stdout and stderr go to ``log``.
        Delta comes from the pre-fetched jars (``delta_jars``), or as ``--packages`` when ``delta_package``."""
        settings = {
            "spark.pyspark.python": str(self.python),
            "spark.pyspark.driver.python": str(self.python),
            "spark.executor.memory": "640m",
            "spark.executor.cores": "1",
            "spark.ui.enabled": "false",
            "spark.driver.host": "127.0.0.1",
            # Short-lived JVMs on two shared cores: the C2 compiler's and parallel GC's threads cost more than
            # they return in a job of seconds.
            "spark.driver.extraJavaOptions": QUICK_JVM,
            "spark.executor.extraJavaOptions": QUICK_JVM,
            **(conf or {}),
        }
        delta_jars = None if delta_package else self.delta_jars
        cmd = [str(SPARK_HOME / "bin" / "spark-submit"), "--master", self.master_url, "--deploy-mode", "client",
               "--driver-memory", "1g", *jar_submit_args(self.jar, delta_jars), "--py-files", str(self.py_files)]
        for key, value in settings.items():
            cmd += ["--conf", f"{key}={value}"]
        cmd += [str(script), *args]
        out = open(log, "w")
        try:
            return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env, cwd=self.root,
                                    start_new_session=True, preexec_fn=_die_with_test_process)
        finally:
            out.close()

    def executor_dirs(self, worker: Daemon) -> list[Path]:
        """The executor folders this worker has launched (``<work_dir>/<app-id>/<executor-id>``)."""
        return sorted(p for p in worker.work_dir.glob("app-*/*") if p.is_dir())

    def stop(self) -> None:
        for daemon in [*self.workers, *([self.master] if self.master else [])]:
            kill_group(daemon.proc)


def _start(name: str, cls: str, args: list[str], env: dict, log: Path) -> Daemon:
    out = open(log, "w")
    try:
        proc = subprocess.Popen([str(SPARK_HOME / "bin" / "spark-class"), cls, *args], stdout=out, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True, preexec_fn=_die_with_test_process)
    finally:
        out.close()
    return Daemon(name, proc, log)


@contextlib.contextmanager
def standalone_cluster(root: Path, python: Path, py_files: Path, jar: Path, *, delta_jars: str | None = None, worker_memory: str = "1g",
                       startup_timeout: float = 120):
    """Start a master and two one-core workers on 127.0.0.1; yield a ``Cluster``; stop them all on exit."""
    root.mkdir(parents=True, exist_ok=True)
    conf_dir = root / "spark-conf"  # an empty conf dir: nothing from the host's Spark configuration leaks in
    conf_dir.mkdir(exist_ok=True)
    env = {
        **_clean_env(),
        "SPARK_HOME": str(SPARK_HOME),
        "SPARK_CONF_DIR": str(conf_dir),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_DAEMON_MEMORY": "256m",
        "SPARK_DAEMON_JAVA_OPTS": QUICK_JVM,
        "PYSPARK_PYTHON": str(python),
        "PYSPARK_DRIVER_PYTHON": str(python),
    }
    port = free_port()
    cluster = Cluster(root, f"spark://127.0.0.1:{port}", python, py_files, jar, env, delta_jars)
    try:
        cluster.master = _start("master", "org.apache.spark.deploy.master.Master",
                                ["--host", "127.0.0.1", "--port", str(port), "--webui-port", str(free_port())], env, root / "master.log")
        wait_for(lambda: "I have been elected leader" in cluster.master.log_text() or not cluster.master.alive,
                 startup_timeout, "the master")
        assert cluster.master.alive, cluster.master.log_text()[-3000:]
        for i in range(WORKERS):
            work_dir = root / f"worker{i}"
            work_dir.mkdir(exist_ok=True)
            worker = _start(f"worker{i}", "org.apache.spark.deploy.worker.Worker",
                            ["--host", "127.0.0.1", "--port", "0", "--webui-port", str(free_port()), "--cores", "1",
                             "--memory", worker_memory, "--work-dir", str(work_dir), cluster.master_url],
                            env, root / f"worker{i}.log")
            worker.work_dir = work_dir
            cluster.workers.append(worker)
        for worker in cluster.workers:
            wait_for(lambda worker=worker: "Successfully registered with master" in worker.log_text() or not worker.alive,
                     startup_timeout, f"{worker.name} to register")
            assert worker.alive, worker.log_text()[-3000:]
        yield cluster
    finally:
        cluster.stop()


def running_tasks(executor_dir: Path) -> int:
    """Tasks an executor has started but not finished, from its own log (Spark's executors log at INFO)."""
    log = executor_dir / "stderr"
    if not log.exists():
        return 0
    text = log.read_text(errors="replace")
    return len(re.findall(r"Running task ", text)) - len(re.findall(r"Finished task ", text))
