"""The journey page's event-log panel, headless: upload, read, keep, explain, remove."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import ipywidgets as widgets
import pytest
from helpers import find, type_into

from servicekit import Workshop, open_workshop
from servicekit.eventlog_store import clear_cache
from servicekit.journal import Journal, read_workshop_file
from servicekit.ui.views.common import MessageArea
from servicekit.ui.views.eventlog import EventLogPanel

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
JOURNEY = "candidate-journey"
MARKUP = (
    b"Case ID,Activity,Timestamp,Owner,Team\n"
    b"C-1,<b>Open</b>,2026-01-05 09:00,Ana,<img src=x onerror=alert(1)>\n"
    b"C-1,Fix & check,2026-01-05 10:00,Bo,<script>alert(2)</script>\n"
    b"C-1,<b>Open</b>,2026-01-05 11:00,Ana,<img src=x onerror=alert(1)>\n"
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_cache()


@pytest.fixture
def sample(journal: Journal) -> Workshop:
    """The Northbridge sample workshop: its candidate journey has both maps."""
    slug = journal.import_(read_workshop_file(SAMPLES / "northbridge-search.json"))
    return open_workshop(slug, db=journal)


def _panel(ws: Workshop, journey: str | None = JOURNEY) -> tuple[EventLogPanel, MessageArea]:
    messages = MessageArea()
    panel = EventLogPanel(ws, lambda: journey, messages)
    if journey is not None:
        panel.show(ws.journey(journey))
    return panel, messages


def _upload(name: str, content: bytes) -> dict[str, object]:
    """A file as the browser's upload widget sends it."""
    return {
        "name": name,
        "type": "text/csv",
        "size": len(content),
        "content": memoryview(content),
        "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    }


def _html(panel: EventLogPanel) -> str:
    return "".join(w.value for w in find(panel.widget, widgets.HTML))


def _sample_upload(panel: EventLogPanel) -> None:
    content = (SAMPLES / "onboarding-events.csv").read_bytes()
    panel.upload.value = (_upload("onboarding-events.csv", content),)


def test_an_uploaded_log_is_read_kept_and_explained(sample: Workshop) -> None:
    panel, messages = _panel(sample)
    assert "No event log for this journey yet" in panel.status.value
    assert panel.remove.disabled
    seen: list[float] = []
    panel.progress.observe(lambda ch: seen.append(ch["new"]), names="value")

    _sample_upload(panel)
    assert seen and seen == sorted(seen) and seen[-1] == 1.0
    assert panel.progress.value == 1.0 and panel.progress.layout.display == "none"
    assert "Imported onboarding-events.csv: 700 events in 40 cases" in messages.widget.value
    assert panel.upload.value == (), "ready for the next file"
    stored = sample.journal.event_log(sample.slug, JOURNEY)
    assert stored is not None and stored.name == "onboarding-events.csv"

    assert "<b>700</b> events in <b>40</b> cases" in panel.status.value
    assert "700 events in 40 cases from 700 rows" in panel.report.value
    findings = panel.findings.value
    assert "The busiest handover is Client Delivery → Compliance" in findings
    assert "Work went back to a team straight after it left" in findings
    assert "&#x27;Candidate details requested&#x27; is done more than once" in findings
    views = panel.views.value
    assert "The intended map:" in views and "The actual map:" in views
    assert "In the log but on no map:" in views
    tables = panel.tables.value
    assert "<table class='sk-table sk-log-variants'>" in tables
    assert "<td>Client Delivery</td><td>Compliance</td><td>67</td><td>35</td>" in tables
    assert not panel.remove.disabled


def test_the_log_survives_a_reload(sample: Workshop) -> None:
    panel, _ = _panel(sample)
    _sample_upload(panel)
    before = panel.findings.value, panel.views.value, panel.tables.value
    clear_cache()  # a new kernel: nothing parsed in memory, a fresh handle on the database
    with Journal(sample.journal.path) as again:
        reloaded, _ = _panel(open_workshop(sample.slug, db=again))
        assert (reloaded.findings.value, reloaded.views.value, reloaded.tables.value) == before
        assert reloaded.progress.layout.display == "none", "the bar shows only while reading"


def test_a_redraw_with_nothing_changed_does_no_work(
    sample: Workshop, monkeypatch: pytest.MonkeyPatch
) -> None:
    import servicekit.eventlog_store as store
    import servicekit.ui.views.eventlog as view

    panel, _ = _panel(sample)
    _sample_upload(panel)
    looks: list[str] = []
    reads: list[str] = []
    look, read = view.stored_event_log, store.read_event_log
    monkeypatch.setattr(
        view, "stored_event_log", lambda *a, **k: looks.append(a[1]) or look(*a, **k)
    )
    monkeypatch.setattr(store, "read_event_log", lambda *a, **k: reads.append(1) or read(*a, **k))
    panel.show(sample.journey(JOURNEY))
    panel.show(sample.journey(JOURNEY))
    assert looks == [] and reads == []
    # A change to a map redraws the comparison, from the log already read.
    views = panel.views.value
    step = sample.journey(JOURNEY).actual.steps[0].id
    sample.remove_step(JOURNEY, "actual", step)
    panel.show(sample.journey(JOURNEY))
    assert looks == [JOURNEY] and reads == []
    assert panel.views.value != views


def test_team_and_activity_names_are_escaped(ws: Workshop) -> None:
    jid = ws.add_journey("Tickets")
    panel, messages = _panel(ws, jid)
    panel.upload.value = (_upload("<i>tickets</i>.csv", MARKUP),)
    assert "Imported &lt;i&gt;tickets&lt;/i&gt;.csv" in messages.widget.value
    html = _html(panel)
    assert "<img" not in html and "<script" not in html and "<b>Open" not in html
    assert "<i>tickets" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in panel.tables.value
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in panel.findings.value
    assert "&lt;b&gt;Open&lt;/b&gt;" in panel.findings.value
    assert "Fix &amp; check" in panel.tables.value


def test_a_bad_file_is_a_clear_message_and_the_stored_log_stays(sample: Workshop) -> None:
    panel, messages = _panel(sample)
    panel.upload.value = (_upload("notes.csv", b"a,b\n1,2\n"),)
    shown = messages.widget.value
    assert "notes.csv: no column for the case id" in shown
    assert "Nothing was stored" in shown and "Name the columns under &#x27;Columns&#x27;" in shown
    assert "read_event_log(" not in shown, "no Python on the page"
    assert sample.journal.event_log(sample.slug, JOURNEY) is None
    assert panel.progress.layout.display == "none"

    _sample_upload(panel)
    findings = panel.findings.value
    panel.upload.value = (
        _upload("latin1.csv", b"Case ID,Activity,Timestamp,Owner\nC,Caf\xe9,x,y\n"),
    )
    shown = messages.widget.value
    assert "latin1.csv, line 2: not UTF-8 text" in shown
    assert "The log imported before stays as it was. Fix the file and upload it again." in shown
    stored = sample.journal.event_log(sample.slug, JOURNEY)
    assert stored is not None and stored.name == "onboarding-events.csv"
    assert panel.findings.value == findings


def test_columns_typed_for_a_file_with_other_names(ws: Workshop) -> None:
    jid = ws.add_journey("Tickets")
    panel, messages = _panel(ws, jid)
    odd = b"Ref,What,When,Who\nR-1,Opened,2026-01-05 09:00,Desk\nR-1,Closed,2026-01-05 10:00,Ops\n"
    panel.upload.value = (_upload("odd.csv", odd),)
    assert "no column for" in messages.widget.value
    type_into(panel.mapping, "case=Ref activity=What")
    shown = messages.widget.value  # names the bad part and the fix
    assert "Columns: &#x27;case=Ref activity=What&#x27; has more than one &#x27;=&#x27;" in shown
    assert "Separate the columns with commas" in shown
    type_into(panel.mapping, "case=Ref, activity=What, time=When, resource=Who")
    assert "Imported odd.csv: 2 events in 1 cases" in messages.widget.value, "read again at once"
    stored = ws.journal.event_log(ws.slug, jid)
    assert stored is not None and stored.mapping["timestamp"] == "When"
    assert "Desk → Ops" in panel.findings.value


def test_remove_asks_first(sample: Workshop) -> None:
    panel, messages = _panel(sample)
    _sample_upload(panel)
    panel.remove.click()
    assert "Click again" in panel.remove.description
    assert sample.journal.event_log_stamp(sample.slug, JOURNEY) is not None
    panel.remove.click()
    assert sample.journal.event_log_stamp(sample.slug, JOURNEY) is None
    assert "Removed the event log" in messages.widget.value
    assert "No event log for this journey yet" in panel.status.value
    assert panel.findings.value == panel.tables.value == ""
    assert panel.remove.disabled and panel.remove.description == "Remove the log"


def test_another_journey_shows_its_own_log(sample: Workshop) -> None:
    current = [JOURNEY]
    messages = MessageArea()
    panel = EventLogPanel(sample, lambda: current[0], messages)
    panel.show(sample.journey(JOURNEY))
    _sample_upload(panel)
    current[0] = "offer-accepted"
    panel.show(sample.journey("offer-accepted"))
    assert "No event log for this journey yet" in panel.status.value
    assert panel.findings.value == ""
    current[0] = JOURNEY
    panel.show(sample.journey(JOURNEY))
    assert "onboarding-events.csv" in panel.status.value


def test_the_names_the_note_gives_are_recognised(ws: Workshop) -> None:
    from servicekit.eventlog import read_event_log
    from servicekit.ui.views.eventlog import RECOGNISED

    panel, _ = _panel(ws, None)
    assert all(name in panel.note.value for names in RECOGNISED.values() for name in names)
    for i in range(3):
        names = [n[min(i, len(n) - 1)] for n in RECOGNISED.values()]
        log = read_event_log(f"{','.join(names)}\nc,a,2026-01-01 09:00,r,t\n".encode())
        assert dict(log.columns) == dict(zip(RECOGNISED, names, strict=True))


def test_no_journey_yet(ws: Workshop) -> None:
    panel, messages = _panel(ws, None)
    panel.upload.value = (_upload("t.csv", MARKUP),)
    assert "Start a journey first" in messages.widget.value


def test_the_panel_imports_without_pandas() -> None:
    code = (
        "import sys, servicekit.ui.views.eventlog\n"
        "assert 'pandas' not in sys.modules, 'pandas loaded on import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
