"""The journey page's event-log panel: the data's view of how the journey really runs.

A facilitator uploads a team's event log (a CSV export from a ticketing or CRM
system) for the journey shown. The panel reads it (a progress bar while it does),
keeps it in the workshop's database, and shows what was read and what was repaired,
what the log says (paths, cycle times, handovers, ping-pong, rework), and the three
views side by side: the intended map, the actual map, and the log. Every cell of
the log is a team's text: it is escaped everywhere.

pandas loads only when a log is read or analysed, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ...errors import InvalidInput, NotFound, ServiceKitError
from ...eventlog_store import (
    parse_mapping,
    store_event_log,
    stored_event_log,
    without_code_example,
)
from ...models.journey import JourneyMap, format_minutes
from .common import MessageArea, Quiet, esc, html_widget

if TYPE_CHECKING:
    from ...analysis.eventlog import LogFindings
    from ...eventlog import EventLog
    from ...workshop import Workshop

__all__ = ["EventLogPanel", "log_tables_html", "sentences_html"]

#: Largest upload the page takes: the browser sends the file in one websocket message, and
#: the server's default limit for one is 10 MiB. Bigger files go through ``servicekit import-log``.
UPLOAD_LIMIT_MB = 10
#: Rows of the tables of paths and handovers.
TOP_ROWS = 8
_EXAMPLE = "case=Ticket ID, activity=Status, timestamp=Created, resource=Assignee, team=Group"
#: Column names the note gives as examples of those recognised (all are in ``NAMES``).
RECOGNISED = {
    "case": ("Case ID", "Ticket"),
    "activity": ("Activity", "Status"),
    "timestamp": ("Timestamp", "Created", "Date"),
    "resource": ("Assignee", "Owner", "Resource"),
    "team": ("Team", "Group"),
}


def _duration(minutes: float) -> str:
    return format_minutes(round(minutes)) if minutes < 60 else format_minutes(minutes)


def sentences_html(lines: Sequence[str], css_class: str) -> str:
    """Sentences as a list, each escaped (they quote the log's text)."""
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return f"<ul class='{esc(css_class)}'>{items}</ul>"


def log_tables_html(found: LogFindings, top: int = TOP_ROWS) -> str:
    """The most common paths and the handovers between teams as two tables, every cell escaped."""
    parts = []
    if found.variants:
        rows = "".join(
            f"<tr><td>{i}</td><td>{esc(v.label)}</td><td>{v.cases}</td><td>{v.share:.0%}</td></tr>"
            for i, v in enumerate(found.variants[:top], start=1)
        )
        parts.append(
            f"<h3>Most common paths ({found.distinct_variants} in all)</h3>"
            "<table class='sk-table sk-log-variants'><thead><tr><th>#</th><th>Path</th>"
            f"<th>Cases</th><th>Share</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    if found.handovers:
        rows = "".join(
            f"<tr><td>{esc(h.source)}</td><td>{esc(h.target)}</td><td>{h.count}</td>"
            f"<td>{h.cases}</td><td>{esc(_duration(h.median_wait_min))}</td></tr>"
            for h in found.handovers[:top]
        )
        more = len(found.handovers) - top
        parts.append(
            "<h3>Handovers between teams</h3>"
            "<table class='sk-table sk-log-handovers'><thead><tr><th>From</th><th>To</th>"
            "<th>Times</th><th>Cases</th><th>Median wait</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            + (f"<p class='sk-muted'>and {more} more.</p>" if more > 0 else "")
        )
    return "".join(parts)


class EventLogPanel:
    """Upload, read, keep and explain one journey's event log. ``widget`` is what the tab shows.

    ``journey`` returns the id of the journey on the page (None before there is one);
    errors go to ``messages``. Call :meth:`show` on every redraw: it does nothing
    unless the journey, its maps or its stored log changed.
    """

    def __init__(
        self, ws: Workshop, journey: Callable[[], str | None], messages: MessageArea
    ) -> None:
        self.ws = ws
        self.journey = journey
        self.messages = messages
        self.quiet = Quiet()
        self._shown: tuple[Any, ...] | None = None
        self._found: tuple[EventLog, LogFindings] | None = None
        self._pending: tuple[str, str, bytes] | None = None  # (journey, name, bytes) not read yet
        self._confirm_remove = False
        guard, when = messages.guard, self.quiet.when_user

        recognised = "; ".join(" or ".join(names) for names in RECOGNISED.values())
        self.note = html_widget(
            "<p>One row per event: the case (a ticket, a candidate, an order), the activity, "
            "when it happened, and the person or team who did it (a team column is optional). "
            f"Columns with the usual names are recognised ({esc(recognised)}, and more). "
            "Other names: type which column holds what under <i>Columns</i>. "
            f"Up to {UPLOAD_LIMIT_MB} MB here; a bigger file from a terminal: "
            "<code>servicekit import-log WORKSHOP JOURNEY FILE.csv</code>.</p>",
            "sk-muted",
        )
        self.upload = widgets.FileUpload(
            accept=".csv", multiple=False, description="Upload event log (CSV)"
        )
        self.upload.layout.width = "auto"
        self.upload.observe(when(guard(lambda ch: self._uploaded(ch["new"]))), names="value")
        self.mapping = widgets.Text(
            description="Columns",
            placeholder=_EXAMPLE,
            continuous_update=False,
            layout=widgets.Layout(width="100%"),
        )
        self.mapping.observe(when(guard(lambda ch: self._mapping_typed(ch["new"]))), names="value")
        self.progress = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description="Reading")
        self.progress.layout.display = "none"
        self.status = widgets.HTML()
        self.status.add_class("sk-log-status")
        self.report = widgets.HTML()
        self.report.add_class("sk-log-report")
        self.findings = widgets.HTML()
        self.findings.add_class("sk-log-findings")
        self.views = widgets.HTML()
        self.views.add_class("sk-log-views")
        self.tables = widgets.HTML()
        self.tables.add_class("sk-log-tables")
        self.remove = widgets.Button(
            description="Remove the log", icon="trash", layout=widgets.Layout(width="auto")
        )
        self.remove.on_click(guard(lambda _: self._remove()))
        self.widget = widgets.VBox(
            [
                self.note,
                widgets.HBox([self.upload, self.remove]),
                self.mapping,
                self.progress,
                self.status,
                self.report,
                self.findings,
                self.views,
                self.tables,
            ]
        )
        self.widget.add_class("sk-event-log")

    # -- drawing --------------------------------------------------------------------------------
    def show(self, journey: JourneyMap) -> None:
        """Draw the journey's stored log beside its maps; cheap when nothing changed."""
        stamp = self.ws.journal.event_log_stamp(self.ws.slug, journey.id)
        key = (journey.id, journey.intended.steps, journey.actual.steps, stamp)
        if key == self._shown:
            return
        if self._shown is None or self._shown[0] != journey.id or self._shown[3] != stamp:
            self._reset_remove()
        if self._pending is not None and self._pending[0] != journey.id:
            self._pending = None
        self._shown = key  # set first: a log that cannot be read is reported once, not per redraw
        with self.quiet():
            self._draw(journey, stamp)

    def _draw(self, journey: JourneyMap, stamp: tuple[str, str] | None) -> None:
        self.remove.disabled = stamp is None
        if stamp is None:
            self.status.value = (
                "<p class='sk-empty'>No event log for this journey yet. Upload the CSV a "
                "ticketing or CRM system exports: the log shows how the journey really runs, "
                "beside the room's two maps.</p>"
            )
            self._clear()
            return
        try:
            log = stored_event_log(self.ws, journey.id, progress=self._progress)
        except ServiceKitError as exc:
            self.status.value = f"<p class='sk-error'>{esc(exc)}</p>"
            self._clear()
            self.messages.show(str(exc))
            return
        finally:
            self.progress.layout.display = "none"
        if log is None:  # removed by another page since the stamp was read
            self._shown = None
            self.show(journey)
            return
        from ...analysis.eventlog import compare_views, findings

        if self._found is None or self._found[0] is not log:
            self._found = (log, findings(log, top=TOP_ROWS))
        found = self._found[1]
        added = stamp[0][:16].replace("T", " ")
        self.status.value = (
            f"<p><b>{esc(log.source)}</b>, imported {esc(added)} UTC: <b>{len(log)}</b> events "
            f"in <b>{log.cases}</b> cases. Another upload replaces it.</p>"
        )
        self.report.value = "<h3>What was read</h3>" + sentences_html(
            log.report.lines(), "sk-log-report-lines"
        )
        self.findings.value = "<h3>What the log shows</h3>" + sentences_html(
            found.sentences(), "sk-log-sentences"
        )
        if journey.intended.steps or journey.actual.steps:
            compared = compare_views(journey.intended, journey.actual, log)
            self.views.value = (
                "<h3>Three views: as documented, as the room mapped it, as the log shows</h3>"
                + sentences_html(compared.sentences(), "sk-log-compare")
            )
        else:
            self.views.value = (
                "<p class='sk-empty'>Map the journey (as documented, or as it really runs) to "
                "compare the maps with the log.</p>"
            )
        self.tables.value = log_tables_html(found)

    def _clear(self) -> None:
        for box in (self.report, self.findings, self.views, self.tables):
            box.value = ""
        self._found = None

    def _progress(self, fraction: float) -> None:
        self.progress.layout.display = None
        self.progress.value = max(0.0, min(1.0, float(fraction)))

    # -- intents --------------------------------------------------------------------------------
    def _journey(self) -> str:
        jid = self.journey()
        if jid is None:
            raise NotFound("Start a journey first: an event log belongs to a journey.")
        return jid

    def _uploaded(self, uploads: Any) -> None:
        if not uploads:
            return
        item = uploads[0]
        name = item["name"] if isinstance(item, dict) else item.name
        content = item["content"] if isinstance(item, dict) else item.content
        with self.quiet():
            self.upload.value = ()  # so that the same file, fixed, can be chosen again
        self._pending = (self._journey(), str(name), bytes(content))
        self._read()

    def _mapping_typed(self, text: str) -> None:
        parse_mapping(text, where="Columns")  # a typing mistake is shown at once
        if self._pending is not None:
            self._read()

    def _read(self) -> None:
        """Read the pending file with the typed columns; keep it if it reads, else say why."""
        assert self._pending is not None
        jid, name, data = self._pending
        mapping = parse_mapping(self.mapping.value, where="Columns")
        had = self.ws.journal.event_log_stamp(self.ws.slug, jid) is not None
        self._progress(0.0)
        try:
            log = store_event_log(self.ws, jid, name, data, mapping, progress=self._progress)
        except InvalidInput as exc:
            kept = "the log imported before stays as it was" if had else "nothing was stored"
            if "column" in str(exc):
                hint = (
                    f"Name the columns under 'Columns' (e.g. {_EXAMPLE}) and press Enter to "
                    f"read {name} again."
                )
            else:
                hint = "Fix the file and upload it again."
            raise InvalidInput(
                f"{without_code_example(str(exc))} {kept.capitalize()}. {hint}"
            ) from None
        finally:
            self.progress.layout.display = "none"  # the bar shows only while a file is read
        self._pending = None
        self._shown = None
        self.show(self.ws.journey(jid))
        dropped = log.report.dropped
        left = f"; {dropped} rows left out (see What was read)" if dropped else ""
        self.messages.show(
            f"Imported {name}: {len(log)} events in {log.cases} cases{left}. It is kept with "
            "the workshop; another upload replaces it.",
            "info",
        )

    def _remove(self) -> None:
        jid = self._journey()
        stored = self.ws.journal.event_log_stamp(self.ws.slug, jid)
        if stored is None:
            raise NotFound("This journey has no event log to remove.")
        if not self._confirm_remove:
            self._confirm_remove = True
            self.remove.description = "Click again to remove the log (no undo)"
            self.remove.button_style = "danger"
            return
        self.ws.journal.remove_event_log(self.ws.slug, jid)
        self._reset_remove()
        self._shown = None
        self.show(self.ws.journey(jid))
        self.messages.show(
            "Removed the event log. There is no undo: upload the file again to bring it back.",
            "info",
        )

    def _reset_remove(self) -> None:
        self._confirm_remove = False
        self.remove.description = "Remove the log"
        self.remove.button_style = ""
