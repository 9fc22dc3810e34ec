"""Reading the project's own YAML files (the run config, the geo rules) strictly.

Two things PyYAML does by default are wrong for settings that decide whose data is used:
- a key written twice in one mapping silently keeps the last value (a second ``rules:`` section replaces the
  first); here it is an error naming both lines;
- an unquoted date becomes a ``datetime.date`` while the file is parsed, so an impossible one (``2024-13-45``)
  raises a bare ``ValueError`` from inside the parser, with no file or key; here dates stay text, and the code that
  reads a date checks it and names the rule it belongs to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from postcurate.errors import ConfigError


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps, refusing duplicate keys."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)  # resolves `<<:` merges first, so a merged key is not a duplicate
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if isinstance(key, (str, int, float, bool)) or key is None:
                    if key in seen:
                        raise ConfigError(f"key {key!r} appears twice (lines {seen[key]} and {line}); keep one")
                    seen[key] = line
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path, what: str) -> tuple[Any, bytes]:
    """The parsed document and the file's bytes; every problem is a ``ConfigError`` naming the file.

    ``what`` names the file in messages when it cannot be read at all ("config file", "geo rules").
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{what} {path} is a folder, not a file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        return yaml.load(data, Loader=_StrictLoader), data
    except ConfigError as exc:
        raise ConfigError(f"{path.name}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name} is not valid YAML: {' '.join(str(exc).split())}") from None
