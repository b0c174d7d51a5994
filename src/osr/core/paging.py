"""The one way the API pages a list: ``?page=`` and ``?page_size=``, answered as
``{count, next, previous, results}``.

Every list endpoint declares ``response=list[ItemOut]`` and ``@paginated`` (ninja's
``@paginate(OsrPagination)``); ninja turns the declared list into the page envelope,
in the OpenAPI document too.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections
from django.db.models import Count, IntegerField, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Shown:
    """A list to page, and how the rows of one page are shown.

    ``show`` is given the whole page at once (for a queryset, the page as a
    queryset not yet read), so that what it loads for the rows is loaded in a
    fixed number of queries whatever the page's length.
    """

    rows: QuerySet | Sequence[Any]
    show: Callable[[Any], Iterable[Any]]
    # The rows of a page by their keys, in their order (``ByKeys.get``): the page is
    # then found as keys by the list's own query, and loaded by SQL written once.
    # ``show`` is given the page's objects, read.
    by_keys: Callable[[list[Any]], list[Any]] | None = None


class PageQuery(PaginationBase.Input):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=settings.OSR_API_MAX_PAGE_SIZE)


class OsrPagination(PaginationBase):
    # A class of its own name: the OpenAPI document names the schema after it.
    Input = PageQuery  # type: ignore[assignment]

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(
        self, queryset: Any, pagination: PageQuery, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        shown = queryset if isinstance(queryset, Shown) else Shown(queryset, list)
        rows, show = shown.rows, shown.show
        page, size = pagination.page, pagination.page_size
        start = (page - 1) * size
        chosen: QuerySet | list[Any]
        if isinstance(rows, QuerySet):
            count, chosen = _page_of_queryset(rows, start, size, shown.by_keys)
        else:
            everything = list(rows)
            count, chosen = len(everything), everything[start : start + size]
        return {
            "count": count,
            "next": _link(request, page + 1) if start + size < count else None,
            "previous": _link(request, page - 1) if page > 1 else None,
            "results": list(show(chosen)),
        }


def paginated(view: View) -> View:
    """``@paginate(OsrPagination)`` for a view whose annotations may be strings.

    Ninja reads the parameters of the paginated wrapper in ninja's own module,
    where names a view's module imports under ``from __future__ import
    annotations`` are unknown; the view's own annotations are resolved first.
    """
    view.__annotations__ = typing.get_type_hints(view, include_extras=True)
    return paginate(OsrPagination)(view)


def count_with_its_page(queryset: QuerySet) -> QuerySet:
    """``queryset``, marked to be counted by the same query that finds a page of it.

    For a search an index finds but cannot order (a trigram search): the matches are
    then read once, counted and sorted, rather than once to count them and again,
    walking the list's order, to find the page. Any other list is better counted on
    its own, which an index answers without reading (or sorting) every row.
    """
    marked = queryset.all()
    # A query's attributes are copied to each query made from it (ordered, filtered).
    marked.query.count_with_its_page = True  # type: ignore[attr-defined]
    return marked


def _page_of_queryset(
    queryset: QuerySet, start: int, size: int, by_keys: Callable | None = None
) -> tuple[int, QuerySet | list[Any]]:
    """The count, and one page of a queryset in its order: not yet read, or read by
    ``by_keys``.

    Counting and paging read primary keys only, so that a deep page skips its
    predecessors in an index rather than building (and de-duplicating) every
    full row before it; the page's own rows are then loaded by key, with whatever
    the queryset prefetches.
    """
    if _counted_with_its_page(queryset):
        count, keys = _page_counted_with_it(queryset, start, size)
    elif by_keys is not None and _countable_beside(queryset):
        count, keys = _page_with_its_count(queryset, start, size)
    else:
        count = queryset.values("pk").count()
        # A page past the end is empty; asking the database would overflow its offset.
        if start >= count:
            return count, queryset.none()
        if by_keys is None:
            return count, queryset.filter(pk__in=queryset.values("pk")[start : start + size])
        keys = list(queryset.values_list("pk", flat=True)[start : start + size])
    if by_keys is not None:
        return count, by_keys(keys)
    return count, queryset.filter(pk__in=keys) if keys else queryset.none()


def _counted_with_its_page(queryset: QuerySet) -> bool:
    return (
        getattr(queryset.query, "count_with_its_page", False)
        # Counted over the window, duplicates would count before DISTINCT removes them.
        and not queryset.query.distinct
        and connections[queryset.db].features.supports_over_clause
    )


def _page_counted_with_it(queryset: QuerySet, start: int, size: int) -> tuple[int, list[Any]]:
    """The page's keys, in order, and the count of every match, in one query.

    The count is a window over all the matches. Filtering on it has Django compute it
    in a subquery, ordered and cut to the page outside: the subquery is planned to read
    every match, as the count must, and the planner cannot mistake walking an index in
    the list's order (testing every row on the way) until the page is full for cheap.
    """
    keys = (
        queryset.values("pk")
        .annotate(matched=Window(Count("*")))
        .filter(matched__gt=0)[start : start + size]
        .values_list("pk", "matched")
    )
    page = list(keys)
    if not page:
        # Nothing on this page: none at all on the first, else the page is past the end.
        return (0 if start == 0 else queryset.values("pk").count()), []
    return page[0][1], [pk for pk, _matched in page]


def _countable_beside(queryset: QuerySet) -> bool:
    """Whether the list's count can be a column of its page's query: not for a list
    that groups its rows or combines queries, whose SQL could not take the column."""
    query = queryset.query
    return not (query.group_by or query.combinator or query.is_sliced)


# The largest offset the databases take (a 64-bit integer): a start beyond it is past
# the end of any list.
MAX_OFFSET = 2**63 - 1


def _page_with_its_count(queryset: QuerySet, start: int, size: int) -> tuple[int, list[Any]]:
    """The page's keys, in order, and the count of every match, in one round trip.

    The count is a subquery of its own in the page's query (``SELECT pk, (SELECT
    COUNT(*) FROM (the list's rows)) … LIMIT``): the database plans each part as it
    would alone (the count from an index, the page walking the list's order) and
    computes the count once, but the list pays one round trip instead of two.
    """
    if start >= MAX_OFFSET:
        return queryset.values("pk").count(), []
    rows = queryset.order_by().values("pk")
    sql, params = rows.query.get_compiler(using=queryset.db).as_sql()
    total = RawSQL(f"SELECT COUNT(*) FROM ({sql}) osr_counted", params, IntegerField())
    page = list(
        queryset.annotate(osr_total=total).values_list("pk", "osr_total")[start : start + size]
    )
    if not page:
        # Nothing on this page: none at all on the first, else the page is past the end.
        return (0 if start == 0 else queryset.values("pk").count()), []
    return page[0][1], [pk for pk, _total in page]


def _link(request: HttpRequest, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
