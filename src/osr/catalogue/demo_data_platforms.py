"""The demo estate's services of animal and plant health, trade and borders, and core
platforms, in the shape ``demo_data`` describes."""

from typing import Any

from .demo_data import (
    API,
    CALLS,
    DB,
    FEED,
    FILES,
    IDP,
    INFRA,
    LIVE_DATA,
    QUEUE,
    SAAS,
    SHARED,
    SIGN_IN,
    WEB,
)

# fmt: off
HEALTH_TRADE_AND_PLATFORM_SERVICES: list[dict[str, Any]] = [
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
