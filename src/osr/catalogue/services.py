"""Catalogue operations shared by pages, the API and the CLI.

Each is one transaction, attributed to the acting user in the audit trail.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Model, ProtectedError
from django.forms import ModelForm

from osr.core.refusals import Conflicting

from .models import PhaseChange, Service


class InUse(Conflicting):
    """An object cannot be deleted while others refer to it."""

    def body(self) -> dict:
        return {"detail": self.message}


class Conflict(Conflicting):
    """A write would duplicate something that must be unique (two writers racing)."""

    detail = "Conflicts with another change"

    def __init__(self):
        super().__init__()


def save_form(form: ModelForm, *, by) -> Model:
    """Save a validated form (create or update) as one audited transaction."""
    creating = form.instance.pk is None
    try:
        # Inside a caller's transaction (an API update holds the row from its version
        # check to the write), no savepoint: a failure here fails the whole transaction,
        # which ``Conflict`` leaves in any case.
        with transaction.atomic(savepoint=False):
            obj = form.save()
            if creating and isinstance(obj, Service):
                PhaseChange.objects.create(
                    service=obj, from_phase="", to_phase=obj.phase, changed_by=_user(by)
                )
    except IntegrityError as error:
        # Two writers racing past the form's uniqueness check end here.
        raise Conflict from error
    return obj


def move_service(service: Service, phase: str, *, by, reason: str = "", force: bool = False):
    """Move a service to a phase through ``Service.move_to``, audited as ``by``."""
    return service.move_to(phase, by=by, reason=reason, force=force)


def delete_object(obj: Model, *, by) -> None:
    """Delete an object, or raise ``InUse`` naming what still refers to it."""
    try:
        # A savepoint: naming what refers to the object reads the database after
        # the refusal.
        with transaction.atomic():
            obj.delete()
    except ProtectedError as error:
        names = sorted({str(item) for item in error.protected_objects})[:5]
        raise InUse(f"{obj} is still used by: {', '.join(names)}") from error


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None
