"""The catalogue's API: the generic operations of each resource, and phase moves."""

from ninja import Router, Schema, Status

from osr.core.api_crud import FieldErrors, crud_router, get_object, output_of, require

from . import services
from .choices import Phase
from .models import Service
from .phase_hooks import PhaseMoveRefused
from .resources import ALL, SERVICES


class PhaseIn(Schema):
    phase: str
    reason: str = ""
    force: bool = False


class BlockerOut(Schema):
    id: str
    reason: str


class RefusedOut(Schema):
    detail: str
    blockers: list[BlockerOut]


def routers() -> list[tuple[str, Router]]:
    """Every catalogue router with the path it is mounted at."""
    mounted = []
    for resource in ALL:
        router = crud_router(
            resource,
            save=services.save_form,
            delete=services.delete_object,
            tags=[resource.plural.capitalize()],
        )
        if resource is SERVICES:
            _add_phase_route(router)
        mounted.append((f"/{resource.path}", router))
    return mounted


def _add_phase_route(router: Router) -> None:
    Out = router.output_schema  # type: ignore[attr-defined]

    @router.post(
        "/{key}/phase",
        response={200: Out, 409: RefusedOut},
        summary="Move a service to another phase",
    )
    def move_phase(request, key: str, body: PhaseIn):
        service: Service = get_object(SERVICES, key)  # type: ignore[assignment]
        require(request, "catalogue.move_service", service)
        if body.phase not in Phase.values:
            raise FieldErrors({"phase": [f"Choose one of: {', '.join(Phase.values)}"]})
        if body.force:
            require(request, "catalogue.force_phase_move", service)
            if not body.reason.strip():
                raise FieldErrors({"reason": ["Give a reason for forcing the move"]})
        try:
            services.move_service(
                service, body.phase, by=request.user, reason=body.reason, force=body.force
            )
        except PhaseMoveRefused as refused:
            return Status(
                409,
                {
                    "detail": str(refused),
                    "blockers": [
                        {"id": b.requirement_id, "reason": b.reason} for b in refused.blockers
                    ],
                },
            )
        return Status(200, output_of(SERVICES, get_object(SERVICES, key)))
