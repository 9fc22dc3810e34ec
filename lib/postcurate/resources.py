"""Where the project's data files are: the checkout's ``schemas/`` and ``conf/``, or their copies in an installed package;
and which git commit the running code is.

In a checkout (and an editable install) the top-level folders are read directly; they are the single source of truth.
A wheel carries copies under ``postcurate/_data/`` (see ``setup.py``). The wheel may also be imported straight from a
zip (``spark-submit --py-files``), so the copies are read through ``importlib.resources``, never as plain paths.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:  # the same class, before it moved (Python 3.10)
        from importlib.abc import Traversable

FOLDERS = ("schemas", "conf", "expectations")


def checkout() -> Path | None:
    """The repository this package is imported from, or None for an installed package."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "schemas").is_dir() else None


def data_dir(folder: str) -> Traversable:
    """The ``schemas`` or ``conf`` folder, from the checkout if there is one, else from the installed package.

    >>> "table: posts" in (data_dir("schemas") / "posts.yaml").read_text()
    True
    """
    if folder not in FOLDERS:
        raise ValueError(f"unknown data folder {folder!r}; expected one of {FOLDERS}")
    root = checkout()
    if root is not None:
        return root / folder
    packaged = resources.files("postcurate") / "_data" / folder
    if not packaged.is_dir():
        raise FileNotFoundError(f"{folder}/ not found: not a checkout, and the installed postcurate carries no _data/{folder}")
    return packaged


JVM_JAR = "postcurate-jvm-{version}.jar"


def jvm_jar() -> Path | None:
    """postcurate's own JVM functions (built from ``jvm/`` by ``make jvm``): the checkout's build, else the copy an
    installed wheel carries; None when neither exists (a zip on ``--py-files`` cannot hand Spark a jar path: under
    spark-submit the jar comes with ``--jars``).
    """
    import postcurate

    name = JVM_JAR.format(version=postcurate.__version__)
    root = checkout()
    if root is not None:
        built = root / "jvm" / "target" / name
        return built if built.is_file() else None
    packaged = Path(__file__).resolve().parent / "_data" / "jars" / name
    return packaged if packaged.is_file() else None


RECALL = "recall.json"
COMMIT = "code_commit"


def recall_file() -> Path | Traversable:
    """Where the detectors' latest measured recall is kept: the checkout's ``eval/recall.json``, else the copy the
    wheel carries (``setup.py``). The file may not exist: ``postcurate.report.recall`` reads that as "none"."""
    root = checkout()
    if root is not None:
        return root / "eval" / RECALL
    return resources.files("postcurate") / "_data" / "eval" / RECALL


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def checkout_commit(root: Path) -> str | None:
    """``git rev-parse HEAD`` of ``root``, with ``-dirty`` when tracked files differ from it; None without git."""
    sha = _git(root, "rev-parse", "HEAD")
    if not sha or not re.fullmatch(r"[0-9a-f]{40}", sha):
        return None
    changes = _git(root, "status", "--porcelain", "--untracked-files=no")
    return sha + ("-dirty" if changes else "")


def code_commit() -> str:
    """The git commit of the code that is running: the checkout's (see ``checkout_commit``), else the one baked into
    the wheel when it was built, else ``"unknown"``. Never raises: a run does not fail over its provenance."""
    root = checkout()
    found = checkout_commit(root) if root is not None else None
    if found is None:
        try:
            found = (resources.files("postcurate") / "_data" / COMMIT).read_text().strip()
        except (OSError, KeyError, ValueError):
            found = None
    return found if found and re.fullmatch(r"[0-9a-f]{40}(-dirty)?", found) else "unknown"
