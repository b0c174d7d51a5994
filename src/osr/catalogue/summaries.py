"""How each catalogue object is summarised on its page and in lists."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .choices import Phase


def _text(value: Any) -> str:
    if value in (None, ""):
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _link(obj) -> Markup | str:
    if obj is None:
        return "Not recorded"
    return Markup('<a class="govuk-link" href="{}">{}</a>').format(obj.get_absolute_url(), obj)


def _links(urls: list[str]) -> Markup | str:
    if not urls:
        return "Not recorded"
    items = Markup("").join(
        Markup('<li><a class="govuk-link" href="{0}">{0}</a></li>').format(u) for u in urls
    )
    return Markup('<ul class="govuk-list">{}</ul>').format(items)


def _email(address: str) -> Markup | str:
    if not address:
        return "Not recorded"
    return Markup('<a class="govuk-link" href="mailto:{0}">{0}</a>').format(address)


def rows(pairs: list[tuple[str, Any]]) -> list[dict]:
    """GOV.UK summary list rows from (label, value) pairs; a value may be safe HTML."""
    result = []
    for label, value in pairs:
        cell = {"html": value} if isinstance(value, Markup) else {"text": _text(value)}
        result.append({"key": {"text": label}, "value": cell})
    return result


def service(s) -> list[dict]:
    live_data = "No"
    if s.uses_live_data:
        since = f" since {s.live_data_since:%-d %B %Y}" if s.live_data_since else ""
        live_data = f"Yes{since}" + (f": {s.live_data_sources}" if s.live_data_sources else "")
    return rows(
        [
            ("Slug", s.slug),
            ("Description", s.description),
            ("Delivery group", _link(s.delivery_group)),
            ("Delivery team", _link(s.delivery_team) if s.delivery_team_id else None),
            ("Phase", f"{Phase(s.phase).label} since {s.phase_since:%-d %B %Y}"),
            ("Critical", f"Yes: {s.critical_reason}" if s.critical else "No"),
            ("Uses live data", live_data),
            ("Service owner", _link(s.service_owner) if s.service_owner_id else None),
            ("Product manager", _link(s.product_manager) if s.product_manager_id else None),
            ("Support contact", _email(s.support_contact_email)),
            ("Data owner (MyIT)", _link(s.data_owner) if s.data_owner_id else None),
            ("Support hours", s.get_support_hours_display()),
            (
                "Contacts confirmed",
                f"{s.contacts_confirmed_on:%-d %B %Y}" if s.contacts_confirmed_on else "Never",
            ),
            ("User needs", s.user_needs_summary),
            ("Technical solution", s.technical_solution_summary),
            ("Repositories", _links(s.repository_urls)),
            ("Dashboards", _links(s.dashboard_urls)),
            ("Runbooks", _links(s.runbook_urls)),
            ("MyIT record", _links([s.myit_record_url] if s.myit_record_url else [])),
        ]
    )


def group(g) -> list[dict]:
    members = ", ".join(str(p) for p in g.members.all())
    return rows(
        [
            ("Slug", g.slug),
            ("Description", g.description),
            ("OSR manager", _link(g.osr_manager) if g.osr_manager_id else None),
            (
                "Live services manager",
                _link(g.live_services_manager) if g.live_services_manager_id else None,
            ),
            ("Members", members),
        ]
    )


def component(c) -> list[dict]:
    return rows(
        [
            ("Service", _link(c.service)),
            ("Kind", c.get_kind_display()),
            ("Hosting", c.get_hosting_display()),
            ("Supplier", _link(c.supplier) if c.supplier_id else None),
            ("Support group", c.support_group),
            ("Runbook", _links([c.runbook_url] if c.runbook_url else [])),
            ("Monitoring", _links([c.monitoring_url] if c.monitoring_url else [])),
        ]
    )


def supplier(s) -> list[dict]:
    contracts = Markup("").join(
        Markup("{} ({} to {})<br>").format(_link(c), c.start_date, c.end_date)
        for c in s.contracts.all()
    )
    return rows([("Slug", s.slug), ("Contracts", contracts or "None recorded")])


def contract(c) -> list[dict]:
    covered = Markup("").join(Markup("{}<br>").format(_link(comp)) for comp in c.components.all())
    return rows(
        [
            ("Supplier", _link(c.supplier)),
            ("Starts", f"{c.start_date:%-d %B %Y}"),
            ("Ends", f"{c.end_date:%-d %B %Y}"),
            ("Components covered", covered or "None"),
        ]
    )


def external_system(e) -> list[dict]:
    dependents = Markup("").join(
        Markup("{}<br>").format(_link(d.from_service))
        for d in e.dependents.select_related("from_service")
    )
    return rows(
        [
            ("Slug", e.slug),
            ("Description", e.description),
            ("Web address", _links([e.url] if e.url else [])),
            ("Services depending on it", dependents or "None"),
        ]
    )


def dependency(d) -> list[dict]:
    return rows(
        [
            ("Service", _link(d.from_service)),
            ("Depends on", _link(d.target)),
            ("Kind", d.get_kind_display()),
            ("Carries live data", d.carries_live_data),
            ("Description", d.description),
        ]
    )


def team(t) -> list[dict]:
    return rows(
        [
            ("Slug", t.slug),
            ("Kind", t.get_kind_display()),
            ("Delivery group", _link(t.delivery_group)),
            ("Contact email", _email(t.contact_email)),
            ("Members", ", ".join(str(p) for p in t.members.all())),
        ]
    )


def person(p) -> list[dict]:
    return rows(
        [
            ("Email", _email(p.email)),
            ("Phone", p.phone),
            ("Out-of-hours cover", p.out_of_hours),
            ("Role", p.role_title),
            ("User account", p.user.username if p.user_id else "None"),
        ]
    )
