"""Quality checkers for the tests: the Nu HTML Checker and axe-core, both run on this machine, offline.

``scripts/bootstrap.sh test`` installs them from ``tests/tools/package-lock.json`` into
``tests/tools/node_modules``; the Nu HTML Checker also needs Java 17 or newer (Debian's
``default-jre-headless``).

- :func:`html_errors` checks HTML documents (files or text) and returns the checker's errors,
  :func:`html_messages` returns warnings and notes too, :func:`format_html_messages` makes them readable.
- :func:`axe_violations` runs axe-core in a Playwright page and returns its violations.
- :func:`html_checker_missing` and :func:`axe_missing` say why a checker cannot run here;
  :func:`require_html_checker` and :func:`require_axe` skip the calling test for that reason, or fail it in
  CI (the ``CI`` variable is set), where every checker must be present.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = [
    "AXE_JS",
    "VNU_JAR",
    "QualityToolError",
    "axe_missing",
    "axe_violations",
    "format_axe_violations",
    "format_html_messages",
    "html_checker_missing",
    "html_errors",
    "html_messages",
    "require_axe",
    "require_html_checker",
]

TOOLS = Path(__file__).resolve().parent / "tools"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
# vnu.jar holds classes compiled for Java 17.
MIN_JAVA = 17
# Only the quick compiler halves the checker's start (about 1 s instead of 2) and is no slower on a 2 MB
# page; its bigger frames need a bigger stack than vnu's own minimum of 512k.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xss16m")
VNU_TIMEOUT_SECONDS = 300
INSTALL_HINT = "run 'bash scripts/bootstrap.sh test' (as 'make test' does)"
SNIPPET_CHARS = 160


class QualityToolError(RuntimeError):
    """A checker did not run to the end, or could not read a document (not: the document has errors)."""


# --- telling whether a checker can run ----------------------------------------------------------------


@functools.cache
def java_major_version(java: str) -> int | None:
    """The major version of the Java at ``java`` (8 for "1.8.0", 17 for "17.0.15"), or None."""
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if not match:
        return None
    major, minor = int(match[1]), int(match[2] or 0)
    return minor if major == 1 else major


def html_checker_missing() -> str | None:
    """Why the Nu HTML Checker cannot run on this machine, with the fix; None when it can."""
    java = shutil.which("java")
    if java is None:
        return f"The Nu HTML Checker needs Java {MIN_JAVA} or newer and there is no 'java' command: {INSTALL_HINT}, or: sudo apt-get install -y default-jre-headless"
    version = java_major_version(java)
    if version is None or version < MIN_JAVA:
        return f"The Nu HTML Checker needs Java {MIN_JAVA} or newer and {java} is Java {version or 'of unknown version'}: sudo apt-get install -y openjdk-17-jre-headless"
    if not VNU_JAR.is_file():
        return f"The Nu HTML Checker is not installed ({VNU_JAR} is missing): {INSTALL_HINT}"
    return None


def axe_missing() -> str | None:
    """Why axe-core cannot run here, with the fix; None when it can (it also needs a browser page)."""
    if not AXE_JS.is_file():
        return f"axe-core is not installed ({AXE_JS} is missing): {INSTALL_HINT}"
    return None


def require(problem: str | None) -> None:
    """Skip the calling test because of ``problem``; in CI, fail it instead. Nothing when ``problem`` is None."""
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(problem, pytrace=False)
    pytest.skip(problem)


def require_html_checker() -> None:
    """Skip the calling test when the Nu HTML Checker cannot run here (fail it in CI)."""
    require(html_checker_missing())


def require_axe() -> None:
    """Skip the calling test when axe-core is not installed (fail it in CI)."""
    require(axe_missing())


# --- the Nu HTML Checker ------------------------------------------------------------------------------


def html_messages(
    *sources: str | os.PathLike[str], ignore: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Everything the Nu HTML Checker says about one or more HTML documents, in one run of Java.

    Each source is a file (a :class:`~pathlib.Path`, or a string without ``<``) or HTML text (a string
    with ``<``). Each call starts Java (about a second), so pass every document of a test in one call.

    Returns one dict per message: ``type`` ("error", "warning" or "info"), ``message``, ``line`` and
    ``column`` (1-based; ``line`` is None for a message about the whole document), ``extract`` (the text
    around the problem) and ``source`` (the path as given, or ``"<text 1>"``, ``"<text 2>"``... for text).
    Messages matching any of the regular expressions in ``ignore`` are left out (for instance
    ``ignore=["^CSS: "]`` for the CSS that Voila's page bundles from JupyterLab).
    Raises :class:`QualityToolError` when the checker cannot run or cannot read a document.
    """
    if not sources:
        msg = "html_messages() needs at least one file or HTML text to check"
        raise TypeError(msg)
    with tempfile.TemporaryDirectory(prefix="servicekit-vnu-") as tmp:
        files: dict[str, str] = {}  # absolute path checked -> the source as the caller named it
        texts = 0
        for source in sources:
            if isinstance(source, str) and "<" in source:
                texts += 1
                path = Path(tmp, f"text-{texts}.html").resolve()
                path.write_text(source, encoding="utf-8")
                files[str(path)] = f"<text {texts}>"
            else:
                path = Path(source).resolve()
                if not path.is_file():
                    msg = f"No HTML file {str(source)!r} to check (HTML text must contain '<')."
                    raise FileNotFoundError(msg)
                files[str(path)] = str(source)
        problem = html_checker_missing()
        if problem:
            raise QualityToolError(problem)
        output = _run_vnu(list(files))
    patterns = [re.compile(pattern) for pattern in ignore]
    messages = (_message(raw, files) for raw in output)
    return [m for m in messages if not any(p.search(m["message"]) for p in patterns)]


def html_errors(
    *sources: str | os.PathLike[str], warnings: bool = False, ignore: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """The Nu HTML Checker's errors for one or more HTML documents (and its warnings if ``warnings``).

    See :func:`html_messages` for the sources and the dicts returned.
    """
    wanted = {"error", "warning"} if warnings else {"error"}
    messages = html_messages(*sources, ignore=ignore)
    return [message for message in messages if message["type"] in wanted]


def format_html_messages(messages: Iterable[Mapping[str, Any]]) -> str:
    """Messages as ``source:line:column: type: message`` lines with the extract below, for test failures."""
    lines = []
    for m in messages:
        where = ":".join(str(part) for part in (m["source"], m["line"], m["column"]) if part)
        lines.append(f"{where}: {m['type']}: {m['message']}")
        if m["extract"]:
            lines.append(f"    {m['extract']!r}")
    return "\n".join(lines)


def _run_vnu(paths: list[str]) -> list[dict[str, Any]]:
    """The raw JSON messages for ``paths``; --exit-zero-always leaves a non-zero exit to real failures."""
    command = ["java", *JAVA_OPTIONS, "-jar", str(VNU_JAR)]
    command += ["--format", "json", "--stdout", "--exit-zero-always"]
    try:
        result = subprocess.run(
            [*command, *paths],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=VNU_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        msg = f"The Nu HTML Checker took more than {VNU_TIMEOUT_SECONDS} s on {paths}"
        raise QualityToolError(msg) from error
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        report = None
    if result.returncode != 0 or not isinstance(report, dict):
        msg = (
            f"The Nu HTML Checker failed (exit code {result.returncode}): {' '.join(command)} FILE...\n"
            f"--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}"
        )
        raise QualityToolError(msg)
    messages: list[dict[str, Any]] = report.get("messages", [])
    failures = [m for m in messages if m.get("type") == "non-document-error"]
    if failures:
        listing = "; ".join(f"{m.get('url', '?')}: {m.get('message')}" for m in failures)
        msg = f"The Nu HTML Checker could not check every document: {listing}"
        raise QualityToolError(msg)
    return messages


def _message(raw: Mapping[str, Any], files: Mapping[str, str]) -> dict[str, Any]:
    """One of vnu's JSON messages in the shape :func:`html_messages` documents."""
    url = str(raw.get("url", ""))
    path = unquote(url.removeprefix("file:")) if url.startswith("file:") else url
    kind = raw.get("subType") if raw.get("type") == "info" else raw.get("type")
    # vnu leaves out firstLine when the problem starts on lastLine; firstColumn is on the first line.
    line = raw.get("firstLine", raw.get("lastLine"))
    return {
        "type": "warning" if kind == "warning" else str(raw.get("type")),
        "message": raw.get("message", ""),
        "line": line,
        "column": raw.get("firstColumn", raw.get("lastColumn")) if line is not None else None,
        "extract": _shorten(str(raw.get("extract", ""))),
        "source": files.get(path, url),
    }


def _shorten(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


# --- axe-core -----------------------------------------------------------------------------------------

# Runs in the page; returns only what a test message needs, with nodes' HTML shortened.
_AXE_RUN = """
async ([context, options, snippetChars]) => {
    const results = await window.axe.run(context ?? document, options ?? {});
    const short = (text) => text.length > snippetChars ? text.slice(0, snippetChars - 1) + "…" : text;
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target.map(String), html: short(n.html)})),
    }));
}
"""


def axe_violations(
    page: Page,
    impacts: Iterable[str] = ("serious", "critical"),
    *,
    context: str | Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """axe-core's accessibility violations on ``page`` as it is now, of the given impacts.

    Injects ``axe.min.js`` from ``tests/tools/node_modules`` (a local file: no request leaves the page)
    unless the page has it already, then runs ``axe.run(context, options)``; ``context`` is a CSS
    selector or an axe context object (default: the whole document), ``options`` are axe's run options.
    The injected ``<script>`` stays in the page: take ``page.content()`` for the HTML checker first.

    Returns one dict per violated rule whose impact is in ``impacts`` ("minor", "moderate", "serious",
    "critical"): ``id`` (the rule), ``impact``, ``help`` and ``nodes``, each with ``target`` (CSS
    selectors) and ``html`` (the element's HTML as axe gives it, shortened).
    """
    problem = axe_missing()
    if problem:
        raise QualityToolError(problem)
    wanted = set(impacts)
    unknown = wanted - {"minor", "moderate", "serious", "critical"}
    if unknown:
        msg = f"Unknown axe impact(s) {sorted(unknown)!r}: use minor, moderate, serious or critical"
        raise ValueError(msg)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE_JS)
    violations = page.evaluate(_AXE_RUN, [context, options, SNIPPET_CHARS])
    return [v for v in violations if v["impact"] in wanted]


def format_axe_violations(violations: Iterable[Mapping[str, Any]]) -> str:
    """Violations as ``impact rule: help`` lines with each failing element below, for test failures."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']}")
        lines.extend(f"    {' '.join(n['target'])}  {n['html']}" for n in v["nodes"])
    return "\n".join(lines)
