"""The generic API of a resource: list, create, read, update, delete.

Input is validated by the resource's form (the same one the pages use), so a
rule is never written twice; permissions come from the ``rules`` registry.
"""

from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from ninja import Header, Router, Status

from . import locked_rows
from .api_contract import QUERY_FILTERS, ErrorOut
from .concurrency import check_if_match, etag_of
from .paging import Shown, paginated
from .refusals import Conflicting, Invalid, invalid
from .resources import (
    DatabaseId,
    Resource,
    defaults_of,
    form_data_of,
    output_of,
    query_parameters,
)
from .shortcuts import one_or_404, require

ALREADY_EXISTS = "Already exists"


def validated_form(resource: Resource, data: dict[str, Any], instance: Model | None = None):
    """The resource's form bound to data; refused as invalid, or as taken (409)."""
    form = resource.form(data=data, instance=instance)
    if not form.is_valid():
        codes = {e.code for errs in form.errors.as_data().values() for e in errs}
        if codes & {"unique", "unique_together"}:
            raise Conflicting(invalid(form).errors, detail=ALREADY_EXISTS)
        raise invalid(form)
    return form


def refuse_unreadable_yes_or_no(resource: Resource, query) -> None:
    """Refuse a yes-or-no filter given anything but true or false.

    The filter set ignores such a value, which suits a page's drop-down ("any"); a
    client that mistyped one would instead be shown every row, unfiltered.
    """
    errors = {
        name: ["Enter true or false"]
        for name, list_filter in resource.filterset.base_filters.items()  # type: ignore[attr-defined]
        if issubclass(list_filter.field_class, forms.NullBooleanField)
        and any(value not in ("true", "false") for value in query.getlist(name))
    }
    if errors:
        raise Invalid(errors)


def get_object(resource: Resource, key: str | int, *, lock: bool = False) -> Model:
    """The object with this key; ``lock`` holds its row until the transaction ends."""
    return one_or_404(resource.finder(lock=lock), key)


def crud_router(resource: Resource) -> Router:
    """A ninja router with the five operations of a resource.

    Writes go through the resource's ``save(form, by=user)`` and
    ``delete(obj, by=user)``, the same operations its pages call.
    """
    router = Router(tags=[resource.plural.capitalize()])
    save, delete = resource.save, resource.delete
    assert save is not None and delete is not None, f"{resource.path} declares no writes"
    Out, In, Patch = resource.schema_out, resource.schema_in, resource.schema_patch
    key_type = str if resource.lookup == "slug" else DatabaseId

    @router.get(
        "",
        response=list[Out],  # type: ignore[valid-type]
        summary=f"List {resource.plural}",
        operation_id=f"list_{resource.model_name}",
        # Read by the list's filter set from the query string, and so declared by hand.
        openapi_extra={QUERY_FILTERS: query_parameters(resource.filterset)},
    )
    @paginated
    def list_objects(request):
        require(request, resource.perm("view"))
        refuse_unreadable_yes_or_no(resource, request.GET)
        filters = resource.filterset(data=request.GET, queryset=resource.objects_to_read())
        if not filters.is_valid():
            raise invalid(filters.form)
        return Shown(
            filters.qs,
            lambda rows: [output_of(resource, obj) for obj in rows],
            by_keys=resource.rows_by_key.get,
        )

    @router.post(
        "",
        response={201: Out},
        summary=f"Create a {resource.singular}",
        operation_id=f"create_{resource.model_name}",
    )
    def create_object(request, response: HttpResponse, body: In):  # type: ignore[valid-type]
        require(request, resource.perm("add"))  # anywhere at all: before reading the body
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
        obj = one_or_404(resource.finder(read=True), key)
        return tagged(response, obj)

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
            # The body is refused before the version: fix the request, then read the object.
            changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
            check_if_match(if_match, etag_of(output_of(resource, obj)))
            stored = locked_rows.copy_of(obj)  # before the form changes it in place
            form = validated_form(resource, form_data_of(resource.form, obj) | changes, obj)
            # Moving an object to another group needs the right to edit there too.
            require(request, resource.perm("change"), form.instance)
            with locked_rows.kept(stored):
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

    return router
