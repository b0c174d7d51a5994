"""Every edit page, submitted exactly as it is shown, saves and changes nothing.

The pages are not listed here: they are found by following the links of the
demo estate from the home page, the way a person finds them, and every route of
the URL map must be reached that way. An edit page is one whose form carries the
version it started from (``_version``), which every edit of an existing object
does. A new edit page is covered as soon as something links to it.
"""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from osr.catalogue.demo import load_estate
from osr.catalogue.models import DeliveryGroup, Service
from osr.core.models import ApiToken
from osr.core.roles import assign_role
from osr.devtools.models import ChangeModel, ChangeRequest, Integration
from osr.guides.models import GuideExport, OperationsProfile
from osr.guides.services import generate_version
from osr.myit.models import SyncRun
from osr.readiness.models import Campaign
from osr.reviews.models import Finding

from ..browsing import Crawl, Form, page_routes, route_of
from ..factories import PersonFactory, UserFactory
from ..readiness.factories import EvidenceFactory
from ..reviews.factories import (
    ActionFactory,
    AgendaItemFactory,
    RehearsalFactory,
    ReviewBoardFactory,
)

# Routes an administrator does not reach by following links in the estate below,
# and why.
NOT_LINKED = {
    "sign-in": "shown before signing in",
    "sign-out": "a button in the header",
    "admin/login/": "Django's admin sign-in",
    "healthz": "for the platform's probes",
    "readyz": "for the platform's probes",
    "import/apply": "a button on the import preview",
    "review-boards/<int:pk>/services/<slug:slug>/assessment": "offered to panel members only",
    "services/<slug:slug>/operations-guide/versions/<int:number>/approve": "offered to the "
    "group's managers only",
    "services/<slug:slug>/myit/sync": "offered only when MyIT is configured",
    "services/<slug:slug>/operations-guide/compare": "offered once a guide has two versions",
    "operations-guides/exports/<int:pk>/download": "offered once an export has finished",
}

# Fields whose stored form differs from what any form shows (timestamps kept for
# ordering, secrets kept hashed), so they are not compared.
UNCOMPARED = {"created", "updated", "last_login", "password", "last_used"}

DOMAIN_APPS = ("catalogue", "readiness", "reviews", "guides", "devtools", "myit")
# Worked out from the rest, never edited: a save marks a service's stored readiness
# to be evaluated again, whether or not anything it reads has changed.
DERIVED = {"readiness.ReadinessResult"}


def snapshot() -> dict[str, list[dict]]:
    """Every domain object's stored values, to tell whether a submission changed any."""
    state = {}
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in DERIVED:
                continue
            rows = serializers.serialize("python", model.objects.order_by("pk"))
            state[model._meta.label] = [
                {k: v for k, v in row["fields"].items() if k not in UNCOMPARED} | {"pk": row["pk"]}
                for row in rows
            ]
    return state


def difference(before: dict, after: dict) -> list[str]:
    changes = []
    for label, rows in after.items():
        old = {row["pk"]: row for row in before.get(label, [])}
        for row in rows:
            was = old.pop(row["pk"], None)
            if was is None:
                changes.append(f"{label} {row['pk']} added")
                continue
            changes += [
                f"{label} {row['pk']}.{name}: {was.get(name)!r} -> {value!r}"
                for name, value in row.items()
                if was.get(name) != value
            ]
        changes += [f"{label} {pk} removed" for pk in old]
    return changes


@pytest.fixture
def estate(db):
    """The demo estate, with a board, a rehearsal, an action, an operations profile and a token."""
    today = timezone.localdate()
    load_estate(today=today)
    service = Service.objects.filter(phase="live").order_by("slug").first()
    group = service.delivery_group
    chair = group.osr_manager or PersonFactory()
    # Scheduled through its form, a board starts on a whole minute.
    next_week = (timezone.now() + dt.timedelta(days=7)).replace(second=0, microsecond=0)
    ReviewBoardFactory(delivery_group=group, chair=chair, starts_at=next_week)
    board = ReviewBoardFactory(delivery_group=group, chair=chair)  # one that has met
    AgendaItemFactory(board=board, service=service)
    rehearsal = RehearsalFactory(service=service)
    Finding.objects.create(rehearsal=rehearsal, description="The runbook was out of date")
    ActionFactory(service=service, owner=chair)
    OperationsProfile.objects.get_or_create(service=service)
    EvidenceFactory(
        service=service,
        requirement_id="LD-1",
        file=SimpleUploadedFile("pack.pdf", b"%PDF-1.4\n%%EOF\n"),
        file_name="pack.pdf",
        file_type="pdf",
        file_size=15,
    )
    generate_version(service, by=None, today=today)
    SyncRun.objects.create(service=service, status="succeeded")
    GuideExport.objects.create(formats=["html"])
    integration = Integration.objects.create(service=service, host="github", name="defra/app")
    ChangeRequest.objects.create(
        service=service,
        integration=integration,
        host="github",
        delivery_id="1",
        event="deployment",
        summary="Deploy",
        status="failed",
    )
    ChangeModel.objects.create(service=service)
    ApiToken.issue(UserFactory(username="deployments"), name="Deployments")
    campaign = Campaign.objects.create(
        title="Dashboards", requirement_id="LV-1", target_date=today + dt.timedelta(days=30)
    )
    campaign.groups.add(group)
    return service


def signed_in(role: str, group: DeliveryGroup | None = None) -> Client:
    user = UserFactory(username=f"round-trip-{role}")
    assign_role(user, role)
    person = PersonFactory(name=f"Round Trip {role.title()}", user=user)
    if group is not None:
        group.members.add(person)
    client = Client()
    client.force_login(user)
    return client


def crawl(client: Client) -> Crawl:
    starts = ["/", "/services", "/readiness", "/review-boards", "/actions", "/dependency-map"]
    return Crawl(client).run(*starts)


def edit_forms(crawled: Crawl) -> list[Form]:
    return [form for form in crawled.forms() if "_version" in form.names]


def problems_shown(html: str) -> str:
    summary = lxml.html.fromstring(html).xpath("//*[contains(@class, 'govuk-error-summary')]")
    return " ".join(summary[0].text_content().split()) if summary else "(no error summary)"


def submit_unchanged(client: Client, form: Form) -> None:
    before, entries = snapshot(), LogEntry.objects.count()
    response = client.post(form.action, form.as_post())
    assert response.status_code in (302, 303), (
        f"{form.page}: submitting the form as shown answered {response.status_code}: "
        + problems_shown(response.content.decode())
    )
    changes = difference(before, snapshot())
    assert not changes, f"{form.page}: saving unchanged changed " + "; ".join(changes[:10])
    assert LogEntry.objects.count() == entries, f"{form.page}: saving unchanged was audited"


def test_every_route_is_reached_by_following_links(estate):
    crawled = crawl(signed_in("admin"))
    unreached = page_routes() - crawled.routes() - NOT_LINKED.keys()
    # A route answering only a form's POST is reached through that form.
    posted = {route_of(form.action) for form in crawled.forms()}
    assert not sorted(unreached - posted), "no link reaches these pages"
    broken = {path: status for path, status in crawled.statuses.items() if status >= 400}
    assert not broken, f"pages that fail: {broken}"


def test_every_edit_page_saves_unchanged_as_shown(estate):
    client = signed_in("admin")
    forms = edit_forms(crawl(client))
    covered = {route_of(form.action) for form in forms}
    assert {"services/<slug:key>/edit", "dependencies/<int:key>/edit"} <= covered
    for form in forms:
        submit_unchanged(client, form)


def test_a_delivery_team_member_saves_their_service_unchanged(estate):
    client = signed_in("delivery", group=estate.delivery_group)
    page = f"/services/{estate.slug}/edit"
    forms = [form for form in Crawl(client).run(page).forms() if "_version" in form.names]
    assert forms, "the service's edit page shows no form"
    assert forms[0].value("delivery_group") == estate.delivery_group.slug
    if estate.delivery_team:
        assert forms[0].value("delivery_team") == estate.delivery_team.slug
    submit_unchanged(client, forms[0])
