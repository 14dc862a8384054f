"""The facilitator's Export: the findings report handed to the browser as a download.

The file is built in the kernel, shown as a progress bar while charts are drawn, and
sent to the page as binary; a few lines of JavaScript travelling with the widget turn it
into a download (nothing is fetched, no server route is involved). The data bundle
(CSV tables and the workshop's JSON) is a second button, so the browser never sees two
downloads at once from one click.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets

from ...workshop import Workshop
from .common import MessageArea, esc

__all__ = ["ExportPanel", "FileDownload"]

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  model.on("msg:custom", (msg, buffers) => {
    if (!msg || msg.kind !== "download" || !buffers.length) return;
    const blob = new Blob([buffers[0]], { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  });
}
export default { render };
"""


class FileDownload(anywidget.AnyWidget):
    """Hands bytes to the browser as a file download; invisible."""

    _esm = _ESM

    def offer(self, name: str, content: bytes, mime: str) -> None:
        """Send ``content``; the browser saves it as ``name``."""
        self.send({"kind": "download", "name": name, "mime": mime}, buffers=[content])


class ExportPanel:
    """An Export button with a progress bar, then the report download and a data button."""

    def __init__(
        self, ws: Workshop, messages: MessageArea, branding: str | Path | None = None
    ) -> None:
        self.ws, self.branding = ws, branding
        self.button = widgets.Button(
            description="Export findings report",
            icon="file-export",
            button_style="primary",
            tooltip="One HTML file that opens offline, to send to the client",
            layout=widgets.Layout(width="auto"),
        )
        self.data_button = widgets.Button(
            description="Download the data (zip)",
            icon="download",
            layout=widgets.Layout(width="auto", display="none"),
        )
        self.progress = widgets.IntProgress(
            value=0, min=0, max=1, description="Exporting", layout=widgets.Layout(display="none")
        )
        self.status = widgets.HTML()
        self.status.add_class("sk-export-status")
        self.download = FileDownload()
        self._export: dict[str, Any] | None = None
        self.button.on_click(messages.guard(lambda _: self.export()))
        self.data_button.on_click(messages.guard(lambda _: self.send_data()))
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.button, self.data_button]),
                self.progress,
                self.status,
                self.download,
            ]
        )
        self.widget.add_class("sk-export")

    def _step(self, done: int, total: int, what: str) -> None:
        self.progress.max = max(total, 1)
        self.progress.value = done
        self.status.value = f'<span role="status">{esc(what)}…</span>'

    def export(self) -> None:
        """Build the report from the workshop as stored now and hand it to the browser."""
        from ...export.branding import load_branding
        from ...export.report import build_report
        from ...models import WorkshopState

        self.button.disabled = True
        self.progress.layout.display = None
        try:
            branding = load_branding(self.branding)
            self._export = self.ws.journal.export(self.ws.slug)
            state = WorkshopState.from_dict(self._export["workshop"])
            page = build_report(state, branding, progress=self._step).encode("utf-8")
        except Exception:
            self.status.value = ""
            raise
        finally:
            self.button.disabled = False
            self.progress.layout.display = "none"
        name = f"{self.ws.slug}-findings.html"
        self.download.offer(name, page, "text/html")
        self.status.value = (
            f'<span role="status">The report is ready: your browser saves it as '
            f"<b>{esc(name)}</b> ({len(page) / 1024:,.0f} KB).</span>"
        )
        self.data_button.layout.display = None

    def send_data(self) -> None:
        """Hand the data bundle of the last export to the browser."""
        from ...export.report import data_bundle
        from ...models import WorkshopState

        if self._export is None:
            self.export()
        assert self._export is not None
        state = WorkshopState.from_dict(self._export["workshop"])
        content = data_bundle(self._export, state)
        name = f"{self.ws.slug}-findings-data.zip"
        self.download.offer(name, content, "application/zip")
        self.status.value = (
            f'<span role="status">Your browser saves the data as <b>{esc(name)}</b> '
            f"({len(content) / 1024:,.0f} KB).</span>"
        )
