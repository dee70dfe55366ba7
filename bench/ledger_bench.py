"""Ledger benchmarks, each measured side by side with its baseline in the same run.

Run: ``python bench/ledger_bench.py`` (full; about ten minutes, most of it building the
10M-record tree), ``--quick`` (a few seconds, for CI smoke: small sizes, nothing asserted),
``--only NAME`` to run one, ``--postgres URL`` (or ``$HABEAS_BENCH_POSTGRES``) to include
PostgreSQL. Prints a Markdown report (also written to ``--out`` if given): medians of
several rounds, the ratio to the baseline, and the process's peak RSS after each benchmark.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from habeas.ledger import Ledger, RecordDraft, Verifier, merkle
from habeas.ledger.ledger import _prepare
from habeas.ledger.merkle import CompactRange
from habeas.ledger.records import Prepared, format_time, stamp
from habeas.ledger.store import Node, Row

Result = dict[str, Any]
TARGETS = {
    "single": "Habeas >= 0.8x raw SQLite",
    "concurrent": ">= 20,000 records/s and >= 3x the baseline",
    "postgres": ">= 0.9x the baseline",
    "bulk": ">= 100,000 records/s",
    "verify": ">= 500,000 records/s",
    "proof": "make <= 100 us, verify <= 30 us at 10M",
}

BLIND = {
    "single": "no validation, canonical JSON, hashing, Merkle nodes or head lookup; it "
              "inserts finished rows into one table",
    "concurrent": "the same, and it never batches: every row waits for a commit of its own "
                  "(what a writer that does not batch gets out of one connection)",
    "postgres": "no sequencing: it is given its seqs, takes no lock, reads no head and "
                "writes no tree nodes; PostgreSQL flushes the 8 connections' commits together",
    "bulk": "no validation, JSON, hashing or tree; one insert of finished rows",
    "verify": "no checkpoint signatures, no check that stored leaf hashes and nodes match; "
              "it reads one column in one statement",
}


def draft(i: int) -> RecordDraft:
    return RecordDraft("movement.position",
                       {"movement": "flight-1", "tail": "N123", "lat": "25.7959",
                        "lon": "-80.2870", "alt_ft": 35000, "n": i},
                       occurred_at="2025-03-15T19:26:00-04:00", source=["adsb:N123"],
                       actor="importer")


def rows_for(start: int, count: int) -> list[tuple[int, str, str, None, bytes, bytes]]:
    """The rows Habeas would write, prepared up front: what the raw baselines insert."""
    now = format_time(datetime.now(UTC))
    out = []
    for i in range(start, start + count):
        body = Prepared.of(draft(i)).leaf(i, now)
        out.append((i, now, "movement.position", None, body, merkle.leaf_hash(body)))
    return out


def raw_sqlite(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY, recorded_at TEXT, "
                 "kind TEXT, idempotency_key TEXT UNIQUE, body BLOB, leaf_hash BLOB)")
    return conn


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


ROUNDS: int | None = None
PROOF_DB: Path | None = None


def samples(n: int, *runs: Callable[[int], float]) -> list[list[float]]:
    """Each run's figure in ``n`` interleaved rounds, the order reversed every other round
    (so drift, and whatever the first run leaves behind, hit all alike)."""
    results: list[list[float]] = [[] for _ in runs]
    order = list(enumerate(runs))
    for r in range(min(n, ROUNDS or n)):
        for i, run in order if r % 2 == 0 else order[::-1]:
            results[i].append(run(r))
    return results


def rounds(n: int, *runs: Callable[[int], float]) -> list[float]:
    """Median of each run over ``n`` interleaved rounds."""
    return [statistics.median(values) for values in samples(n, *runs)]


def versus(n: int, ours: Callable[[int], float], base: Callable[[int], float]) -> Result:
    """Habeas against its baseline: medians, and the spread of the per-round ratios."""
    mine, theirs = samples(n, ours, base)
    ratios = [a / b for a, b in zip(mine, theirs, strict=True)]
    return {"habeas": statistics.median(mine), "baseline": statistics.median(theirs),
            "spread": (min(ratios), max(ratios)), "rounds": len(ratios)}


# -- benchmarks --------------------------------------------------------------------------------


def bench_single(tmp: Path, scale: int) -> Result:
    """One record per durable commit: the Ledger vs raw sqlite3 inserting the same rows,
    rounds of ``100 * scale`` commits (1,000 in the full run)."""
    count = 100 * scale
    ledger = Ledger.init(str(tmp / "single.db"), tmp / "single.key")
    conn = raw_sqlite(str(tmp / "single-raw.db"))
    drafts = [draft(i) for i in range(count * 5)]
    rows = rows_for(0, count * 5)

    def habeas(r: int) -> float:
        start = time.perf_counter()
        for d in drafts[r * count:(r + 1) * count]:
            ledger.append([d])
        return rate(count, time.perf_counter() - start)

    def raw(r: int) -> float:
        start = time.perf_counter()
        for row in rows[r * count:(r + 1) * count]:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", row)
            conn.execute("COMMIT")
        return rate(count, time.perf_counter() - start)

    result = versus(5, habeas, raw)
    ledger.close()
    conn.close()
    return {"name": "single", "what": f"durable appends, 1 record per commit (SQLite), "
            f"rounds of {count:,}", **result, "baseline_name": "raw sqlite3, same rows, "
            "WAL + synchronous=FULL", "unit": "records/s"}


def bench_concurrent(tmp: Path, scale: int) -> Result:
    """32 threads appending one record per call vs 32 threads sharing one raw connection
    behind a lock, each inserting its row in a durable commit of its own."""
    threads, per_thread = 32, 10 * scale
    ledger = Ledger.init(str(tmp / "conc.db"), tmp / "conc.key")
    conn = raw_sqlite(str(tmp / "conc-raw.db"))
    lock = threading.Lock()
    total = threads * per_thread
    rows = rows_for(0, total * 3)
    cpu: list[float] = []

    def habeas(r: int) -> float:
        def work(t: int) -> None:
            for i in range(per_thread):
                ledger.append([draft(t * per_thread + i)])
        start = time.process_time()
        result = run_threads(threads, work, total)
        cpu.append((time.process_time() - start) / total * 1e6)
        return result

    def raw(r: int) -> float:
        base = r * total

        def work(t: int) -> None:
            for i in range(per_thread):
                with lock:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)",
                                 rows[base + t * per_thread + i])
                    conn.execute("COMMIT")
        return run_threads(threads, work, total)

    result = versus(3, habeas, raw)
    ledger.verify()
    ledger.close()
    conn.close()
    return {"name": "concurrent", "what": f"{threads} threads appending 1 record per call "
            f"(SQLite; {statistics.median(cpu):.0f} µs of CPU per record)", **result,
            "baseline_name": f"raw sqlite3, {threads} threads sharing one connection "
            "behind a lock, 1 insert per commit", "unit": "records/s"}


def run_threads(count: int, work: Callable[[int], None], total: int) -> float:
    threads = [threading.Thread(target=work, args=(t,)) for t in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return rate(total, time.perf_counter() - start)


def bench_postgres(tmp: Path, scale: int, url: str) -> Result:
    """8 writer threads on PostgreSQL vs 8 connections inserting the same rows with no
    sequencing at all: the rate PostgreSQL's own group flush gives them."""
    import psycopg

    writers, per_writer = 8, 25 * scale
    names = []
    with psycopg.connect(url, autocommit=True) as admin:
        for suffix in ("bench_ledger", "bench_raw"):
            admin.execute(f"DROP DATABASE IF EXISTS {suffix}")
            admin.execute(f"CREATE DATABASE {suffix}")
            names.append(url.rpartition("/")[0] + "/" + suffix)
    ledger = Ledger.init(names[0], tmp / "pg.key")
    with psycopg.connect(names[1], autocommit=True) as conn:
        conn.execute("CREATE TABLE records (seq BIGINT PRIMARY KEY, recorded_at TEXT, kind TEXT,"
                     " idempotency_key TEXT UNIQUE, body BYTEA, leaf_hash BYTEA)")
    total = writers * per_writer
    rows = rows_for(0, total * 3)

    def habeas(r: int) -> float:
        def work(t: int) -> None:
            for i in range(per_writer):
                ledger.append([draft(t * per_writer + i)])
        return run_threads(writers, work, total)

    def raw(r: int) -> float:
        conns = [psycopg.connect(names[1]) for _ in range(writers)]
        base = r * total

        def work(t: int) -> None:
            conn = conns[t]
            for i in range(per_writer):
                with conn.transaction():
                    conn.execute("INSERT INTO records VALUES (%s, %s, %s, %s, %s, %s)",
                                 rows[base + t * per_writer + i])
        result = run_threads(writers, work, total)
        for conn in conns:
            conn.close()
        return result

    result = versus(3, habeas, raw)
    ledger.verify()
    ledger.close()
    return {"name": "postgres", "what": f"{writers} writer threads, 1 record per call "
            "(PostgreSQL)", **result, "baseline_name": f"raw psycopg, {writers} unlocked "
            "connections inserting the same rows, 1 per commit (PostgreSQL's own group "
            "flush)", "unit": "records/s"}


def bench_bulk(tmp: Path, scale: int) -> Result:
    """Big batches: validate + canonical JSON + hashes + tree + insert, vs raw inserts."""
    batch, batches = 1_000 * min(scale, 10), max(1, scale // 2)
    ledger = Ledger.init(str(tmp / "bulk.db"), tmp / "bulk.key")
    conn = raw_sqlite(str(tmp / "bulk-raw.db"))
    total = batch * batches
    drafts = [draft(i) for i in range(total)]
    rows = rows_for(0, total * 3)

    cpu: list[float] = []

    def habeas(r: int) -> float:
        start, used = time.perf_counter(), time.process_time()
        for b in range(batches):
            ledger.append(drafts[b * batch:(b + 1) * batch])
        cpu.append((time.process_time() - used) / total * 1e6)
        return rate(total, time.perf_counter() - start)

    def raw(r: int) -> float:
        start = time.perf_counter()
        for b in range(batches):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)",
                             rows[r * total + b * batch:r * total + (b + 1) * batch])
            conn.execute("COMMIT")
        return rate(total, time.perf_counter() - start)

    result = versus(3, habeas, raw)
    ledger.close()
    conn.close()
    stamped = stamp(format_time(datetime.now(UTC)))
    start = time.process_time()
    for b in range(batches):  # the CPU the target bounds: validate, encode, hash
        for i, p in enumerate(_prepare(drafts[b * batch:(b + 1) * batch])):
            hashlib.sha256(b"\x00" + p.leaf_stamped(b * batch + i, stamped)).digest()
    encode_us = (time.process_time() - start) / total * 1e6
    return {"name": "bulk", "what": f"bulk import, batches of {batch:,} (SQLite; "
            f"{statistics.median(cpu):.1f} µs of CPU per record, of which validation, "
            f"RFC 8785 encoding and the leaf hash {encode_us:.1f} µs)", **result,
            "baseline_name": "raw sqlite3 executemany of the finished rows (no validation, "
            "JSON or hashing)", "unit": "records/s"}


def bench_verify(tmp: Path, scale: int) -> Result:
    """Full verification vs the hashing floor (hashlib over the same bytes, in memory)."""
    total = 5_000 * scale
    path = tmp / "verify.db"
    ledger = Ledger.init(str(path), tmp / "verify.key")
    for start in range(0, total, 10_000):
        ledger.append([draft(i) for i in range(start, min(total, start + 10_000))])
    ledger.checkpoint()
    root = ledger.root()

    def habeas(r: int) -> float:
        start = time.perf_counter()
        ledger.verify()
        return rate(total, time.perf_counter() - start)

    def floor(r: int) -> float:
        start = time.perf_counter()
        conn = sqlite3.connect(path)
        bodies = [body for (body,) in conn.execute("SELECT body FROM records ORDER BY seq")]
        conn.close()
        sha = hashlib.sha256
        level = [sha(b"\x00" + body).digest() for body in bodies]
        while len(level) > 1:  # RFC 9162's tree, level by level: an odd last node moves up
            paired = [sha(b"\x01" + level[i] + level[i + 1]).digest()
                      for i in range(0, len(level) - 1, 2)]
            level = paired + level[len(paired) * 2:]
        elapsed = time.perf_counter() - start
        assert level[0] == root, "the floor must compute the same root"
        return rate(total, elapsed)

    result = versus(3, habeas, floor)
    ledger.close()
    return {"name": "verify", "what": f"full verification of {total:,} records (SQLite)",
            **result, "baseline_name": "floor: read every body from the same SQLite file, "
            "hash every leaf and every inner node to the root", "unit": "records/s"}


def build_synthetic(path: Path, size: int) -> Ledger:
    """A ledger of ``size`` leaves written straight into the tables (synthetic leaf hashes,
    empty bodies): the tree and node layout are exactly what appends produce."""
    ledger = Ledger.init(str(path), path.with_suffix(".key"))
    nodes: list[Node] = []
    tree = CompactRange(on_node=lambda level, index, digest: nodes.append(
        Node(level, index, digest)))
    now = format_time(datetime.now(UTC))
    chunk = 200_000
    for start in range(0, size, chunk):
        rows = []
        for seq in range(start, min(size, start + chunk)):
            leaf = hashlib.sha256(seq.to_bytes(8, "big")).digest()
            tree.append(leaf)
            rows.append(Row(seq, now, "synthetic", None, b"{}", leaf))
        with ledger.store.writer() as writer:
            writer.insert(rows, nodes)
        nodes.clear()
    return ledger


def bench_proof(tmp: Path, scale: int) -> Result:
    """Inclusion proof make (3 indexed queries) and verify (pure), at 10M leaves.

    Each proof is timed on its own (wall and thread CPU time), and marked when the kernel
    switched the thread away while it ran: on a shared machine those proofs time the other
    processes too, so the median and p99 of the rest are reported beside those of all."""
    size = 10_000_000 if scale >= 10 else 10_000 * scale
    path = PROOF_DB or tmp / "proof.db"
    ledger = (Ledger.open(str(path), path.with_suffix(".key")) if path.exists()
              else build_synthetic(path, size))
    size = ledger.size()
    ledger.checkpoint()
    seqs = [(i * 7_919_993) % size for i in range(2_000)]
    made = [ledger.inclusion_proof(seq) for seq in seqs[:50]]  # warm the page cache
    walls: list[float] = []
    cpus: list[float] = []
    away: list[bool] = []
    thread = resource.RUSAGE_THREAD

    def make(r: int) -> float:
        for seq in seqs:
            before = resource.getrusage(thread)
            start, cpu = time.perf_counter_ns(), time.thread_time_ns()
            ledger.inclusion_proof((seq * 31 + r) % size)
            cpus.append((time.thread_time_ns() - cpu) / 1e3)
            walls.append((time.perf_counter_ns() - start) / 1e3)
            after = resource.getrusage(thread)
            away.append(after.ru_nvcsw + after.ru_nivcsw > before.ru_nvcsw + before.ru_nivcsw)
        return 0.0

    def check(r: int) -> float:
        start = time.perf_counter()
        for _ in range(40):
            for proof in made:
                merkle.verify_inclusion(proof.leaf_index, proof.tree_size, proof.leaf_hash,
                                        proof.path, proof.root)
        return (time.perf_counter() - start) / (40 * len(made)) * 1e6

    _, verify_us = rounds(5, make, check)
    quiet = [w for w, gone in zip(walls, away, strict=True) if not gone]
    verifier = Verifier.parse(ledger.verifier_key())
    start = time.perf_counter()
    for proof in made:
        proof.verify(verifier)
    signed_us = (time.perf_counter() - start) / len(made) * 1e6
    ledger.close()
    return {"name": "proof", "what": f"inclusion proof at {size:,} records (SQLite, "
            "synthetic leaves)", "make_us": statistics.median(walls),
            "make_mean_us": statistics.mean(walls), "make_p99_us": percentile(walls, 0.99),
            "make_cpu_us": statistics.median(cpus), "proofs": len(walls),
            "switched": sum(away), "quiet_us": statistics.median(quiet),
            "quiet_p99_us": percentile(quiet, 0.99), "verify_us": verify_us,
            "verify_signed_us": signed_us, "path_len": len(made[0].path)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


BENCHES: dict[str, Callable[..., Result]] = {
    "single": bench_single, "concurrent": bench_concurrent, "bulk": bench_bulk,
    "verify": bench_verify, "proof": bench_proof,
}


def report(results: list[Result], args: argparse.Namespace) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    lines = [f"Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
             f"SQLite {sqlite3.sqlite_version}; mode: {'quick' if args.quick else 'full'}",
             f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
             "", "| benchmark | Habeas (median) | baseline (median, same run) | ratio "
             "(per-round spread) | target | peak RSS |", "|---|---|---|---|---|---|"]
    for r in results:
        if r["name"] == "proof":
            lines.append(f"| {r['what']} | make: median {r['make_us']:.1f} µs (mean "
                         f"{r['make_mean_us']:.1f}, p99 {r['make_p99_us']:.0f}; CPU median "
                         f"{r['make_cpu_us']:.1f} µs; {r['proofs']:,} proofs, "
                         f"{r['switched']:,} switched away from by the kernel; the others "
                         f"median {r['quiet_us']:.1f} µs, p99 {r['quiet_p99_us']:.0f}), verify "
                         f"{r['verify_us']:.1f} µs (path of {r['path_len']}; with the "
                         f"checkpoint signature {r['verify_signed_us']:.0f} µs) | — | — | "
                         f"{TARGETS['proof']} | {r['rss']:.0f} MiB |")
        else:
            low, high = r["spread"]
            lines.append(f"| {r['what']} | {r['habeas']:,.0f} {r['unit']} | "
                         f"{r['baseline']:,.0f} ({r['baseline_name']}) | "
                         f"{r['habeas'] / r['baseline']:.2f}x ({low:.2f}–{high:.2f}x, "
                         f"{r['rounds']} rounds) | {TARGETS[r['name']]} | "
                         f"{r['rss']:.0f} MiB |")
    lines += ["", "What each baseline does not do:", ""]
    lines += [f"- {name}: {BLIND[name]}" for name in BLIND
              if any(r["name"] == name for r in results)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds")
    parser.add_argument("--only", choices=[*BENCHES, "postgres"], action="append")
    parser.add_argument("--postgres", default=os.environ.get("HABEAS_BENCH_POSTGRES"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--proof-db", type=Path, help="the proof benchmark's synthetic "
                        "ledger: built here if missing, reused if present")
    parser.add_argument("--scale", type=int, help="size multiplier (quick 1, full 10)")
    parser.add_argument("--rounds", type=int, help="at most this many rounds per benchmark")
    args = parser.parse_args()
    global ROUNDS, PROOF_DB
    ROUNDS, PROOF_DB = args.rounds, args.proof_db
    scale = 1 if args.quick else 10
    if args.scale:
        scale = args.scale
    chosen = args.only or [*BENCHES, "postgres"]
    results = []
    with tempfile.TemporaryDirectory(prefix="habeas-bench-") as tmp:
        for name in chosen:
            if name == "postgres":
                if not args.postgres:
                    print("skipping postgres: give --postgres URL", file=sys.stderr)
                    continue
                result = bench_postgres(Path(tmp), scale, args.postgres)
            else:
                result = BENCHES[name](Path(tmp), scale)
            result["rss"] = peak_rss_mib()
            results.append(result)
            print(f"done: {name}", file=sys.stderr)
    text = report(results, args)
    print(text, end="")
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
