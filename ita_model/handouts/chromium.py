"""One headless Chromium per process, kept warm: charts to PNG/SVG and HTML to PDF.

Starting Chromium (and loading plotly.js into its tabs) costs 2–4 s on this project's 2-core
machine, more than all the charts of a hand-out together; a hand-out that starts its own
browser waits for it every time. So the first hand-out (or ``warm()``, which the dashboard
calls when it shows the hand-out buttons) starts one browser on a thread of its own, and every
later chart and PDF of the process uses it: plotly's static export (kaleido 1.x) in ``TABS``
tabs side by side, and Chromium's own ``Page.printToPDF`` in a tab opened for the report. The
browser closes after ``IDLE_S`` seconds without work and at exit; one that crashed is started
afresh on the next call. Rendered pictures are kept by the hash of the figure and its size
(``CACHE_ENTRIES``), so the same chart is drawn once.

Kaleido finds the browser through choreographer: ``BROWSER_PATH`` if set, else ``chromium`` on
the PATH. MathJax is off: kaleido would otherwise load it from a CDN.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from ita_model.errors import HandoutError
from ita_model.i18n import both

TIMEOUT_S = 90
TABS = 2  # two cores: two figures laid out side by side
RELOAD_EVERY = 25  # figures a tab draws before it reloads plotly.js (kaleido: after each one)
IDLE_S = 600.0
CACHE_ENTRIES = 64
PDF_PARAMS = {
    "printBackground": True,
    "preferCSSPageSize": True,  # A4 and the margins from the report's @page rule
    "displayHeaderFooter": False,
    "marginTop": 0,
    "marginBottom": 0,
    "marginLeft": 0,
    "marginRight": 0,
    "transferMode": "ReturnAsBase64",
}


def chromium_path() -> str | None:
    """The browser: ``BROWSER_PATH``, else ``chromium`` on the PATH, else Debian's."""
    found = os.environ.get("BROWSER_PATH") or shutil.which("chromium")
    if not found and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    return found


class _Browser:
    """The warm browser: an event loop on a daemon thread owning one ``kaleido.Kaleido``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._exit_hook = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None
        self._opening: asyncio.Future | None = None
        self._closing: asyncio.Future | None = None
        self._last_used = time.monotonic()
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_lock = threading.Lock()

    # ------------------------------------------------------------------ the loop

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or not self._loop.is_running():
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()

                self._thread = threading.Thread(target=run, name="ita-chromium", daemon=True)
                self._thread.start()
                ready.wait()
                self._loop = loop
                self._kaleido = None
                self._opening = None
                loop.call_soon_threadsafe(self._schedule_idle_check)
            return self._loop

    def _run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        loop = self._ensure_loop()
        self._last_used = time.monotonic()
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(timeout=TIMEOUT_S + 30)
        finally:
            self._last_used = time.monotonic()

    def _schedule_idle_check(self) -> None:
        assert self._loop is not None
        self._loop.call_later(30, self._idle_check)

    def _idle_check(self) -> None:
        if self._kaleido is not None and time.monotonic() - self._last_used > IDLE_S:
            self._closing = asyncio.ensure_future(self._close())
        self._schedule_idle_check()

    # ------------------------------------------------------------------ the browser

    async def _open(self) -> Any:
        """The open Kaleido, started once even when several callers ask at the same time."""
        if self._kaleido is not None and self._kaleido_alive():
            return self._kaleido
        if self._opening is None:
            self._opening = asyncio.ensure_future(self._start())
        try:
            return await asyncio.shield(self._opening)
        finally:
            if self._opening is not None and self._opening.done():
                self._opening = None

    def _kaleido_alive(self) -> bool:
        proc = getattr(getattr(self._kaleido, "_channel", None), "_proc", None)
        poll = getattr(proc, "poll", None)
        return poll is None or poll() is None

    async def _start(self) -> Any:
        from kaleido.errors import ChromeNotFoundError

        path = chromium_path()
        if path is None:
            raise HandoutError(both("handout.no_chromium", detail="chromium"))
        await self._close()
        k = _kaleido_class()(n=TABS, timeout=TIMEOUT_S, mathjax=False, path=path)
        try:
            await k.open()
        except ChromeNotFoundError as exc:
            raise HandoutError(both("handout.no_chromium", detail=str(exc)[:300])) from exc
        self._kaleido = k
        if not self._exit_hook:
            # registered after the browser made its profile folder, so it runs first at exit:
            # the browser is closed before Python's clean-up deletes the folder under it
            atexit.register(self.shutdown)
            self._exit_hook = True
        return k

    async def _close_all(self) -> None:
        """Close the browser, also one still starting (``warm()`` a moment ago): left to start
        after the loop stops, its threads and process would outlive the shutdown."""
        opening = self._opening
        if opening is not None:
            with contextlib.suppress(Exception):  # a start that failed leaves nothing to close
                await asyncio.shield(opening)
        await self._close()

    async def _close(self) -> None:
        k, self._kaleido = self._kaleido, None
        if k is not None:
            with contextlib.suppress(Exception):  # a browser already gone: nothing to close
                await k.close()

    # ------------------------------------------------------------------ the work

    async def _figures(self, specs: list[tuple[go.Figure, dict]]) -> list[bytes]:
        k = await self._open()
        return list(await asyncio.gather(*(k.calc_fig(fig, opts=opts) for fig, opts in specs)))

    async def _pdf(self, html_path: Path) -> bytes:
        k = await self._open()
        tab = await k.create_tab(url="", window=True)
        try:
            loaded = tab.subscribe_once("Page.loadEventFired")
            await tab.send_command("Page.enable")
            await tab.send_command("Page.navigate", params={"url": html_path.as_uri()})
            await asyncio.wait_for(loaded, TIMEOUT_S)
            await tab.send_command(
                "Runtime.evaluate",
                params={
                    "expression": "document.fonts.ready.then(() => true)",
                    "awaitPromise": True,
                },
            )
            response = await tab.send_command("Page.printToPDF", params=PDF_PARAMS)
        finally:
            await tab.close()
        data = (response or {}).get("result", {}).get("data")
        if not data:
            raise HandoutError(both("handout.render_failed", detail=str(response)[:300]))
        return base64.b64decode(data)

    def _attempt(self, make: Any) -> Any:
        """Run ``make()``'s coroutine; a browser that died is started afresh once."""
        for attempt in (1, 2):
            try:
                return self._run(make())
            except HandoutError:
                raise
            except Exception as exc:  # kaleido/choreographer raise many kinds; one named error
                self._run(self._close())
                if attempt == 2:
                    raise HandoutError(
                        both("handout.render_failed", detail=repr(exc)[:300])
                    ) from exc
        raise AssertionError("unreachable")

    def render(self, figures: Sequence[go.Figure], opts: Sequence[dict]) -> list[bytes]:
        keys = [_key(fig, o) for fig, o in zip(figures, opts, strict=True)]
        with self._cache_lock:
            found = {key: self._cache[key] for key in keys if key in self._cache}
        todo = [
            (fig, o) for fig, o, key in zip(figures, opts, keys, strict=True) if key not in found
        ]
        todo_keys = [key for key in keys if key not in found]
        if todo:
            made = self._attempt(lambda: self._figures(todo))
            found.update(zip(todo_keys, made, strict=True))
            for key, data in zip(todo_keys, made, strict=True):
                self._keep(key, data)
        return [found[key] for key in keys]

    def _cached(self, key: str) -> bytes | None:
        with self._cache_lock:
            return self._cache.get(key)

    def _keep(self, key: str, data: bytes) -> None:
        with self._cache_lock:
            self._cache[key] = data
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)

    def print_pdf(self, html: str) -> bytes:
        key = "pdf:" + hashlib.sha256(html.encode("utf-8")).hexdigest()
        found = self._cached(key)
        if found is not None:
            return found
        with tempfile.TemporaryDirectory(prefix="ita-pdf-") as tmp:
            page = Path(tmp) / "report.html"
            page.write_text(html, encoding="utf-8")
            data = self._attempt(lambda: self._pdf(page))
        self._keep(key, data)
        return data

    def warm(self) -> None:
        """Start the browser in the background, if it is not running; returns at once."""
        if chromium_path() is None:
            return
        loop = self._ensure_loop()
        self._last_used = time.monotonic()

        async def start() -> None:
            with contextlib.suppress(Exception):  # the next real call names the error
                await self._open()

        asyncio.run_coroutine_threadsafe(start(), loop)

    def shutdown(self) -> None:
        """Close the browser and stop its thread (at exit; a later call starts both again)."""
        with self._lock:
            loop, self._loop = self._loop, None
            if loop is not None and loop.is_running():
                with contextlib.suppress(Exception):  # exiting: a stuck browser dies with us
                    asyncio.run_coroutine_threadsafe(self._close_all(), loop).result(timeout=30)
                loop.call_soon_threadsafe(loop.stop)
                if self._thread is not None:
                    self._thread.join(timeout=10)
            self._kaleido = None


@functools.cache
def _kaleido_class() -> type:
    """Made when kaleido is first needed (importing it starts nothing, but takes a while)."""
    import kaleido

    class Reusing(kaleido.Kaleido):
        """Kaleido reloads a tab (plotly.js and all, 0.3–1 s on two busy cores) after every
        figure, to start each from a clean page; the figures of a hand-out come out the same
        without it (tests compare them), so a tab reloads every ``RELOAD_EVERY`` figures."""

        async def _return_kaleido_tab(self, tab: Any) -> None:
            used = getattr(tab, "_ita_used", 0) + 1
            if used >= RELOAD_EVERY:
                used = 0
                await tab.reload()
            tab._ita_used = used
            await self.tabs_ready.put(tab)

    return Reusing


def _key(fig: go.Figure, opts: dict) -> str:
    digest = hashlib.sha256(fig.to_json().encode("utf-8"))
    digest.update(json.dumps(opts, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


BROWSER = _Browser()


def render(
    figures: Sequence[go.Figure],
    *,
    fmt: str = "png",
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.0,
) -> list[bytes]:
    """Each figure as PNG or SVG bytes, drawn by the warm browser (or taken from the cache)."""
    if not figures:
        return []
    if chromium_path() is None:
        raise HandoutError(both("handout.no_chromium", detail="chromium"))
    opts = [
        {
            "format": fmt,
            "width": width or fig.layout.width or 1000,
            "height": height or fig.layout.height or 600,
            "scale": scale,
        }
        for fig in figures
    ]
    return BROWSER.render(list(figures), opts)


def print_pdf(html: str) -> bytes:
    """An HTML document printed to PDF by the warm browser (A4 from the CSS ``@page``)."""
    if chromium_path() is None:
        raise HandoutError(both("handout.no_chromium", detail="chromium"))
    return BROWSER.print_pdf(html)


def warm() -> None:
    """Start the browser now, in the background, so the first hand-out does not wait for it."""
    BROWSER.warm()
