"""The shortcuts every page and endpoint shares, written once.

``require`` asks the one ``rules`` registry and refuses with ``Forbidden``;
``get_or_404`` refuses an unknown object with ``NotFound``. Both refusals are
also Django's own ``PermissionDenied`` and ``Http404``, so a page shows the
403 or 404 page, the API answers JSON, and the CLI prints one line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from .compiled import OneBy
from .refusals import Forbidden, NotFound

M = TypeVar("M", bound=Model)


def require(who, perm: str, obj: Any = None) -> None:
    """Refuse unless the user (or the request's user) has ``perm`` on ``obj``."""
    user = getattr(who, "user", who)
    if user is None or not user.has_perm(perm, obj):
        raise Forbidden(f"You may not {perm.split('.')[1].replace('_', ' ')}")


def get_or_404(source: type[M] | QuerySet[M], **lookup) -> M:
    """The one object matching ``lookup``, or a refusal naming what was asked for."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:  # type: ignore[attr-defined]
        name = queryset.model._meta.verbose_name
        asked = " ".join(str(value) for value in lookup.values())
        raise NotFound(f"No {name} {asked}".strip()) from error


def one_or_404(finder: OneBy[M], value: Any) -> M:
    """The one object a compiled look-up finds for ``value``, or the refusal ``get_or_404``
    gives."""
    try:
        found = finder.get(value)
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound(f"No {finder.model._meta.verbose_name} {value}".strip())
    return found


Crumb = tuple[str, str] | dict[str, str]


def crumbs(*trail: Crumb) -> list[dict[str, str]]:
    """GOV.UK breadcrumbs from Home through ``(text, href)`` pairs (or ready items).

    An empty ``href`` is the page itself: shown, not linked.
    """
    items = [{"text": "Home", "href": "/"}]
    for crumb in trail:
        text, href = (crumb["text"], crumb.get("href", "")) if isinstance(crumb, dict) else crumb
        items.append({"text": text, "href": href} if href else {"text": text})
    return items


def day(value: dt.date) -> str:
    """A date as GOV.UK writes it: 5 March 2026."""
    return f"{value.day} {value:%B %Y}"
