"""``habeas token`` from the shell: exact output, exit codes, the secret shown once."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from habeas.cli import app
from habeas.service.accounts import Accounts
from habeas.service.database import Database


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_create_list_and_revoke_a_token(tmp_path: Path) -> None:
    db = str(tmp_path / "habeas.db")
    code, out = run("token", "create", "--role", "counsel", "--person", "abrego-garcia",
                    "--name", "CASA counsel", "--db", db)
    assert code == 0
    token_id, secret = re.findall(r"^(tok_\w+)\s", out)[0], re.findall(r"token: (\S+)", out)[0]
    assert out.endswith("Keep it now: it is not stored and cannot be shown again.\n")
    principal = Accounts(Database(db)).authenticate(secret)
    assert principal is not None and principal.people == {"abrego-garcia"}

    code, out = run("token", "list", "--db", db)
    assert code == 0 and secret not in out
    assert out == f"{token_id}  counsel   CASA counsel  (active)  people: abrego-garcia\n"

    assert run("token", "revoke", token_id, "--db", db) == (0, f"revoked {token_id}\n")
    assert Accounts(Database(db)).authenticate(secret) is None
    listed = json.loads(run("token", "list", "--db", db, "--json")[1])
    assert listed[0]["revoked_at"] is not None


def test_a_bad_role_or_unknown_token_is_one_clean_error(tmp_path: Path) -> None:
    db = str(tmp_path / "habeas.db")
    assert run("token", "create", "--role", "judge", "--db", db)[0] != 0
    assert run("token", "revoke", "tok_000000", "--db", db)[0] != 0


def test_demo_serves_the_flagship_case_with_a_token_for_every_role(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": src}
    demo = subprocess.Popen([sys.executable, "-m", "habeas", "demo", "--port", str(port),
                             "--dir", str(tmp_path)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        lines: list[str] = []
        assert demo.stdout is not None
        while not any("Uvicorn running" in line for line in lines):
            line = demo.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        tokens = dict(re.findall(r"^  (\w+)\s+(hbs_\S+)", "".join(lines), re.M))
        assert set(tokens) == {"admin", "operator", "clerk", "counsel", "monitor", "public"}
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                assert httpx.get(f"{base}/-/health").json()["size"] == 79
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        impact = httpx.get(f"{base}/api/orders/tro-class-oral/impact",
                           headers={"Authorization": f"Bearer {tokens['monitor']}"}).json()
        assert [m["movement"] for m in impact["movements"]] == ["gxa6143", "gxa6145"]
    finally:
        demo.terminate()
        demo.wait(timeout=10)


def test_a_token_made_for_a_party_acts_for_it(tmp_path: Path) -> None:
    db, ice = str(tmp_path / "habeas.db"), "U.S. Immigration and Customs Enforcement"
    code, out = run("token", "create", "--role", "operator", "--party", ice,
                    "--name", "ICE duty officer", "--db", db)
    assert code == 0
    principal = Accounts(Database(db)).authenticate(re.findall(r"token: (\S+)", out)[0])
    assert principal is not None and principal.party == ice and principal.acts_for(ice)
    assert not principal.acts_for("United States (Department of Justice)")
    assert run("token", "list", "--db", db)[1].endswith(f"(active)  for: {ice}\n")
    code, out = run("token", "create", "--role", "public", "--party", ice, "--db", db)
    assert code != 0 and "party" in out
