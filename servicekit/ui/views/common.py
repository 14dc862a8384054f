"""Views every app uses: a message area that shows errors, and safe HTML."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import ipywidgets as widgets

from ...errors import ServiceKitError

__all__ = [
    "MessageArea",
    "Quiet",
    "close_all",
    "esc",
    "html_widget",
    "replace_children",
    "short",
]

F = TypeVar("F", bound=Callable[..., Any])


def esc(text: object) -> str:
    """Escape any stored text for HTML: participant text is untrusted."""
    return html.escape(str(text), quote=True)


def html_widget(markup: str, css_class: str | None = None) -> widgets.HTML:
    """An HTML widget from markup whose variable parts were passed through :func:`esc`."""
    box = widgets.HTML(markup)
    if css_class:
        box.add_class(css_class)
    return box


class MessageArea:
    """Where callback errors go, so none is swallowed: one line, styled by severity."""

    def __init__(self) -> None:
        self.widget = widgets.HTML("")
        self.widget.add_class("sk-messages")

    def show(self, text: str, level: str = "error") -> None:
        self.widget.value = (
            f'<div class="sk-message sk-{esc(level)}" role="alert">{esc(text)}</div>'
        )

    def clear(self) -> None:
        self.widget.value = ""

    def guard(self, fn: F) -> F:
        """Wrap a callback: a servicekit error is shown as its message, anything else with its type."""

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.clear()  # before, so a message the callback shows (e.g. "Imported 12 steps") stays
            try:
                return fn(*args, **kwargs)
            except ServiceKitError as exc:
                self.show(str(exc))
            except Exception as exc:
                self.show(
                    f"Something went wrong ({type(exc).__name__}: {exc}). Your earlier work is saved."
                )
            return None

        return wrapped  # type: ignore[return-value]


def close_all(widget: widgets.Widget) -> None:
    """Close a widget, everything inside it, and its layout and style models."""
    for inner in getattr(widget, "children", ()):
        close_all(inner)
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(part, widgets.Widget):
            part.close()
    widget.close()


def replace_children(box: widgets.Box, children: list[widgets.Widget]) -> None:
    """Swap a box's children and close the old ones, so redraws leave no widget behind."""
    old = list(box.children)
    box.children = children
    for widget in old:
        close_all(widget)


class Quiet:
    """A switch that is on while a panel redraws, so observers ignore programmatic changes."""

    def __init__(self) -> None:
        self.on = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        self.on, was = True, self.on
        try:
            yield
        finally:
            self.on = was

    def when_user(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap an observer so it runs only for changes a person made."""
        return lambda change: None if self.on else fn(change)


def short(text: str, limit: int = 70) -> str:
    """One line of at most ``limit`` characters, for lists and menus."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
