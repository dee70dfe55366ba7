"""YAML as data only: no aliases (the billion-laughs bomb), no custom tags, no implicit dates,
no key twice.

PyYAML's ``safe_load`` already refuses tags that construct objects; this loader also refuses
aliases outright, keeps timestamps as strings so that Habeas, not YAML, decides which zone a
time without an offset is in, and refuses a mapping that names a key twice (PyYAML keeps
the last one silently, so a reviewer reading the first would sign off on what is not
imported).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import Node

#: The tags of plain JSON-like data; ``!!binary``, ``!!set``, ``!!timestamp`` and the like
#: would hand validation bytes, sets or datetimes that it may quietly coerce.
DATA_TAGS = frozenset(f"tag:yaml.org,2002:{name}"
                      for name in ("str", "int", "float", "bool", "null", "seq", "map"))


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.YAMLError(f"aliases are not allowed (line {event.start_mark.line + 1})")
        node = super().compose_node(parent, index)
        if node is not None and node.tag not in DATA_TAGS:
            raise yaml.YAMLError(f"tag {node.tag} is not allowed "
                                 f"(line {node.start_mark.line + 1}): a bundle is plain data")
        return node

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:  # as a dict compares them: the keys 1 and true are one key
                    raise yaml.YAMLError(f"key {key!r} appears twice in one mapping "
                                         f"(line {key_node.start_mark.line + 1})")
                seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)  # type: ignore[arg-type]
        return mapping


# Drop the implicit timestamp resolver: "2025-04-07" stays the string "2025-04-07".
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def load_yaml(text: str) -> Any:
    """Parse ``text`` as plain YAML data; ``yaml.YAMLError`` on anything else."""
    return yaml.load(text, Loader=_Loader)


def yaml_error_line(error: yaml.YAMLError) -> str:
    """One line for a YAML error, with its position when PyYAML knows it."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return re.sub(r"\s+", " ", where + str(problem)).strip()
