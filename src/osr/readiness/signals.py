"""Noticing a service start to use live data, without the catalogue knowing of readiness."""

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.utils import timezone

from osr.catalogue.models import Service

_BEFORE = "_readiness_used_live_data"


@receiver(post_init, sender=Service, dispatch_uid="readiness_remember_live_data")
def remember_live_data_flag(sender, instance: Service, **kwargs) -> None:
    # Read from __dict__: a deferred field must not cost a query per instance.
    setattr(instance, _BEFORE, instance.__dict__.get("uses_live_data"))


@receiver(post_save, sender=Service, dispatch_uid="readiness_live_data_trigger")
def on_service_saved(sender, instance: Service, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    before = getattr(instance, _BEFORE, None)
    now = instance.__dict__.get("uses_live_data")
    setattr(instance, _BEFORE, now)
    if now and (created or before is False):
        from .services import start_live_data_obligations

        start_live_data_obligations(instance, today=timezone.localdate())
