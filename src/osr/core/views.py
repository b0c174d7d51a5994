"""Pages every app shares: home, sign-in and the audit trail."""

from urllib.parse import urlencode

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import history, ratelimit
from .generic_views import page_number
from .home import home_page, home_roles


class SignInView(auth_views.LoginView):
    """Sign in with Microsoft when configured, or with a local account when allowed.

    Failed password sign-ins are limited per account and address, per address,
    and slowed per account (see ``ratelimit``): past a limit the form answers 429
    with Retry-After, without checking the password.
    """

    template_name = "core/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Sign in"
        context["local_sign_in"] = settings.OSR_LOCAL_SIGN_IN
        if settings.OSR_OIDC_ENABLED:
            next_url = context.get("next") or ""
            query = "?" + urlencode({"next": next_url}) if next_url else ""
            context["oidc_url"] = reverse("core:oidc_authenticate") + query
        return context

    def post(self, request, *args, **kwargs):
        if not settings.OSR_LOCAL_SIGN_IN:
            return HttpResponseNotAllowed(["GET"])
        wait = ratelimit.wait_seconds(
            request.POST.get("username", ""), ratelimit.client_address(request)
        )
        if wait:
            return self.too_many(self.get_form_class()(request), wait)
        return super().post(request, *args, **kwargs)

    def too_many(self, form, wait: int):
        context = self.get_context_data(form=form, too_many=ratelimit.too_many_message(wait))
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(wait)
        return response

    def form_invalid(self, form):
        # The backend refused the attempt itself when another took the account's
        # last allowance of the minute between the check above and the password.
        wait = getattr(self.request, "osr_sign_in_wait", 0)
        if wait:
            return self.too_many(self.get_form_class()(self.request), wait)
        return self.render_to_response(self.get_context_data(form=form), status=422)


@login_not_required
def admin_sign_in(request):
    """The admin site signs in through OSR's own sign-in page, and its limits."""
    if request.user.is_authenticated:
        # Signed in without the admin role: sending them to sign in again would loop.
        raise PermissionDenied("The administration pages are for administrators")
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(reverse("core:sign_in") + "?" + urlencode({"next": next_url}))


class SignOutView(auth_views.LogoutView):
    pass


@login_not_required
@require_GET
def home(request):
    # The start page says what OSR is, to anyone, and offers to sign in; signed in,
    # it brings each person the work of every role they hold.
    context = {"title": "Operational Service Readiness"}
    if request.user.is_authenticated:
        context["parts"] = home_page(request, home_roles(request.user))
        if context["parts"]:
            context["title"] = "Your work"
    return render(request, "core/home.html", context)


def _entries(queryset, request, title, *, one_object=False, **extra):
    filters = history.Filters(request.GET, one_object=one_object)
    queryset = history.entries(filters.apply(queryset))
    page = Paginator(queryset, 50).get_page(page_number(request))
    context = {
        "title": title,
        "page": page,
        "entries": history.describe(page.object_list),
        "filters": filters,
        "filtered": filters.is_filtered,
    }
    context.update(extra)
    return render(request, "core/audit.html", context)


@require_GET
def audit(request):
    return _entries(LogEntry.objects.all(), request, "Change history")


@require_GET
def object_audit(request, app_label: str, model: str, pk: str):
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist as error:
        raise Http404("Unknown kind of object") from error
    entries = LogEntry.objects.filter(content_type=content_type, object_pk=str(pk))
    model_class = content_type.model_class()
    kind = history.kind_of(model_class, content_type.model)
    try:
        obj = model_class._default_manager.filter(pk=pk).first() if model_class else None
    except (ValueError, ValidationError):
        obj = None  # an id of the wrong shape names no object, but may still have history
    last = None if obj else entries.order_by("-timestamp", "-id").first()
    name = history.name_of(obj, last.object_repr if last else "", kind, pk)
    return _entries(
        entries,
        request,
        f"Change history of {name}",
        one_object=True,
        subject={"kind": kind, "name": name, "href": history.link_of(obj)},
    )
