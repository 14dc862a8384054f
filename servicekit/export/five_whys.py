"""Five Whys exports: a Markdown outline to read or paste, and a CSV for spreadsheets.

Deleted branches are left out of both. Participant text is untrusted: in Markdown it
is escaped so it shows as typed, never as HTML, a link, a heading or emphasis; in CSV
a cell a spreadsheet would run as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re

from ..analysis.five_whys import walk
from ..models import Countermeasure, FiveWhys
from .tables import safe_cell

__all__ = ["CSV_COLUMNS", "tree_csv", "tree_markdown"]

# Inline Markdown punctuation (emphasis, code, links, tables, strike-through, maths, attributes).
_INLINE = re.compile(r"([\\`*_\[\]{}|~$#])")
#: The header row of :func:`tree_csv`.
CSV_COLUMNS = (
    "id",
    "parent",
    "depth",
    "path",
    "answer",
    "evidence",
    "confidence",
    "lens",
    "root_cause",
    "countermeasures",
)


def _md(text: str) -> str:
    """Participant text as inert Markdown on one line.

    Whitespace runs (line breaks included) become one space, so the text cannot open a
    block of its own: in the outline it always follows a prefix of ours (``# ``, a bullet
    label, ``Evidence:``, a countermeasure kind). ``&``, ``<`` and ``>`` become entities, so
    no HTML tag or entity survives, and inline Markdown punctuation is backslash-escaped.
    """
    flat = " ".join(text.split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE.sub(r"\\\1", flat)


def _measure_md(measure: Countermeasure) -> str:
    owner = f"owner: {_md(measure.owner)}" if measure.owner.strip() else "no owner yet"
    due = f"due {measure.due}" if measure.due else "no due date"
    kind = measure.kind.replace("_", " ").capitalize()
    return f"{kind}: {_md(measure.action)} ({owner}; {due})"


def tree_markdown(tree: FiveWhys) -> str:
    """The tree as a Markdown outline: the problem as a heading, one nested bullet per answer.

    Each answer shows its outline number, lens and confidence, a **ROOT CAUSE** marker,
    its evidence on a nested line, and under a root cause its countermeasures in the
    order eliminate, move earlier, simplify, automate, with owner and due date.

    Examples
    --------
    >>> from servicekit.models import FiveWhys, WhyNode
    >>> tree = FiveWhys("t", "Orders ship late").with_why(
    ...     WhyNode("a", None, "<b>Stock</b> is *short*", root_cause=True, lens="process")
    ... )
    >>> print(tree_markdown(tree))
    # Orders ship late
    <BLANKLINE>
    - **1** &lt;b&gt;Stock&lt;/b&gt; is \\*short\\* *(process · opinion)* **ROOT CAUSE**
      - Evidence: none recorded
      - Countermeasures: none yet
    <BLANKLINE>
    """
    lines = [f"# {_md(tree.problem)}", ""]
    positions = walk(tree)
    if not positions:
        lines.append("*No answers yet.*")
    for position in positions:
        node, pad = position.node, "  " * position.depth
        tags = f"*({node.lens or 'no lens'} · {node.confidence})*"
        marker = " **ROOT CAUSE**" if node.root_cause else ""
        lines.append(f"{pad[2:]}- **{position.number}** {_md(node.answer)} {tags}{marker}")
        evidence = _md(node.evidence) or "none recorded"
        lines.append(f"{pad}- Evidence: {evidence}")
        measures = tree.measures_for(node.id)
        if measures:
            lines.append(f"{pad}- Countermeasures:")
            lines.extend(f"{pad}  {i}. {_measure_md(m)}" for i, m in enumerate(measures, 1))
        elif node.root_cause:
            lines.append(f"{pad}- Countermeasures: none yet")
    return "\n".join(lines) + "\n"


def _measures_cell(measures: list[Countermeasure]) -> str:
    parts = []
    for m in measures:
        extra = ", ".join(v for v in (m.owner.strip(), m.due) if v)
        parts.append(f"{m.kind}: {m.action}" + (f" ({extra})" if extra else ""))
    return "; ".join(parts)


def tree_csv(tree: FiveWhys) -> str:
    """One row per visible answer, in tree order, with a header row.

    Columns: ``id``, ``parent``, ``depth`` (1 = first why), ``path`` (outline number such
    as ``1.2.1``), ``answer``, ``evidence``, ``confidence``, ``lens``, ``root_cause``
    (``yes``/``no``) and ``countermeasures`` (``kind: action (owner, due)``, joined with
    ``; `` in the order eliminate, move_earlier, simplify, automate). Rows end with
    ``\\r\\n``; save the text as UTF-8 with a byte-order mark (``encoding="utf-8-sig"``)
    so Excel reads accents and emoji correctly.

    Examples
    --------
    >>> from servicekit.models import FiveWhys, WhyNode
    >>> tree = FiveWhys("t", "Orders ship late").with_why(WhyNode("a", None, "=1+1"))
    >>> print(tree_csv(tree).replace("\\r\\n", "\\n"), end="")
    id,parent,depth,path,answer,evidence,confidence,lens,root_cause,countermeasures
    a,,1,1,'=1+1,,opinion,,no,
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for position in walk(tree):
        node = position.node
        row = [
            node.id,
            node.parent or "",
            str(position.depth),
            position.number,
            node.answer,
            node.evidence,
            node.confidence,
            node.lens or "",
            "yes" if node.root_cause else "no",
            _measures_cell(tree.measures_for(node.id)),
        ]
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
