"""Keep a page up to date with what other pages write to the same workshop.

Each Voila page is its own kernel; a short polling task on the kernel's event
loop asks the journal for operations newer than the page has seen (an indexed
query that returns nothing most of the time) and redraws through the
workshop's ``on_change`` signal.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from ..workshop import Workshop

__all__ = ["follow"]


def follow(
    ws: Workshop, *, every: float = 1.0, on_error: Callable[[Exception], None] | None = None
) -> Callable[[], None]:
    """Refresh ``ws`` every ``every`` seconds while the kernel runs; returns a stop function.

    Outside a running event loop (a plain script, a test) nothing is scheduled.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            return lambda: None
        if not loop.is_running():
            return lambda: None

    async def poll() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                ws.refresh()
            except Exception as exc:  # shown on the page, and polling goes on
                if on_error is not None:
                    on_error(exc)

    task = loop.create_task(poll())

    def stop() -> None:
        with contextlib.suppress(Exception):
            task.cancel()

    return stop
