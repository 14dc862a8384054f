"""Page benchmarks: how long a participant waits for a Voila page, and what its kernel costs.

One Voila server per run (see :mod:`_voila`) serves the three reference notebooks from
``benchmarks/notebooks/`` beside servicekit's own notebooks:

* *empty* — one ``print``: the floor Voila itself sets (kernel start, page, widget manager);
* *widgets-only* — a small ipywidgets form: what any widget page costs;
* *naive* — pandas, networkx and altair imported up front and two charts: what servicekit must beat.

Every page is opened once to warm the machine (not counted), then ``repeat`` times, the pages interleaved so
drift on the machine hits all of them alike. Each view is a fresh browser context; the kernel's resident
memory is read while the page is open; after the page closes the run waits until its kernel is gone, so the
next view starts on a quiet machine (and the time it took shows whether Voila shut the kernel down or had to
cull it). Figures are reported as medians and as ratios to *empty* from the same run, which makes them
comparable across machines. Then the burst run (:mod:`burst`) opens ``burst`` copies of each page at once.

Last, unless switched off, a second Voila with preheated kernels serves *empty* and the servicekit notebooks
(:mod:`preheat`), and the Five Whys page is held to its targets: cold, ready no later than the *naive* page;
preheated, no later than a cold *empty* page; its kernel at most :data:`KERNEL_TARGET_MIB`.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

import preheat as preheated
from _browser import PageSpec, View, launch, spec_for, view_medians, viewing
from _report import Row, Section, log, median
from _voila import Preheat, VoilaRun, kernel_rss_mib, loads_library
from burst import browser_burst, server_burst
from playwright.async_api import Browser, async_playwright

__all__ = ["run"]


#: How long to wait after a page closes for its own unload request to have shut its kernel down.
PAGE_SHUTDOWN_WAIT_S = 3.0
#: The Five Whys page's kernel must stay below this (no JavaScript engine such as vl-convert in the kernel).
KERNEL_TARGET_MIB = 160.0
#: The preheated run's settings unless told otherwise: a pool of one kernel, refilled 15 s after use.
DEFAULT_PREHEAT = Preheat()


async def measure_view(server: VoilaRun, browser: Browser, spec: PageSpec) -> View:
    """One view of one page: time it, read its kernel's memory, close it, see whether its kernel went.

    Whatever kernel is left is then shut down, so the next view starts on a quiet machine.
    """
    before = server.kernel_pids()
    async with viewing(browser, server.page_url(spec.notebook), spec) as view:
        new = server.kernel_pids() - before
        view.kernel_pids = sorted(new)
        view.kernel_rss_mib = sum(kernel_rss_mib(pid) for pid in new) if new else None
        view.vl_convert_loaded = any(loads_library(pid, "vl_convert") for pid in new)
    if new:
        await asyncio.to_thread(server.wait_for_no_kernels, PAGE_SHUTDOWN_WAIT_S, new)
        view.shut_by_page = not (server.kernel_pids() & new)
    await asyncio.to_thread(server.shut_down_kernels)
    return view


def _fmt(seconds: float) -> str:
    return "n/a" if seconds != seconds else f"{seconds:.2f} s"  # NaN: never happened


def _yes(flag: bool | None) -> str:
    return "n/a" if flag is None else ("yes" if flag else "no")


def _summary(views: list[View]) -> dict[str, Any]:
    """Medians of one page's views, and whether the pages shut their kernels on close."""
    return {
        **view_medians(views),
        "shut_by_page": sum(bool(v.shut_by_page) for v in views),
        "kernels_per_view": median([float(len(v.kernel_pids)) for v in views]),
    }


async def _run(server: VoilaRun, specs: list[PageSpec], repeat: int, burst: int) -> dict[str, Any]:
    async with async_playwright() as pw:
        browser = await launch(pw)
        warm: dict[str, Any] = {}
        for spec in specs:
            view = await measure_view(server, browser, spec)
            warm[spec.notebook] = asdict(view)
            log(f"pages: warm-up {spec.notebook}: ready {_fmt(view.ready_s or float('nan'))}")
        views: dict[str, list[View]] = {spec.notebook: [] for spec in specs}
        for i in range(repeat):
            for spec in specs:
                view = await measure_view(server, browser, spec)
                views[spec.notebook].append(view)
                charts = f", charts {view.charts_s:.2f} s" if view.charts_s is not None else ""
                rss = (
                    f"{view.kernel_rss_mib:.0f} MiB"
                    if view.kernel_rss_mib is not None
                    else "no kernel found"
                )
                log(
                    f"pages: {i + 1}/{repeat} {spec.notebook}: ready {_fmt(view.ready_s or float('nan'))}"
                    f"{charts}, kernel {rss}, shut down by the page on close: {_yes(view.shut_by_page)}"
                    + (f" [{'; '.join(view.problems)[:160]}]" if view.problems else "")
                )
        bursts: dict[str, Any] = {}
        for spec in specs:
            log(f"pages: burst of {burst} x {spec.notebook}, server side")
            served = await asyncio.to_thread(server_burst, server.page_url(spec.notebook), burst)
            await asyncio.to_thread(server.shut_down_kernels)
            log(f"pages: burst of {burst} x {spec.notebook}, in the browser")
            shown = await browser_burst(server, browser, spec, burst)
            await asyncio.to_thread(server.shut_down_kernels)
            bursts[spec.notebook] = {"server": served, "browser": shown}
            log(
                f"pages: burst {spec.notebook}: server {served['all_done_s']:.1f} s, "
                f"browser {shown['all_ready_s']:.1f} s, kernels {shown['kernels_rss_mib']:.0f} MiB"
            )
        await browser.close()
    return {
        "warm_up": warm,
        "views": {k: [asdict(v) for v in vs] for k, vs in views.items()},
        "summary": {k: _summary(vs) for k, vs in views.items()},
        "burst": bursts,
    }


def _rows(summary: dict[str, Any], bursts: dict[str, Any], repeat: int, burst: int) -> list[Row]:
    empty = summary["empty.ipynb"]
    rows = []
    for name, s in summary.items():
        ratio_t = s["ready_s"] / empty["ready_s"]
        ratio_m = s["kernel_rss_mib"] / empty["kernel_rss_mib"]
        value = f"ready {_fmt(s['ready_s'])} ({ratio_t:.2f}x empty; HTML complete at {_fmt(s['html_done_s'])})"
        if s["charts_s"] == s["charts_s"]:
            value += f", charts {_fmt(s['charts_s'])}"
        value += f"; kernel {s['kernel_rss_mib']:.0f} MiB ({ratio_m:.2f}x empty)"
        note = f"median of {repeat}; kernel shut down by the page on close in {s['shut_by_page']} of {repeat}"
        if s["problems"]:
            note += "; " + "; ".join(s["problems"])[:200]
        rows.append(Row("pages", f"{name}, one page", value, note=note))
    for name, b in bursts.items():
        server, shown = b["server"], b["browser"]
        value = (
            f"server {server['all_done_s']:.1f} s for all; browser {shown['all_ready_s']:.1f} s until all "
            f"ready; kernels {shown['kernels_rss_mib']:.0f} MiB in all"
        )
        note = f"HTTP {','.join(map(str, sorted(set(server['statuses']))))}"
        if shown["not_ready"]:
            note += f"; {shown['not_ready']} of {burst} never ready"
        rows.append(Row("pages", f"{name}, burst of {burst} at once", value, note=note))
    return rows


def _five_whys_targets(cold: dict[str, Any], warm: dict[str, Any] | None) -> list[Row]:
    """The Five Whys page against its targets: vs *naive* (cold), vs cold *empty* (preheated), memory."""
    app, naive, empty = cold["five_whys.ipynb"], cold["naive.ipynb"], cold["empty.ipynb"]
    js = "vl-convert loaded" if app["vl_convert_loaded"] else "no vl-convert in the kernel"
    rows = [
        Row(
            "pages",
            "five_whys.ipynb cold (fresh kernel per page): ready vs naive.ipynb",
            f"{app['ready_s']:.2f} s vs {naive['ready_s']:.2f} s = {app['ready_s'] / naive['ready_s']:.2f}x naive",
            "<= 1.0x naive",
            app["ready_s"] <= naive["ready_s"],
            note="ready = app visible and tree chart drawn",
        ),
        Row(
            "pages",
            "five_whys.ipynb cold: kernel resident memory",
            f"{app['kernel_rss_mib']:.0f} MiB (naive {naive['kernel_rss_mib']:.0f} MiB)",
            f"<= {KERNEL_TARGET_MIB:.0f} MiB",
            app["kernel_rss_mib"] <= KERNEL_TARGET_MIB,
            note=js,
        ),
    ]
    w = (warm or {}).get("five_whys.ipynb")
    if w is not None and warm is not None:
        js = "vl-convert loaded" if w["vl_convert_loaded"] else "no vl-convert in the kernel"
        ref = warm[preheated.COLD_EMPTY]  # cold empty pages opened in the same rounds
        rows += [
            Row(
                "pages",
                "five_whys.ipynb, Voila preheated kernel: ready vs a cold empty.ipynb",
                f"{w['ready_s']:.2f} s vs {ref['ready_s']:.2f} s = {w['ready_s'] / ref['ready_s']:.2f}x "
                f"cold empty (cold empty in the cold run: {empty['ready_s']:.2f} s)",
                "<= 1.0x cold empty",
                w["ready_s"] <= ref["ready_s"],
                note=f"a preheated kernel in {w['preheated']} of {w['views']} views; cold empty "
                "opened in the same rounds on the same server",
            ),
            Row(
                "pages",
                "five_whys.ipynb, Voila preheated kernel: kernel resident memory",
                f"{w['kernel_rss_mib']:.0f} MiB",
                f"<= {KERNEL_TARGET_MIB:.0f} MiB",
                w["kernel_rss_mib"] <= KERNEL_TARGET_MIB,
                note=js,
            ),
        ]
    return rows


def run(
    quick: bool = False,
    repeat: int | None = None,
    burst: int = 10,
    notebooks: list[str] | None = None,
    preheat: Preheat | None = DEFAULT_PREHEAT,
) -> Section:
    """Serve the references and servicekit's notebooks, measure them (then preheated); return the rows."""
    repeat = repeat or (2 if quick else 5)
    with VoilaRun(notebooks) as server:
        specs = [spec_for(server.root / name) for name in server.pages]
        try:
            details = asyncio.run(_run(server, specs, repeat, burst))
        except Exception:
            log("pages: failed; the end of Voila's output follows\n" + server.log_tail())
            raise
        details["sample"] = server.sample_note
    rows = _rows(details["summary"], details["burst"], repeat, burst)
    if preheat is not None:
        details["preheated"] = preheated.run(notebooks, repeat, preheat)
        rows += preheated.rows(details["preheated"], preheat)
    if "five_whys.ipynb" in details["summary"]:
        warm = details.get("preheated", {}).get("summary")
        rows += _five_whys_targets(details["summary"], warm)
    return Section("pages", rows, details)
