"""The demo estate, loaded by ``osr demo``: a portfolio that shows what good looks like.

``load_estate`` writes the catalogue: delivery groups, teams, people, suppliers
and the services of ``demo_data``, each put straight into its phase with one
phase change recording it, and the few changes teams made lately.
``load_demo`` writes the rest of the story on top of it: teams confirming their
contacts over the last half year (a few are due again), then each app's part,
registered in its ``AppConfig.ready`` with ``register_demo_step`` (readiness
evidence, review boards, MyIT, changes from code hosts, operations guides). The
steps run in their order, so that each finds what it builds on: the guides,
generated last, are assembled from all the others.

The history is dated before the day it is loaded (see ``demo_history``). Every
object is found by its natural key first, and one that exists already is left as
it is, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from osr.core.accounts import create_user
from osr.core.roles import ROLES

from . import models
from .choices import Phase
from .contacts import confirm_contacts
from .demo_data import LAND_SERVICES, RECENT_CHANGES
from .demo_data_platforms import HEALTH_TRADE_AND_PLATFORM_SERVICES
from .demo_history import History
from .demo_people import (
    CONTRACTS,
    DEMO_ACCOUNTS,
    EXTERNAL_SYSTEMS,
    GROUP_OF_TEAM,
    GROUPS,
    PEOPLE,
    SUPPLIERS,
    SUPPORT_EMAIL_OF_GROUP,
    TEAMS,
    email_of,
)
from .forms import ComponentForm, DependencyForm
from .services import save_form

__all__ = [
    "DEMO_ACCOUNTS",
    "EXTERNAL_SYSTEMS",
    "GROUP_OF_TEAM",
    "PEOPLE",
    "SERVICES",
    "load_demo",
    "load_estate",
    "register_demo_step",
]

SERVICES = [*LAND_SERVICES, *HEALTH_TRADE_AND_PLATFORM_SERVICES]

# The catalogue was set up this many days before the load; a newer service was
# catalogued when it entered its phase.
SET_UP_DAYS = 420


@dataclass(frozen=True)
class DemoStep:
    """One app's part of the demo's history, written by ``write(history)``."""

    order: int
    name: str
    write: Callable[[History], None]


_steps: dict[str, DemoStep] = {}


def register_demo_step(order: int, name: str, write: Callable[[History], None]) -> None:
    """Add an app's part of the demo; steps run by ``order``, after the catalogue's."""
    _steps[name] = DemoStep(order, name, write)


def demo_steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))


@dataclass
class DemoAccount:
    """A development account for one role, with its well-known password."""

    role: str
    username: str
    password: str
    created: bool


def load_demo(*, today: dt.date, accounts: bool = False) -> tuple[int, list[DemoAccount]]:
    """Add whatever of the whole demo estate is missing, in development with an account
    for each role; return how many objects were added, and the accounts."""
    history = History(today)
    made: list[DemoAccount] = []
    with transaction.atomic(), history.writing():
        _load_catalogue(history)
        if accounts:
            with history.at(history.moment(-SET_UP_DAYS, 12)):
                made = create_demo_accounts()
        _confirm_contacts(history)
        for step in demo_steps():
            step.write(history)
        history.date_from_audit()
    return history.added, made


def load_estate(*, today: dt.date) -> int:
    """Add whatever of the demo catalogue is missing; return how many objects were added."""
    history = History(today)
    with transaction.atomic(), history.writing():
        _load_catalogue(history)
        history.date_from_audit()
    return history.added


def found_or_made(history: History, model, defaults=None, **key):
    """The object with this natural key, made with ``defaults`` if it does not exist."""
    obj, created = model.objects.get_or_create(defaults=defaults or {}, **key)
    history.count(created)
    return obj, created


def _load_catalogue(history: History) -> None:
    with history.at(history.moment(-SET_UP_DAYS)):
        people = {
            name: found_or_made(
                history,
                models.Person,
                email=email_of(name),
                defaults={"name": name, "role_title": title},
            )[0]
            for name, title in PEOPLE
        }
        groups, teams = _load_groups(history, people)
        externals = {
            slug: found_or_made(
                history, models.ExternalSystem, slug=slug, defaults={"name": name, "url": url}
            )[0]
            for slug, name, url in EXTERNAL_SYSTEMS
        }
        suppliers = {
            slug: found_or_made(history, models.Supplier, slug=slug, defaults={"name": name})[0]
            for slug, name in SUPPLIERS
        }
    services = {}
    for spec in SERVICES:
        with history.at(history.moment(-min(spec["since"], SET_UP_DAYS), 9)):
            services[spec["slug"]] = _load_service(history, spec, people, groups, teams, suppliers)
    for spec in SERVICES:
        with history.at(history.moment(-min(spec["since"], SET_UP_DAYS), 9, 30)):
            for target, kind, *live in spec.get("depends_on", []):
                key = {"from_service": services[spec["slug"]]}
                if target in services:
                    key["to_service"] = services[target]
                else:
                    key["to_external"] = externals[target]
                defaults = {
                    "kind": kind,
                    "carries_live_data": bool(live and live[0]),
                    "description": spec.get("impacts", {}).get(target, ""),
                }
                found_or_made(history, models.Dependency, defaults=defaults, **key)
    with history.at(history.moment(-SET_UP_DAYS, 11)):
        _load_contracts(history, suppliers, services)
    _make_recent_changes(history, people)


def _load_groups(history: History, people):
    groups = {}
    for slug, name, osr, lsm, _support_email, description in GROUPS:
        defaults = {
            "name": name,
            "description": description,
            "osr_manager": people[osr],
            "live_services_manager": people[lsm] if lsm else None,
        }
        groups[slug], created = found_or_made(
            history, models.DeliveryGroup, slug=slug, defaults=defaults
        )
        if created:
            members = [people[osr], *([people[lsm]] if lsm else [])]
            members += [people[n] for team in TEAMS if team[3] == slug for n in team[4]]
            groups[slug].members.add(*dict.fromkeys(members))
    teams = {}
    for slug, name, kind, group, members in TEAMS:
        contact = SUPPORT_EMAIL_OF_GROUP[group] if kind == "support" else f"{slug}@defra.example"
        defaults = {
            "name": name,
            "kind": kind,
            "delivery_group": groups[group],
            "contact_email": contact,
        }
        teams[slug], created = found_or_made(history, models.Team, slug=slug, defaults=defaults)
        if created:
            teams[slug].members.add(*(people[name] for name in members))
    return groups, teams


def _load_service(history: History, spec, people, groups, teams, suppliers) -> models.Service:
    team = teams[spec["team"]]
    group_slug = GROUP_OF_TEAM[spec["team"]]
    phase, owner = spec["phase"], people[spec["owner"]]
    sources, live_days = spec.get("live_data", ("", None))
    defaults = {
        "name": spec["name"],
        "description": spec["description"],
        "delivery_group": groups[group_slug],
        "delivery_team": team,
        "phase": phase,
        "phase_since": history.day(-spec["since"]),
        "critical": "critical" in spec,
        "critical_reason": spec.get("critical", ""),
        "support_hours": spec.get("hours", "business_hours"),
        "uses_live_data": bool(sources),
        "live_data_sources": sources,
        "live_data_since": history.day(-live_days) if live_days is not None else None,
        "service_owner": owner,
        "product_manager": people.get(spec.get("product_manager", "")),
        # Services are supported through their delivery group's support mailbox.
        "support_contact_email": SUPPORT_EMAIL_OF_GROUP[group_slug],
        # Live services have chosen who owns their data in MyIT (LV-1).
        "data_owner": owner if phase == "live" else None,
        "dashboard_urls": (
            [f"https://dashboards.defra.example/{spec['slug']}"]
            if phase in ("public_beta", "live")
            else []
        ),
        "myit_record_url": (
            f"https://myit.defra.example/services/{spec['slug']}" if phase == "live" else ""
        ),
        "user_needs_summary": spec.get("user_needs", ""),
        "technical_solution_summary": spec.get("solution", ""),
        "runbook_urls": spec.get("runbooks", []),
    }
    service, created = found_or_made(history, models.Service, slug=spec["slug"], defaults=defaults)
    if created:
        at = dt.datetime.combine(service.phase_since, dt.time(9), tzinfo=dt.UTC)
        found_or_made(
            history,
            models.PhaseChange,
            service=service,
            to_phase=phase,
            defaults={"from_phase": "", "changed_at": at, "reason": "Phase when first catalogued"},
        )
    for name, kind, hosting, *supplier in spec.get("components", []):
        defaults = {
            "kind": kind,
            "hosting": hosting,
            "supplier": suppliers[supplier[0]] if supplier else None,
            "support_group": spec.get("support_group", ""),
        }
        found_or_made(history, models.Component, service=service, name=name, defaults=defaults)
    return service


def _load_contracts(history: History, suppliers, services) -> None:
    for reference, supplier, starts, ends, covered in CONTRACTS:
        defaults = {
            "supplier": suppliers[supplier],
            "start_date": history.day(starts),
            "end_date": history.day(ends),
        }
        contract, created = found_or_made(
            history, models.Contract, reference=reference, defaults=defaults
        )
        if created:
            contract.components.add(
                *(
                    models.Component.objects.get(service=services[slug], name=name)
                    for slug, name in covered
                )
            )


def _make_recent_changes(history: History, people) -> None:
    """The changes teams made lately, through the catalogue's forms, as they would."""
    for days_ago, slug, who, kind, data in RECENT_CHANGES:
        form: DependencyForm | ComponentForm
        if kind == "dependency":
            exists = models.Dependency.objects.filter(
                from_service__slug=slug, to_service__slug=data["to_service"]
            ).exists()
            form = DependencyForm({"from_service": slug, **data})
        else:
            exists = models.Component.objects.filter(service__slug=slug, name=data["name"]).exists()
            form = ComponentForm({"service": slug, **data})
        if exists:
            continue
        by = history.user_of(people[who])
        with history.at(history.moment(-days_ago, 14), by=by):
            if not form.is_valid():
                raise ValueError(f"Demo change to {slug} is invalid: {form.errors.as_text()}")
            save_form(form, by=by)
        history.added += 1


STALE_CONTACTS = "apply-for-a-farming-grant"


def _confirm_contacts(history: History) -> None:
    """Teams confirmed their contacts over the last half year; a few are due again."""
    services = models.Service.objects.exclude(phase=Phase.RETIRED).select_related("service_owner")
    for index, service in enumerate(services.order_by("slug")):
        if service.contacts_confirmed_on is not None:
            continue
        # Spread over 10 to 199 days ago: those past OSR_CONFIRM_MONTHS (6) are due, and
        # one of the farming schemes team's is, so the team's home page asks for it.
        days_ago = 220 if service.slug == STALE_CONTACTS else 10 + (index * 37) % 190
        by = history.user_of(service.service_owner)
        with history.at(history.moment(-days_ago, 16), by=by):
            confirm_contacts(service, by=by, today=history.day(-days_ago))


def create_demo_accounts() -> list[DemoAccount]:
    """An account for each role with a well-known password: for development only."""
    accounts = []
    user_model = get_user_model()
    for role, username, first_name, last_name, groups, teams in DEMO_ACCOUNTS:
        password = f"demo-{role}"
        exists = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).exists()
        if not exists:
            user = create_user(
                username,
                role=role,
                groups=groups,
                email=email_of(f"{first_name} {last_name}"),
                first_name=first_name,
                last_name=last_name,
                password=password,
            )
            for team in models.Team.objects.filter(slug__in=teams):
                team.members.add(user.person)
        accounts.append(DemoAccount(ROLES[role], username, password, created=not exists))
    return accounts
