"""Burst mode: a room arriving together, N copies of one page requested at the same moment.

Two views of the same moment, because they fail differently:

* **server side** — N threads GET the render URL at once and read the whole response. Voila executes the
  notebook before the page is complete, so this is N kernels starting and running the notebook on the
  machine's cores at once, with no browser in the way. Reported: time until every response is complete.
  These kernels never get a websocket; culling removes them afterwards.
* **in the browser** — N fresh Chromium contexts open the page at once; reported: time until every page shows
  its ready marker (and charts, where it has them), and the kernels' total resident memory with all N open.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from _browser import PageSpec, View, viewing
from _report import median
from _voila import kernel_rss_mib

if TYPE_CHECKING:
    from _voila import VoilaRun
    from playwright.async_api import Browser

__all__ = ["browser_burst", "server_burst"]

HTTP_TIMEOUT_S = 600
#: A response still open after this long is given up: Voila keeps the response of a page whose kernel
#: never answered open for ever, sending a heartbeat every few seconds.
HTTP_DEADLINE_S = 180.0


def server_burst(url: str, n: int, deadline_s: float = HTTP_DEADLINE_S) -> dict[str, Any]:
    """GET ``url`` from ``n`` threads released together; return completion times and status codes.

    Times are seconds from the release; ``done_s`` holds every complete response's, in order. A response
    not complete ``deadline_s`` after the release is given up and counted in ``incomplete``; the times
    then count it as never done (``all_done_s`` is infinite).
    """
    go = threading.Event()
    start: list[float] = []

    def fetch(_: int) -> tuple[float, int, int, bool]:
        go.wait()
        size, complete = 0, False
        try:
            with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_S) as response:
                status = response.status
                while time.perf_counter() - start[0] < deadline_s:
                    chunk = response.read1(65536)
                    if not chunk:
                        complete = True
                        break
                    size += len(chunk)
        except urllib.error.HTTPError as error:
            status, complete = error.code, True
        return time.perf_counter() - start[0], status, size, complete

    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(fetch, i) for i in range(n)]
        time.sleep(0.2)  # let every thread reach the starting line
        start.append(time.perf_counter())
        go.set()
        results = [f.result() for f in futures]
    done = [r[0] if r[3] else float("inf") for r in results]
    finished = sorted(t for t in done if t != float("inf"))
    return {
        "n": n,
        "all_done_s": max(done),
        "median_s": median(done),
        "first_s": min(done),
        "done_s": finished,
        "incomplete": n - len(finished),
        "statuses": [r[1] for r in results],
        "bytes": median([float(r[2]) for r in results]),
    }


async def browser_burst(
    server: VoilaRun, browser: Browser, spec: PageSpec, n: int
) -> dict[str, Any]:
    """Open ``n`` fresh contexts on the page at once; return when all were ready and their kernels' memory."""
    url = server.page_url(spec.notebook)
    before = server.kernel_pids()
    waiting = {"count": 0}
    all_in = asyncio.Event()
    memory: dict[str, float] = {}

    async def one() -> View:
        async with viewing(browser, url, spec) as view:
            waiting["count"] += 1
            if (
                waiting["count"] == n
            ):  # the last page to finish waiting: every kernel is up, read them
                pids = server.kernel_pids() - before
                memory["kernels"] = float(len(pids))
                memory["rss_mib"] = sum(kernel_rss_mib(pid) for pid in pids)
                all_in.set()
            await all_in.wait()  # keep every page open until all are in, as a room would
            return view

    t0 = time.perf_counter()
    views = await asyncio.gather(*(one() for _ in range(n)))
    ready = [v.ready_at - t0 for v in views if v.ready_at is not None]
    charts = [v.started_at + v.charts_s - t0 for v in views if v.charts_s is not None]
    return {
        "n": n,
        "all_ready_s": max(ready) if ready else float("nan"),
        "median_ready_s": median(ready),
        "all_charts_s": max(charts) if charts else None,
        "not_ready": n - len(ready),
        "kernels": memory.get("kernels", 0.0),
        "kernels_rss_mib": memory.get("rss_mib", float("nan")),
        "problems": sorted({p for v in views for p in v.problems}),
    }
