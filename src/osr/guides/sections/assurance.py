"""Sections 15 to 19: security, data protection, suppliers, MyIT, acceptance and transition."""

from __future__ import annotations

import datetime as dt

from ..choices import DpiaStatus
from ..document import NOT_RECORDED, Section, Table, day_text
from ..sources import Sources
from .common import person, section, text, written, yes_no
from .operations import _rehearsals, _requirement_text


def security(src: Sources, today: dt.date) -> Section:
    """15. The security assurance pack (LD-1, PB-1), access, the last penetration test."""
    result = section(15)
    if src.packs:
        latest = src.packs[0]
        pack = f"Version {latest['version']}, dated {day_text(latest['date'])} (verified)"
    else:
        pack = NOT_RECORDED
        result.missing.append("A verified security assurance pack (evidence for LD-1 or PB-1)")
    result.facts += [
        ("Security assurance pack", pack),
        ("Pack completed (LD-1)", _requirement_text(src, "LD-1")),
        ("Pack updated in private beta (PB-1)", _requirement_text(src, "PB-1")),
    ]
    written(
        result,
        src.profile,
        ("access_arrangements", "Access arrangements", "The access arrangements"),
    )
    last = src.profile.get("last_penetration_test")
    result.facts.append(("Last penetration test", day_text(last)))
    if last is None:
        result.missing.append("The date of the last penetration test")
    return result


def data_protection(src: Sources, today: dt.date) -> Section:
    """16. Personal data held, the data owner, the DPIA's status."""
    service, result = src.service, section(16)
    written(
        result,
        src.profile,
        ("personal_data_held", "Personal data held", "What personal data the service holds"),
    )
    status = src.profile.get("dpia_status") or ""
    result.facts += [
        ("Data owner", person(service.data_owner)),
        ("DPIA", DpiaStatus(status).label if status else NOT_RECORDED),
        ("Uses live data", yes_no(service.uses_live_data)),
    ]
    if service.uses_live_data:
        result.facts.append(("Live data used", text(service.live_data_sources)))
    if service.data_owner is None:
        result.missing.append("The data owner (in the catalogue)")
    if not status:
        result.missing.append("The status of the data protection impact assessment")
    elif status in (DpiaStatus.NOT_STARTED, DpiaStatus.IN_PROGRESS):
        result.missing.append("A completed data protection impact assessment")
    return result


def suppliers(src: Sources, today: dt.date) -> Section:
    """17. Suppliers, their contracts and dates (AS-3)."""
    result = section(17)
    names = sorted({c["supplier"] for c in src.components if c["supplier"]})
    result.facts += [
        ("Suppliers", ", ".join(names) or "None: every component is in-house"),
        ("Contracts in place (AS-3)", _requirement_text(src, "AS-3")),
    ]
    result.tables.append(
        Table(
            "Contracts",
            ["Contract", "Supplier", "Starts", "Ends", "Current", "Components covered"],
            [
                [
                    c["reference"],
                    c["supplier"],
                    day_text(c["start"]),
                    day_text(c["end"]),
                    yes_no(c["start"] <= today <= c["end"]),
                    ", ".join(c["components"]),
                ]
                for c in src.contracts
            ],
            empty="No contracts recorded",
        )
    )
    covered = {c["supplier"] for c in src.contracts if c["start"] <= today <= c["end"]}
    for name in names:
        if name not in covered:
            result.missing.append(f"A current contract with {name}")
    return result


def myit(src: Sources, today: dt.date) -> Section:
    """18. MyIT: configuration, support information, queues, data owner (PB-3, PUB-1, LV-1/2)."""
    service, result = src.service, section(18)
    result.facts += [
        ("MyIT record", text(service.myit_record_url)),
        ("Synced from MyIT", "Yes" if src.myit else "Not yet"),
        ("Configuration and support uploaded (PB-3)", _requirement_text(src, "PB-3")),
        ("Everything on MyIT completed (PUB-1)", _requirement_text(src, "PUB-1")),
        ("Data owner in MyIT (LV-1)", _requirement_text(src, "LV-1")),
        ("Support queues populated (LV-2)", _requirement_text(src, "LV-2")),
    ]
    if not service.myit_record_url and not src.myit:
        result.missing.append("The service's MyIT record (a link in the catalogue, or a sync)")
    return result


def acceptance(src: Sources, today: dt.date) -> Section:
    """19. Readiness by gate, the board's outcome and open actions, rehearsals, transition."""
    result = section(19)
    result.facts += [
        (
            f"Readiness: {gate['title'].lower()}",
            "Satisfied" if not gate["open"] else f"Open: {', '.join(gate['open'])}",
        )
        for gate in src.gates
    ]
    result.tables.append(
        Table(
            "Readiness requirements",
            ["Requirement", "Gate", "Status"],
            [[f"{r['id']}: {r['title']}", r["gate"], r["status"]] for r in src.requirements],
            empty="No readiness requirements",
        )
    )
    if src.board_outcomes:
        latest = src.board_outcomes[0]
        board = f"{text(latest.get('outcome'))}, on {day_text(latest.get('date'))}"
        if latest.get("summary"):
            board += f": {latest['summary']}"
    else:
        board = "No review board outcome recorded"
    result.facts += [
        ("Review board outcome", board),
        ("Review board passed (LV-5)", _requirement_text(src, "LV-5")),
    ]
    result.tables.append(
        Table(
            "Open actions from the review board",
            ["Action", "Owner", "Due", "Overdue"],
            [
                [
                    text(a.get("action")),
                    text(a.get("owner")),
                    day_text(a.get("due")),
                    yes_no(bool(a.get("due")) and a["due"] < today),
                ]
                for a in src.actions
            ],
            empty="No open actions",
        )
    )
    result.tables.append(_rehearsals(src, None, "Live service rehearsals"))
    written(
        result,
        src.profile,
        ("knowledge_transfer", "Knowledge transfer", "How knowledge is transferred to support"),
        ("early_life_support", "Early-life support", "The early-life support arrangements"),
    )
    return result
