"""Fixtures that drive real Voila pages in Debian's Chromium.

One Voila server per session, started exactly as ``servicekit serve`` starts it (:mod:`servicekit.serve`),
on a throw-away database seeded with the sample workshop. Every page runs in a fresh browser context whose
requests are recorded; see :mod:`.harness` for the guard.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest
import quality

from servicekit import open_workshop, serve

from .harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CULL_IDLE_SECONDS,
    CULL_INTERVAL_SECONDS,
    RequestLog,
    VoilaServer,
    guarded_context,
    seed_sample_workshop,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page


@pytest.fixture(scope="session")
def voila_seed() -> Callable[[Mapping[str, str]], None]:
    """The hook that fills the test database before Voila starts; override it to seed something else."""
    return seed_sample_workshop


@pytest.fixture(scope="session")
def voila_server(
    tmp_path_factory: pytest.TempPathFactory, voila_seed: Callable[[Mapping[str, str]], None]
) -> Iterator[VoilaServer]:
    """Voila serving servicekit's notebooks on a free 127.0.0.1 port, on a seeded temporary database."""
    workdir = tmp_path_factory.mktemp("voila")
    env = dict(os.environ)
    env["SERVICEKIT_DB"] = str(workdir / "servicekit.db")
    env.pop("SERVICEKIT_WORKSHOP", None)
    voila_seed(env)

    port = serve.free_port()
    log_path = workdir / "voila.log"
    with log_path.open("wb") as log:
        proc = serve.start_voila(
            port=port,
            env=env,
            cull_idle_seconds=CULL_IDLE_SECONDS,
            cull_interval_seconds=CULL_INTERVAL_SECONDS,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    key = open_workshop(db=env["SERVICEKIT_DB"]).facilitator_key()  # the most recent workshop's
    server = VoilaServer(url=f"http://127.0.0.1:{port}/", proc=proc, log_path=log_path, key=key)
    try:
        serve.wait_until_ready(server.url, timeout=120, proc=proc)
    except serve.VoilaNotReady as error:
        serve.stop(proc)
        pytest.fail(f"{error}\n--- Voila's output ---\n{server.log_tail()}", pytrace=False)
    yield server
    serve.stop(proc)


# --- the browser ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (which must never download a browser of its own)."""
    if not CHROMIUM.exists():
        reason = (
            f"Debian's Chromium is not installed at {CHROMIUM}: sudo apt-get install -y chromium"
        )
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_guarded_context(
    browser: Browser,
) -> Iterator[Callable[[], tuple[BrowserContext, RequestLog]]]:
    """Make guarded contexts (see :func:`guarded_context`) that are closed, unchecked, after the test."""
    contexts: list[BrowserContext] = []

    def make() -> tuple[BrowserContext, RequestLog]:
        context, log = guarded_context(browser)
        contexts.append(context)
        return context, log

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context; the test fails at teardown if anything was fetched from another host."""
    context, log = guarded_context(browser)
    page = context.new_page()
    yield page
    # Leaving the page first lets Voila's page send its kernel shutdown, as a closing tab would.
    page.goto("about:blank")
    context.close()
    log.check()


# --- quality checks ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe() -> Callable[..., list[dict[str, Any]]]:
    """axe-core's check of a page, :func:`quality.axe_violations` (``axe(page)`` lists serious and critical
    violations); the test is skipped when axe-core is not installed, and fails instead in CI."""
    quality.require_axe()
    return quality.axe_violations
