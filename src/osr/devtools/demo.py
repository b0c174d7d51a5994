"""The demo's changes raised from a code host: GitHub deployments become changes in MyIT.

Each team links its repository to its service (an integration, with its secret),
and each deployment arrives as GitHub sends it: a ``deployment`` event signed
with that secret. It goes through what the webhook does with a delivery (the
signature checked, the event read, the delivery recorded once) and the change is
raised in the fake ServiceNow the MyIT part of the demo started, so the change
numbers are MyIT's. The receipt also queues the raising for the worker, as every
delivery does; the worker then finds each change raised already and leaves it.
"""

from __future__ import annotations

import json
import uuid

from django.utils import timezone

from osr.catalogue.demo import register_demo_step
from osr.catalogue.demo_history import History
from osr.catalogue.models import Service
from osr.myit.demo import demo_client

from . import hosts
from .choices import Host
from .models import Integration
from .services import create_integration, raise_change, receive_delivery
from .signing import github_signature

# (service, repository, the component it deploys, [(days ago, git ref, what changed)])
PIPELINES = [
    ("sustainable-farming-incentive", "DEFRA/sfi-agreements-api", "Agreements API", [
        (47, "v3.11.0", "Quarterly payment schedule for the 2026 agreements"),
        (33, "v3.12.0", "Faster land parcel checks"),
        (19, "v3.12.1", "Fix the agreement summary for joint applicants"),
    ]),
    # In development and using Rural Payments' live data: its live services manager sees
    # its latest deployment among the changes near their live services.
    ("countryside-stewardship-higher-tier", "DEFRA/cs-higher-tier", "Higher Tier web app", [
        (26, "v0.9.0", "Capital items in the application"),
        (6, "v0.10.0", "Read land parcels from the Rural Payments feed every hour"),
    ]),
]  # fmt: skip
# Some time between the deployment and its change in MyIT, as the worker takes.
RAISED_AFTER_MINUTES = 2


def load(history: History) -> None:
    """Link each pipeline and send its deployments, unless the service has integrations."""
    for slug, repository, component_name, deployments in PIPELINES:
        service = Service.objects.select_related("delivery_team").get(slug=slug)
        if Integration.objects.filter(service=service).exists():
            continue
        first_day = deployments[0][0] + 7
        team = service.delivery_team
        by = history.user_of(team.members.order_by("pk").first() if team else service.service_owner)
        with history.at(history.moment(-first_day, 11), by=by):
            integration, secret = create_integration(
                service,
                host=Host.GITHUB,
                name=repository,
                component=service.components.get(name=component_name),
                by=by,
            )
        history.added += 1
        for days_ago, ref, description in deployments:
            _deploy(history, integration, secret, days_ago, ref, description)


def _deploy(
    history: History, integration: Integration, secret: str, days_ago: int, ref: str, what: str
) -> None:
    """Deliver one deployment as GitHub would, signed with the secret the team was shown."""
    repository = integration.name
    sha = uuid.uuid5(uuid.NAMESPACE_URL, f"{repository}@{ref}").hex + "0" * 8
    body = json.dumps(
        {
            "action": "created",
            "deployment": {
                "id": int(sha[:8], 16),
                "sha": sha,
                "ref": ref,
                "environment": "production",
                "description": what,
            },
            "repository": {
                "full_name": repository,
                "html_url": f"https://github.com/{repository}",
            },
        }
    ).encode()
    headers = {
        "content-type": "application/json",
        "x-github-event": "deployment",
        "x-github-delivery": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{repository}/{ref}")),
        "x-hub-signature-256": github_signature(secret, body),
    }
    kept = integration.secrets_in_force(timezone.now())
    if not hosts.verify(Host.GITHUB, kept, headers, body):
        raise ValueError(f"The demo's delivery for {repository} {ref} is not signed right")
    delivery = hosts.read(Host.GITHUB, headers, body)
    if delivery is None:
        raise ValueError(f"The demo's delivery for {repository} {ref} raises no change")
    received = history.moment(-days_ago, 14, 5)
    with history.at(received):
        change, _created = receive_delivery(integration, delivery)
    raised = history.moment(-days_ago, 14, 5 + RAISED_AFTER_MINUTES)
    with history.at(raised):
        raise_change(change.pk, client=demo_client(history))
    history.date(change, received_at=received, raised_at=raised)
    history.date(Integration.objects.filter(pk=integration.pk), last_delivery_at=received)
    history.added += 1


def register() -> None:
    """Add this part of the demo estate; called from ``AppConfig.ready``."""
    register_demo_step(50, "devtools", load)
