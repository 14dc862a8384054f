"""Helpers for the browser tests: the outside-request guard and a handle on a running Voila server.

Participants' pages must load on a venue network with no internet at all, so every request a page makes is
recorded and any request to a host other than this machine fails the test (:class:`RequestLog`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Route, WebSocketRoute

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_WORKSHOP = REPO_ROOT / "data" / "samples" / "northbridge-search.json"
CHROMIUM = Path("/usr/bin/chromium")
# As root and offline: no sandbox, and none of Chromium's own calls home (they would be refused, noisily).
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
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss"})

# Short culling times so the kernel-leak test finishes in seconds (servicekit serve: 60 s and 10 s),
# but long enough that a page still connecting on a loaded 2-core machine is not culled as idle.
#: Pages a participant opens; every other page is the facilitator's and asks for the key.
PARTICIPANT_PAGES = frozenset({"participant.ipynb", "survey.ipynb"})
CULL_IDLE_SECONDS = 20
CULL_INTERVAL_SECONDS = 2
PAGE_TIMEOUT_MS = 90_000


# --- the outside-request guard ----------------------------------------------------------------------------


def is_outside(url: str) -> bool:
    """Whether a request to ``url`` would leave this machine (data:, blob: and about: URLs do not)."""
    parts = urlsplit(url)
    return parts.scheme in NETWORK_SCHEMES and parts.hostname not in LOCAL_HOSTS


def outside_requests(urls: Iterable[str]) -> list[str]:
    """The URLs among ``urls`` that went to another host, in order, without repeats."""
    return list(dict.fromkeys(url for url in urls if is_outside(url)))


@dataclass
class RequestLog:
    """Every URL a browser context asked for, HTTP and WebSocket alike."""

    urls: list[str] = field(default_factory=list)

    def record(self, url: str) -> None:
        self.urls.append(url)

    @property
    def outside(self) -> list[str]:
        return outside_requests(self.urls)

    def check(self) -> None:
        """Raise AssertionError, listing them, if any request went to a host other than this machine."""
        outside = self.outside
        if outside:
            listing = "\n  ".join(outside)
            msg = (
                f"The page requested {len(outside)} URL(s) on other hosts; a workshop network may have no "
                f"internet, so everything must come from the servicekit server:\n  {listing}"
            )
            raise AssertionError(msg)


def guarded_context(browser: Browser) -> tuple[BrowserContext, RequestLog]:
    """A fresh context that records all requests and stops those to other hosts before they leave.

    Stopping them keeps a page from hanging on a host that does not answer, and keeps the tests off the
    network; the request is still recorded, so the test fails all the same.
    """
    context = browser.new_context()
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    log = RequestLog()
    context.on("request", lambda request: log.record(request.url))
    context.on("page", lambda page: page.on("websocket", lambda ws: log.record(ws.url)))

    def abort(route: Route) -> None:
        route.abort("blockedbyclient")

    def refuse(ws: WebSocketRoute) -> None:
        log.record(ws.url)  # a refused socket raises no "websocket" event of its own
        ws.close(code=1008, reason="servicekit tests allow no other host")

    context.route(is_outside, abort)
    context.route_web_socket(is_outside, refuse)
    return context, log


# --- the Voila server -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoilaServer:
    """A running Voila server: its address, its process and its log file."""

    url: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    key: str = ""

    def page_url(self, notebook: str) -> str:
        """The address of a notebook's page, with the facilitator's key on a facilitator page."""
        url = f"{self.url}voila/render/{notebook}"
        if self.key and notebook.split("?")[0] not in PARTICIPANT_PAGES:
            url += ("&" if "?" in notebook else "?") + urlencode({"key": self.key})
        return url

    def kernel_exists(self, kernel_id: str) -> bool:
        """Ask Voila about one kernel; Voila 0.5 serves ``/api/kernels/<id>`` but no list of kernels."""
        try:
            with urllib.request.urlopen(
                f"{self.url}api/kernels/{kernel_id}", timeout=5
            ) as response:
                return bool(json.load(response)["id"] == kernel_id)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return False
            raise

    def kernel_pids(self) -> list[int]:
        """Process ids of the kernels Voila runs now: its children running ``ipykernel_launcher``."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:  # the process ended while we looked
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.proc.pid and b"ipykernel_launcher" in cmdline:
                pids.append(int(entry.name))
        return pids

    def log_tail(self, chars: int = 6000) -> str:
        """The end of what Voila printed, for failure messages."""
        return self.log_path.read_text(errors="replace")[-chars:]

    def wait_until_kernel_gone(self, kernel_id: str, timeout: float) -> float:
        """Wait until Voila has neither ``kernel_id`` nor any kernel process; return the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if not self.kernel_exists(kernel_id) and not self.kernel_pids():
                return time.monotonic() - start
            time.sleep(0.5)
        pytest.fail(
            f"Kernel {kernel_id} still there {timeout:g} s after its page closed "
            f"(kernel processes: {self.kernel_pids()}).\n--- Voila's output ---\n{self.log_tail()}",
            pytrace=False,
        )


def seed_sample_workshop(env: Mapping[str, str]) -> None:
    """Import the sample workshop into the database named by ``env["SERVICEKIT_DB"]``."""
    command = [sys.executable, "-m", "servicekit", "import-json", str(SAMPLE_WORKSHOP)]
    result = subprocess.run(
        command, env=dict(env), capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            f"Seeding the test database failed: {' '.join(command)} exited with {result.returncode}.\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}",
            pytrace=False,
        )
