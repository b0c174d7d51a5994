"""Impact and incident contacts as plain text to paste, and as JSON-ready dicts."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from osr.core.jinja import datetime as when
from osr.core.spreadsheet import InertWriter

from .impact import Affected, Impact, Named, Summary
from .incidents import Contact, IncidentContacts, absolute
from .suspects import Suspect


def _person(person: Contact | None) -> dict[str, str] | None:
    if person is None:
        return None
    return {
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "out_of_hours": person.out_of_hours,
        "url": person.url,
    }


def _person_text(person: Contact | None) -> str:
    """One line to paste: name, email, phone and out-of-hours cover, as far as recorded."""
    if person is None:
        return "not assigned"
    parts = [f"{person.name} <{person.email}>" if person.email else person.name]
    if person.phone:
        parts.append(f"tel {person.phone}")
    if person.out_of_hours:
        parts.append(f"out of hours: {person.out_of_hours}")
    return ", ".join(parts)


def affected_dict(a: Affected) -> dict[str, Any]:
    other = a.service
    return {
        "slug": other.slug,
        "name": other.name,
        "depth": a.depth,
        "via": a.via,
        "phase": other.phase,
        "critical": other.critical,
        "uses_live_data": other.uses_live_data,
        "delivery_group": other.delivery_group.name,
        "delivery_team": other.delivery_team.name if other.delivery_team else None,
        "support_contact_email": other.support_contact_email,
    }


def summary_dict(summary: Summary) -> dict[str, Any]:
    return {
        "total": summary.total,
        "by_phase": summary.by_phase,
        "live": summary.live,
        "critical": summary.critical,
        "live_and_critical": summary.live_and_critical,
        "live_data_flows": summary.live_data_flows,
        "nearest_live_data_flows": [
            {"from": f.source.slug, "to": f.target.slug, "kind": f.kind} for f in summary.flows
        ],
        "routes_to_critical_live": [[step.slug for step in route] for route in summary.routes],
    }


def impact_dict(impact: Impact) -> dict[str, Any]:
    """The summary and one page of the affected services, as the API and ``--json`` give it."""
    return {
        "service": impact.service.slug,
        "name": impact.service.name,
        "phase": impact.service.phase,
        "summary": summary_dict(impact.summary),
        "count": impact.total,
        "page": impact.number,
        "pages": impact.pages,
        "results": [affected_dict(a) for a in impact.affected],
    }


def _route_text(route: list[Named]) -> str:
    return " → ".join(step.name for step in route)


def summary_text(impact: Impact) -> str:
    """The summary to paste: counts, live-data flows and routes to critical live services."""
    service, summary = impact.service, impact.summary
    lines = [f"If {service.name} ({service.get_phase_display().lower()}) changes or fails"]
    if not summary.total:
        lines.append("No service depends on it.")
        return "\n".join(lines) + "\n"
    phases = ", ".join(
        f"{count} {phase.replace('_', ' ')}" for phase, count in summary.by_phase.items() if count
    )
    lines += [
        f"{summary.total} services affected, {summary.live} live, {summary.critical} critical, "
        f"{summary.live_and_critical} both",
        f"By phase: {phases}",
        f"Live data flows among them: {summary.live_data_flows}",
        *(f"- {f.source.name} → {f.target.name} ({f.kind.replace('_', ' ')})"
          for f in summary.flows),
    ]  # fmt: skip
    if summary.routes:
        lines.append("Nearest critical live services:")
        lines += [f"- {_route_text(route)}" for route in summary.routes]
    return "\n".join(lines) + "\n"


def affected_line(a: Affected) -> str:
    other = a.service
    team = other.delivery_team.name if other.delivery_team else "no delivery team"
    flags = ", critical" if other.critical else ""
    route = f" via {a.via}" if a.via else " (direct)"
    return (
        f"- depth {a.depth}{route}: {other.name} ({other.get_phase_display().lower()}{flags}) "
        f"– {team} – support {other.support_contact_email or 'not recorded'}"
    )


def impact_text(impact: Impact) -> str:
    """The summary, then the page of affected services, what matters most first."""
    text = summary_text(impact)
    if not impact.affected:
        return text
    last = impact.first_shown + len(impact.affected) - 1
    lines = [f"Services {impact.first_shown} to {last} of {impact.total}, what matters most first:"]
    lines += [affected_line(a) for a in impact.affected]
    if impact.has_next:
        lines.append("(--all lists every one, --page N another page)")
    return text + "\n".join(lines) + "\n"


IMPACT_CSV_HEADER = [
    "slug", "name", "phase", "critical", "uses_live_data", "depth", "via",
    "delivery_group", "delivery_team", "support_contact_email",
]  # fmt: skip


def impact_csv(chunks: Iterable[list[Affected]]) -> Iterator[str]:
    """The affected services as CSV, a chunk of lines at a time, each cell kept inert."""
    out = io.StringIO()
    writer = InertWriter(out)
    writer.writerow(IMPACT_CSV_HEADER)
    for chunk in chunks:
        for a in chunk:
            row = affected_dict(a)
            writer.writerow([row[column] for column in IMPACT_CSV_HEADER])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


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
                "url": c.url,
                "phase": c.service.phase,
                "reasons": c.reasons,
                "dependencies": c.links,
                "depth": c.depth,
                "via": c.via,
                "changed_recently": bool(c.changes),
                "changes": [
                    {"when": ch.when.isoformat(), "what": ch.what, "by": ch.by} for ch in c.changes
                ],
                "support_contact_email": c.support_contact_email,
                "support_hours": c.support_hours,
                "service_owner": _person(c.service_owner),
                "product_manager": _person(c.product_manager),
                "delivery_team": _person(c.delivery_team),
                "delivery_group": c.delivery_group,
                "osr_manager": _person(c.osr_manager),
                "live_services_manager": _person(c.live_services_manager),
            }
            for c in result.contacts
        ],
        "suspect_changes": [suspect_dict(s) for s in result.suspects],
    }


def suspect_dict(suspect: Suspect) -> dict[str, Any]:
    change = suspect.change
    return {
        "service": suspect.service.slug,
        "name": suspect.service.name,
        "when": change.when.isoformat(),
        "summary": change.summary,
        "reference": change.reference,
        "route": change.route,
        "url": change.url,
        "depth": suspect.depth,
        "live_data": suspect.live_data,
        "reasons": suspect.reasons,
        "support_contact_email": suspect.support_contact_email,
        "service_owner": _person(suspect.service_owner),
        "delivery_team": _person(suspect.delivery_team),
        "osr_manager": _person(suspect.osr_manager),
    }


def suspect_lines(suspects: list[Suspect]) -> list[str]:
    """The recent changes that could have caused the incident, most likely first."""
    if not suspects:
        return ["No change in its blast radius was recorded in the last 14 days."]
    noun = "change" if len(suspects) == 1 else "changes"
    lines = [f"{len(suspects)} {noun} in its blast radius in the last 14 days, most likely first:"]
    for number, s in enumerate(suspects, start=1):
        change = s.change
        reference = f"{change.reference}: " if change.reference else ""
        lines += [
            f"{number}. {when(change.when)} {reference}{change.summary} ({s.service.name})",
            f"   Why: {'; '.join(s.reasons)}",
            f"   Call: support {s.support_contact_email or 'not recorded'}; service owner "
            f"{_person_text(s.service_owner)}; OSR manager {_person_text(s.osr_manager)}",
        ]
        if change.url:
            lines.append(f"   {change.url}")
    return lines


def incident_text(result: IncidentContacts) -> str:
    service = result.service
    lines = [
        f"Incident contacts for {service.name} ({service.get_phase_display().lower()})",
        absolute(service.get_absolute_url()),
        f"As at {when(result.at)}; changes since {when(result.since)}",
    ]
    if not result.is_live:
        lines.append(f"Note: {service.name} is not live.")
    lines += ["", *suspect_lines(result.suspects), ""]
    if not result.contacts:
        lines.append(
            "No service in development depends on it, feeds it data or shares a component with it."
        )
        return "\n".join(lines) + "\n"
    lines.append(
        f"{len(result.contacts)} service{'' if len(result.contacts) == 1 else 's'} in development "
        "could affect it; "
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
            f"{number}. {other.name} ({other.get_phase_display().lower()}) {c.url}",
            f"   Why: {reasons}",
            *(f"   How: {link}" for link in c.links),
            f"   Support contact: {other.support_contact_email or 'not recorded'}"
            f" ({c.support_hours.lower()})",
            f"   Service owner: {_person_text(c.service_owner)}",
            f"   Product manager: {_person_text(c.product_manager)}",
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
