"""Serving a workshop room: the facilitator's pages on this laptop, the participants' on the network.

Two Voila servers run side by side (:mod:`servicekit.serve` starts each):

- the **facilitator's** server listens on 127.0.0.1 only (unless asked otherwise) and serves
  every page; each facilitator page also asks for the facilitator's key;
- the **participants'** server listens on every network address and serves a folder holding
  copies of the participant notebooks alone, so no facilitator page can be reached from a
  phone at all. Its kernels are preheated: a small pool per page, refilled slowly, so a
  burst of arrivals takes the waiting kernels and the rest start as usual instead of
  setting off a storm of refills.

The participants' address uses this laptop's address on the room's network, and comes
with a QR code, in the terminal and on the start page. Standard library only, but for
the QR code (segno), loaded when one is drawn.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .serve import NOTEBOOK_DIR, VoilaNotReady, start_voila, stop, wait_until_ready

__all__ = [
    "PARTICIPANT_NOTEBOOKS",
    "Pool",
    "lan_address",
    "participant_notebook_dir",
    "qr_svg",
    "qr_text",
    "run_room",
]

#: The pages a participant may open; the participants' server serves these alone.
PARTICIPANT_NOTEBOOKS = ("participant.ipynb", "survey.ipynb")


@dataclass(frozen=True)
class Pool:
    """Preheated kernels per participant page: ``size`` waiting, each refilled ``fill_delay`` s after use.

    A long refill delay is the point: with Voila's default (1 s), twenty phones arriving
    at once would start twenty notebook runs on top of their own pages. Arrivals beyond the
    pool start their own kernel at once rather than wait for a refill
    (:mod:`servicekit.voila_pool`).
    """

    size: int = 3
    fill_delay: float = 30.0

    def options(self) -> list[str]:
        """Voila's options for this pool (``fill_delay`` is a trait of its kernel manager)."""
        if self.size <= 0:
            return []
        return [
            "--preheat_kernel=True",
            f"--pool_size={self.size}",
            f"--VoilaKernelManager.fill_delay={self.fill_delay:g}",
        ]


def lan_address() -> str:
    """This machine's address on the local network (127.0.0.1 when there is none).

    A UDP socket "connected" to a documentation address sends nothing, but makes the
    system pick the interface it would route through.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
        address = str(probe.getsockname()[0])
    except OSError:
        address = "127.0.0.1"
    finally:
        probe.close()
    return address if not address.startswith("0.") else "127.0.0.1"


def participant_notebook_dir(folder: Path, source: Path = NOTEBOOK_DIR) -> Path:
    """Copy the participant notebooks into ``folder`` (what the participants' server serves)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in PARTICIPANT_NOTEBOOKS:
        shutil.copy2(source / name, folder / name)
    return folder


def qr_text(url: str) -> str:
    """``url`` as a QR code drawn with block characters, for a terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def qr_svg(url: str, title: str = "Scan to join") -> str:
    """``url`` as a QR code in SVG, to show on the start page (no script, no link)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, title=title, xmldecl=False)
    return out.getvalue().decode("utf-8")


def run_room(
    *,
    key: str,
    port: int = 8866,
    participant_port: int = 8867,
    facilitator_host: str = "127.0.0.1",
    participant_host: str = "0.0.0.0",
    address: str | None = None,
    pool: Pool | None = None,
    open_browser: bool = False,
    ready_timeout: float = 120.0,
    extra: Sequence[str] = (),
) -> int:
    """Serve the room in the foreground until Ctrl-C; return an exit code for the CLI.

    Prints the facilitator's start page (with the key), the participants' address on
    this laptop's network address (``address``, default :func:`lan_address`) and its QR
    code. The facilitator's kernels learn the participants' address through
    ``SERVICEKIT_PARTICIPANT_URL``, so the start page can show it too.
    """
    address = address or lan_address()
    join_url = f"http://{address}:{participant_port}/voila/render/participant.ipynb"
    os.environ["SERVICEKIT_PARTICIPANT_URL"] = join_url
    folder = Path(tempfile.mkdtemp(prefix="servicekit-participants-"))
    participant_notebook_dir(folder)
    host_shown = "127.0.0.1" if facilitator_host in ("", "0.0.0.0", "::") else facilitator_host
    start_page = f"http://{host_shown}:{port}/voila/render/start.ipynb?key={key}"
    procs = []
    restore = _stop_on_hangup()
    try:
        procs.append(start_voila(port=port, host=facilitator_host, extra=extra))
        procs.append(
            start_voila(
                port=participant_port,
                host=participant_host,
                notebook_dir=folder,
                extra=[*(pool or Pool()).options(), *extra],
            )
        )
        try:
            wait_until_ready(f"http://127.0.0.1:{port}/", timeout=ready_timeout, proc=procs[0])
            wait_until_ready(
                f"http://127.0.0.1:{participant_port}/", timeout=ready_timeout, proc=procs[1]
            )
        except VoilaNotReady as error:
            print(f"servicekit could not start Voila: {error}", file=sys.stderr)
            return 1
        print(f"Facilitator's start page (this laptop only): {start_page}", flush=True)
        print(f"Participants join at: {join_url}", flush=True)
        with contextlib.suppress(Exception):  # a terminal that cannot draw it still has the address
            print(qr_text(join_url), flush=True)
        if address == "127.0.0.1":
            print(
                "No network address found: participants on other devices cannot reach this "
                "laptop. Join the room's wifi and start again, or pass --address.",
                flush=True,
            )
        if open_browser:
            import webbrowser

            webbrowser.open(start_page)
        print("Press Ctrl-C to stop.", flush=True)
        while all(proc.poll() is None for proc in procs):
            with contextlib.suppress(Exception):
                procs[0].wait(timeout=1)
        return next(proc.returncode for proc in procs if proc.poll() is not None) or 0
    except KeyboardInterrupt:
        print("\nservicekit is stopping the servers.", flush=True)
        return 0
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(folder, ignore_errors=True)
        restore()


def _stop_on_hangup() -> Callable[[], None]:
    """Treat SIGTERM and SIGHUP (a closed terminal, a logout) like Ctrl-C; return the undo.

    Without this the servers, which run in their own process groups so that Ctrl-C reaches
    servicekit alone, would outlive a terminal window closed on them.
    """
    import signal

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
            previous[signum] = signal.signal(signum, interrupt)

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore
