"""Code hosts linked to services, each service's change model, and the changes raised."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from osr.catalogue.models import Component, Service
from osr.core.models import TimestampedModel

from .choices import ChangeRoute, ChangeStatus, Host
from .hosts import web_link

SYS_ID = re.compile(r"^[0-9a-f]{32}$")


class Integration(TimestampedModel):
    """A code host's webhook linked to a service: its valid events raise the service's changes.

    Its secret is shown once, when it is made or rotated, and kept only as
    verifying needs it (see ``signing``). After a rotation the previous secret
    is accepted too, until ``previous_secret_until``, while the code host is updated.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="devtools_integrations"
    )
    host = models.CharField(max_length=20, choices=Host.choices)
    name = models.CharField(max_length=200, help_text="For example the repository or pipeline")
    component = models.ForeignKey(
        Component,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devtools_integrations",
        help_text="The component its deployments change, if it is one only",
    )
    stored_secret = models.TextField(blank=True, editable=False)
    previous_secret = models.TextField(blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    secret_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    last_delivery_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service__name", "name", "id"]

    def __str__(self) -> str:
        return f"{self.get_host_display()}: {self.name}"

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id

    def secrets_in_force(self, now) -> list[str]:
        """The kept secrets a delivery may prove it holds: the current one, and the previous
        one during its grace period."""
        kept = [self.stored_secret] if self.stored_secret else []
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > now:
            kept.append(self.previous_secret)
        return kept

    @property
    def hook_path(self) -> str:
        return f"/hooks/{self.host}/{self.public_id}"


class ChangeModel(TimestampedModel):
    """How a service's changes from developer tooling are raised: its agreed change model."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="change_model")
    route = models.CharField(max_length=20, choices=ChangeRoute.choices, default=ChangeRoute.NORMAL)
    standard_template_sys_id = models.CharField(
        "Standard change template",
        max_length=32,
        blank=True,
        help_text="The sys_id of the approved standard change template in MyIT",
    )
    standard_even_if_critical = models.BooleanField(
        "Standard changes even when a critical live service could be affected",
        default=False,
        help_text="Only where the change advisory board has agreed it: otherwise such a "
        "change goes the normal route",
    )

    def __str__(self) -> str:
        return f"{self.service}: {self.get_route_display().lower()}"

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id

    def clean(self) -> None:
        if self.route == ChangeRoute.STANDARD and not SYS_ID.match(self.standard_template_sys_id):
            raise ValidationError(
                {"standard_template_sys_id": "Give the template's sys_id: 32 characters, 0-9 a-f"}
            )

    @property
    def uses_template(self) -> bool:
        return self.route == ChangeRoute.STANDARD and bool(self.standard_template_sys_id)


class ChangeRequest(models.Model):
    """A change raised in MyIT for one event reported by a code host.

    ``event_key`` is the event's identity as the code host states it in the
    signed body (a deployment's or release's id, see ``hosts``), unique per
    integration: the event sent again, under any delivery id, is recognised and
    never raises a second change, and another integration's events are never
    matched. ``delivery_id`` is the host's own delivery id, kept for reference.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="devtools_changes")
    integration = models.ForeignKey(
        Integration, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    # Empty for a change raised in OSR itself, on its pages or through its API.
    host = models.CharField(max_length=20, choices=Host.choices, blank=True)
    delivery_id = models.CharField(max_length=200, blank=True)
    event_key = models.CharField(max_length=300, blank=True)
    event = models.CharField(max_length=100)
    summary = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    link_url = models.URLField(max_length=1000, blank=True)
    commit_sha = models.CharField(max_length=64, blank=True)
    environment = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.QUEUED
    )
    route = models.CharField(max_length=20, choices=ChangeRoute.choices, blank=True)
    myit_number = models.CharField("MyIT number", max_length=40, blank=True)
    myit_sys_id = models.CharField(max_length=32, blank=True)
    raised_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)
    # The blast radius when the change was recorded (see ``blast``), kept as it was then.
    blast_radius = models.JSONField(default=dict, blank=True)
    affects_live = models.PositiveIntegerField(default=0)
    affects_critical_live = models.PositiveIntegerField(default=0)
    affects_live_data = models.PositiveIntegerField(default=0)
    ready_for_phase = models.BooleanField(null=True, blank=True)
    route_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "event_key"],
                condition=~Q(event_key=""),
                name="one_change_per_event",
            )
        ]
        indexes = [
            models.Index(fields=["service", "-received_at", "-id"]),
            models.Index(fields=["-received_at", "-id"]),
        ]

    def __str__(self) -> str:
        if self.myit_number or not self.host:
            return self.myit_number or f"Change {self.pk}: {self.summary}"
        return f"{self.get_host_display()} delivery {self.delivery_id}"

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id

    @property
    def web_link(self) -> str:
        """The change's link when it is an http or https address: nothing else is ever shown."""
        return web_link(self.link_url)
