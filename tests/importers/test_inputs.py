"""Hostile inputs: nothing but a regular file is read, and nothing hangs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import FLAGSHIP
from habeas.bundle import load_bundle
from habeas.importers import read_courtlistener, read_manifest, read_opensky


def readers(path: Path) -> list[object]:
    case = load_bundle(FLAGSHIP)
    return [read_courtlistener(path), read_manifest(path, case),
            read_opensky(path, case, movement="gxa6143", progress=False)]


@pytest.mark.parametrize("name", ["fifo", "directory", "missing", "zero"])
def test_not_a_regular_file_is_refused_at_once(tmp_path: Path, name: str) -> None:
    path = {"fifo": tmp_path / "fifo", "directory": tmp_path, "missing": tmp_path / "nope",
            "zero": Path("/dev/zero")}[name]
    if name == "fifo":
        os.mkfifo(path)
    for report in readers(path):
        assert not report.taken
        (refusal,) = report.refused
        assert refusal.line == 1 and (refusal.rule in ("not a regular file", "cannot read: "
                                                       "No such file or directory")
                                      or refusal.rule.endswith("this one holds none"))


def test_binary_and_empty_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x01" * 100)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for path in (binary, empty):
        for report in readers(path):
            assert report.refused and not report.taken
