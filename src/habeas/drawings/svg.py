"""A tiny SVG builder whose only way to emit text is through escaping.

Drawings carry names from case bundles (places, flights, speakers), which anyone can write;
building elements as data and escaping every attribute and text node at render time means
no bundle can inject markup into a web page or a report. Numbers are rounded to two
decimals so the same case always yields byte-identical SVG.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"

Attr = str | int | float | None


def num(value: float) -> str:
    """A coordinate as short, stable text: ``12.5``, ``3``, never ``-0``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attr_name(name: str) -> str:
    """Python keyword arguments to SVG names: ``class_`` -> ``class``, ``stroke_width`` ->
    ``stroke-width``, ``data_place`` -> ``data-place``."""
    return name.rstrip("_").replace("_", "-")


@dataclass
class Node:
    """One element: tag, attributes, then child elements or one text (never both raw)."""

    tag: str
    attrs: dict[str, Attr] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str | None = None

    def add(self, *children: Node) -> Node:
        self.children.extend(children)
        return self

    def render(self) -> str:
        parts: list[str] = []
        self._render(parts)
        return "".join(parts)

    def _render(self, out: list[str]) -> None:
        out.append("<" + self.tag)
        for name, value in self.attrs.items():
            if value is None:
                continue
            shown = num(value) if isinstance(value, float) else str(value)
            out.append(f" {name}={quoteattr(shown)}")
        if not self.children and self.text is None:
            out.append("/>")
            return
        out.append(">")
        if self.text is not None:
            out.append(escape(self.text))
        for child in self.children:
            child._render(out)
        out.append(f"</{self.tag}>")


def el(tag: str, *children: Node, text: str | None = None, **attrs: Attr) -> Node:
    """An element; attribute names follow :func:`_attr_name`."""
    return Node(tag, {_attr_name(k): v for k, v in attrs.items()}, list(children), text)


def points(coords: Iterable[tuple[float, float]]) -> str:
    """The ``points`` attribute of a polygon or polyline."""
    return " ".join(f"{num(x)},{num(y)}" for x, y in coords)


def path_data(rings: Iterable[Iterable[tuple[float, float]]]) -> str:
    """One ``d`` attribute for many closed rings, so a country is one element."""
    parts = []
    for ring in rings:
        coords = [f"{num(x)},{num(y)}" for x, y in ring]
        if len(coords) >= 3:
            parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)


def document(width: float, height: float, label: str, *children: Node,
             class_: str | None = None) -> str:
    """A standalone ``<svg>`` (namespaced, so it works inline in HTML and as a file) with an
    accessible title."""
    root = el("svg", el("title", text=label), *children, xmlns=SVG_NS, class_=class_,
              width=num(width), height=num(height), viewBox=f"0 0 {num(width)} {num(height)}",
              role="img", aria_label=label)
    return root.render()


def text_width(text: str, size: float) -> float:
    """A generous estimate of rendered width, enough to keep labels apart without fonts."""
    return 0.6 * size * len(text)
