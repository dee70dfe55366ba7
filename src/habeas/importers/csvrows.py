"""Streaming CSV with line numbers, shared by the track and manifest importers.

Rows are yielded one at a time from the csv module, so a file of millions of rows is read in
bounded memory; a broken header or an undecodable byte is reported with its line, never
raised half-way through a write. The file may be gzip-compressed or a tar of CSV files (as
OpenSky ships them), and may start with a byte-order mark (as spreadsheets save CSV).
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from habeas.importers.progress import byte_progress
from habeas.importers.report import Report
from habeas.importers.shipped import streams

#: Rows between two progress updates: often enough to move the bar, rarely enough to cost
#: nothing.
_PROGRESS_EVERY = 20_000
_BROKEN = (csv.Error, UnicodeDecodeError, EOFError, zlib.error, OSError)

Rows = Iterator[tuple[int, dict[str, int], list[str]]]


def read_rows(path: Path, required: Sequence[str], report: Report, *,
              progress: bool = True, alternatives: Sequence[Sequence[str]] = ()) -> Rows:
    """Yield ``(line, column index by name, fields)`` for each well-shaped data row.

    Header names are matched case-insensitively and without surrounding spaces. A missing
    required column refuses the whole input (line 1); a row with the wrong number of fields
    is refused and skipped. In a tar, lines are counted per member and refusals name it.
    A header with every column of one of ``alternatives`` (another layout of the same
    data) is accepted too.
    The loop over rows is written out here, not delegated, because a generator layer per
    row costs a tenth of the time of a file of millions of rows.
    """
    with path.open("rb") as raw, byte_progress(path.name, path.stat().st_size,
                                               enabled=progress) as advance:
        try:
            for member, data in streams(path, raw):
                reader = csv.reader(io.TextIOWrapper(data, encoding="utf-8-sig", newline=""))
                found = _header(member, reader, required, alternatives, report)
                if found is None:
                    continue
                columns, width = found
                rows = 0
                try:
                    for row in reader:
                        if len(row) != width:
                            if row:
                                rows += 1
                                report.refuse(reader.line_num, "", len(row), f"expected "
                                              f"{width} fields as in the header", member)
                            continue
                        rows += 1
                        if rows % _PROGRESS_EVERY == 0:
                            advance(raw.tell())
                        yield reader.line_num, columns, row
                except _BROKEN as error:
                    report.refuse(reader.line_num + 1, "", "",
                                  f"unreadable from here on: {error}", member)
                finally:
                    report.rows += rows
        except _BROKEN as error:      # a tar or gzip broken between members
            report.refuse(1, "", str(path), f"unreadable archive: {error}")


def _header(member: str, reader: Any, required: Sequence[str],
            alternatives: Sequence[Sequence[str]],
            report: Report) -> tuple[dict[str, int], int] | None:
    """The column index by name and the width, or ``None`` after refusing the header."""
    try:
        header = next(reader, None)
    except _BROKEN as error:
        report.refuse(1, "", "", f"unreadable header: {error}", member)
        return None
    if header is None:
        report.refuse(1, "", "", "empty file: a header line is required", member)
        return None
    columns = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [name for name in required if name not in columns]
    if any(all(name in columns for name in other) for other in alternatives):
        missing = []
    for name in missing:
        report.refuse(1, name, header, "missing column", member)
    return None if missing else (columns, len(header))
