"""Streaming CSV with line numbers, shared by the track and manifest importers.

Rows are yielded one at a time from the csv module, so a file of millions of rows is read in
bounded memory; a broken header or an undecodable byte is reported with its line, never
raised half-way through a write.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from habeas.importers.progress import byte_progress
from habeas.importers.report import Report

#: Rows between two progress updates: often enough to move the bar, rarely enough to cost
#: nothing.
_PROGRESS_EVERY = 20_000


def read_rows(path: Path, required: Sequence[str], report: Report, *,
              progress: bool = True) -> Iterator[tuple[int, dict[str, int], list[str]]]:
    """Yield ``(line, column index by name, fields)`` for each well-shaped data row.

    Header names are matched case-insensitively and without surrounding spaces. A missing
    required column refuses the whole input (line 1); a row with the wrong number of fields
    is refused and skipped.
    """
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as error:
            report.refuse(1, "", "", f"unreadable header: {error}")
            return
        if header is None:
            report.refuse(1, "", "", "empty file: a header line is required")
            return
        columns = {name.strip().lower(): i for i, name in enumerate(header)}
        missing = [name for name in required if name not in columns]
        for name in missing:
            report.refuse(1, name, header, "missing column")
        if missing:
            return
        width = len(header)
        total = path.stat().st_size
        rows = 0
        with byte_progress(path.name, total, enabled=progress) as advance:
            try:
                for row in reader:
                    if len(row) != width:
                        if row:
                            rows += 1
                            report.refuse(reader.line_num, "", len(row),
                                          f"expected {width} fields as in the header")
                        continue
                    rows += 1
                    if rows % _PROGRESS_EVERY == 0:
                        advance(raw.tell())
                    yield reader.line_num, columns, row
            except (csv.Error, UnicodeDecodeError) as error:
                report.refuse(reader.line_num + 1, "", "", f"unreadable from here on: {error}")
            finally:
                report.rows += rows
