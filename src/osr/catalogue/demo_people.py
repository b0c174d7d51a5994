"""The demo estate's organisation: people, delivery groups and teams, external systems,
suppliers and their contracts, and the development accounts of each role.

Dates are days from the day the estate is loaded (negative: before it).
"""

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

# (role, username, first name, last name, delivery groups, delivery teams). Development only.
# The delivery account works in a team of several services; the OSR manager runs the
# groups whose evidence awaits verification; the live services manager, the group whose
# live services include one fully ready and one whose guide awaits approval.
DEMO_ACCOUNTS = [
    ("viewer", "viewer", "Morgan", "Ellis", [], []),
    ("delivery", "delivery", "Sam", "Okafor", ["farming-and-countryside"], ["farming-schemes"]),
    ("osr_manager", "osr_manager", "Priya", "Nair",
     ["farming-and-countryside", "animal-and-plant-health"], []),
    ("live_services_manager", "live_services_manager", "Tom", "Hadley",
     ["farming-and-countryside"], []),
    ("admin", "admin", "Alex", "Morgan", [], []),
]  # fmt: skip

SUPPORT_EMAIL_OF_GROUP = {group[0]: group[4] for group in GROUPS}
GROUP_OF_TEAM = {team[0]: team[3] for team in TEAMS}


def email_of(name: str) -> str:
    return name.lower().replace(" ", ".") + "@defra.example"
