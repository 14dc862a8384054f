"""Parameters from the page's address, e.g. ``survey.ipynb?survey=anon-check``.

Voila hands a page's query string to its kernel as ``QUERY_STRING``. A kernel
started ahead of time (Voila's preheated pool) runs the notebook before anyone asks
for the page; the first :func:`page_param` call in such a kernel waits there until a
page takes the kernel and Voila passes its address on. Everything above that call
(the imports) has run ahead, which is what preheating is for.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from ..workshop import Workshop

__all__ = ["facilitator_workshop", "page_param"]


def page_param(name: str, default: str | None = None) -> str | None:
    """The value of ``name`` in the page address, or ``default``.

    >>> os.environ["QUERY_STRING"] = "survey=anon&tree=t-1"
    >>> page_param("survey"), page_param("missing", "x")
    ('anon', 'x')
    >>> del os.environ["QUERY_STRING"]
    """
    if os.environ.get("VOILA_PREHEAT") == "True" and "QUERY_STRING" not in os.environ:
        _wait_for_request()
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get(name)
    return values[-1] if values else default


def _wait_for_request() -> None:
    """In a preheated kernel: wait until a page takes it, then read the request's details.

    Voila sends them once over a websocket (what ``voila.utils.wait_for_request`` reads); that
    helper imports jupyter_server, +70 MiB in a participant's kernel, so this reads it directly.
    """
    import json

    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    get = os.environ.get
    base = get("VOILA_WS_BASE_URL", get("VOILA_SERVER_URL", "/"))
    url = (
        f"{get('VOILA_WS_PROTOCOL', 'ws')}://{get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{get('VOILA_APP_PORT', '8866')}{base}voila/query/{get('VOILA_KERNEL_ID', '')}"
    )
    try:
        with connect(url, open_timeout=5) as socket:
            info = json.loads(socket.recv())
    except (OSError, TimeoutError, ValueError, WebSocketException):
        info = {}  # no address to read: the notebook's own parameters apply
    for name, value in info.items():
        os.environ[str(name)] = str(value)
    os.environ.setdefault("QUERY_STRING", "")  # asked once, even for an address with no query


def facilitator_workshop(workshop: str | None, key: str | None) -> Workshop:
    """Open ``workshop`` for a facilitator page, refusing it without the facilitator's key.

    ``workshop`` defaults to ``?workshop=...`` in the page address, then as for
    :func:`~servicekit.open_workshop`. ``key`` defaults to ``?key=...``: the address
    ``servicekit serve`` prints, and the links between facilitator pages, carry it.
    """
    from ..workshop import open_workshop

    ws = open_workshop(workshop or page_param("workshop"))
    try:
        ws.check_facilitator(key if key is not None else page_param("key"))
    except Exception:
        ws.close()
        raise
    return ws
