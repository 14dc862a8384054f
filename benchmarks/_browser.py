"""Opening one Voila page in a fresh Chromium context and timing it; shared by the page and burst runs.

A *view* is one participant arriving by a direct link: a new browser context (no cache, no cookies), the
render URL, and a wait until the page's ready selector is visible (and its charts, where it has them). The
clock starts just before navigation, so the time includes Voila executing the notebook, sending the page,
the widget manager loading and the widgets drawing — what a person waits for.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _report import median
from playwright.async_api import Browser, Playwright, WebSocket
from playwright.async_api import TimeoutError as PlaywrightTimeout

__all__ = ["CHROMIUM", "PageSpec", "View", "launch", "spec_for", "viewing"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHART_SELECTOR = ".vega-embed canvas, .vega-embed svg, .jp-OutputArea-output img"
STDERR_SELECTOR = '[data-mime-type="application/vnd.jupyter.stderr"]'
READY_TIMEOUT_MS = 90_000
# When the last byte of the page's HTML arrived, in seconds from navigation start (Navigation Timing). Voila
# streams the page as the notebook runs and ends it after the last cell, so this is the server's share.
_RESPONSE_END = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return nav ? nav.responseEnd / 1000 : null;
}"""
# The id of the kernel the page talks to, from the page configuration Voila writes into it.
_KERNEL_ID = """() => {
  const el = document.getElementById("jupyter-config-data");
  try { return el ? JSON.parse(el.textContent).kernelId || null : null; } catch (e) { return null; }
}"""


@dataclass(frozen=True)
class PageSpec:
    """How to tell that a page is ready: a CSS selector, whether charts are expected, what must show.

    ``chart`` is the selector of a drawn chart; with ``chart_in_ready`` the page counts as ready only once
    its chart is drawn too (an app whose chart *is* the page).
    """

    notebook: str
    ready: str
    charts: bool = False
    expect: str | None = None
    chart: str = CHART_SELECTOR
    chart_in_ready: bool = False


#: Pages with a known ready marker. A new servicekit notebook should be added here with its app's CSS class;
#: unknown notebooks fall back to the first visible widget and to charts if their source mentions altair.
KNOWN = {
    "empty.ipynb": PageSpec("empty.ipynb", ".jp-OutputArea-output"),
    "widgets_only.ipynb": PageSpec("widgets_only.ipynb", ".bench-ready"),
    "naive.ipynb": PageSpec("naive.ipynb", ".bench-ready", charts=True),
    "start.ipynb": PageSpec("start.ipynb", ".sk-start", expect=".sk-title"),
    # Ready: the app is visible AND its tree chart is drawn (Voila's vega renderer, SVG).
    "five_whys.ipynb": PageSpec(
        "five_whys.ipynb",
        ".sk-five-whys",
        charts=True,
        expect=".sk-summary",
        chart=".sk-tree-chart .vega-embed svg",
        chart_in_ready=True,
    ),
    # The participant's page: ready when the join form (its "Join code" field) shows.
    "participant.ipynb": PageSpec("participant.ipynb", ".sk-join"),
    # The participant's questionnaire: ready when the join form shows.
    "survey.ipynb": PageSpec("survey.ipynb", ".sk-join"),
    # The facilitator's dashboard: ready when it is visible AND its department heatmap is drawn.
    "survey_dashboard.ipynb": PageSpec(
        "survey_dashboard.ipynb",
        ".sk-survey-dashboard",
        charts=True,
        chart=".sk-heatmap .vega-embed svg",
        chart_in_ready=True,
    ),
}


def spec_for(notebook: Path) -> PageSpec:
    """The :class:`PageSpec` for a served notebook file."""
    if notebook.name in KNOWN:
        return KNOWN[notebook.name]
    source = notebook.read_text(encoding="utf-8").lower()
    return PageSpec(
        notebook.name, ".jupyter-widgets", charts="altair" in source or "chart" in source
    )


@dataclass
class View:
    """What one view measured. Times are seconds from navigation start; None if it never happened.

    ``html_done_s`` is when the page's HTML had fully arrived (the server's part); ``ready_s`` minus it is
    the browser's part (loading the widget manager, drawing). ``vl_convert_loaded`` says whether the kernel
    had loaded vl-convert (a JavaScript engine); ``preheated`` whether the page got a kernel from Voila's
    preheated pool (None: not a preheated run). ``kernel_id`` is the kernel the page was given (from its
    ``#jupyter-config-data``); ``websocket_s`` when the page opened its first websocket (the kernel's:
    the page's scripts have started and the widget manager connects).
    """

    notebook: str
    ready_s: float | None = None
    charts_s: float | None = None
    kernel_pids: list[int] = field(default_factory=list)
    kernel_rss_mib: float | None = None
    problems: list[str] = field(default_factory=list)
    started_at: float = 0.0
    ready_at: float | None = None
    html_done_s: float | None = None
    shut_by_page: bool | None = None
    vl_convert_loaded: bool | None = None
    preheated: bool | None = None
    kernel_id: str | None = None
    websocket_s: float | None = None


def view_medians(views: list[View]) -> dict[str, Any]:
    """Medians of one page's views: what every page table reports."""

    def values(name: str) -> list[float]:
        return [v for v in (getattr(view, name) for view in views) if v is not None]

    return {
        "views": len(views),
        "ready_s": median(values("ready_s")),
        "html_done_s": median(values("html_done_s")),
        "websocket_s": median(values("websocket_s")),
        "charts_s": median(values("charts_s")),
        "kernel_rss_mib": median(values("kernel_rss_mib")),
        "vl_convert_loaded": any(v.vl_convert_loaded for v in views),
        "problems": sorted({p for v in views for p in v.problems}),
    }


async def launch(pw: Playwright) -> Browser:
    """Start the machine's Chromium headless (never a downloaded browser)."""
    return await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@asynccontextmanager
async def viewing(
    browser: Browser, url: str, spec: PageSpec, unload: bool = True
) -> AsyncIterator[View]:
    """Open ``url`` in a fresh context and wait until it is ready; yield the :class:`View`, then close.

    The page stays open inside the ``async with`` block (read kernel memory there). It is closed by
    navigating to about:blank first, which fires ``beforeunload`` so Voila is asked to shut the kernel
    down (closing a context alone does not); with ``unload`` false the context is closed directly, as
    when a phone drops off the network.
    """
    view = View(spec.notebook)
    context = await browser.new_context()
    context.set_default_timeout(READY_TIMEOUT_MS)
    page = await context.new_page()

    def opened(_: WebSocket) -> None:
        if view.websocket_s is None:
            view.websocket_s = time.perf_counter() - view.started_at

    page.on("websocket", opened)
    page.on("pageerror", lambda exc: view.problems.append(f"page error: {str(exc)[:120]}"))
    page.on(
        "console",
        lambda msg: (
            view.problems.append(f"console: {msg.text[:120]}") if msg.type == "error" else None
        ),
    )
    try:
        t0 = view.started_at = time.perf_counter()
        await page.goto(url, wait_until="commit")
        try:
            await page.wait_for_selector(spec.ready, state="visible")
            if spec.chart_in_ready:
                await page.wait_for_selector(spec.chart, state="visible")
            view.ready_at = time.perf_counter()
            view.ready_s = view.ready_at - t0
            view.html_done_s = await page.evaluate(_RESPONSE_END)
            if spec.chart_in_ready:
                view.charts_s = view.ready_s
            elif spec.charts:
                await page.wait_for_selector(spec.chart, state="visible")
                view.charts_s = time.perf_counter() - t0
            elif await page.query_selector(spec.chart):
                view.charts_s = time.perf_counter() - t0
        except PlaywrightTimeout:
            view.problems.append(f"not ready within {READY_TIMEOUT_MS / 1000:.0f} s")
        view.kernel_id = await page.evaluate(_KERNEL_ID)  # also on a page that never got ready
        if spec.expect and not await page.query_selector(spec.expect):
            view.problems.append(f"ready, but no {spec.expect} on the page")
        stderr = await page.query_selector_all(STDERR_SELECTOR)
        if stderr:
            text = (await stderr[0].inner_text()).strip().splitlines()
            view.problems.append(f"stderr output: {text[-1][:120] if text else ''}")
        yield view
    finally:
        if unload:
            await page.goto("about:blank")
        await context.close()
