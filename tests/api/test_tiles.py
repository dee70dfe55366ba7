"""What Habeas serves under /-/log/ and as receipts, checked by an independent client
written here from the text of C2SP tlog-tiles, tlog-proof, signed-note and RFC 6962
alone: no Habeas code verifies anything below (it only sets the log up)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from api.conftest import Api
from habeas.ledger import RecordDraft

# -- the independent client -------------------------------------------------------------


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, over leaf hashes."""
    if not leaves:
        return sha(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def tile_index(n: int) -> str:
    text = f"{n:03d}"
    text = "0" * (-len(text) % 3) + text
    groups = [text[i:i + 3] for i in range(0, len(text), 3)]
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def open_note(note: str, vkey: str) -> tuple[str, int, bytes]:
    """signed-note: check the Ed25519 line by the key's name and hash; return the
    checkpoint's origin, size and root."""
    name, key_hash, material = vkey.split("+", 2)
    raw = base64.b64decode(material)
    assert raw[0] == 1 and sha(name.encode() + b"\n" + raw)[:4].hex() == key_hash
    body, _, signatures = note.rpartition("\n\n")
    body += "\n"
    for line in signatures.splitlines():
        who, _, blob = line.removeprefix("\u2014 ").partition(" ")
        sig = base64.b64decode(blob)
        if who == name and sig[:4].hex() == key_hash:
            Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[4:], body.encode())
            origin, size, root = body.split("\n")[:3]
            return origin, int(size), base64.b64decode(root)
    raise AssertionError("no signature by the log")


def fetch_tree(get, size: int) -> tuple[list[bytes], list[bytes]]:  # type: ignore[no-untyped-def]
    """All leaf hashes (level-0 tiles) and entries (bundles) of the tree of ``size``;
    every full level-1 tile hash is checked against the level-0 tile it covers."""
    leaves: list[bytes] = []
    entries: list[bytes] = []
    for n in range(0, (size + 255) // 256):
        width = min(256, size - n * 256)
        suffix = "" if width == 256 else f".p/{width}"
        tile = get(f"/-/log/tile/0/{tile_index(n)}{suffix}")
        assert len(tile) == 32 * width
        leaves += [tile[i:i + 32] for i in range(0, len(tile), 32)]
        bundle, i = get(f"/-/log/tile/entries/{tile_index(n)}{suffix}"), 0
        while i < len(bundle):
            length = int.from_bytes(bundle[i:i + 2], "big")
            entries.append(bundle[i + 2:i + 2 + length])
            i += 2 + length
    level1 = size // 256
    if level1:
        tile = get(f"/-/log/tile/1/000{'' if level1 == 256 else f'.p/{level1}'}")
        for n in range(level1):
            assert tile[32 * n:32 * n + 32] == mth(leaves[256 * n:256 * (n + 1)])
    return leaves, entries


def verify_tlog_proof(text: str, vkey: str) -> tuple[int, bytes]:
    """tlog-proof: header, extra, index, path lines, empty line, checkpoint. Returns the
    index and the entry (extra) once the path leads to the signed root."""
    head, _, note = text.partition("\n\n")
    lines = head.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    entry = base64.b64decode(lines[1].removeprefix("extra "))
    index = int(lines[2].removeprefix("index "))
    path = [base64.b64decode(line) for line in lines[3:]]
    _, size, root = open_note(note, vkey)
    # RFC 9162 section 2.1.3.2
    fn, sn, r = index, size - 1, sha(b"\x00" + entry)
    for p in path:
        assert sn != 0
        if fn & 1 or fn == sn:
            r = sha(b"\x01" + p + r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = sha(b"\x01" + r + p)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0 and r == root, "the receipt does not lead to the signed root"
    return index, entry


# -- the tests --------------------------------------------------------------------------


@pytest.fixture
def grown(any_api: Api) -> Api:
    ledger = any_api.rig.service.ledger
    ledger.append([RecordDraft("monitor.note", {"i": i}) for i in range(600 - ledger.size())])
    return any_api


def test_an_independent_client_rebuilds_the_signed_root_from_tiles(grown: Api) -> None:
    anonymous = grown.client

    def get(path: str) -> bytes:
        reply = grown.client.get(path, headers=grown.auth("monitor"))
        assert reply.status_code == 200, (path, reply.text)
        assert reply.headers["content-type"] == "application/octet-stream"
        assert "immutable" in reply.headers["cache-control"]
        return reply.content

    vkey = anonymous.get("/-/verifier-key").text.strip()
    note = anonymous.get("/-/log/checkpoint").text
    _, size, root = open_note(note, vkey)
    assert size == 600
    leaves, entries = fetch_tree(get, size)
    assert mth(leaves) == root
    assert [sha(b"\x00" + e) for e in entries] == leaves
    assert anonymous.get("/-/log/tile/0/000").status_code == 200  # hashes are public
    assert anonymous.get("/-/log/tile/entries/000").status_code == 401  # records are not


@pytest.mark.parametrize("path", ["0/002", "0/002.p/89", "1/000.p/3", "1/001", "0/2",
                                  "0/x000/002", "00/000", "64/000", "0/000.p/0",
                                  "0/000.p/256", "entries/003"])
def test_tiles_beyond_the_tree_or_off_the_spec_are_not_found(grown: Api, path: str) -> None:
    reply = grown.client.get(f"/-/log/tile/{path}", headers=grown.auth("monitor"))
    assert reply.status_code == 404, path


def test_a_receipt_verifies_offline(grown: Api) -> None:
    vkey = grown.client.get("/-/verifier-key").text.strip()
    reply = grown.client.get("/api/proofs/receipt/44", headers=grown.auth("monitor"))
    assert reply.status_code == 200
    index, entry = verify_tlog_proof(reply.text, vkey)
    assert index == 44 and b'"seq":44' in entry
    forged = reply.text.replace("index 44", "index 45")
    with pytest.raises(AssertionError):
        verify_tlog_proof(forged, vkey)
    assert grown.client.get("/api/proofs/receipt/44").status_code == 401
