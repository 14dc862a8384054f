"""The Five Whys app in Chromium against a real Voila: build a tree, reload, find it all still there."""

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

CHART_SVG = ".sk-tree-chart .vega-embed svg"
EVIL = "<img src=x onerror=alert(1)>"


def open_app(page: Page, server: VoilaServer) -> None:
    page.goto(server.page_url("five_whys.ipynb"))
    page.wait_for_selector(".sk-five-whys")
    page.wait_for_selector(CHART_SVG)


def squash(text: str) -> str:
    """Text without white space: chart labels are wrapped into lines."""
    return re.sub(r"\s+", "", text)


def wait_for_chart_text(page: Page, text: str) -> None:
    page.wait_for_function(
        "([sel, want]) => { const s = document.querySelector(sel);"
        " return s && s.textContent.replace(/\\s+/g, '').includes(want); }",
        arg=[CHART_SVG, squash(text)],
    )


def add_answer(page: Page, answer: str) -> None:
    box = page.locator(".sk-why input")
    box.fill(answer)
    box.press("Enter")
    wait_for_chart_text(page, answer)
    page.wait_for_function("sel => document.querySelector(sel).value === ''", arg=".sk-why input")


def click_box(page: Page, label: str) -> None:
    page.locator(f"{CHART_SVG} text", has_text=label).first.click()
    page.wait_for_selector(f".sk-node-panel h3:has-text('{label}')")


def test_a_tree_built_in_the_browser_survives_a_reload(
    page: Page, voila_server: VoilaServer
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_app(page, voila_server)

    problem = (
        f"Quotes wait 3 days for sign-off at the Leeds branch in May (run {uuid.uuid4().hex[:6]})"
    )
    new = page.locator(".sk-five-whys input[placeholder^='New problem']")
    new.fill(problem)
    new.press("Enter")
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel).value === want",
        arg=[".sk-problem textarea", problem],
    )

    add_answer(page, "Manager signs every quote")  # under the problem, then selected
    add_answer(page, "Signing limit is zero")  # under the first answer
    click_box(page, "Manager signs every quote")  # a click in the chart selects it...
    add_answer(page, "Manager is on the road")  # ...so this is a second branch under it
    page.get_by_role("button", name="Root cause").click()
    wait_for_chart_text(page, "Root cause")
    page.locator(".sk-measures input[placeholder='What will be done']").fill(
        "Give sales a signing limit"
    )
    page.get_by_role("button", name="Add countermeasure").click()
    page.wait_for_selector(".sk-measures :text('Give sales a signing limit')")
    add_answer(page, EVIL)

    page.reload()
    open_app(page, voila_server)
    page.locator(".sk-five-whys select").first.select_option(
        label=problem[:79] + "…" if len(problem) > 80 else problem
    )
    for text in (
        "Manager signs every quote",
        "Signing limit is zero",
        "Manager is on the road",
        "Root cause",
        EVIL,
    ):
        wait_for_chart_text(page, text)
    labels = [squash(t) for t in page.locator(f"{CHART_SVG} text").all_text_contents()]
    assert labels.count(squash("Root cause")) == 1
    click_box(page, "Manager is on the road")
    # The countermeasure rows are widgets of their own: they render a moment after the panel title.
    page.wait_for_selector(".sk-measures :text('Give sales a signing limit')")

    assert page.locator("img[src='x']").count() == 0, "participant text must never become markup"
    assert dialogs == []

    # What the server stored: the branch, the root cause and its countermeasure.
    ws = open_workshop(db=voila_server.log_path.parent / "servicekit.db")
    tree = next(t for t in ws.state.trees.values() if t.problem == problem)
    (first,) = tree.children(None)
    assert first.answer == "Manager signs every quote"
    branches = {n.answer: n for n in tree.children(first.id)}
    assert set(branches) == {"Signing limit is zero", "Manager is on the road"}
    cause = branches["Manager is on the road"]
    assert cause.root_cause and [m.action for m in tree.measures_for(cause.id)] == [
        "Give sales a signing limit"
    ]
    assert [n.answer for n in tree.children(cause.id)] == [EVIL]


def test_answers_from_another_page_appear_without_a_reload(
    page: Page, voila_server: VoilaServer
) -> None:
    open_app(page, voila_server)
    other = open_workshop(db=voila_server.log_path.parent / "servicekit.db", actor="phone")
    shown = next(iter(other.state.trees))  # the page opens on the first tree
    answer = f"Typed on a phone {uuid.uuid4().hex[:6]}"
    other.add_why(shown, None, answer)
    wait_for_chart_text(page, answer)  # the page polls the journal about once a second
