"""Voila with a preheated pool fit for a room that arrives together: ``python -m servicekit.voila_pool``.

It runs Voila exactly as ``python -m voila`` does, with two changes to the pool of preheated
kernels (measured with Voila 0.5.13, ``python benchmarks/run.py room``):

- **Only a ready kernel counts as waiting.** Voila hands a page the first entry of the pool,
  even a refill still sitting out its ``fill_delay``; with the 30 s delay ``servicekit serve``
  uses, the 4th to 6th phones of a burst waited 30 s for those refills while the others got a
  fresh kernel in 8. Here a page takes a kernel that is ready, or, when none is, starts its
  own at once like any page without a pool.
- **A kernel leaves the pool as active.** A kernel that waited in the pool for longer than the
  culling time looks idle, and a cull check between handing it out and the page connecting
  shut it down: the page never came up. Handing it out now counts as activity.

:func:`servicekit.serve.voila_command` uses this module whenever the pool is on.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import Any

__all__ = ["main", "ready_first"]


def _ready(task: asyncio.Future[Any]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


def ready_first(factory: Any) -> Any:
    """Wrap Voila's ``voila_kernel_manager_factory`` so its pooled manager behaves as above."""

    def make(base_class: Any, preheat_kernel: bool, default_pool_size: int, **kwargs: Any) -> Any:
        manager = factory(base_class, preheat_kernel, default_pool_size, **kwargs)
        if not preheat_kernel:
            return manager

        class RoomKernelManager(manager):  # type: ignore[misc, valid-type]
            def get_pool_size(self, notebook_name: str) -> int:
                return sum(1 for task in self._pools.get(notebook_name, ()) if _ready(task))

            async def get_rendered_notebook(
                self, notebook_name: str, *args: Any, **kwargs: Any
            ) -> Any:
                pool = self._pools.get(notebook_name, [])
                pool.sort(key=lambda task: not _ready(task))  # stable: the ready ones first
                result = await super().get_rendered_notebook(notebook_name, *args, **kwargs)
                with contextlib.suppress(Exception):  # a kernel gone already: nothing to mark
                    self.get_kernel(result[2]).last_activity = dt.datetime.now(dt.UTC)
                return result

        return RoomKernelManager

    return make


def main() -> None:
    """Start Voila (same arguments as ``python -m voila``) with the room's pool."""
    import voila.app

    voila.app.voila_kernel_manager_factory = ready_first(voila.app.voila_kernel_manager_factory)
    voila.app.main()


if __name__ == "__main__":
    main()
