"""The catalogue: who delivers what, from which parts, on whom it depends."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from osr.core import locked_rows
from osr.core.compiled import OneBy
from osr.core.models import TimestampedModel
from osr.core.refusals import Invalid
from osr.core.shortcuts import require

from .choices import (
    ComponentKind,
    DependencyKind,
    Hosting,
    Phase,
    SupportHours,
    TeamKind,
)
from .phase_hooks import check_phase_move


class Person(TimestampedModel):
    """Someone OSR can name as a contact, with or without a user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    out_of_hours = models.CharField(
        "Out-of-hours cover",
        max_length=200,
        blank=True,
        help_text="How to reach them outside working hours, for example an on-call rota "
        "and its number, or who covers for them",
    )
    role_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:person", args=[self.pk])


class DeliveryGroup(TimestampedModel):
    """A Defra delivery group, with its assigned OSR and live services managers."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    osr_manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="osr_manager_of"
    )
    live_services_manager = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_services_manager_of",
    )
    members = models.ManyToManyField(Person, blank=True, related_name="delivery_groups")
    teams_webhook_url = models.URLField(
        "Microsoft Teams channel webhook",
        max_length=1000,
        blank=True,
        help_text="The incoming webhook address of the group's Teams channel (https), "
        "which OSR posts the group's hand-offs to",
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:group", args=[self.slug])

    @property
    def gaps(self) -> list[str]:
        """The roles every delivery group must have but this one lacks."""
        missing = []
        if self.osr_manager_id is None:
            missing.append("No OSR manager")
        if self.live_services_manager_id is None:
            missing.append("No live services manager")
        return missing


class Team(TimestampedModel):
    """A delivery or support team within a delivery group."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=TeamKind.choices, default=TeamKind.DELIVERY)
    delivery_group = models.ForeignKey(
        DeliveryGroup, on_delete=models.PROTECT, related_name="teams"
    )
    members = models.ManyToManyField(Person, blank=True, related_name="teams")
    contact_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:team", args=[self.slug])

    @property
    def owning_group_id(self) -> int:
        return self.delivery_group_id


class Service(TimestampedModel):
    """A Defra digital service held to the readiness requirements of its phase."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, help_text="Stable; never changes")
    description = models.TextField(blank=True)
    delivery_group = models.ForeignKey(
        DeliveryGroup, on_delete=models.PROTECT, related_name="services"
    )
    delivery_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.DISCOVERY)
    phase_since = models.DateField(default=dt.date.today)
    critical = models.BooleanField(default=False)
    critical_reason = models.TextField(blank=True)
    uses_live_data = models.BooleanField(default=False)
    live_data_since = models.DateField(null=True, blank=True)
    live_data_sources = models.TextField(
        blank=True, help_text="Which live services or data the service uses"
    )
    service_owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_services"
    )
    product_manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_services"
    )
    support_contact_email = models.EmailField(blank=True)
    data_owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_owned_services"
    )
    support_hours = models.CharField(
        max_length=20, choices=SupportHours.choices, default=SupportHours.BUSINESS_HOURS
    )
    user_needs_summary = models.TextField(blank=True)
    technical_solution_summary = models.TextField(blank=True)
    repository_urls = models.JSONField(default=list, blank=True)
    dashboard_urls = models.JSONField(default=list, blank=True)
    runbook_urls = models.JSONField(default=list, blank=True)
    myit_record_url = models.URLField(blank=True, max_length=500)
    # When the team last said its owners and contacts are right (see ``contacts``).
    contacts_confirmed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        # Each list filter, and the unfiltered list, read a page in list order
        # from an index instead of sorting the whole catalogue.
        indexes = [
            models.Index(fields=["name", "id"]),
            models.Index(fields=["phase", "name", "id"]),
            models.Index(fields=["delivery_group", "name", "id"]),
            models.Index(fields=["critical", "name", "id"]),
            models.Index(fields=["uses_live_data", "name", "id"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:service", args=[self.slug])

    @property
    def owning_group_id(self) -> int:
        return self.delivery_group_id

    def move_to(self, phase: str, *, by, reason: str = "", force: bool = False) -> PhaseChange:
        """Move the service to another phase and record who moved it and when.

        Every phase change goes through here. Apps that guard phases (readiness
        gates) register a check in ``phase_hooks``; a refused move raises
        ``PhaseMoveRefused`` and changes nothing. Only an administrator forces a
        move past its blockers, and never without a reason.
        """
        if phase not in Phase.values:
            raise Invalid({"phase": [f"Choose one of: {', '.join(Phase.values)}"]})
        if force:
            require(by, "catalogue.force_phase_move", self)
            if not reason.strip():
                raise Invalid({"reason": ["Give a reason for forcing the move"]})
        today = timezone.localdate()
        with transaction.atomic():
            locked = locked_service(self.pk)
            stored = locked_rows.copy_of(locked)
            check_phase_move(locked, phase, by=by, today=today, force=force, reason=reason)
            change = PhaseChange.objects.create(
                service=locked,
                from_phase=locked.phase,
                to_phase=phase,
                changed_by=by if getattr(by, "is_authenticated", False) else None,
                reason=reason,
                forced=force,
            )
            locked.phase = phase
            locked.phase_since = today
            with locked_rows.kept(stored):
                locked.save(update_fields=["phase", "phase_since", "updated"])
        self.phase, self.phase_since = locked.phase, locked.phase_since
        return change


# A service's row, locked until the transaction ends, by SQL written once: every phase
# move and confirmation of contacts reads it so.
_LOCKED = OneBy(lambda: Service.objects.select_for_update(), "pk")


def locked_service(pk: int) -> Service:
    """The service with this key, its row locked until the transaction ends."""
    found = _LOCKED.get(pk)
    if found is None:
        raise Service.DoesNotExist(f"No service has the key {pk}")
    return found


class PhaseChange(models.Model):
    """One move of a service from a phase to another: the phase history."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=20, choices=Phase.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.TextField(blank=True)
    forced = models.BooleanField(default=False)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.service}: {self.from_phase or '—'} → {self.to_phase}"


class Supplier(TimestampedModel):
    """A company that supplies or supports components of Defra's services."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:supplier", args=[self.slug])


class Component(TimestampedModel):
    """A part of a service: an application, a database, a SaaS product, …"""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ComponentKind.choices)
    hosting = models.CharField(max_length=30, choices=Hosting.choices)
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="components"
    )
    support_group = models.CharField(max_length=200, blank=True)
    runbook_url = models.URLField(blank=True, max_length=500)
    monitoring_url = models.URLField(blank=True, max_length=500)

    class Meta:
        ordering = ["service__name", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "name"], name="component_name_unique_in_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.service})"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:component", args=[self.pk])

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id


class Contract(TimestampedModel):
    """A contract with a supplier, covering some components, between two dates."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=100, unique=True)
    start_date = models.DateField()
    end_date = models.DateField()
    components = models.ManyToManyField(Component, blank=True, related_name="contracts")

    class Meta:
        ordering = ["supplier__name", "reference", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="contract_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("catalogue:contract", args=[self.pk])

    def is_current(self, today: dt.date) -> bool:
        """A contract is current when today lies within its dates."""
        return self.start_date <= today <= self.end_date


class ExternalSystem(TimestampedModel):
    """A system outside Defra's catalogue that services depend on (GOV.UK Notify, …)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:external_system", args=[self.slug])


class Dependency(TimestampedModel):
    """A service needing another service or an external system."""

    from_service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="dependencies")
    to_service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="dependents"
    )
    to_external = models.ForeignKey(
        ExternalSystem, null=True, blank=True, on_delete=models.PROTECT, related_name="dependents"
    )
    kind = models.CharField(
        max_length=30, choices=DependencyKind.choices, default=DependencyKind.RUNTIME_API
    )
    carries_live_data = models.BooleanField(default=False)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["from_service__name", "id"]
        verbose_name_plural = "dependencies"
        constraints = [
            models.CheckConstraint(
                condition=(Q(to_service__isnull=False) & Q(to_external__isnull=True))
                | (Q(to_service__isnull=True) & Q(to_external__isnull=False)),
                name="dependency_has_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(from_service=models.F("to_service")), name="dependency_not_on_itself"
            ),
            models.UniqueConstraint(
                fields=["from_service", "to_service"], name="dependency_on_service_once"
            ),
            models.UniqueConstraint(
                fields=["from_service", "to_external"], name="dependency_on_external_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_service} → {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:dependency", args=[self.pk])

    @property
    def target(self) -> Service | ExternalSystem | None:
        return self.to_service if self.to_service_id else self.to_external

    @property
    def owning_group_id(self) -> int:
        return self.from_service.delivery_group_id
