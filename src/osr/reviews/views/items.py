"""A service on a board's agenda: its board pack (page and PDF), assessments and outcome."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from osr.core.refusals import Refusal, show_on
from osr.core.shortcuts import day, require

from .. import services
from ..choices import OUTCOME_COLOURS, RATING_COLOURS, Criterion
from ..forms import AssessmentForm, ConditionFormSet, OutcomeForm
from ..models import Decision
from ..pack import SECTIONS, render_pdf
from .common import (
    board_crumb,
    crumbs,
    form_page,
    get_board,
    get_item,
    on,
)


def _item(request, pk: int, slug: str, perm: str = "reviews.view_reviewboard"):
    board = get_board(pk)
    require(request, perm, board)
    return board, get_item(board, slug)


@require_GET
def item_page(request, pk: int, slug: str):
    """The board pack of a service, the panel's assessments, and the board's decisions."""
    board, item = _item(request, pk, slug)
    user = request.user
    own, others = services.assessments_shown_to(item, user)
    decisions = list(
        Decision.objects.filter(item=item)
        .select_related("decided_by__person", "corrects")
        .prefetch_related("actions__owner")
    )
    corrected = {d.corrects_id for d in decisions if d.corrects_id}
    in_force = next((d for d in decisions if d.pk not in corrected), None)
    today = timezone.localdate()
    # A cancelled board takes no more assessments, outcomes or changes to its agenda.
    open_board = not board.cancelled
    may_record = open_board and user.has_perm("reviews.record_outcome", board)
    context = {
        "title": item.service.name,
        "board": board,
        "item": item,
        "pack": item.pack,
        "sections": SECTIONS,
        "on": on,
        "own": own,
        "others": others,
        "decisions": decisions,
        "corrected": corrected,
        "in_force": in_force,
        "criteria": Criterion.choices,
        "colours": OUTCOME_COLOURS,
        "rating_colours": RATING_COLOURS,
        "today": today,
        "may_assess": open_board
        and not item.decided
        and not (own and own.submitted)
        and services.panel_seat(board, user) is not None,
        "may_record": may_record and not item.decided and board.has_met(today),
        "may_correct": may_record and in_force is not None,
        "may_change": open_board
        and user.has_perm("reviews.change_reviewboard", board)
        and not item.decided,
        "breadcrumbs": crumbs(board_crumb(board)),
    }
    return render(request, "reviews/item.html", context)


@require_GET
def pack_pdf(request, pk: int, slug: str):
    """The board pack as a PDF, to read before the board or to keep."""
    _board, item = _item(request, pk, slug)
    if not item.pack:
        raise Http404("The board pack has not been assembled")
    response = HttpResponse(render_pdf(item), content_type="application/pdf")
    name = f"board-pack-{item.service.slug}-{item.board.day.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def pack_refresh(request, pk: int, slug: str):
    board, item = _item(request, pk, slug, "reviews.change_reviewboard")
    try:
        services.refresh_pack(item, by=request.user, today=timezone.localdate())
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "The board pack is assembled again from what OSR holds now")
    return redirect(item.get_absolute_url())


@require_http_methods(["GET", "POST"])
def assessment(request, pk: int, slug: str):
    """A panel member's ratings of the service: saved to return to, then submitted."""
    board, item = _item(request, pk, slug, "reviews.assess")
    if services.panel_seat(board, request.user) is None:
        raise PermissionDenied("Only the board's panel members assess its services")
    own, _others = services.assessments_shown_to(item, request.user)
    if own is not None and own.submitted:
        messages.success(request, "Your assessment is submitted")
        return redirect(item.get_absolute_url() + "#assessments")
    initial = AssessmentForm.initial_from(own.ratings.all()) if own else {}
    form = AssessmentForm(request.POST or None, initial=initial)
    status = None
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.save_assessment(item, by=request.user, ratings=form.ratings(), submit=submit)
        except Refusal as refusal:
            form.add_refusal(refusal.errors)
            status = refusal.status
        else:
            if submit:
                messages.success(
                    request, "Your assessment is submitted: you can now see the panel's"
                )
                return redirect(item.get_absolute_url() + "#assessments")
            messages.success(request, "Your assessment is saved: come back to finish it")
            return redirect(item.get_absolute_url())
    context = {
        "title": f"Assess {item.service.name}",
        "board": board,
        "item": item,
        "criteria": Criterion.choices,
        "breadcrumbs": crumbs(
            board_crumb(board), {"text": item.service.name, "href": item.get_absolute_url()}
        ),
    }
    return form_page(request, "reviews/assessment_form.html", context, form, status=status)


@require_http_methods(["GET", "POST"])
def outcome(request, pk: int, slug: str):
    """The chair records the board's outcome for the service, or corrects the one in force."""
    board, item = _item(request, pk, slug, "reviews.record_outcome")
    corrects = None
    if request.GET.get("corrects"):
        corrects = get_object_or_404(Decision, pk=request.GET["corrects"], item=item)
    posted = request.POST if request.method == "POST" else None
    form = OutcomeForm(posted)
    conditions = ConditionFormSet(posted, prefix="conditions")
    status = None
    if request.method == "POST" and form.is_valid() and conditions.is_valid():
        chosen = [c for c in (f.condition() for f in conditions.forms) if c is not None]
        try:
            decision = services.record_outcome(
                board,
                item.service,
                outcome=form.cleaned_data["outcome"],
                summary=form.cleaned_data["summary"],
                conditions=chosen,
                by=request.user,
                today=timezone.localdate(),
                corrects=corrects,
            )
        except Refusal as refusal:
            show_on(form, refusal)
            status = refusal.status
        else:
            messages.success(request, f"Outcome recorded: {decision.get_outcome_display().lower()}")
            return redirect(decision.get_absolute_url())
    verb = "Correct" if corrects else "Record"
    context = {
        "title": f"{verb} the outcome for {item.service.name}",
        "board": board,
        "item": item,
        "corrects": corrects,
        "conditions": conditions,
        "day": day,
        "breadcrumbs": crumbs(
            board_crumb(board), {"text": item.service.name, "href": item.get_absolute_url()}
        ),
    }
    if request.method == "POST" and status is None and not form.errors:
        status = 422  # a condition row was invalid
    return form_page(request, "reviews/outcome_form.html", context, form, status=status)
