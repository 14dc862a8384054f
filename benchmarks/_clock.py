"""Timers for the Five Whys benchmarks: exclusive per-function timers, and the kernel's message packing.

:class:`Clock` wraps functions so that each call adds its *own* time to a named total: when a timed function
calls another timed one, the inner time is taken off the outer, so the parts of a breakdown add up to the
whole without counting anything twice.

:func:`packing_sends` makes headless widgets pay what a kernel pays to send widget messages: outside a
kernel, ipywidgets builds every message (a new widget's ``comm_open`` with its whole state, an update's
``comm_msg``) and hands it to a dummy comm that drops it. Inside Voila the kernel's comm gives the same
content to its ``Session``, which serialises it with ``jupyter_client``'s ``json_packer`` and signs it
(HMAC-SHA256) before ZeroMQ sends it to the server. While the context is active, every message a widget
publishes is packed and signed the same way, so a measured click includes turning the new chart spec (and
every other changed or new widget) into the bytes that leave the kernel.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import comm

__all__ = ["Clock", "Sent", "full_collections", "pack", "packing_sends"]

try:  # the packer a kernel's Session uses
    from jupyter_client.session import json_packer as _json_packer
except ImportError:  # pragma: no cover - jupyter_client comes with ipykernel

    def _json_packer(obj: Any) -> bytes:
        return json.dumps(obj, ensure_ascii=False, allow_nan=False).encode("utf8")


_KEY = b"0123456789abcdef0123456789abcdef"  # any key: signing cost does not depend on it


def pack(content: Any) -> bytes:
    """Serialise ``content`` as a kernel does for a message, and sign it; return the packed bytes."""
    packed = _json_packer(content)
    hmac.new(_KEY, packed, hashlib.sha256).digest()
    return packed


@dataclass
class Sent:
    """What widgets published while :func:`packing_sends` was active: messages by type, packed bytes."""

    messages: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    def reset(self) -> None:
        """Start counting again."""
        self.messages = {}
        self.bytes = 0


@contextmanager
def packing_sends(clock: Clock | None = None) -> Iterator[Sent]:
    """Pack and sign every comm message widgets publish, as a kernel would; yield the running :class:`Sent`.

    With a ``clock``, the packing time is also recorded under ``"serialise (json_packer + HMAC)"``.
    """
    sent = Sent()
    original = comm.DummyComm.publish_msg

    def publish(
        self: comm.DummyComm,
        msg_type: str,
        data: Any = None,
        metadata: Any = None,
        buffers: Any = None,
        **keys: Any,
    ) -> None:
        packed = pack({"data": {} if data is None else data, "comm_id": self.comm_id, **keys})
        sent.messages[msg_type] = sent.messages.get(msg_type, 0) + 1
        sent.bytes += len(packed)

    timed = clock.wrap("serialise (json_packer + HMAC)", publish) if clock is not None else publish
    comm.DummyComm.publish_msg = timed  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        comm.DummyComm.publish_msg = original  # type: ignore[method-assign]


@contextmanager
def full_collections() -> Iterator[list[float]]:
    """Record how long each full (generation 2) garbage collection takes, in ms, while active.

    A full collection walks every object the process holds, so its pause grows with the heap: widgets that
    are created and never closed make every later full collection slower.
    """
    pauses: list[float] = []
    started: list[float] = []

    def callback(phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses.append((time.perf_counter() - started.pop()) * 1e3)

    gc.callbacks.append(callback)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(callback)


@dataclass
class Clock:
    """Named exclusive timers; :meth:`lap` closes one repetition, :attr:`laps` keeps them all (in ms)."""

    current: dict[str, float] = field(default_factory=dict)
    laps: list[dict[str, float]] = field(default_factory=list)
    _stack: list[float] = field(default_factory=list)  # time spent in timed children, per open call

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Return ``fn`` timed under ``name`` (exclusive of other timed functions it calls)."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append(0.0)
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t0
                inner = self._stack.pop()
                self.current[name] = self.current.get(name, 0.0) + (elapsed - inner) * 1e3
                if self._stack:
                    self._stack[-1] += elapsed

        return timed

    def patch(self, owner: Any, attribute: str, name: str) -> Callable[[], None]:
        """Replace ``owner.attribute`` by its timed version; return a function that puts it back."""
        original = getattr(owner, attribute)
        had_own = attribute in vars(owner)
        setattr(owner, attribute, self.wrap(name, original))

        def restore() -> None:
            if had_own:
                setattr(owner, attribute, original)
            else:
                delattr(owner, attribute)

        return restore

    def lap(self, total_ms: float) -> None:
        """Close one repetition that took ``total_ms`` in all; the untimed rest goes under ``other``."""
        self.current["other"] = total_ms - sum(self.current.values())
        self.laps.append(self.current)
        self.current = {}
