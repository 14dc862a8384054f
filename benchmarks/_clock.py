"""Timers for the kernel benchmarks: exclusive per-function timers, the kernel's message packing, timed runs.

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

:func:`timed_runs` is the measuring loop the Five Whys and journey benchmarks share: it counts an app's
redraws, packs what widgets send and records full collections around each timed run, and :meth:`Runs.summary`
turns the runs into the figures both report (times, redraws, KiB packed, widgets opened and closed, updates,
full collections, resident memory growth). What a run does, and what is set up or undone around it, stays
with each benchmark.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import comm
from _report import median, p95
from _voila import kernel_rss_mib

__all__ = ["Clock", "Runs", "Sent", "full_collections", "pack", "packing_sends", "timed_runs"]

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


@dataclass
class Runs:
    """The figures of each timed run of one action, recorded by :meth:`run` inside :func:`timed_runs`."""

    sent: Sent
    pauses: list[float]
    rss_before_mib: float
    rss_after_mib: float = float("nan")  # set when :func:`timed_runs` ends
    redraws_in_run: int = 0  # redraws in the run going on
    ms: list[float] = field(default_factory=list)
    redraws: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    updates: list[int] = field(default_factory=list)
    collected: list[float] = field(default_factory=list)
    extra: dict[str, list[float]] = field(default_factory=dict)

    def run(self, action: Callable[..., Any], *args: Any) -> float:
        """Time ``action(*args)`` as one run and record its figures; return its time in ms.

        Only the call is timed: what a benchmark does before (picking what to work on) or after (undoing
        it, checking) stays outside, and the counters start again at zero for each run.
        """
        self.redraws_in_run = 0
        self.sent.reset()
        self.pauses.clear()
        t0 = time.perf_counter()
        action(*args)
        self.ms.append((time.perf_counter() - t0) * 1e3)
        self.collected.append(sum(self.pauses))
        self.redraws.append(self.redraws_in_run)
        self.sizes.append(self.sent.bytes)
        self.opened.append(self.sent.messages.get("comm_open", 0))
        self.closed.append(self.sent.messages.get("comm_close", 0))
        self.updates.append(self.sent.messages.get("comm_msg", 0))
        return self.ms[-1]

    def add(self, name: str, value: float) -> None:
        """Record one more figure of the last run (say, operations stored); its median joins the summary."""
        self.extra.setdefault(name, []).append(value)

    def summary(self) -> dict[str, Any]:
        """The figures the benchmarks report, as one dict.

        All times (``ms``) with their median, p95 and maximum; the growth of resident memory per run; the
        medians per run of redraws, of each figure given to :meth:`add`, of KiB packed, widgets opened and
        closed, and updates; the full-collection pauses of each run (``full_gc_ms``), how many runs had
        one and the longest.
        """
        return {
            "ms": self.ms,
            "median_ms": median(self.ms),
            "p95_ms": p95(self.ms),
            "max_ms": max(self.ms),
            "rss_growth_mib": (self.rss_after_mib - self.rss_before_mib) / len(self.ms),
            "redraws": median([float(c) for c in self.redraws]),
            **{name: median([float(x) for x in values]) for name, values in self.extra.items()},
            "sent_kib": median([s / 1024 for s in self.sizes]),
            "widgets_opened": median([float(x) for x in self.opened]),
            "widgets_closed": median([float(x) for x in self.closed]),
            "updates": median([float(x) for x in self.updates]),
            "full_gc_ms": self.collected,
            "full_gc_runs": sum(1 for x in self.collected if x),
            "full_gc_max_ms": max(self.collected),
        }


@contextmanager
def timed_runs(app: Any) -> Iterator[Runs]:
    """Yield a :class:`Runs` that times runs of an action on ``app`` the way a kernel would pay for them.

    While active, ``app.redraw`` is replaced on the instance by a version that counts its calls (so a change
    listener that looks ``redraw`` up per call is counted too), every widget message is packed and signed
    (:func:`packing_sends`) and full collections are recorded (:func:`full_collections`). The resident
    memory of this process is read before and after, for :meth:`Runs.summary`.
    """
    rss_before = kernel_rss_mib(os.getpid())
    original = app.redraw
    with packing_sends() as sent, full_collections() as pauses:
        runs = Runs(sent, pauses, rss_before)

        def counted() -> None:
            runs.redraws_in_run += 1
            original()

        app.redraw = counted
        try:
            yield runs
        finally:
            del app.redraw
    runs.rss_after_mib = kernel_rss_mib(os.getpid())
