"""Impact and incident contacts as plain text to paste, and as JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from osr.core.jinja import datetime as when

from .impact import Impact
from .incidents import Contact, IncidentContacts


def _person(person: Contact | None) -> dict[str, str] | None:
    return {"name": person.name, "email": person.email} if person else None


def _person_text(person: Contact | None) -> str:
    if person is None:
        return "not assigned"
    return f"{person.name} <{person.email}>" if person.email else person.name


def impact_dict(impact: Impact) -> dict[str, Any]:
    return {
        "service": impact.service.slug,
        "name": impact.service.name,
        "phase": impact.service.phase,
        "affected": [
            {
                "slug": a.service.slug,
                "name": a.service.name,
                "depth": a.depth,
                "via": a.via,
                "phase": a.service.phase,
                "critical": a.service.critical,
                "delivery_group": a.service.delivery_group.name,
                "delivery_team": a.service.delivery_team.name if a.service.delivery_team else None,
                "support_contact_email": a.service.support_contact_email,
            }
            for a in impact.affected
        ],
    }


def impact_text(impact: Impact) -> str:
    service = impact.service
    lines = [f"If {service.name} ({service.get_phase_display().lower()}) changes or fails"]
    if not impact.affected:
        lines.append("No service depends on it.")
        return "\n".join(lines) + "\n"
    lines.append(
        f"{impact.total} services affected, {impact.live_count} live, "
        f"{impact.critical_count} critical"
    )
    for a in impact.affected:
        other = a.service
        team = other.delivery_team.name if other.delivery_team else "no delivery team"
        flags = ", critical" if other.critical else ""
        route = f" via {a.via}" if a.via else " (direct)"
        lines.append(
            f"- depth {a.depth}{route}: {other.name} ({other.get_phase_display().lower()}{flags}) "
            f"– {team} – support {other.support_contact_email or 'not recorded'}"
        )
    return "\n".join(lines) + "\n"


def incident_dict(result: IncidentContacts) -> dict[str, Any]:
    return {
        "service": result.service.slug,
        "name": result.service.name,
        "phase": result.service.phase,
        "live": result.is_live,
        "at": result.at.isoformat(),
        "changes_since": result.since.isoformat(),
        "services": [
            {
                "slug": c.service.slug,
                "name": c.service.name,
                "phase": c.service.phase,
                "reasons": c.reasons,
                "depth": c.depth,
                "via": c.via,
                "changed_recently": bool(c.changes),
                "changes": [
                    {"when": ch.when.isoformat(), "what": ch.what, "by": ch.by} for ch in c.changes
                ],
                "support_contact_email": c.support_contact_email,
                "delivery_team": _person(c.delivery_team),
                "delivery_group": c.delivery_group,
                "osr_manager": _person(c.osr_manager),
                "live_services_manager": _person(c.live_services_manager),
            }
            for c in result.contacts
        ],
    }


def incident_text(result: IncidentContacts) -> str:
    service = result.service
    lines = [
        f"Incident contacts for {service.name} ({service.get_phase_display().lower()})",
        f"As at {when(result.at)}; changes since {when(result.since)}",
    ]
    if not result.is_live:
        lines.append(f"Note: {service.name} is not live.")
    if not result.contacts:
        lines.append(
            "No service in development depends on it, feeds it data or shares a component with it."
        )
        return "\n".join(lines) + "\n"
    lines.append(
        f"{len(result.contacts)} services in development could affect it; "
        f"{len(result.changed_recently)} changed in the last 14 days."
    )
    for number, c in enumerate(result.contacts, start=1):
        other = c.service
        reasons = "; ".join(c.reasons)
        if c.via:
            reasons += f" (through {c.via})"
        team = c.delivery_team
        lines += [
            "",
            f"{number}. {other.name} ({other.get_phase_display().lower()})",
            f"   Why: {reasons}",
            f"   Support contact: {other.support_contact_email or 'not recorded'}",
            f"   Delivery team: {_person_text(team) if team else 'not recorded'}",
            f"   Delivery group: {c.delivery_group}",
            f"   OSR manager: {_person_text(c.osr_manager)}",
            f"   Live services manager: {_person_text(c.live_services_manager)}",
        ]
        if c.changes:
            lines.append("   Changed in the last 14 days:")
            lines += [f"   - {when(ch.when)}: {ch.what} (by {ch.by})" for ch in c.changes]
        else:
            lines.append("   No changes in the last 14 days.")
    return "\n".join(lines) + "\n"
