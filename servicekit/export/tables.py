"""A workshop's data as tables, and tables as CSV that a spreadsheet opens safely.

Participant text is untrusted and CSV files end up in Excel or similar, where a
cell such as ``=HYPERLINK(...)`` or ``+cmd|...`` would run as a formula. A
leading apostrophe makes the spreadsheet treat the cell as text and is not shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import COUNTERMEASURE_KINDS, WorkshopState

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

__all__ = ["FORMULA_START", "TABLES", "frame_csv", "safe_cell", "workshop_tables"]

#: Excel, LibreOffice and Google Sheets run a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text.

    >>> safe_cell("=1+1"), safe_cell("fine")
    ("'=1+1", 'fine')
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def frame_csv(table: pd.DataFrame) -> str:
    """A data frame as CSV text with every text cell made safe; numbers stay numbers."""
    safe = table.map(lambda v: safe_cell(v) if isinstance(v, str) else v)
    safe.columns = [safe_cell(str(c)) for c in table.columns]
    text: str = safe.to_csv(index=False)
    return text


#: The tables of a workshop, in report order, with their titles.
TABLES = {
    "five_whys_answers": "Five Whys: every answer",
    "countermeasures": "Countermeasures",
    "survey_questions": "Questionnaires: figures per question",
    "journey_steps": "Journey maps: every step",
    "journey_handovers": "Journey maps: every handover",
    "repeated_requests": "Journey maps: information asked more than once",
}


def workshop_tables(state: WorkshopState, *, min_group: int = 3) -> dict[str, pd.DataFrame]:
    """Every table of a workshop as data frames, keyed as in :data:`TABLES`.

    Participant names never appear: answers carry no author, and survey figures respect
    ``min_group`` as the dashboard does.
    """
    import pandas as pd

    from ..analysis.five_whys import summarise, walk
    from ..analysis.journey import handovers, repeated_requests, step_table

    answers, measures = [], []
    for tree in state.trees.values():
        for p in walk(tree):
            n = p.node
            answers.append(
                {
                    "problem": tree.problem,
                    "number": p.number,
                    "answer": n.answer,
                    "evidence": n.evidence,
                    "confidence": n.confidence,
                    "lens": n.lens or "",
                    "root_cause": "yes" if n.root_cause else "no",
                }
            )
        for cm in summarise(tree).measures:
            m = cm.measure
            measures.append(
                {
                    "order": COUNTERMEASURE_KINDS.index(m.kind) + 1,
                    "kind": m.kind.replace("_", " "),
                    "action": m.action,
                    "owner": m.owner,
                    "due": m.due,
                    "cause": cm.answer,
                    "problem": tree.problem,
                }
            )
    questions = []
    if state.surveys:
        from ..analysis.survey import question_stats

        for survey in state.surveys.values():
            for s in question_stats(survey, min_group):
                q = survey.question(s.question)
                questions.append(
                    {
                        "survey": survey.title,
                        "question": q.text,
                        "lens": q.lens or "",
                        "answers": s.n,
                        "mean": s.mean,
                        "median": s.median,
                        "consensus": s.consensus,
                        "widest_gap": s.gap.size if s.gap else None,
                        "gap_between": f"{s.gap.high} / {s.gap.low}" if s.gap else "",
                    }
                )
    steps, joins, repeats = [], [], []
    for journey in state.journeys.values():
        for layer in ("intended", "actual"):
            table = step_table(journey, layer)
            if not table.empty:
                table.insert(0, "layer", layer)
                table.insert(0, "journey", journey.name)
                steps.append(table.drop(columns=["id"]))
            for h in handovers(journey, layer):
                joins.append(
                    {
                        "journey": journey.name,
                        "layer": layer,
                        "position": h.position + 1,
                        "from_team": h.from_team,
                        "to_team": h.to_team,
                        "into_step": h.to_name,
                        "what_travels": "; ".join(h.what_travels),
                        "owner": h.owner,
                        "owned": "yes" if h.owned else "no",
                        "friction": h.friction,
                        "wait_min": h.wait_min,
                    }
                )
        for r in repeated_requests(journey):
            repeats.append(
                {
                    "journey": journey.name,
                    "information": r.label,
                    "times_asked": r.count,
                    "teams": "; ".join(r.teams),
                    "wordings": "; ".join(r.wordings),
                    "steps": "; ".join(r.step_names),
                }
            )
    empty_steps = pd.DataFrame(columns=["journey", "layer"])
    return {
        "five_whys_answers": pd.DataFrame(answers, columns=_ANSWER_COLUMNS),
        "countermeasures": pd.DataFrame(measures, columns=_MEASURE_COLUMNS),
        "survey_questions": pd.DataFrame(questions, columns=_QUESTION_COLUMNS),
        "journey_steps": pd.concat(steps, ignore_index=True) if steps else empty_steps,
        "journey_handovers": pd.DataFrame(joins, columns=_JOIN_COLUMNS),
        "repeated_requests": pd.DataFrame(repeats, columns=_REPEAT_COLUMNS),
    }


_ANSWER_COLUMNS = ["problem", "number", "answer", "evidence", "confidence", "lens", "root_cause"]
_MEASURE_COLUMNS = ["order", "kind", "action", "owner", "due", "cause", "problem"]
_QUESTION_COLUMNS = [
    "survey",
    "question",
    "lens",
    "answers",
    "mean",
    "median",
    "consensus",
    "widest_gap",
    "gap_between",
]
_JOIN_COLUMNS = [
    "journey",
    "layer",
    "position",
    "from_team",
    "to_team",
    "into_step",
    "what_travels",
    "owner",
    "owned",
    "friction",
    "wait_min",
]
_REPEAT_COLUMNS = ["journey", "information", "times_asked", "teams", "wordings", "steps"]
