"""Pages served with Voila's preheated kernels: what a participant waits for when a kernel is ready for them.

With ``--preheat_kernel=True`` Voila keeps a pool of kernels per notebook that have already run the notebook;
a page takes one and only has to be drawn. After a page takes its kernel, Voila refills the pool
``fill_delay`` seconds later (see :class:`_voila.Preheat`). Voila preheats every notebook of the served
directory, so this run serves a second, separate Voila (started after the cold one has stopped) on a
directory holding only the notebooks under test: *empty*, for the floor, and the servicekit notebooks. A copy
of *empty* that Voila is told not to preheat (``preheat_denylist``) is the cold reference: it is opened in
every round beside the preheated pages, so machine drift between the cold run and this one (two servers,
minutes apart) cannot decide a comparison.

Measuring honestly means every measured page must really get a preheated kernel that has finished running
its notebook. So the run goes in rounds: before each round it waits until every notebook's pool holds a
kernel (Voila logged the pool as filled) and every pooled kernel has used no CPU for
:data:`IDLE_WINDOW_S` (the notebook has finished); then it opens each page once. The refill delay (15 s by
default) is longer than a round of page views, so no refill runs while a page is timed (a kernel starting
during a view is reported as a problem). Voila's log says which pooled kernel each page was given; a page
that did not get one is counted as such. The first round warms the machine and is not counted.

A pool that is refilling still counts as a pool: the next page waits for the pending kernel, fill delay
included. :func:`run` measures that once too: a second *Five Whys* page opened right after the first.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from dataclasses import asdict, replace
from typing import Any

from _browser import KNOWN, PageSpec, View, launch, spec_for, view_medians, viewing
from _report import Row, log
from _voila import Preheat, VoilaRun, kernel_cpu_ticks, kernel_rss_mib, loads_library
from playwright.async_api import Browser, async_playwright

__all__ = [
    "COLD_EMPTY",
    "IDLE_WINDOW_S",
    "measure_preheated",
    "rounds",
    "rows",
    "run",
    "summarise",
    "wait_for_pools",
]

#: A copy of *empty* that gets no pool: the cold reference, measured in the same rounds as the pooled pages.
COLD_EMPTY = "empty_cold.ipynb"

#: A pooled kernel counts as ready once it has used (almost) no CPU for this long.
IDLE_WINDOW_S = 2.0
#: CPU clock ticks (1/100 s) a ready kernel may use in that window (the page's live refresh polls each second).
IDLE_TICKS = 3
POOL_TIMEOUT_S = 300.0


def wait_for_pools(server: VoilaRun, fills: dict[str, int], pooled: int | None = None) -> float:
    """Wait until each notebook's pool holds a kernel that has finished running it; return the seconds waited.

    ``fills`` says how many times Voila must have logged each pool as filled by now. With ``pooled`` the
    pools count as full once that many kernels run that Voila has given no page instead: the log is no
    help when pages took refills still pending (a pool of more than one), since Voila then logs a refill
    once for several kernels.
    """
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < POOL_TIMEOUT_S:
        pids = server.kernel_pids()
        if pooled is None:
            filled = all(
                server.log_count(f"Kernel pool of {name} is filled") >= count
                for name, count in fills.items()
            )
        else:
            filled = len(server.waiting_kernels()) >= pooled
        if filled and len(pids) >= len(fills):
            ticks = {pid: kernel_cpu_ticks(pid) for pid in pids}
            time.sleep(IDLE_WINDOW_S)
            if server.kernel_pids() == pids and all(
                kernel_cpu_ticks(pid) - ticks[pid] <= IDLE_TICKS for pid in pids
            ):
                return time.perf_counter() - t0
        else:
            time.sleep(0.2)
    raise RuntimeError(f"Voila's kernel pools were not ready within {POOL_TIMEOUT_S:g} s.")


async def measure_preheated(
    server: VoilaRun, browser: Browser, spec: PageSpec, pooled: bool = True
) -> View:
    """One view on the preheated server; then shut down only the kernel the page used.

    ``pooled`` is False for the cold reference page, which is expected to start its own kernel.
    """
    before = server.kernel_pids()
    pool = {server.kernel_id(pid): pid for pid in before}
    mark = server.log_size()
    async with viewing(browser, server.page_url(spec.notebook), spec) as view:
        given = server.preheated_kernel(spec.notebook, mark)
        pid = pool.get(given)
        new = server.kernel_pids() - before
        view.preheated = pid is not None
        if len(new) > (0 if pooled else 1):
            view.problems.append("a kernel started during the view (a cold start or a pool refill)")
        used = {pid} if pid is not None else new
        view.kernel_pids = sorted(used)
        view.kernel_rss_mib = sum(kernel_rss_mib(p) for p in used) if used else None
        view.vl_convert_loaded = any(loads_library(p, "vl_convert") for p in used)
    if used:
        await asyncio.to_thread(server.shut_down_kernels, 60.0, used)
    return view


def _line(view: View) -> str:
    ready = f"{view.ready_s:.2f} s" if view.ready_s is not None else "never"
    html = f"{view.html_done_s:.2f} s" if view.html_done_s is not None else "n/a"
    rss = f"{view.kernel_rss_mib:.0f} MiB" if view.kernel_rss_mib is not None else "no kernel"
    return (
        f"ready {ready} (HTML complete at {html}), kernel {rss}, preheated kernel: "
        f"{'no pool (the cold reference)' if view.notebook == COLD_EMPTY else 'yes' if view.preheated else 'NO'}"
        + (f" [{'; '.join(view.problems)[:160]}]" if view.problems else "")
    )


async def rounds(
    server: VoilaRun,
    browser: Browser,
    specs: list[PageSpec],
    repeat: int,
    fills: dict[str, int],
    label: str = "pages (preheated)",
    pooled: int | None = None,
) -> tuple[dict[str, list[View]], list[float]]:
    """``repeat`` measured rounds after a warm-up round, each page once per round, every pool ready first.

    ``fills`` holds every pooled notebook (measured or not) with how many times Voila must have logged its
    pool as filled so far; it is kept up to date. Pages not in it are the cold references. ``pooled`` is
    passed to :func:`wait_for_pools`. Returns the views by page and the seconds waited for the pools
    before each round.
    """
    views: dict[str, list[View]] = {spec.notebook: [] for spec in specs}
    waits: list[float] = []
    for i in range(repeat + 1):  # round 0 warms the machine up
        waits.append(await asyncio.to_thread(wait_for_pools, server, fills, pooled))
        for spec in specs:
            view = await measure_preheated(server, browser, spec, spec.notebook in fills)
            if view.preheated:
                fills[spec.notebook] += 1
            if i:
                views[spec.notebook].append(view)
            log(
                f"{label}: {'warm-up' if not i else f'{i}/{repeat}'} {spec.notebook}: {_line(view)}"
            )
    return views, waits


async def _run(server: VoilaRun, specs: list[PageSpec], repeat: int) -> dict[str, Any]:
    fills = {spec.notebook: 1 for spec in specs if spec.notebook != COLD_EMPTY}
    async with async_playwright() as pw:
        browser = await launch(pw)
        views, waits = await rounds(server, browser, specs, repeat, fills)
        second: dict[str, Any] = {}
        app = next((s for s in specs if s.notebook == "five_whys.ipynb"), None)
        if app is not None:  # a second participant arriving while the pool refills
            await asyncio.to_thread(wait_for_pools, server, fills)
            first = await measure_preheated(server, browser, app)
            t_first = first.started_at
            late = await measure_preheated(server, browser, app)
            second = {
                "first": asdict(first),
                "second": asdict(late),
                "after_s": late.started_at - t_first,
            }
            log(
                f"pages (preheated): a second five_whys.ipynb {second['after_s']:.1f} s after the first: {_line(late)}"
            )
        await browser.close()
    return {
        "pool_waits_s": waits,
        "views": {k: [asdict(v) for v in vs] for k, vs in views.items()},
        "summary": {k: summarise(vs) for k, vs in views.items()},
        "second_page": second,
    }


def summarise(views: list[View]) -> dict[str, Any]:
    """Medians of one page's views, and how many got a preheated kernel."""
    return {**view_medians(views), "preheated": sum(bool(v.preheated) for v in views)}


def run(notebooks: list[str] | None, repeat: int, config: Preheat) -> dict[str, Any]:
    """Serve *empty* and ``notebooks`` with preheated kernels, plus the cold *empty* copy; measure them."""
    config = replace(config, cold=(*config.cold, COLD_EMPTY))
    server = VoilaRun(notebooks, references=("empty.ipynb",), preheat=config)
    shutil.copy2(server.root / "empty.ipynb", server.root / COLD_EMPTY)
    server.pages.insert(0, COLD_EMPTY)
    with server:
        specs = [
            replace(KNOWN["empty.ipynb"], notebook=name)
            if name == COLD_EMPTY
            else spec_for(server.root / name)
            for name in server.pages
        ]
        try:
            details = asyncio.run(_run(server, specs, repeat))
        except Exception:
            log(
                "pages (preheated): failed; the end of Voila's output follows\n" + server.log_tail()
            )
            raise
    details["config"] = {"options": config.options(), "idle_window_s": IDLE_WINDOW_S}
    return details


def rows(details: dict[str, Any], config: Preheat) -> list[Row]:
    """One row per preheated page (ratios to the cold *empty* of the same rounds), and the second page."""
    cold_empty = details["summary"][COLD_EMPTY]
    out = [
        Row(
            "pages",
            "empty.ipynb, cold, on the preheated server in the same rounds (reference for the rows below)",
            f"ready {cold_empty['ready_s']:.2f} s (HTML complete at {cold_empty['html_done_s']:.2f} s); "
            f"kernel {cold_empty['kernel_rss_mib']:.0f} MiB",
            note=f"median of {cold_empty['views']}; served as {COLD_EMPTY}, no pool",
        )
    ]
    for name, s in details["summary"].items():
        if name == COLD_EMPTY:
            continue
        value = (
            f"ready {s['ready_s']:.2f} s ({s['ready_s'] / cold_empty['ready_s']:.2f}x cold empty; HTML "
            f"complete at {s['html_done_s']:.2f} s)"
            + (f", charts {s['charts_s']:.2f} s" if s["charts_s"] == s["charts_s"] else "")
            + f"; kernel {s['kernel_rss_mib']:.0f} MiB"
        )
        note = (
            f"median of {s['views']}; a preheated kernel in {s['preheated']} of {s['views']}; "
            f"pool of {config.pool_size}, refill after {config.fill_delay:g} s, full pool before each round"
        )
        if s["problems"]:
            note += "; " + "; ".join(s["problems"])[:200]
        out.append(Row("pages", f"{name}, one page, Voila preheated kernel", value, note=note))
    late = details.get("second_page", {}).get("second")
    if late:
        ready = f"{late['ready_s']:.2f} s" if late["ready_s"] is not None else "never"
        out.append(
            Row(
                "pages",
                "five_whys.ipynb, preheated, a second page right after the first (pool refilling)",
                f"ready {ready}; got a ready kernel: {'yes' if late['preheated'] else 'no'}",
                note=f"one view, {details['second_page']['after_s']:.1f} s after the first; "
                f"fill_delay {config.fill_delay:g} s",
            )
        )
    return out
