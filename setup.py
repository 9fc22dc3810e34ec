"""Build hook: the wheel carries ``schemas/`` and the default ``conf/*.yaml`` as package data, the detectors'
measured recall (``eval/recall.json``, when there is one) and the git commit it was built from.

``schemas/`` and ``conf/`` stay at the top of the repository as the single source of truth; they are copied into
``postcurate/_data/`` only inside the build tree, so a wheel-installed (or ``--py-files``-shipped) postcurate finds
them without a checkout. Everything else about the package is in pyproject.toml.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# (source folder, files) copied to postcurate/_data/<folder>/. Environment configs (local.yaml, cluster.yaml) name
# paths on one machine and are not defaults, so only the rules and detector settings go in. The JVM functions'
# jar (built by `make jvm`) goes to _data/jars/, so an installed wheel can hand it to Spark.
PACKAGE_DATA = {"schemas": "*.yaml", "conf": ("geo_rules.yaml", "detectors.yaml"), "expectations": "*.json"}
# Copied when present: the latest `postcurate pii-eval --record` measurement, shown by the report and the card.
OPTIONAL_DATA = {"eval": ("recall.json",)}
JARS = ("jvm/target", "postcurate-jvm-*.jar")


class build_py_with_data(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads schemas/ and conf/ from the checkout
            return
        for folder, pattern in PACKAGE_DATA.items():
            source = HERE / folder
            target = Path(self.build_lib) / "postcurate" / "_data" / folder
            target.mkdir(parents=True, exist_ok=True)
            files = sorted(source.glob(pattern)) if isinstance(pattern, str) else [source / name for name in pattern]
            for path in files:
                shutil.copyfile(path, target / path.name)
        for folder, names in OPTIONAL_DATA.items():
            for name in names:
                if (HERE / folder / name).is_file():
                    (Path(self.build_lib) / "postcurate" / "_data" / folder).mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(HERE / folder / name, Path(self.build_lib) / "postcurate" / "_data" / folder / name)
        self._bake_commit(Path(self.build_lib) / "postcurate" / "_data")
        jars = sorted((HERE / JARS[0]).glob(JARS[1]))
        if not jars:
            raise SystemExit("postcurate-jvm jar not built: run `make jvm` before building the wheel")
        target = Path(self.build_lib) / "postcurate" / "_data" / "jars"
        target.mkdir(parents=True, exist_ok=True)
        for jar in jars:
            shutil.copyfile(jar, target / jar.name)

    @staticmethod
    def _bake_commit(data: Path) -> None:
        """The commit the wheel is built from, for manifests written where there is no checkout (a cluster)."""
        sys.path.insert(0, str(HERE / "lib"))
        try:
            from postcurate.resources import COMMIT, checkout_commit
        finally:
            sys.path.pop(0)
        commit = checkout_commit(HERE)  # None outside a git checkout (an sdist): the manifest then says "unknown"
        if commit:
            data.mkdir(parents=True, exist_ok=True)
            (data / COMMIT).write_text(commit + "\n")


setup(cmdclass={"build_py": build_py_with_data})
