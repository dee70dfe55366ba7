"""Hostile files handed to ``habeas import``: too big, too deep, too long, YAML features
that must be refused, and paths that are not plain files. Each is run through the real
console entry (``python -m habeas``) with a time limit, so a hang or a traceback fails the
test: the only acceptable answer is one ``Error:`` line and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from habeas.bundle.load import MAX_BUNDLE_BYTES
from habeas.ledger import Ledger

SRC = Path(__file__).resolve().parents[2] / "src"
HEADER = 'habeas: 1\ntitle: "t"\ntimezone: America/New_York\n'


def run_habeas(args: list[str], tmp_path: Path, timeout: float = 30) -> tuple[int, str, str]:
    """``python -m habeas ARGS --db <a fresh ledger>``; the ledger must stay empty."""
    db = tmp_path / "h.db"
    if not db.exists():
        Ledger.init(str(db)).close()
    env = dict(os.environ, PYTHONPATH=str(SRC))
    try:
        done = subprocess.run([sys.executable, "-m", "habeas", *args, "--db", str(db)],
                              capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"habeas {' '.join(args)} hung for more than {timeout} s")
    with Ledger.open(str(db)) as ledger:
        assert ledger.size() == 0, "a refused command wrote records"
    return done.returncode, done.stdout, done.stderr


def run_import(path: str | Path, tmp_path: Path) -> tuple[int, str, str]:
    return run_habeas(["import", str(path)], tmp_path)


def refused(path: str | Path, tmp_path: Path, *expected: str,
            command: tuple[str, ...] = ("import",)) -> str:
    code, out, err = run_habeas([*command, str(path)], tmp_path)
    assert "Traceback" not in err, err
    assert (code, out) == (2, ""), err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    for part in expected:
        assert part in err, err
    return err


# -- too big, too deep, too long -----------------------------------------------------------

def test_sparse_file_over_the_limit(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_BUNDLE_BYTES + 1)  # sparse: no disk, no RAM
    refused(huge, tmp_path, str(huge), f"bundle larger than {MAX_BUNDLE_BYTES} bytes")


@pytest.mark.parametrize("text", ["[" * 200_000, '{"a":' * 200_000, "- " * 100_000 + "x",
                                  HEADER + "title: " + "[" * 50_000],
                         ids=["json-lists", "json-objects", "yaml-block", "yaml-flow"])
def test_deep_nesting(tmp_path: Path, text: str) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text(text)
    refused(deep, tmp_path, str(deep))


def test_nesting_deep_but_parseable_inside_a_field(tmp_path: Path) -> None:
    """Deep enough to parse, then handed to validation, canonical JSON and hashing."""
    deep = tmp_path / "deep.json"
    deep.write_text('{"habeas": 1, "title": "t", "timezone": "UTC", "sources": {"s": '
                    '{"title": "t", "note": ' + "[" * 900 + "]" * 900 + "}}}")
    refused(deep, tmp_path, str(deep), "sources.s.note")


def test_very_long_string_where_a_short_one_is_due(tmp_path: Path) -> None:
    long = tmp_path / "long.yaml"
    long.write_text(HEADER.replace('"t"', "x" * 10_000_000))
    refused(long, tmp_path, "title: 'xxxxx", "at most 500 characters")


def test_very_long_key(tmp_path: Path) -> None:
    long = tmp_path / "long.yaml"
    long.write_text(HEADER + "sources:\n  " + "k" * 1_000_000 + ":\n    title: t\n")
    refused(long, tmp_path, str(long))


# -- YAML features that must be refused ---------------------------------------------------

def test_alias_bomb(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev, cur = chr(ord("a") + n - 1), chr(ord("a") + n)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    refused(bomb, tmp_path, "aliases are not allowed")


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch pwned']",
                                 "!!python/object:habeas.ledger.Ledger {}",
                                 "!!python/name:os.system", "!custom 1", "!!binary aGk=",
                                 "!!set {a, b}", "!!timestamp 2025-03-15"],
                         ids=["apply", "object", "name", "custom", "binary", "set", "timestamp"])
def test_custom_tags(tmp_path: Path, tag: str) -> None:
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text(HEADER + f"sources:\n  s:\n    title: {tag}\n")
    refused(tagged, tmp_path, str(tagged))
    assert not (Path.cwd() / "pwned").exists()


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    merged = tmp_path / "merged.yaml"
    merged.write_text(HEADER + "base: &b {title: t}\nsources:\n  s:\n    <<: *b\n")
    refused(merged, tmp_path, "is not allowed")


# -- paths that are not plain files -------------------------------------------------------

def test_a_directory(tmp_path: Path) -> None:
    refused(tmp_path, tmp_path, str(tmp_path))


def test_dev_zero(tmp_path: Path) -> None:
    refused("/dev/zero", tmp_path, "/dev/zero")


def test_a_fifo_nobody_writes_to(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    refused(fifo, tmp_path, str(fifo))


def test_a_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(loop)
    refused(loop, tmp_path, str(loop))


def test_a_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "absent.yaml", tmp_path, "absent.yaml")


def test_not_utf8(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes(HEADER.encode() + "sources:\n  s: {title: caf\xe9}\n".encode("latin-1"))
    refused(latin, tmp_path, str(latin), "not UTF-8")


def test_utf8_with_a_lone_surrogate_escape(tmp_path: Path) -> None:
    """Valid UTF-8 JSON whose string escapes a lone surrogate (not encodable as UTF-8)."""
    bad = tmp_path / "surrogate.json"
    bad.write_text('{"habeas": 1, "title": "\\ud800", "timezone": "UTC"}')
    code, _, err = run_import(bad, tmp_path)
    assert "Traceback" not in err, err
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("Error: ") and err.count("\n") == 1


# -- the same tricks for the other commands that read a file ------------------------------

TRICKS = ["directory", "/dev/zero", "fifo", "loop", "latin1"]


def trick(name: str, tmp_path: Path) -> Path:
    if name == "directory":
        return tmp_path
    if name == "/dev/zero":
        return Path("/dev/zero")
    path = tmp_path / f"{name}.input"
    if name == "fifo":
        os.mkfifo(path)
    elif name == "loop":
        path.symlink_to(path)
    else:
        path.write_bytes(b'{"kind": "caf\xe9", "payload": {}}\n')
    return path


@pytest.mark.parametrize("name", TRICKS)
def test_append_from_a_file_trick(name: str, tmp_path: Path) -> None:
    path = trick(name, tmp_path)
    refused(path, tmp_path, str(path), command=("append",))


@pytest.mark.parametrize("name", TRICKS)
def test_verify_against_a_checkpoint_file_trick(name: str, tmp_path: Path) -> None:
    path = trick(name, tmp_path)
    refused(path, tmp_path, str(path), command=("verify", "--checkpoint"))
