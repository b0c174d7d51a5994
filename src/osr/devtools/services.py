"""Developer tooling operations shared by pages, the API, webhooks and the background task."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from osr.catalogue.models import Component, Service
from osr.graph.blast import BlastRadius
from osr.myit.checks import CheckResult
from osr.myit.client import MyitClient, MyitError, escape
from osr.myit.mapping import current_mapping
from osr.myit.models import MyitRecord

from . import blast, signing
from .choices import ChangeRoute, ChangeStatus
from .hosts import NEEDS_SECRET, Delivery, web_link
from .models import ChangeModel, ChangeRequest, Integration

log = logging.getLogger(__name__)


def create_integration(
    service: Service, *, host: str, name: str, component: Component | None, by
) -> tuple[Integration, str]:
    """Link a code host to a service; return the integration and its secret, shown once."""
    secret = signing.new_secret()
    with transaction.atomic():
        integration = Integration.objects.create(
            service=service,
            host=host,
            name=name,
            component=component,
            stored_secret=signing.keep(secret, needs_secret=host in NEEDS_SECRET),
            secret_changed_at=timezone.now(),
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
    return integration, secret


def secret_grace() -> dt.timedelta:
    """How long a rotated-away secret is still accepted (``OSR_WEBHOOK_SECRET_GRACE_HOURS``)."""
    return dt.timedelta(hours=settings.OSR_WEBHOOK_SECRET_GRACE_HOURS)


def rotate_secret(integration: Integration, *, by) -> tuple[Integration, str]:
    """Give an integration a new secret, shown once; the one it replaces is still
    accepted for the grace period, while the code host is given the new one."""
    secret = signing.new_secret()
    now = timezone.now()
    with transaction.atomic():
        # Locked, so that two rotations at once keep the secret the code host holds.
        locked = Integration.objects.select_for_update().get(pk=integration.pk)
        locked.previous_secret = locked.stored_secret
        locked.previous_secret_until = now + secret_grace()
        locked.stored_secret = signing.keep(secret, needs_secret=locked.host in NEEDS_SECRET)
        locked.secret_changed_at = now
        locked.save(
            update_fields=[
                "previous_secret",
                "previous_secret_until",
                "stored_secret",
                "secret_changed_at",
                "updated",
            ]
        )
    return locked, secret


def encrypt_with_first_key() -> int:
    """Encrypt every kept secret again with the first of ``OSR_WEBHOOK_KEYS``; how many.

    Run after putting a new key first, before the old key is removed.
    """
    changed = 0
    with transaction.atomic():
        for integration in Integration.objects.select_for_update().exclude(stored_secret=""):
            current = signing.sealed_again(integration.stored_secret)
            previous = signing.sealed_again(integration.previous_secret)
            if (current, previous) != (integration.stored_secret, integration.previous_secret):
                integration.stored_secret, integration.previous_secret = current, previous
                integration.save(update_fields=["stored_secret", "previous_secret"])
                changed += 1
    return changed


def delete_integration(integration: Integration, *, by) -> None:
    """Unlink a code host; the changes it raised stay in the service's history."""
    with transaction.atomic():
        integration.delete()


def save_change_model(
    service: Service, *, route: str, template_sys_id: str, even_if_critical: bool = False, by
) -> ChangeModel:
    """Record how the service's changes from developer tooling are raised."""
    with transaction.atomic():
        model, _ = ChangeModel.objects.update_or_create(
            service=service,
            defaults={
                "route": route,
                "standard_template_sys_id": template_sys_id,
                "standard_even_if_critical": even_if_critical,
            },
        )
    return model


def receive_delivery(integration: Integration, delivery: Delivery) -> tuple[ChangeRequest, bool]:
    """Record a verified event once for the integration, and raise its change after the commit.

    Returns the change and whether it is new: the same event sent again, under
    any delivery id, returns this integration's change recorded the first time
    and queues nothing. Another integration's changes are never looked at.
    """
    event_key = (delivery.event_key or f"delivery:{delivery.delivery_id}")[:300]
    recorded = ChangeRequest.objects.filter(integration=integration, event_key=event_key)
    existing = recorded.first()
    if existing is not None:
        return existing, False
    # Read before the write: the graph's index and the readiness engine only read.
    assessment = blast.assess(integration.service, today=timezone.localdate())
    try:
        with transaction.atomic():
            change = ChangeRequest.objects.create(
                **blast_radius_fields(assessment),
                service_id=integration.service_id,
                integration=integration,
                host=integration.host,
                delivery_id=delivery.delivery_id[:200],
                event_key=event_key,
                event=delivery.event,
                summary=delivery.summary[:300],
                description=delivery.description,
                link_url=web_link(delivery.link_url),
                commit_sha=delivery.commit_sha[:64],
                environment=delivery.environment[:200],
            )
            Integration.objects.filter(pk=integration.pk).update(last_delivery_at=timezone.now())
            transaction.on_commit(lambda: _enqueue(change.pk))
    except IntegrityError:
        # The same event arriving twice at once: the other request recorded it.
        return recorded.get(), False
    return change, True


def blast_radius_fields(assessment: blast.Assessment) -> dict[str, Any]:
    """What a change keeps of its assessment: the blast radius as it was when recorded."""
    radius = assessment.radius
    return {
        "blast_radius": radius.as_dict(),
        "affects_live": radius.live,
        "affects_critical_live": radius.critical_live,
        "affects_live_data": radius.live_data,
        "ready_for_phase": assessment.ready,
        "route": assessment.route,
        "route_reason": assessment.route_reason,
    }


def blast_radius_values(change: ChangeRequest, fields: dict[str, str]) -> dict[str, str]:
    """The blast radius as MyIT's change fields: risk, impact and work notes."""
    radius = BlastRadius.from_dict(change.blast_radius)
    risk, impact = blast.risk_and_impact(radius, ready=change.ready_for_phase is not False)
    return {
        fields.get("risk", "risk"): risk,
        fields.get("impact", "impact"): impact,
        fields.get("work_notes", "work_notes"): notes_of(change),
    }


def notes_of(change: ChangeRequest) -> str:
    """The change's blast radius and route, in words, for MyIT's description and work notes."""
    if not change.blast_radius:
        return ""  # recorded before blast radii were kept
    lines = blast.radius_text(BlastRadius.from_dict(change.blast_radius))
    if change.ready_for_phase is False:
        lines.append("Readiness: the service is not ready for its phase.")
    if change.route_reason:
        lines.append(f"Route: {change.route_reason}.")
    return "\n".join(lines)


def record_change(
    service: Service, *, summary: str, description: str, link_url: str, environment: str, by
) -> ChangeRequest:
    """Record a change raised in OSR with its blast radius, and raise it after the commit."""
    assessment = blast.assess(service, today=timezone.localdate())
    with transaction.atomic():
        change = ChangeRequest.objects.create(
            **blast_radius_fields(assessment),
            service=service,
            event="raised in OSR",
            summary=summary[:300],
            description=description,
            link_url=web_link(link_url),
            environment=environment[:200],
        )
        transaction.on_commit(lambda: _enqueue(change.pk))
    return change


def _enqueue(change_id: int) -> None:
    """Hand the raising of a change to a worker."""
    from .tasks import raise_change_in_myit

    raise_change_in_myit.enqueue(change_id)


def raise_change(change_id: int, *, client: MyitClient | None = None) -> ChangeRequest:
    """Raise the change in MyIT for a recorded delivery, following the service's change model.

    A change already raised is left alone; before creating one, MyIT is asked
    for a change carrying this change's correlation id, so a retry after a
    lost answer never raises a second change.
    """
    change = ChangeRequest.objects.select_related("service", "integration").get(pk=change_id)
    if change.status == ChangeStatus.RAISED:
        return change
    mapping = current_mapping()
    records = dict(
        MyitRecord.objects.filter(service_id=change.service_id).values_list("key", "sys_id")
    )
    model = ChangeModel.objects.filter(service_id=change.service_id).first()
    # The route decided when the change was recorded, by its blast radius.
    route = change.route or blast.route_for(model, BlastRadius.from_dict(change.blast_radius))[0]
    if "service" not in records:
        return _failed(change, "The service is not in MyIT yet: sync it to MyIT first")
    cf, corr_field = mapping.change_fields, mapping.correlation_field
    # The change's own id: a delivery id is chosen by whoever sends it, and
    # matching on it could find, and reveal, another service's change.
    correlation = mapping.correlation_id("change", str(change.pk))
    link = change.web_link
    component_id = change.integration.component_id if change.integration else None
    ci = records.get(f"component:{component_id}") or records["service"]
    values = {
        cf["short_description"]: change.summary[:160],
        **blast_radius_values(change, cf),
        cf["description"]: "\n".join(
            p for p in [change.summary, change.description, link, notes_of(change)] if p
        ),
        cf["business_service"]: records["service"],
        cf["service_offering"]: records.get("offering", ""),
        cf["cmdb_ci"]: ci,
        cf["assignment_group"]: records.get("group:support", ""),
        cf["link"]: link,
        cf["chg_model"]: mapping.change_models.get(route, ""),
        corr_field: correlation,
    }
    values = {k: v for k, v in values.items() if k and v}
    own_client = client is None
    try:
        client = client or MyitClient.from_settings()
        found = list(
            client.list(
                mapping.table("change"),
                query=f"{corr_field}={escape(correlation)}",
                fields=["sys_id", "number"],
            )
        )
        if found:
            raised = found[0]
        else:
            standard = route == ChangeRoute.STANDARD and model is not None and model.uses_template
            template = model.standard_template_sys_id if standard and model else ""
            raised = client.create_change(route, values, template_sys_id=template)
    except MyitError as error:
        log.warning("Change for delivery %s not raised: %s", change.delivery_id, error)
        return _failed(change, str(error))
    finally:
        if own_client and client is not None:
            client.close()
    with transaction.atomic():
        change.status = ChangeStatus.RAISED
        change.route = route
        change.myit_number = str(raised.get("number", ""))
        change.myit_sys_id = str(raised.get("sys_id", ""))
        change.raised_at = timezone.now()
        change.message = ""
        change.save()
    return change


def _failed(change: ChangeRequest, message: str) -> ChangeRequest:
    """Record why a change was not raised; ``retry_change`` queues it again."""
    change.status = ChangeStatus.FAILED
    change.message = message
    change.save(update_fields=["status", "message"])
    return change


def retry_change(change: ChangeRequest, *, by) -> ChangeRequest:
    """Queue another attempt at raising a change that was not raised."""
    if change.status != ChangeStatus.FAILED:
        return change
    with transaction.atomic():
        change.status = ChangeStatus.QUEUED
        change.message = ""
        change.save(update_fields=["status", "message"])
        transaction.on_commit(lambda: _enqueue(change.pk))
    return change


def automated_links(changes_raised_by_integration: dict[str, int]) -> CheckResult:
    """PUB-2: met once an integration of the service has raised at least one change.

    A plain rule over plain data: integration name -> changes it raised in MyIT.
    """
    if not changes_raised_by_integration:
        return CheckResult("PUB-2", False, "No developer tooling is linked to the service")
    raised = {name: n for name, n in changes_raised_by_integration.items() if n}
    if not raised:
        return CheckResult("PUB-2", False, "No change has been raised through an integration yet")
    name = sorted(raised)[0]
    return CheckResult("PUB-2", True, f"Changes are raised automatically through {name}")


def automated_links_of(service: Service) -> CheckResult:
    """PUB-2 for a service, from its integrations and the changes they raised (one query)."""
    integrations = Integration.objects.filter(service=service).annotate(
        raised=Count("changes", filter=Q(changes__status=ChangeStatus.RAISED))
    )
    return automated_links({str(i): i.raised for i in integrations})
