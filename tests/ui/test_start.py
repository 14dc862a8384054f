"""Start page, headless: built from the store, refreshed on click, text escaped."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pytest

from servicekit import create_workshop, open_workshop
from servicekit.ui import start_app


def _find(
    root: widgets.Widget, kind: type, css: str | None = None, **attrs: object
) -> list[widgets.Widget]:
    """Widgets of a type (and CSS class, and attribute values) under ``root``."""
    found = []
    stack = [root]
    while stack:
        w = stack.pop()
        if (
            isinstance(w, kind)
            and (css is None or css in w._dom_classes)
            and all(getattr(w, k) == v for k, v in attrs.items())
        ):
            found.append(w)
        stack.extend(getattr(w, "children", ()))
    return found


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "s.db"
    monkeypatch.setenv("SERVICEKIT_DB", str(path))
    return path


def _key(slug: str) -> str:
    return open_workshop(slug).facilitator_key()


def test_start_page_shows_the_workshop_and_picks_up_changes(db: Path) -> None:
    create_workshop("acme", "Acme onboarding", client="Acme", join_code="JOIN42")
    app = start_app("acme", key=_key("acme"))
    assert "sk-start" in app._dom_classes
    text = _find(app, widgets.HTML, "sk-summary")[0].value
    assert '<h1 class="sk-title">Acme onboarding</h1>' in text and "JOIN42" in text
    other = open_workshop("acme", actor="p1")
    other.add_tree('<img src=x onerror="alert(1)"> tickets reopen')
    _find(app, widgets.Button, description="Refresh")[0].click()
    text = _find(app, widgets.HTML, "sk-summary")[0].value
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; tickets reopen" in text
    assert "<img" not in text


def test_start_page_explains_a_missing_workshop(db: Path) -> None:
    app = start_app("nope")
    message = _find(app, widgets.HTML, "sk-messages")[0].value
    assert "No workshop &#x27;nope&#x27;" in message and "Create one with" in message
    assert 'role="alert"' in message


def test_start_page_counts_private_maps(db: Path) -> None:
    ws = create_workshop("toast", "Toast")
    jid = ws.add_journey("Making toast")
    for name in ("Ana", "Ben"):
        ws.add_step(jid, f"private:{ws.join(name)}", "Bread in")
    text = _find(start_app("toast", key=_key("toast")), widgets.HTML, "sk-summary")[0].value
    assert "0 intended steps, 0 actual steps, 2 private maps" in text


def test_each_exercise_links_to_its_page(db: Path) -> None:
    ws = create_workshop("links", "Links")
    tid = ws.add_tree("Orders ship late")
    sid = ws.add_survey("Check", [], [{"id": "q", "text": "Open?", "kind": "open"}])
    ws.add_journey("Order to cash", journey_id="order:cash")
    key = _key("links")
    text = _find(start_app("links", key=key), widgets.HTML, "sk-summary")[0].value
    assert f'href="five_whys.ipynb?workshop=links&amp;tree={tid}&amp;key={key}"' in text
    assert f'href="survey_dashboard.ipynb?workshop=links&amp;survey={sid}&amp;key={key}"' in text
    assert f'href="journey_map.ipynb?workshop=links&amp;journey=order%3Acash&amp;key={key}"' in text
    assert f'href="five_whys.ipynb?workshop=links&amp;key={key}">Start a Five Whys tree' in text


def test_exercise_pages_open_the_workshop_their_address_names(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second workshop's links lead to its own pages, whatever the server was started with."""
    from servicekit.ui.apps.five_whys import five_whys_app

    create_workshop("first", "First").add_tree("The first workshop's tree")
    second = create_workshop("second", "Second")
    second.add_tree("The second workshop's tree")
    monkeypatch.setenv("SERVICEKIT_WORKSHOP", "first")
    monkeypatch.setenv("QUERY_STRING", f"workshop=second&key={_key('second')}")
    page = five_whys_app(live=False)
    shown = " ".join(str(w.options) for w in _find(page, widgets.Dropdown))
    assert "The second workshop's tree" in shown and "The first workshop's tree" not in shown


def test_export_with_a_broken_branding_file_says_why(db: Path, tmp_path: Path) -> None:
    create_workshop("brand", "Brand")
    bad = tmp_path / "acme.yaml"
    bad.write_text("colours:\n  primary: red\n", encoding="utf-8")
    app = start_app("brand", branding=str(bad), key=_key("brand"))
    _find(app, widgets.Button, description="Export findings report")[0].click()
    message = _find(app, widgets.HTML, "sk-messages")[0].value
    assert "acme.yaml, line 2" in message and "is not a colour" in message
    assert (
        _find(app, widgets.Button, description="Download the data (zip)")[0].layout.display
        == "none"
    )
    assert not _find(app, widgets.Button, description="Export findings report")[0].disabled


def test_the_start_page_needs_the_facilitators_key(db: Path) -> None:
    create_workshop("locked", "Locked")
    for key in (None, "", "a-guess"):
        page = start_app("locked", key=key)
        message = _find(page, widgets.HTML, "sk-messages")[0].value
        assert "This page is for the facilitator" in message
        assert not _find(page, widgets.Button), "no control is built without the key"


def test_a_new_workshop_from_templates_and_links_to_every_workshop(db: Path) -> None:
    create_workshop("first", "First")
    app = start_app("first", key=_key("first"))
    panel = _find(app, widgets.Accordion, "sk-workshops-panel")[0]
    form = panel.children[1]
    for label, value in [
        ("Title", "Acme: where onboarding breaks"),
        ("Client", "Acme Ltd"),
        ("Date", "2026-05-04"),
    ]:
        _find(form, widgets.Text, description=label)[0].value = value
    journey = _find(form, widgets.Dropdown)[0]
    journey.value = next(v for _, v in journey.options if v)
    _find(form, widgets.Button, description="Create workshop")[0].click()
    assert _find(app, widgets.HTML, "sk-messages")[0].value == ""
    made = open_workshop("acme-where-onboarding-breaks")
    assert (made.state.client, made.state.date) == ("Acme Ltd", "2026-05-04")
    assert len(made.state.surveys) == 1 and len(made.state.journeys) == 1
    [journey_map] = made.state.journeys.values()
    assert journey_map.intended.steps, "the template's documented steps"
    created = _find(form, widgets.HTML, "sk-created")[0].value
    assert (
        f"key={made.facilitator_key()}" in created
        and "workshop=acme-where-onboarding-breaks" in created
    )
    listing = _find(panel, widgets.HTML, "sk-workshops")[0].value
    assert "first" in listing and "acme-where-onboarding-breaks" in listing
    opened = start_app(key=made.facilitator_key(), workshop="acme-where-onboarding-breaks")
    assert "Acme: where onboarding breaks" in _find(opened, widgets.HTML, "sk-summary")[0].value
    wrong = start_app("acme-where-onboarding-breaks", key=_key("first"))
    assert "This page is for the facilitator" in _find(wrong, widgets.HTML, "sk-messages")[0].value
