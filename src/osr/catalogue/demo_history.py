"""How the demo writes its history: each step at the moment it happened, by the person
who did it.

Every step goes through the operations the pages use, so validation and the audit
trail apply; ``History.at`` dates the audit entries written inside it (they are
sealed with that date) and names the person acting. Operations stamp their own
records with the clock, so each step then dates them with ``History.date``.
Once the whole history is written, ``date_from_audit`` gives every object the
demo created its ``created`` and ``updated`` from its own audit entries.

The operations notify people as they would (evidence submitted, a board's
outcome, …), and each notification lands in the outbox. The history happened in
the past, so each is recorded as delivered at the moment of its step: the
outbox page then shows a realistic history, and loading the demo sends none of
the hundreds of emails to its fictional people, nor leaves them waiting for the
worker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Max, Min, Model, QuerySet
from django.db.models.signals import pre_save
from django.utils import timezone

from osr.core.audit import acting_as
from osr.core.notifications.choices import Status
from osr.core.notifications.models import Notification
from osr.core.roles import DELIVERY, LIVE_SERVICES_MANAGER, OSR_MANAGER, assign_role

from .models import Person

_moment: ContextVar[dt.datetime | None] = ContextVar("osr_demo_moment", default=None)

# The apps whose objects the demo writes, dated from their audit entries at the end.
DOMAIN_APPS = ("catalogue", "readiness", "reviews", "myit", "guides", "devtools")


def _date_entry(sender, instance: LogEntry, **kwargs) -> None:
    moment = _moment.get()
    if moment is not None and instance.pk is None:
        instance.timestamp = moment


def role_of_title(title: str) -> str:
    """The role a demo person's job title gives their account."""
    if title.startswith("OSR manager"):
        return OSR_MANAGER
    if title.startswith("Live services manager"):
        return LIVE_SERVICES_MANAGER
    return DELIVERY


class History:
    """The demo's clock and cast while it writes the estate's history."""

    def __init__(self, today: dt.date):
        self.today = today
        self.started = timezone.now()
        self.added = 0
        self.resources = contextlib.ExitStack()  # what a step opened for the others (MyIT)
        self.shared: dict[str, Any] = {}
        self._notified = self._last_notification()

    def day(self, offset: int) -> dt.date:
        """The day ``offset`` days from today (negative: before it)."""
        return self.today + dt.timedelta(days=offset)

    def moment(self, offset: int, hour: int = 10, minute: int = 0) -> dt.datetime:
        """A working-day time ``offset`` days from today, in OSR's time zone."""
        when = dt.datetime.combine(self.day(offset), dt.time(hour, minute))
        return timezone.make_aware(when)

    def count(self, created: bool) -> bool:
        self.added += created
        return created

    @contextlib.contextmanager
    def writing(self) -> Iterator[History]:
        """Connect the dating of audit entries for as long as the history is written."""
        uid = "osr.demo.date_entry"
        pre_save.connect(_date_entry, sender=LogEntry, dispatch_uid=uid, weak=False)
        try:
            with self.resources:
                yield self
                # Whatever was told outside a dated step, when it was written.
                self._delivered(None)
        finally:
            pre_save.disconnect(sender=LogEntry, dispatch_uid=uid)

    @contextlib.contextmanager
    def at(self, moment: dt.datetime, by=None) -> Iterator[None]:
        """Write what happens inside at ``moment``, attributed to ``by`` (a user)."""
        token = _moment.set(moment)
        try:
            with acting_as(by):
                yield
        finally:
            _moment.reset(token)
        self._delivered(moment)

    @staticmethod
    def _last_notification() -> int:
        return Notification.objects.aggregate(last=Max("pk"))["last"] or 0

    def _delivered(self, moment: dt.datetime | None) -> None:
        """Record the notifications written since the last step as delivered at ``moment``."""
        written = Notification.objects.filter(pk__gt=self._notified)
        if moment is None:
            dated = written.update(status=Status.SENT, sent_at=F("created_at"))
        else:
            dated = written.update(
                status=Status.SENT, created_at=moment, next_attempt_at=moment, sent_at=moment
            )
        if dated:
            self._notified = self._last_notification()

    @staticmethod
    def date(objects: Model | QuerySet, **fields: dt.datetime | dt.date | None) -> None:
        """Give records the dates of the moment they were written in the story."""
        if isinstance(objects, Model):
            objects = type(objects)._default_manager.filter(pk=objects.pk)
        objects.update(**fields)

    def user_of(self, person: Person | None):
        """The person's account: theirs, or one signing in only through single sign-on."""
        if person is None:
            return None
        if person.user_id is not None:
            return person.user
        user_model = get_user_model()
        username = person.email.split("@")[0]
        first, _, last = person.name.partition(" ")
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={"email": person.email, "first_name": first, "last_name": last},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            assign_role(user, role_of_title(person.role_title))
            self.added += 1
        person.user = user
        Person.objects.filter(pk=person.pk).update(user=user)
        return user

    def date_from_audit(self) -> None:
        """Date each object created by this load from its first and last audit entries."""
        for label in DOMAIN_APPS:
            for model in apps.get_app_config(label).get_models():
                names = {f.name for f in model._meta.concrete_fields}
                if not {"created", "updated"} <= names:
                    continue
                new = model._default_manager.filter(created__gte=self.started)
                pks = [str(pk) for pk in new.values_list("pk", flat=True)]
                if not pks:
                    continue
                spans = (
                    LogEntry.objects.filter(
                        content_type=ContentType.objects.get_for_model(model), object_pk__in=pks
                    )
                    .values("object_pk")
                    .annotate(first=Min("timestamp"), last=Max("timestamp"))
                )
                for span in spans:
                    if span["first"] < self.started:
                        model._default_manager.filter(pk=span["object_pk"]).update(
                            created=span["first"], updated=span["last"]
                        )
