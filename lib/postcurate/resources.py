"""Where the project's data files are: the checkout's ``schemas/`` and ``conf/``, or their copies in an installed package.

In a checkout (and an editable install) the top-level folders are read directly; they are the single source of truth.
A wheel carries copies under ``postcurate/_data/`` (see ``setup.py``). The wheel may also be imported straight from a
zip (``spark-submit --py-files``), so the copies are read through ``importlib.resources``, never as plain paths.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

FOLDERS = ("schemas", "conf", "expectations")


def _checkout() -> Path | None:
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "schemas").is_dir() else None


def data_dir(folder: str) -> Traversable:
    """The ``schemas`` or ``conf`` folder, from the checkout if there is one, else from the installed package.

    >>> "table: posts" in (data_dir("schemas") / "posts.yaml").read_text()
    True
    """
    if folder not in FOLDERS:
        raise ValueError(f"unknown data folder {folder!r}; expected one of {FOLDERS}")
    checkout = _checkout()
    if checkout is not None:
        return checkout / folder
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
    checkout = _checkout()
    if checkout is not None:
        built = checkout / "jvm" / "target" / name
        return built if built.is_file() else None
    packaged = Path(__file__).resolve().parent / "_data" / "jars" / name
    return packaged if packaged.is_file() else None
