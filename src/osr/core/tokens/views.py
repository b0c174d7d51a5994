"""A person's account page, and the pages where API tokens are issued and revoked."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..generic_views import page_number
from ..models import ApiToken
from ..refusals import Refusal, show_on
from ..roles import is_administrator
from ..shortcuts import crumbs, day, get_or_404, require
from . import services
from .forms import READ_ONLY, TokenForm

ACCOUNT = ("Your account", "/account")


@require_GET
def account(request):
    """The signed-in person's own settings: notifications and API tokens."""
    return render(
        request,
        "core/account.html",
        {
            "title": "Your account",
            "administrator": is_administrator(request.user),
            "breadcrumbs": crumbs(("Your account", "")),
        },
    )


def _rows(tokens, today) -> list[dict]:
    return [{"token": token, "status": services.status(token, today)} for token in tokens]


@require_GET
def tokens(request):
    """The person's own tokens that are not revoked, newest first."""
    require(request, "core.manage_own_api_tokens")
    today = timezone.localdate()
    mine = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request,
        "core/tokens.html",
        {
            "title": "API tokens",
            "rows": _rows(mine, today),
            "breadcrumbs": crumbs(ACCOUNT, ("API tokens", "")),
        },
    )


@never_cache  # the page that answers the form shows the token's secret
@require_http_methods(["GET", "POST"])
def new_token(request):
    """Issue the person a named token and show its secret, this once."""
    require(request, "core.manage_own_api_tokens")
    today = timezone.localdate()
    form = TokenForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            raw = services.issue(
                request.user,
                name=data["name"],
                expires_on=data["expires_on"],
                read_only=data["access"] == READ_ONLY,
                today=today,
            )
        except Refusal as refusal:
            show_on(form, refusal)
        else:
            return render(
                request,
                "core/token_created.html",
                {
                    "title": "Your new API token",
                    "raw": raw,
                    "name": data["name"],
                    "expires_on": day(data["expires_on"]),
                    "breadcrumbs": crumbs(ACCOUNT, ("API tokens", reverse("core:api_tokens"))),
                },
                status=201,
            )
    return render(
        request,
        "core/token_new.html",
        {
            "title": "Create an API token",
            "form": form,
            "submit_text": "Create token",
            "cancel_url": reverse("core:api_tokens"),
            "breadcrumbs": crumbs(
                ACCOUNT, ("API tokens", reverse("core:api_tokens")), ("Create", "")
            ),
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def revoke_token(request, pk: int):
    """Confirm, then revoke a token: the holder's own, or anyone's for an administrator."""
    token = get_or_404(ApiToken.objects.select_related("user"), pk=pk)
    require(request, "core.revoke_api_token", token)
    own = token.user_id == request.user.pk
    back = reverse("core:api_tokens" if own else "core:all_api_tokens")
    if request.method == "POST":
        services.revoke(token, by=request.user, now=timezone.now())
        messages.success(request, f"The token ‘{token.name or token.prefix}’ has been revoked")
        return redirect(back)
    whose = "" if own else f" of {token.user.get_full_name() or token.user.get_username()}"
    return render(
        request,
        "layouts/confirm.html",
        {
            "title": f"Revoke the token ‘{token.name or token.prefix}’{whose}?",
            "warning": "Anything using it will be refused from now on. This cannot be undone.",
            "confirm_text": "Yes, revoke it",
            "cancel_url": back,
            "breadcrumbs": crumbs(ACCOUNT, ("API tokens", back), ("Revoke", "")),
        },
    )


@require_GET
def all_tokens(request):
    """Every person's tokens that are not revoked, for administrators."""
    require(request, "core.view_all_api_tokens")
    today = timezone.localdate()
    everyone = ApiToken.objects.filter(revoked_at__isnull=True).select_related("user")
    page = Paginator(everyone, 50).get_page(page_number(request))
    return render(
        request,
        "core/tokens.html",
        {
            "title": "Everyone’s API tokens",
            "everyone": True,
            "page": page,
            "rows": _rows(page.object_list, today),
            "breadcrumbs": crumbs(ACCOUNT, ("Everyone’s API tokens", "")),
        },
    )
