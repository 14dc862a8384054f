"""Finding widgets in an app's tree, for headless UI tests."""

from __future__ import annotations

import ipywidgets as widgets


def find(
    root: widgets.Widget, kind: type, css: str | None = None, **attrs: object
) -> list[widgets.Widget]:
    """Widgets of a type (and CSS class, and attribute values) under ``root``, in display order."""
    found = []
    stack = [root]
    while stack:
        w = stack.pop(0)
        if (
            isinstance(w, kind)
            and (css is None or css in w._dom_classes)
            and all(getattr(w, k, None) == v for k, v in attrs.items())
        ):
            found.append(w)
        stack[:0] = list(getattr(w, "children", ()))
    return found


def type_into(box: widgets.Widget, text: str) -> None:
    """What a person does: type into a field and press Enter (or leave it)."""
    box.value = text
