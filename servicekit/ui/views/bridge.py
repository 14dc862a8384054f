"""Clicks on chart marks, relayed to the kernel.

A chart mark with an ``href`` of ``#sk-pick=<id>`` changes the page's address
when clicked (see :mod:`servicekit.charts.render`). This invisible widget
listens for that change, sends the id to the kernel and clears the address, so
clicking the same mark again counts again. It works offline: the few lines of
JavaScript travel with the widget, nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets

from ...charts.layout import PICK, pick_href

__all__ = ["ChartClicks", "pick_href"]

#: The address fragment a clicked mark sets; ``pick_href`` (from :mod:`servicekit.charts.layout`,
#: re-exported here for the views' HTML links) builds links that set it.
PREFIX = PICK

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  const prefix = "#sk-pick=";
  const read = () => {
    const hash = window.location.hash;
    if (!hash.startsWith(prefix)) return;
    model.set("picked", decodeURIComponent(hash.slice(prefix.length)));
    model.set("clicks", model.get("clicks") + 1);
    model.save_changes();
    history.replaceState(null, "", window.location.pathname + window.location.search);
  };
  window.addEventListener("hashchange", read);
  return () => window.removeEventListener("hashchange", read);
}
export default { render };
"""


class ChartClicks(anywidget.AnyWidget):
    """Reports which chart mark was clicked last; :meth:`on_pick` calls back with its id."""

    _esm = _ESM
    picked = traitlets.Unicode("").tag(sync=True)
    clicks = traitlets.Int(0).tag(sync=True)

    def on_pick(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(id)`` on every click, including repeated clicks on one mark."""
        self.observe(lambda _: callback(self.picked), names="clicks")

    def pick(self, item_id: str) -> None:
        """Act as if the mark ``item_id`` was clicked (what the browser does; used by tests)."""
        self.picked = item_id
        self.clicks += 1
