"""The Verify page's offline recipe, run as the page writes it: a checkpoint and key
saved from the server, an export made later with a consistency proof from that
checkpoint, then the page's own `habeas import` line run in a shell in an empty directory,
with no server and no database of the server's. A rewritten log signed with a stolen key
is refused by the same line. Both backends."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.faults.backends import rewrite_record

from api.conftest import Api, build
from habeas.bundle.exchange import export_bundle
from habeas.ledger import Ledger
from habeas.service import Service
from habeas.service.database import Database
from service.harness import ADMIN, FLAGSHIP, Rig, make_rig
from web.test_pages import signed_in

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_api(request: pytest.FixtureRequest, tmp_path: Path) -> Api:
    if request.param == "sqlite":
        return build(make_rig(str(tmp_path / "habeas.db")))
    return build(make_rig(request.getfixturevalue("postgres_url"),
                          key_path=str(tmp_path / "signing.key")))


def recipe_line(api: Api) -> str:
    """The shell command of step 4, exactly as the page shows it."""
    client, _ = signed_in(api, "monitor")
    page = client.get("/verify").text
    steps = re.findall(r"<li>(.*?)</li>", page, re.S)
    [line] = [html.unescape(code) for step in steps
              for code in re.findall(r"<code>(.*?)</code>", step) if "habeas import" in code]
    return line


def run(line: str, directory: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    env.pop("HABEAS_DB", None)
    return subprocess.run(["bash", "-c", line.replace("habeas ", f"{sys.executable} -m habeas ",
                                                      1)],
                          cwd=directory, env=env, capture_output=True, text=True, timeout=120)


def test_the_offline_recipe_works_as_written(any_api: Api, tmp_path: Path) -> None:
    api, here = any_api, tmp_path / "court"
    here.mkdir()
    checkpoint = api.get("/-/checkpoint").text  # type: ignore[attr-defined]
    (here / "checkpoint.txt").write_text(checkpoint)
    (here / "key.txt").write_text(api.get("/-/verifier-key").text)  # type: ignore[attr-defined]
    size = int(checkpoint.split("\n")[1])
    api.rig.service.import_bundle(ADMIN, FLAGSHIP.replace('title: "Removals', 'title: "The '
                                                                              'removals'))
    exported = api.get(f"/api/export?since={size}")
    assert exported.status_code == 200  # type: ignore[attr-defined]
    bundle = exported.json()  # type: ignore[attr-defined]
    assert bundle["ledger"]["tree_size"] > size
    (here / "case.json").write_text(json.dumps(bundle))

    line = recipe_line(api)
    assert line == ('habeas import case.json --db memory: --trusted-key "$(cat key.txt)" '
                    "--trusted-checkpoint checkpoint.txt")
    done = run(line, here)
    assert done.returncode == 0, done.stderr
    assert "added" in done.stdout
    assert sorted(p.name for p in here.iterdir()) == ["case.json", "checkpoint.txt", "key.txt"]

    bundle["ledger"]["consistency"]["path"][0] = "00" * 32  # a proof that does not hold
    (here / "case.json").write_text(json.dumps(bundle))
    done = run(line, here)
    assert done.returncode == 1
    assert "does not extend the trusted checkpoint of size" in done.stderr


def test_the_recipe_refuses_a_rewrite_signed_with_a_stolen_key(any_api: Api,
                                                               tmp_path: Path) -> None:
    """The withholding order rewritten to forbid HN instead of SV, the tree rebuilt, the
    checkpoints emptied, and the export signed with a copy of the key (the server's own
    signer would refuse): the checkpoint the reader saved refuses it."""
    api, here = any_api, tmp_path / "court"
    here.mkdir()
    checkpoint = api.get("/-/checkpoint").text  # type: ignore[attr-defined]
    (here / "checkpoint.txt").write_text(checkpoint)
    (here / "key.txt").write_text(api.get("/-/verifier-key").text)  # type: ignore[attr-defined]
    line = recipe_line(api)
    ledger = api.rig.service.ledger
    url = getattr(ledger.store, "url", None)
    seq = next(r.seq for r in ledger.scan() if r.payload.get("id") == "withholding-2019")
    assert url is not None
    rewrite_record(url, seq, b'"countries":["SV"]', b'"countries":["HN"]', rebuild=True,
                   forget_checkpoints=True)
    assert ledger._key_path is not None
    restarted = build(Rig(Service(Ledger.open(url, ledger._key_path), Database(url),
                                  clock=api.rig.clock, transport=api.rig.wire),
                          api.rig.clock, api.rig.wire))
    refused = restarted.client.get("/-/checkpoint")
    assert refused.status_code == 503
    assert "refusing to sign the tree of size" in refused.json()["message"]
    thief = tmp_path / "thief.key"
    thief.write_bytes(ledger._key_path.read_bytes())
    thief.chmod(0o600)
    with Ledger.open(url, thief) as forged:
        (here / "case.json").write_text(json.dumps(export_bundle(forged, since=int(
            checkpoint.split("\n")[1]))))
    done = run(line, here)
    assert done.returncode == 1
    assert "does not extend the trusted checkpoint" in done.stderr
