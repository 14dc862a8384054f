"""A realistic journey map of N steps across T teams, built through the public API, for the benchmarks.

A business customer's journey from first enquiry to support crosses many teams, and a room maps it twice:
as the process documents it (the *intended* layer) and as it really runs (the *actual* layer, started as a
copy of the intended one and then corrected). This module builds such a journey from a seeded random
generator, so every run measures the same map:

* eight stages (enquiry to support) and up to 20 teams, each team working in the stages where it belongs;
* the owning team changes every 1 to 4 steps (35/30/20/15 %), so about one join in two steps; the next
  team is one that works in the step's stage, those with fewer steps so far more likely;
* what a step asks the customer for is worded as people write it: the same phone number is a
  "phone number" here, a "Phone no." there and a "mobile number" further on, and so on for e-mail, date of
  birth, home address, account and order references (45 % of documented steps ask for one to three);
* the documented layer gives most steps a duration (85 %) and a waiting time (70 %), and records the details
  of about half of its joins: what travels, and who owns the join (a third of them: nobody);
* the actual layer is a copy in which 5 % of the steps were dropped, 8 % added (chasing, re-keying, asking
  again, often by another team), 4 % moved, 5 % renamed and 3 % done by another team; then most steps get a friction rating (85 %),
  real waits are often longer, and some steps gain pain points (20 %), workarounds (12 %) and shadow systems
  (10 %); a fifth of the copied join details change, and about half of the new joins are described.

The final actual layer has exactly ``n`` steps. Everything goes through
:class:`~servicekit.workshop.Workshop` intents (``add_journey``, ``add_step``, ``set_handover``,
``copy_layer``, ``remove_step``, ``move_step``, ``edit_step``, ``edit_handover``), so the journal, its
snapshots and the validation are those of a real workshop. That is fast enough: 300 steps take well
under a second (about 900 operations), so no batch or direct construction is needed. Any benchmark that
needs "a 300-step journey" (a report export, a page) can call :func:`build_journey` on its own workshop.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from servicekit.analysis.journey import compare_layers, handovers, repeated_requests
from servicekit.workshop import Workshop

__all__ = ["STAGES", "TEAMS", "JourneyShape", "build_journey"]

STAGES = (
    ("enquiry", "Enquiry"),
    ("quote", "Quote"),
    ("contract", "Contract"),
    ("checks", "Credit and compliance"),
    ("setup", "Account setup"),
    ("install", "Installation"),
    ("billing", "Billing"),
    ("support", "Support"),
)


@dataclass(frozen=True)
class _Team:
    name: str
    stages: frozenset[int]
    actor: str
    channels: tuple[str, ...]
    systems: tuple[str, ...]


def _team(name: str, stages: str, actor: str, channels: str, systems: str) -> _Team:
    return _Team(
        name,
        frozenset(int(s) for s in stages),
        actor,
        tuple(channels.split("|")),
        tuple(systems.split("|")),
    )


#: The teams in the order :func:`build_journey` takes them (the first ``teams`` of them): stages
#: worked in (indexes into :data:`STAGES`), who acts, channels and systems.
TEAMS = (
    _team("Customer", "01234567", "customer", "Web portal|Phone|Email", "Customer portal"),
    _team("Sales", "012", "frontstage", "Phone|Email|Meeting", "CRM|Quote tool"),
    _team("Contact centre", "0267", "frontstage", "Phone|Web chat", "CRM|Telephony"),
    _team("Onboarding", "45", "frontstage", "Email|Phone", "Onboarding tracker|CRM"),
    _team("Billing", "6", "backstage", "Email|Post", "Billing system|ERP"),
    _team("Technical support", "57", "frontstage", "Phone|Remote access", "Ticketing|Monitoring"),
    _team("Credit control", "36", "backstage", "Email", "Credit scoring|ERP"),
    _team("Provisioning", "45", "backstage", "Work queue", "Provisioning system|Inventory"),
    _team("Field engineers", "5", "frontstage", "On site|Phone", "Field service app"),
    _team("Legal", "23", "backstage", "Email", "Contract repository"),
    _team("Pricing desk", "1", "backstage", "Email|Work queue", "Quote tool|Price book"),
    _team("Account management", "267", "frontstage", "Meeting|Email", "CRM"),
    _team("Compliance", "3", "backstage", "Email|Work queue", "Screening service|Case log"),
    _team("Sales operations", "124", "backstage", "Work queue", "CRM|Order management"),
    _team("Network operations", "57", "system", "Monitoring", "Network manager|Ticketing"),
    _team("Logistics", "45", "backstage", "Email|Courier", "Warehouse system"),
    _team("Finance", "36", "backstage", "Email", "ERP"),
    _team("Pre-sales engineering", "15", "backstage", "Meeting|Site visit", "Design tool|CRM"),
    _team("Partner installer", "5", "frontstage", "On site", "Partner portal"),
    _team("Complaints", "7", "frontstage", "Email|Phone", "Case log"),
)

#: What a step asks for: each concept as people word it (the analysis should see one request each).
_ASKS = (
    ("phone number", "Phone no.", "mobile number", "Mobile", "Telephone number"),
    ("email address", "E-mail", "e-mail address", "Email"),
    ("date of birth", "DOB", "Date of birth"),
    ("home address", "Address", "home address (for letters)"),
    ("company registration number", "Company reg. no.", "Registration number"),
    ("bank details", "Bank account details", "Bank details for direct debit"),
    ("account number", "Account no.", "Customer account number"),
    ("order reference", "Order ref.", "Order number"),
    ("installation address", "Site address"),
    ("preferred installation date", "Install date"),
    ("proof of identity", "ID document"),
    ("VAT number", "VAT no."),
)
_ACTIVITIES = {
    "enquiry": (
        "Customer fills in the contact form",
        "Call the customer back",
        "Log the enquiry in the CRM",
        "Qualify the lead",
        "Send the product brochure",
        "Book a discovery call",
        "Check the address is in the coverage area",
        "Pass the lead to the right region",
    ),
    "quote": (
        "Survey the site remotely",
        "Draft the quote",
        "Ask for a discount approval",
        "Price the non-standard items",
        "Review the technical design",
        "Send the quote",
        "Customer asks questions about the quote",
        "Revise the quote",
    ),
    "contract": (
        "Prepare the contract",
        "Customer reviews the terms",
        "Negotiate the liability clause",
        "Collect the signed contract",
        "File the contract",
        "Confirm the order in writing",
        "Create the order",
        "Customer signs the direct debit mandate",
    ),
    "checks": (
        "Run the credit check",
        "Ask for a deposit",
        "Screen the company against sanctions lists",
        "Verify the director's identity",
        "Approve the credit limit",
        "Customer sends proof of identity",
        "Record the compliance decision",
        "Release the order",
    ),
    "setup": (
        "Create the customer account",
        "Set up the billing profile",
        "Reserve the equipment",
        "Configure the service",
        "Send the welcome pack",
        "Agree the installation date",
        "Ship the equipment",
        "Customer creates a portal login",
    ),
    "install": (
        "Confirm the site access details",
        "Engineer visits the site",
        "Install the equipment",
        "Test the connection",
        "Customer signs off the installation",
        "Book a second visit",
        "Activate the service",
        "Close the work order",
    ),
    "billing": (
        "Raise the first invoice",
        "Customer queries the invoice",
        "Apply the agreed discount",
        "Collect the first payment",
        "Send a payment reminder",
        "Issue a credit note",
        "Reconcile the payment",
        "Update the direct debit",
    ),
    "support": (
        "Customer reports a fault",
        "Log the fault ticket",
        "Diagnose the fault remotely",
        "Send an engineer",
        "Update the customer on the fault",
        "Close the ticket",
        "Customer complains about the delay",
        "Review the account at renewal",
    ),
}
_AGAIN = (
    " (second site)",
    " again",
    " for add-ons",
    " for urgent orders",
    " by post",
    " (changes)",
    " for the renewal",
    " (escalated)",
)
_ADDED = (
    "Chase {team} for an update by phone",
    "Re-key the order into the {system}",
    "Check the spreadsheet before replying",
    "Ask the customer for their details again",
    "Email the form as a PDF to {team}",
    "Wait for the weekly batch run",
    "Phone the customer to confirm what was agreed",
    "Print, sign and scan the paperwork",
    "Look the case up in the {system}",
    "Forward the request to {team}",
)
_RENAMED = ("{name} by hand", "{name} (by email)", "{name}, if someone remembers", "{name} twice")
_WAITS = (5, 15, 30, 60, 120, 240, 480, 1440, 2880, 4320, 10080)
_DURATIONS = (2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 240)
_PAIN = (
    "The form is rejected when a field is missing, and nobody says which",
    "Nobody knows who has the case",
    "The customer rings to ask how it is going",
    "Details are typed in twice",
    "Waits for a signature on paper",
    "The system times out halfway through",
    "The information arrives incomplete from the team before",
    "Priorities change every morning",
)
_WORKAROUNDS = (
    "Phone the other team directly",
    "Keep a copy in a personal folder",
    "Email the form as a PDF",
    "Ask the customer to send it again",
    "Skip the check when it is urgent",
    "Use a colleague's login",
)
_SHADOW = (
    "Sales tracker spreadsheet",
    "Shared inbox",
    "Whiteboard in the depot",
    "Personal Excel list",
    "Team chat group",
    "Sticky notes",
)
_TRAVELS = (
    "signed order form",
    "customer contact details",
    "site survey",
    "credit decision",
    "quote PDF",
    "installation date",
    "account number",
    "fault reference",
    "equipment list",
    "special conditions",
)
_JOIN_OWNERS = (
    "Order coordinator",
    "Sales team lead",
    "Onboarding manager",
    "Service desk lead",
    "Account manager",
)


@dataclass
class JourneyShape:
    """What was built: ids, what changed between the layers, and counts from the analysis."""

    journey_id: str
    teams: tuple[str, ...]
    intended: list[str] = field(default_factory=list)  # step ids, documented layer, in order
    actual: list[str] = field(default_factory=list)  # step ids, real layer, in order
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    reassigned: list[str] = field(default_factory=list)
    operations: int = 0
    lanes_used: int = 0
    joins: int = 0
    joins_recorded: int = 0
    joins_owned: int = 0
    repeated: int = 0
    gap_score: float = 0.0

    def describe(self) -> str:
        """One line for the report: size, teams, joins, repeated requests, the gap."""
        return (
            f"{len(self.actual)} steps ({len(self.intended)} documented; {len(self.removed)} dropped, "
            f"{len(self.added)} added, {len(self.moved)} moved, {len(self.renamed)} renamed, "
            f"{len(self.reassigned)} done by another team), "
            f"{self.lanes_used} teams, {len(STAGES)} stages, {self.joins} handovers "
            f"({self.joins_recorded} described, {self.joins_owned} owned), {self.repeated} repeated "
            f"requests, gap score {self.gap_score:.2f}; {self.operations} operations"
        )


def _name(rng: random.Random, stage: str, used: set[str]) -> str:
    base = rng.choice(_ACTIVITIES[stage])
    for name in (base, *(base + tail for tail in rng.sample(_AGAIN, len(_AGAIN)))):
        if name not in used:
            used.add(name)
            return name
    return base  # every variant taken: a real map repeats names too


def _asks(rng: random.Random, k: int) -> list[str]:
    return [rng.choice(words) for words in rng.sample(_ASKS, k)]


def build_journey(
    ws: Workshop, n: int = 300, teams: int = 20, seed: int = 7, journey_id: str | None = None
) -> JourneyShape:
    """Add a journey whose actual layer has ``n`` steps across up to ``teams`` teams; return its shape."""
    if not 1 <= teams <= len(TEAMS):
        raise ValueError(f"teams: {teams!r} is out of range. Pick 1 to {len(TEAMS)}.")
    if n < 10:
        raise ValueError(f"n: {n!r} steps is too few for both layers to differ. Use 10 or more.")
    rng = random.Random(seed)
    chosen = TEAMS[:teams]
    by_name = {t.name: t for t in chosen}
    seq0 = ws.seq
    dropped, extra = round(n * 0.05), round(n * 0.08)
    documented = n - extra + dropped
    jid = ws.add_journey(
        f"Business customer: enquiry to support ({n} steps, {teams} teams)",
        [{"id": sid, "name": name} for sid, name in STAGES],
        [t.name for t in chosen],
        journey_id=journey_id,
    )
    shape = JourneyShape(jid, tuple(t.name for t in chosen))

    # -- the documented layer ----------------------------------------------------------------------
    used: set[str] = set()
    owner: _Team | None = None
    uses: dict[str, int] = {}
    left = 0
    for i in range(documented):
        stage = i * len(STAGES) // documented
        if left == 0:
            others = [t for t in chosen if t is not owner]
            fits = [t for t in others if stage in t.stages] or others or list(chosen)
            # teams with fewer steps so far come up more often, so every lane gets work
            owner = rng.choices(fits, [1 / (1 + uses.get(t.name, 0)) for t in fits])[0]
            uses[owner.name] = uses.get(owner.name, 0) + 1
            left = rng.choices((1, 2, 3, 4), (35, 30, 20, 15))[0]
        left -= 1
        assert owner is not None
        fields: dict[str, Any] = {
            "stage": STAGES[stage][0],
            "owner": owner.name,
            "actor": owner.actor,
            "channel": rng.choice(owner.channels),
            "systems": rng.sample(owner.systems, rng.randint(1, len(owner.systems))),
        }
        if rng.random() < 0.45:
            fields["info_requested"] = _asks(rng, rng.choice((1, 1, 2, 3)))
        if rng.random() < 0.85:
            fields["duration_min"] = float(rng.choice(_DURATIONS))
        if rng.random() < 0.70:
            fields["wait_min"] = float(rng.choice(_WAITS[:8]))
        sid = ws.add_step(jid, "intended", _name(rng, STAGES[stage][0], used), **fields)
        shape.intended.append(sid)
    for h in handovers(ws.journey(jid), "intended"):
        if rng.random() < 0.5:
            ws.set_handover(
                jid,
                "intended",
                h.from_step,
                h.to_step,
                what_travels=rng.sample(_TRAVELS, rng.randint(1, 3)),
                owner=rng.choice(_JOIN_OWNERS) if rng.random() < 0.67 else "",
            )

    # -- the actual layer: a copy, corrected ---------------------------------------------------------
    ws.copy_layer(jid, "intended", "actual")
    copied = {h.key for h in handovers(ws.journey(jid), "actual")}
    for sid in rng.sample(shape.intended[1:], dropped):
        ws.remove_step(jid, "actual", sid)
        shape.removed.append(sid)
    for _ in range(extra):
        after = ws.journey(jid).actual.step(rng.choice(ws.journey(jid).actual.steps).id)
        near = by_name.get(after.owner, chosen[0])
        team = near if rng.random() < 0.5 else rng.choice([t for t in chosen if t is not near])
        name = rng.choice(_ADDED).format(
            team=rng.choice(chosen).name, system=rng.choice(team.systems)
        )
        asks = _asks(rng, rng.choice((1, 2))) if rng.random() < 0.6 else []
        sid = ws.add_step(
            jid,
            "actual",
            name,
            after=after.id,
            stage=after.stage,
            owner=team.name,
            actor=team.actor,
            channel=rng.choice(team.channels),
            info_requested=asks,
            duration_min=float(rng.choice(_DURATIONS[:6])),
            wait_min=float(rng.choice(_WAITS)),
        )
        shape.added.append(sid)
    kept = [s for s in shape.intended if s not in shape.removed]
    for sid in rng.sample(kept, round(n * 0.04)):
        at = ws.journey(jid).actual.index(sid)
        to = max(0, min(n - 1, at + rng.choice((-1, 1)) * rng.randint(1, 8)))
        if to != at:
            ws.move_step(jid, "actual", sid, to)
            shape.moved.append(sid)
    for sid in rng.sample(kept, round(n * 0.05)):
        name = ws.journey(jid).actual.step(sid).name
        ws.edit_step(jid, "actual", sid, name=rng.choice(_RENAMED).format(name=name))
        shape.renamed.append(sid)
    for sid in rng.sample(kept, round(n * 0.03)):
        was = ws.journey(jid).actual.step(sid).owner
        team = rng.choice([t for t in chosen if t.name != was])
        ws.edit_step(jid, "actual", sid, owner=team.name, actor=team.actor)
        shape.reassigned.append(sid)
    for step in ws.journey(jid).actual.steps:
        changes: dict[str, Any] = {}
        if rng.random() < 0.85:
            changes["friction"] = rng.choices(range(6), (8, 22, 26, 22, 14, 8))[0]
        if step.wait_min is None and rng.random() < 0.5:
            changes["wait_min"] = float(rng.choice(_WAITS))
        elif step.wait_min is not None and rng.random() < 0.5:
            changes["wait_min"] = step.wait_min * rng.choice((1.5, 2, 3, 4))
        if rng.random() < 0.20:
            changes["pain_points"] = rng.sample(_PAIN, rng.choice((1, 1, 2)))
        if rng.random() < 0.12:
            changes["workarounds"] = rng.sample(_WORKAROUNDS, 1)
        if rng.random() < 0.10:
            changes["shadow_systems"] = rng.sample(_SHADOW, rng.choice((1, 1, 2)))
        if changes:
            ws.edit_step(jid, "actual", step.id, **changes)
    for h in handovers(ws.journey(jid), "actual"):
        if h.key in copied and h.recorded and rng.random() < 0.2:
            if h.owned and rng.random() < 0.5:  # the named owner has moved on
                ws.edit_handover(jid, "actual", h.from_step, h.to_step, owner="")
            else:
                extra_item = rng.choice([x for x in _TRAVELS if x not in h.what_travels])
                ws.edit_handover(
                    jid,
                    "actual",
                    h.from_step,
                    h.to_step,
                    what_travels=[*h.what_travels, extra_item],
                )
        elif h.key not in copied and rng.random() < 0.5:
            ws.set_handover(
                jid,
                "actual",
                h.from_step,
                h.to_step,
                what_travels=rng.sample(_TRAVELS, rng.randint(1, 2)),
                owner=rng.choice(_JOIN_OWNERS) if rng.random() < 0.5 else "",
            )

    journey = ws.journey(jid)
    assert len(journey.actual.steps) == n, "the actual layer should have exactly n steps"
    shape.actual = [s.id for s in journey.actual.steps]
    shape.operations = ws.seq - seq0
    joins = handovers(journey, "actual")
    shape.lanes_used = len({s.owner for s in journey.actual.steps})
    shape.joins = len(joins)
    shape.joins_recorded = sum(1 for h in joins if h.recorded)
    shape.joins_owned = sum(1 for h in joins if h.owned)
    shape.repeated = len(repeated_requests(journey, "actual"))
    shape.gap_score = compare_layers(journey, "intended", "actual").score
    return shape
