"""The log's side of the witness protocol: send each new checkpoint, with a consistency
proof from the size each witness last cosigned, and gather the cosignatures.

A witness that answers 409 says which size it holds; the log then proves consistency from
that size and asks again, once. A witness that refuses (a rewritten log is not a
consistent extension of what it saw) or cannot be reached adds no cosignature; whether
what remains is enough is for verifiers to decide (``WitnessPolicy``), and ``submit``
raises when fewer than ``required`` cosigned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from habeas.errors import ConfigError, VerificationError
from habeas.ledger.checkpoint import Checkpoint
from habeas.ledger.cosignature import WitnessVerifier, add_cosignatures
from habeas.ledger.signer import ProveFn, body_of
from habeas.ledger.witness import SIZE_TYPE, request_body

Post = Callable[[str, bytes], tuple[int, str, str]]
"""``(url, body) -> (status, body, content type)``."""


@dataclass
class WitnessClient:
    """One witness: its submission prefix, its key and the size it last cosigned."""

    url: str
    verifier: WitnessVerifier
    known: int = 0
    problem: str = field(default="")

    @classmethod
    def parse(cls, spec: str) -> WitnessClient:
        """``URL=VKEY``, as ``--witness`` takes it."""
        url, sep, vkey = spec.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise ConfigError(f"--witness {spec!r}: expected URL=VKEY, the witness's "
                              "submission prefix and its cosignature key")
        return cls(url.rstrip("/"), WitnessVerifier.parse(vkey))


def http_post(url: str, body: bytes) -> tuple[int, str, str]:
    import httpx

    reply = httpx.post(url, content=body, timeout=10.0,
                       headers={"Content-Type": "text/plain; charset=utf-8"})
    return reply.status_code, reply.text, reply.headers.get("content-type", "")


def submit(note: str, clients: Sequence[WitnessClient], prove: ProveFn,
           post: Post = http_post, required: int = 0) -> str:
    """``note`` with the cosignatures of the witnesses that accept it."""
    checkpoint = Checkpoint.parse(body_of(note))
    lines = []
    for client in clients:
        client.problem = ""
        for _ in range(2):
            old = client.known if client.known <= checkpoint.size else 0
            proof = list(prove(old, checkpoint.size)) if 0 < old < checkpoint.size else []
            try:
                status, text, kind = post(f"{client.url}/add-checkpoint",
                                          request_body(old, proof, note))
            except OSError as error:
                client.problem = f"unreachable ({error})"
                break
            except Exception as error:  # httpx's transport errors are not OSErrors
                client.problem = f"unreachable ({type(error).__name__})"
                break
            if status == 409 and kind.startswith(SIZE_TYPE) and text.strip().isdigit() \
                    and int(text) != old:
                client.known = int(text)
                continue
            if status == 200:
                client.known = checkpoint.size
                lines.append(text)
            else:
                client.problem = f"refused with {status}: {text.strip()[:200]}"
            break
    cosigned = add_cosignatures(note, "".join(lines), [c.verifier for c in clients])
    got = cosigned.count("\n\u2014 ") - note.count("\n\u2014 ")
    if got < required:
        problems = "; ".join(f"{c.verifier.name}: {c.problem}" for c in clients if c.problem)
        raise VerificationError(f"{got} of the {required} witness cosignatures required for "
                                f"the checkpoint of size {checkpoint.size} ({problems})")
    return cosigned
