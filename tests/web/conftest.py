"""The real server on 127.0.0.1, in a thread, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.conftest import Api, build
from habeas.app import create_app
from habeas.service import Role
from habeas.service.clock import SystemClock
from service.harness import Rig, make_rig

CHROMIUM = "/usr/bin/chromium"


@dataclass
class Served:
    url: str
    rig: Rig
    tokens: dict[str, str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("served")
    rig = make_rig(str(folder / "habeas.db"), clock=SystemClock())
    tokens = {role.value: rig.token(role.value, *(("abrego-garcia",)
                                                  if role is Role.counsel else ()))
              for role in Role}
    port = free_port()
    config = uvicorn.Config(create_app(rig.service, worker=True, worker_interval=0.2),
                            host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", rig, tokens)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture
def api() -> Api:
    """The app in-process over the flagship case, with a token for every role."""
    return build(make_rig())
