"""Sections 7 to 14: how the service is supported, measured, recovered and scaled."""

from __future__ import annotations

import datetime as dt

from osr.catalogue.choices import SupportHours

from ..document import NOT_RECORDED, Section, Table, day_text
from ..profile import duration_text
from ..sources import Sources
from .common import section, text, url_list, written


def _requirement_text(src: Sources, requirement_id: str) -> str:
    """A requirement's status. Not its reason: some reasons name a date counted back from
    today, which would make every approved guide out of date the next day."""
    found = src.requirement(requirement_id)
    if found is None:
        return NOT_RECORDED
    return f"{found['status']} ({requirement_id})"


def support(src: Sources, today: dt.date) -> Section:
    """7. Support tiers, queues, ticket assignment, in-hours and out-of-hours cover, on-call."""
    service, result = src.service, section(7)
    always = service.support_hours == SupportHours.ALWAYS
    result.facts.append(("Support hours", service.get_support_hours_display()))
    need_cover = "Out-of-hours cover" if always or service.critical else ""
    need_on_call = "On-call arrangements" if always or service.critical else ""
    written(
        result,
        src.profile,
        ("support_tiers", "Support tiers", "The support tiers"),
        ("out_of_hours_cover", "Out-of-hours cover", need_cover),
        ("on_call", "On-call", need_on_call),
    )
    result.facts += [
        ("Ticket assignment in MyIT", _requirement_text(src, "PB-2")),
        ("Support queues in MyIT", _requirement_text(src, "LV-2")),
    ]
    queues = [
        g for g in (src.myit or {}).get("groups", []) if g.get("role") in ("support", "queue")
    ]
    result.tables.append(
        Table(
            "Support queues",
            ["Queue", "In MyIT", "Members"],
            [
                [
                    str(q.get("name", "")),
                    "Yes" if q.get("sys_id") else "No",
                    # A sync keeps how many members a queue has, not who they are.
                    str(q.get("members") or 0),
                ]
                for q in queues
            ],
            empty="No support queues synced from MyIT",
        )
    )
    return result


def service_levels(src: Sources, today: dt.date) -> Section:
    """8. Availability target, service level objectives, supplier targets, how measured."""
    result = section(8)
    target = src.profile.get("availability_target")
    result.facts.append(
        ("Availability target", f"{target.normalize():f}%" if target is not None else NOT_RECORDED)
    )
    if target is None:
        result.missing.append("The availability target")
    written(
        result,
        src.profile,
        ("slos", "Service level objectives", "The service level objectives"),
        ("measured_how", "How they are measured", "How service levels are measured"),
        ("supplier_targets", "Supplier contract targets", ""),
    )
    return result


def monitoring(src: Sources, today: dt.date) -> Section:
    """9. Dashboards (PUB-3), health checks and alerts."""
    service, result = src.service, section(9)
    result.facts.append(("Dashboards", url_list(service.dashboard_urls)))
    if not service.dashboard_urls:
        result.missing.append("Links to the service's dashboards (in the catalogue)")
    written(
        result,
        src.profile,
        ("health_checks", "Health checks", "The health checks"),
        ("alerting", "Alerts", "The alerts and who receives them"),
    )
    monitored = [
        f"{c['name']}: {c['monitoring_url']}" for c in src.components if c["monitoring_url"]
    ]
    result.facts.append(("Component monitoring", "\n".join(monitored) or NOT_RECORDED))
    return result


def incidents(src: Sources, today: dt.date) -> Section:
    """10. Severities, escalation, communications, post-incident reviews, incident rehearsals."""
    result = section(10)
    written(
        result,
        src.profile,
        ("severities", "Severities", "The incident severities"),
        ("escalation_path", "Escalation path", "The escalation path"),
        ("communications", "Communications", "How incidents are communicated"),
        ("post_incident_reviews", "Post-incident reviews", ""),
    )
    result.tables.append(_rehearsals(src, "incident", "Incident rehearsals"))
    return result


def change(src: Sources, today: dt.date) -> Section:
    """11. The agreed change model (PB-4), releases, changes raised from dev tools (PUB-2)."""
    result, model = section(11), src.change_model
    if model is None:
        result.facts.append(("Change model", NOT_RECORDED))
        result.missing.append("The agreed change model (evidence for PB-4)")
    else:
        agreed = f", agreed on {day_text(model['agreed_on'])}" if model["agreed_on"] else ""
        state = "verified" if model["verified"] else "awaiting verification"
        result.facts.append(("Change model", f"{text(model['model'])}\n({state}{agreed})"))
    result.facts.append(("Change model status", _requirement_text(src, "PB-4")))
    written(
        result,
        src.profile,
        ("release_frequency", "Release frequency", "How often the service is released"),
        ("standard_changes", "Standard changes", ""),
    )
    result.facts.append(("Changes raised from dev tools", _requirement_text(src, "PUB-2")))
    return result


def runbooks(src: Sources, today: dt.date) -> Section:
    """12. Links to runbooks, known errors and their workarounds."""
    service, result = src.service, section(12)
    links = list(service.runbook_urls or [])
    links += [f"{c['name']}: {c['runbook_url']}" for c in src.components if c["runbook_url"]]
    result.facts.append(("Runbooks", "\n".join(links) or NOT_RECORDED))
    if not links:
        result.missing.append("A link to at least one runbook (in the catalogue)")
    written(
        result,
        src.profile,
        ("known_errors", "Known errors and workarounds", "Known errors and their workarounds"),
    )
    return result


def continuity(src: Sources, today: dt.date) -> Section:
    """13. RTO and RPO, what a disaster is, who invokes recovery, the steps, the last DR test."""
    result, profile = section(13), src.profile
    for name, label in (
        ("rto", "Recovery time objective (RTO)"),
        ("rpo", "Recovery point objective (RPO)"),
    ):
        value = profile.get(name)
        result.facts.append((label, duration_text(value) or NOT_RECORDED))
        if value is None:
            result.missing.append(f"The {label[0].lower()}{label[1:]}")
    written(
        result,
        profile,
        ("disaster_definition", "What counts as a disaster", "What counts as a disaster"),
        ("recovery_invoked_by", "Who invokes recovery", "Who invokes recovery"),
        ("recovery_steps", "Recovery steps", "The recovery steps"),
        ("backup_arrangements", "Backups", "How the service is backed up"),
    )
    last = profile.get("last_dr_test")
    result.facts.append(("Last disaster recovery test", day_text(last)))
    if last is None:
        result.missing.append("The date of the last disaster recovery test")
    return result


def capacity(src: Sources, today: dt.date) -> Section:
    """14. What the service was load tested to and how it scales."""
    result = section(14)
    written(
        result,
        src.profile,
        ("load_tested_to", "Load tested to", "What the service was load tested to"),
        ("scaling", "How it scales", "How the service scales"),
    )
    return result


def _rehearsals(src: Sources, kind: str | None, caption: str) -> Table:
    chosen = [r for r in src.rehearsals if kind is None or r.get("kind") == kind]
    return Table(
        caption,
        ["Kind", "Date", "Scenario", "Outcome"],
        [
            [
                text(r.get("kind")).capitalize(),
                day_text(r.get("date")),
                text(r.get("scenario")),
                text(r.get("outcome")),
            ]
            for r in chosen
        ],
        empty="No rehearsals recorded",
    )
