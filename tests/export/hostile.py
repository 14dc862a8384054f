"""A workshop whose every text field holds hostile or awkward text, for export tests.

Markup, event handlers, ``javascript:`` links, broken markup, template syntax, very long
text, right-to-left text with a direction override, emoji and control characters go
into each field a participant or a facilitator can type. A report must show all of it
as text, run none of it, and stay valid.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from servicekit import Workshop, create_workshop, open_workshop
from servicekit.journal import Journal

SCRIPT = "<script>alert('script')</script>"
IMG = "<img src=x onerror=\"alert('img')\">"
ATTRIBUTE = '" onmouseover="alert(\'attr\')" x="'
LINK = "javascript:alert('link')"
BROKEN = "</td></tr></table></section><h1>Broken"
TEMPLATE = "{{ 7*7 }} {% if true %}x{% endif %}"
RTL = "\u202e\u0645\u0631\u062d\u0628\u0627\u202c \u05e2\u05d1\u05e8\u05d9\u05ea"  # Arabic and Hebrew words
EMOJI = "🍞🔥👩🏽‍💻"
ENTITY = "&amp; &lt;b&gt;"
CONTROL = "form\x0bfeed\x02end"
LONG = "Long " + "word " * 900  # about 4,500 characters, under the 5,000 limit of long text

#: What a reader must see, in order of the hostile strings above (control characters dropped).
CORPUS = [SCRIPT, IMG, ATTRIBUTE, LINK, BROKEN, TEMPLATE, RTL, EMOJI, ENTITY]


def text(i: int, short: bool = False) -> str:
    """The i-th hostile string, cycling; short ones fit a 200-character name field."""
    value = [*CORPUS, CONTROL][i % (len(CORPUS) + 1)]
    return value[:200] if short else value


def hostile_workshop(db_path: Path, slug: str = "hostile") -> Workshop:
    """Store a workshop with hostile text in every field; return the facilitator's handle."""
    ws = create_workshop(
        slug, SCRIPT + " " + EMOJI, client=IMG, date="2026-03-04", db=Journal(db_path)
    )
    # Five Whys: problem, answers, evidence, countermeasure action and owner.
    tid = ws.add_tree(f"{BROKEN} {RTL}")
    parent = None
    for i in range(6):
        parent = ws.add_why(
            tid,
            parent,
            text(i),
            evidence=text(i + 1),
            confidence=("fact", "likely", "opinion")[i % 3],
            lens=("people", "process", "systems")[i % 3],
        )
    ws.mark_root_cause(tid, parent)
    ws.add_countermeasure(tid, parent, "simplify", LINK, owner=IMG, due="2026-06-01")
    ws.add_countermeasure(tid, parent, "automate", LONG[:4000], owner=ATTRIBUTE[:200])
    # Questionnaire: lens and question texts, departments, comments, open answers.
    sid = ws.add_survey(
        TEMPLATE,
        [{"id": "people", "title": IMG}, {"id": "process", "title": RTL}],
        [
            {"id": "q1", "text": SCRIPT, "lens": "people", "allow_comment": True},
            {"id": "q2", "text": BROKEN, "lens": "process", "allow_comment": True},
            {"id": "q3", "text": LINK, "kind": "open"},
        ],
        survey_id="s",
    )
    for i in range(8):
        page = open_workshop(slug, db=Journal(db_path), actor=f"p{i}")
        rid = page.add_respondent(sid, department=(EMOJI, ATTRIBUTE[:200])[i % 2])
        page.answer(sid, rid, "q1", 1 + (i * 3) % 5, text(i))
        page.answer(sid, rid, "q2", 1 + i % 5, text(i + 3))
        page.answer(sid, rid, "q3", text(i + 5))
    ws.refresh()
    # Journey: name, stages, teams, every step field, handover details; both layers.
    jid = ws.add_journey(
        RTL,
        [{"id": "a", "name": SCRIPT}, {"id": "b", "name": EMOJI}],
        [IMG, EMOJI],
    )
    steps = []
    for i in range(6):
        steps.append(
            ws.add_step(
                jid,
                "intended",
                text(i, short=True) or "step",
                stage="ab"[i % 2],
                owner=(IMG, EMOJI, ATTRIBUTE[:200])[i % 3],
                channel=text(i + 1, short=True),
                systems=[text(i + 2, short=True)],
                info_requested=[TEMPLATE, "phone number", text(i + 3, short=True)],
                duration_min=10 * (i + 1),
                wait_min=60 * i,
                friction=i % 6,
                pain_points=[text(i + 4)],
                workarounds=[text(i + 5, short=True)],
                shadow_systems=[text(i + 6, short=True)],
                notes=text(i + 7),
            )
        )
    for a, b in itertools.pairwise(steps):
        ws.set_handover(
            jid, "intended", a, b, what_travels=[text(1, True), LINK], owner=BROKEN[:200], notes=IMG
        )
    ws.copy_layer(jid, "intended", "actual")
    ws.add_step(jid, "actual", SCRIPT, owner=RTL, info_requested=["Phone no."], friction=5)
    ws.set_handover(jid, "actual", steps[0], steps[1], owner="")
    return ws
