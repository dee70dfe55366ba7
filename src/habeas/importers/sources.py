"""The source record behind imported evidence, named by the content of the file.

Naming the source by a hash of the bytes, not by the file's name, makes a re-import of the
same file under another name the same record, and a changed file a different one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from habeas.domain import Source


def file_source(path: Path, prefix: str, title: str) -> Source:
    """A ``Source`` with id ``<prefix>-<first 12 hex digits of the file's SHA-256>``."""
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    return Source(id=f"{prefix}-{digest[:12]}", title=f"{title} (sha256 {digest[:16]})",
                  note=f"SHA-256 of the imported file: {digest}")
