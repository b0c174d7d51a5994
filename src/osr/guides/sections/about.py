"""Sections 1 to 6: document control, the service, its criticality, parts, dependencies, people."""

from __future__ import annotations

import datetime as dt

from osr.catalogue.choices import SupportHours

from ..document import Section, Table, day_text, lines
from ..sources import Sources
from .common import person, section, text, written, yes_no


def document_control(src: Sources, today: dt.date) -> Section:
    """1. Who approves the guide and how often it is reviewed (the version adds the rest)."""
    result = section(1)
    group = src.service.delivery_group
    months = src.profile.get("review_cycle_months") or 12
    result.facts += [
        ("Review cycle", f"Every {months} month{'s' if months != 1 else ''}"),
        ("Approver: OSR manager", person(group.osr_manager)),
        ("Approver: live services manager", person(group.live_services_manager)),
    ]
    if group.osr_manager is None:
        result.missing.append(f"{group.name} has no OSR manager to approve the guide")
    if group.live_services_manager is None:
        result.missing.append(f"{group.name} has no live services manager to approve the guide")
    return result


def overview(src: Sources, today: dt.date) -> Section:
    """2. Purpose, users, URLs per environment, business processes and phase."""
    service, result = src.service, section(2)
    result.facts += [
        ("Service", service.name),
        ("Delivery group", service.delivery_group.name),
        ("Phase", f"{service.get_phase_display()} since {day_text(service.phase_since)}"),
        ("Purpose", text(service.description)),
        ("Users and their needs", text(service.user_needs_summary)),
    ]
    if not service.description.strip():
        result.missing.append("The service's purpose (its description in the catalogue)")
    if not service.user_needs_summary.strip():
        result.missing.append("Who the users are (the user needs summary in the catalogue)")
    written(
        result,
        src.profile,
        ("business_processes", "Business processes supported", "The business processes supported"),
        ("environment_urls", "URLs per environment", "The service's URLs in each environment"),
    )
    return result


def criticality(src: Sources, today: dt.date) -> Section:
    """3. Critical or not and why, harm if down, whether 24/7 cover is needed."""
    service, result = src.service, section(3)
    always = service.support_hours == SupportHours.ALWAYS
    result.facts.append(("Critical service", yes_no(service.critical)))
    if service.critical:
        result.facts.append(("Why it is critical", text(service.critical_reason)))
        if not service.critical_reason.strip():
            result.missing.append("Why the service is critical (in the catalogue)")
    written(
        result,
        src.profile,
        ("outage_impact", "Harm if the service is unavailable", "The harm if the service is down"),
    )
    cover = "Yes" if service.critical or always else "No"
    result.facts.append(
        ("24/7 cover needed", f"{cover} (support hours: {service.get_support_hours_display()})")
    )
    if service.critical and not always:
        result.missing.append("A critical service needs 24/7 support; its hours are business hours")
    return result


def architecture(src: Sources, today: dt.date) -> Section:
    """4. Components, hosting, suppliers and environments."""
    service, result = src.service, section(4)
    hosting = sorted({c["hosting"] for c in src.components})
    result.facts += [
        ("Technical solution", text(service.technical_solution_summary)),
        ("Hosting", ", ".join(hosting) or "No components recorded"),
        ("Environments", text("\n".join(_environment_names(src.profile.get("environment_urls"))))),
    ]
    result.tables.append(
        Table(
            "Components",
            ["Component", "Kind", "Hosting", "Supplier", "Support group"],
            [
                [
                    c["name"],
                    c["kind"],
                    c["hosting"],
                    c["supplier"] or "In-house",
                    text(c["support_group"]),
                ]
                for c in src.components
            ],
            empty="No components recorded",
        )
    )
    if not service.technical_solution_summary.strip():
        result.missing.append("A summary of the technical solution (in the catalogue)")
    if not src.components:
        result.missing.append("The service's components (in the catalogue)")
    return result


def dependencies(src: Sources, today: dt.date) -> Section:
    """5. What the service consumes, what consumes it, and the impact of each."""
    result, impact = section(5), src.impact
    result.facts.append(
        (
            "Services affected if it fails",
            f"{impact.get('total', 0)}, directly or through others "
            f"({impact.get('live', 0)} live, {impact.get('critical', 0)} critical)",
        )
    )
    result.tables.append(
        Table(
            "What the service depends on",
            [
                "Depends on",
                "Type",
                "Kind",
                "Phase",
                "Critical",
                "Live data",
                "Impact if unavailable",
            ],
            [
                [
                    d["name"],
                    d["type"],
                    d["kind"],
                    d["phase"] or "–",
                    yes_no(d["critical"]),
                    yes_no(d["live_data"]),
                    text(d["impact"]),
                ]
                for d in src.depends_on
            ],
            empty="The service depends on nothing recorded in the catalogue",
        )
    )
    result.tables.append(
        Table(
            "What depends on the service",
            ["Service", "Delivery group", "Phase", "Critical", "Kind", "Live data"],
            [
                [
                    d["name"],
                    d["group"],
                    d["phase"],
                    yes_no(d["critical"]),
                    d["kind"],
                    yes_no(d["live_data"]),
                ]
                for d in src.consumers
            ],
            empty="No service depends on it",
        )
    )
    for d in src.depends_on:
        if not d["impact"]:
            result.missing.append(f"The impact if {d['name']} is unavailable (on the dependency)")
    return result


def contacts(src: Sources, today: dt.date) -> Section:
    """6. The service owner, teams and managers: shared contacts before single people."""
    service, result = src.service, section(6)
    group, team = service.delivery_group, service.delivery_team
    team_text = "Not recorded"
    if team is not None:
        team_text = f"{team.name} ({team.contact_email})" if team.contact_email else team.name
    result.facts += [
        ("Support contact", text(service.support_contact_email)),
        ("Delivery team", team_text),
        ("Service owner", person(service.service_owner)),
        ("Product manager", person(service.product_manager)),
        ("OSR manager", person(group.osr_manager)),
        ("Live services manager", person(group.live_services_manager)),
        ("Data owner", person(service.data_owner)),
    ]
    for value, missing in (
        (service.support_contact_email, "A support contact email address"),
        (team, "The delivery team"),
        (service.service_owner, "The service owner"),
        (group.osr_manager, "The delivery group's OSR manager"),
        (group.live_services_manager, "The delivery group's live services manager"),
        (service.data_owner, "The data owner"),
    ):
        if not value:
            result.missing.append(missing)
    return result


def _environment_names(value: str | None) -> list[str]:
    """‘Production: https://…’ lines name their environment before the colon."""
    names = []
    for line in lines(value or ""):
        name, sep, rest = line.partition(":")
        if sep and rest and not name.lower().startswith("http"):
            names.append(name.strip())
    return names
