"""Catalogue pages with more than the generic ones: services, delivery groups, phase moves."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from osr.core.generic_views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ResourceView,
)
from osr.core.refusals import Refusal, show_on

from . import resources, services
from .choices import PHASE_ORDER, Phase
from .forms import PhaseForm
from .models import Component, Contract, Service
from .panels import service_panels
from .phase_hooks import PhaseMoveRefused


class ServiceList(ObjectListView):
    resource = resources.SERVICES
    template_name = "catalogue/service_list.html"


class ServiceEdit(ObjectEditView):
    resource = resources.SERVICES
    template_name = "catalogue/service_form.html"


class ServiceDetail(ObjectDetailView):
    resource = resources.SERVICES
    template_name = "catalogue/service_detail.html"

    def extra_context(self, obj: Service) -> dict:
        today = timezone.localdate()
        components = list(
            Component.objects.filter(service=obj)
            .select_related("supplier")
            .prefetch_related(Prefetch("contracts", queryset=Contract.objects.all()))
        )
        recent = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Service), object_pk=str(obj.pk)
            )
            .select_related("actor")
            .order_by("-timestamp")[:5]
        )
        may_change = self.may("change", obj)
        return {
            "rows": ObjectDetailView.extra_context(self, obj)["rows"],
            "components": components,
            "contracts": sorted(
                {c for comp in components for c in comp.contracts.all()}, key=lambda c: c.reference
            ),
            "suppliers": sorted(
                {comp.supplier for comp in components if comp.supplier}, key=lambda s: s.name
            ),
            "dependencies": obj.dependencies.select_related("to_service", "to_external"),
            "dependents": obj.dependents.select_related(
                "from_service", "from_service__delivery_group"
            ),
            "phase_history": obj.phase_changes.select_related("changed_by"),
            "recent": recent,
            "today": today,
            "may_change": may_change,
            "may_move": self.may("move", obj),
            "panels": service_panels(self.request, obj),
        }


class ServicePhase(ResourceView):
    """Move a service to another phase, showing every blocker when refused."""

    resource = resources.SERVICES

    def get(self, request, key):
        service = self.get_object(key)
        self.require("move", service)
        return self.show(service, PhaseForm(initial={"phase": self.next_phase(service)}))

    def post(self, request, key):
        service = self.get_object(key)
        self.require("move", service)
        form = PhaseForm(data=request.POST)
        blockers = []
        status = 422
        if form.is_valid():
            try:
                services.move_service(
                    service,
                    form.cleaned_data["phase"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    force=request.POST.get("force") == "on",
                )
            except PhaseMoveRefused as refused:
                blockers = refused.blockers
                form.add_error(
                    "phase", f"{service} cannot move to {Phase(refused.to_phase).label} yet"
                )
            except Refusal as refusal:
                show_on(form, refusal)
                status = refusal.status
            else:
                messages.success(
                    request, f"{service} moved to {Phase(service.phase).label.lower()}"
                )
                return redirect(service.get_absolute_url())
        return self.show(service, form, blockers=blockers, status=status)

    @staticmethod
    def next_phase(service: Service) -> str:
        index = PHASE_ORDER.index(service.phase)
        return PHASE_ORDER[min(index + 1, len(PHASE_ORDER) - 1)]

    def show(self, service, form, blockers=(), status=200):
        context = self.base_context(
            crumb_of=service,
            here="Change phase",
            title=f"Change the phase of {service}",
            object=service,
            form=form,
            blockers=blockers,
            may_force=self.request.user.has_perm("catalogue.force_phase_move", service),
            cancel_url=service.get_absolute_url(),
        )
        return render(self.request, "catalogue/service_phase.html", context, status=status)


class GroupDetail(ObjectDetailView):
    resource = resources.DELIVERY_GROUPS
    template_name = "catalogue/group_detail.html"

    def extra_context(self, obj) -> dict:
        by_phase: dict[str, list[Service]] = {phase: [] for phase in PHASE_ORDER}
        for service in obj.services.select_related("delivery_team").order_by("name"):
            by_phase[service.phase].append(service)
        return {
            "rows": ObjectDetailView.extra_context(self, obj)["rows"],
            "by_phase": [(Phase(p).label, items) for p, items in by_phase.items()],
            "teams": obj.teams.all(),
            "add_service_url": reverse("catalogue:service_add") + f"?delivery_group={obj.slug}",
            "may_add_service": self.request.user.has_perm("catalogue.add_service", obj),
        }
