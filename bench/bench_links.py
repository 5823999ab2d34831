"""How fast is the link check? 43 items × 15 divisions = 645 links on a local site that takes
50 ms to build each page (a 304 for an unchanged page costs it nothing), with ratios against a
baseline measured in this same run: the same 645 pages fetched bare (httpx, the same
concurrency, no reading, judging or keeping).

Targets: the whole check (fetch, read, judge, keep the evidence in a SQLite store) ≤ 3 s; a
re-check of the unchanged pages (ETag → 304) ≤ 30 % of the first run.

Run: ``make bench`` or ``.venv/bin/python bench/bench_links.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ita_model.links.check import Target  # noqa: E402
from ita_model.links.evidence import Evidence  # noqa: E402
from ita_model.links.runs import check_and_keep, policy_of  # noqa: E402
from ita_model.settings import Settings  # noqa: E402
from ita_model.store import open_store  # noqa: E402
from tests.linkserver import PAD, html  # noqa: E402

ITEMS, DIVISIONS, LATENCY = 43, 15, 0.050


def pages() -> dict[str, bytes]:
    out = {}
    for d in range(DIVISIONS):
        for i in range(1, ITEMS + 1):
            body = f"<h1>ข้อ o{i:02d} ส่วนราชการ {d} ปีงบประมาณ พ.ศ. ๒๕๖๕</h1><p>{PAD * 4}</p>"
            out[f"/d{d:02d}/o{i:02d}.html"] = html(f"o{i:02d} ประจำปี 2565 ({d})", body)
    return out


def _serve(pipe: Connection) -> None:
    """The site, in a process of its own (the agency's server is not the checker's machine):
    asyncio, keep-alive, an ETag per page; a whole page waits ``LATENCY``, a 304 does not."""
    asyncio.run(_site(pages(), pipe))


async def _site(bodies: dict[str, bytes], pipe: Connection) -> None:
    tags = {
        path: '"' + hashlib.sha256(body).hexdigest()[:16] + '"' for path, body in bodies.items()
    }
    full = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal full
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                path = head[0].split(" ")[1].split("?")[0]
                asked = {
                    k.strip().lower(): v.strip()
                    for k, v in (line.split(":", 1) for line in head[1:] if ":" in line)
                }
                extra, body = "", b""
                if path == "/_stats":
                    status, body = "200 OK", str(full).encode()
                elif path not in bodies:
                    status = "404 Not Found"
                elif asked.get("if-none-match") == tags[path]:
                    status, extra = "304 Not Modified", f"ETag: {tags[path]}\r\n"
                else:
                    await asyncio.sleep(LATENCY)
                    full += 1
                    status, body = "200 OK", bodies[path]
                    extra = f"ETag: {tags[path]}\r\nContent-Type: text/html; charset=utf-8\r\n"
                writer.write(
                    f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
    port = server.sockets[0].getsockname()[1]
    pipe.send(f"http://127.0.0.1:{port}")
    await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # until the bench is done
    server.close()


def site_with_pages() -> tuple[str, list[Target], Connection, mp.Process]:
    mine, theirs = mp.Pipe()
    child = mp.get_context("fork").Process(target=_serve, args=(theirs,), daemon=True)
    child.start()
    base = mine.recv()
    targets = [Target(path.split("/")[2][:3], path.split("/")[1], base + path) for path in pages()]
    return base, targets, mine, child


def full_pages(base: str) -> int:
    """How many whole pages (not 304s) the site has sent so far."""
    return int(httpx.get(base + "/_stats").text.split()[0])


async def bare(urls: list[str], concurrency: int) -> None:
    """The floor: GET every page with httpx at the same concurrency, nothing else."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:

        async def one(url: str) -> None:
            async with gate:
                (await http.get(url)).raise_for_status()

        await asyncio.gather(*(one(u) for u in urls))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=2, help="fresh stores checked, each twice")
    args = ap.parse_args()
    base, targets, pipe, child = site_with_pages()
    settings = Settings(link_allow_hosts="127.0.0.1")
    policy = policy_of(settings)
    urls = [t.url for t in targets]
    print(
        f"{len(targets)} links ({ITEMS} items × {DIVISIONS} divisions), {LATENCY * 1000:.0f} ms "
        f"per page, {policy.concurrency} at once, {policy.per_host} per site"
    )
    firsts, agains, bares, cpu_first, cpu_again = [], [], [], [], []
    try:
        for _ in range(args.runs):
            t0 = time.perf_counter()
            asyncio.run(bare(urls, policy.per_host))
            bares.append(time.perf_counter() - t0)
            with tempfile.TemporaryDirectory() as tmp:
                evidence = Evidence(open_store(Path(tmp) / "store"))
                full = full_pages(base)
                t0, c0 = time.perf_counter(), time.process_time()
                run = check_and_keep(
                    evidence, targets, year=2565, policy=policy, trigger="cli", user="bench"
                )
                firsts.append(time.perf_counter() - t0)
                cpu_first.append(time.process_time() - c0)
                codes = {p.code for r in run.results for p in r.problems}
                assert len(run.results) == len(targets) and codes == {"link_not_https"}, codes
                assert full_pages(base) - full >= len(targets)
                full = full_pages(base)
                t0, c0 = time.perf_counter(), time.process_time()
                again = check_and_keep(
                    evidence, targets, year=2565, policy=policy, trigger="cli", user="bench"
                )
                agains.append(time.perf_counter() - t0)
                cpu_again.append(time.process_time() - c0)
                assert all(r.not_modified for r in again.results)
                assert full_pages(base) == full  # every page answered 304
                kept = evidence.blob_count()
                assert kept == len(targets), kept
    finally:
        pipe.send("stop")
        child.join(10)
    first, again, floor = (statistics.median(x) for x in (firsts, agains, bares))
    print(f"bare fetch of the 645 pages (baseline):  {floor:.2f} s   runs {_runs(bares)}")
    print(
        f"whole check, evidence kept:              {first:.2f} s = {first / floor:.2f}× the "
        f"baseline   runs {_runs(firsts)}   target ≤ 3 s: {'ok' if first <= 3 else 'MISSED'}"
    )
    print(
        f"re-check of unchanged pages (304):       {again:.2f} s = {again / first:.0%} of the "
        f"first run = {again / floor:.2f}× the baseline   runs {_runs(agains)}   "
        f"target ≤ 30 %: {'ok' if again <= 0.3 * first else 'MISSED'}"
    )

    print(
        f"the checker's own CPU time: first {statistics.median(cpu_first):.2f} s, re-check "
        f"{statistics.median(cpu_again):.2f} s (wall minus CPU: waiting on the site, or on a "
        f"machine busy with other work; load average {os.getloadavg()[0]:.1f})"
    )


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
