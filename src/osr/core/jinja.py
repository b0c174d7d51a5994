"""The Jinja2 environment of every page: GOV.UK macros, URLs, messages."""

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from . import history
from .navigation import nav_items
from .roles import ROLES, is_administrator, roles_of


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def query(request, **changes) -> str:
    """The current query string with some parameters replaced (for pagination and filters)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True)


def date(value, fmt: str = "%-d %B %Y") -> str:
    if not value:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return value.strftime(fmt)


def datetime(value) -> str:
    return date(value, "%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")


def readable_history(entries) -> list[history.Entry]:
    """Audit entries as people read them, for pages that show a few of an object's changes."""
    return history.describe(entries)


def yesno(value) -> str:
    return "Yes" if value else "No"


def environment(**options) -> Environment:
    loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    options.setdefault("extensions", []).append("jinja2.ext.do")
    env = Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        query=query,
        get_messages=get_messages,
        roles_of=roles_of,
        is_administrator=is_administrator,
        nav_items=nav_items,
        readable_history=readable_history,
        ROLES=ROLES,
        DEBUG=settings.DEBUG,
    )
    env.filters.update(date=date, datetime=datetime, yesno=yesno, full_name=history.full_name)
    return env
