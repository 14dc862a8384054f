"""axe-core, the accessibility checker, run in Chromium: it must catch a bad page and pass a clean one.

Pages are set from text or opened from a file in guarded contexts; axe-core itself is injected from
``tests/tools/node_modules``, so no request leaves the machine (each test checks the request log).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import quality

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from .harness import RequestLog

pytestmark = pytest.mark.browser

NewContext = Callable[[], tuple["BrowserContext", "RequestLog"]]
Axe = Callable[..., list[dict[str, Any]]]

CLEAN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Step</title></head>
<body><main><h1>Edit a step</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Team lane">
<label for="who">Owner</label> <input id="who" type="text">
<p style="color: #333; background: #fff">Readable text</p>
</main></body></html>
"""

# An image with no text alternative, an input with no label, and grey-on-white text.
BAD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Step</title></head>
<body><main><h1>Edit a step</h1>
<img id="lane" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input id="who" type="text">
<p id="faint" style="color: #ccc; background: #fff">Faint text</p>
</main></body></html>
"""


def test_axe_finds_serious_violations(new_guarded_context: NewContext, axe: Axe) -> None:
    context, log = new_guarded_context()
    page = context.new_page()
    page.set_content(BAD_PAGE)

    violations = axe(page)
    critical = axe(page, impacts=("critical",))

    found = {v["id"]: (v["impact"], [n["target"] for n in v["nodes"]]) for v in violations}
    assert found == {
        "image-alt": ("critical", [["#lane"]]),
        "label": ("critical", [["#who"]]),
        "color-contrast": ("serious", [["#faint"]]),
    }, quality.format_axe_violations(violations)
    assert {v["id"] for v in critical} == {"image-alt", "label"}
    assert all(v["help"] for v in violations)
    assert violations[0]["nodes"][0]["html"].startswith("<")
    assert log.urls == []  # axe came from a local file, the page from text: nothing was fetched
    log.check()


def test_axe_passes_a_clean_page_opened_from_a_file(
    new_guarded_context: NewContext, axe: Axe, tmp_path: Path
) -> None:
    context, log = new_guarded_context()
    page = context.new_page()
    html = tmp_path / "clean.html"
    html.write_text(CLEAN_PAGE, encoding="utf-8")
    page.goto(html.as_uri())

    violations = axe(page, impacts=("minor", "moderate", "serious", "critical"))

    assert violations == [], quality.format_axe_violations(violations)
    assert log.urls == [html.as_uri()]
    log.check()


def test_axe_rejects_an_unknown_impact(new_guarded_context: NewContext, axe: Axe) -> None:
    context, _ = new_guarded_context()
    with pytest.raises(ValueError, match=r"Unknown axe impact\(s\) \['severe'\]"):
        axe(context.new_page(), impacts=("severe",))
