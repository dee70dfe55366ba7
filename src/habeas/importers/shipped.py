"""Files as they are shipped: plain, gzip-compressed, or a tar of them.

OpenSky's historical state vectors come as ``states_<date>-<hour>.csv.tar`` holding a
``.csv.gz`` (with a licence and a readme beside it); others keep the ``.csv.gz`` alone. A
monitor should not have to unpack either by hand, so each input is opened as the stream (or
streams, for a tar) of its data, recognised by content (gzip and tar magic), not by name.
"""

from __future__ import annotations

import gzip
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

_GZIP_MAGIC = b"\x1f\x8b"
#: Members of a tar that hold data; its readme and licence are passed over.
DATA_SUFFIXES = (".csv", ".csv.gz", ".json", ".json.gz")


def gunzipped(raw: IO[bytes]) -> IO[bytes]:
    """``raw``, decompressed on the fly if it starts with the gzip magic."""
    peek = getattr(raw, "peek", None)
    head = peek(2)[:2] if peek is not None else b""
    if head == _GZIP_MAGIC:
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw))
    return raw


def is_tar(path: Path) -> bool:
    """Whether ``path`` is a tar archive (uncompressed or gzip-compressed)."""
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def streams(path: Path, raw: IO[bytes]) -> Iterator[tuple[str, IO[bytes]]]:
    """``(member name, bytes)`` for each data member of a tar read from ``raw``, decompressing
    gzip members; ``("", bytes)`` once for a plain or gzip file."""
    if not is_tar(path):
        yield "", gunzipped(raw)
        return
    with tarfile.open(fileobj=raw, mode="r|*") as archive:
        for member in archive:
            if not member.isfile() or not member.name.lower().endswith(DATA_SUFFIXES):
                continue
            extracted = archive.extractfile(member)
            if extracted is not None:
                yield member.name, gunzipped(extracted)
