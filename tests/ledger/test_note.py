"""Signed notes: the Go ``sumdb/note`` published example as a vector, then round trips and
tampering."""

from __future__ import annotations

import base64

import pytest

from habeas.errors import ConfigError, VerificationError
from habeas.ledger.checkpoint import Checkpoint
from habeas.ledger.note import Signer, Verifier, open_note

# From golang.org/x/mod/sumdb/note (package documentation and note_test.go).
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n")
GO_NOTE = (GO_TEXT + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUg"
           "YN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")


def test_go_example_verifies() -> None:
    assert open_note(GO_NOTE, Verifier.parse(GO_VKEY)) == GO_TEXT


def test_go_signer_key_reproduces_the_go_note() -> None:
    signer = Signer.parse(GO_SKEY)
    assert signer.verifier().text() == GO_VKEY
    assert signer.sign(GO_TEXT) == GO_NOTE  # Ed25519 is deterministic
    assert signer.text() == GO_SKEY


def test_changed_text_fails() -> None:
    with pytest.raises(VerificationError, match="does not verify"):
        open_note(GO_NOTE.replace("cryptography", "cryptographY"), Verifier.parse(GO_VKEY))


def test_changed_signature_byte_fails() -> None:
    prefix, _, blob = GO_NOTE.rstrip("\n").rpartition(" ")
    raw = bytearray(base64.b64decode(blob))
    raw[10] ^= 1
    note = f"{prefix} {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(VerificationError, match="does not verify"):
        open_note(note, Verifier.parse(GO_VKEY))


def test_wrong_key_name_or_hash_is_not_accepted() -> None:
    signer = Signer.generate("example.org/log")
    note = signer.sign("hello\n")
    other = Signer.generate("example.org/log").verifier()  # same name, other key
    with pytest.raises(VerificationError, match="no signature by"):
        open_note(note, other)
    renamed = note.replace("\u2014 example.org/log ", "\u2014 example.org/other ")
    with pytest.raises(VerificationError, match="no signature by"):
        open_note(renamed, signer.verifier())


def test_malformed_notes_are_refused() -> None:
    verifier = Verifier.parse(GO_VKEY)
    for note in ["no blank line\n", GO_TEXT + "\nPeterNeumann abc\n", GO_NOTE.rstrip("\n")]:
        with pytest.raises(VerificationError):
            open_note(note, verifier)


def test_verifier_key_with_wrong_hash_is_refused() -> None:
    with pytest.raises(ConfigError, match="key hash"):
        Verifier.parse(GO_VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(ConfigError):
        Verifier.parse("PeterNeumann+c74f20a3+AAAA")


def test_checkpoint_round_trip() -> None:
    signer = Signer.generate("habeas.local/test")
    checkpoint = Checkpoint("habeas.local/test", 7, bytes(range(32)))
    note = checkpoint.sign(signer)
    assert note.startswith("habeas.local/test\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n")
    assert Checkpoint.open(note, signer.verifier(), "habeas.local/test") == checkpoint
    with pytest.raises(VerificationError, match="origin"):
        Checkpoint.open(note, signer.verifier(), "habeas.local/other")
    for body in ["o\n07\nAAAA\n", "o\n7\n", "o\nx\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"]:
        with pytest.raises(VerificationError, match="malformed"):
            Checkpoint.parse(body)
