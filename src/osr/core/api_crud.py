"""The generic API of a resource: list, create, read, update, delete.

Input is validated by the resource's form (the same one the pages use), so a
rule is never written twice; permissions come from the ``rules`` registry.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field, create_model

from .concurrency import check_if_match, etag_of
from .resources import (
    DatabaseId,
    Resource,
    defaults_of,
    form_data_of,
    input_schema,
    output_of,
    output_schema,
)


class FieldErrors(Exception):
    """Input that failed validation: answered 422 with a message for each field."""

    def __init__(self, errors: dict[str, list[str]], status: int = 422):
        super().__init__("invalid input")
        self.errors = errors
        self.status = status


class Duplicate(Exception):
    """A unique slug, reference or dependency already exists: answered 409."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("duplicate")
        self.errors = errors


class PageParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=settings.OSR_API_MAX_PAGE_SIZE)


def page_of(request: HttpRequest, queryset, page: int, page_size: int) -> dict[str, Any]:
    """One page of a list in a stable order, with links to its neighbours.

    Counting and paging read primary keys only, so that a deep page skips its
    predecessors in an index rather than building (and de-duplicating) every
    full row before it; the page's own rows are then loaded by key, in the same
    query.
    """
    count = queryset.values("pk").count()
    start = (page - 1) * page_size
    # A page past the end is empty; asking the database would overflow its offset.
    rows = (
        list(queryset.filter(pk__in=queryset.values("pk")[start : start + page_size]))
        if start < count
        else []
    )

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "count": count,
        "next": link(page + 1) if start + page_size < count else None,
        "previous": link(page - 1) if page > 1 else None,
        "rows": rows,
    }


def validated_form(resource: Resource, data: dict[str, Any], instance: Model | None = None):
    """The resource's form bound to data, or FieldErrors / Duplicate."""
    form = resource.form(data=data, instance=instance)
    if not form.is_valid():
        errors = {
            name: [str(e.message) % (e.params or {}) for e in errs]
            for name, errs in form.errors.as_data().items()
        }
        codes = {e.code for errs in form.errors.as_data().values() for e in errs}
        if codes & {"unique", "unique_together"}:
            raise Duplicate(errors)
        raise FieldErrors(errors)
    duplicate = getattr(form, "duplicate", None)
    if duplicate is not None and duplicate():
        raise Duplicate({"__all__": [f"This {resource.singular} is already recorded"]})
    return form


def require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(f"You may not {perm.split('.')[1].replace('_', ' ')}")


class ErrorOut(Schema):
    detail: str


def get_object(resource: Resource, key: str | int, *, lock: bool = False) -> Model:
    """The object with this key; ``lock`` holds its row until the transaction ends."""
    queryset = resource.queryset()
    if lock:
        # Only the object's own row: PostgreSQL cannot lock the nullable side of a join.
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(**{resource.lookup: key})
    except (resource.model.DoesNotExist, ValueError) as error:  # type: ignore[attr-defined]
        raise Http404(f"No {resource.singular} {key}") from error


def crud_router(resource: Resource, *, save, delete, tags: list[str]) -> Router:
    """A ninja router with the five operations of a resource.

    ``save(form, by=user)`` and ``delete(obj, by=user)`` are the app's own
    operations, the same ones its pages call.
    """
    router = Router(tags=tags)
    Out = output_schema(resource)
    In = input_schema(resource, partial=False)
    Patch = input_schema(resource, partial=True)
    key_type = str if resource.lookup == "slug" else DatabaseId

    PageOut = create_model(
        f"{resource.model.__name__}Page",
        count=(int, ...),
        next=(str | None, ...),
        previous=(str | None, ...),
        results=(list[Out], ...),  # type: ignore[valid-type]
    )

    @router.get(
        "",
        response=PageOut,
        summary=f"List {resource.plural}",
        operation_id=f"list_{resource.model_name}",
    )
    def list_objects(request, paging: Query[PageParams]):
        require(request, resource.perm("view"))
        filters = resource.filterset(data=request.GET, queryset=resource.queryset())
        if not filters.is_valid():
            raise FieldErrors({k: [str(m) for m in v] for k, v in filters.errors.items()})
        page = page_of(request, filters.qs, paging.page, paging.page_size)
        page["results"] = [output_of(resource, obj) for obj in page.pop("rows")]
        return page

    @router.post(
        "",
        response={201: Out},
        summary=f"Create a {resource.singular}",
        operation_id=f"create_{resource.model_name}",
    )
    def create_object(request, response: HttpResponse, body: In):  # type: ignore[valid-type]
        raw = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        require(request, resource.perm("add"), resource.owner_for_new(raw))
        form = validated_form(resource, defaults_of(resource) | raw)
        obj = save(form, by=request.user)
        return Status(201, tagged(response, get_object(resource, resource.key_of(obj))))

    @router.get(
        "/{key}",
        response=Out,
        summary=f"Read a {resource.singular}",
        operation_id=f"read_{resource.model_name}",
    )
    def read_object(request, response: HttpResponse, key: key_type):  # type: ignore[valid-type]
        require(request, resource.perm("view"))
        return tagged(response, get_object(resource, key))

    @router.patch(
        "/{key}",
        response={200: Out, 412: ErrorOut, 428: ErrorOut},
        summary=f"Update a {resource.singular}",
        description="Send the object's current ETag in `If-Match`.",
        operation_id=f"update_{resource.model_name}",
    )
    def update_object(
        request,
        response: HttpResponse,
        key: key_type,  # type: ignore[valid-type]
        body: Patch,  # type: ignore[valid-type]
        if_match: str | None = Header(None, alias="If-Match"),
    ):
        with transaction.atomic():
            obj = get_object(resource, key, lock=True)
            require(request, resource.perm("change"), obj)
            check_if_match(if_match, etag_of(output_of(resource, obj)))
            changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
            form = validated_form(resource, form_data_of(resource.form, obj) | changes, obj)
            # Moving an object to another group needs the right to edit there too.
            require(request, resource.perm("change"), form.instance)
            save(form, by=request.user)
        return tagged(response, get_object(resource, resource.key_of(form.instance)))

    @router.delete(
        "/{key}",
        response={204: None, 412: ErrorOut, 428: ErrorOut},
        summary=f"Delete a {resource.singular}",
        description="Send the object's current ETag in `If-Match`.",
        operation_id=f"delete_{resource.model_name}",
    )
    def delete_object(
        request,
        key: key_type,  # type: ignore[valid-type]
        if_match: str | None = Header(None, alias="If-Match"),
    ):
        with transaction.atomic():
            obj = get_object(resource, key, lock=True)
            require(request, resource.perm("delete"), obj)
            check_if_match(if_match, etag_of(output_of(resource, obj)))
            delete(obj, by=request.user)
        return Status(204, None)

    def tagged(response: HttpResponse, obj: Model) -> dict[str, Any]:
        """The object as the API shows it, with its ETag set on the response."""
        representation = output_of(resource, obj)
        response["ETag"] = etag_of(representation)
        return representation

    router.output_schema = Out  # type: ignore[attr-defined]
    return router
