"""Generic pages of a resource: list, detail, create, edit and confirm-delete.

Each catalogue page is a short subclass naming its resource and template; the
permission checks and the write operations are the same ones the API uses.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from . import locked_rows
from .concurrency import edit_conflict, version_token
from .refusals import Forbidden, Refusal, show_on
from .resources import Resource, form_data_of
from .shortcuts import crumbs, one_or_404, require


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


class ResourceView(View):
    """A page of a resource, given as ``as_view(resource=...)`` or by a subclass."""

    # Given by a subclass or by as_view(resource=...), which accepts only attributes.
    resource: Resource = None  # type: ignore[assignment]
    template_name: str = ""

    def url_for(self, kind: str, obj=None) -> str:
        return self.resource.url(kind, obj)

    def get_object(self, key, lock: bool = False):
        return one_or_404(self.resource.finder(lock=lock), key)

    def require(self, action: str, obj=None) -> None:
        require(self.request, self.resource.perm(action), obj)

    def may(self, action: str, obj=None) -> bool:
        return self.request.user.has_perm(self.resource.perm(action), obj)

    def base_context(self, *, crumb_of=None, here: str = "", **extra) -> dict[str, Any]:
        """What every page of the resource shows; ``crumb_of`` and ``here`` end the breadcrumbs.

        A page about one object (edit, delete, change phase) leads back through the
        object itself, and names the page it is (``here``) without a link.
        """
        trail = [(self.resource.plural.capitalize(), self.url_for("list"))]
        if crumb_of is not None:
            trail.append((str(crumb_of), self.url_for("detail", crumb_of)))
        if here:
            trail.append((here, ""))
        context = {
            "singular": self.resource.singular,
            "plural": self.resource.plural,
            "breadcrumbs": crumbs(*trail),
        }
        context.update(extra)
        return context


class ObjectListView(ResourceView):
    """A searchable, filterable, paginated list whose query count does not grow with it."""

    page_size = settings.OSR_PAGE_SIZE

    def get(self, request, **kwargs) -> HttpResponse:
        self.require("view")
        filters = self.resource.filterset(data=request.GET, queryset=self.resource.queryset())
        queryset = filters.qs if filters.is_valid() else self.resource.queryset().none()
        page = Paginator(queryset, self.page_size).get_page(page_number(request))
        context = self.base_context(
            title=self.resource.plural.capitalize(),
            page=page,
            filters=filters,
            add_url=self.url_for("add") if self.may("add") else None,
        )
        context["breadcrumbs"] = context["breadcrumbs"][:1]
        context.update(self.extra_context())
        return render(request, self.template_name, context)

    def extra_context(self) -> dict[str, Any]:
        return {"columns": self.resource.columns}


class ObjectDetailView(ResourceView):
    def get(self, request, key, **kwargs) -> HttpResponse:
        self.require("view")
        obj = self.get_object(key)
        context = self.base_context(
            title=str(obj),
            object=obj,
            edit_url=self.url_for("edit", obj) if self.may("change", obj) else None,
            delete_url=self.url_for("delete", obj) if self.may("delete", obj) else None,
            audit_url=reverse(
                "core:object_audit",
                args=[self.resource.app_label, self.resource.model_name, obj.pk],
            ),
        )
        context.update(self.extra_context(obj))
        return render(request, self.template_name, context)

    def extra_context(self, obj) -> dict[str, Any]:
        return {"rows": self.resource.summary(obj) if self.resource.summary else []}


class ObjectEditView(ResourceView):
    """Create (no key) or edit (a key) through the resource's form."""

    template_name = "layouts/form.html"

    def setup_object(self, key, lock: bool = False):
        if key is None:
            return None
        return self.get_object(key, lock=lock)

    def initial(self) -> dict[str, Any]:
        return {name: value for name, value in self.request.GET.items()}

    def form(self, **kwargs):
        """The resource's form, its drop-downs offering only what the person may choose."""
        return self.resource.form(user=self.request.user, **kwargs)  # type: ignore[call-arg]

    def get(self, request, key=None, **kwargs) -> HttpResponse:
        obj = self.setup_object(key)
        self.check(obj, self.initial())
        form = self.form(instance=obj, initial=self.initial() if obj is None else None)
        return self.show(form, obj, version=self.version_of(obj))

    def version_of(self, obj) -> str | None:
        # Taken before a form is bound: validating a form changes its instance in place.
        return version_token(form_data_of(self.resource.form, obj)) if obj is not None else None

    def post(self, request, key=None, **kwargs) -> HttpResponse:
        with transaction.atomic():
            # The row stays locked from the version check to the write.
            obj = self.setup_object(key, lock=True) if key is not None else None
            return self.submit(request, obj)

    def submit(self, request, obj) -> HttpResponse:
        # Someone who may not edit this at all, or add anything, gets the 403 page;
        # someone refused only the group they chose gets their form back, below.
        if obj is not None:
            self.require("change", obj)
        else:
            self.require("add")
        version = self.version_of(obj)
        current = form_data_of(self.resource.form, obj) if obj is not None else None
        stored = locked_rows.copy_of(obj) if obj is not None else None  # as locked
        form = self.form(data=request.POST, instance=obj)
        changed = edit_conflict(request, form, current) if current is not None else None
        if changed:
            return self.show(form, obj, status=409, changed=changed, version=version)
        refusal = self.placement_refused(obj, request.POST)
        if refusal is None and form.is_valid() and obj and not self.may("change", form.instance):
            # The validated object may now belong to another group: check that one too.
            refusal = Forbidden(f"You may not move this {self.resource.singular} there")
        if refusal is not None:
            # Nothing typed is lost: the form comes back with why, as submitted.
            show_on(form, refusal)
            return self.show(form, obj, status=refusal.status, version=version)
        if form.is_valid():
            duplicate = getattr(form, "duplicate", None)
            if duplicate is not None and duplicate():
                form.add_error(None, f"This {self.resource.singular} is already recorded")
            else:
                with locked_rows.kept(stored):
                    saved = self.resource.save(form, by=request.user)  # type: ignore[misc]
                messages.success(request, f"{self.resource.singular.capitalize()} ‘{saved}’ saved")
                return redirect(self.url_for("detail", saved))
        return self.show(form, obj, status=422 if form.errors else 200, version=version)

    def check(self, obj, raw) -> None:
        if obj is not None:
            self.require("change", obj)
        else:
            self.require("add", self.resource.owner_for_new(raw))

    def placement_refused(self, obj, raw) -> Forbidden | None:
        """Why the object may not go where the input puts it, if the person may not
        add to (or move it into) the delivery group of the owner chosen."""
        name = self.resource.owner_field
        owner = self.resource.owner_for_new(raw)
        if name is None or owner is None or self.may("add", owner):
            return None
        if obj is not None and getattr(obj, f"{name}_id", None) == owner.pk:
            return None  # staying where it is, which the right to change it covers
        singular = self.resource.singular
        doing = f"move this {singular} to" if obj is not None else f"add a {singular} to"
        return Forbidden({name: [f"You may not {doing} {owner}"]})

    def show(self, form, obj, status: int = 200, changed=None, version=None) -> HttpResponse:
        title = f"Edit {obj}" if obj else f"Add a {self.resource.singular}"
        context = self.base_context(
            crumb_of=obj,
            here="Edit" if obj else "",
            title=title,
            form=form,
            object=obj,
            changed=changed,
            # What the person started from, so a change made meanwhile is noticed.
            version=version,
            cancel_url=self.url_for("detail", obj) if obj else self.url_for("list"),
        )
        return render(self.request, self.template_name, context, status=status)


class ObjectDeleteView(ResourceView):
    template_name = "layouts/confirm.html"

    def get(self, request, key, **kwargs) -> HttpResponse:
        obj = self.get_object(key)
        self.require("delete", obj)
        return self.show(obj)

    def post(self, request, key, **kwargs) -> HttpResponse:
        obj = self.get_object(key)
        self.require("delete", obj)
        try:
            self.resource.delete(obj, by=request.user)  # type: ignore[misc]
        except Refusal as refusal:  # still in use, say
            return self.show(obj, error=refusal.message, status=refusal.status)
        messages.success(request, f"{self.resource.singular.capitalize()} ‘{obj}’ deleted")
        return redirect(self.url_for("list"))

    def show(self, obj, error: str = "", status: int = 200) -> HttpResponse:
        context = self.base_context(
            crumb_of=obj,
            here="Delete",
            title=f"Are you sure you want to delete {obj}?",
            error=error,
            cancel_url=self.url_for("detail", obj),
        )
        return render(self.request, self.template_name, context, status=status)
