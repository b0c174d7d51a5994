"""The demo's MyIT: the live services synced to a ServiceNow running in this process.

The sync is the one the pages and ``osr myit sync`` run, against the fake
ServiceNow (``fake``) served on 127.0.0.1 for as long as the demo loads: what
OSR records (sys_ids, what MyIT held, the runs) is what a sync records.

Before the first sync, MyIT is given what the service desk keeps there, through
the fake's own ``seed``: an account for each of the estate's people (so a sync
can name a service's owners) and, for the fully ready service, its support
queues with their members. Other live services' queues stay empty, the gap
their readiness shows.
"""

from __future__ import annotations

from django.db.models import Q

from osr.catalogue.demo import register_demo_step
from osr.catalogue.demo_history import History
from osr.catalogue.models import Person, Service
from osr.readiness.demo import FULLY_READY

from .client import Credentials, MyitClient
from .fake import FakeServiceNow
from .mapping import current_mapping
from .models import MyitRecord, MyitSnapshot
from .plan import group_names
from .services import facts_of, sync_now

SYNCED_DAYS_AGO = 30
CLIENT = "myit_client"
# A public beta service already in MyIT (PB-3), whose pipeline raises its changes there.
ALSO_SYNCED = ["countryside-stewardship-higher-tier"]


def demo_client(history: History) -> MyitClient:
    """A client of the fake ServiceNow, started once for the whole load."""
    if CLIENT not in history.shared:
        fake = FakeServiceNow()
        history.resources.enter_context(fake)
        client = MyitClient(
            fake.base_url, Credentials(username=fake.username, password=fake.password)
        )
        history.resources.callback(client.close)
        history.shared[CLIENT] = client
        _seed_service_desk(fake)
    return history.shared[CLIENT]


def _seed_service_desk(fake: FakeServiceNow) -> None:
    """What the service desk keeps in MyIT: its people, and the fully ready service's queues."""
    mapping = current_mapping()
    users = {}
    for person in Person.objects.order_by("pk"):
        first, _, last = person.name.partition(" ")
        users[person.name] = fake.seed(
            mapping.table("user"),
            **{"user_name": person.email.split("@")[0], "first_name": first, "last_name": last,
               mapping.user_email_field: person.email},
        )["sys_id"]  # fmt: skip
    service = Service.objects.prefetch_related("components", "delivery_team__members").get(
        slug=FULLY_READY
    )
    team = service.delivery_team
    # The service's team, and farming's support lead (first line for the service desk).
    staff = [p.name for p in team.members.all()] if team else []
    staff.append("Paul Stevens")
    for role, name in group_names(facts_of(service), mapping).values():
        if role == "change":
            continue
        group = fake.seed(mapping.table("group"), name=name)["sys_id"]
        for member in staff:
            fake.seed(
                mapping.table("group_member"),
                **{mapping.member_group_field: group, "user": users[member]},
            )


def load(history: History) -> None:
    """Sync each live service not synced yet, as its delivery group's live services manager."""
    live = list(
        Service.objects.filter(Q(phase="live") | Q(slug__in=ALSO_SYNCED))
        .exclude(myit_syncs__isnull=False)
        .select_related("delivery_group__live_services_manager")
        .order_by("slug")
    )
    if not live:
        return
    client = demo_client(history)
    for offset, service in enumerate(live):
        by = history.user_of(service.delivery_group.live_services_manager)
        when = history.moment(-SYNCED_DAYS_AGO - offset, 8, 30)
        with history.at(when, by=by):
            (run,) = sync_now([service], by=by, client=client)
        history.date(run, queued_at=when, started_at=when, finished_at=when)
        history.date(MyitSnapshot.objects.filter(service=service), taken_at=when)
        history.date(MyitRecord.objects.filter(service=service), updated=when)
        history.added += 1


def register() -> None:
    """Add this part of the demo estate; called from ``AppConfig.ready``."""
    register_demo_step(40, "myit", load)
