"""The start page as a participant sees it: served by Voila, rendered in Chromium, with no internet."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from .harness import CULL_IDLE_SECONDS, CULL_INTERVAL_SECONDS, RequestLog, VoilaServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

# What Voila shows in place of a cell's output when the cell failed or wrote to stderr.
VOILA_ERROR_OUTPUTS = (
    "#rendered_cells [data-mime-type='application/vnd.jupyter.stderr'],"
    " #rendered_cells [data-mime-type='application/vnd.jupyter.error']"
)


def open_start_page(page: Page, server: VoilaServer) -> None:
    """Open the start page by direct link and wait for the app; fail with what Voila showed otherwise."""
    page.goto(server.page_url("start.ipynb"))
    try:
        page.wait_for_selector(".sk-start")
    except Exception as error:  # Playwright's TimeoutError, or the page crashed
        shown = "" if page.is_closed() else page.locator("body").inner_text()[:2000]
        pytest.fail(
            f"The start page never showed .sk-start ({type(error).__name__}).\n"
            f"--- page text ---\n{shown}\n--- Voila's output ---\n{server.log_tail()}",
            pytrace=False,
        )


def voila_errors(page: Page) -> list[str]:
    """Texts of the error outputs on the page (Voila replaces a failed cell's output with one)."""
    return [text.strip() for text in page.locator(VOILA_ERROR_OUTPUTS).all_inner_texts()]


def kernel_id_of(page: Page) -> str:
    """The id of the kernel Voila started for this page, from the page's own configuration."""
    config = json.loads(page.locator("#jupyter-config-data").first.text_content() or "{}")
    kernel_id = config.get("kernelId")
    assert kernel_id, f"No kernelId in the page's #jupyter-config-data: {config!r}"
    return str(kernel_id)


def test_start_page_shows_the_sample_workshop(page: Page, voila_server: VoilaServer) -> None:
    open_start_page(page, voila_server)

    assert "Northbridge" in page.locator(".sk-start .sk-title").first.inner_text()
    assert voila_errors(page) == []
    # The page fixture fails the test afterwards if anything was fetched from another host.


def test_guard_catches_requests_to_other_hosts(
    new_guarded_context: Callable[[], tuple[BrowserContext, RequestLog]],
) -> None:
    context, log = new_guarded_context()
    page = context.new_page()
    image, socket = "http://outside.invalid/pixel.png", "ws://outside.invalid/socket"
    page.set_content(f'<img src="{image}"><p>loaded</p>')
    page.evaluate(
        "url => new Promise(done => { const ws = new WebSocket(url); ws.onclose = done; })", socket
    )

    assert log.outside == [image, socket]
    with pytest.raises(AssertionError, match=r"2 URL\(s\) on other hosts") as failure:
        log.check()
    assert f"\n  {image}\n  {socket}" in str(failure.value)
    RequestLog(["http://127.0.0.1:8866/voila/", "ws://localhost:8866/api", "data:,x"]).check()


# Long enough for a kernel's shutdown on a busy machine, well short of culling's idle time: a kernel
# gone within it was shut down by its page, not culled.
SHUTDOWN_SECONDS = CULL_IDLE_SECONDS - 8


@pytest.mark.slow
def test_closed_page_frees_its_kernel_at_once(page: Page, voila_server: VoilaServer) -> None:
    """Closing a page reached by a direct link shuts its kernel down (Voila alone refuses, voila#1458)."""
    open_start_page(page, voila_server)
    kernel_id = kernel_id_of(page)
    assert voila_server.kernel_exists(kernel_id)
    assert voila_server.kernel_pids(), "Voila reports the kernel but runs no kernel process"

    page.goto("about:blank")  # closing a context would not fire the page's unload handlers

    voila_server.wait_until_kernel_gone(kernel_id, timeout=SHUTDOWN_SECONDS)


@pytest.mark.slow
def test_reload_frees_the_previous_kernel(page: Page, voila_server: VoilaServer) -> None:
    open_start_page(page, voila_server)
    first = kernel_id_of(page)
    page.reload()
    page.wait_for_selector(".sk-start")
    second = kernel_id_of(page)
    assert second != first
    deadline = time.monotonic() + SHUTDOWN_SECONDS
    while voila_server.kernel_exists(first) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not voila_server.kernel_exists(first), "the reloaded page's old kernel is still running"
    assert voila_server.kernel_exists(second)
    page.goto("about:blank")
    voila_server.wait_until_kernel_gone(second, timeout=SHUTDOWN_SECONDS)


@pytest.mark.slow
def test_vanished_page_is_culled(browser: Browser, voila_server: VoilaServer) -> None:
    """A phone that drops off the wifi sends nothing on its way out; culling frees its kernel."""
    context = browser.new_context()
    page = context.new_page()
    open_start_page(page, voila_server)
    kernel_id = kernel_id_of(page)
    context.close()  # no unload handlers run: the kernel is told nothing

    # Culling waits for the idle time, then for the next check; the rest is slack for a busy machine.
    voila_server.wait_until_kernel_gone(
        kernel_id, timeout=CULL_IDLE_SECONDS + CULL_INTERVAL_SECONDS + 20
    )
