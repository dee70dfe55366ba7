"""A real ``habeas serve`` process on loopback for the restart and load tests: started,
waited for, SIGKILLed and started again over the same database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SRC = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_service(url: str, key: Path, role: str = "admin") -> str:
    """Create the ledger and its service tables; return a fresh token of ``role``."""
    from habeas.service import Service

    service = Service.open(url, create=True, key_path=str(key))
    secret: str = service.create_token(role, name=f"load {role}")[1]
    service.ledger.close()
    return secret


class Server:
    """``python -m habeas serve`` over ``url``, its output appended to ``log``."""

    def __init__(self, url: str, key: Path, log: Path) -> None:
        self.url, self.key, self.log = url, key, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        env = dict(os.environ, PYTHONPATH=str(SRC))
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "habeas", "serve", "--db", self.url, "--key",
                 str(self.key), "--host", "127.0.0.1", "--port", str(self.port),
                 "--rate-limit", "0"],  # restart and load tests drive it as hard as they can
                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited with {self.proc.returncode}: "
                                     f"{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.base}/-/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"the server did not answer within {timeout} s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
