"""The catalogue's API: the generic operations of each resource, and phase moves."""

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import StrictBool

from osr.core.api_contract import Input
from osr.core.api_crud import crud_router, get_object, output_of
from osr.core.shortcuts import require

from . import services
from .contacts import confirm_contacts
from .models import Service
from .resources import ALL, SERVICES


class PhaseIn(Input):
    phase: str
    reason: str = ""
    force: StrictBool = False


class PhaseMoveBlockerOut(Schema):
    id: str
    reason: str


class PhaseMoveRefusedOut(Schema):
    detail: str
    blockers: list[PhaseMoveBlockerOut]


def routers() -> list[tuple[str, Router]]:
    """Every catalogue router with the path it is mounted at."""
    mounted = []
    for resource in ALL:
        router = crud_router(resource)
        if resource is SERVICES:
            _add_phase_route(router)
            _add_contacts_route(router)
        mounted.append((f"/{resource.path}", router))
    return mounted


def _add_phase_route(router: Router) -> None:
    Out = SERVICES.schema_out

    @router.post(
        "/{key}/phase",
        response={200: Out, 409: PhaseMoveRefusedOut},
        summary="Move a service to another phase",
    )
    def move_phase(request, key: str, body: PhaseIn):
        service: Service = get_object(SERVICES, key)  # type: ignore[assignment]
        require(request, "catalogue.move_service", service)
        services.move_service(
            service, body.phase, by=request.user, reason=body.reason, force=body.force
        )
        return Status(200, output_of(SERVICES, get_object(SERVICES, key)))


def _add_contacts_route(router: Router) -> None:
    Out = SERVICES.schema_out

    @router.post(
        "/{key}/contacts/confirm",
        response={200: Out},
        summary="Confirm a service's owners and contacts are still right",
    )
    def confirm_service_contacts(request, key: str):
        service: Service = get_object(SERVICES, key)  # type: ignore[assignment]
        confirm_contacts(service, by=request.user, today=timezone.localdate())
        return Status(200, output_of(SERVICES, get_object(SERVICES, key)))
