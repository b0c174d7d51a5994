"""The demo estate's services: a portfolio shaped like Defra's, with its parts and needs.

This module holds the Environment Agency's and farming's services;
``demo_data_platforms`` the rest, in the same shape.

Each service names its delivery team (which places it in a delivery group), its
phase and how many days ago it entered it, its service owner, and optionally:
``critical`` (why), ``hours`` ("24_7"), ``live_data`` (which live data, and how
many days ago it started using it), ``product_manager``, ``components`` as
``(name, kind, hosting[, supplier slug])`` and ``depends_on`` as
``(service or external system slug, kind[, carries live data])``; and, where its
operations guide needs them, ``user_needs``, ``solution``, ``runbooks``, its
components' ``support_group`` and the ``impacts`` of losing each dependency.

``RECENT_CHANGES`` are the few changes teams made in the last fortnight.
"""

from typing import Any

# Short names for fixed values, so that each component and dependency fits on a line.
# fmt: off
WEB, API, DB, QUEUE, FILES = "web_application", "api", "database", "queue", "file_store"
IDP, SAAS, INFRA, OTHER = "identity", "saas", "infrastructure", "other"
CALLS, FEED, SHARED, SIGN_IN = "runtime_api", "data_feed", "shared_component", "identity"
LIVE_DATA = True

LAND_SERVICES: list[dict[str, Any]] = [
    # (Animal and plant health, trade and borders and core platforms: demo_data_platforms.)
    # Environment Agency digital
    {
        "name": "Get a rod fishing licence",
        "slug": "get-a-rod-fishing-licence", "team": "ea-fishing-licensing",
        "phase": "live", "since": 2400, "owner": "Gareth Pryce", "product_manager": "Fiona Blake",
        "description": "Buy a rod fishing licence for England and Wales.",
        "components": [
            ("Licence sales web app", WEB, "aws"), ("Sales API", API, "aws"),
            ("Licensing CRM", SAAS, "saas", "microsoft"),
        ],
        "depends_on": [("govuk-pay", CALLS), ("govuk-notify", CALLS), ("address-lookup", CALLS)],
    },
    {
        "name": "Check your long term flood risk",
        "slug": "check-long-term-flood-risk", "team": "ea-flood-digital",
        "phase": "live", "since": 2900, "owner": "Rachel Ndlovu",
        "description": "Find out the long term flood risk for an area in England.",
        "components": [("Flood risk web app", WEB, "cdp"), ("Flood risk map tiles", FILES, "aws")],
        "depends_on": [("ordnance-survey", CALLS), ("address-lookup", CALLS)],
    },
    {
        "name": "Sign up for flood warnings",
        "slug": "sign-up-for-flood-warnings", "team": "ea-flood-digital",
        "phase": "live", "since": 2600, "owner": "Rachel Ndlovu",
        "description": "Get flood warnings by phone, text or email.",
        "critical": "Warns people of flooding so they can protect life and property.",
        "hours": "24_7",
        "components": [
            ("Registration web app", WEB, "azure"), ("Warning dispatcher", QUEUE, "azure"),
            ("Flood Warning System", SAAS, "saas", "tamar-data"),
        ],
        "depends_on": [("govuk-notify", CALLS), ("address-lookup", CALLS)],
    },
    {
        "name": "Check for flooding",
        "slug": "check-for-flooding", "team": "ea-flood-digital",
        "phase": "live", "since": 1500, "owner": "Ian Cartwright",
        "description": "Current flood warnings, river and sea levels, and the flood forecast.",
        "critical": "The public and emergency responders rely on it during flood events.",
        "hours": "24_7",
        "components": [("Check for flooding web app", WEB, "cdp"), ("Flood data API", API, "cdp")],
        "depends_on": [("met-office", FEED), ("sign-up-for-flood-warnings", FEED)],
    },
    {
        "name": "Register as a waste carrier, broker or dealer",
        "slug": "register-as-a-waste-carrier", "team": "ea-waste-permits",
        "phase": "live", "since": 3000, "owner": "Sophie Turner",
        "description": "Register to transport, buy, sell or arrange the handling of waste.",
        "components": [
            ("Registration web app", WEB, "aws"), ("Registrations database", DB, "aws"),
            ("Waste permitting CRM", SAAS, "saas", "oakridge-crm"),
        ],
        "depends_on": [
            ("companies-house", CALLS), ("govuk-pay", CALLS), ("govuk-notify", CALLS),
            ("address-lookup", CALLS),
        ],
    },
    {
        "name": "Waste tracking",
        "slug": "waste-tracking", "team": "ea-waste-permits",
        "phase": "private_beta", "since": 120, "owner": "Sophie Turner",
        "description": "Record where waste goes, from the site that produces it to where it ends.",
        "live_data": ("Registered waste carriers from Register as a waste carrier", 90),
        "components": [
            ("Waste tracking web app", WEB, "cdp"), ("Waste tracking API", API, "cdp"),
            ("Movements database", DB, "cdp"),
        ],
        "depends_on": [
            ("register-as-a-waste-carrier", FEED, LIVE_DATA), ("defra-id", SIGN_IN),
            ("core-delivery-platform", SHARED), ("govuk-notify", CALLS),
        ],
    },
    {
        "name": "Apply for an environmental permit",
        "slug": "apply-for-an-environmental-permit", "team": "ea-waste-permits",
        "phase": "public_beta", "since": 200, "owner": "Sophie Turner",
        "description": "Apply for a permit to run a regulated facility or carry out waste work.",
        "live_data": ("Operator records from the waste permitting CRM", 200),
        "components": [
            ("Permit application web app", WEB, "cdp"), ("Permit documents store", FILES, "azure"),
        ],
        "depends_on": [
            ("companies-house", CALLS), ("govuk-pay", CALLS),
            ("register-as-a-waste-carrier", CALLS, LIVE_DATA),
        ],
    },
    {
        "name": "Report an environmental incident",
        "slug": "report-an-environmental-incident", "team": "ea-waste-permits",
        "phase": "public_beta", "since": 150, "owner": "Liam Doherty",
        "description": "Report pollution, flooding, illegal waste or dead fish.",
        "critical": "Pollution reports reach the 24-hour incident room through it.",
        "hours": "24_7",
        "components": [("Incident report web app", WEB, "cdp"), ("Incident queue", QUEUE, "cdp")],
        "depends_on": [
            ("govuk-notify", CALLS), ("ordnance-survey", CALLS), ("core-delivery-platform", SHARED),
        ],
    },
    {
        "name": "Manage your water abstraction licence",
        "slug": "manage-water-abstraction-licence", "team": "ea-fishing-licensing",
        "phase": "alpha", "since": 60, "owner": "Gareth Pryce",
        "description": "View and manage a licence to take or store water.",
        "live_data": ("Abstraction licences copied from the live licensing system", 30),
        "components": [("Abstraction prototype", WEB, "cdp")],
        "depends_on": [("address-lookup", CALLS), ("defra-id", SIGN_IN)],
    },
    # Farming and countryside
    {
        "name": "Rural Payments",
        "slug": "rural-payments", "team": "rpa-rural-payments",
        "phase": "live", "since": 3300, "owner": "Colin Fairbairn",
        "description": "Manage land, business details and claims for farming schemes.",
        "critical": "Pays farmers and land managers; payment deadlines are set in law.",
        "components": [
            ("Rural Payments portal", WEB, "on_premises", "meridian-hosting"),
            ("Claims engine", OTHER, "on_premises", "meridian-hosting"),
            ("Land parcel database", DB, "on_premises"),
        ],
        "depends_on": [
            ("defra-id", SIGN_IN), ("government-gateway", SIGN_IN),
            ("payment-hub", CALLS, LIVE_DATA),
        ],
    },
    {
        "name": "Sustainable Farming Incentive",
        "slug": "sustainable-farming-incentive", "team": "farming-schemes",
        "phase": "live", "since": 800, "owner": "Owen Griffiths", "product_manager": "Emma Holt",
        "description": "Apply for payments for sustainable farming actions.",
        "live_data": ("Land parcels and business records from Rural Payments", 900),
        "user_needs": "Farmers and land managers need to choose actions that suit their land, "
        "apply for an agreement online and be paid on time each quarter.",
        "solution": "A Node.js web app and an agreements API on the Core Delivery Platform, "
        "with a PostgreSQL database; land and business data from Rural Payments, payments "
        "through the payment hub.",
        "runbooks": ["https://runbooks.defra.example/sustainable-farming-incentive"],
        "support_group": "Farming schemes support",
        "impacts": {
            "rural-payments": "No new applications: land parcels and business details "
            "cannot be checked",
            "defra-id": "Farmers and agents cannot sign in to apply or manage agreements",
            "payment-hub": "Quarterly payments are held until the payment hub is back",
            "core-delivery-platform": "The service is down: it is hosted on the platform",
        },
        "components": [
            ("SFI application web app", WEB, "cdp"), ("Agreements API", API, "cdp"),
            ("Agreements database", DB, "cdp"),
        ],
        "depends_on": [
            ("rural-payments", CALLS, LIVE_DATA), ("defra-id", SIGN_IN),
            ("payment-hub", CALLS, LIVE_DATA), ("core-delivery-platform", SHARED),
        ],
    },
    {
        "name": "Apply for a farming grant",
        "slug": "apply-for-a-farming-grant", "team": "farming-schemes",
        "phase": "private_beta", "since": 100, "owner": "Owen Griffiths",
        "description": "Check eligibility for and apply to capital and investment grants.",
        "live_data": ("Business and land records from Rural Payments", 80),
        "components": [("Grants web app", WEB, "cdp"), ("Grants scoring API", API, "cdp")],
        "depends_on": [
            ("rural-payments", CALLS, LIVE_DATA), ("defra-id", SIGN_IN), ("govuk-notify", CALLS),
        ],
    },
    {
        "name": "Countryside Stewardship Higher Tier",
        "slug": "countryside-stewardship-higher-tier", "team": "farming-schemes",
        "phase": "public_beta", "since": 250, "owner": "Emma Holt",
        "description": "Apply for agreements to manage land for nature and the environment.",
        "live_data": ("Land parcels from Rural Payments", 250),
        "components": [("Higher Tier web app", WEB, "cdp")],
        "depends_on": [("rural-payments", FEED, LIVE_DATA), ("ordnance-survey", CALLS)],
    },
    {
        "name": "Get funding for an annual health and welfare review",
        "slug": "annual-health-and-welfare-review", "team": "farming-schemes",
        "phase": "live", "since": 1000, "owner": "Emma Holt",
        "description": "Claim funding for a vet to visit and review the health of livestock.",
        "components": [("Review claims web app", WEB, "cdp"), ("Claims database", DB, "cdp")],
        "depends_on": [
            ("defra-id", SIGN_IN), ("rural-payments", CALLS, LIVE_DATA), ("govuk-notify", CALLS),
        ],
    },
    {
        "name": "Find funding for land or farms",
        "slug": "find-funding-for-land-or-farms", "team": "farming-schemes",
        "phase": "discovery", "since": 40, "owner": "Emma Holt",
        "description": "Find the schemes and grants that fit a farm or piece of land.",
    },
    {
        "name": "Basic Payment Scheme claims",
        "slug": "basic-payment-scheme", "team": "rpa-rural-payments",
        "phase": "retired", "since": 500, "owner": "Colin Fairbairn",
        "description": "Closed when the Basic Payment Scheme ended; see Rural Payments.",
        "components": [("BPS claims module", OTHER, "on_premises", "meridian-hosting")],
    },
    {
        "name": "Apply for a felling licence",
        "slug": "apply-for-a-felling-licence", "team": "forestry-digital",
        "phase": "live", "since": 1200, "owner": "Jenny Cole",
        "description": "Apply to the Forestry Commission for a licence to fell trees.",
        "components": [
            ("Felling licence web app", WEB, "azure", "brightwater"),
            ("Woodland map service", API, "saas", "fenland-geospatial"),
        ],
        "depends_on": [("ordnance-survey", CALLS), ("govuk-notify", CALLS), ("defra-id", SIGN_IN)],
    },
]

# (days ago, service, who, "dependency" or "component", the form's fields): the changes
# teams in development made lately, each touching a live service.
RECENT_CHANGES: list[tuple[int, str, str, str, dict[str, str]]] = [
    (9, "apply-for-a-farming-grant", "Owen Griffiths", "dependency", {
        "to_service": "payment-hub", "kind": CALLS, "carries_live_data": "on",
        "description": "Grant claims cannot be paid until the payment hub is back",
    }),
    (4, "border-trade-matching-service", "Lucy Chambers", "component", {
        "name": "Risk rules API", "kind": API, "hosting": "cdp",
        "support_group": "IPAFFS support",
    }),
]
# fmt: on
