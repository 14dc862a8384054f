"""The quality checkers themselves: each must pass a good page and catch a bad one, offline.

The Nu HTML Checker starts Java on each call (about a second), so most documents are checked in one run.
axe-core needs Chromium, so its tests are with the browser tests (``tests/browser/test_axe.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import quality

VALID = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Workshop</title></head>
<body><main><h1>Five Whys</h1><p>Why did the hand-over fail?</p></main></body>
</html>
"""

# No <title>, a duplicate id, and a <div> never closed.
BROKEN = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"></head>
<body>
<div id="step">
<p id="step">Hand-over</p>
</body>
</html>
"""

# Valid, with one warning: a script's type attribute that says the default.
WARNED = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Workshop</title>
<script type="text/javascript">document.title = "Workshop";</script></head>
<body><p>Text</p></body>
</html>
"""


# --- the Nu HTML Checker ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """The checker's messages for each document, all from one run of Java, by source."""
    quality.require_html_checker()
    page = tmp_path_factory.mktemp("html") / "broken page.html"
    page.write_text(BROKEN, encoding="utf-8")
    by_source: dict[str, list[dict[str, Any]]] = {
        "<text 1>": [],
        "<text 2>": [],
        "<text 3>": [],
        str(page): [],
    }
    for message in quality.html_messages(VALID, BROKEN, WARNED, page):
        by_source[message["source"]].append(message)
    return by_source


def test_a_valid_document_has_no_messages(checked: dict[str, list[dict[str, Any]]]) -> None:
    assert checked["<text 1>"] == [], quality.format_html_messages(checked["<text 1>"])


def test_a_broken_document_has_the_specific_errors(
    checked: dict[str, list[dict[str, Any]]],
) -> None:
    errors = [(m["line"], m["message"]) for m in checked["<text 2>"] if m["type"] == "error"]

    assert errors == [
        (3, "Element “head” is missing a required instance of child element “title”."),
        (6, "Duplicate ID “step”."),
        (7, "End tag for  “body” seen, but there were unclosed elements."),
        (5, "Unclosed element “div”."),
    ], quality.format_html_messages(checked["<text 2>"])
    duplicate = next(m for m in checked["<text 2>"] if m["message"].startswith("Duplicate"))
    assert duplicate["column"] == 1
    assert '<p id="step">' in duplicate["extract"]


def test_a_file_is_checked_like_text(checked: dict[str, list[dict[str, Any]]]) -> None:
    (file_messages,) = (
        messages for source, messages in checked.items() if source.endswith(".html")
    )
    assert [m["message"] for m in file_messages] == [m["message"] for m in checked["<text 2>"]]


def test_warnings_are_kept_apart_from_errors(checked: dict[str, list[dict[str, Any]]]) -> None:
    (warning,) = checked["<text 3>"]
    assert warning["type"] == "warning"
    assert "“type” attribute is unnecessary" in warning["message"]
    assert warning["line"] == 4


def test_html_errors_takes_a_path_and_filters_warnings_and_ignored(tmp_path: Path) -> None:
    quality.require_html_checker()
    page = tmp_path / "page.html"
    page.write_text(WARNED.replace("<title>Workshop</title>", ""), encoding="utf-8")

    errors = quality.html_errors(str(page))
    warnings = quality.html_errors(page, warnings=True, ignore=["“title”"])

    assert [(m["type"], m["source"]) for m in errors] == [("error", str(page))]
    assert "“title”" in errors[0]["message"]
    assert [(m["type"], m["message"][:10]) for m in warnings] == [("warning", "The “type”")]
    assert quality.format_html_messages(errors).startswith(f"{page}:4:")


def test_a_missing_file_is_an_error_not_a_clean_result(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="No HTML file"):
        quality.html_errors(tmp_path / "absent.html")


# --- telling a missing checker apart ------------------------------------------------------------------


def test_a_missing_checker_is_skipped_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(quality, "VNU_JAR", tmp_path / "vnu.jar")
    monkeypatch.setattr(quality, "AXE_JS", tmp_path / "axe.min.js")
    monkeypatch.setattr(quality.shutil, "which", lambda name: None)
    assert "sudo apt-get install -y default-jre-headless" in (quality.html_checker_missing() or "")
    assert "bootstrap.sh test" in (quality.axe_missing() or "")

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no 'java' command"):
        quality.require_html_checker()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="axe-core is not installed"):
        quality.require_axe()
    with pytest.raises(quality.QualityToolError, match="axe-core is not installed"):
        quality.axe_violations(None)  # type: ignore[arg-type]
    quality.require(None)  # nothing missing: nothing happens
