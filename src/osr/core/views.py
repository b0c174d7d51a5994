"""Pages every app shares: home, sign-in and the audit trail."""

from auditlog.models import LogEntry
from django.contrib.auth import views as auth_views
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .generic_views import page_number

ACTIONS = {0: "Created", 1: "Changed", 2: "Deleted", 3: "Accessed"}


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Sign in"
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class SignOutView(auth_views.LogoutView):
    pass


@require_GET
def home(request):
    return render(request, "core/home.html", {"title": "Operational Service Readiness"})


def describe_changes(entry: LogEntry) -> list[dict]:
    """Each field an audit entry changed, as ``{field, before, after}``."""
    rows = []
    for name, change in (entry.changes_dict or {}).items():
        label = name.replace("_", " ").capitalize()
        if isinstance(change, dict) and change.get("type") == "m2m":
            verb = "Added" if change.get("operation") == "add" else "Removed"
            if change.get("operation") == "delete":
                verb = "Removed"
            rows.append(
                {
                    "field": label,
                    "before": "",
                    "after": f"{verb}: {', '.join(change.get('objects', []))}",
                }
            )
        elif isinstance(change, list | tuple) and len(change) == 2:
            before, after = change
            rows.append({"field": label, "before": _shown(before), "after": _shown(after)})
    return rows


def _shown(value) -> str:
    return "" if value in (None, "None") else str(value)


def _entries(queryset, request, title, **extra):
    queryset = queryset.select_related("actor", "content_type").order_by("-timestamp", "-id")
    page = Paginator(queryset, 50).get_page(page_number(request))
    entries = [
        {
            "entry": entry,
            "action": ACTIONS.get(entry.action, ""),
            "changes": describe_changes(entry),
        }
        for entry in page.object_list
    ]
    context = {"title": title, "page": page, "entries": entries}
    context.update(extra)
    return render(request, "core/audit.html", context)


@require_GET
def audit(request):
    entries = LogEntry.objects.all()
    q = request.GET.get("q", "").strip()
    if q:
        entries = entries.filter(object_repr__icontains=q)
    return _entries(entries, request, "Audit trail", search=True)


@require_GET
def object_audit(request, app_label: str, model: str, pk: str):
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist as error:
        raise Http404("Unknown kind of object") from error
    entries = LogEntry.objects.filter(content_type=content_type, object_pk=str(pk))
    first = entries.order_by("-timestamp").first()
    name = first.object_repr if first else f"{model} {pk}"
    return _entries(entries, request, f"Change history of {name}")
