"""The demo estate's services: a portfolio shaped like Defra's, with its parts and needs.

Each service names its delivery team (which places it in a delivery group), its
phase and how many days ago it entered it, its service owner, and optionally:
``critical`` (why), ``hours`` ("24_7"), ``live_data`` (which live data, and how
many days ago it started using it), ``product_manager``, ``components`` as
``(name, kind, hosting[, supplier slug])`` and ``depends_on`` as
``(service or external system slug, kind[, carries live data])``.
"""

from typing import Any

# Short names for fixed values, so that each component and dependency fits on a line.
# fmt: off
WEB, API, DB, QUEUE, FILES = "web_application", "api", "database", "queue", "file_store"
IDP, SAAS, INFRA, OTHER = "identity", "saas", "infrastructure", "other"
CALLS, FEED, SHARED, SIGN_IN = "runtime_api", "data_feed", "shared_component", "identity"
LIVE_DATA = True

SERVICES: list[dict[str, Any]] = [
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
    # Animal and plant health
    {
        "name": "Apply for an animal movement licence",
        "slug": "apply-for-an-animal-movement-licence", "team": "apha-animal-health",
        "phase": "live", "since": 1800, "owner": "Claire Donnelly",
        "description": "Apply for a licence to move animals under disease controls.",
        "critical": "Livestock cannot be moved lawfully during a disease outbreak without it.",
        "hours": "24_7",
        "components": [
            ("Movement licence web app", WEB, "azure"), ("Licensing database", DB, "azure"),
        ],
        "depends_on": [("defra-id", SIGN_IN), ("govuk-notify", CALLS)],
    },
    {
        "name": "Apply for a bluetongue movement licence",
        "slug": "bluetongue-movement-licence", "team": "apha-animal-health",
        "phase": "alpha", "since": 45, "owner": "Claire Donnelly",
        "description": "Move cattle, sheep or goats out of a bluetongue restricted zone.",
        "live_data": ("Premises and herd records from Apply for an animal movement licence", 30),
        "components": [("Bluetongue licence prototype", WEB, "cdp")],
        "depends_on": [
            ("apply-for-an-animal-movement-licence", FEED, LIVE_DATA), ("defra-id", SIGN_IN),
        ],
    },
    {
        "name": "Declare ivory you intend to deal in",
        "slug": "declare-ivory", "team": "apha-plant-health",
        "phase": "live", "since": 1300, "owner": "Tariq Mahmood",
        "description": "Register an ivory item to sell or hire it, or apply for an exemption.",
        "components": [("Ivory declaration web app", WEB, "aws", "brightwater")],
        "depends_on": [("govuk-pay", CALLS), ("govuk-notify", CALLS), ("address-lookup", CALLS)],
    },
    {
        "name": "Apply for a CITES permit",
        "slug": "apply-for-a-cites-permit", "team": "apha-plant-health",
        "phase": "public_beta", "since": 220, "owner": "Tariq Mahmood",
        "description": "Apply for a permit to trade in endangered animals, plants or products.",
        "live_data": ("Permit holders migrated from the legacy CITES system", 220),
        "components": [
            ("CITES permit web app", WEB, "cdp"), ("CITES casework CRM", SAAS, "saas", "microsoft"),
        ],
        "depends_on": [("govuk-pay", CALLS), ("defra-id", SIGN_IN), ("companies-house", CALLS)],
    },
    {
        "name": "Apply for a phytosanitary certificate",
        "slug": "apply-for-a-phytosanitary-certificate", "team": "apha-plant-health",
        "phase": "live", "since": 2000, "owner": "Tariq Mahmood",
        "description": "Apply for the certificate needed to export plants (eDomero).",
        "critical": "Plants and plant products cannot be exported without a certificate.",
        "components": [("eDomero web app", WEB, "on_premises", "tamar-data")],
        "depends_on": [("defra-id", SIGN_IN), ("govuk-notify", CALLS)],
    },
    # Trade and borders
    {
        "name": "Import of products, animals, food and feed system (IPAFFS)",
        "slug": "ipaffs", "team": "ipaffs",
        "phase": "live", "since": 2200, "owner": "Lucy Chambers", "product_manager": "Ben Adeyemi",
        "description": "Notify the authorities of imports of animals, plants, food and feed.",
        "critical": "Every controlled import is notified through it; an outage stops goods.",
        "hours": "24_7",
        "components": [
            ("IPAFFS notification web app", WEB, "azure", "kestrel-cloud"),
            ("IPAFFS API", API, "azure", "kestrel-cloud"), ("Notifications database", DB, "azure"),
        ],
        "depends_on": [
            ("defra-id", SIGN_IN), ("hmrc-cds", FEED, LIVE_DATA), ("govuk-notify", CALLS),
        ],
    },
    {
        "name": "Border trade matching service",
        "slug": "border-trade-matching-service", "team": "ipaffs",
        "phase": "private_beta", "since": 90, "owner": "Lucy Chambers",
        "description": "Match customs declarations with import notifications and checks.",
        "live_data": ("Import notifications from IPAFFS and customs declarations from HMRC", 60),
        "components": [("Matching engine", API, "cdp"), ("Decisions queue", QUEUE, "cdp")],
        "depends_on": [
            ("ipaffs", FEED, LIVE_DATA), ("hmrc-cds", FEED, LIVE_DATA),
            ("core-delivery-platform", SHARED),
        ],
    },
    {
        "name": "Get an export health certificate",
        "slug": "get-an-export-health-certificate", "team": "exports-digital",
        "phase": "live", "since": 1700, "owner": "Hannah Reid",
        "description": "Apply for the certificate needed to export animals or animal products.",
        "critical": "Exports of animals and animal products are held at the border without one.",
        "components": [
            ("EHC Online web app", WEB, "azure", "kestrel-cloud"),
            ("Certificate templates store", FILES, "azure"),
        ],
        "depends_on": [("defra-id", SIGN_IN), ("govuk-pay", CALLS), ("govuk-notify", CALLS)],
    },
    {
        "name": "Exports digital",
        "slug": "exports-digital", "team": "exports-digital",
        "phase": "alpha", "since": 75, "owner": "Hannah Reid",
        "description": "The replacement for EHC Online, starting with products of animal origin.",
        "components": [("Exports prototype", WEB, "cdp")],
        "depends_on": [("get-an-export-health-certificate", FEED), ("defra-id", SIGN_IN)],
    },
    {
        "name": "Import risk assessment",
        "slug": "import-risk-assessment", "team": "ipaffs",
        "phase": "discovery", "since": 20, "owner": "Ben Adeyemi",
        "description": "Which consignments to check at the border, from the risk they carry.",
    },
    # Core platforms
    {
        "name": "Defra ID",
        "slug": "defra-id", "team": "defra-identity",
        "phase": "live", "since": 1400, "owner": "Vikram Patel",
        "description": "Sign in to Defra services as a customer, agent or business.",
        "critical": "Most Defra services sign users in through it; if it is down, so are they.",
        "hours": "24_7",
        "components": [
            ("Identity provider", IDP, "azure", "microsoft"),
            ("Customer account web app", WEB, "azure"),
        ],
        "depends_on": [
            ("government-gateway", SIGN_IN), ("govuk-one-login", SIGN_IN), ("govuk-notify", CALLS),
        ],
    },
    {
        "name": "Core Delivery Platform",
        "slug": "core-delivery-platform", "team": "cdp-platform",
        "phase": "live", "since": 900, "owner": "Laura Whitfield",
        "description": "The shared platform that builds, hosts and monitors Defra's services.",
        "critical": "Hosts many of Defra's newer services; an outage takes them all down.",
        "hours": "24_7",
        "components": [
            ("CDP portal", WEB, "aws"),
            ("CDP container platform", INFRA, "aws", "amazon-web-services"),
        ],
    },
    {
        "name": "Defra Customer Registry",
        "slug": "defra-customer-registry", "team": "defra-identity",
        "phase": "public_beta", "since": 300, "owner": "Vikram Patel",
        "description": "One record of each customer and business that Defra services share.",
        "live_data": ("Customer and business records from Defra ID and Rural Payments", 280),
        "components": [("Customer registry API", API, "cdp"), ("Registry database", DB, "cdp")],
        "depends_on": [("defra-id", CALLS, LIVE_DATA), ("rural-payments", FEED, LIVE_DATA)],
    },
    {
        "name": "Address lookup",
        "slug": "address-lookup", "team": "cdp-platform",
        "phase": "live", "since": 2500, "owner": "Laura Whitfield",
        "description": "Find a UK address from a postcode, for any Defra service.",
        "components": [("Address lookup API", API, "cdp")],
        "depends_on": [("ordnance-survey", CALLS)],
    },
    {
        "name": "Payment hub",
        "slug": "payment-hub", "team": "cdp-platform",
        "phase": "live", "since": 1900, "owner": "Laura Whitfield",
        "description": "Makes and records scheme payments to farmers and other customers.",
        "components": [
            ("Payment hub API", API, "azure"), ("Payment batches queue", QUEUE, "azure"),
        ],
    },
]
# fmt: on
