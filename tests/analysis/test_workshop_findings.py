"""Findings across a workshop: causes by evidence, countermeasures in order, divergences, journeys."""

from __future__ import annotations

from servicekit import Workshop
from servicekit.analysis.workshop import workshop_findings


def test_causes_rank_by_the_weakest_link_and_measures_by_kind(ws: Workshop) -> None:
    t1 = ws.add_tree("Quotes wait 3 days")
    guess = ws.add_why(t1, None, "Managers are away", confidence="opinion")
    under_guess = ws.add_why(t1, guess, "No deputy signs", confidence="fact")
    t2 = ws.add_tree("Invoices go out late")
    fact = ws.add_why(t2, None, "Invoices wait for a PDF export", confidence="fact", lens="systems")
    likely = ws.add_why(t2, None, "Nobody owns the month end", confidence="likely", lens="people")
    for tree, node in ((t1, under_guess), (t2, fact), (t2, likely)):
        ws.mark_root_cause(tree, node)
    ws.add_countermeasure(t2, fact, "automate", "Export on a schedule")
    ws.add_countermeasure(t1, under_guess, "simplify", "One signing limit")
    ws.add_countermeasure(t2, likely, "eliminate", "Drop the second approval")
    found = workshop_findings(ws.state)
    assert [f.cause.answer for f in found.causes] == [
        "Invoices wait for a PDF export",  # fact all the way
        "Nobody owns the month end",  # likely
        "No deputy signs",  # a fact under an opinion counts as an opinion
    ]
    assert [f.measure.measure.kind for f in found.measures] == ["eliminate", "simplify", "automate"]
    assert found.causes_by_lens == {"people": 1, "process": 0, "systems": 1, "untagged": 1}


def test_divergences_leave_out_agreement_and_rank_by_dissent(ws: Workshop) -> None:
    sid = ws.add_survey(
        "Check",
        [{"id": "people", "title": "People"}],
        [
            {"id": "same", "text": "We agree on this", "lens": "people"},
            {"id": "split", "text": "We are split on this", "lens": "people"},
            {"id": "some", "text": "We half agree", "lens": "people"},
        ],
        survey_id="s",
    )
    for dept, split, some in [
        ("Ops", 1, 3),
        ("Ops", 1, 3),
        ("Ops", 1, 4),
        ("Sales", 5, 3),
        ("Sales", 5, 4),
        ("Sales", 5, 4),
    ]:
        rid = ws.add_respondent(sid, department=dept)
        ws.answer(sid, rid, "same", 3)
        ws.answer(sid, rid, "split", split)
        ws.answer(sid, rid, "some", some)
    found = workshop_findings(ws.state)
    assert [d.question for d in found.divergences] == ["split", "some"]
    split = found.divergences[0]
    assert split.consensus == 0.0 and (split.gap_high, split.gap_low, split.gap_size) == (
        "Sales",
        "Ops",
        1.0,
    )
    assert [d.question for d in workshop_findings(ws.state, dissent_from=0.5).divergences] == [
        "split"
    ]


def test_journeys_bring_hotspots_unowned_joins_and_repeats(ws: Workshop) -> None:
    jid = ws.add_journey("Order")
    a = ws.add_step(jid, "actual", "Quote", owner="Sales", info_requested=["phone number"])
    ws.add_step(jid, "actual", "Deliver", owner="Ops", info_requested=["Phone no."], friction=4)
    ws.add_journey("Empty")  # a journey with no steps has nothing to report
    found = workshop_findings(ws.state)
    assert list(found.journeys) == [jid]
    assert [i.item.from_step for i in found.unowned] == [a]
    assert [i.item.count for i in found.repeated] == [2]
    assert found.hotspots[0].item.kind == "handover" and found.hotspots[0].journey_name == "Order"
    assert found.divergences == () and found.causes == ()
