"""The journey-map app in Chromium against a real Voila: map six steps, see the joins, reload."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

import pytest

from servicekit import open_workshop

from .harness import VoilaServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

CHART_SVG = ".sk-swimlane .vega-embed svg"
EVIL = "<img src=x onerror=alert(1)>"
NO_OWNER = re.compile(r"^no owner$")  # the marker at a join; the legend says "No owner"
STEPS = [
    ("Customer asks for a quote", "Sales"),
    ("Quote priced and sent", "Sales"),
    ("Order picked", "Warehouse"),
    (EVIL, "Warehouse"),
    ("Invoice raised", "Sales"),
    ("Order shipped", "Warehouse"),
]


def squash(text: str) -> str:
    """Text without white space: card labels are wrapped into lines."""
    return re.sub(r"\s+", "", text)


def wait_for_chart_text(page: Page, text: str) -> None:
    page.wait_for_function(
        "([sel, want]) => { const s = document.querySelector(sel);"
        " return s && s.textContent.replace(/\\s+/g, '').includes(want); }",
        arg=[CHART_SVG, squash(text)],
    )


def open_app(page: Page, server: VoilaServer) -> None:
    page.goto(server.page_url("journey_map.ipynb"))
    page.wait_for_selector(".sk-journey-map")
    page.wait_for_selector(CHART_SVG)


def test_a_journey_mapped_in_the_browser_shows_its_joins_and_survives_a_reload(
    page: Page, voila_server: VoilaServer
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_app(page, voila_server)

    name = f"Quote to delivery ({uuid.uuid4().hex[:6]})"
    new = page.locator(".sk-journey-map input[placeholder^='New journey']")
    new.fill(name)
    new.press("Enter")
    page.wait_for_selector(".sk-journey-findings :text('No steps yet')")

    team, step = page.locator(".sk-add-team input"), page.locator(".sk-add-step input")
    for text, owner in STEPS:
        team.fill(owner)
        step.fill(text)
        step.press("Enter")
        wait_for_chart_text(page, text)
        page.wait_for_function(
            "sel => document.querySelector(sel).value === ''", arg=".sk-add-step input"
        )

    # Sales → Warehouse, Warehouse → Sales, Sales → Warehouse: three joins nobody owns yet.
    rows = page.locator(".sk-journey-findings table.sk-handovers tbody tr")
    rows.nth(2).wait_for()
    assert rows.count() == 3
    assert rows.filter(has_text="nobody owns this join").count() == 3
    markers = page.locator(f"{CHART_SVG} text").filter(has_text=NO_OWNER)
    assert markers.count() == 3

    # Select "Order picked" by clicking its card, and name who owns the join into it.
    page.locator(f"{CHART_SVG} text", has_text="Order picked").first.click()
    page.wait_for_selector(".sk-handover-panel h3:has-text('Sales → Warehouse')")
    owner = page.locator(".sk-handover-panel input[placeholder^='Who makes sure']")
    owner.fill("Sales team lead")
    owner.press("Enter")
    page.wait_for_function(
        "sel => document.querySelectorAll(sel).length === 2",
        arg=".sk-journey-findings table.sk-handovers td.sk-unowned",
    )
    wait_for_chart_text(page, "no owner")
    assert page.locator(f"{CHART_SVG} text").filter(has_text=NO_OWNER).count() == 2

    page.reload()
    open_app(page, voila_server)
    page.locator(".sk-journey-map select").first.select_option(label=name)
    for text, _ in STEPS:
        wait_for_chart_text(page, text)
    # ipywidgets shows spaces in list options as non-breaking spaces
    options = [
        o.replace("\xa0", " ")
        for o in page.locator(".sk-step-list select option").all_text_contents()
    ]
    assert [o.split(". ", 1)[1].rsplit(" · ", 1)[0] for o in options] == [t for t, _ in STEPS]
    page.wait_for_selector(".sk-journey-findings td:has-text('Sales team lead')")

    assert page.locator("img[src='x']").count() == 0, "participant text must never become markup"
    assert dialogs == []

    # What the server stored.
    ws = open_workshop(db=voila_server.log_path.parent / "servicekit.db")
    journey = next(j for j in ws.state.journeys.values() if j.name == name)
    assert [(s.name, s.owner) for s in journey.actual.steps] == STEPS
    [owned] = [h for h in journey.actual.handovers.values() if h.owner]
    assert owned.owner == "Sales team lead"
    assert journey.actual.step(owned.to_step).name == "Order picked"
