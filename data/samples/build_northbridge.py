"""Build the bundled sample workshop, Northbridge Search, through the public servicekit API.

Northbridge Search is a fictional executive-search firm. Its candidates give the
same personal and career details to three teams in turn (Research, the
consultants, Client Delivery), each team hits its own target, and candidates and
clients experience the whole as disorganised. This script plays one workshop
with the firm: participants join and answer the People / Process / Systems check,
map the candidate journey as documented and as it really runs, sketch one process
privately for the "Making Toast" exercise, and build two Five Whys trees.

Every change goes through the public handle API (``create_workshop``,
``open_workshop`` and the intent methods of ``Workshop``), with one handle per
person so the journal records who did what. The result is written to
``northbridge-search.json`` next to this file, as ``Journal.export`` writes it
(``Journal.import_`` loads it back).

Run from the repository root::

    python data/samples/build_northbridge.py

Node and step ids are random, so each run gives a different file; the committed
JSON is the sample, and this script is how it was made.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run without installing servicekit

from _room import Room, write_sample  # noqa: E402

from servicekit import Workshop, create_workshop  # noqa: E402
from servicekit.journal import Journal  # noqa: E402

SLUG = "northbridge"
OUTPUT = Path(__file__).with_name("northbridge-search.json")

# -- who is in the room ------------------------------------------------------------------------
# (participant id, name, department, role). The facilitator runs the session and is not one.
PARTICIPANTS = [
    ("p-hannah", "Hannah Moyo", "Research", "Senior Researcher"),
    ("p-tom", "Tom Whitfield", "Research", "Research Team Lead"),
    ("p-priya", "Priya Raman", "Consulting", "Partner, Financial Services practice"),
    ("p-daniel", "Daniel Kowalski", "Consulting", "Associate Consultant"),
    ("p-grace", "Grace Ellison", "Client Delivery", "Client Delivery Manager"),
    ("p-leon", "Leon Baptiste", "Client Delivery", "Onboarding Coordinator"),
    ("p-sunita", "Sunita Kaur", "Client Delivery", "Compliance Officer"),
    ("p-marcus", "Marcus Reid", "Operations & IT", "CRM Administrator"),
    ("p-elena", "Elena Fischer", "Finance", "Finance Business Partner"),
]


# ==============================================================================================
# People / Process / Systems check
# ==============================================================================================

LENSES = [
    {
        "id": "people",
        "title": "People",
        "description": "How teams work together and what they are rewarded for.",
    },
    {
        "id": "process",
        "title": "Process",
        "description": "Whether the way a search runs is shared, written down and followed.",
    },
    {
        "id": "systems",
        "title": "Systems",
        "description": "Where candidate details live and whether the numbers can be trusted.",
    },
]

EXCEPTION_BANDS = ["none", "1-2", "3-5", "6-10", "more than 10"]
SYSTEM_BANDS = ["1", "2-3", "4-5", "6-7", "8 or more"]

QUESTIONS = [
    {
        "id": "ppl-collab",
        "lens": "people",
        "kind": "scale",
        "text": "When a candidate moves from one team to the next, the teams sort problems out "
        "together rather than defend their own part.",
    },
    {
        "id": "ppl-outcomes",
        "lens": "people",
        "kind": "scale",
        "text": "I can see how my own work affects whether the candidate and the client have a "
        "good experience.",
    },
    {
        "id": "ppl-incentives",
        "lens": "people",
        "kind": "scale",
        "text": "The targets I am measured on reward getting the whole placement right, not just "
        "my part of it.",
    },
    {
        "id": "proc-consistent",
        "lens": "process",
        "kind": "scale",
        "text": "A search runs the same way whichever researcher, consultant or coordinator picks "
        "it up.",
    },
    {
        "id": "proc-exceptions",
        "lens": "process",
        "kind": "bands",
        "bands": EXCEPTION_BANDS,
        "low_label": "",
        "high_label": "",
        "text": "In a typical search, how many times do you step outside the documented process to "
        "get something done?",
    },
    {
        "id": "proc-docs",
        "lens": "process",
        "kind": "scale",
        "text": "When I need to know how a step should be done, I can find written guidance that "
        "actually helps.",
    },
    {
        "id": "sys-count",
        "lens": "systems",
        "kind": "bands",
        "bands": SYSTEM_BANDS,
        "low_label": "",
        "high_label": "",
        "text": "How many separate systems, spreadsheets and inboxes do one candidate's details "
        "pass through between the first call and the first day?",
    },
    {
        "id": "sys-reconcile",
        "lens": "systems",
        "kind": "scale",
        "text": "I rarely have to re-key or cross-check candidate details between systems by hand.",
    },
    {
        "id": "sys-trust",
        "lens": "systems",
        "kind": "scale",
        "text": "Leaders trust the pipeline and placement reports enough to make decisions from "
        "them.",
    },
    {
        "id": "open-local",
        "lens": None,
        "kind": "open",
        "allow_comment": False,
        "text": "Where does one team's target look good while the firm as a whole does worse?",
    },
    {
        "id": "open-handoffs",
        "lens": None,
        "kind": "open",
        "allow_comment": False,
        "text": "Where does a search most often break when it passes from one team to another, and "
        "what goes missing?",
    },
    {
        "id": "open-design",
        "lens": None,
        "kind": "open",
        "allow_comment": False,
        "text": "If we designed the candidate journey around what the firm needs to place people "
        "well, rather than what each team wants, what would you change first?",
    },
]

# (respondent id, department, role, participant id or None). Respondents without a participant
# answered through the link sent the week before the workshop.
RESPONDENTS = [
    ("r-01", "Research", "Research Team Lead", "p-tom"),
    ("r-02", "Research", "Senior Researcher", "p-hannah"),
    ("r-03", "Research", "Researcher", None),
    ("r-04", "Research", "Researcher", None),
    ("r-05", "Consulting", "Partner", "p-priya"),
    ("r-06", "Consulting", "Associate Consultant", "p-daniel"),
    ("r-07", "Consulting", "Consultant", None),
    ("r-08", "Consulting", "Principal Consultant", None),
    ("r-09", "Client Delivery", "Client Delivery Manager", "p-grace"),
    ("r-10", "Client Delivery", "Onboarding Coordinator", "p-leon"),
    ("r-11", "Client Delivery", "Compliance Officer", "p-sunita"),
    ("r-12", "Operations & IT", "CRM Administrator", "p-marcus"),
    ("r-13", "Operations & IT", "IT Support Analyst", None),
    ("r-14", "Finance", "Finance Business Partner", "p-elena"),
    ("r-15", "Research", "Researcher", None),
    ("r-16", "Research", "Research Associate", None),
    ("r-17", "Consulting", "Consultant", None),
    ("r-18", "Consulting", "Associate Consultant", None),
    ("r-19", "Client Delivery", "Onboarding Coordinator", None),
    ("r-20", "Client Delivery", "Client Delivery Executive", None),
    ("r-21", "Client Delivery", "Referencing Specialist", None),
    ("r-22", "Operations & IT", "Data Analyst", None),
    ("r-23", "Operations & IT", "CRM Support", None),
    ("r-24", "Finance", "Credit Controller", None),
]

# Scale answers run 1 (strongly disagree) to 5 (strongly agree); band answers are the band's index.
# None: left blank. Columns follow RESPONDENTS: the fourteen in the room, then the ten who answered
# through the pre-workshop link (two more each from Research and Consulting, three from Client
# Delivery, two from Operations & IT, one from Finance, which stays under the anonymity threshold).
# fmt: off
#                     Research         Consulting       Client Deliv.  Ops & IT  Finance   (link: R R  C C  CD CD CD  O O  F)
SCORES = {
    "ppl-collab":      [5, 4, 4,    5,  3, 3, 2, 3,     1, 2, 1,       3, 2,     2,   5, 4,  3, 2,  1, 2, 1,  3, 2,  2],
    "ppl-outcomes":    [4, 4, 3,    4,  5, 4, 4, 4,     4, 4, 3,       3, 3,     3,   4, 4,  4, 5,  3, 4, 4,  3, 3,  3],
    "ppl-incentives":  [2, 1, 2,    2,  2, 2, 1, 2,     1, 2, 1,       2, 2,     1,   2, 2,  1, 2,  1, 1, 2,  2, 2,  2],
    "proc-consistent": [4, 4, 3,    4,  2, 3, 2, 2,     1, 1, 2,       2, 3,     2,   4, 3,  2, 2,  1, 2, 1,  3, 2,  2],
    "proc-exceptions": [1, 1, 0,    1,  2, 2, 3, 2,     4, 3, 4,       2, 1,     2,   1, 0,  2, 3,  4, 4, 3,  2, 1,  2],
    "proc-docs":       [2, 2, 1,    2,  2, 1, 2, 2,     2, 2, 1,       3, 2,     2,   2, 1,  2, 2,  1, 2, 1,  2, 3,  2],
    "sys-count":       [1, 1, 1,    2,  2, 2, 3, 2,     3, 3, 4,       1, 1,     2,   1, 1,  2, 3,  4, 3, 3,  1, 2,  2],
    "sys-reconcile":   [4, 3, 4,    4,  2, 1, 2, 2,     1, 1, 1,       3, 4,     2,   4, 4,  2, 2,  1, 1, 2,  4, 3,  2],
    "sys-trust":       [3, 3, None, 4,  4, 4, 3, 4,     2, 2, 2,       2, 1,     1,   3, 4,  4, 3,  2, 1, 2,  2, 2,  1],
}
# fmt: on

# Comments left beside a scale or band answer, by question, then respondent.
COMMENTS = {
    "ppl-collab": {
        "r-01": "We send everything over after the call. What happens next is up to Consulting.",
        "r-09": "We usually hear about a candidate when the offer is going out on Friday.",
        "r-11": "Compliance is the last to know and the first to be blamed for a late start.",
    },
    "proc-consistent": {
        "r-06": "Depends entirely on which partner runs the search.",
    },
    "proc-exceptions": {
        "r-10": "Every offer has something: a missing reference, a salary nobody wrote down.",
    },
    "proc-docs": {
        "r-02": "The process manual is from 2022 and still mentions the old phone system.",
    },
    "sys-count": {
        "r-12": "Officially two: the CRM and DocuSign. I know people use spreadsheets.",
        "r-11": "CRM, two inboxes, my checklist, the offer template, DocuSign, referencing site.",
    },
    "sys-reconcile": {
        "r-07": "I copy my notes into my tracker every evening.",
    },
    "sys-trust": {
        "r-05": "The partner meeting numbers are good. They come from our trackers, not the CRM.",
        "r-14": "Three salary figures for one placement is normal. I invoice from the offer.",
    },
}

OPEN_ANSWERS = {
    "open-local": {
        "r-01": "Calls per day. We hit it every week and consultants still re-interview anyway.",
        "r-06": "Shortlists per month counts the report, not whether the client can act on it.",
        "r-09": "Time-to-offer starts when the shortlist reaches us; the wait before never shows.",
        "r-12": "Every team asks IT for its own report: four versions of 'placements this month'.",
        "r-14": "Fees are forecast from partner trackers; we find the slippage at month end.",
    },
    "open-handoffs": {
        "r-02": "Research to consultant. Notes go by email and nobody confirms they arrived.",
        "r-05": "Shortlist to Client Delivery. They get a PDF and none of the context.",
        "r-10": "Offer to compliance. We forward the signed offer and hope.",
        "r-11": "When the candidate's documents come in over a week in five emails.",
        "r-13": "Whenever someone exports from the CRM into Excel. The data never comes back.",
    },
    "open-design": {
        "r-03": "Ask the candidate once, at the first call, and let everyone read that record.",
        "r-08": "One owner for each candidate from first call to first day.",
        "r-09": "Bring Client Delivery and compliance in at shortlist, not at offer.",
        "r-14": "Record salary once, in one place, with a date against it.",
    },
}


def build_survey(room: Room) -> None:
    facilitator = room("facilitator")
    sid = facilitator.add_survey(
        "People, Process, Systems check", LENSES, QUESTIONS, survey_id="pps-check"
    )

    for column, (rid, department, role, participant) in enumerate(RESPONDENTS):
        # A respondent answers from their own page: as their participant id, or as the respondent
        # when they answered through the pre-workshop link.
        me = room(participant or rid)
        me.add_respondent(
            sid, department=department, role=role, participant=participant, respondent_id=rid
        )
        for qid, values in SCORES.items():
            if values[column] is not None:
                comment = COMMENTS.get(qid, {}).get(rid, "")
                me.answer(sid, rid, qid, values[column], comment)
        for qid, texts in OPEN_ANSWERS.items():
            if rid in texts:
                me.answer(sid, rid, qid, texts[rid])
    # The survey stays open so a demo can add answers live.


# ==============================================================================================
# Candidate journey: intended and actual
# ==============================================================================================

STAGES = [
    {"id": "sourcing", "name": "Sourcing"},
    {"id": "first-call", "name": "First call"},
    {"id": "interview", "name": "Interview"},
    {"id": "shortlist", "name": "Shortlist & client review"},
    {"id": "offer", "name": "Offer"},
    {"id": "onboarding", "name": "Onboarding"},
]
TEAMS = ["Candidate", "Research", "Consulting", "Client Delivery", "Compliance"]
HOUR, DAY = 60, 24 * 60


def build_journey(room: Room) -> None:
    facilitator = room("facilitator")
    jid = facilitator.add_journey(
        "Candidate journey: from first call to first day",
        STAGES,
        TEAMS,
        journey_id="candidate-journey",
    )

    # -- intended: the process as written in Search Process Manual v3 (2022) ----------------------
    def intended(name: str, **fields: object) -> str:
        return facilitator.add_step(jid, "intended", name, **fields)

    approach = intended(
        "Identify and approach candidate",
        stage="sourcing",
        owner="Research",
        actor="frontstage",
        channel="LinkedIn InMail, phone",
        systems=["LinkedIn Recruiter", "Atlas CRM"],
        duration_min=20,
    )
    screen = intended(
        "Screening call; profile saved to the CRM",
        stage="first-call",
        owner="Research",
        actor="frontstage",
        channel="phone",
        systems=["Atlas CRM"],
        info_requested=["phone number", "email address", "current salary", "notice period", "CV"],
        duration_min=30,
    )
    interview = intended(
        "Consultant interview, prepared from the CRM profile",
        stage="interview",
        owner="Consulting",
        actor="frontstage",
        channel="video call",
        systems=["Atlas CRM"],
        info_requested=["motivation for moving", "leadership experience"],
        duration_min=75,
    )
    shortlist = intended(
        "Shortlist report sent to the client",
        stage="shortlist",
        owner="Consulting",
        actor="backstage",
        systems=["Atlas CRM", "Word"],
        duration_min=3 * HOUR,
    )
    client_review = intended(
        "Client interviews and feedback",
        stage="shortlist",
        owner="Client Delivery",
        actor="frontstage",
        channel="email, calendar invitations",
        systems=["Atlas CRM"],
        duration_min=HOUR,
        wait_min=3 * DAY,
    )
    offer = intended(
        "Offer issued to the candidate",
        stage="offer",
        owner="Client Delivery",
        actor="frontstage",
        channel="email",
        systems=["Atlas CRM", "DocuSign"],
        info_requested=["start date"],
        duration_min=45,
    )
    documents = intended(
        "Candidate confirms details and uploads documents once",
        stage="onboarding",
        owner="Candidate",
        actor="customer",
        channel="candidate portal",
        systems=["Candidate portal"],
        info_requested=["right-to-work document", "two referee contacts", "home address"],
        duration_min=20,
    )
    checks = intended(
        "References and right-to-work checks",
        stage="onboarding",
        owner="Compliance",
        actor="backstage",
        systems=["Atlas CRM", "referencing service"],
        duration_min=90,
        wait_min=2 * DAY,
    )
    start = intended(
        "Start date confirmed; placement closed",
        stage="onboarding",
        owner="Client Delivery",
        actor="frontstage",
        channel="email",
        systems=["Atlas CRM"],
        duration_min=15,
    )

    facilitator.set_handover(
        jid,
        "intended",
        screen,
        interview,
        what_travels=[
            "CRM profile with screening notes",
            "CV",
            "salary and notice period",
            "motivation for moving",
        ],
        owner="Research Team Lead",
        notes="Manual section 2.4: Research marks the profile 'ready for interview' and the "
        "consultant is notified.",
    )
    facilitator.set_handover(
        jid,
        "intended",
        shortlist,
        client_review,
        what_travels=["shortlist report", "candidate availability", "client interview slots"],
        owner="Lead consultant on the search",
    )
    facilitator.set_handover(
        jid,
        "intended",
        offer,
        documents,
        what_travels=["signed offer letter", "candidate portal invitation"],
        owner="Client Delivery Manager",
    )
    facilitator.set_handover(
        jid,
        "intended",
        documents,
        checks,
        what_travels=["right-to-work document", "referee contacts"],
        owner="Compliance Officer",
    )
    facilitator.set_handover(
        jid,
        "intended",
        checks,
        start,
        what_travels=["clearance confirmation"],
        owner="Compliance Officer",
    )

    # -- actual: start from the documented map, then the room corrects it -------------------------
    facilitator.refresh()  # copy_layer copies this handle's view of the source layer
    facilitator.copy_layer(jid, "intended", "actual")

    hannah, daniel, priya = room("p-hannah"), room("p-daniel"), room("p-priya")
    grace, leon, sunita, elena, marcus = (
        room("p-grace"),
        room("p-leon"),
        room("p-sunita"),
        room("p-elena"),
        room("p-marcus"),
    )
    actual = "actual"

    hannah.edit_step(
        jid,
        actual,
        approach,
        friction=1,
        workarounds=["InMail replies tracked in the researcher's own Outlook folders"],
    )
    # A step nobody had documented: the CRM asks the candidate for a profile before anyone calls.
    marcus.add_step(
        jid,
        actual,
        "Atlas CRM emails the candidate a 'complete your profile' link",
        index=_index(marcus, jid, screen),
        stage="sourcing",
        owner="Research",
        actor="system",
        channel="automated email",
        systems=["Atlas CRM"],
        info_requested=["mobile number", "current salary", "notice period"],
        friction=2,
        pain_points=[
            "Fewer than 1 in 5 candidates complete it, and nobody looks at the answers of those "
            "who do."
        ],
        notes="Switched on in the 2023 upgrade; not in the process manual.",
    )
    hannah.edit_step(
        jid,
        actual,
        screen,
        duration_min=25,
        friction=2,
        systems=["Atlas CRM (contact fields only)", "Outlook"],
        info_requested=["Phone no.", "email", "current salary", "notice period", "CV"],
        workarounds=[
            "Screening notes typed into an email to the consultant instead of the CRM note form"
        ],
        shadow_systems=["researcher's Outlook"],
        pain_points=[
            "The CRM note form takes 6 to 8 minutes, and that time counts against 25 calls a day."
        ],
    )
    daniel.set_handover(
        jid,
        actual,
        screen,
        interview,
        what_travels=["screening notes in an email, when one is sent", "CV"],
        owner="",
        notes="The manual names the Research Team Lead; in practice nobody checks that the notes "
        "arrive. 31 of 40 Q4 interviews had no notes on the CRM record.",
    )
    daniel.edit_step(
        jid,
        actual,
        interview,
        duration_min=90,
        friction=4,
        info_requested=[
            "mobile number",
            "current package",
            "notice period",
            "reason for leaving",
            "motivation for moving",
        ],
        workarounds=[
            "Consultant asks the screening questions again because the CRM record is not trusted"
        ],
        pain_points=["Candidates say: 'I went through all this with your colleague last week.'"],
    )
    daniel.add_step(
        jid,
        actual,
        "Consultant re-keys interview notes into a personal spreadsheet",
        index=_index(daniel, jid, interview) + 1,
        stage="interview",
        owner="Consulting",
        actor="backstage",
        systems=["Excel"],
        duration_min=25,
        friction=3,
        workarounds=["CRM record left with contact details only"],
        shadow_systems=["consultant's own Excel tracker"],
    )
    priya.edit_step(
        jid,
        actual,
        shortlist,
        friction=2,
        wait_min=DAY,
        systems=["Word", "Excel"],
        shadow_systems=["partner's Excel tracker"],
        notes="The shortlist is built from the partner's tracker; the CRM status is updated "
        "afterwards, if at all.",
    )
    priya.set_handover(
        jid,
        actual,
        shortlist,
        client_review,
        what_travels=["shortlist report as a PDF, emailed to the Client Delivery shared inbox"],
        owner="Lead consultant on the search",
        notes="Contact details, salary and notice period are not in the PDF, so Client Delivery "
        "asks the candidate.",
    )
    grace.edit_step(
        jid,
        actual,
        client_review,
        channel="shared inbox, phone",
        wait_min=5 * DAY,
        friction=3,
        shadow_systems=["Client Delivery shared inbox"],
        pain_points=[
            "Client feedback often reaches the partner by phone and is never written down."
        ],
    )
    leon.add_step(
        jid,
        actual,
        "Client Delivery phones the candidate to confirm details for the offer",
        index=_index(leon, jid, offer),
        stage="offer",
        owner="Client Delivery",
        actor="frontstage",
        channel="phone",
        duration_min=20,
        friction=4,
        info_requested=[
            "phone number",
            "salary expectations",
            "notice period (weeks)",
            "preferred start date",
        ],
        workarounds=["Details typed straight into the Word offer template"],
        pain_points=[
            "The third time the candidate is asked; two candidates in Q4 said it made the firm "
            "look disorganised."
        ],
    )
    leon.edit_step(
        jid,
        actual,
        offer,
        wait_min=DAY,
        friction=2,
        systems=["Word offer template", "DocuSign", "Outlook"],
    )
    leon.set_handover(
        jid,
        actual,
        offer,
        documents,
        what_travels=["signed offer letter", "Word details form, by email"],
        owner="Client Delivery Manager",
        notes="The portal invitation is not sent: the portal never went beyond the 2022 pilot.",
    )
    leon.edit_step(
        jid,
        actual,
        documents,
        name="Candidate fills in the new-starter details form",
        channel="email attachment",
        systems=["Outlook"],
        duration_min=40,
        friction=4,
        info_requested=[
            "Phone number",
            "home address",
            "current salary",
            "notice period",
            "date of birth",
            "two referee contacts",
            "right-to-work document",
        ],
        pain_points=[
            "The form asks for current salary again although the offer is already agreed."
        ],
    )
    sunita.set_handover(
        jid,
        actual,
        documents,
        checks,
        what_travels=["completed form and scans, spread over several emails"],
        owner="",
        notes="Everything lands in the shared compliance inbox; whoever is free picks it up.",
    )
    sunita.edit_step(
        jid,
        actual,
        checks,
        wait_min=9 * DAY,
        friction=5,
        shadow_systems=["shared compliance inbox", "compliance checklist spreadsheet"],
        workarounds=["Officer emails the candidate for each missing document in turn"],
        pain_points=[
            "Checks start only once the offer is signed, so every delay pushes the start date."
        ],
    )
    grace.edit_step(jid, actual, start, friction=2)
    invoice = elena.add_step(
        jid,
        actual,
        "Finance checks base salary and start date before invoicing the fee",
        stage="onboarding",
        owner="Finance",
        actor="backstage",
        channel="email",
        systems=["Sage", "Outlook"],
        duration_min=30,
        wait_min=2 * DAY,
        friction=3,
        shadow_systems=["fee forecast spreadsheet"],
        pain_points=[
            "Salary in the CRM, the tracker and the offer letter often differ; Finance emails "
            "Client Delivery to find out which is right."
        ],
    )
    elena.set_handover(
        jid,
        actual,
        start,
        invoice,
        what_travels=["base salary", "start date", "agreed fee percentage"],
        owner="Finance Business Partner",
    )
    # Finance turned out to be part of the journey: give it its own lane.
    facilitator.set_stages(jid, STAGES, teams=[*TEAMS, "Finance"])


def _index(handle: Workshop, jid: str, step_id: str) -> int:
    """Where a step sits in the actual layer, as this handle last saw it."""
    handle.refresh()
    return handle.journey(jid).actual.index(step_id)


# ==============================================================================================
# Making Toast: four people map one process on their own
# ==============================================================================================

TOAST = {
    "p-leon": [
        ("Candidate says yes to the consultant on the phone", "Consulting", "frontstage"),
        ("Consultant emails me 'offer accepted'", "Consulting", "backstage"),
        ("Send offer letter and details form through DocuSign", "Client Delivery", "frontstage"),
        ("Chase the signed letter", "Client Delivery", "frontstage"),
        ("Forward the signed offer to the compliance inbox", "Client Delivery", "backstage"),
        ("Agree the start date with the client's HR team", "Client Delivery", "frontstage"),
        ("Send the welcome pack", "Client Delivery", "frontstage"),
    ],
    "p-daniel": [
        ("Verbal acceptance on the phone", "Consulting", "frontstage"),
        ("Mark the candidate 'placed' in my tracker", "Consulting", "backstage"),
        ("Call the client and agree the start date", "Consulting", "frontstage"),
        (
            "Counter-offer call: check the candidate's current employer has not matched",
            "Consulting",
            "frontstage",
        ),
        ("Hand the paperwork over to Client Delivery", "Consulting", "backstage"),
        ("Placement closed", "Consulting", "backstage"),
    ],
    "p-sunita": [
        ("Signed offer arrives in the compliance inbox", "Compliance", "backstage"),
        ("Send the document checklist to the candidate", "Compliance", "frontstage"),
        ("Check passport and right to work", "Compliance", "backstage"),
        ("Take up two references", "Compliance", "backstage"),
        ("Chase whatever is still missing", "Compliance", "frontstage"),
        ("Confirm clearance to Client Delivery", "Compliance", "backstage"),
    ],
    "p-elena": [
        ("Hear about the placement at the Monday pipeline meeting", "Finance", "backstage"),
        ("Ask Client Delivery for base salary and start date", "Finance", "backstage"),
        ("Wait for compliance clearance", "Finance", "backstage"),
        ("Raise the completion fee invoice", "Finance", "backstage"),
        ("Update the fee forecast spreadsheet", "Finance", "backstage"),
    ],
}


def build_making_toast(room: Room) -> None:
    facilitator = room("facilitator")
    jid = facilitator.add_journey(
        "Making Toast: what happens when a candidate accepts an offer",
        teams=[*TEAMS, "Finance"],
        journey_id="offer-accepted",
    )
    for pid, steps in TOAST.items():
        me = room(pid)
        for name, owner, actor in steps:
            me.add_step(jid, f"private:{pid}", name, owner=owner, actor=actor)


# ==============================================================================================
# Five Whys
# ==============================================================================================


def build_five_whys(room: Room) -> None:
    facilitator = room("facilitator")

    # -- tree 1: the same details, three times ----------------------------------------------------
    t1 = facilitator.add_tree(
        "Candidates give the same personal and career details at three separate points - the "
        "research call, the consultant interview and the offer - in 9 of the last 12 placements "
        "(candidate feedback survey, July to September 2025, question 3).",
        tree_id="repeat-details",
    )

    daniel, hannah, tom = room("p-daniel"), room("p-hannah"), room("p-tom")
    priya, grace, leon, marcus = room("p-priya"), room("p-grace"), room("p-leon"), room("p-marcus")

    # Branch A: the consultant asks again at interview.
    a = daniel.add_why(
        t1,
        None,
        "Consultants do not use the research notes, so they ask the screening questions again at "
        "interview.",
        evidence="CRM audit, January 2026: 31 of the 40 candidates interviewed in Q4 had no "
        "screening notes on their CRM record.",
        confidence="fact",
        lens="process",
    )
    a1 = hannah.add_why(
        t1,
        a,
        "Researchers send their screening notes to the consultant by email rather than saving them "
        "on the CRM record.",
        evidence="Sample of 30 research-to-consultant handovers in December 2025: 26 were emails "
        "with notes in the body, 4 were CRM notes.",
        confidence="fact",
        lens="process",
    )
    a1a = tom.add_why(
        t1,
        a1,
        "The research team is measured on screening calls per day, and time spent on the CRM note "
        "form counts against it.",
        evidence="Research KPI pack 2025: target of 25 calls a day; CRM note completion is not "
        "measured. Tom in the session: 'If I log every call properly I make 18, and 18 is a bad "
        "day.'",
        confidence="fact",
        lens="people",
    )
    marcus.add_why(
        t1,
        a1,
        "The CRM screening form has 41 fields and takes 6 to 8 minutes to complete; consultants "
        "read only a handful of them.",
        evidence="Field count by Marcus on the live form. Timing from Hannah's own log of 10 "
        "calls. Daniel and Priya say they read salary, notice period, motivation and any red "
        "flags.",
        confidence="likely",
        lens="systems",
    )
    a2 = daniel.add_why(
        t1,
        a,
        "Consultants do not trust the CRM candidate record, so they start from a blank page.",
        evidence="4 of 6 consultants said so in pre-workshop interviews. CRM audit: 18% of mobile "
        "numbers on records touched in 2025 no longer connect.",
        confidence="likely",
        lens="systems",
    )
    a2a = daniel.add_why(
        t1,
        a2,
        "Nobody owns the quality of candidate data, so wrong details are never corrected.",
        evidence="Daniel's view, shared by two others in the room. Not yet checked against role "
        "descriptions or the data protection policy.",
        confidence="opinion",
        lens="process",
    )
    a2b = priya.add_why(
        t1,
        a2,
        "Each consultant keeps live notes in a personal Excel tracker, and partners run shortlist "
        "meetings from the trackers instead of the CRM.",
        evidence="Priya's tracker holds 212 candidates across 14 live searches. The last four "
        "Financial Services shortlist meetings were run from it.",
        confidence="fact",
        lens="people",
    )
    marcus.add_why(
        t1,
        a2b,
        "The CRM has not shown a pipeline view of a search on one page since the 2023 upgrade.",
        evidence="Marcus: the pipeline view was switched off to speed up the upgraded CRM and was "
        "never switched back on. Vendor release notes to be checked.",
        confidence="likely",
        lens="systems",
    )

    # Branch B: Client Delivery collects the details again.
    b = leon.add_why(
        t1,
        None,
        "Client Delivery collects the details again at offer stage because it works from its own "
        "offer form, not from the CRM record.",
        evidence="Leon compared the forms on 3 February 2026: 15 of the 22 fields on offer form v5 "
        "repeat fields on the CRM screening form.",
        confidence="fact",
        lens="process",
    )
    b1 = grace.add_why(
        t1,
        b,
        "The offer form was designed for the client contract and the compliance file, without "
        "looking at what Research already captures.",
        evidence="Grace: the form was written in 2021 when Client Delivery was set up; nobody from "
        "Research or Consulting reviewed it.",
        confidence="likely",
        lens="process",
    )
    b1a = tom.add_why(
        t1,
        b1,
        "There is no agreed list of what must travel with a candidate from one team to the next.",
        evidence="Process manual v3 (2022) has no handover standard. Asked separately in the "
        "session, the three team leads wrote three different lists (7, 11 and 4 items).",
        confidence="fact",
        lens="process",
    )
    # This branch stops at a symptom: the room ran out of time before asking why again.
    leon.add_why(
        t1,
        b,
        "Client Delivery cannot open the consultants' spreadsheets, so it cannot check what the "
        "candidate has already said.",
        evidence="Leon: 'I ask for the spreadsheet and get a screenshot of one row.' Trackers sit "
        "in personal OneDrive folders.",
        confidence="fact",
        lens="systems",
    )

    for node in (a1a, a2a, b1a):
        facilitator.mark_root_cause(t1, node)

    # Countermeasures agreed in the vote: remove first, then move earlier, simplify, and only
    # then automate.
    facilitator.add_countermeasure(
        t1,
        b1a,
        "eliminate",
        "Remove the 15 offer-form fields that repeat the screening record; Client Delivery reads "
        "them from the CRM instead.",
        owner="Grace Ellison",
        due="2026-03-31",
    )
    facilitator.add_countermeasure(
        t1,
        b1a,
        "move_earlier",
        "Ask about right to work and notice period once, at the research call, and record them on "
        "the CRM record.",
        owner="Tom Whitfield",
        due="2026-03-16",
    )
    facilitator.add_countermeasure(
        t1,
        b1a,
        "simplify",
        "Agree a one-page 'what travels with a candidate' standard, signed off by the Research, "
        "Consulting and Client Delivery leads.",
        owner="Priya Raman",
        due="2026-02-27",
    )
    # Proposed before the standard above exists: the process it would automate is not settled.
    facilitator.add_countermeasure(
        t1,
        b1a,
        "automate",
        "Fill the offer form automatically from the CRM record through the vendor's integration "
        "module.",
        owner="Marcus Reid",
        due="2026-04-30",
    )
    facilitator.add_countermeasure(
        t1,
        a1a,
        "simplify",
        "Replace the calls-per-day target with candidates handed over with complete notes per "
        "week; trial it with two researchers for a month.",
        owner="Tom Whitfield",
        due="2026-03-31",
    )
    facilitator.add_countermeasure(
        t1,
        a2a,
        "move_earlier",
        "Read back phone number and email to the candidate at the research call and mark them as "
        "checked on the record.",
        owner="Hannah Moyo",
        due="2026-03-16",
    )

    # -- tree 2: signed offers waiting for compliance ---------------------------------------------
    t2 = facilitator.add_tree(
        "Signed offers wait a median of 9 working days for reference and right-to-work clearance "
        "before a start date can be confirmed (placements closed October 2025 to January 2026).",
        tree_id="offer-stall",
    )
    sunita = room("p-sunita")
    c1 = sunita.add_why(
        t2,
        None,
        "Reference and right-to-work checks start only after the offer is signed.",
        evidence="Compliance log, Q4 2025: on average checks were opened 1.5 working days after "
        "signature; none was opened before it.",
        confidence="fact",
        lens="process",
    )
    c1a = leon.add_why(
        t2,
        c1,
        "Compliance hears about a candidate only when Client Delivery forwards the signed offer to "
        "the shared compliance inbox.",
        evidence="Shared compliance inbox: all 14 check requests in Q4 arrived as forwarded offer "
        "emails.",
        confidence="fact",
        lens="process",
    )
    c1b = marcus.add_why(
        t2,
        c1a,
        "Compliance work is not visible in the CRM, so nobody earlier in the search can see which "
        "checks a candidate will need.",
        evidence="Compliance has no CRM licence; its status lives in a checklist spreadsheet. "
        "Licence invoice for 2025 to be confirmed.",
        confidence="likely",
        lens="systems",
    )
    grace.add_why(
        t2,
        c1,
        "Client Delivery holds the checks back until signature in case the offer falls through and "
        "the referencing fee is wasted.",
        evidence="Referencing service charges GBP 45 per candidate; 2 of the 14 offers made in Q4 "
        "fell through before signature.",
        confidence="likely",
        lens="process",
    )
    c2 = sunita.add_why(
        t2,
        None,
        "Candidates send their documents in several rounds because the request reaches them piece "
        "by piece.",
        evidence="Q4 sample of 12 candidates: 3.2 emails each to collect documents, with gaps of 2 "
        "to 4 days between rounds (email timestamps).",
        confidence="fact",
        lens="process",
    )
    c2a = sunita.add_why(
        t2,
        c2,
        "Each compliance officer works from their own version of the document checklist.",
        evidence="Three different checklists on the shared drive, dated 2022, 2024 and 2025.",
        confidence="fact",
        lens="people",
    )
    for node in (c1b, c2a):
        facilitator.mark_root_cause(t2, node)
    facilitator.add_countermeasure(
        t2,
        c1b,
        "move_earlier",
        "Open right-to-work and reference checks at shortlist for any candidate the client invites "
        "to a second interview.",
        owner="Sunita Kaur",
        due="2026-04-15",
    )
    facilitator.add_countermeasure(
        t2,
        c2a,
        "simplify",
        "Merge the three checklists into one and send the whole list to the candidate in a single "
        "request.",
        owner="Sunita Kaur",
        due="2026-03-06",
    )


# ==============================================================================================


def build(db: Path) -> dict:
    """Play the whole workshop into the database ``db``; return its export."""
    facilitator = create_workshop(
        SLUG,
        "Northbridge Search: where the candidate journey breaks",
        client="Northbridge Search (fictional)",
        date="2026-02-12",
        join_code="NBS2026",
        db=db,
        actor="facilitator",
    )
    room = Room(db, facilitator)
    try:
        # Each person joins from their own phone with the join code.
        for pid, name, department, role in PARTICIPANTS:
            room(pid).join(name, department, role, participant_id=pid)
        build_survey(room)  # answered first: the results open the discussion
        build_journey(room)
        build_making_toast(room)
        build_five_whys(room)  # on the handovers the map showed to hurt most
    finally:
        room.close()
    with Journal(db) as journal:
        return journal.export(SLUG)


def main() -> None:
    write_sample(build, OUTPUT, ROOT)


if __name__ == "__main__":
    main()
