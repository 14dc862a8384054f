"""The findings report in Chromium: offline, valid, accessible, safe, and downloadable from the app."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import quality
from export.hostile import CORPUS, hostile_workshop

from servicekit.cli import SAMPLE_FILE
from servicekit.export.report import _charts, build_report
from servicekit.journal import Journal, read_workshop_file
from servicekit.models import WorkshopState

from .harness import VoilaServer

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from .harness import RequestLog

pytestmark = pytest.mark.browser

NewContext = Callable[[], tuple["BrowserContext", "RequestLog"]]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorkshopState]:
    folder = tmp_path_factory.mktemp("report")
    with Journal(folder / "s.db") as journal:
        state, _ = journal.rebuild(journal.import_(read_workshop_file(SAMPLE_FILE)))
    path = folder / "northbridge-findings.html"
    path.write_text(build_report(state), encoding="utf-8")
    return path, state


def _open(new_guarded_context: NewContext, path: Path) -> tuple[Page, RequestLog, list[str]]:
    context, log = new_guarded_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, log, dialogs


def test_the_sample_report_opens_offline_with_every_chart(
    sample_report: tuple[Path, WorkshopState], new_guarded_context: NewContext
) -> None:
    path, state = sample_report
    page, log, _ = _open(new_guarded_context, path)
    expected = [fid for fid, _, _ in _charts(state, 3)]
    for fid in expected:  # each chart is drawn: an SVG with marks and text in its figure
        svg = page.locator(f"figure[id='{fid}'] svg")
        assert svg.count() == 1, fid
        box = svg.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, fid
        assert svg.locator("text").count() > 3, fid
    assert page.locator("figure").count() == len(expected)
    assert page.title() == state.title
    assert log.outside == [], "the report fetched something from another host"
    assert not [u for u in log.urls if not u.startswith(("file:", "data:"))]


def test_the_sample_report_is_valid_html(sample_report: tuple[Path, WorkshopState]) -> None:
    quality.require_html_checker()
    errors = quality.html_errors(sample_report[0])
    assert errors == [], quality.format_html_messages(errors)


def test_the_sample_report_has_no_serious_accessibility_problems(
    sample_report: tuple[Path, WorkshopState], new_guarded_context: NewContext, axe: Any
) -> None:
    page, log, _ = _open(new_guarded_context, sample_report[0])
    violations = axe(page)
    assert violations == [], quality.format_axe_violations(violations)
    assert log.outside == []


def test_hostile_text_shows_as_text_and_nothing_runs(
    tmp_path: Path, new_guarded_context: NewContext, axe: Any
) -> None:
    ws = hostile_workshop(tmp_path / "h.db")
    path = tmp_path / "hostile.html"
    path.write_text(build_report(ws.state), encoding="utf-8")
    quality.require_html_checker()
    errors = quality.html_errors(path)
    assert errors == [], quality.format_html_messages(errors)

    page, log, dialogs = _open(new_guarded_context, path)
    page.evaluate(  # would fire any handler smuggled into an attribute
        """() => document.querySelectorAll("*").forEach((e) => {
            for (const kind of ["mouseover", "focus", "click"]) e.dispatchEvent(new Event(kind));
        })"""
    )
    shown = page.locator("body").inner_text()
    for text in CORPUS:
        assert " ".join(text.split()) in " ".join(shown.split()), f"{text!r} is not shown"
    assert dialogs == []
    assert page.locator("script, iframe, object, embed").count() == 0
    assert page.locator("img").count() == 0, "the default branding has no logo"
    assert page.evaluate("() => window.__pwned === undefined")
    assert log.outside == []
    violations = axe(page)
    assert violations == [], quality.format_axe_violations(violations)


def test_the_facilitator_exports_from_the_start_page(page: Page, voila_server: VoilaServer) -> None:
    page.goto(voila_server.page_url("start.ipynb"))
    button = page.get_by_role("button", name="Export findings report")
    button.wait_for()
    with page.expect_download(timeout=120_000) as caught:
        button.click()
    download = caught.value
    assert download.suggested_filename.endswith("-findings.html")
    saved = Path(download.path())
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Summary of findings" in text
    page.wait_for_selector(".sk-export-status :text('The report is ready')")

    with page.expect_download(timeout=60_000) as caught:
        page.get_by_role("button", name="Download the data (zip)").click()
    assert caught.value.suggested_filename.endswith("-findings-data.zip")


def test_the_report_prints_with_a_page_per_section(
    sample_report: tuple[Path, WorkshopState], new_guarded_context: NewContext
) -> None:
    page, log, _ = _open(new_guarded_context, sample_report[0])
    sections = page.locator("main > section").count()
    assert sections == 5
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= sections + 1, "the cover, then each section on pages of its own"
    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all(
        "main > section", "els => els.map(e => getComputedStyle(e).breakBefore)"
    )
    assert breaks == ["page"] * sections
    # In print, charts shrink to the page width instead of scrolling.
    widths = page.eval_on_selector_all(
        ".chart svg", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    body = page.eval_on_selector("main", "e => e.getBoundingClientRect().width")
    assert widths and max(widths) <= body + 1
    assert log.outside == []
