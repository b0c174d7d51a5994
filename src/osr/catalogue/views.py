"""Catalogue pages with more than the generic ones: services, delivery groups, phase moves."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
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
from .contacts import confirm_contacts
from .forms import PhaseForm
from .models import Service
from .panels import OVERVIEW, group_panels, section_named, service_panels, service_sections
from .phase_hooks import PhaseMoveRefused


class ServiceList(ObjectListView):
    resource = resources.SERVICES
    template_name = "catalogue/service_list.html"


class ServiceEdit(ObjectEditView):
    resource = resources.SERVICES
    template_name = "catalogue/service_form.html"


class ServiceDetail(ObjectDetailView):
    """One section of a service's pages: the overview at its own address, the rest below it."""

    resource = resources.SERVICES
    template_name = "catalogue/service_detail.html"

    def get(self, request, key, section: str = OVERVIEW, **kwargs):
        found = section_named(section)
        if found is None:  # the address's converter lets only known sections through
            raise Http404(f"No section {section}")
        self.section = found
        return super().get(request, key)

    def extra_context(self, obj: Service) -> dict:
        base = obj.get_absolute_url()
        sections = [
            {"key": s.key, "title": s.title, "href": f"{base}/{s.key}" if s.key else base}
            for s in service_sections()
        ]
        return {
            "section": self.section,
            "sections": sections,
            "may_move": self.may("move", obj),
            "panels": service_panels(self.request, obj, self.section.key),
        }


class ServiceContactsConfirm(ResourceView):
    """The team says a service's owners and contacts are still right."""

    resource = resources.SERVICES

    def post(self, request, key):
        service = self.get_object(key)
        confirm_contacts(service, by=request.user, today=timezone.localdate())
        messages.success(request, f"The contacts of {service} are confirmed")
        return redirect(service.get_absolute_url())


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
            "panels": group_panels(self.request, obj),
        }
