"""Small helpers shared by the charts whose layout is computed in Python.

Such a chart places every mark in pixels: its x and y scales run from 0 to the
drawing's width and height (y downwards) with no axes, so a datum's ``x`` is
where it is drawn. Its spec template is built by altair and stored as JSON
(:mod:`servicekit.charts.templates`); a redraw deep-copies the template, swaps in
the datasets and calls :func:`set_extent`.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    import altair as alt

__all__ = [
    "PICK",
    "arrow_angle",
    "pick_href",
    "pixel_x",
    "pixel_y",
    "plain",
    "set_extent",
    "wrap",
]

#: The address fragment a clicked mark sets (read by ``servicekit.ui.views.bridge``).
PICK = "#sk-pick="
# Characters XML cannot carry. Browsers shrug, but a static export through vl-convert
# aborts the whole process on one of them, so chart text leaves them out.
_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def plain(text: str) -> str:
    """Participant text as a chart can carry it: unchanged, less the control characters XML forbids.

    >>> plain("<b>Pasted\\x02 from a form</b>\\tok")
    '<b>Pasted from a form</b>\\tok'
    """
    return text.translate(_NOT_XML)


def wrap(text: str, width: int = 27, lines: int = 4) -> str:
    """Wrap text for a box: at most ``lines`` lines, the last ending in an ellipsis if cut.

    >>> wrap("Fixes are not verified with the person who raised the ticket", 20, 2)
    'Fixes are not\\nverified with the…'
    """
    parts = textwrap.wrap(" ".join(plain(text).split()), width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1].rstrip() + "…"
    return "\n".join(parts)


def pick_href(item_id: str) -> str:
    """The link a mark carries so that clicking it selects ``item_id``.

    >>> pick_href("st 1/2")
    '#sk-pick=st%201%2F2'
    """
    return PICK + quote(item_id, safe="")


def arrow_angle(x0: float, y0: float, x1: float, y1: float) -> float:
    """Clockwise degrees that turn an upward triangle to point from ``(x0, y0)`` to ``(x1, y1)``.

    Pixel coordinates, y downwards (as Vega draws).

    >>> arrow_angle(0, 0, 10, 0), arrow_angle(0, 0, 0, 10), arrow_angle(0, 0, -1, 0)
    (90.0, 180.0, 270.0)
    """
    return round(math.degrees(math.atan2(x1 - x0, -(y1 - y0))) % 360, 2)


def pixel_x(field: str, extent: float) -> alt.X:
    """An x position in pixels, 0 at the left edge."""
    import altair as alt

    scale = alt.Scale(domain=[0, extent], nice=False, zero=False)
    return alt.X(f"{field}:Q", scale=scale, axis=None)


def pixel_y(field: str, extent: float) -> alt.Y:
    """A y position in pixels, 0 at the top edge."""
    import altair as alt

    scale = alt.Scale(domain=[0, extent], nice=False, zero=False, reverse=True)
    return alt.Y(f"{field}:Q", scale=scale, axis=None)


def set_extent(spec: dict[str, Any], width: float, height: float) -> None:
    """Resize a layered pixel-layout spec in place: its size and every layer's x and y domains."""
    spec["width"], spec["height"] = width, height
    for layer in spec["layer"]:
        for channel, extent in (("x", width), ("y", height)):
            scale = layer.get("encoding", {}).get(channel, {}).get("scale")
            if scale is not None:
                scale["domain"] = [0, extent]
