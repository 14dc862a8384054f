"""Charts as static SVG, for files that must open anywhere with no network and no script.

vl-convert renders a Vega-Lite spec to SVG in-process (no browser, nothing fetched).
Before rendering, the interactive parts are taken out: links (a chart's ``#sk-pick=``
hrefs would point at vega's example-data site once resolved outside a page), pointer
cursors and tooltips. Text stays text: labels are escaped XML, searchable and crisp in
print. Several charts render in parallel threads (vl-convert releases the GIL).
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = ["render_svgs", "static_spec", "to_svg", "warm_up"]

#: Vega-Lite version vl-convert renders with: the v5 line our specs are written for.
VL_VERSION = "5.20"
_INTERACTIVE = ("href", "tooltip")
_ROOT = re.compile(r"<svg\b")
# Vega labels each group of marks for screen readers; in a static image labelled as a whole
# these are noise (and each would need a name of its own), so they go. Values are escaped XML.
_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')


def static_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` with links, tooltips, pointer cursors and per-mark ARIA removed.

    >>> static_spec(
    ...     {
    ...         "mark": {"type": "rect", "cursor": "pointer"},
    ...         "encoding": {"href": {"field": "h"}, "x": {"field": "x"}},
    ...     }
    ... )
    {'mark': {'type': 'rect'}, 'encoding': {'x': {'field': 'x'}}, 'config': {'aria': False}}
    """
    out = copy.deepcopy(spec)

    def strip(node: Any) -> None:
        if isinstance(node, dict):
            encoding = node.get("encoding")
            if isinstance(encoding, dict):
                for channel in _INTERACTIVE:
                    encoding.pop(channel, None)
            mark = node.get("mark")
            if isinstance(mark, dict):
                mark.pop("cursor", None)
                mark.pop("tooltip", None)
            for value in node.values():
                strip(value)
        elif isinstance(node, list):
            for value in node:
                strip(value)

    strip(out)
    out.pop("usermeta", None)
    config = out.setdefault("config", {})
    if isinstance(config, dict):
        config["aria"] = False  # no per-mark descriptions: the SVG is one labelled image
    return out


def to_svg(spec: dict[str, Any], label: str) -> str:
    """One chart as an SVG element, labelled for screen readers (``role="img"``, ``aria-label``)."""
    import html

    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(static_spec(spec), vl_version=VL_VERSION)
    svg = _ARIA.sub("", svg[svg.find("<svg") :])
    attributes = f'<svg role="img" aria-label="{html.escape(label, quote=True)}"'
    return _ROOT.sub(attributes, svg, count=1)


def warm_up() -> threading.Thread:
    """Start vl-convert's engine in the background (about 0.3 s), while the caller does other work."""

    def start() -> None:
        import vl_convert as vlc

        vlc.vegalite_to_svg({"mark": "point"}, vl_version=VL_VERSION)

    thread = threading.Thread(target=start, name="vl-convert warm-up", daemon=True)
    thread.start()
    return thread


def render_svgs(
    charts: Sequence[tuple[str, dict[str, Any]]],
    progress: Callable[[int, int, str], None] | None = None,
    workers: int = 2,
) -> list[str]:
    """Render ``(label, spec)`` pairs to SVG, in order; ``progress(done, total, label)`` after each."""
    total, done = len(charts), 0
    if not charts:
        return []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(to_svg, spec, label) for label, spec in charts]
        out = []
        for (label, _), future in zip(charts, futures, strict=True):
            out.append(future.result())
            done += 1
            if progress is not None:
                progress(done, total, label)
    return out
