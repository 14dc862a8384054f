"""A whole session through ``servicekit serve``, as a room runs it: one facilitator, five phones.

Both of serve's Voila servers run for real (the participants' one preheated, as in a workshop);
every page is a Chromium context with the outside-request guard. The facilitator creates a
workshop on the start page, five participants join it with its code, answer the questionnaire,
add answers to a Five Whys tree and place dots; the facilitator reveals, shows the totals and
exports the report. Along the way a wrong code, a participant trying the facilitator's pages,
and a forged sign-in are refused.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from servicekit import open_workshop
from servicekit.serve import free_port

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from .harness import RequestLog

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NewContext = Callable[[], "tuple[BrowserContext, RequestLog]"]
TEAMS = ("Sales", "Sales", "Operations", "Finance", "Operations")


class Room:
    """``servicekit serve --sample`` on free ports with its own database."""

    def __init__(self, workdir: Path) -> None:
        self.db = workdir / "room.db"
        self.port, self.participant_port = free_port(), free_port()
        env = {**os.environ, "SERVICEKIT_DB": str(self.db)}
        env.pop("SERVICEKIT_WORKSHOP", None)
        self.log_path = workdir / "serve.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "servicekit", "serve", "--sample",
                "--port", str(self.port), "--participant-port", str(self.participant_port),
                "--address", "127.0.0.1",
            ],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while "Press Ctrl-C" not in self.log() and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            time.sleep(0.5)
        if "Press Ctrl-C" not in self.log():
            self.stop()
            pytest.fail(f"servicekit serve did not come up:\n{self.log()[-3000:]}")
        self.start_page = re.search(r"start page[^:]*: (\S+)", self.log()).group(1)  # type: ignore[union-attr]
        self.join_url = re.search(r"Participants join at: (\S+)", self.log()).group(1)  # type: ignore[union-attr]

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    served = Room(tmp_path_factory.mktemp("room-e2e"))
    yield served
    served.stop()


def _row(page: Page, exercise: str) -> object:
    """The room panel's row of one exercise (its label starts with ``exercise``)."""
    return page.locator(".sk-room-exercises .widget-hbox").filter(has_text=exercise).first


def _join(page: Page, room: Room, code: str, name: str, team: str) -> None:
    page.goto(room.join_url)
    page.get_by_label("Join code").fill(code)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Team").fill(team)
    page.get_by_role("button", name="Join").click()
    page.wait_for_selector(f".sk-who :text('{name}')")


def test_a_facilitator_and_five_phones_run_a_session(
    room: Room, new_guarded_context: NewContext
) -> None:
    # -- the facilitator creates the client's workshop and opens its start page -------------------
    desk_context, desk_log = new_guarded_context()
    desk = desk_context.new_page()
    desk.goto(room.start_page)
    desk.get_by_text("New workshop", exact=True).click()
    desk.get_by_label("Title").fill("Acme: where onboarding breaks")
    desk.get_by_label("Client").fill("Acme <Ltd>")
    desk.get_by_label("Date").fill("2026-11-21")
    desk.get_by_role("button", name="Create workshop").click()
    desk.wait_for_selector(".sk-created :text('Open its start page')")
    desk.locator(".sk-created a").click()
    desk.wait_for_selector(".sk-start .sk-join-code")
    code = desk.locator(".sk-join-code").first.inner_text().strip()
    slug = re.search(r"workshop=([\w-]+)", desk.url).group(1)  # type: ignore[union-attr]
    assert "Acme: where onboarding breaks" in desk.locator(".sk-start").first.inner_text()

    # A Five Whys tree, typed on the Five Whys page the start page links to.
    five_whys_url = desk.locator("a[href*='five_whys.ipynb']").first.get_attribute("href")
    assert five_whys_url and "key=" in five_whys_url
    tree_page = desk_context.new_page()
    tree_page.goto(desk.url.split("start.ipynb")[0] + five_whys_url)
    tree_page.get_by_placeholder("New problem statement, then Enter").fill(
        "New clients wait 9 days for their first login"
    )
    tree_page.get_by_placeholder("New problem statement, then Enter").press("Enter")
    tree_page.locator("option", has_text="New clients wait 9 days").first.wait_for(state="attached")
    tree_page.goto("about:blank")
    desk.reload()
    _row(desk, "Five Whys").wait_for()

    # -- five phones: one mistypes the code first --------------------------------------------------
    phones: list[Page] = []
    for i, team in enumerate(TEAMS):
        context, _log = new_guarded_context()
        phone = context.new_page()
        if i == 0:
            phone.goto(room.join_url)
            phone.get_by_label("Join code").fill("WRONG9")
            phone.get_by_role("button", name="Join").click()
            phone.wait_for_selector(".sk-messages :text('is not the code of a workshop here')")
        _join(phone, room, code.lower() if i == 1 else code, f"Person {i} <i>", team)
        phones.append(phone)
    desk.wait_for_selector(".sk-participants:has-text('5 participants')", timeout=30_000)
    assert "Person 3 &lt;i&gt; (Finance)" in desk.locator(".sk-names").inner_html()

    # -- the questionnaire, answered on each phone -------------------------------------------------
    _row(desk, "Questionnaire").get_by_role("button", name="Show now").click()
    for i, phone in enumerate(phones):
        first = phone.locator(".sk-participant-body .widget-toggle-buttons").first
        first.wait_for(timeout=30_000)
        first.get_by_role("button", name=str(2 + i % 3), exact=True).click()
    ws = open_workshop(slug, db=room.db)
    deadline = time.monotonic() + 30
    survey = next(iter(ws.state.surveys.values()))
    while time.monotonic() < deadline and sum(map(len, survey.answers.values())) < 5:
        time.sleep(0.5)
        ws.refresh()
        survey = next(iter(ws.state.surveys.values()))
    assert sum(map(len, survey.answers.values())) == 5
    assert sorted(r.department for r in survey.respondents.values()) == sorted(TEAMS)

    # -- the tree: every phone adds an answer; nobody sees another's until the reveal -------------
    _row(desk, "Five Whys").get_by_role("button", name="Show now").click()
    for i, phone in enumerate(phones):
        why = phone.locator(".sk-why input")
        why.wait_for(timeout=30_000)
        why.fill(f"Because of reason {i} <b>")
        why.press("Enter")
        phone.wait_for_selector(f".sk-mine :text('Because of reason {i} <b>')")
    assert "reason 1" not in phones[0].locator(".sk-participant-body").inner_text()
    _row(desk, "Five Whys").get_by_role("button", name="Reveal").click()
    for phone in phones:
        phone.wait_for_selector(".sk-answers li >> nth=4", timeout=30_000)
    assert "Because of reason 4 <b>" in phones[0].locator(".sk-answers").inner_text()

    # -- dot vote on the tree's answers: totals hidden, then shown --------------------------------
    desk.get_by_label("Vote on").select_option(
        label="Five Whys: New clients wait 9 days for their first login (root causes)"
    )
    desk.get_by_role("button", name="Start dot vote").click()
    for i, phone in enumerate(phones):
        phone.wait_for_selector(".sk-dots-left", timeout=30_000)
        target = 0 if i < 3 else 1  # three dots on reason 0, then two on reason 1
        phone.get_by_role("button", name="+").nth(target).click()
        phone.wait_for_selector(".sk-dots-left :text('2')")
        phone.get_by_role("button", name="I'm done").click()
    desk.wait_for_selector(".sk-muted:has-text('Totals hidden')")
    assert "in all" not in phones[0].locator(".sk-participant-body").inner_text()
    desk.wait_for_selector(".sk-room-votes :text('5 done')", timeout=30_000)
    desk.get_by_role("button", name="Show totals").click()
    desk.wait_for_selector(".sk-vote-totals :text('3 · Because of reason 0')")
    desk.wait_for_selector(".sk-vote-totals :text('2 · Because of reason 1')")
    phones[3].wait_for_selector(":text('3 in all')", timeout=30_000)

    # -- the report -------------------------------------------------------------------------------
    with desk.expect_download(timeout=120_000) as caught:
        desk.get_by_role("button", name="Export findings report").click()
    report = Path(caught.value.path()).read_text(encoding="utf-8")
    assert "Acme: where onboarding breaks" in report and "Acme &lt;Ltd&gt;" in report
    assert "Because of reason 3 &lt;b&gt;" in report and "reason 3 <b>" not in report

    # -- what a participant cannot do ----------------------------------------------------------------
    snoop = phones[2]
    participants_server = room.join_url.split("voila/render/")[0]
    for page_name in ("start.ipynb", "five_whys.ipynb", "survey_dashboard.ipynb"):
        answer = snoop.goto(participants_server + "voila/render/" + page_name)
        assert answer is not None and answer.status == 404, page_name
    facilitator_server = room.start_page.split("voila/render/")[0]
    snoop.goto(f"{facilitator_server}voila/render/start.ipynb?workshop={slug}")
    snoop.wait_for_selector(".sk-messages :text('This page is for the facilitator')")
    # Another participant's sign-in, with a made-up token: the page asks for the code instead.
    ws.refresh()
    other = next(p for p in ws.state.participants.values() if p.name == "Person 0 <i>")
    snoop.goto(room.join_url)
    snoop.evaluate(
        "s => localStorage.setItem('servicekit:sign-in', s)",
        json.dumps({"workshop": slug, "participant": other.id, "token": "f" * 32}),
    )
    snoop.reload()
    snoop.wait_for_selector(".sk-join")
    time.sleep(2)  # the sign-in is checked once the kernel is up
    assert snoop.locator(".sk-join").is_visible()
    assert snoop.locator(".sk-who").count() == 0 or not snoop.locator(".sk-who").is_visible()
    for phone in phones:
        phone.goto("about:blank")
    desk.goto("about:blank")
    desk_log.check()


def test_an_anonymous_questionnaire_opens_on_a_preheated_page(
    room: Room, new_guarded_context: NewContext
) -> None:
    """The participants' server preheats kernels; the questionnaire page still gets its address."""
    from servicekit import create_workshop

    ws = create_workshop("pulse-check", "Pulse check", db=room.db)
    ws.add_survey("First questionnaire", [], [{"id": "q", "text": "Q?", "kind": "open"}])
    sid = ws.add_survey(
        "Anonymous pulse", [], [{"id": "q", "text": "What slows you down?", "kind": "open"}],
        anonymous=True,
    )  # fmt: skip
    ws.show(f"survey:{sid}")
    context, _log = new_guarded_context()
    phone = context.new_page()
    _join(phone, room, ws.state.join_code, "Pulse person", "Ops")
    with context.expect_page() as opened:
        phone.get_by_role("link", name="Open the questionnaire").click()
    survey_page = opened.value
    survey_page.wait_for_selector(".sk-survey-participant .sk-title")
    assert survey_page.locator(".sk-title").first.inner_text() == "Anonymous pulse"
    assert re.search(r"Using pre-heated kernel: \S+ for survey\.ipynb", room.log())
    survey_page.goto("about:blank")
    phone.goto("about:blank")
