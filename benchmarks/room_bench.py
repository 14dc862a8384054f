"""The participants' server of ``servicekit serve``: arriving, a room arriving at once, and leaving.

``servicekit serve`` (:func:`servicekit.room_server.run_room`) runs a second Voila for the participants: a
temporary folder filled by :func:`~servicekit.room_server.participant_notebook_dir` (the participant page
and the questionnaire), with Voila's preheated kernels as :class:`~servicekit.room_server.Pool` sizes them
(three per page, refilled 30 s after use). This run starts that server the same way, through the same
functions (:class:`_voila.VoilaRun`, which starts Voila with :func:`servicekit.serve.start_voila`), with two
references added to the folder and denied a pool (Voila's ``preheat_denylist``), so they are served cold by
the same server in the same minutes: a copy of *empty* (:data:`preheat.COLD_EMPTY`) and *widgets-only*. The
participant page and the questionnaire keep their pools of three as ``servicekit serve`` has them. Like
every page run, the server listens on 127.0.0.1 (``servicekit serve``: every address).

Four parts, in this order:

1. **One participant arriving.** Rounds as in :mod:`preheat`: before each, every pool is full and its kernels
   idle; then a cold *empty* and a participant page, each in a fresh browser context; the first round is a
   warm-up. Target: ready (the join form ``.sk-join`` visible) no later than the cold *empty* page
   (<= 1.0x). The pooled participant kernel's memory, read while the page is open, against the cold *empty*
   kernel's: <= 1.2x.
2. **Pages closed.** N participant pages open together in real browser contexts, then each navigates to
   about:blank (its unload request asks Voila to shut the kernel down) and the contexts close. The kernels
   that served those pages (each page's ``#jupyter-config-data`` names its kernel; Voila's log says the same)
   are watched for 30 s: target none left. Pooled kernels waiting for the next arrival do not count. Then the
   same for N pages whose contexts are closed directly (no unload, as a phone that drops off the wifi): for
   information, with how long culling took to remove them.
3. **A room arriving at once.** ``burst`` GETs of the participant page released together, server side
   (:func:`burst.server_burst`), after the same burst of *widgets-only* (cold) with every pool full. Target:
   <= 1.5x *widgets-only*. While the participant burst runs, the kernel processes are sampled every 0.25 s,
   so the rows can say when the kernels that served it started.
4. **The same without a pool, for comparison.** A second participants' server with ``Pool(size=0)`` (no
   preheating): the participant page and a cold *empty* opened one at a time, then the same two bursts.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path
from types import TracebackType
from typing import Any

import preheat as preheated
from _browser import KNOWN, View, launch, viewing
from _report import Row, Section, log, median
from _voila import BENCH_NOTEBOOKS, VoilaRun, denylist, kernel_rss_mib, loads_library
from burst import HTTP_DEADLINE_S, server_burst
from pages import measure_view
from playwright.async_api import Browser, async_playwright

from servicekit.room_server import PARTICIPANT_NOTEBOOKS, Pool, participant_notebook_dir

__all__ = ["run"]

PARTICIPANT = "participant.ipynb"
WIDGETS = "widgets_only.ipynb"
COLD_EMPTY = preheated.COLD_EMPTY
#: The references served cold beside the participant pages.
COLD = (COLD_EMPTY, WIDGETS)

READY_TARGET = 1.0  # x a cold empty page
BURST_TARGET = 1.5  # x the same burst of widgets-only
MEMORY_TARGET = 1.2  # x the empty page's kernel
#: How long after the pages closed their kernels are counted.
LEFT_AFTER_S = 30.0
#: How long to wait, from the close, for culling to remove the kernels of pages closed without unload.
CULL_WAIT_S = 100.0
SAMPLE_EVERY_S = 0.25

EMPTY_SPEC = replace(KNOWN["empty.ipynb"], notebook=COLD_EMPTY)
PARTICIPANT_SPEC = KNOWN[PARTICIPANT]


def _prepare(folder: Path) -> None:
    """Fill the served folder as ``servicekit serve`` does, plus the cold copy of *empty*."""
    participant_notebook_dir(folder)
    shutil.copy2(BENCH_NOTEBOOKS / "empty.ipynb", folder / COLD_EMPTY)


def participants_server(pool: Pool) -> VoilaRun:
    """The participants' server with ``pool``, serving the references cold beside the participant pages."""
    return VoilaRun(
        [],
        references=(WIDGETS,),
        prepare=_prepare,
        options=[*pool.options(), *(denylist(COLD) if pool.size > 0 else ())],
        label="room",
    )


#: The kernels the participants' server holds when every pool is full.
POOLED = Pool().size * len(PARTICIPANT_NOTEBOOKS)


def _fills(server: VoilaRun) -> dict[str, int]:
    """The pooled notebooks, with how many times Voila has logged their pools as filled (for
    :mod:`preheat`'s bookkeeping; the pools are judged full by :data:`POOLED` instead)."""
    return {nb: server.log_count(f"Kernel pool of {nb} is filled") for nb in PARTICIPANT_NOTEBOOKS}


def _wait_for_pools(server: VoilaRun) -> float:
    return preheated.wait_for_pools(server, _fills(server), POOLED)


async def _pools_ready(server: VoilaRun) -> float:
    return await asyncio.to_thread(_wait_for_pools, server)


class KernelTimeline:
    """Samples Voila's kernel processes in a thread; notes when each new one was first seen.

    Times are seconds from ``t0`` (a ``time.perf_counter`` value).
    """

    def __init__(self, server: VoilaRun, t0: float) -> None:
        self.server = server
        self.t0 = t0
        self.before = server.kernel_pids()
        self.first_seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter() - self.t0
            for pid in self.server.kernel_pids() - self.before:
                self.first_seen.setdefault(pid, now)
            self._stop.wait(SAMPLE_EVERY_S)

    def __enter__(self) -> KernelTimeline:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()


def _idle_pools(server: VoilaRun) -> dict[str, Any]:
    """The pooled kernels of an idle participants' server: how many, their memory, pandas mapped."""
    pids = server.kernel_pids()
    rss = [kernel_rss_mib(pid) for pid in pids]
    return {
        "kernels": len(pids),
        "rss_mib": sum(rss),
        "median_rss_mib": median(rss),
        "rss_each_mib": sorted(round(r, 1) for r in rss),
        "pandas_mapped": sum(bool(loads_library(pid, "/pandas/")) for pid in pids),
    }


async def _closing(server: VoilaRun, browser: Browser, n: int, unload: bool) -> dict[str, Any]:
    """Open ``n`` participant pages together, close them all, watch the kernels that served them."""
    await _pools_ready(server)
    waiting = {server.kernel_id(pid) for pid in server.kernel_pids()}
    mark = server.log_size()
    url = server.page_url(PARTICIPANT)
    opened = {"count": 0}
    all_in = asyncio.Event()

    async def one() -> View:
        async with viewing(browser, url, PARTICIPANT_SPEC, unload=unload) as view:
            opened["count"] += 1
            if opened["count"] == n:
                all_in.set()
            await all_in.wait()  # every page stays open until all are in, then all close
        return view

    t0 = time.perf_counter()
    views = await asyncio.gather(*(one() for _ in range(n)))
    closed_at = time.perf_counter()
    from_pages = {v.kernel_id for v in views if v.kernel_id}
    logged = set(server.preheated_kernels(PARTICIPANT, mark))
    ids = from_pages | logged  # the kernels that served the pages, however they were found
    culled_open = {k: why for k, why in server.culled_kernels(mark).items() if k in ids}
    gone_s: dict[str, float] = {}
    left: set[str] = set(ids)
    deadline = LEFT_AFTER_S if unload else CULL_WAIT_S
    left_at_30: set[str] | None = None
    while True:
        now = time.perf_counter() - closed_at
        running = set(await asyncio.to_thread(server.pids_of, ids))
        for kid in left - running:
            gone_s[kid] = now
        left &= running
        if left_at_30 is None and (now >= LEFT_AFTER_S or not left):
            left_at_30 = set(left)  # all gone before 30 s: none can come back
        if now >= deadline or not left:
            break
        await asyncio.sleep(0.25)
    assert left_at_30 is not None
    leftovers = set(server.pids_of(left).values())
    if leftovers:
        await asyncio.to_thread(server.shut_down_kernels, 60.0, leftovers)
    ready = [v.ready_at - t0 for v in views if v.ready_at is not None]
    return {
        "pages": n,
        "unload": unload,
        "kernel_ids": sorted(ids),
        "kernel_ids_from_pages": sorted(from_pages),
        "kernel_ids_in_log": sorted(logged),
        "culled_while_open": culled_open,
        "had_waiting_kernel": sum(1 for v in views if v.kernel_id in waiting),
        "ready_s": sorted(ready),
        "not_ready": n - len(ready),
        "left_after_30_s": len(left_at_30),
        "gone_s": sorted(gone_s.values()),
        "still_running_at_end": len(left),
        "views": [asdict(v) for v in views],
    }


def _bursts(server: VoilaRun, n: int, pooled: bool) -> dict[str, Any]:
    """The same burst of *widgets-only* then of the participant page, each with the server at rest."""
    out: dict[str, Any] = {}
    for name in (WIDGETS, PARTICIPANT):
        if pooled:
            _wait_for_pools(server)
        mark = server.log_size()
        t0 = time.perf_counter()
        with KernelTimeline(server, t0) as timeline:
            # server_burst releases its threads 0.2 s after it is called
            served = server_burst(server.page_url(name), n)
        started = sorted(timeline.first_seen.values())
        used = set(server.preheated_kernels(name, mark)) if pooled else set()
        out[name] = {
            **served,
            "kernels_started_s": [s - 0.2 for s in started],
            "pooled_kernels_used": len(used),
        }
        log(
            f"room: burst of {n} x {name}{'' if pooled else ' (no pool)'}: all served in "
            f"{served['all_done_s']:.1f} s (median {served['median_s']:.1f} s); {len(started)} "
            f"kernels started"
            + (f" from {started[0] - 0.2:.1f} to {started[-1] - 0.2:.1f} s" if started else "")
        )
        # The kernels the burst started or took; not the pool's new members, nor a refill to come.
        ours = set(timeline.first_seen) | set(server.pids_of(used).values())
        if pooled:
            ours -= _pool_members(server, name, mark, timeline)
        server.shut_down_kernels(60.0, ours)
    return out


def _pool_members(server: VoilaRun, name: str, mark: int, timeline: KernelTimeline) -> set[int]:
    """The kernels a burst started that became pool members (refills), not a page's kernel."""
    if name not in PARTICIPANT_NOTEBOOKS:
        return set()
    given = set(server.pids_of(set(server.preheated_kernels(name, mark))).values())
    return set(timeline.first_seen) - given


async def _run_pooled(repeat: int, n_close: int, burst: int) -> dict[str, Any]:
    details: dict[str, Any] = {}
    with participants_server(Pool()) as server:
        try:
            details["pool_options"] = Pool().options()
            details["sample"] = server.sample_note
            await _pools_ready(server)
            details["idle_pools"] = _idle_pools(server)
            log(
                f"room: idle participants' server: {details['idle_pools']['kernels']} pooled kernels, "
                f"{details['idle_pools']['rss_mib']:.0f} MiB in all"
            )
            async with async_playwright() as pw:
                browser = await launch(pw)
                fills = _fills(server)
                views, waits = await preheated.rounds(
                    server,
                    browser,
                    [EMPTY_SPEC, PARTICIPANT_SPEC],
                    repeat,
                    fills,
                    label="room",
                    pooled=POOLED,
                )
                details["pool_waits_s"] = waits
                details["views"] = {k: [asdict(v) for v in vs] for k, vs in views.items()}
                details["summary"] = {k: preheated.summarise(vs) for k, vs in views.items()}
                for unload in (True, False):
                    how = "navigated to about:blank" if unload else "closed without unload"
                    log(f"room: {n_close} participant pages open together, then {how}")
                    closing = await _closing(server, browser, n_close, unload)
                    details["closed" if unload else "vanished"] = closing
                    log(
                        f"room: {how}: {closing['left_after_30_s']} of {len(closing['kernel_ids'])} "
                        f"kernels left after {LEFT_AFTER_S:g} s; gone after "
                        + ", ".join(f"{s:.1f}" for s in closing["gone_s"])
                        + " s"
                    )
                await browser.close()
            # Every participant page's kernel culled while its page was open: the rounds shut each
            # page's kernel down after the view, and the closing passes note their own.
            culled = server.culled_kernels()
            details["culled"] = {
                "while_open": {
                    **{
                        v.kernel_id: culled[v.kernel_id]
                        for v in views[PARTICIPANT]
                        if v.kernel_id in culled
                    },
                    **details["closed"]["culled_while_open"],
                    **details["vanished"]["culled_while_open"],
                }
            }
            details["burst"] = await asyncio.to_thread(_bursts, server, burst, True)
        except Exception:
            log("room: failed; the end of Voila's output follows\n" + server.log_tail())
            raise
    return details


async def _run_cold(repeat: int, burst: int) -> dict[str, Any]:
    """The participants' server without a pool: one page at a time, then the bursts."""
    details: dict[str, Any] = {}
    with participants_server(Pool(size=0)) as server:
        try:
            async with async_playwright() as pw:
                browser = await launch(pw)
                views: dict[str, list[View]] = {COLD_EMPTY: [], PARTICIPANT: []}
                for i in range(repeat + 1):  # round 0 warms up
                    for spec in (EMPTY_SPEC, PARTICIPANT_SPEC):
                        view = await measure_view(server, browser, spec)
                        if i:
                            views[spec.notebook].append(view)
                        log(
                            f"room (no pool): {'warm-up' if not i else f'{i}/{repeat}'} "
                            f"{spec.notebook}: ready {view.ready_s or float('nan'):.2f} s, HTML "
                            f"complete at {view.html_done_s or float('nan'):.2f} s, kernel "
                            f"{view.kernel_rss_mib or float('nan'):.0f} MiB, shut down by the page: "
                            f"{view.shut_by_page}"
                        )
                await browser.close()
            details["views"] = {k: [asdict(v) for v in vs] for k, vs in views.items()}
            details["summary"] = {k: preheated.summarise(vs) for k, vs in views.items()}
            details["burst"] = await asyncio.to_thread(_bursts, server, burst, False)
        except Exception:
            log("room (no pool): failed; the end of Voila's output follows\n" + server.log_tail())
            raise
    return details


def _s(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:.2f} s"


def _span(times: list[float]) -> str:
    first, last = f"{times[0]:.1f}", f"{times[-1]:.1f}"
    return f"{first} s" if first == last else f"{first}-{last} s"


def _burst_parts(b: dict[str, Any], pool: Pool) -> list[str]:
    """Where a pooled burst's requests went, by Voila's log: waiting kernels, a refill, a cold start.

    Voila's log says how many requests took a pool member; the first ``pool.size`` of them found a
    kernel waiting, the rest took a refill still pending. Responses are matched to these by their
    order (the kernel start times, sampled, confirm it).
    """
    done, used = b["done_s"], b["pooled_kernels_used"]
    waiting = min(used, pool.size)
    pending = min(used - waiting, len(done) - waiting)
    cold = done[waiting : len(done) - pending]
    parts = []
    if b["incomplete"]:
        parts.append(
            f"{b['incomplete']} never complete (given up after {HTTP_DEADLINE_S:g} s: Voila keeps "
            "the response open when the page's kernel never answers)"
        )
    if waiting:
        parts.append(f"{waiting} took a waiting kernel (served at {_span(done[:waiting])})")
    if cold:
        parts.append(f"{len(cold)} started a kernel each (served at {_span(cold)})")
    if pending:
        parts.append(
            f"{pending} took a refill still waiting out fill_delay (served at "
            f"{_span(done[len(done) - pending :])})"
        )
    starts = b["kernels_started_s"]
    if starts:
        parts.append(f"{len(starts)} kernels started, at {_span(starts)}")
    return parts


def _burst_row(details: dict[str, Any], n: int, pool: Pool) -> Row:
    w, p = details["burst"][WIDGETS], details["burst"][PARTICIPANT]
    ratio = p["all_done_s"] / w["all_done_s"]
    how = "; ".join(_burst_parts(p, pool))
    statuses = ",".join(map(str, sorted(set(p["statuses"]) | set(w["statuses"]))))
    return Row(
        "room",
        f"{PARTICIPANT}, burst of {n} at once, server side, pool of {pool.size} refilled after "
        f"{pool.fill_delay:g} s, vs the same burst of {WIDGETS} (cold)",
        f"all served in {p['all_done_s']:.1f} s vs {w['all_done_s']:.1f} s = {ratio:.2f}x "
        f"(median {p['median_s']:.1f} s vs {w['median_s']:.1f} s); {how}",
        f"<= {BURST_TARGET}x widgets-only",
        ratio <= BURST_TARGET and set(p["statuses"]) == {200},
        note=f"HTTP {statuses}; the widgets-only burst started {len(w['kernels_started_s'])} kernels, "
        f"the last at {max(w['kernels_started_s'], default=float('nan')):.1f} s",
    )


def _closing_row(c: dict[str, Any], target: bool) -> Row:
    n, ids = c["pages"], c["kernel_ids"]
    gone = c["gone_s"]
    when = (
        f"gone {gone[0]:.1f}-{gone[-1]:.1f} s after the close"
        if gone
        else "none gone by the end of the wait"
    )
    from_pages, in_log = set(c["kernel_ids_from_pages"]), set(c["kernel_ids_in_log"])
    note = (
        f"the pages' kernels: {len(from_pages)} named by the pages' #jupyter-config-data, "
        f"{len(in_log)} by Voila's log, {len(from_pages & in_log)} by both; {c['had_waiting_kernel']} "
        f"of {n} pages found a pooled kernel waiting"
    )
    ready = c["ready_s"]
    if ready:
        note += f"; all ready after {max(ready):.1f} s"
    if c["not_ready"]:
        note += f"; {c['not_ready']} never ready"
    if c["culled_while_open"]:
        note += (
            f"; {len(c['culled_while_open'])} kernel(s) culled by Voila while their page was open, "
            + "; ".join(sorted(set(c["culled_while_open"].values())))
        )
    if target:
        return Row(
            "room",
            f"{PARTICIPANT}: kernels left {LEFT_AFTER_S:g} s after {n} pages were closed "
            "(each navigated to about:blank)",
            f"{c['left_after_30_s']} of {len(ids)} ({when})",
            "0",
            c["left_after_30_s"] == 0,
            note=note,
        )
    return Row(
        "room",
        f"{PARTICIPANT}: kernels left {LEFT_AFTER_S:g} s after {n} pages vanished "
        "(contexts closed without unload)",
        f"{c['left_after_30_s']} of {len(ids)} ({when}; culling: 60 s idle, checked every 10 s)",
        note=note,
    )


def _ready_median(views: list[dict[str, Any]]) -> float:
    """The median time until ready, a page that never got ready counting as infinitely late."""
    return median([v["ready_s"] if v["ready_s"] is not None else float("inf") for v in views])


def _culled_row(pooled: dict[str, Any]) -> Row:
    """Participant pages in a browser whose pooled kernel Voila culled before the page could use it."""
    culled = pooled["culled"]
    views = [
        *pooled["views"][PARTICIPANT],
        *pooled["closed"]["views"],
        *pooled["vanished"]["views"],
    ]
    hit = [v for v in views if v["kernel_id"] in culled["while_open"]]
    reasons = sorted({culled["while_open"][v["kernel_id"]] for v in hit})
    return Row(
        "room",
        f"{PARTICIPANT}: pages in a browser whose kernel Voila culled while the page was open",
        f"{len(hit)} of {len(views)} pages ({sum(v['ready_s'] is None for v in hit)} of them never "
        "ready)",
        note="Voila's log: " + "; ".join(reasons) if reasons else "no such cull in Voila's log",
    )


def _rows(pooled: dict[str, Any], cold: dict[str, Any], n: int, pool: Pool) -> list[Row]:
    s = pooled["summary"]
    part, empty = s[PARTICIPANT], s[COLD_EMPTY]
    ready = _ready_median(pooled["views"][PARTICIPANT])
    never = sum(v["ready_s"] is None for v in pooled["views"][PARTICIPANT])
    t_ratio = ready / empty["ready_s"]
    m_ratio = part["kernel_rss_mib"] / empty["kernel_rss_mib"]
    idle = pooled["idle_pools"]
    views = part["views"]
    rows = [
        Row(
            "room",
            f"{PARTICIPANT}, Voila preheated kernel as servicekit serve pools it: ready vs a cold "
            f"{COLD_EMPTY}",
            f"{ready:.2f} s vs {empty['ready_s']:.2f} s = {t_ratio:.2f}x cold empty (HTML "
            f"complete at {_s(part['html_done_s'])} vs {_s(empty['html_done_s'])}; kernel's "
            f"websocket opened at {_s(part['websocket_s'])} vs {_s(empty['websocket_s'])})",
            f"<= {READY_TARGET}x cold empty",
            t_ratio <= READY_TARGET and part["preheated"] == views,
            note=f"median of {views}, a page never ready counting as infinitely late ({never} of "
            f"{views}); a preheated kernel in {part['preheated']} of {views} views; ready = "
            ".sk-join visible; cold empty opened in the same rounds on the same server"
            + ("; " + "; ".join(part["problems"])[:200] if part["problems"] else ""),
        ),
        Row(
            "room",
            f"{PARTICIPANT}: kernel resident memory vs empty.ipynb",
            f"{part['kernel_rss_mib']:.0f} MiB vs {empty['kernel_rss_mib']:.0f} MiB = {m_ratio:.2f}x "
            "empty",
            f"<= {MEMORY_TARGET}x empty",
            m_ratio <= MEMORY_TARGET,
            note=f"the pooled kernel while its page is open, median of {views}; the idle server's "
            f"{idle['kernels']} pooled kernels (participant and questionnaire pages): "
            f"{idle['rss_mib']:.0f} MiB in all, "
            + ", ".join(f"{r:.0f}" for r in idle.get("rss_each_mib", []))
            + f" MiB each; pandas mapped in {idle['pandas_mapped']} of them",
        ),
        _closing_row(pooled["closed"], target=True),
        _closing_row(pooled["vanished"], target=False),
        _culled_row(pooled),
        _burst_row(pooled, n, pool),
    ]
    c = cold["summary"]
    cp, ce = c[PARTICIPANT], c[COLD_EMPTY]
    shut = sum(bool(v["shut_by_page"]) for v in cold["views"][PARTICIPANT])
    rows.append(
        Row(
            "room",
            f"{PARTICIPANT} with no pool (Pool(size=0)), for comparison: ready vs a cold {COLD_EMPTY}",
            f"{cp['ready_s']:.2f} s vs {ce['ready_s']:.2f} s = {cp['ready_s'] / ce['ready_s']:.2f}x "
            f"(HTML complete at {_s(cp['html_done_s'])} vs {_s(ce['html_done_s'])}); kernel "
            f"{cp['kernel_rss_mib']:.0f} MiB vs {ce['kernel_rss_mib']:.0f} MiB",
            note=f"median of {cp['views']}, one page at a time; kernel shut down by the page on close "
            f"in {shut} of {cp['views']}",
        )
    )
    w, p = cold["burst"][WIDGETS], cold["burst"][PARTICIPANT]
    rows.append(
        Row(
            "room",
            f"{PARTICIPANT}, burst of {n} at once with no pool, for comparison, vs the same burst of "
            f"{WIDGETS}",
            f"all served in {p['all_done_s']:.1f} s vs {w['all_done_s']:.1f} s = "
            f"{p['all_done_s'] / w['all_done_s']:.2f}x (median {p['median_s']:.1f} s vs "
            f"{w['median_s']:.1f} s)",
            note=f"HTTP {','.join(map(str, sorted(set(p['statuses']) | set(w['statuses']))))}; "
            f"never complete: {p['incomplete']} and {w['incomplete']}; a second participants' server, "
            "started after the first had stopped",
        )
    )
    return rows


def run(quick: bool = False, repeat: int | None = None, burst: int = 25) -> Section:
    """Measure the participants' server as ``servicekit serve`` runs it; return the rows."""
    repeat = repeat or (2 if quick else 5)
    n_close = 3 if quick else 5
    pool = Pool()
    pooled = asyncio.run(_run_pooled(repeat, n_close, burst))
    cold = asyncio.run(_run_cold(repeat, burst))
    details = {"pooled": pooled, "no_pool": cold, "repeat": repeat, "burst": burst}
    return Section("room", _rows(pooled, cold, burst, pool), details)
