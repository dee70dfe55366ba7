"""Reading drawings back as XML, so tests assert on geometry rather than on strings."""

from __future__ import annotations

import xml.etree.ElementTree as ET

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def find_all(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.iter(f"{{{NS['s']}}}{tag}")
    if cls is None:
        return list(found)
    return [e for e in found if cls in (e.get("class") or "").split()]


def texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in find_all(root, "text")]
