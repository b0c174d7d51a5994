"""Developer tooling operations shared by pages, the API, webhooks and the background task."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from osr.catalogue.models import Component, Service
from osr.myit.checks import CheckResult
from osr.myit.client import MyitClient, MyitError, escape
from osr.myit.mapping import current_mapping
from osr.myit.models import MyitRecord

from .choices import ChangeRoute, ChangeStatus
from .hosts import Delivery
from .models import ChangeModel, ChangeRequest, Integration

log = logging.getLogger(__name__)


def create_integration(
    service: Service, *, host: str, name: str, component: Component | None, by
) -> tuple[Integration, str]:
    """Link a code host to a service; return the integration and its secret, shown once."""
    with transaction.atomic():
        integration = Integration.objects.create(
            service=service,
            host=host,
            name=name,
            component=component,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
    return integration, integration.secret()


def delete_integration(integration: Integration, *, by) -> None:
    """Unlink a code host; the changes it raised stay in the service's history."""
    with transaction.atomic():
        integration.delete()


def save_change_model(service: Service, *, route: str, template_sys_id: str, by) -> ChangeModel:
    """Record how the service's changes from developer tooling are raised."""
    with transaction.atomic():
        model, _ = ChangeModel.objects.update_or_create(
            service=service,
            defaults={"route": route, "standard_template_sys_id": template_sys_id},
        )
    return model


def receive_delivery(integration: Integration, delivery: Delivery) -> tuple[ChangeRequest, bool]:
    """Record a verified delivery once, and raise its change after the commit.

    Returns the change and whether it is new: a delivery sent again (same
    delivery id) returns the change recorded the first time and queues nothing.
    """
    existing = ChangeRequest.objects.filter(
        host=integration.host, delivery_id=delivery.delivery_id
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            change = ChangeRequest.objects.create(
                service_id=integration.service_id,
                integration=integration,
                host=integration.host,
                delivery_id=delivery.delivery_id,
                event=delivery.event,
                summary=delivery.summary[:300],
                description=delivery.description,
                link_url=delivery.link_url[:1000],
                commit_sha=delivery.commit_sha[:64],
                environment=delivery.environment[:200],
            )
            Integration.objects.filter(pk=integration.pk).update(last_delivery_at=timezone.now())
            transaction.on_commit(lambda: _enqueue(change.pk))
    except IntegrityError:
        # The same delivery arriving twice at once: the other request recorded it.
        return ChangeRequest.objects.get(
            host=integration.host, delivery_id=delivery.delivery_id
        ), False
    return change, True


def _enqueue(change_id: int) -> None:
    """Hand the raising of a change to a worker."""
    from .tasks import raise_change_in_myit

    raise_change_in_myit.enqueue(change_id)


def raise_change(change_id: int, *, client: MyitClient | None = None) -> ChangeRequest:
    """Raise the change in MyIT for a recorded delivery, following the service's change model.

    A change already raised is left alone; before creating one, MyIT is asked
    for a change carrying the delivery's correlation id, so a retry after a
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
    route = ChangeRoute.STANDARD if model and model.uses_template else ChangeRoute.NORMAL
    if "service" not in records:
        return _failed(change, "The service is not in MyIT yet: sync it to MyIT first")
    cf, corr_field = mapping.change_fields, mapping.correlation_field
    correlation = mapping.correlation_id("delivery", change.host, change.delivery_id)
    component_id = change.integration.component_id if change.integration else None
    ci = records.get(f"component:{component_id}") or records["service"]
    values = {
        cf["short_description"]: change.summary[:160],
        cf["description"]: "\n".join(
            p for p in [change.summary, change.description, change.link_url] if p
        ),
        cf["business_service"]: records["service"],
        cf["service_offering"]: records.get("offering", ""),
        cf["cmdb_ci"]: ci,
        cf["assignment_group"]: records.get("group:support", ""),
        cf["link"]: change.link_url,
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
            template = model.standard_template_sys_id if model and model.uses_template else ""
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
