"""The first check of every import: the input is a regular file that can be read.

A FIFO nobody writes to would block an import forever and ``/dev/zero`` would never end
(its size reads as 0), so anything but a regular file is refused before a byte is read.
"""

from __future__ import annotations

import stat
from pathlib import Path

from habeas.importers.report import Report


def readable_file(path: Path, report: Report) -> bool:
    """Whether ``path`` may be read; if not, the report says why (line 1, no field)."""
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode):
            path.open("rb").close()
    except OSError as error:
        report.refuse(1, "", str(path), f"cannot read: {error.strerror}")
        return False
    if not stat.S_ISREG(info.st_mode):
        report.refuse(1, "", str(path), "not a regular file")
        return False
    return True
