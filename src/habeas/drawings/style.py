"""Colours and strokes shared by the drawings, chosen to survive a black-and-white printer.

Movement colours are the Okabe-Ito palette (distinguishable with colour-blindness) and each
also gets its own dash pattern, so a photocopied exhibit still tells the flights apart.
"""

from __future__ import annotations

INK = "#1f1f1f"
MUTED = "#6b6b6b"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"

_COLOURS = ("#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
_DASHES: tuple[str | None, ...] = (None, "7 3", "2 2.5", "10 3 2 3")


def movement_style(index: int) -> tuple[str, str | None]:
    """Colour and dash pattern of the ``index``-th movement of a drawing."""
    return _COLOURS[index % len(_COLOURS)], _DASHES[index % len(_DASHES)]
