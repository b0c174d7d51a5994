"""The shapes of the impact endpoints' answers, and the page links they carry."""

from __future__ import annotations

from typing import Any

from django.db.models import Subquery
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Schema

from osr.catalogue.models import Service
from osr.core.compiled import OneBy
from osr.core.shortcuts import one_or_404

from .impact import Impact
from .models import GraphVersion
from .reports import impact_csv, impact_dict
from .services import impact_in_chunks


class AffectedOut(Schema):
    slug: str
    name: str
    depth: int
    via: str | None = Field(description="The service one step nearer, for depth above 1")
    phase: str
    critical: bool
    uses_live_data: bool
    delivery_group: str
    delivery_team: str | None
    support_contact_email: str


class LiveDataFlowOut(Schema):
    from_: str = Field(alias="from", description="The service that needs the other")
    to: str
    kind: str


class ImpactSummaryOut(Schema):
    total: int = Field(description="Every service affected, directly or through others")
    by_phase: dict[str, int]
    live: int
    critical: int
    live_and_critical: int
    live_data_flows: int = Field(
        description="Dependencies carrying live data between affected services (or the service)"
    )
    nearest_live_data_flows: list[LiveDataFlowOut] = Field(description="The nearest ten")
    routes_to_critical_live: list[list[str]] = Field(
        description="Up to five shortest routes from the service to its nearest critical live "
        "dependents, as slugs: each service needs the one before it"
    )


class ImpactOut(Schema):
    service: str
    name: str
    phase: str
    summary: ImpactSummaryOut
    count: int
    next: str | None
    previous: str | None
    results: list[AffectedOut] = Field(
        description="One page of the affected services: live and critical first, then live, "
        "then critical, then the rest; nearest first within each, then by name"
    )
    affected: list[AffectedOut] = Field(
        deprecated=True, description="The same page as results, for clients written before pages"
    )


def _subjects():
    stamp = GraphVersion.objects.filter(pk=1).values("stamp")[:1]
    return Service.objects.only("slug", "name", "phase").annotate(graph_stamp=Subquery(stamp))


_SUBJECT = OneBy(_subjects, "slug")


def subject_or_404(slug: str) -> Service:
    """The service an impact or incident answer is about, or Http404: only what the answer
    shows of it (slug, name, phase) is read, not the whole row with its group and team.

    The graph's version comes with it (``graph_stamp``, None before the graph's first
    write), for the answer's index (``kept_index.version_read``).
    """
    return one_or_404(_SUBJECT, slug)


def impact_answer(request: HttpRequest, impact: Impact) -> dict[str, Any]:
    """The answer of ``GET /services/{slug}/impact``: the summary and one page, with links."""
    answer = impact_dict(impact)
    answer["affected"] = answer["results"]
    answer["next"] = _link(request, impact.number + 1) if impact.has_next else None
    answer["previous"] = _link(request, impact.number - 1) if impact.number > 1 else None
    return answer


def impact_csv_response(service: Service) -> StreamingHttpResponse:
    """Every affected service as CSV, streamed a chunk (one query) at a time: the export
    of the API and of the page."""
    response = StreamingHttpResponse(
        impact_csv(impact_in_chunks(service)), content_type="text/csv; charset=utf-8"
    )
    name = f"osr-impact-{service.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _link(request: HttpRequest, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
