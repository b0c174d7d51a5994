"""The demo estate: delivery groups, teams, people, suppliers and the services of
``demo_data``, loaded by ``osr demo``.

It is a snapshot: each service is put straight into its phase, with one phase
change recording it. Dates are days before (or after) the day it is loaded.
Every object is found by its natural key first, and one that exists already is
left as it is, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from osr.core.accounts import create_user
from osr.core.roles import ROLES

from . import models
from .demo_data import SERVICES

PEOPLE = [
    ("Helen Marsh", "OSR manager, Environment Agency"),
    ("David Okoro", "Live services manager, Environment Agency"),
    ("Gareth Pryce", "Service owner, fishing and licensing"),
    ("Fiona Blake", "Product manager, rod licensing"),
    ("Rachel Ndlovu", "Service owner, flood digital"),
    ("Ian Cartwright", "Technical lead, flood digital"),
    ("Sophie Turner", "Service owner, waste and permits"),
    ("Liam Doherty", "Delivery manager, waste and permits"),
    ("Karen Walsh", "Support lead, Environment Agency digital"),
    ("Mark Jennings", "OSR manager, farming"),
    ("Aisha Rahman", "Live services manager, farming"),
    ("Colin Fairbairn", "Service owner, Rural Payments"),
    ("Owen Griffiths", "Service owner, farming schemes"),
    ("Emma Holt", "Product manager, farming schemes"),
    ("Jenny Cole", "Service owner, Forestry Commission"),
    ("Paul Stevens", "Support lead, farming"),
    ("Nadia Hussain", "OSR manager, animal and plant health"),
    ("Robert Ellison", "Live services manager, animal and plant health"),
    ("Claire Donnelly", "Service owner, animal health"),
    ("Tariq Mahmood", "Service owner, plant health and wildlife trade"),
    ("Gemma Lloyd", "Support lead, APHA"),
    ("Simon Price", "OSR manager, trade and borders"),
    ("Lucy Chambers", "Service owner, IPAFFS"),
    ("Ben Adeyemi", "Product manager, IPAFFS"),
    ("Hannah Reid", "Service owner, exports"),
    ("Martin Kowalski", "Support lead, trade"),
    ("Joanne Fletcher", "OSR manager, core platforms"),
    ("Chris Bannister", "Live services manager, core platforms"),
    ("Vikram Patel", "Service owner, Defra ID"),
    ("Laura Whitfield", "Platform lead, Core Delivery Platform"),
    ("Neil Armitage", "Support lead, core platforms"),
]

# (slug, name, OSR manager, live services manager, support mailbox, description)
GROUPS = [
    ("environment-agency-digital", "Environment Agency digital", "Helen Marsh", "David Okoro",
     "ea-digital-support@defra.example",
     "Fishing, flood, waste and permitting services of the Environment Agency."),
    ("farming-and-countryside", "Farming and countryside", "Mark Jennings", "Aisha Rahman",
     "farming-support@defra.example",
     "Rural Payments Agency and Forestry Commission services for land managers."),
    ("animal-and-plant-health", "Animal and plant health", "Nadia Hussain", "Robert Ellison",
     "apha-support@defra.example",
     "APHA's licensing, disease control and wildlife trade services."),
    # No live services manager yet: the gap the portfolio dashboard shows.
    ("trade-and-borders", "Trade and borders", "Simon Price", None,
     "trade-support@defra.example", "Imports, exports and border checks."),
    ("core-platforms", "Core platforms", "Joanne Fletcher", "Chris Bannister",
     "core-platforms-support@defra.example",
     "Shared platforms and components that other services build on."),
]  # fmt: skip

# (slug, name, kind, delivery group, members)
TEAMS = [
    ("ea-fishing-licensing", "Fishing and licensing", "delivery", "environment-agency-digital",
     ["Gareth Pryce", "Fiona Blake"]),
    ("ea-flood-digital", "Flood digital", "delivery", "environment-agency-digital",
     ["Rachel Ndlovu", "Ian Cartwright"]),
    ("ea-waste-permits", "Waste and permits", "delivery", "environment-agency-digital",
     ["Sophie Turner", "Liam Doherty"]),
    ("ea-digital-support", "Environment Agency digital support", "support",
     "environment-agency-digital", ["Karen Walsh", "David Okoro"]),
    ("rpa-rural-payments", "Rural Payments", "delivery", "farming-and-countryside",
     ["Colin Fairbairn"]),
    ("farming-schemes", "Farming schemes", "delivery", "farming-and-countryside",
     ["Owen Griffiths", "Emma Holt"]),
    ("forestry-digital", "Forestry digital", "delivery", "farming-and-countryside",
     ["Jenny Cole"]),
    ("farming-support", "Farming service support", "support", "farming-and-countryside",
     ["Paul Stevens", "Aisha Rahman"]),
    ("apha-animal-health", "Animal health digital", "delivery", "animal-and-plant-health",
     ["Claire Donnelly"]),
    ("apha-plant-health", "Plant health and wildlife trade", "delivery",
     "animal-and-plant-health", ["Tariq Mahmood"]),
    ("apha-support", "APHA service support", "support", "animal-and-plant-health",
     ["Gemma Lloyd", "Robert Ellison"]),
    ("ipaffs", "IPAFFS", "delivery", "trade-and-borders", ["Lucy Chambers", "Ben Adeyemi"]),
    ("exports-digital", "Exports", "delivery", "trade-and-borders", ["Hannah Reid"]),
    ("trade-support", "Trade service support", "support", "trade-and-borders",
     ["Martin Kowalski"]),
    ("defra-identity", "Identity", "delivery", "core-platforms", ["Vikram Patel"]),
    ("cdp-platform", "Core Delivery Platform", "delivery", "core-platforms",
     ["Laura Whitfield"]),
    ("core-platforms-support", "Core platforms support", "support", "core-platforms",
     ["Neil Armitage", "Chris Bannister"]),
]  # fmt: skip

EXTERNAL_SYSTEMS = [
    ("govuk-notify", "GOV.UK Notify", "https://www.notifications.service.gov.uk"),
    ("govuk-pay", "GOV.UK Pay", "https://www.payments.service.gov.uk"),
    ("government-gateway", "Government Gateway",
     "https://www.gov.uk/log-in-register-hmrc-online-services"),
    ("govuk-one-login", "GOV.UK One Login", "https://www.sign-in.service.gov.uk"),
    ("ordnance-survey", "Ordnance Survey Data Hub", "https://osdatahub.os.uk"),
    ("companies-house", "Companies House API",
     "https://developer.company-information.service.gov.uk"),
    ("hmrc-cds", "HMRC Customs Declaration Service",
     "https://www.gov.uk/guidance/customs-declaration-service"),
    ("met-office", "Met Office DataHub", "https://datahub.metoffice.gov.uk"),
]  # fmt: skip

SUPPLIERS = [
    ("microsoft", "Microsoft"),
    ("amazon-web-services", "Amazon Web Services"),
    ("meridian-hosting", "Meridian Hosting plc"),
    ("brightwater", "Brightwater Digital Ltd"),
    ("tamar-data", "Tamar Data Systems Ltd"),
    ("oakridge-crm", "Oakridge CRM Partners"),
    ("kestrel-cloud", "Kestrel Cloud Services Ltd"),
    ("fenland-geospatial", "Fenland Geospatial Ltd"),
]

# (reference, supplier, starts, ends: days from the load date, components by service)
CONTRACTS = [
    ("DEFRA-2022-0417", "microsoft", -1400, 800, [
        ("get-a-rod-fishing-licence", "Licensing CRM"),
        ("apply-for-a-cites-permit", "CITES casework CRM"),
        ("defra-id", "Identity provider"),
    ]),
    ("DEFRA-2023-0112", "amazon-web-services", -1000, 900, [
        ("core-delivery-platform", "CDP container platform"),
    ]),
    ("RPA-2019-0031", "meridian-hosting", -2600, -40, [
        ("rural-payments", "Rural Payments portal"),
        ("rural-payments", "Claims engine"),
        ("basic-payment-scheme", "BPS claims module"),
    ]),
    ("FC-2020-0045", "brightwater", -2000, -365, [
        ("apply-for-a-felling-licence", "Felling licence web app"),
    ]),
    ("APHA-2024-0311", "brightwater", -700, 400, [("declare-ivory", "Ivory declaration web app")]),
    ("EA-2023-0557", "tamar-data", -900, 500, [
        ("sign-up-for-flood-warnings", "Flood Warning System"),
    ]),
    ("APHA-2018-0077", "tamar-data", -3000, 60, [
        ("apply-for-a-phytosanitary-certificate", "eDomero web app"),
    ]),
    ("EA-2022-0730", "oakridge-crm", -1300, 230, [
        ("register-as-a-waste-carrier", "Waste permitting CRM"),
    ]),
    ("TRADE-2021-0150", "kestrel-cloud", -1900, 150, [
        ("ipaffs", "IPAFFS notification web app"),
        ("ipaffs", "IPAFFS API"),
        ("get-an-export-health-certificate", "EHC Online web app"),
    ]),
    ("FC-2024-0020", "fenland-geospatial", -600, 500, [
        ("apply-for-a-felling-licence", "Woodland map service"),
    ]),
]  # fmt: skip

# (role, username, first name, last name, delivery groups). Development only.
DEMO_ACCOUNTS = [
    ("viewer", "viewer", "Morgan", "Ellis", []),
    ("delivery", "delivery", "Sam", "Okafor", ["farming-and-countryside"]),
    ("osr_manager", "osr_manager", "Priya", "Nair", ["farming-and-countryside"]),
    (
        "live_services_manager",
        "live_services_manager",
        "Tom",
        "Hadley",
        ["farming-and-countryside"],
    ),
    ("admin", "admin", "Alex", "Morgan", []),
]


SUPPORT_EMAIL_OF_GROUP = {group[0]: group[4] for group in GROUPS}
GROUP_OF_TEAM = {team[0]: team[3] for team in TEAMS}


def email_of(name: str) -> str:
    return name.lower().replace(" ", ".") + "@defra.example"


@dataclass
class DemoAccount:
    """A development account for one role, with its well-known password."""

    role: str
    username: str
    password: str
    created: bool


@dataclass
class EstateLoad:
    """One loading of the demo estate, counting the objects it adds."""

    today: dt.date
    added: int = 0

    def found_or_made(self, model, defaults=None, **key):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **key)
        self.added += created
        return obj, created

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)


def load_estate(*, today: dt.date) -> int:
    """Add whatever of the demo estate is missing; return how many objects were added."""
    load = EstateLoad(today)
    with transaction.atomic():
        people = {
            name: load.found_or_made(
                models.Person, email=email_of(name), defaults={"name": name, "role_title": title}
            )[0]
            for name, title in PEOPLE
        }
        groups, teams = _load_groups(load, people)
        externals = {
            slug: load.found_or_made(
                models.ExternalSystem, slug=slug, defaults={"name": name, "url": url}
            )[0]
            for slug, name, url in EXTERNAL_SYSTEMS
        }
        suppliers = {
            slug: load.found_or_made(models.Supplier, slug=slug, defaults={"name": name})[0]
            for slug, name in SUPPLIERS
        }
        services = {
            spec["slug"]: _load_service(load, spec, people, groups, teams, suppliers)
            for spec in SERVICES
        }
        for spec in SERVICES:
            for target, kind, *live in spec.get("depends_on", []):
                key = {"from_service": services[spec["slug"]]}
                if target in services:
                    key["to_service"] = services[target]
                else:
                    key["to_external"] = externals[target]
                defaults = {"kind": kind, "carries_live_data": bool(live and live[0])}
                load.found_or_made(models.Dependency, defaults=defaults, **key)
        _load_contracts(load, suppliers, services)
    return load.added


def _load_groups(load: EstateLoad, people):
    groups = {}
    for slug, name, osr, lsm, _support_email, description in GROUPS:
        defaults = {
            "name": name,
            "description": description,
            "osr_manager": people[osr],
            "live_services_manager": people[lsm] if lsm else None,
        }
        groups[slug], created = load.found_or_made(
            models.DeliveryGroup, slug=slug, defaults=defaults
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
        teams[slug], created = load.found_or_made(models.Team, slug=slug, defaults=defaults)
        if created:
            teams[slug].members.add(*(people[name] for name in members))
    return groups, teams


def _load_service(load: EstateLoad, spec, people, groups, teams, suppliers) -> models.Service:
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
        "phase_since": load.day(-spec["since"]),
        "critical": "critical" in spec,
        "critical_reason": spec.get("critical", ""),
        "support_hours": spec.get("hours", "business_hours"),
        "uses_live_data": bool(sources),
        "live_data_sources": sources,
        "live_data_since": load.day(-live_days) if live_days is not None else None,
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
    }
    service, created = load.found_or_made(models.Service, slug=spec["slug"], defaults=defaults)
    if created:
        at = dt.datetime.combine(service.phase_since, dt.time(9), tzinfo=dt.UTC)
        load.found_or_made(
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
        }
        load.found_or_made(models.Component, service=service, name=name, defaults=defaults)
    return service


def _load_contracts(load: EstateLoad, suppliers, services) -> None:
    for reference, supplier, starts, ends, covered in CONTRACTS:
        defaults = {
            "supplier": suppliers[supplier],
            "start_date": load.day(starts),
            "end_date": load.day(ends),
        }
        contract, created = load.found_or_made(
            models.Contract, reference=reference, defaults=defaults
        )
        if created:
            contract.components.add(
                *(
                    models.Component.objects.get(service=services[slug], name=name)
                    for slug, name in covered
                )
            )


def create_demo_accounts() -> list[DemoAccount]:
    """An account for each role with a well-known password: for development only."""
    accounts = []
    user_model = get_user_model()
    for role, username, first_name, last_name, groups in DEMO_ACCOUNTS:
        password = f"demo-{role}"
        exists = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).exists()
        if not exists:
            create_user(
                username,
                role=role,
                groups=groups,
                email=email_of(f"{first_name} {last_name}"),
                first_name=first_name,
                last_name=last_name,
                password=password,
            )
        accounts.append(DemoAccount(ROLES[role], username, password, created=not exists))
    return accounts
