"""The actions list (open ones, overdue first) and an action's page, where it is closed."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from osr.core.generic_views import page_number
from osr.core.refusals import Refusal, show_on
from osr.core.shortcuts import crumbs, require

from .. import services
from ..filters import action_list
from ..forms import CloseActionForm
from ..models import Action

PAGE_SIZE = 50


def _crumbs(*more):
    return crumbs(("Actions", "/actions"), *more)


@require_GET
def action_list_page(request):
    require(request, "reviews.view_action")
    today = timezone.localdate()
    filters = action_list(request.GET, today=today)
    rows = filters.qs if filters.is_valid() else Action.objects.none()
    page = Paginator(rows, PAGE_SIZE).get_page(page_number(request))
    context = {
        "title": "Actions",
        "filters": filters,
        "page": page,
        "today": today,
        "breadcrumbs": crumbs(),
    }
    return render(
        request, "reviews/actions.html", context, status=200 if filters.is_valid() else 422
    )


@require_http_methods(["GET", "POST"])
def action_page(request, pk: int):
    action = get_object_or_404(
        Action.objects.select_related(
            "service__delivery_group", "owner", "decision__item__board", "finding__rehearsal"
        ),
        pk=pk,
    )
    require(request, "reviews.view_action", action)
    may_close = action.status == "open" and request.user.has_perm("reviews.close_action", action)
    form = CloseActionForm(request.POST or None)
    status = None
    if request.method == "POST":
        require(request, "reviews.close_action", action)
        if form.is_valid():
            try:
                services.close_action(action, by=request.user, note=form.cleaned_data["note"])
            except Refusal as refusal:
                show_on(form, refusal)
                status = refusal.status
            else:
                messages.success(request, "Action closed")
                return redirect(action.get_absolute_url())
    context = {
        "title": "Action",
        "action": action,
        "form": form,
        "may_close": may_close,
        "today": timezone.localdate(),
        "breadcrumbs": _crumbs(),
    }
    if status is None:
        status = 422 if form.errors else 200
    return render(request, "reviews/action.html", context, status=status)
